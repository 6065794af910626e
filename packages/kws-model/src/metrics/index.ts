/**
 * Metrics: the course's au_fa_fr (bit-exact, O(N log N)), FA/FR and accuracy at a threshold,
 * per-clip statistics (bootstrap interval of au_fa_fr, FR at a fixed FA rate), and wake-word
 * FR at FA per hour.
 */
export { accuracyAt, auFaFr, faFrAt } from './au-fa-fr.js';
export { auFaFrInterval, clipStats, FA_TARGETS, frAtFa, meanAuFaFrInterval, quantileSorted, type BootstrapOptions, type ClipStats, type FrAtFa, type Interval } from './clip-stats.js';
export { frAtFaRate, thresholdGrid, wakeWordCurve, type WakeWordOptions, type WakeWordPoint, type WakeWordTracks } from './wake-word.js';
export { chooseOperatingPoint, describeOperatingPoint, operatingPointOf, quietestBest, type ChooseOptions, type OperatingPoint } from './operating-point.js';
