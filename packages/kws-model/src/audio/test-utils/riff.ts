/** RIFF/WAVE files built byte by byte (an independent writer to test the decoders against). */

export function chunk(id: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  for (let i = 0; i < 4; i++) out[i] = id.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
}

export function riff(...chunks: Uint8Array[]): Uint8Array {
  const size = chunks.reduce((s, c) => s + c.length, 0);
  const out = new Uint8Array(12 + size);
  out.set(chunk('RIFF', new Uint8Array(0)).subarray(0, 4));
  new DataView(out.buffer).setUint32(4, 4 + size, true);
  out.set([0x57, 0x41, 0x56, 0x45], 8); // 'WAVE'
  let at = 12;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function fmtChunk(format: number, channels: number, rate: number, bits: number, extensible = false): Uint8Array {
  const body = new Uint8Array(extensible ? 40 : 16);
  const v = new DataView(body.buffer);
  const align = (channels * bits) / 8;
  v.setUint16(0, extensible ? 0xfffe : format, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, rate * align, true);
  v.setUint16(12, align, true);
  v.setUint16(14, bits, true);
  if (extensible) {
    v.setUint16(16, 22, true);
    v.setUint16(18, bits, true);
    v.setUint16(24, format, true);
  }
  return chunk('fmt ', body);
}

/** Interleaves per-channel values (multiples of 1/128, exact at every depth) into a data chunk. */
export function dataChunk(channels: number[][], bits: number, float: boolean): Uint8Array {
  const frames = channels[0].length;
  const width = bits / 8;
  const body = new Uint8Array(frames * channels.length * width);
  const v = new DataView(body.buffer);
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels.length; c++) {
      const at = (f * channels.length + c) * width;
      const x = channels[c][f];
      if (float && bits === 32) v.setFloat32(at, x, true);
      else if (float) v.setFloat64(at, x, true);
      else if (bits === 8) v.setUint8(at, x * 128 + 128);
      else if (bits === 16) v.setInt16(at, x * 32768, true);
      else if (bits === 24) {
        const i = x * 8388608;
        v.setUint16(at, i & 0xffff, true);
        v.setInt8(at + 2, i >> 16);
      } else v.setInt32(at, x * 2147483648, true);
    }
  }
  return chunk('data', body);
}

export function testChannels(count: number, frames: number): number[][] {
  return Array.from({ length: count }, (_, c) =>
    Array.from({ length: frames }, (_, f) => (((f * 37 + c * 11) % 256) - 128) / 128),
  );
}

export function mono(channels: number[][]): number[] {
  return channels[0].map((_, f) => channels.reduce((s, ch) => s + ch[f], 0));
}
