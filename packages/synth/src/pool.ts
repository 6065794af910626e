/**
 * Runs generator tasks on worker threads, a task at a time per worker, in queue order. Which
 * worker renders which task does not change any file: a task's output is a function of the
 * task alone (see plan.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Task } from './worker.js';

/** The compiled worker script; from src/ (tests) and dist/ alike it is ../dist/worker.js. */
function workerScript(): string {
  const path = fileURLToPath(new URL('../dist/worker.js', import.meta.url));
  if (!existsSync(path)) throw new Error(`${path} is missing: build @kws/synth first (npm run build)`);
  return path;
}

type Reply = { type: 'clip' } | { type: 'done' } | { type: 'error'; message: string };

/**
 * Runs every task on `threads` workers; `onClip` after each clip. Rejects on the first error
 * (terminating the workers).
 *
 * @example
 * await runTasks(tasks, 2, () => bar.tick());
 */
export async function runTasks(tasks: readonly Task[], threads: number, onClip: () => void): Promise<void> {
  const queue = [...tasks];
  const script = workerScript();
  const workers: Worker[] = [];
  const one = (): Promise<void> =>
    new Promise((resolveDone, reject) => {
      const worker = new Worker(script);
      workers.push(worker);
      const next = (): void => {
        const task = queue.shift();
        if (task === undefined) {
          void worker.terminate();
          resolveDone();
        } else worker.postMessage(task);
      };
      worker.on('message', (m: Reply) => {
        try {
          if (m.type === 'clip') onClip();
          else if (m.type === 'done') next();
          else reject(new Error(m.message));
        } catch (err) {
          // A throwing progress callback stops the generation like a failing clip does.
          queue.length = 0;
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
      worker.on('error', reject);
      next();
    });
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(threads, tasks.length)) }, one));
  } finally {
    // Wait for every worker to stop, so that none still writes into a folder about to be removed.
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
