/**
 * `kws-cli bench --train`: the contenders (kws-ts backends by name, and the optional TF.js peer
 * from bench/tfjs), the run over presets, and the printed lines:
 *   teacher train 1234 samples/s (min 1100, max 1300) wasm
 *   teacher infer batch 1 0.52 ms (min .., max ..) wasm
 *   teacher ratio train wasm/cpu 3.41x ...
 * The peer lives outside the workspaces (its own package.json, installed on demand) and is
 * imported by path, so neither the library nor `npm test` ever needs TF.js.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { currentBackend, useBackend } from '@kws/autograd';
import { cpuBackend, createParallelCpuBackend, createWasmBackend } from '@kws/tensor';
import { backendContender, benchTrain, type Contender, type Spread, type TrainBenchOptions, type TrainBenchRow } from './bench-train.js';
import type { Io } from './io.js';

export const BACKEND_NAMES = ['cpu', 'cpu-parallel-2', 'wasm'] as const;

/** bench/tfjs/peer.mjs at the repository root (from packages/cli/dist or packages/cli/src). */
export const PEER_PATH = fileURLToPath(new URL('../../../bench/tfjs/peer.mjs', import.meta.url));
export const PEER_INSTALL = 'npm install --prefix bench/tfjs';

interface Made {
  contenders: Contender[];
  close(): void;
}

async function makeContenders(names: readonly string[], peer: boolean): Promise<Made> {
  const closers: (() => void)[] = [];
  const contenders: Contender[] = [];
  for (const name of names) {
    if (name === 'cpu') contenders.push(backendContender(cpuBackend));
    else if (name === 'wasm') contenders.push(backendContender(await createWasmBackend()));
    else {
      const be = createParallelCpuBackend({ threads: 2 });
      closers.push(() => be.close());
      contenders.push(backendContender(be));
    }
  }
  if (peer) {
    if (!existsSync(new URL('node_modules/@tensorflow/tfjs-backend-wasm', pathToFileURL(PEER_PATH)))) {
      throw new Error(`the TF.js peer is not installed: run '${PEER_INSTALL}' at the repository root`);
    }
    const mod = (await import(pathToFileURL(PEER_PATH).href)) as { createPeer(): Promise<Contender> };
    contenders.push(await mod.createPeer());
  }
  return { contenders, close: () => closers.forEach((c) => c()) };
}

const n0 = (v: number): string => v.toFixed(0);
const ms = (v: number): string => (v < 1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : v.toFixed(1));

function spreadText(s: Spread, fmt: (v: number) => string): string {
  return `(min ${fmt(s.min)}, max ${fmt(s.max)})`;
}

function lines(preset: string, rows: readonly TrainBenchRow[], batch: number): string[] {
  const out: string[] = [];
  for (const r of rows) {
    out.push(`${preset} train ${n0(r.train.median)} samples/s ${spreadText(r.train, n0)} ${r.contender}`);
    out.push(`${preset} infer batch 1 ${ms(r.infer1.median)} ms ${spreadText(r.infer1, ms)} ${r.contender}`);
    out.push(`${preset} infer batch ${batch} ${ms(r.inferBatch.median)} ms ${spreadText(r.inferBatch, ms)} = ${n0((batch * 1000) / r.inferBatch.median)} samples/s ${r.contender}`);
  }
  const [first, ...others] = rows;
  for (const r of others) {
    const x = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
    out.push(`${preset} ratio ${first.contender}/${r.contender}: train ${x(first.train.median, r.train.median)}, infer batch 1 ${x(r.infer1.median, first.infer1.median)}, infer batch ${batch} ${x(r.inferBatch.median, first.inferBatch.median)}`);
  }
  return out;
}

export interface TrainBenchFlags extends TrainBenchOptions {
  presets: readonly string[];
  backends: readonly string[];
  peer: boolean;
  json: boolean;
}

/** Runs every preset over every contender; prints lines (or one JSON line per preset and contender). */
export async function runTrainBench(io: Io, f: TrainBenchFlags): Promise<void> {
  const made = await makeContenders(f.backends, f.peer);
  const prev = currentBackend();
  try {
    for (const preset of f.presets) {
      const rows = benchTrain(preset, made.contenders, f);
      if (f.json) rows.forEach((r) => io.out(JSON.stringify({ model: preset, batch: f.batch, rounds: f.rounds, ...r })));
      else lines(preset, rows, f.batch).forEach((l) => io.out(l));
    }
  } finally {
    useBackend(prev);
    made.close();
  }
}
