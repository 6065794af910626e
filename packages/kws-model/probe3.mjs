function affine(w, b, x, y, rows) {
  const n = x.length;
  for (let r = 0; r < rows; r++) { let acc = b[r]; const o = r * n; for (let i = 0; i < n; i++) acc += w[o + i] * x[i]; y[r] = acc; }
}
function affine4(w, b, x, y, rows) {
  const n = x.length;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    let a0 = b[r], a1 = b[r + 1], a2 = b[r + 2], a3 = b[r + 3];
    const o0 = r * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
    for (let i = 0; i < n; i++) { const xi = x[i]; a0 += w[o0 + i] * xi; a1 += w[o1 + i] * xi; a2 += w[o2 + i] * xi; a3 += w[o3 + i] * xi; }
    y[r] = a0; y[r + 1] = a1; y[r + 2] = a2; y[r + 3] = a3;
  }
  for (; r < rows; r++) { let acc = b[r]; const o = r * n; for (let i = 0; i < n; i++) acc += w[o + i] * x[i]; y[r] = acc; }
}
function affineT(wt, b, x, y, rows) { // wt: (n, rows) transposed
  const n = x.length;
  for (let r = 0; r < rows; r++) y[r] = b[r];
  for (let i = 0; i < n; i++) { const xi = x[i]; const o = i * rows; for (let r = 0; r < rows; r++) y[r] += wt[o + r] * xi; }
}
const rows = 192, n = 144;
const w = new Float32Array(rows * n).map(() => Math.random()), b = new Float32Array(rows), x = new Float32Array(n).map(Math.random), y = new Float64Array(rows);
function bench(name, fn, k = 20000) { for (let i = 0; i < k; i++) fn(); const t = process.hrtime.bigint(); for (let i = 0; i < k; i++) fn(); console.log(name, (Number(process.hrtime.bigint() - t) / k / 1000).toFixed(2), 'us'); }
for (let rep = 0; rep < 3; rep++) {
bench('affine', () => affine(w, b, x, y, rows));
bench('affine4', () => affine4(w, b, x, y, rows));
bench('affineT', () => affineT(w, b, x, y, rows));
}
function affine8(w, b, x, y, rows) {
  const n = x.length;
  let r = 0;
  for (; r + 8 <= rows; r += 8) {
    let a0 = b[r], a1 = b[r + 1], a2 = b[r + 2], a3 = b[r + 3], a4 = b[r + 4], a5 = b[r + 5], a6 = b[r + 6], a7 = b[r + 7];
    const o0 = r * n;
    for (let i = 0; i < n; i++) { const xi = x[i]; const o = o0 + i; a0 += w[o] * xi; a1 += w[o + n] * xi; a2 += w[o + 2 * n] * xi; a3 += w[o + 3 * n] * xi; a4 += w[o + 4 * n] * xi; a5 += w[o + 5 * n] * xi; a6 += w[o + 6 * n] * xi; a7 += w[o + 7 * n] * xi; }
    y[r] = a0; y[r + 1] = a1; y[r + 2] = a2; y[r + 3] = a3; y[r + 4] = a4; y[r + 5] = a5; y[r + 6] = a6; y[r + 7] = a7;
  }
}
for (let rep = 0; rep < 3; rep++) {
bench('affine4', () => affine4(w, b, x, y, rows));
bench('affine8', () => affine8(w, b, x, y, rows));
}
