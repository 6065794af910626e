/**
 * Streaming keyword spotting: incremental log-mel, one conv column and GRU step per 80 ms,
 * attention over a bounded window, and detection events from the probability stream.
 */
export { StreamingLogMel, type FrameSink } from './frontend.js';
export { FastEngine, type StepEngine } from './engine.js';
export { TensorEngine } from './tensor-engine.js';
export { StreamingKws, type StreamOutput, type StreamingOptions } from './streaming.js';
export { CarriedWindow, ResetWindow, StaggeredWindow, type GruMode, type GruWindow } from './gru-window.js';
export { EventDetector, detectEvents, type DetectionEvent, type DetectOptions } from './detect.js';
export { StreamResampler } from './resampler.js';
export { glueClips, mineHardNegatives, peaks, windowEndingAt, WINDOW_SAMPLES, type MinedWindow, type PeakOptions } from './hard-negatives.js';
export { calibrate, heldOutTracks, keywordTrackOrder, streamClips, streamTracks, type CalibrateOptions, type ModeSpec, type TrackSetup } from './calibrate.js';
