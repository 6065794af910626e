/**
 * `kws-cli data glue`: the homework's streaming demonstration track. One keyword clip sits in the
 * middle of a --seconds long 16 kHz WAV, between two stretches of other words' clips (each clip
 * padded to 1 s), all drawn with a seed from one split of a Speech Commands folder (the test
 * split by default: clips the model never trained on). A sidecar JSON next to the WAV records
 * where the keyword clip is ({ "start": s, "end": s, ... }); `stream --plot` shades that span.
 */
import { clipsOf } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { scanData } from '../data-source.js';
import { shown } from '../format.js';
import { demoOrder, placeClips, writeTrack } from '../glue.js';

const flags = {
  data: { type: 'string', required: true, metavar: 'DIR', help: 'a Speech Commands folder' },
  out: { type: 'string', required: true, metavar: 'FILE.wav', help: 'the track to write (a FILE.json sidecar goes next to it)' },
  keyword: { type: 'string', default: 'sheila', metavar: 'WORD', help: 'the word folder of the clip in the middle' },
  seconds: { type: 'int', range: 'positive', default: 15, help: 'length of the track: one 1 s clip per second (10-20 as the homework asks; 3 to 600 allowed)' },
  seed: { type: 'int', range: 'non-negative', default: 0, help: 'seed of the clip choice' },
  split: { type: 'string', choices: ['test', 'val', 'train', 'all'], default: 'test', help: 'which clips to draw from (official lists)' },
} as const;

export const dataGlue = defineCommand({
  name: 'glue',
  summary: 'glue clips into a track with the keyword in the middle (the streaming demo)',
  flags,
  examples: ['npx kws-cli data glue --data data/speech_commands_v0.01 --out tracks/demo.wav --seconds 15 --seed 1'],
  run(args, io, path) {
    const f = args.flags;
    if (f.seconds < 3 || f.seconds > 600) throw new UsageError(`--seconds must be between 3 and 600, got '${f.seconds}'`, path);
    if (!/\.wav$/i.test(f.out)) throw new UsageError(`--out must name a .wav file, got '${f.out}'`, path);
    const sc = scanData(f.data, f.keyword, 'official');
    const { chosen: clips, at } = demoOrder(clipsOf(sc, f.split), f.seconds, new Rng(f.seed));
    const placed = placeClips(clips);
    const sidecar = writeTrack(f.out, sc.root, clips, { keyword: sc.keyword, start: placed[at].start, end: placed[at].end, seed: f.seed, split: f.split });
    io.out(`wrote ${shown(f.out)}: ${clips.length} s, '${sc.keyword}' (${placed[at].file}) at ${placed[at].start}-${placed[at].end} s; clip list in ${shown(sidecar)}`);
    return Promise.resolve(0);
  },
});
