/**
 * `kws-cli info`: what a model is and costs, as the homework counts it: the config, parameters,
 * MACs per 1 s clip by thop's rules (per part and total), and the saved state_dict's bytes in
 * F32 and F16. From a checkpoint (plus what its metadata says) or from a named preset.
 */
import { statSync } from 'node:fs';
import { countMacs, countParameters, CRNN, loadModel, modelBytes, presetConfig, PRESETS, type CheckpointInfo, type CRNNConfig } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { checkpointOf, modelFlag } from '../shipped.js';
import { bytes, int, pct, rows, sci } from '../format.js';
import type { Io } from '../io.js';
import { checkpointKeyword, recordsKeyword } from '../keyword.js';

const flags = {
  checkpoint: { type: 'string', metavar: 'FILE', help: 'a .safetensors checkpoint (kws-ts or a PyTorch state_dict)' },
  arch: { type: 'string', choices: Object.keys(PRESETS), help: 'a named architecture instead of a checkpoint' },
  model: modelFlag,
} as const;

function configLines(c: CRNNConfig): string[] {
  return rows(
    [
      ['mel bins', String(c.nMels)],
      ['conv', `1 -> ${c.convChannels} channels, kernel ${c.kernel.join(' x ')}, stride ${c.stride.join(' x ')}`],
      ['GRU', `${c.gruLayers} layer${c.gruLayers === 1 ? '' : 's'}, hidden ${c.hidden}, dropout ${c.dropout}`],
      ['attention', c.attention === 'course' ? 'course (Linear(H,H) -> tanh -> Linear(H,1))' : 'single (Linear(H,1))'],
      ['classes', String(c.numClasses)],
    ],
    2,
  );
}

function costLines(c: CRNNConfig): string[] {
  const m = countMacs(c);
  const model = new CRNN(c, new Rng(0));
  const f32 = modelBytes(model, 'F32');
  const f16 = modelBytes(model, 'F16');
  return [
    `parameters: ${int(countParameters(c))}`,
    'MACs per 1 s clip (thop rules):',
    ...rows(
      [
        ['conv', int(m.conv)],
        ['gru', int(m.gru)],
        ['attention', int(m.attention)],
        ['classifier', int(m.classifier)],
        ['total', int(m.total)],
      ],
      2,
    ),
    'state_dict size (safetensors):',
    ...rows(
      [
        ['F32', `${int(f32)} bytes (${bytes(f32)})`],
        ['F16', `${int(f16)} bytes (${bytes(f16)})`],
      ],
      2,
    ),
  ];
}

function metricLines(info: CheckpointInfo): string[] {
  const m = info.metrics ?? {};
  const num = (k: string): number | undefined => (typeof m[k] === 'number' ? m[k] : undefined);
  const pairs: [string, string][] = [];
  const au = num('auFaFr');
  const acc = num('valAccuracy');
  if (au !== undefined) pairs.push(['au_fa_fr', sci(au)]);
  if (acc !== undefined) pairs.push(['val accuracy', pct(acc)]);
  const t = info.train ?? {};
  for (const k of ['epochs', 'batchSize', 'lr', 'weightDecay', 'seed']) {
    if (t[k] !== undefined) pairs.push([`train ${k}`, JSON.stringify(t[k])]);
  }
  return pairs.length > 0 ? rows(pairs, 2) : [];
}

function checkpointHeader(path: string, info: CheckpointInfo): string[] {
  const size = statSync(path).size;
  return [
    `checkpoint: ${path} (${int(size)} bytes, weights ${info.dtype})`,
    ...(info.epoch !== undefined ? [`epoch: ${info.epoch}`] : []),
    `keyword: ${checkpointKeyword(info)}${recordsKeyword(info) ? '' : ' (not recorded in the checkpoint: the default)'}`,
    ...(info.metadata.format === undefined ? ['metadata: none (architecture read from tensor shapes, stride 2 x 8)'] : []),
    ...metricLines(info),
  ];
}

function printAll(io: Io, header: string[], config: CRNNConfig): void {
  [...header, 'config:', ...configLines(config), ...costLines(config)].forEach((l) => io.out(l));
}

export const info = defineCommand({
  name: 'info',
  summary: "a model's config, parameters, MACs and checkpoint size",
  description: [
    'MACs are counted for a 1 s clip (101 log-mel frames) with the rules the course uses (thop): conv C_out*H_out*W_out*C_in*kh*kw, GRU 3*H*(in+H)+13*H per layer and step, attention T*H*H+T*H, classifier H*2. The size is the safetensors file of the state_dict, weights in F32 or F16.',
  ],
  flags,
  examples: ['npx kws-cli info --arch teacher', 'npx kws-cli info --model exp1', 'npx kws-cli info --checkpoint runs/teacher-synth/best.safetensors'],
  run(args, io, path) {
    const { checkpoint, arch, model } = args.flags;
    if (arch !== undefined) {
      if (checkpoint !== undefined || model !== undefined) throw new UsageError('give exactly one of --checkpoint FILE, --model NAME or --arch PRESET', path);
      printAll(io, [`architecture: ${arch}`], presetConfig(arch));
    } else {
      const file = checkpointOf(checkpoint, model, path, ' or --arch PRESET');
      const { info: meta } = loadModel(file);
      printAll(io, checkpointHeader(file, meta), meta.config);
    }
    return Promise.resolve(0);
  },
});
