/**
 * A toy Speech Commands folder made at test time (no real clips needed): per word, `perWord`
 * one-second 16 kHz WAVs (gliding tones for the keyword, noise for the others), the last clip
 * of each word listed in validation_list.txt, an empty testing_list.txt, and one noise file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeWav } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { signal } from './audio.js';
import { tempDir } from './run.js';

export function toyFolder(perWord = 4, words: readonly string[] = ['sheila', 'yes', 'no', 'up']): string {
  const dir = tempDir('kws-toy-');
  const rng = new Rng(7);
  const val: string[] = [];
  for (const word of words) {
    mkdirSync(join(dir, word));
    for (let i = 0; i < perWord; i++) {
      const clip = word === 'sheila' ? signal(16000, 16000, i + 1) : Float32Array.from({ length: 16000 }, () => 0.05 * rng.normal());
      writeWav(join(dir, word, `clip${i}.wav`), clip, 16000);
      if (i === perWord - 1) val.push(`${word}/clip${i}.wav`);
    }
  }
  mkdirSync(join(dir, '_background_noise_'));
  writeWav(join(dir, '_background_noise_', 'noise.wav'), Float32Array.from({ length: 32000 }, () => 0.1 * rng.normal()), 16000);
  writeFileSync(join(dir, 'validation_list.txt'), `${val.join('\n')}\n`);
  writeFileSync(join(dir, 'testing_list.txt'), '');
  return dir;
}
