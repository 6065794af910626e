/**
 * `kws-cli calibrate`: choose a checkpoint's wake-word operating point (threshold and moving
 * average) on a split of a Speech Commands folder, or of the built-in synthetic set, streamed as
 * one track, and store it in the checkpoint, as `train` and `distill` do after training. A run
 * folder's best.safetensors is rewritten as one more commit of the run; any other file
 * atomically, or written to --out.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { shipOperatingPoint, withOperatingPoint } from '@kws/distill';
import { clipsOf, describeOperatingPoint, loadModel, writeFileAtomic } from '@kws/kws-model';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { calibrationClips, loadLabelled } from '../data-source.js';
import { forceKeywordFlag, scoredKeyword, scoredKeywordFlag } from '../keyword.js';
import { duration, shown } from '../format.js';
import { checkOutputFolder } from '../paths.js';
import { checkpointOf, modelFlag } from '../shipped.js';
import { resolveData } from '../train-setup.js';
import { flags as trainFlags } from './train.js';

const T = trainFlags;
const flags = {
  checkpoint: { type: 'string', metavar: 'FILE', help: 'the checkpoint to calibrate (.safetensors); or --model' },
  model: modelFlag,
  data: { ...T.data, help: 'a Speech Commands folder (for example your own recordings in word folders); without it, the built-in synthetic set' },
  split: { type: 'string', choices: ['val', 'test', 'all'], default: 'val', help: "the clips streamed: the folder's validation or test list, or every clip ('all', for a folder without lists)" },
  keyword: scoredKeywordFlag,
  forceKeyword: forceKeywordFlag,
  faPerHour: { ...T.operatingFa, help: 'the false accepts per hour to stay at or below on the split streamed as one track' },
  out: { type: 'string', metavar: 'FILE', help: 'write the calibrated checkpoint here instead of over --checkpoint' },
  cache: T.cache,
  synthSeed: T.synthSeed,
  speakers: T.speakers,
  engines: T.engines,
} as const;

export const calibrate = defineCommand({
  name: 'calibrate',
  summary: "choose a checkpoint's wake-word operating point on held-out clips and store it in the checkpoint",
  description: [
    "The split's clips are glued into a negative track (each other-word clip once) and a keyword track (each keyword clip after 2 other-word clips), streamed as kws-cli stream does (staggered, 4 states), and the threshold and moving average (1, 2 or 3 steps) with the lowest false-reject rate among those with at most --fa-per-hour false accepts an hour are stored in the checkpoint's metadata (operatingPoint). stream, serve and eval --stream then use it. A synthetic set's sound-alikes of the keyword are left out: they are hard negatives on purpose, rare in ordinary speech.",
  ],
  flags,
  examples: [
    'npx kws-cli calibrate --checkpoint runs/teacher-synth/best.safetensors',
    'npx kws-cli calibrate --checkpoint my-model.safetensors --data my_recordings --split all --fa-per-hour 1',
  ],
  async run(args, io, path) {
    const f = args.flags;
    const file = checkpointOf(f.checkpoint, f.model, path);
    if (f.model !== undefined && f.out === undefined) throw new UsageError('--model needs --out: the shipped models are not rewritten in place', path);
    if (f.out !== undefined) checkOutputFolder(f.out, '--out');
    const keyword = scoredKeyword(loadModel(file).info, f, file, path);
    const src = await resolveData(io, { ...f, keyword, split: f.split === 'all' ? 'random' : 'official' });
    const list = clipsOf(src.sc, f.split);
    const [loaded] = loadLabelled(io, src.sc.root, [list]);
    const { held, data, keywordClips: kw } = await calibrationClips(src.sc.root, list, loaded, f.split);
    if (kw === 0 || kw === held.labels.length) throw new Error(`${data} holds ${kw === 0 ? `no '${src.sc.keyword}' clips` : 'only keyword clips'}: an operating point needs both`);
    const t0 = performance.now();
    const dir = dirname(file);
    const inRun = f.out === undefined && basename(file) === 'best.safetensors' && existsSync(join(dir, 'commit.json'));
    const opts = { targetFaPerHour: f.faPerHour, data };
    let op;
    if (inRun) op = shipOperatingPoint(dir, held, opts);
    else {
      const made = withOperatingPoint(file, held, opts);
      writeFileAtomic(f.out ?? file, made.bytes);
      op = made.op;
    }
    io.out(`operating point of ${shown(f.out ?? file)}${inRun ? ' (committed to its run folder)' : ''}: ${describeOperatingPoint(op)}, chosen in ${duration((performance.now() - t0) / 1000)}`);
    return 0;
  },
});
