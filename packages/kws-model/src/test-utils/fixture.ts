/**
 * The real-speech fixture committed with the repository (`fixtures/speech-commands-mini`, CC BY
 * 4.0, see its README): 14 Speech Commands v0.01 clips of 7 words in the data set's layout, with
 * reduced official split lists and one trimmed noise file. Tests that want real clips read it
 * here, so none of them depends on a data set outside the repository.
 */
import { resolve } from 'node:path';

export const FIXTURE = resolve(import.meta.dirname, '../../../../fixtures/speech-commands-mini');

/** The noise file: 3 s of a running tap, with LIST and id3 chunks after its data chunk. */
export const FIXTURE_NOISE = resolve(FIXTURE, '_background_noise_', 'running_tap.wav');
