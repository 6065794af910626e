import { StreamingLogMel, FastEngine, CRNN, TEACHER, STUDENT_EXP1, LogMel } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
function bench(name, fn, n = 20000) { for (let i = 0; i < n; i++) fn(); const t = process.hrtime.bigint(); for (let i = 0; i < n; i++) fn(); console.log(name, (Number(process.hrtime.bigint() - t) / n / 1000).toFixed(2), 'us'); }
const rng = new Rng(1);
const chunk = Float32Array.from({ length: 1280 }, () => rng.normal() * 0.1);
const front = new StreamingLogMel();
bench('front 1280 samples', () => front.push(chunk, () => {}));
const fe = new LogMel(); const w = new Float64Array(400).map(() => Math.random()); const o = new Float32Array(40);
bench('frameMelPower', () => fe.frameMelPower(w, o, 0, 1), 100000);
for (const [name, c] of [['teacher', TEACHER], ['exp1', STUDENT_EXP1]]) {
  const e = new FastEngine(new CRNN(c, new Rng(0)).eval());
  const patch = Float32Array.from({ length: 800 }, () => rng.normal());
  const col = new Float32Array(e.convWidth); const st = Array.from({ length: e.layers }, () => new Float32Array(e.hidden)); const h = new Float32Array(e.hidden);
  bench(name + ' conv', () => e.convColumn(patch, col));
  bench(name + ' gru', () => e.gruStep(col, st, h));
  bench(name + ' energy', () => e.energy(h));
  bench(name + ' classify', () => e.classify(h));
}
