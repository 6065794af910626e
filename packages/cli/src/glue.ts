/**
 * Glued tracks: 1 s clips (each padded or cut to 16,000 samples) back to back, with where each
 * one sits. Used by `data glue` (the demo: one keyword clip between other words) and by
 * `eval --stream` (a long track of other words, and a track of keyword clips each between other
 * words). The clip order is drawn with a seeded Rng, so a track is reproducible.
 */
import { mkdirSync } from 'node:fs';
import { writeOutput } from './paths.js';
import { dirname, join } from 'node:path';
import { keywordTrackOrder, loadClip, writeWav, type Clip } from '@kws/kws-model';
import type { Rng } from '@kws/tensor';

export const CLIP_SECONDS = 1;

export interface Placed {
  file: string;
  word: string;
  start: number;
  end: number;
}

/** Clip i at [i, i + 1) seconds. */
export function placeClips(clips: readonly Clip[]): Placed[] {
  return clips.map((c, i) => ({ file: c.file, word: c.word, start: i * CLIP_SECONDS, end: (i + 1) * CLIP_SECONDS }));
}

function split(clips: readonly Clip[]): { keyword: Clip[]; others: Clip[] } {
  const keyword = clips.filter((c) => c.label === 1);
  const others = clips.filter((c) => c.label === 0);
  if (keyword.length === 0 || others.length === 0) throw new Error('the chosen split needs clips of the keyword and of other words; try --split all');
  return { keyword, others };
}

/** The demo: `seconds` clips, one keyword clip at index `at` in the middle, random others around it. */
export function demoOrder(clips: readonly Clip[], seconds: number, rng: Rng): { chosen: Clip[]; at: number } {
  const { keyword, others } = split(clips);
  const before = Math.floor((seconds - 1) / 2);
  const chosen = Array.from({ length: seconds - 1 }, () => rng.choice(others));
  return { chosen: [...chosen.slice(0, before), rng.choice(keyword), ...chosen.slice(before)], at: before };
}

/**
 * The negative track: every other-word clip once in a shuffled order, then again in a new
 * shuffled order, and so on until at least `seconds` (at least one full pass).
 */
export function negativeOrder(clips: readonly Clip[], seconds: number, rng: Rng): Clip[] {
  const { others } = split(clips);
  const out: Clip[] = [];
  do out.push(...rng.shuffle([...others]));
  while (out.length * CLIP_SECONDS < seconds);
  return out.slice(0, Math.max(others.length, Math.ceil(seconds / CLIP_SECONDS)));
}

/**
 * The keyword track: each keyword clip once (shuffled), each after `gap` random other-word clips,
 * and `gap` more at the end: [o … o K o … o K … o … o]. Returns the order and the keyword indices.
 */
export function keywordOrder(clips: readonly Clip[], gap: number, rng: Rng): { chosen: Clip[]; at: number[] } {
  const { keyword, others } = split(clips);
  return keywordTrackOrder(keyword, others, gap, rng);
}

/** Write the clips back to back as a 16 kHz WAV, and `meta` plus the clip list as the sidecar JSON next to it. */
export function writeTrack(path: string, root: string, clips: readonly Clip[], meta: Record<string, unknown>): string {
  const track = new Float32Array(16000 * CLIP_SECONDS * clips.length);
  clips.forEach((c, i) => track.set(loadClip(join(root, c.file)), 16000 * CLIP_SECONDS * i));
  mkdirSync(dirname(path), { recursive: true });
  writeWav(path, track, 16000);
  const sidecar = path.replace(/\.wav$/i, '.json');
  writeOutput(sidecar, JSON.stringify({ ...meta, sampleRate: 16000, seconds: clips.length * CLIP_SECONDS, clips: placeClips(clips) }, null, 2) + '\n');
  return sidecar;
}
