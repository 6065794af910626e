import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkJson, parseJsonText, readJsonFile } from './json.js';

describe('user-editable JSON is checked field by field', () => {
  const schema = { start: 'number', end: 'number', note: 'string?', words: 'string[]?', counts: 'number{}?' } as const;

  it('passes a good object through, typed from the schema', () => {
    const v = checkJson({ start: 1.5, end: 2, words: ['a'], counts: { a: 1 }, extra: true }, schema, 'track.json');
    const span: number = v.end - v.start;
    expect(span).toBe(0.5);
    expect(v.note).toBeUndefined();
    expect(v.extra).toBe(true);
  });

  it.each([
    [{ end: 2 }, "track.json: field 'start' is missing (expected a finite number)"],
    [{ start: '1', end: 2 }, `track.json: field 'start' must be a finite number, got "1"`],
    [{ start: 1, end: null }, "track.json: field 'end' must be a finite number, got null"],
    [{ start: 1, end: 2, words: ['a', 3] }, `track.json: field 'words' must be a list of strings, got ["a",3]`],
    [{ start: 1, end: 2, counts: { a: 'x' } }, `track.json: field 'counts' must be an object of numbers, got {"a":"x"}`],
    [[1, 2], 'track.json: expected a JSON object, got [1,2]'],
    [{ start: 1, end: 2, note: 7 }, "track.json: field 'note' must be a string, got 7"],
  ])('%j fails with one line naming the file and the field', (value, message) => {
    expect(() => checkJson(value, schema, 'track.json')).toThrow(message);
  });

  it('a long bad value is cut in the message, which stays one line', () => {
    const err = (() => {
      try {
        checkJson({ start: 'x'.repeat(500), end: 1 }, schema, 'a.json');
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(err.length).toBeLessThan(120);
    expect(err).not.toContain('\n');
  });

  it('readJsonFile names the file for a missing file, broken JSON and a bad field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kws-json-'));
    try {
      const path = join(dir, 'summary.json');
      expect(() => readJsonFile(path, schema)).toThrow(`${path}: cannot read (ENOENT)`);
      writeFileSync(path, '{"start": 1,');
      expect(() => readJsonFile(path, schema)).toThrow(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON \\(`));
      writeFileSync(path, '{"start": 1, "end": "soon"}');
      expect(() => readJsonFile(path, schema)).toThrow(`${path}: field 'end' must be a finite number, got "soon"`);
      writeFileSync(path, '{"start": 1, "end": 3}');
      expect(readJsonFile(path, schema).end).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parseJsonText names where the text came from', () => {
    expect(() => parseJsonText('{', "m.safetensors: metadata 'stepper'")).toThrow(/^m\.safetensors: metadata 'stepper': not valid JSON/);
  });
});
