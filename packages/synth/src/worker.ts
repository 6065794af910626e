/**
 * Worker-thread entry of the generator: renders one chunk of clips (or the background files)
 * with fresh engine instances and writes them into the data-set folder. Posts 'clip' after each
 * clip, then 'done' (or 'error' with a message).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { encodeWav } from '@kws/kws-model';
import { RATE, renderBackground, renderClip, type Engines, type Part } from './clips.js';
import type { Engine } from './engine.js';
import { ENGINES } from './engines.js';
import type { Job } from './plan.js';
import { SynthRng } from './rng.js';
import type { SynthSpeaker } from './speakers.js';

/** A unit of work: a chunk of clips, or the four background files. */
export type Task =
  | { kind: 'chunk'; dir: string; seed: number; engineSeed: number; jobs: Job[]; without: Part[] }
  | { kind: 'background'; dir: string; engineSeed: number; rngSeed: number; stream: number; babblers: SynthSpeaker[]; words: string[]; seconds: number };

/** The relative path of a job's WAV file, with forward slashes as in the split lists. */
export const clipPath = (j: Job): string => `${j.word}/${j.speaker.id}_nohash_${j.take}.wav`;

/** Fresh instances of the engines `speakers` use, each seeded with `seed`. */
async function loadEngines(speakers: readonly SynthSpeaker[], seed: number): Promise<Engines> {
  const out: Record<string, Engine<unknown>> = {};
  for (const name of [...new Set(speakers.map((s) => s.engine))].sort()) out[name] = await ENGINES[name].load(seed);
  return out;
}

/** Renders and writes a task; `progress` after each clip. */
export async function runTask(task: Task, progress: () => void): Promise<void> {
  if (task.kind === 'chunk') {
    const engines = await loadEngines(task.jobs.map((j) => j.speaker), task.engineSeed);
    const without = new Set(task.without);
    for (const job of task.jobs) {
      // Each clip draws from its own stream: its prosody, room, noise and placement do not
      // depend on any other clip.
      const clip = renderClip(engines, SynthRng.derive(task.seed, 1000 + job.index), job.speaker, job.word, without);
      writeFileSync(join(task.dir, clipPath(job)), encodeWav(clip, RATE, 16));
      progress();
    }
    for (const e of Object.values(engines)) e.close?.();
    return;
  }
  const engines = await loadEngines(task.babblers, task.engineSeed);
  const files = renderBackground(engines, SynthRng.derive(task.rngSeed, task.stream), task.babblers, task.words, task.seconds);
  for (const [name, samples] of Object.entries(files)) writeFileSync(join(task.dir, '_background_noise_', `${name}.wav`), encodeWav(samples, RATE, 16));
  for (const e of Object.values(engines)) e.close?.();
}

parentPort?.on('message', (task: Task) => {
  runTask(task, () => parentPort?.postMessage({ type: 'clip' })).then(
    () => parentPort?.postMessage({ type: 'done' }),
    (err: unknown) => parentPort?.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
