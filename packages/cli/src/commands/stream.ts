/**
 * `kws-cli stream`: keyword spotting on a stream, from a WAV file or live raw PCM on stdin.
 *
 * The model runs every --step frames (8 = 80 ms) over the last --window frames (101 = 1 s), the
 * GRU run as --mode says (StreamingKws: staggered states by default); detections come from EventDetector
 * (moving average, threshold crossing, refractory time). Output: one line per detection
 * (`12.34s sheila p=0.97`), or with --json one JSON line per step and per event; a summary on
 * stderr; --plot draws p over time with the detections (SVG or PNG).
 *
 * stdin (`-`) is read as it arrives, so a microphone can be piped in:
 *   arecord -f S16_LE -r 16000 -c 1 -t raw | npx kws-cli stream --checkpoint X -
 * Ctrl-C ends the stream: the steps so far are flushed, the plot is written, exit code 130.
 */
import { existsSync, statSync, type Stats } from 'node:fs';
import { checkJson, convTimeOut, EventDetector, readJsonFile, SAMPLE_RATES, StreamingKws, type CRNN, type DetectionEvent, type GruMode, type StreamOutput } from '@kws/kws-model';
import type { Values } from '../args.js';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { checkOutputFolder } from '../paths.js';
import { checkpointOf, modelFlag } from '../shipped.js';
import { detectionRule } from '../detection-rule.js';
import { duration, int } from '../format.js';
import { checkpointKeyword } from '../keyword.js';
import type { Io } from '../io.js';
import { loadKeywordModel } from '../keyword-model.js';
import { pcmChunks, RATE, wavChunks } from '../stream-input.js';
import { writeStreamPlot } from '../stream-plot.js';

const flags = {
  checkpoint: { type: 'string', metavar: 'FILE', help: 'the model (.safetensors, F32 or F16; teacher or student); or --model' },
  model: modelFlag,
  rate: { type: 'int', range: 'positive', default: RATE, help: 'sample rate of the raw PCM on stdin (other than 16000: resampled as it arrives); a WAV file carries its own' },
  threshold: { type: 'number', range: 'non-negative', default: 0.5, defaultText: "the checkpoint's operating point, else 0.5", help: 'a detection fires when the (smoothed) p rises to this' },
  smooth: { type: 'int', range: 'positive', default: 1, metavar: 'N', defaultText: "the checkpoint's operating point, else 1", help: 'moving average of p over the last N steps (1: none)' },
  refractory: { type: 'number', range: 'non-negative', default: 1, metavar: 'SEC', defaultText: "the checkpoint's operating point, else 1", help: 'no second detection within this many seconds of one' },
  window: { type: 'int', range: 'positive', default: 101, metavar: 'FRAMES', help: 'frames (10 ms each) the attention sees; 101 = 1 s, as trained' },
  step: { type: 'int', range: 'positive', default: 8, metavar: 'FRAMES', help: 'frames between model outputs (8 = 80 ms = one conv column)' },
  mode: {
    type: 'string',
    choices: ['staggered', 'reset', 'carried'],
    default: 'staggered',
    defaultText: "the checkpoint's operating point, else staggered",
    help: 'how the GRU runs: staggered = --states GRU states a fraction of a window apart, each reset once a window, the output from the one that has heard most of the window (the offline model on the last 85-101 frames; exactly on the window at 4 of 11 steps); reset = each window from a zero state (equals the offline model on every window; 11 GRU steps a step); carried = one state from the stream start (cheapest, least accurate)',
  },
  states: { type: 'int', range: 'positive', default: 4, metavar: 'K', defaultText: "the checkpoint's operating point, else 4", help: 'GRU states of --mode staggered (1 to 11 for the 101-frame window; K GRU steps a step)' },
  reset: { type: 'boolean', help: 'shorthand for --mode reset' },
  json: { type: 'boolean', help: 'print a JSON line for every step ({"type":"step",...}) and event ({"type":"event",...})' },
  plot: { type: 'string', metavar: 'FILE', help: 'draw p over time with the detections to FILE.svg or FILE.png' },
} as const;

type Flags = Values<typeof flags>;

/** An Io may carry its own stdin (tests); the real one is the process's. */
type StreamIo = Io & { stdin?: AsyncIterable<Uint8Array> };

interface Session {
  count: number;
  steps: StreamOutput[];
  smoothed: number[];
  events: DetectionEvent[];
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/**
 * The keyword's span from the sidecar JSON that `data glue` writes next to its WAV, if any. A
 * sidecar without `start` and `end` is someone else's file and is ignored; one with a broken
 * `start` or `end` (or broken JSON) is an error naming the file and the field.
 */
function truthOf(input: string): { start: number; end: number } | undefined {
  const sidecar = input.replace(/\.wav$/i, '.json');
  if (sidecar === input || !existsSync(sidecar)) return undefined;
  const j = readJsonFile(sidecar, { start: 'number?', end: 'number?' });
  if (j.start === undefined && j.end === undefined) return undefined;
  return checkJson(j, { start: 'number', end: 'number' }, sidecar);
}

function checkFlags(f: Flags, positionals: string[], given: ReadonlySet<string>, path: string): string {
  if (positionals.length !== 1) throw new UsageError('give one input: a WAV file, or - for raw s16le PCM on stdin', path);
  if (f.reset && given.has('mode') && f.mode !== 'reset') throw new UsageError(`--reset (--mode reset) and --mode ${f.mode} contradict each other; give one`, path);
  if (f.threshold > 1) throw new UsageError(`--threshold must be in [0, 1], got '${f.threshold}'`, path);
  if (f.window < 20) throw new UsageError(`--window must be at least 20 frames (the conv's receptive field), got '${f.window}'`, path);
  if (f.plot !== undefined && !/\.(svg|png)$/i.test(f.plot)) throw new UsageError(`--plot must name a .svg or .png file, got '${f.plot}'`, path);
  if (f.rate < SAMPLE_RATES.min || f.rate > SAMPLE_RATES.max) throw new UsageError(`--rate must be ${SAMPLE_RATES.min}-${SAMPLE_RATES.max} Hz, got '${f.rate}'`, path);
  if (f.plot !== undefined) checkOutputFolder(f.plot, '--plot');
  return positionals[0];
}

/** Feed every chunk of `source` through the model and the detector; `emit` sees each step. */
async function drive(source: AsyncIterable<Float32Array>, kws: StreamingKws, emit: (s: StreamOutput) => void, stopped: () => boolean): Promise<void> {
  try {
    for await (const x of source) {
      kws.push(x).forEach(emit);
      if (stopped()) break;
    }
  } catch (err) {
    if (!stopped()) throw err; // Ctrl-C destroys stdin mid-read: that is the end of the stream
  }
  kws.flush().forEach(emit);
}

function emitter(io: Io, f: Flags, keyword: string, det: EventDetector, s: Session): (step: StreamOutput) => void {
  return (step) => {
    const e = det.push(step);
    s.count++;
    if (f.plot !== undefined) {
      // Only a plot needs the history; without one nothing grows with the stream's length.
      s.steps.push(step);
      s.smoothed.push(det.smoothed);
    }
    if (f.json) io.out(JSON.stringify({ type: 'step', time: round(step.time, 2), p: round(step.p, 6), smoothed: round(det.smoothed, 6) }));
    if (!e) return;
    s.events.push(e);
    io.out(f.json ? JSON.stringify({ type: 'event', time: round(e.time, 2), keyword, p: round(e.p, 6) }) : `${e.time.toFixed(2)}s ${keyword} p=${e.p.toFixed(2)}`);
  };
}

/**
 * The streaming model the flags ask for; an impossible number of states is a usage error that
 * names the flag it came from: --states if given, else the --window that leaves too few columns
 * for the states of the checkpoint's operating point or the default.
 */
export function streamingModel(model: CRNN, f: { window: number; step: number; mode: GruMode; states: number; reset?: boolean }, path: string, given: ReadonlySet<string> = new Set(['states'])): StreamingKws {
  const Wc = convTimeOut(model.config, f.window);
  if (f.states > Wc) {
    if (given.has('states')) throw new UsageError(`--states must be at most ${Wc} (the conv columns in a ${f.window}-frame window), got '${f.states}'`, path);
    throw new UsageError(`--window ${f.window} leaves ${Wc} conv columns, fewer than the ${f.states} GRU states of --mode staggered (the checkpoint's operating point or the default); give --states ${Wc} or less, or a larger --window`, path);
  }
  return new StreamingKws(model, { maxWindowFrames: f.window, stepFrames: f.step, mode: f.reset === true ? 'reset' : f.mode, states: f.states });
}

function source(input: string, rate: number, io: StreamIo): AsyncIterable<Float32Array> {
  if (input === '-') return pcmChunks(io.stdin ?? process.stdin, rate, (w) => io.err(`warning: ${w}`));
  checkWavPath(input);
  return wavChunks(input);
}

/** A folder or a FIFO named as the input is refused with what to do instead (a FIFO would block the open). */
function checkWavPath(input: string): void {
  let st: Stats;
  try {
    st = statSync(input);
  } catch {
    throw new Error(`${input}: no such file`);
  }
  if (st.isDirectory()) throw new Error(`${input}: is a folder, not a WAV file`);
  if (st.isFIFO()) throw new Error(`${input}: is a FIFO, not a WAV file; to stream from a pipe, give - and feed it raw s16le PCM on stdin (kws-cli stream ... - < ${input})`);
}

export const stream = defineCommand({
  name: 'stream',
  summary: 'spot the keyword in a WAV file or live PCM on stdin, step by step',
  description: [
    'The model runs every --step frames over the last --window frames (the GRU as --mode says) and prints one line per detection. Input - reads raw signed 16-bit little-endian mono PCM from stdin as it arrives (--rate, default 16000), so a microphone can be piped in.',
  ],
  flags,
  positionals: [{ name: 'FILE.wav|-', help: 'a WAV file (any rate: resampled; channels averaged to mono), or - for raw s16le mono PCM on stdin' }],
  examples: [
    'npx kws-cli stream --checkpoint runs/teacher-synth/best.safetensors tracks/demo.wav --plot tracks/demo.png',
    'arecord -f S16_LE -r 16000 -c 1 -t raw | npx kws-cli stream --model teacher -',
    'arecord -f S16_LE -r 16000 -c 1 -t raw | npx kws-cli stream --checkpoint runs/teacher-synth/best.safetensors -',
    'sox -d -t raw -r 16000 -b 16 -c 1 -e signed - | npx kws-cli stream --checkpoint runs/teacher-synth/best.safetensors -',
    'ffmpeg -f alsa -i default -ac 1 -ar 16000 -f s16le - | npx kws-cli stream --checkpoint runs/teacher-synth/best.safetensors - --json',
  ],
  async run(args, plainIo, path) {
    const io: StreamIo = plainIo;
    const f = args.flags;
    const input = checkFlags(f, args.positionals, args.given, path);
    const file = checkpointOf(f.checkpoint, f.model, path);
    const { model, info } = loadKeywordModel(file, io);
    const keyword = checkpointKeyword(info);
    const rule = detectionRule(info.metadata, file, f, args.given);
    // Read the sidecar before streaming: a broken one fails now, not after the whole input.
    const truth = f.plot !== undefined && input !== '-' ? truthOf(input) : undefined;
    const kws = streamingModel(model.eval(), { ...f, mode: rule.mode, states: rule.states, reset: false }, path, args.given);
    const det = new EventDetector({ threshold: rule.threshold, smoothSteps: rule.smoothSteps, refractorySec: rule.refractorySec });
    io.err(rule.source);
    const session: Session = { count: 0, steps: [], smoothed: [], events: [] };
    let stopped = false;
    const off = io.onInterrupt?.(() => {
      stopped = true;
      if (input === '-' && !io.stdin) process.stdin.destroy();
    });
    const started = performance.now();
    try {
      await drive(source(input, f.rate, io), kws, emitter(io, f, keyword, det, session), () => stopped);
    } finally {
      off?.();
    }
    const audio = kws.frames > 0 ? ((kws.frames - 1) * 160) / RATE : 0;
    io.err(`streamed ${duration(audio)} of audio in ${duration((performance.now() - started) / 1000)}: ${int(session.count)} steps, ${int(session.events.length)} detection${session.events.length === 1 ? '' : 's'} of '${keyword}'`);
    if (f.plot !== undefined) {
      await writeStreamPlot(f.plot, { ...session, smoothed: rule.smoothSteps > 1 ? session.smoothed : undefined, threshold: rule.threshold, keyword, truth });
      io.err(`plot: ${f.plot}`);
    }
    return stopped ? 130 : 0;
  },
});
