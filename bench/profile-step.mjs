/**
 * The CPU profile behind the README's "where a training step spends its time": warm up, then
 * profile N training steps (batch 128) with node:inspector, and print self time per function.
 *   npm run build && node bench/profile-step.mjs [teacher|exp1] [wasm|cpu] [steps=10]
 * Writes the raw profile to bench/step-<model>-<backend>.cpuprofile (open it in Chrome DevTools).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { useBackend } from '../packages/autograd/dist/index.js';
import { trainStep, timeCalls } from '../packages/cli/dist/bench-train.js';
import { cpuBackend, createWasmBackend } from '../packages/tensor/dist/index.js';

const [model = 'teacher', backend = 'wasm', steps = '10'] = process.argv.slice(2);
useBackend(backend === 'wasm' ? await createWasmBackend() : cpuBackend);
const step = trainStep(model, 128);
timeCalls(step, 3, 0);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const ms = timeCalls(step, Number(steps), 0);
const { profile } = await session.post('Profiler.stop');
writeFileSync(new URL(`step-${model}-${backend}.cpuprofile`, import.meta.url), JSON.stringify(profile));
console.log(`${model} on ${backend}: samples/s per step ${ms.map((t) => (128000 / t).toFixed(0)).join(' ')}`);

// self time per function (sample counts weighted by the time to the next sample); the inspector's
// own message handling ('dispatch', while the profile is handed over) and idle time are left out
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  const dt = profile.timeDeltas[i] ?? 0;
  if (functionName === 'dispatch' || functionName === '(idle)') return;
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${key}`);
