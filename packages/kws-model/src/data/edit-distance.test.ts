import { describe, expect, it } from 'vitest';
import { editDistance } from './edit-distance.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions on strings', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('thread', 'threads')).toBe(1);
    expect(editDistance('threads', 'thread')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
  });
  it('works on token lists as on letters', () => {
    expect(editDistance(['S', 'i:', 'l', '@'], ['S', 'e', 'l', '@'])).toBe(1);
    expect(editDistance(['a', 'b', 'c'], ['c', 'b', 'a'])).toBe(2);
  });
});
