import { crc32, deflateSync } from 'node:zlib';
import QRCode from 'qrcode';

/** Options of {@link qrPng}. */
export interface QrPngOptions {
  /** Light modules on a dark background, as in dark-mode screenshots. */
  inverted?: boolean;
  /** Pixels per module (qrcode's default is 4). Ignored when `width` is set. */
  scale?: number;
  /** Total image width in pixels, e.g. 3000 for a phone-camera-sized picture. */
  width?: number;
  /** Quiet zone in modules (4 by default, as the QR standard asks). */
  margin?: number;
}

/**
 * A PNG of `text` as a QR code, made with the `qrcode` package.
 *
 * @example const png = await qrPng('otpauth://totp/Acme:ann?secret=JBSWY3DPEHPK3PXP', { inverted: true });
 */
export function qrPng(text: string, options: QrPngOptions = {}): Promise<Buffer> {
  const { inverted = false, scale, width, margin = 4 } = options;
  const dark = '#000000ff';
  const light = '#ffffffff';
  return QRCode.toBuffer(text, {
    type: 'png',
    errorCorrectionLevel: 'M',
    margin,
    ...(width ? { width } : { scale: scale ?? 4 }),
    color: inverted ? { dark: light, light: dark } : { dark, light },
  });
}

/**
 * A greyscale PNG with no QR code in it: diagonal stripes, so it is not blank either.
 *
 * @example const png = noQrPng(400, 300);
 */
export function noQrPng(width: number, height: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(width + 1); // filter byte 0, then one grey byte per pixel
    for (let x = 0; x < width; x++) row[x + 1] = Math.floor((x + y) / 16) % 2 ? 40 : 220;
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}
