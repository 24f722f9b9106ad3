import { writeFile } from 'node:fs/promises';
import QRCode from 'qrcode';
import { decodePng, type RgbaImage } from '../../sdk/testing/decode-png.ts';

/** A square grid of QR modules, `true` = dark. Row-major `data` of `size * size` entries. */
export interface QrModules {
  size: number;
  data: ArrayLike<number | boolean>;
}

/** Options of {@link writeQrY4m}. */
export interface QrY4mOptions {
  /** Frame size; 640×480 by default (what a webcam gives). Both must be even. */
  width?: number;
  height?: number;
  /** Number of frames; Chromium loops the file, so a few are enough. */
  frames?: number;
  /** Frames per second announced in the header (10). */
  fps?: number;
  /** Quiet zone in modules around the code (4). */
  margin?: number;
  /** Pixels per module; by default the largest that fits in 80% of the shorter side. */
  scale?: number;
}

/**
 * Writes a YUV4MPEG2 (C420jpeg) video of a QR code centred on a white frame, for Chromium's
 * `--use-fake-device-for-media-stream --use-file-for-fake-video-capture=<path>`: the fake camera
 * then films the code. Pass `{ size: 0, data: [] }` for a camera pointed at a blank wall.
 *
 * @param source - the text to encode, modules (e.g. `QRCode.create(text).modules`), or a PNG
 *   picture (e.g. from `qrPng`), drawn at the largest whole scale that fits (shrunk if too big)
 * @example await writeQrY4m('otpauth://totp/Acme:ann?secret=JBSWY3DPEHPK3PXP', '/tmp/qr.y4m');
 */
export async function writeQrY4m(
  source: string | QrModules | Uint8Array,
  path: string,
  options: QrY4mOptions = {},
): Promise<void> {
  const { width = 640, height = 480, frames = 3, fps = 10 } = options;
  if (width % 2 || height % 2) throw new Error('Y4M 4:2:0 frames need an even width and height');
  const luma =
    source instanceof Uint8Array
      ? drawPicture(decodePng(source), width, height)
      : drawModules(
          typeof source === 'string'
            ? QRCode.create(source, { errorCorrectionLevel: 'M' }).modules
            : source,
          width,
          height,
          options,
        );
  // Grey has no colour: both chroma planes sit at the neutral 128.
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const header = `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`;
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  await writeFile(path, Buffer.concat([Buffer.from(header), ...Array(frames).fill(frame)]));
}

// Studio-range luma (BT.601), what Chromium assumes for I420 frames.
const BLACK = 16;
const WHITE = 235;

function drawModules(modules: QrModules, width: number, height: number, options: QrY4mOptions) {
  const { margin = 4 } = options;
  const luma = Buffer.alloc(width * height, WHITE);
  const side = modules.size + 2 * margin;
  const scale = options.scale ?? Math.floor((Math.min(width, height) * 0.8) / side);
  if (modules.size > 0 && scale < 1) throw new Error('The QR code does not fit in the frame');
  const left = Math.floor((width - modules.size * scale) / 2);
  const top = Math.floor((height - modules.size * scale) / 2);
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (!modules.data[row * modules.size + col]) continue;
      for (let y = 0; y < scale; y++) {
        const start = (top + row * scale + y) * width + left + col * scale;
        luma.fill(BLACK, start, start + scale);
      }
    }
  }
  return luma;
}

function drawPicture(picture: RgbaImage, width: number, height: number): Buffer {
  const luma = Buffer.alloc(width * height, WHITE);
  const fit = Math.min(width / picture.width, height / picture.height);
  // Whole scales keep modules crisp; a picture larger than the frame is shrunk (nearest pixel).
  const scale = fit >= 1 ? Math.floor(fit) : fit;
  const drawnWidth = Math.floor(picture.width * scale);
  const drawnHeight = Math.floor(picture.height * scale);
  const left = Math.floor((width - drawnWidth) / 2);
  const top = Math.floor((height - drawnHeight) / 2);
  for (let y = 0; y < drawnHeight; y++) {
    const sourceRow = Math.min(picture.height - 1, Math.floor(y / scale)) * picture.width;
    for (let x = 0; x < drawnWidth; x++) {
      const at = (sourceRow + Math.min(picture.width - 1, Math.floor(x / scale))) * 4;
      const alpha = (picture.data[at + 3] ?? 255) / 255;
      const grey =
        0.299 * (picture.data[at] ?? 0) +
        0.587 * (picture.data[at + 1] ?? 0) +
        0.114 * (picture.data[at + 2] ?? 0);
      const onWhite = grey * alpha + 255 * (1 - alpha);
      luma[(top + y) * width + left + x] = Math.round(BLACK + ((WHITE - BLACK) * onWhite) / 255);
    }
  }
  return luma;
}
