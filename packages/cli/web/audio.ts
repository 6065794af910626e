/**
 * The microphone at 16 kHz: getUserMedia with the browser's voice processing off (echo
 * cancellation, noise suppression and automatic gain each change the signal the model hears;
 * with them on the level drifts by about 5x), an AudioContext running at 16 kHz (the browser
 * resamples the device to it), and an AudioWorklet that averages the channels to mono (as
 * `kws-cli stream` does) and posts 80 ms blocks (1280 samples = one model step) to the page.
 */
export const RATE = 16000;
const BLOCK = 1280;

// Runs in the AudioWorkletGlobalScope: plain JS, loaded from a Blob URL.
const WORKLET = `
class KwsTap extends AudioWorkletProcessor {
  constructor() { super(); this.buf = new Float32Array(${BLOCK}); this.n = 0; }
  process(inputs) {
    const chans = inputs[0];
    if (!chans || chans.length === 0) return true;
    const len = chans[0].length;
    for (let i = 0; i < len; i++) {
      let s = 0;
      for (const c of chans) s += c[i];
      this.buf[this.n++] = s / chans.length;
      if (this.n === ${BLOCK}) {
        this.port.postMessage(this.buf, [this.buf.buffer]);
        this.buf = new Float32Array(${BLOCK});
        this.n = 0;
      }
    }
    return true;
  }
}
registerProcessor('kws-tap', KwsTap);
`;

export interface Mic {
  context: AudioContext;
  stop(): Promise<void>;
}

/** Open the microphone; `onBlock` gets each 80 ms block of 16 kHz mono samples. */
export async function openMic(onBlock: (x: Float32Array) => void): Promise<Mic> {
  const media = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 },
  });
  const context = new AudioContext({ sampleRate: RATE });
  const url = URL.createObjectURL(new Blob([WORKLET], { type: 'text/javascript' }));
  await context.audioWorklet.addModule(url);
  URL.revokeObjectURL(url);
  const tap = new AudioWorkletNode(context, 'kws-tap', { numberOfOutputs: 1 });
  tap.port.onmessage = (e: MessageEvent<Float32Array>) => onBlock(e.data);
  // A silent path to the destination keeps the graph (and so the worklet) running.
  const mute = context.createGain();
  mute.gain.value = 0;
  context.createMediaStreamSource(media).connect(tap).connect(mute).connect(context.destination);
  await context.resume();
  return {
    context,
    async stop() {
      media.getTracks().forEach((t) => t.stop());
      await context.close();
    },
  };
}
