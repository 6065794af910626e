/**
 * `kws-cli data synth`: make the built-in synthetic data set (Flite voices by default, the Speech
 * Commands layout) ahead of training; `train` without --data uses the same cache folder.
 */
import { defineCommand } from '../command.js';
import { defaultCache, ENGINES_FLAG, ensureSynth, parseEngines, SYNTH_SPEAKERS, synthFolder } from '../data-source.js';
import { int, shown } from '../format.js';

const flags = {
  out: { type: 'string', metavar: 'DIR', defaultText: "<cache>/synth-<seed>, the folder 'train' uses", help: 'where the data set goes' },
  cache: { type: 'string', metavar: 'DIR', defaultText: '<project>/.cache/kws-ts', help: 'the cache folder (when --out is not given)' },
  seed: { type: 'int', range: 'non-negative', default: 0, help: 'seed of every random choice' },
  speakers: { type: 'int', range: 'positive', default: SYNTH_SPEAKERS, help: 'training speakers (+40 for validation, +40 for testing)' },
  engines: ENGINES_FLAG,
  without: { type: 'string', metavar: 'LIST', help: "parts to leave out, to measure what each contributes (an ablation), comma-separated: 'homophones' and 'common' (those negatives), 'warp' (vocal-tract warp), 'mic' (microphone colour), 'room', 'noise', 'level' (every clip at -6 dBFS peak), 'position' (every word centred); the other parts of every clip stay as they were" },
  keyword: { type: 'string', default: 'sheila', metavar: 'WORD', help: 'the keyword: a word or a phrase of up to 3 words that fits in 1 s (added as a 31st word if it is not one of the 30); its sound-alikes join the negatives' },
} as const;

export const dataSynth = defineCommand({
  name: 'synth',
  summary: 'generate the built-in synthetic data set (reused when already there)',
  description: [
    'Every clip is a word spoken by a synthetic speaker (voice, variant, pitch, rate, vocal-tract warp, microphone, room), placed at random in 1 s with noise at a random SNR: the keyword, the other Speech Commands words, sound-alikes of the keyword and common English words. Split lists keep each speaker in one split; validation and testing speakers say the keyword 6 times and 77 other words each. Clips are made on up to 2 worker threads; the same settings give the same files (byte for byte) and are reused from the cache. The generator lives in its own optional package, @kws/synth, under GPL-3.0 (eSpeak NG gives every set its letter-to-sound, and the voices of --engines espeak; Flite is under its own BSD-style licence).',
    'Disk: a set takes about 405 MB with the default 100 training speakers and about 600 MB with --speakers 200, and each keyword, seed, speaker count or engine mix is a set of its own in the cache folder. kws-cli data cache --list shows the cached sets and their sizes; kws-cli data cache --clear removes them.',
  ],
  flags,
  examples: ['npx kws-cli data synth', 'npx kws-cli data synth --speakers 200 --seed 1 --out data/synth-200', 'npx kws-cli data synth --without homophones,room', "npx kws-cli data synth --engines espeak:0.8,flite:0.2 --keyword 'hey computer'"],
  async run(args, io) {
    const f = args.flags;
    const without = f.without === undefined ? undefined : f.without.split(',').map((p) => p.trim());
    const spec = { seed: f.seed, speakers: f.speakers, keyword: f.keyword, engines: parseEngines(f.engines), without };
    const dir = f.out ?? synthFolder(f.cache ?? defaultCache(), spec);
    const r = await ensureSynth(io, dir, spec);
    io.out(`${r.made ? 'generated' : 'reused'} ${int(r.clips)} clips from ${int(r.speakers)} speakers (${int(f.speakers)} training) in ${shown(r.root)}`);
    io.out(`train on it: npx kws-cli train --data ${shown(r.root)}`);
    return 0;
  },
});
