import type { IncomingMessage } from 'node:http';
import { HttpProblem } from '../problem-details';

/** Largest screenshot an agent may upload. */
export const SCREENSHOT_MAX_BYTES = 2 * 1024 * 1024;

export type ImageContentType = 'image/png' | 'image/jpeg';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);

/** Whether the bytes start like the image type they claim to be. */
export function looksLike(contentType: ImageContentType, data: Buffer): boolean {
  const signature = contentType === 'image/png' ? PNG_SIGNATURE : JPEG_SIGNATURE;
  return data.length > signature.length && data.subarray(0, signature.length).equals(signature);
}

/**
 * Reads a PNG or JPEG request body of at most `maxBytes`: a declared length above it is refused
 * before reading, a body that grows past it is cut off, and the first bytes must match the type.
 */
export async function readImageBody(req: IncomingMessage, maxBytes: number): Promise<{ contentType: ImageContentType; data: Buffer }> {
  const declared = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (declared !== 'image/png' && declared !== 'image/jpeg') {
    throw new HttpProblem('UNSUPPORTED_MEDIA_TYPE', 'Send the screenshot as image/png or image/jpeg', 415);
  }
  const tooLarge = () => new HttpProblem('PAYLOAD_TOO_LARGE', `A screenshot has at most ${maxBytes} bytes`, 413);
  const length = req.headers['content-length'];
  if (length !== undefined && Number(length) > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  // Events rather than an async iterator: leaving an iterator early destroys the socket, and the 413 with it.
  await new Promise<void>((resolve, reject) => {
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve());
    req.once('error', reject);
  });
  const data = Buffer.concat(chunks);
  if (!looksLike(declared, data)) throw new HttpProblem('UNSUPPORTED_MEDIA_TYPE', `The body is not a ${declared === 'image/png' ? 'PNG' : 'JPEG'} image`, 415);
  return { contentType: declared, data };
}
