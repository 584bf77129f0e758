/**
 * The transcription upload: a multipart/form-data body parsed with busboy AS A STREAM. The `file`
 * part is written straight to a temporary file under the data dir (never held in memory); at
 * most 25 MB (OpenAI's limit; more -> 413 naming `file`). Then RADIANT reads the audio's
 * duration from the file's own header with music-metadata (for MP3 without a Xing/VBRI header it
 * scans the frames): that duration is what the budget reserves and what is metered. A file
 * music-metadata cannot read as audio, or of zero duration, is refused with a 400 naming `file`
 * before any provider is called. The adapters stream the temp file to the provider
 * (`AudioFile.open()`), and `cleanup()` deletes it.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Busboy from 'busboy';
import { GatewayError } from '../errors';
import type { AudioFile } from '../adapters/media';

export const MAX_AUDIO_BYTES = 25 * 1024 * 1024;

/** Media type by container as music-metadata names it (used when the client sent none). */
const CONTAINER_TYPES: Record<string, string> = {
  WAVE: 'audio/wav',
  MPEG: 'audio/mpeg',
  FLAC: 'audio/flac',
  Ogg: 'audio/ogg',
  'M4A/mp42': 'audio/mp4',
  'M4A/isom': 'audio/mp4',
  EBML: 'audio/webm',
  matroska: 'audio/webm',
};

export interface AudioUpload {
  file: AudioFile & { path: string };
  /** Every non-file field, as sent (repeated fields keep every value). */
  fields: Record<string, string[]>;
  cleanup(): Promise<void>;
}

export interface AudioUploadOptions {
  /** Directory for the temporary file (created when missing). */
  tmpDir: string;
  maxBytes?: number;
  signal?: AbortSignal;
}

const fileError = (status: number, code: string, message: string) => new GatewayError(status, code, message, { param: 'file' });

export async function parseAudioUpload(body: Readable, contentType: string | undefined, o: AudioUploadOptions): Promise<AudioUpload> {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) {
    throw new GatewayError(400, 'invalid_request', "The request must be multipart/form-data with the audio in a 'file' field.", { param: 'file' });
  }
  const maxBytes = o.maxBytes ?? MAX_AUDIO_BYTES;
  await fsp.mkdir(o.tmpDir, { recursive: true });
  const tmpPath = path.join(o.tmpDir, `upload-${randomUUID()}`);
  const fields: Record<string, string[]> = {};
  let file: { filename: string; mimeType: string; size: number } | null = null;
  let tooLarge = false;
  const cleanup = async () => {
    await fsp.rm(tmpPath, { force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let bb: Busboy.Busboy;
      try {
        bb = Busboy({ headers: { 'content-type': contentType }, limits: { files: 1, fileSize: maxBytes, fields: 50, fieldSize: 64 * 1024 } });
      } catch {
        reject(new GatewayError(400, 'invalid_request', 'The multipart body could not be parsed.', { param: 'file' }));
        return;
      }
      let writing: Promise<void> | null = null;
      bb.on('field', (name, value) => (fields[name] ??= []).push(value));
      bb.on('file', (name, stream, info) => {
        if (name !== 'file' || file) {
          stream.resume();
          return;
        }
        const meta = { filename: info.filename || 'audio', mimeType: info.mimeType || 'application/octet-stream', size: 0 };
        file = meta;
        stream.on('data', (c: Buffer) => (meta.size += c.length));
        stream.on('limit', () => (tooLarge = true));
        writing = pipeline(stream, fs.createWriteStream(tmpPath));
      });
      bb.on('error', () => reject(new GatewayError(400, 'invalid_request', 'The multipart body could not be parsed.', { param: 'file' })));
      bb.on('close', () => {
        if (writing) writing.then(() => resolve(), reject);
        else resolve();
      });
      const onAbort = () => {
        body.unpipe(bb);
        reject(new GatewayError(499, 'client_closed', 'The client went away.'));
      };
      o.signal?.addEventListener('abort', onAbort, { once: true });
      body.on('error', reject);
      body.pipe(bb);
    });
    if (tooLarge) throw fileError(413, 'file_too_large', `The file is larger than ${Math.floor(maxBytes / (1024 * 1024))} MB, the most this endpoint accepts.`);
    const f = file as { filename: string; mimeType: string; size: number } | null;
    if (!f) throw fileError(400, 'invalid_request', "'file' is required: send the audio as the multipart field 'file'.");
    if (f.size === 0) throw fileError(400, 'invalid_file', 'The file is empty.');
    const { parseFile } = await import('music-metadata');
    let duration: number | undefined;
    let container: string | undefined;
    try {
      const meta = await parseFile(tmpPath, { duration: true, skipCovers: true });
      duration = meta.format.duration;
      container = meta.format.container;
    } catch {
      duration = undefined;
    }
    if (!duration || !Number.isFinite(duration) || duration <= 0) {
      throw fileError(
        400,
        'invalid_file',
        `The file '${f.filename}' is not an audio file this endpoint can read (supported: mp3, mp4/m4a, wav, flac, ogg, webm).`,
      );
    }
    const mediaType =
      f.mimeType.startsWith('audio/') || f.mimeType.startsWith('video/') ? f.mimeType : (container && CONTAINER_TYPES[container]) || 'application/octet-stream';
    return {
      file: { path: tmpPath, filename: f.filename, mediaType, size: f.size, durationSeconds: duration, open: () => fs.createReadStream(tmpPath) },
      fields,
      cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** An AudioFile over bytes already in memory (tests, small files). */
export function audioFileFromBuffer(data: Buffer, filename: string, mediaType: string, durationSeconds: number | null): AudioFile {
  return {
    filename,
    mediaType,
    size: data.length,
    durationSeconds,
    open: () => Readable.from([data]),
  };
}
