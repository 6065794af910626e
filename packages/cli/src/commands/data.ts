/**
 * `kws-cli data <command>`: getting data sets. A new subcommand is one module and one entry in
 * `commands` below.
 */
import { defineGroup } from '../command.js';
import { dataCache } from './data-cache.js';
import { dataDownload } from './data-download.js';
import { dataGlue } from './data-glue.js';
import { dataSynth } from './data-synth.js';

export const data = defineGroup({
  name: 'data',
  summary: 'get data sets: the real Speech Commands, or the built-in synthetic one; list or clear the cached ones',
  commands: [dataDownload, dataSynth, dataGlue, dataCache],
});
