import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { CRNN } from '../model/crnn.js';
import { STUDENT_EXP1 } from '../model/config.js';
import { heldOutTracks, keywordTrackOrder, streamClips, streamTracks } from './calibrate.js';
import { StreamingKws } from './streaming.js';

const clip = (v: number): Float32Array => new Float32Array(16000).fill(v);

describe('held-out tracks', () => {
  it('keywordTrackOrder puts each keyword item once, each after `gap` others, and `gap` more at the end', () => {
    const { chosen, at } = keywordTrackOrder(['K1', 'K2', 'K3'], ['a', 'b'], 2, new Rng(4));
    expect(chosen).toHaveLength(3 * 3 + 2);
    expect(at).toEqual([2, 5, 8]);
    expect(at.map((i) => chosen[i]).sort()).toEqual(['K1', 'K2', 'K3']);
    chosen.forEach((c, i) => expect(at.includes(i) ? c.startsWith('K') : ['a', 'b'].includes(c)).toBe(true));
  });

  it('heldOutTracks: every other-word clip once on the negative track; the keyword track as above; both classes needed', () => {
    const clips = [clip(1), clip(0.1), clip(2), clip(0.2), clip(0.3)];
    const labels = [1, 0, 1, 0, 0];
    const t = heldOutTracks(clips, labels, 7);
    expect([...t.negative].sort((x, y) => x[0] - y[0])).toEqual([clips[1], clips[3], clips[4]]);
    expect(t.at).toEqual([2, 5]);
    expect(t.at.map((i) => t.keyword[i][0]).sort()).toEqual([1, 2]);
    expect(() => heldOutTracks(clips, [0, 0, 0, 0, 0], 7)).toThrow(/both classes \(0 keyword, 5 other\)/);
  });

  it('streamTracks streams each track as one stream of its clips back to back', () => {
    const rng = new Rng(2);
    const model = new CRNN(STUDENT_EXP1, rng).eval();
    const noise = (): Float32Array => Float32Array.from({ length: 16000 }, () => rng.normal(0, 0.1));
    const setup = { negative: [noise(), noise()], keyword: [noise(), noise(), noise()], at: [1] };
    const m = { mode: 'carried' as const, states: 4 };
    const tracks = streamTracks(model, m, setup);
    const whole = new Float32Array(48000);
    setup.keyword.forEach((c, i) => whole.set(c, 16000 * i));
    const kws = new StreamingKws(model, { mode: 'carried' });
    expect(tracks.keyword).toEqual([...kws.push(whole), ...kws.flush()]);
    expect(tracks.negative).toEqual(streamClips(model, m, setup.negative));
    expect([tracks.hours, tracks.spans]).toEqual([2 / 3600, [[1, 2]]]);
  });
});
