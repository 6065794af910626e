/** `train --ensemble K` on a toy folder made in the test: members, the distilled model, Ctrl-C and --resume. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '@kws/kws-model';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './test-utils/run.js';
import { toyFolder } from './test-utils/toy-folder.js';

/** The weights of a checkpoint, name by name. */
const weights = (file: string): Record<string, number[]> => Object.fromEntries([...loadModel(file).model.stateDict()].map(([n, t]) => [n, Array.from(t.data)]));

describe('kws-cli train --ensemble', () => {
  const data = toyFolder();
  const base = ['--data', data, '--batch-size', '8', '--arch', 'exp1', '--no-augment', '--epochs', '2'];
  const root = tempDir();
  const ens = join(root, 'ens');

  it('trains each member as `train --seed` would, then distils their mean into the run folder', async () => {
    const r = await cli(['train', ...base, '--ensemble', '2', '--out', ens]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^member 1\/2 \(seed 0\): training -> .*member-0$/m);
    expect(r.stdout).toMatch(/^member 2\/2 \(seed 1000\): training -> .*member-1$/m);
    expect(r.stdout).toMatch(/^the 2 members' mean: val au_fa_fr \S+ \(members' best epochs: \S+, \S+\)$/m);
    expect(r.stdout).toMatch(/^distilling the mean into one model \(seed 0, T 1, w 0\.2, 4 epochs\) -> /m);
    expect(r.lines.filter((l) => l.startsWith('epoch '))).toHaveLength(8); // 2 + 2 members' epochs, 4 of the distillation
    expect(r.stdout).toMatch(/^best checkpoint: .*ens\/best\.safetensors/m);

    const plain0 = join(root, 'plain0');
    const plain1000 = join(root, 'plain1000');
    expect((await cli(['train', ...base, '--out', plain0])).code).toBe(0);
    expect((await cli(['train', ...base, '--seed', '1000', '--out', plain1000])).code).toBe(0);
    expect(weights(join(ens, 'member-0', 'last.safetensors'))).toEqual(weights(join(plain0, 'last.safetensors')));
    expect(weights(join(ens, 'member-1', 'last.safetensors'))).toEqual(weights(join(plain1000, 'last.safetensors')));
    // The distilled model starts and samples as member 0 does; only the loss differs.
    expect(weights(join(ens, 'last.safetensors'))).not.toEqual(weights(join(plain0, 'last.safetensors')));
    expect(loadModel(join(ens, 'best.safetensors')).model.config).toEqual(loadModel(join(plain0, 'best.safetensors')).model.config);

    const config = JSON.parse(readFileSync(join(ens, 'config.json'), 'utf8')) as { ensemble: unknown; options: { ensemble: number } };
    expect(config.ensemble).toEqual({ members: 2, seeds: [0, 1000], temperature: 1, hardWeight: 0.2, epochs: 4 });
    expect(config.options.ensemble).toBe(2);
    const terms = readFileSync(join(ens, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { terms: object }).terms);
    expect(terms).toHaveLength(4);
    expect(Object.keys(terms[0]).sort()).toEqual(['ce', 'kd', 'total']);

    // A single run (here one whose config.json predates --ensemble) is not turned into an ensemble.
    const config0 = JSON.parse(readFileSync(join(plain0, 'config.json'), 'utf8')) as { options: Record<string, unknown> };
    delete config0.options.ensemble;
    writeFileSync(join(plain0, 'config.json'), JSON.stringify(config0));
    const single = await cli(['train', '--resume', '--out', plain0, '--ensemble', '2']);
    expect(single.code).toBe(1);
    expect(single.errLines).toEqual([expect.stringMatching(/--ensemble 2 conflicts with the run in .*plain0, a single run \(no member-0\); drop --ensemble/)]);
    expect(existsSync(join(plain0, 'member-0'))).toBe(false);

    const again = await cli(['train', '--resume', '--out', ens]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^nothing to do: the 2 members and the distillation \(4 epochs\) already finished$/m);

    const more = await cli(['train', '--resume', '--out', ens, '--epochs', '3']);
    expect(more.code).toBe(1);
    expect(more.errLines).toHaveLength(1);
    expect(more.errLines[0]).toMatch(/member-0 finished 2 epochs, but the distillation in .* has begun from it: --epochs 3 would change its teacher/);
  });

  it('starts afresh over a member folder that holds no save (a kill before the first one)', async () => {
    const out = join(tempDir(), 'early');
    mkdirSync(join(out, 'member-0'), { recursive: true });
    const r = await cli(['train', ...base, '--ensemble', '2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'best.safetensors'))).toBe(true);
  });

  it('Ctrl-C in the second member stops there; --resume keeps the first and ends where an unbroken run ends', async () => {
    const out = join(tempDir(), 'stopped');
    let calls = 0;
    const onInterrupt = (handler: () => void): (() => void) => {
      if (++calls === 2) handler(); // Ctrl-C during the first step of member 2
      return () => undefined;
    };
    const r = await cli(['train', ...base, '--ensemble', '2', '--out', out], { io: { onInterrupt } });
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/stopped during epoch 1; .*member-1 keeps the initial weights \(no epoch finished\), .* Resume with: npx kws-cli train --resume --out .*stopped$/m);
    expect(existsSync(join(out, 'last.safetensors'))).toBe(false);

    const fresh = await cli(['train', ...base, '--ensemble', '2', '--out', out]);
    expect(fresh.code).toBe(1);
    expect(fresh.errLines[0]).toMatch(/already holds a training run; continue it with --resume/);

    const resumed = await cli(['train', '--resume', '--out', out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/^member 1\/2 \(seed 0\): finished, /m);
    expect(resumed.stdout).toMatch(/^member 2\/2 \(seed 1000\): training -> /m);
    for (const f of ['member-0/last.safetensors', 'member-1/best.safetensors', 'last.safetensors', 'best.safetensors']) {
      expect(weights(join(out, f)), f).toEqual(weights(join(ens, f)));
    }
  });
});
