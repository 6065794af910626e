/** Metrics: the course's au_fa_fr (bit-exact, O(N log N)), FA/FR and accuracy at a threshold; wake-word FR at FA per hour. */
export { accuracyAt, auFaFr, faFrAt } from './au-fa-fr.js';
export { frAtFaRate, thresholdGrid, wakeWordCurve, type WakeWordOptions, type WakeWordPoint, type WakeWordTracks } from './wake-word.js';
