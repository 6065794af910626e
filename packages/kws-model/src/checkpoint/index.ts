/** Checkpoints: safetensors files (F32 or F16) with PyTorch state_dict names and string metadata. */
export { decodeSafetensors, encodeSafetensors, loadSafetensors, saveSafetensors } from './safetensors.js';
export type { DecodedSafetensors, NamedTensor, SafetensorsEncodeOptions } from './safetensors.js';
export { READABLE_DTYPES } from './dtypes.js';
