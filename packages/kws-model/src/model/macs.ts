/**
 * Compression figures as the homework counts them (thop's rules), for a 1 s clip by default:
 *   Conv2d  = C_out·H_out·W_out·C_in·kh·kw          (bias not counted)
 *   GRU     = per layer and step 3·H·(in + H) + 13·H  (thop's rnn hook)
 *   attention (course) = T'·H·H + T'·H;  (single) = T'·H
 *   classifier = H·classes
 * Teacher on 1 s (T = 101): 158,400 + 727,936 + 45,760 + 128 = 932,224.
 */
import { convFreqOut, convTimeOut, type CRNNConfig } from './config.js';

export interface MacsBreakdown {
  conv: number;
  gru: number;
  attention: number;
  classifier: number;
  total: number;
}

export function countMacs(c: CRNNConfig, frames = 101): MacsBreakdown {
  const F = convFreqOut(c);
  const T = convTimeOut(c, frames);
  const conv = c.convChannels * F * T * 1 * c.kernel[0] * c.kernel[1];
  let gru = 0;
  for (let k = 0; k < c.gruLayers; k++) {
    const inK = k === 0 ? c.convChannels * F : c.hidden;
    gru += T * (3 * c.hidden * (inK + c.hidden) + 13 * c.hidden);
  }
  const attention = c.attention === 'course' ? T * c.hidden * c.hidden + T * c.hidden : T * c.hidden;
  const classifier = c.hidden * c.numClasses;
  return { conv, gru, attention, classifier, total: conv + gru + attention + classifier };
}

/** Parameters of a config without building the model. */
export function countParameters(c: CRNNConfig): number {
  const convIn = c.convChannels * convFreqOut(c);
  const conv = c.convChannels * c.kernel[0] * c.kernel[1] + c.convChannels;
  let gru = 0;
  for (let k = 0; k < c.gruLayers; k++) gru += 3 * c.hidden * ((k === 0 ? convIn : c.hidden) + c.hidden + 2);
  const attention = c.attention === 'course' ? c.hidden * c.hidden + c.hidden + c.hidden + 1 : c.hidden + 1;
  return conv + gru + attention + c.hidden * c.numClasses + c.numClasses;
}
