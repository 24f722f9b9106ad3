import { readFile, rm, writeFile } from 'node:fs/promises';
import { writeQrY4m } from '../support/qr-video.ts';

/**
 * Writes a Y4M video showing each text's QR code in turn, `framesEach` frames apiece, for a fake
 * camera that films one code after another (Chromium loops the file).
 *
 * @example await writeQrSequenceY4m([part1, part2, part3], '/tmp/parts.y4m');
 */
export async function writeQrSequenceY4m(
  texts: string[],
  path: string,
  { framesEach = 15, fps = 5 } = {},
): Promise<void> {
  let header: Buffer | null = null;
  const frames: Buffer[] = [];
  for (const [i, text] of texts.entries()) {
    const scene = `${path}.${i}`;
    await writeQrY4m(text, scene, { frames: framesEach, fps });
    const bytes = await readFile(scene);
    await rm(scene);
    const end = bytes.indexOf(0x0a) + 1; // the header is the first line
    header ??= bytes.subarray(0, end);
    frames.push(bytes.subarray(end));
  }
  if (!header) throw new Error('no texts to film');
  await writeFile(path, Buffer.concat([header, ...frames]));
}
