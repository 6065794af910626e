/**
 * `kws-cli data synth`: make the built-in synthetic data set (eSpeak NG voices, the Speech
 * Commands layout) ahead of training; `train` without --data uses the same cache folder.
 */
import { defineCommand } from '../command.js';
import { defaultCache, ensureSynth, SYNTH_SPEAKERS, synthFolder } from '../data-source.js';
import { int, shown } from '../format.js';

const flags = {
  out: { type: 'string', metavar: 'DIR', defaultText: "<cache>/synth-<seed>, the folder 'train' uses", help: 'where the data set goes' },
  cache: { type: 'string', metavar: 'DIR', defaultText: '<project>/.cache/kws-ts', help: 'the cache folder (when --out is not given)' },
  seed: { type: 'int', range: 'non-negative', default: 0, help: 'seed of every random choice' },
  speakers: { type: 'int', range: 'positive', default: SYNTH_SPEAKERS, help: 'synthetic speakers (voice settings); 120 gives about 4,500 clips' },
  keyword: { type: 'string', default: 'sheila', metavar: 'WORD', help: 'the keyword (added as a 31st word if it is not one of the 30)' },
} as const;

export const dataSynth = defineCommand({
  name: 'synth',
  summary: 'generate the built-in synthetic data set (reused when already there)',
  description: [
    'Every clip is one of the 30 Speech Commands words spoken by a synthetic speaker (voice, variant, pitch, rate), resampled to 16 kHz and placed at random in 1 s, with generated background noise and split lists that keep each speaker in one split. The same seed gives the same files. The generator is GPL-3.0 (eSpeak NG) and lives in its own optional package, @kws/synth.',
  ],
  flags,
  examples: ['npx kws-cli data synth', 'npx kws-cli data synth --speakers 200 --seed 1 --out data/synth-200'],
  async run(args, io) {
    const f = args.flags;
    const spec = { seed: f.seed, speakers: f.speakers, keyword: f.keyword };
    const dir = f.out ?? synthFolder(f.cache ?? defaultCache(), spec);
    const r = await ensureSynth(io, dir, spec);
    io.out(`${r.made ? 'generated' : 'reused'} ${int(r.clips)} clips from ${int(f.speakers)} speaker${f.speakers === 1 ? '' : 's'} in ${shown(r.root)}`);
    io.out(`train on it: npx kws-cli train --data ${shown(r.root)}`);
    return 0;
  },
});
