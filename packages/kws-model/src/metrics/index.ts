/** Metrics: the course's au_fa_fr (bit-exact, O(N log N)), FA/FR and accuracy at a threshold. */
export { accuracyAt, auFaFr, faFrAt } from './au-fa-fr.js';
