/**
 * The plan of a data set: who says what how many times, in which split, grouped into chunks.
 *
 * Splits are speaker-disjoint. Held-out speakers (validation, testing) say the keyword several
 * times and many more negatives than training speakers do, so that each held-out split reaches
 * the sizes that measure (with the defaults: 240 keyword and 3,080 other clips per split): one
 * keyword clip then moves au_fa_fr by ~1/240 of the false-accept axis instead of ~1/15.
 *
 * A chunk is a run of consecutive speakers rendered by one fresh synthesizer instance in plan
 * order; chunks are the unit handed to worker threads, and fixed by the plan alone, so the files
 * do not depend on how many threads there are or which one finishes first.
 */
import type { Split } from './splits.js';
import type { SynthRng } from './rng.js';
import type { SynthSpeaker } from './speakers.js';

/** How many times a speaker says each kind of word, by split kind. */
export interface Takes {
  /** Takes of the keyword. */
  keyword: number;
  /** Takes of each of the 29-30 Speech Commands words: 1, plus a second with this probability. */
  secondTake: number;
  /** Near-homophones of the keyword and common words, each said once, drawn per speaker. */
  homophones: number;
  common: number;
}

export const TRAIN_TAKES: Takes = { keyword: 4, secondTake: 0.25, homophones: 4, common: 16 };
export const HELD_OUT_TAKES: Takes = { keyword: 6, secondTake: 0, homophones: 8, common: 40 };
/** Speakers per chunk: a fresh eSpeak instance costs ~0.5 s, a speaker ~50-80 clips. */
export const CHUNK_SPEAKERS = 8;

/** One clip to make. `index` numbers clips in plan order and seeds the clip's own draws. */
export interface Job {
  index: number;
  speaker: SynthSpeaker;
  word: string;
  take: number;
  split: Split;
}

/** Word lists a plan draws from. */
export interface Vocabulary {
  keyword: string;
  /** The Speech Commands words other than the keyword. */
  commands: readonly string[];
  homophones: readonly string[];
  common: readonly string[];
}

/** `k` distinct items of `items` (all of them if there are fewer). */
function sample<T>(rng: SynthRng, items: readonly T[], k: number): T[] {
  return rng.shuffle(items).slice(0, k);
}

/** The (word, take) pairs one speaker says. */
function speakerWords(rng: SynthRng, vocab: Vocabulary, t: Takes): [string, number][] {
  const out: [string, number][] = [];
  for (let k = 0; k < t.keyword; k++) out.push([vocab.keyword, k]);
  for (const w of vocab.commands) {
    out.push([w, 0]);
    if (rng.chance(t.secondTake)) out.push([w, 1]);
  }
  for (const w of sample(rng, vocab.homophones, t.homophones)) out.push([w, 0]);
  for (const w of sample(rng, vocab.common, t.common)) out.push([w, 0]);
  return out;
}

/**
 * Every clip to make, speaker by speaker, and the chunks (lists of job indices) that render them.
 *
 * @example
 * const { jobs, chunks } = planJobs(speakers, splits, vocab, rng);
 */
export function planJobs(
  speakers: readonly SynthSpeaker[],
  splits: ReadonlyMap<string, Split>,
  vocab: Vocabulary,
  rng: SynthRng,
): { jobs: Job[]; chunks: Job[][] } {
  const jobs: Job[] = [];
  const chunks: Job[][] = [];
  speakers.forEach((speaker, i) => {
    const split = splits.get(speaker.id) ?? 'training';
    if (i % CHUNK_SPEAKERS === 0) chunks.push([]);
    for (const [word, take] of speakerWords(rng, vocab, split === 'training' ? TRAIN_TAKES : HELD_OUT_TAKES)) {
      const job = { index: jobs.length, speaker, word, take, split };
      jobs.push(job);
      chunks[chunks.length - 1].push(job);
    }
  });
  return { jobs, chunks };
}
