/**
 * CRNN configurations: the course teacher and the report's students, plus reading a config back
 * from state_dict shapes (a PyTorch file saved without metadata).
 */
import type { AttentionKind } from '../nn/attention.js';

export interface CRNNConfig {
  nMels: number;
  convChannels: number;
  kernel: [number, number];
  stride: [number, number];
  hidden: number;
  gruLayers: number;
  dropout: number;
  attention: AttentionKind;
  numClasses: number;
}

export const TEACHER: CRNNConfig = {
  nMels: 40,
  convChannels: 8,
  kernel: [5, 20],
  stride: [2, 8],
  hidden: 64,
  gruLayers: 2,
  dropout: 0.1,
  attention: 'course',
  numClasses: 2,
};

/** Experiment 1 of the report (and 3, which adds fp16): conv 8→2, GRU 2→1 layer, hidden 64→22. */
export const STUDENT_EXP1: CRNNConfig = { ...TEACHER, convChannels: 2, gruLayers: 1, hidden: 22 };
/** Experiment 2: as exp1 with the single-linear attention and hidden 24. */
export const STUDENT_EXP2: CRNNConfig = { ...STUDENT_EXP1, hidden: 24, attention: 'single' };
/**
 * Beyond the report (exp4): conv 2 channels with time stride 12 (7 GRU steps a second instead of 11),
 * one GRU layer of 16, single-linear attention; 44,272 MACs (21.1x fewer than the teacher) and,
 * saved F16, 6,642 state_dict bytes (42.6x fewer).
 */
export const STUDENT_EXP4: CRNNConfig = { ...STUDENT_EXP2, hidden: 16, stride: [2, 12] };

export const PRESETS: Readonly<Record<string, CRNNConfig>> = {
  teacher: TEACHER,
  exp1: STUDENT_EXP1,
  exp2: STUDENT_EXP2,
  exp3: STUDENT_EXP1,
  exp4: STUDENT_EXP4,
};

export function presetConfig(name: string): CRNNConfig {
  const c = PRESETS[name];
  if (!c) throw new Error(`unknown architecture '${name}' (choose from ${Object.keys(PRESETS).join(', ')})`);
  return { ...c };
}

/** Frequency rows after the conv: floor((nMels - kh) / sh) + 1. */
export function convFreqOut(c: CRNNConfig): number {
  return Math.floor((c.nMels - c.kernel[0]) / c.stride[0]) + 1;
}

/** Time steps after the conv for T input frames. */
export function convTimeOut(c: CRNNConfig, frames: number): number {
  return Math.floor((frames - c.kernel[1]) / c.stride[1]) + 1;
}

/**
 * Read the architecture from state_dict shapes. The stride is not in the shapes: the course's
 * (2, 8) unless given. nMels is the value in {40, or the smallest consistent} that gives the GRU's
 * input width.
 */
export function configFromShapes(shapes: ReadonlyMap<string, readonly number[]>, stride: [number, number] = [2, 8]): CRNNConfig {
  const get = (k: string): readonly number[] => {
    const s = shapes.get(k);
    if (!s) throw new Error(`cannot read the architecture: no tensor '${k}'`);
    return s;
  };
  const conv = get('conv.0.weight');
  const hidden = get('gru.weight_hh_l0')[1];
  let gruLayers = 0;
  while (shapes.has(`gru.weight_ih_l${gruLayers}`)) gruLayers++;
  const freqOut = get('gru.weight_ih_l0')[1] / conv[0];
  const kernel: [number, number] = [conv[2], conv[3]];
  const base = { ...TEACHER, convChannels: conv[0], kernel, stride, hidden, gruLayers };
  const nMels = [40, ...Array.from({ length: 512 }, (_, i) => i + 1)].find((m) => convFreqOut({ ...base, nMels: m }) === freqOut);
  if (nMels === undefined || !Number.isInteger(freqOut)) throw new Error('cannot read the architecture: GRU input width does not match the conv');
  return {
    ...base,
    nMels,
    attention: shapes.has('attention.energy.0.weight') ? 'course' : 'single',
    numClasses: get('classifier.weight')[0],
  };
}

const isPositiveInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;
const isPair = (v: unknown): boolean => Array.isArray(v) && v.length === 2 && v.every(isPositiveInt);
const CONFIG_FIELDS: Record<keyof CRNNConfig, (v: unknown) => boolean> = {
  nMels: isPositiveInt,
  convChannels: isPositiveInt,
  kernel: isPair,
  stride: isPair,
  hidden: isPositiveInt,
  gruLayers: isPositiveInt,
  dropout: (v) => typeof v === 'number' && v >= 0 && v < 1,
  attention: (v) => v === 'course' || v === 'single',
  numClasses: isPositiveInt,
};

/**
 * A checkpoint's `config` metadata, checked field by field and then against the tensor shapes,
 * before any model is built: metadata claiming hidden 2048 over a small file would otherwise
 * allocate that model first. Errors name the field.
 * @example const config = configMatchingShapes(JSON.parse(metadata.config), shapes);
 */
export function configMatchingShapes(x: unknown, shapes: ReadonlyMap<string, readonly number[]>): CRNNConfig {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Error(`metadata 'config' is not an object`);
  const o = x as Record<string, unknown>;
  for (const [field, ok] of Object.entries(CONFIG_FIELDS)) {
    if (!ok(o[field])) throw new Error(`metadata config.${field} is missing or invalid (got ${JSON.stringify(o[field]) ?? 'nothing'})`);
  }
  const config = o as unknown as CRNNConfig;
  const fromShapes = configFromShapes(shapes, config.stride);
  const said = { ...config, freqRows: convFreqOut(config) } as Record<string, unknown>;
  const seen = { ...fromShapes, freqRows: convFreqOut(fromShapes) } as Record<string, unknown>;
  for (const field of ['convChannels', 'kernel', 'hidden', 'gruLayers', 'attention', 'numClasses', 'freqRows']) {
    if (JSON.stringify(said[field]) !== JSON.stringify(seen[field])) {
      const name = field === 'freqRows' ? 'nMels' : field;
      throw new Error(`metadata config.${name} (${JSON.stringify(o[name])}) does not match the tensor shapes (${field === 'freqRows' ? `${String(seen.freqRows)} rows after the conv` : JSON.stringify(seen[field])})`);
    }
  }
  return config;
}
