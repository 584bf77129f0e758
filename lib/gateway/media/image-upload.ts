/**
 * The images/edits upload, OpenAI's multipart fields: `image` (one PNG; the openai SDK sends a
 * list as `image[]`), `mask` (optional PNG), `prompt`, `model`, `n`, `size`, `quality`,
 * `response_format`, `user`. Parsed with busboy as the body streams in; each file is held in
 * memory up to MAX_IMAGE_BYTES (more -> 413 naming the field, the rest of the body is drained,
 * never buffered). Once the model is known to take edits, `editRegion` decodes the PNGs (pngjs)
 * into the EditRegion in OpenAI's terms: the
 * fully transparent pixels (alpha 0) of the mask, or of the image when no mask was sent, are
 * where to edit. Every refusal is a 400 naming the field, before any provider is called: no
 * image, not a PNG, a mask of another size, no transparent pixel to edit, an image too large to
 * decode safely.
 */
import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import Busboy from 'busboy';
import { PNG } from 'pngjs';
import { GatewayError } from '../errors';
import type { EditRegion, UploadedImage } from '../adapters/media';

/** Per file: Ideogram's /edit limit (OpenAI takes 4 MB for dall-e-2, more for gpt-image-1). */
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** Decoded size guard (4096 x 4096): a small PNG can claim huge dimensions. */
const MAX_PIXELS = 4096 * 4096;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface ImageEditUpload {
  /** Every non-file field, first value (repeated fields: the first one). */
  fields: Record<string, string>;
  image: UploadedImage;
  mask: UploadedImage | null;
  /** What identifies the request for idempotency: the fields and the files' SHA-256. */
  identity(): Buffer;
}

const fieldError = (param: string, status: number, code: string, message: string) => new GatewayError(status, code, message, { param });

interface RawUpload {
  fields: Record<string, string>;
  files: Record<'image' | 'mask', UploadedImage[]>;
  tooLarge: 'image' | 'mask' | null;
}

function readMultipart(body: Readable, contentType: string, maxBytes: number, signal?: AbortSignal): Promise<RawUpload> {
  const out: RawUpload = { fields: {}, files: { image: [], mask: [] }, tooLarge: null };
  return new Promise<RawUpload>((resolve, reject) => {
    let bb: Busboy.Busboy;
    try {
      bb = Busboy({ headers: { 'content-type': contentType }, limits: { files: 4, fileSize: maxBytes, fields: 50, fieldSize: 64 * 1024 } });
    } catch {
      reject(fieldError('image', 400, 'invalid_request', 'The multipart body could not be parsed.'));
      return;
    }
    bb.on('field', (name, value) => {
      if (!(name in out.fields)) out.fields[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      const field = name === 'image' || name === 'image[]' ? 'image' : name === 'mask' ? 'mask' : null;
      if (!field) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let dropped = false;
      stream.on('data', (c: Buffer) => {
        if (!dropped) chunks.push(c);
      });
      stream.on('limit', () => {
        dropped = true;
        chunks.length = 0;
        out.tooLarge ??= field;
      });
      stream.on('end', () => {
        if (!dropped)
          out.files[field].push({ filename: info.filename || field, mediaType: info.mimeType || 'application/octet-stream', data: Buffer.concat(chunks) });
      });
    });
    bb.on('error', () => reject(fieldError('image', 400, 'invalid_request', 'The multipart body could not be parsed.')));
    bb.on('close', () => resolve(out));
    signal?.addEventListener(
      'abort',
      () => {
        body.unpipe(bb);
        reject(new GatewayError(499, 'client_closed', 'The client went away.'));
      },
      { once: true },
    );
    body.on('error', reject);
    body.pipe(bb);
  });
}

/** Width and height from the IHDR chunk (before decoding), or null: not a PNG. */
function pngDimensions(data: Buffer): { width: number; height: number } | null {
  if (data.length < 24 || !data.subarray(0, 8).equals(PNG_SIGNATURE) || data.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

/** The PNG's dimensions, checked before anything is decoded (400 naming the field otherwise). */
function checkedDimensions(file: UploadedImage, field: 'image' | 'mask'): { width: number; height: number } {
  const dims = pngDimensions(file.data);
  if (!dims) throw fieldError(field, 400, 'invalid_image_format', `The ${field} '${file.filename}' is not a PNG image: send a PNG.`);
  if (dims.width * dims.height > MAX_PIXELS) {
    throw fieldError(field, 400, 'invalid_image', `The ${field} is ${dims.width}x${dims.height} pixels, more than this endpoint decodes (4096x4096).`);
  }
  return dims;
}

/** Decodes a PNG to RGBA without holding the event loop for the inflate (pngjs's async parser). */
function decode(file: UploadedImage, field: 'image' | 'mask'): Promise<{ width: number; height: number; alpha: boolean; data: Buffer }> {
  checkedDimensions(file, field);
  return new Promise((resolve, reject) => {
    let alpha = false;
    const png = new PNG();
    png.on('metadata', (m: { alpha: boolean }) => (alpha = m.alpha));
    png.parse(file.data, (err, out) => {
      if (err) reject(fieldError(field, 400, 'invalid_image', `The ${field} '${file.filename}' could not be read as a PNG.`));
      else resolve({ width: out.width, height: out.height, alpha, data: out.data });
    });
  });
}

/**
 * OpenAI's rule: edit where the mask (else the image) is fully transparent. Only the PNG that
 * carries the alpha is decoded; with a mask, the image's header gives its size.
 */
export async function editRegion(image: UploadedImage, mask: UploadedImage | null): Promise<EditRegion> {
  const img = checkedDimensions(image, 'image');
  const source = await decode(mask ?? image, mask ? 'mask' : 'image');
  if (mask && (source.width !== img.width || source.height !== img.height)) {
    throw fieldError(
      'mask',
      400,
      'invalid_value',
      `The mask is ${source.width}x${source.height} but the image is ${img.width}x${img.height}: they must be the same size.`,
    );
  }
  const field = mask ? 'mask' : 'image';
  const n = img.width * img.height;
  const edit = new Uint8Array(n);
  let any = false;
  if (source.alpha) {
    for (let i = 0; i < n; i++) {
      if (source.data[i * 4 + 3] === 0) {
        edit[i] = 1;
        any = true;
      }
    }
  }
  if (!any) {
    throw fieldError(
      field,
      400,
      'invalid_value',
      mask
        ? 'The mask has no fully transparent pixels: its transparent (alpha 0) areas mark where to edit.'
        : "The image has no fully transparent pixels and no 'mask' was sent: send a mask whose transparent areas mark where to edit, or an image with transparency.",
    );
  }
  return { width: img.width, height: img.height, edit };
}

/** The region as a black-and-white PNG of the image's size: black = edit, white = keep (Ideogram). */
export function blackIsEditMask(region: EditRegion): Promise<Buffer> {
  const png = new PNG({ width: region.width, height: region.height, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  const gray = Buffer.alloc(region.width * region.height);
  for (let i = 0; i < gray.length; i++) gray[i] = region.edit[i] ? 0 : 255;
  png.data = gray;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    png
      .pack()
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => resolve(Buffer.concat(chunks)))
      .on('error', reject);
  });
}

export async function parseImageEditUpload(
  body: Readable,
  contentType: string | undefined,
  o: { maxBytes?: number; signal?: AbortSignal } = {},
): Promise<ImageEditUpload> {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) {
    throw fieldError('image', 400, 'invalid_request', "The request must be multipart/form-data with the PNG in an 'image' field.");
  }
  const maxBytes = o.maxBytes ?? MAX_IMAGE_BYTES;
  const raw = await readMultipart(body, contentType, maxBytes, o.signal);
  if (raw.tooLarge) {
    throw fieldError(
      raw.tooLarge,
      413,
      'file_too_large',
      `The ${raw.tooLarge} is larger than ${Math.floor(maxBytes / (1024 * 1024))} MB, the most this endpoint accepts.`,
    );
  }
  const [image, ...more] = raw.files.image;
  if (!image) throw fieldError('image', 400, 'invalid_request', "'image' is required: send the PNG to edit as the multipart field 'image'.");
  if (more.length) throw fieldError('image', 400, 'invalid_value', "Send one 'image': this endpoint edits one image per request.");
  if (raw.files.mask.length > 1) throw fieldError('mask', 400, 'invalid_value', "Send at most one 'mask'.");
  if (image.data.length === 0) throw fieldError('image', 400, 'invalid_file', 'The image is empty.');
  const mask = raw.files.mask[0] ?? null;
  return {
    fields: raw.fields,
    image,
    mask,
    identity: () => {
      const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
      return Buffer.from(JSON.stringify({ fields: raw.fields, image: sha(image.data), mask: mask ? sha(mask.data) : null }));
    },
  };
}
