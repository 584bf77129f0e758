import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseAudioUpload } from './audio-upload';
import { mp3, wav } from '../../../tests/fake-providers/media-fixtures';

const tmpDir = path.join(os.tmpdir(), `radiant-upload-test-${process.pid}`);

function multipart(parts: Array<{ name: string; value?: string; file?: { filename: string; type: string; data: Buffer } }>): { body: Readable; type: string } {
  const boundary = 'xBOUNDARYx';
  const bufs: Buffer[] = [];
  for (const p of parts) {
    if (p.file) {
      bufs.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.file.filename}"\r\nContent-Type: ${p.file.type}\r\n\r\n`),
        p.file.data,
        Buffer.from('\r\n'),
      );
    } else bufs.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`));
  }
  bufs.push(Buffer.from(`--${boundary}--\r\n`));
  // deliver in small chunks, as a network would
  const all = Buffer.concat(bufs);
  const chunks: Buffer[] = [];
  for (let i = 0; i < all.length; i += 4096) chunks.push(all.subarray(i, i + 4096));
  return { body: Readable.from(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

describe('parseAudioUpload', () => {
  it('writes the file to disk and reads its exact duration from the WAV header', async () => {
    const m = multipart([
      { name: 'model', value: 'whisper-1' },
      { name: 'timestamp_granularities[]', value: 'word' },
      { name: 'timestamp_granularities[]', value: 'segment' },
      { name: 'file', file: { filename: 'a.wav', type: 'audio/wav', data: wav(3.2) } },
    ]);
    const u = await parseAudioUpload(m.body, m.type, { tmpDir });
    expect(u.file.durationSeconds).toBe(3.2);
    expect(u.file.size).toBe(wav(3.2).length);
    expect(u.file.mediaType).toBe('audio/wav');
    expect(u.fields).toEqual({ model: ['whisper-1'], 'timestamp_granularities[]': ['word', 'segment'] });
    expect(fs.readFileSync(u.file.path).equals(wav(3.2))).toBe(true);
    await u.cleanup();
    expect(fs.existsSync(u.file.path)).toBe(false);
  });

  it('reads MP3 durations (frames x 1152 / 44100) and infers the type when the client sent octet-stream', async () => {
    const m = multipart([{ name: 'file', file: { filename: 'a.mp3', type: 'application/octet-stream', data: mp3(100) } }]);
    const u = await parseAudioUpload(m.body, m.type, { tmpDir });
    expect(u.file.durationSeconds).toBeCloseTo((100 * 1152) / 44100, 2);
    expect(u.file.mediaType).toBe('audio/mpeg');
    await u.cleanup();
  });

  it('413 naming file over the limit, 400 naming file for non-audio, missing file or non-multipart; no temp file left', async () => {
    const big = multipart([{ name: 'file', file: { filename: 'a.wav', type: 'audio/wav', data: wav(10) } }]);
    await expect(parseAudioUpload(big.body, big.type, { tmpDir, maxBytes: 50_000 })).rejects.toMatchObject({ httpStatus: 413, param: 'file' });
    const text = multipart([
      { name: 'file', file: { filename: 'notes.wav', type: 'audio/wav', data: Buffer.from('just some text, not audio at all'.repeat(20)) } },
    ]);
    await expect(parseAudioUpload(text.body, text.type, { tmpDir })).rejects.toMatchObject({ httpStatus: 400, param: 'file' });
    const none = multipart([{ name: 'model', value: 'whisper-1' }]);
    await expect(parseAudioUpload(none.body, none.type, { tmpDir })).rejects.toMatchObject({ httpStatus: 400, param: 'file' });
    await expect(parseAudioUpload(Readable.from([Buffer.from('{}')]), 'application/json', { tmpDir })).rejects.toMatchObject({
      httpStatus: 400,
      param: 'file',
    });
    expect(fs.readdirSync(tmpDir).filter((f) => f.startsWith('upload-'))).toEqual([]);
  });
});
