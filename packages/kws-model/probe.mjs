import { StreamingKws, CRNN, TEACHER, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
for (const [name, c] of [['teacher', TEACHER], ['exp1', STUDENT_EXP1]]) {
  const kws = new StreamingKws(new CRNN(c, new Rng(0)).eval());
  const rng = new Rng(1);
  const chunk = Float32Array.from({ length: 1280 }, () => rng.normal() * 0.1);
  for (let i = 0; i < 3000; i++) kws.push(chunk);
  const ts = [];
  for (let i = 0; i < 5000; i++) { const t = process.hrtime.bigint(); kws.push(chunk); ts.push(Number(process.hrtime.bigint() - t) / 1000); }
  ts.sort((a, b) => a - b);
  console.log(name, 'median', ts[2500].toFixed(1), 'us p99', ts[4950].toFixed(1));
}
