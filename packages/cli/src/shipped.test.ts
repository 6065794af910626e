import { readFileSync } from 'node:fs';
import { loadModel } from '@kws/kws-model';
import { describe, expect, it } from 'vitest';
import { SHIPPED_DIR, SHIPPED_MODELS, shippedPath } from './shipped.js';
import { cli } from './test-utils/run.js';

interface Shipped {
  study: string;
  models: { name: string; file: string; seed: number; bytes: number; test: { auFaFr: number }; recipe: { train: { seed: number } } }[];
}

describe('the models shipped with kws-ts', () => {
  const meta = JSON.parse(readFileSync(`${SHIPPED_DIR}models.json`, 'utf8')) as Shipped;

  it('are all there, load, and models.json says where each came from; together well under 1 MB', () => {
    expect(meta.models.map((m) => m.name)).toEqual([...SHIPPED_MODELS]);
    let total = 0;
    for (const m of meta.models) {
      const { model } = loadModel(shippedPath(m.name));
      expect(model.numParameters()).toBeGreaterThan(0);
      expect(m.recipe.train.seed).toBe(m.seed);
      total += readFileSync(shippedPath(m.name)).length;
    }
    expect(total).toBeLessThan(500_000);
    expect(meta.study).toMatch(/^kws-cli reproduce /);
  });

  it('--model picks one in info, and --model with --checkpoint is refused', async () => {
    const r = await cli(['info', '--model', 'exp1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('exp1.safetensors');
    expect(r.stdout).toMatch(/4,737/);
    const both = await cli(['info', '--model', 'exp1', '--checkpoint', 'x.safetensors']);
    expect(both.code).toBe(2);
  });
});
