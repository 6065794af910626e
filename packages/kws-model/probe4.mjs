const C = 8, F = 18, kh = 5, kw = 20, sh = 2, nMels = 40;
const W = new Float32Array(C * kh * kw).map(Math.random), b = new Float32Array(C), patch = new Float32Array(kw * nMels).map(Math.random), out = new Float32Array(C * F), acc = new Float64Array(F);
function v1() {
  for (let c = 0; c < C; c++) {
    acc.fill(b[c], 0, F);
    for (let i = 0; i < kh; i++) for (let k = 0; k < kw; k++) { const wv = W[(c * kh + i) * kw + k]; const row = k * nMels + i; for (let f = 0; f < F; f++) acc[f] += wv * patch[row + sh * f]; }
    for (let f = 0; f < F; f++) out[c * F + f] = acc[f];
  }
}
const Wt = new Float32Array(C * kw * kh); // (c, k, i)
for (let c = 0; c < C; c++) for (let i = 0; i < kh; i++) for (let k = 0; k < kw; k++) Wt[(c * kw + k) * kh + i] = W[(c * kh + i) * kw + k];
function v2() {
  for (let c = 0; c < C; c++) for (let f = 0; f < F; f++) {
    let a = b[c];
    for (let k = 0; k < kw; k++) { const base = k * nMels + sh * f; const wo = (c * kw + k) * kh; for (let i = 0; i < kh; i++) a += Wt[wo + i] * patch[base + i]; }
    out[c * F + f] = a;
  }
}
function v3() { // flattened: per (c,f) dot of length kw*kh over gathered indices; precompute patch-transposed im2col per f? 
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < C; c += 2) {
      let a0 = b[c], a1 = b[c + 1];
      const w0 = c * kw * kh, w1 = w0 + kw * kh;
      for (let k = 0; k < kw; k++) { const base = k * nMels + sh * f; const wo = k * kh; for (let i = 0; i < kh; i++) { const p = patch[base + i]; a0 += Wt[w0 + wo + i] * p; a1 += Wt[w1 + wo + i] * p; } }
      out[c * F + f] = a0; out[(c + 1) * F + f] = a1;
    }
  }
}
function bench(name, fn, k = 1000) { for (let i = 0; i < 20000; i++) fn(); let best = Infinity; for (let r = 0; r < 50; r++) { const t = process.hrtime.bigint(); for (let i = 0; i < k; i++) fn(); best = Math.min(best, Number(process.hrtime.bigint() - t) / k / 1000); } console.log(name, best.toFixed(2), "us (min of 50)"); }
for (let r = 0; r < 3; r++) { bench('v1', v1); bench('v2', v2); bench('v3', v3); }
