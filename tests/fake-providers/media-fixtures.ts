/**
 * Small, real media bytes for the fakes and the tests: a valid PNG, valid MPEG-1 Layer III
 * frames (silence), and WAV files of an exact, known duration.
 */
import { deflateSync } from 'node:zlib';

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A real w x h RGB PNG of one colour. */
export function png(w = 2, h = 2, rgb: [number, number, number] = [200, 40, 90]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One MPEG-1 Layer III frame, 128 kbit/s, 44.1 kHz, stereo, no padding: 417 bytes of silence. */
export function mp3Frame(): Buffer {
  const f = Buffer.alloc(417);
  f.writeUInt32BE(0xfffb9064, 0);
  return f;
}

/** `frames` MP3 frames (1152 samples each at 44.1 kHz = 26.12 ms per frame). */
export function mp3(frames = 40): Buffer {
  return Buffer.concat(Array.from({ length: frames }, mp3Frame));
}

/** A 16-bit PCM WAV of exactly `seconds` (rounded to whole samples) with a 440 Hz tone. */
export function wav(seconds: number, sampleRate = 8000, channels = 1): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const data = Buffer.alloc(samples * channels * 2);
  for (let i = 0; i < samples; i++) {
    const v = Math.round(Math.sin((2 * Math.PI * 440 * i) / sampleRate) * 8000);
    for (let c = 0; c < channels; c++) data.writeInt16LE(v, (i * channels + c) * 2);
  }
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** 24 kHz 16-bit mono PCM silence (OpenAI's and ElevenLabs' `pcm`). */
export function pcm(seconds: number): Buffer {
  return Buffer.alloc(Math.round(seconds * 24000) * 2);
}
