/**
 * The 30 words of Speech Commands v0.01, in folder (alphabetical) order. 'sheila' is the course's
 * keyword; the other 29 are its negatives.
 *
 * @example
 * WORDS.length; // 30
 */
export const WORDS: readonly string[] = [
  'bed', 'bird', 'cat', 'dog', 'down', 'eight', 'five', 'four', 'go', 'happy',
  'house', 'left', 'marvin', 'nine', 'no', 'off', 'on', 'one', 'right', 'seven',
  'sheila', 'six', 'stop', 'three', 'tree', 'two', 'up', 'wow', 'yes', 'zero',
];
