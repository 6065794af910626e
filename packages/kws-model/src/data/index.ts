/** The Speech Commands data set: scanning and splits, clip loading, augmentation, balanced sampling. */
export { clipsOf, loadClips, loadNoise, scanSpeechCommands } from './speech-commands.js';
export type { Clip, ScanOptions, SpeechCommands } from './speech-commands.js';
export { addBackgroundNoise, addGaussianNoise, augmentClip, changeVolume } from './augment.js';
export { balancedSample } from './sampler.js';
export { editDistance } from './edit-distance.js';
