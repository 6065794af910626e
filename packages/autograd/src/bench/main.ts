/**
 * Micro-benchmarks (`npm run bench` at the root): the plain-JS matmul kernel and the teacher's
 * first convolution through autograd.
 *
 *   matmul  (M, K) @ (K, N), float32, through `cpuBackend.matmul`:  GFLOP/s = 2·M·N·K / t
 *           (256³ also on the gpu.js backend, modes 'cpu' and 'gpu', when gpu.js is installed;
 *           256³ and 512³ on the threaded cpu backend and on the wasm backend)
 *   conv2d  x (128, 1, 40, 101), w (8, 1, 5, 20), stride (2, 8): output (128, 8, 18, 11),
 *           158,400 MACs a sample forward; the backward computes dW (the same MAC count) and
 *           db, but no dx (the input does not require a gradient), so fwd+bwd is 2x the MACs.
 *
 * Each case is one Benchmark.js run; the table prints the mean and median time per call (the
 * median of `stats.sample`), the relative margin of error (`stats.rme`, 95 %), the sample count
 * and the throughput derived from the mean. The whole run stays under about a minute.
 */
import { cpus } from 'node:os';
import Benchmark from 'benchmark';
import { cpuBackend, createGpuJsBackend, createParallelCpuBackend, createWasmBackend, GpuJsMissingError, NDArray, Rng, type Backend } from '@kws/tensor';
import { conv2d } from '../functional.js';
import { Tensor } from '../tensor.js';

/** Seconds of sampling per case (Benchmark.js `maxTime`) and the fewest samples accepted. */
const MAX_TIME_S = 4;
const MIN_SAMPLES = 5;

interface Case {
  readonly name: string;
  readonly fn: () => void;
  /** Throughput columns from the mean seconds per call. */
  readonly throughput: (meanS: number) => string;
}

function randomArray(shape: readonly number[], rng: Rng): NDArray {
  const a = NDArray.zeros(shape, 'float32');
  for (let i = 0; i < a.size; i++) a.data[i] = rng.uniform(-1, 1);
  return a;
}

function gflops(flop: number, seconds: number): string {
  return `${(flop / seconds / 1e9).toFixed(2)} GFLOP/s`;
}

function matmulCase(n: number, rng: Rng, be: Backend = cpuBackend): Case {
  const a = randomArray([n, n], rng);
  const b = randomArray([n, n], rng);
  be.matmul(a, b); // warm-up: a gpu.js backend compiles its kernel on the first call
  return {
    name: `matmul ${n}x${n}x${n} f32${be === cpuBackend ? '' : ` ${be.name}`}`,
    fn: () => void be.matmul(a, b),
    throughput: (s) => gflops(2 * n * n * n, s),
  };
}

/** The teacher's first conv: batch 128, 1x40x101 input, 8 channels, kernel 5x20, stride 2x8. */
const CONV = { batch: 128, cin: 1, h: 40, w: 101, cout: 8, kh: 5, kw: 20, stride: [2, 8] as const, macsPerSample: 158_400 };

function convCases(rng: Rng): Case[] {
  const { batch, cin, h, w, cout, kh, kw, stride, macsPerSample } = CONV;
  const x = new Tensor(randomArray([batch, cin, h, w], rng));
  const weight = new Tensor(randomArray([cout, cin, kh, kw], rng), { requiresGrad: true });
  const bias = Tensor.zeros([cout], { requiresGrad: true });
  const y0 = conv2d(x, weight, bias, { stride });
  const upstream = randomArray(y0.shape, rng);
  const perSample = (flopPerSample: number) => (s: number) =>
    `${Math.round(batch / s).toLocaleString('en-US')} samples/s, ${gflops(flopPerSample * batch, s)}`;
  return [
    {
      name: `conv2d fwd B=${batch}`,
      fn: () => void conv2d(x, weight, bias, { stride }),
      throughput: perSample(2 * macsPerSample),
    },
    {
      name: `conv2d fwd+bwd B=${batch}`,
      fn: () => {
        weight.zeroGrad();
        bias.zeroGrad();
        conv2d(x, weight, bias, { stride }).backward(upstream);
      },
      throughput: perSample(2 * 2 * macsPerSample),
    },
  ];
}

/** gpu.js backends in mode 'cpu' (JS) and 'gpu' (the best gpu.js finds here), or none without gpu.js. */
async function gpuJsBackends(): Promise<Backend[]> {
  try {
    return [await createGpuJsBackend({ mode: 'cpu' }), await createGpuJsBackend({ mode: 'gpu' })];
  } catch (e) {
    if (!(e instanceof GpuJsMissingError)) throw e;
    console.log('(gpu.js is not installed: no gpu.js rows)');
    return [];
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const COLUMNS = ['case', 'mean', 'median', '±rme', 'samples', 'throughput'];
const WIDTHS = [36, 11, 11, 8, 8, 0];

function row(cells: readonly string[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(WIDTHS[i]) : WIDTHS[i] > 0 ? c.padStart(WIDTHS[i]) : `  ${c}`)).join(' ');
}

function ms(seconds: number): string {
  return `${(seconds * 1e3).toFixed(seconds < 1e-3 ? 4 : 2)} ms`;
}

function runCase(c: Case): string {
  const bench = new Benchmark(c.name, c.fn, { maxTime: MAX_TIME_S, minSamples: MIN_SAMPLES });
  bench.run();
  if (bench.error) throw bench.error;
  const { mean, rme, sample } = bench.stats;
  return row([c.name, ms(mean), ms(median(sample)), `±${rme.toFixed(1)}%`, String(sample.length), c.throughput(mean)]);
}

async function main(): Promise<void> {
  const rng = new Rng(1234);
  const matmuls = [64, 256, 512].map((n) => matmulCase(n, rng));
  const gpuRng = new Rng(5678); // its own stream: the cpu cases keep their inputs
  const gpu = (await gpuJsBackends()).map((be) => matmulCase(256, gpuRng, be));
  const parallel = createParallelCpuBackend({ threads: 2 });
  const threaded = [256, 512].map((n) => matmulCase(n, new Rng(n), parallel));
  const wasm = await createWasmBackend();
  const simd = [256, 512].map((n) => matmulCase(n, new Rng(n), wasm));
  const cases = [...matmuls.slice(0, 2), ...gpu, ...matmuls.slice(2), ...threaded, ...simd, ...convCases(rng)];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`kws-ts bench: backend ${cpuBackend.name}, Node ${process.version}, ${cpu}, single thread unless the case names cpu-parallel-2 (wasm: WebAssembly SIMD, float32 sums)`);
  console.log(row(COLUMNS));
  const started = performance.now();
  for (const c of cases) console.log(runCase(c));
  parallel.close();
  console.log(`(${((performance.now() - started) / 1e3).toFixed(1)} s; mean/median are per call, throughput from the mean)`);
}

await main();
