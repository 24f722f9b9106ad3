/**
 * Draws a QR code as a camera or a screen would show it: placed by a perspective projection
 * (rotation, tilt), then blurred, lit unevenly, with glare, sensor noise and JPEG artefacts.
 * Pure JS over a Float32 grey plane (0 = black, 1 = white); the scan fixtures are built from it.
 */
import jpeg from 'jpeg-js';
import QRCode from 'qrcode';

/** A grey picture, row-major, values 0 (black) to 1 (white). */
export interface GreyImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** RGBA pixels, as `ImageData` holds them. */
export interface RgbaPixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** How a code is placed and spoilt. Every field is optional; the default is a clean render. */
export interface PhotoOptions {
  width: number;
  height: number;
  /** Side of the code's modules (quiet zone excluded) in pixels, before tilt. */
  codeSide: number;
  /** In-plane rotation, degrees. */
  rotate?: number;
  /** Out-of-plane rotation about the horizontal and vertical axes, degrees (perspective). */
  tiltX?: number;
  tiltY?: number;
  /** Where the code's centre is, as a fraction of the frame (0.5, 0.5 by default). */
  centre?: [number, number];
  /** Gaussian blur, sigma in pixels. */
  blur?: number;
  /** Grey of dark modules and of the paper (0 and 1 by default). */
  dark?: number;
  light?: number;
  /** Light modules on dark paper (dark-mode screenshot). */
  inverted?: boolean;
  /** A bright spot: centre as a fraction of the code, radius as a fraction of its side, strength 0–1. */
  glare?: { x: number; y: number; radius: number; strength: number };
  /** Light falling off across the frame: 0 = even, 0.4 = one side 40 % darker. */
  shading?: number;
  /** Sensor noise, standard deviation in grey levels 0–1. */
  noise?: number;
  /** JPEG quality 1–100; none = lossless. */
  jpegQuality?: number;
  /** Busy surroundings (desk, page text) instead of plain paper. */
  clutter?: boolean;
  /** Quiet zone in modules (4). */
  margin?: number;
}

/** Seeded PRNG (mulberry32), so the fixture set is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** QR modules of `text` (error correction M, as the BMS and Google Authenticator draw them). */
export function qrModules(text: string): { size: number; data: Uint8Array } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return { size: modules.size, data: Uint8Array.from(modules.data, Number) };
}

type Matrix3 = [number, number, number, number, number, number, number, number, number];

/** The homography taking the four `from` points onto the four `to` points. */
function homography(from: [number, number][], to: [number, number][]): Matrix3 {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i]!;
    const [u, v] = to[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  // Gauss-Jordan elimination with partial pivoting on the 8×9 augmented system.
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let row = col + 1; row < 8; row++)
      if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    for (let k = col; k < 9; k++) a[col]![k]! /= p;
    for (let row = 0; row < 8; row++) {
      if (row === col) continue;
      const f = a[row]![col]!;
      for (let k = col; k < 9; k++) a[row]![k]! -= f * a[col]![k]!;
    }
  }
  const h = a.map((row) => row[8]!);
  return [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, 1];
}

/** Where the code's corners land in the frame: a square turned in 3D, seen by a pinhole camera. */
function projectedCorners(options: PhotoOptions, side: number): [number, number][] {
  const { width, height, rotate = 0, tiltX = 0, tiltY = 0, centre = [0.5, 0.5] } = options;
  const rad = Math.PI / 180;
  const [cr, sr] = [Math.cos(rotate * rad), Math.sin(rotate * rad)];
  const [cx, sx] = [Math.cos(tiltX * rad), Math.sin(tiltX * rad)];
  const [cy, sy] = [Math.cos(tiltY * rad), Math.sin(tiltY * rad)];
  const focal = side * 2.2; // roughly a phone's field of view with the code filling half of it
  const half = side / 2;
  return (
    [
      [-half, -half],
      [half, -half],
      [half, half],
      [-half, half],
    ] as [number, number][]
  ).map(([x0, y0]) => {
    const x1 = x0 * cr - y0 * sr;
    const y1 = x0 * sr + y0 * cr;
    // Tilt about the horizontal axis, then the vertical one.
    const y2 = y1 * cx;
    const z2 = y1 * sx;
    const x3 = x1 * cy + z2 * sy;
    const z3 = -x1 * sy + z2 * cy;
    const scale = focal / (focal + z3);
    return [centre[0] * width + x3 * scale, centre[1] * height + y2 * scale];
  });
}

/**
 * Shrinks the code until all of it, quiet zone included, lies inside the frame once placed: a
 * person frames the code they scan, and a cut-off code is not a fair test of any decoder.
 *
 * @example options = fitInFrame(options, qrModules(text).size);
 */
export function fitInFrame(options: PhotoOptions, moduleCount: number): PhotoOptions {
  const { width, height, margin = 4 } = options;
  let fitted = options;
  for (let i = 0; i < 40; i++) {
    const paperSide = (fitted.codeSide / moduleCount) * (moduleCount + 2 * margin);
    const inside = projectedCorners(fitted, paperSide).every(
      ([x, y]) => x >= 0 && y >= 0 && x <= width && y <= height,
    );
    if (inside) return fitted;
    fitted = { ...fitted, codeSide: fitted.codeSide * 0.95 };
  }
  return fitted;
}

/**
 * Renders the modules into a grey frame with the options' placement and spoilage.
 *
 * @example const image = renderPhoto(qrModules(uri), { width: 800, height: 600, codeSide: 300, rotate: 20, blur: 1.2 });
 */
export function renderPhoto(
  modules: { size: number; data: Uint8Array },
  options: PhotoOptions,
  random: () => number = seededRandom(1),
): GreyImage {
  const { width, height, margin = 4 } = options;
  const { size } = modules;
  const out = new Float32Array(width * height);
  const moduleSide = size > 0 ? options.codeSide / size : 1;
  const paperModules = size + 2 * margin;
  const paperSide = paperModules * moduleSide;
  // Homography from the frame onto module coordinates (0…paperModules over the paper).
  const corners = projectedCorners(options, paperSide);
  const toModules = homography(corners, [
    [0, 0],
    [paperModules, 0],
    [paperModules, paperModules],
    [0, paperModules],
  ]);
  const background = options.clutter ? clutterField(width, height, random) : null;
  const [h0, h1, h2, h3, h4, h5, h6, h7] = toModules;
  const sub = 3; // supersampling, so module edges are anti-aliased like a real sensor's
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let sy = 0; sy < sub; sy++) {
        for (let sx = 0; sx < sub; sx++) {
          const px = x + (sx + 0.5) / sub;
          const py = y + (sy + 0.5) / sub;
          const w = h6 * px + h7 * py + 1;
          const u = (h0 * px + h1 * py + h2) / w;
          const v = (h3 * px + h4 * py + h5) / w;
          let value: number;
          if (size > 0 && u >= 0 && v >= 0 && u < paperModules && v < paperModules) {
            const col = Math.floor(u) - margin;
            const row = Math.floor(v) - margin;
            const isDark =
              col >= 0 && row >= 0 && col < size && row < size && modules.data[row * size + col];
            value = isDark ? 0 : 1;
          } else {
            value = background ? background[y * width + x]! : 1;
          }
          sum += value;
        }
      }
      out[y * width + x] = sum / (sub * sub);
    }
  }
  const image: GreyImage = { width, height, data: out };
  spoil(image, options, corners, random);
  return image;
}

/** Page-like surroundings: grey blocks and lines of "text", so edges are everywhere. */
function clutterField(width: number, height: number, random: () => number): Float32Array {
  const field = new Float32Array(width * height).fill(0.93);
  const blocks = 14 + Math.floor(random() * 10);
  for (let i = 0; i < blocks; i++) {
    const bw = 20 + random() * width * 0.4;
    const bh = 4 + random() * (random() < 0.6 ? 10 : height * 0.2);
    const bx = random() * width;
    const by = random() * height;
    const grey = 0.15 + random() * 0.6;
    for (let y = Math.floor(by); y < Math.min(height, by + bh); y++)
      for (let x = Math.floor(bx); x < Math.min(width, bx + bw); x++)
        // Broken into "words" so the lines look like text rather than bars.
        if (Math.floor((x - bx) / 9) % 5 !== 4) field[y * width + x] = grey;
  }
  return field;
}

function spoil(
  image: GreyImage,
  options: PhotoOptions,
  corners: [number, number][],
  random: () => number,
): void {
  const { width, height, data } = image;
  const { dark = 0, light = 1, inverted = false, shading = 0, noise = 0, blur = 0 } = options;
  for (let i = 0; i < data.length; i++) {
    const v = inverted ? 1 - data[i]! : data[i]!;
    data[i] = dark + (light - dark) * v;
  }
  if (shading > 0) {
    const angle = random() * Math.PI * 2;
    const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const t = ((x / width - 0.5) * dx + (y / height - 0.5) * dy + 0.7) / 1.4;
        data[y * width + x]! *= 1 - shading * Math.min(1, Math.max(0, t));
      }
  }
  if (options.glare) {
    const { x, y, radius, strength } = options.glare;
    // Bilinear position inside the projected code, so glare sits on the code whatever its tilt.
    const [a, b, c, d] = corners as [
      [number, number],
      [number, number],
      [number, number],
      [number, number],
    ];
    const gx = (1 - y) * ((1 - x) * a[0] + x * b[0]) + y * ((1 - x) * d[0] + x * c[0]);
    const gy = (1 - y) * ((1 - x) * a[1] + x * b[1]) + y * ((1 - x) * d[1] + x * c[1]);
    const r = radius * Math.hypot(b[0] - a[0], b[1] - a[1]);
    for (let py = 0; py < height; py++)
      for (let px = 0; px < width; px++) {
        const fall = Math.exp(-((px - gx) ** 2 + (py - gy) ** 2) / (2 * r * r));
        const i = py * width + px;
        data[i] = data[i]! + (1 - data[i]!) * strength * fall;
      }
  }
  if (blur > 0) gaussianBlur(image, blur);
  if (noise > 0) for (let i = 0; i < data.length; i++) data[i]! += noise * gaussian(random);
}

function gaussianBlur(image: GreyImage, sigma: number): void {
  const radius = Math.ceil(sigma * 3);
  const kernel = new Float32Array(2 * radius + 1);
  let total = 0;
  for (let i = -radius; i <= radius; i++) {
    kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
    total += kernel[i + radius]!;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i]! /= total;
  const { width, height, data } = image;
  const temp = new Float32Array(data.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) {
        const sx = Math.min(width - 1, Math.max(0, x + k));
        sum += data[y * width + sx]! * kernel[k + radius]!;
      }
      temp[y * width + x] = sum;
    }
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) {
        const sy = Math.min(height - 1, Math.max(0, y + k));
        sum += temp[sy * width + x]! * kernel[k + radius]!;
      }
      data[y * width + x] = sum;
    }
}

/** Grey to RGBA, clamped to 0–255. */
export function toRgba(image: GreyImage): RgbaPixels {
  const { width, height } = image;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const v = Math.round(image.data[i]! * 255);
    data[i * 4] = v;
    data[i * 4 + 1] = v;
    data[i * 4 + 2] = v;
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** RGBA to a JPEG file's bytes (for looking at a fixture, or feeding it to a browser). */
export function encodeJpeg(pixels: RgbaPixels, quality = 92): Uint8Array {
  const { width, height, data } = pixels;
  return jpeg.encode({ width, height, data: Buffer.from(data.buffer, data.byteOffset) }, quality)
    .data;
}

/**
 * Resizes grey RGBA pixels (equal channels) as a canvas would for the decoder: an area average when shrinking (what
 * smoothing does to sensor noise), the nearest pixel when enlarging (smoothing is off then).
 */
export function resize(pixels: RgbaPixels, width: number, height: number): RgbaPixels {
  if (width === pixels.width && height === pixels.height) return pixels;
  const out = new Uint8ClampedArray(width * height * 4);
  const fx = pixels.width / width;
  const fy = pixels.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * fy);
    const y1 = Math.max(y0 + 1, Math.min(pixels.height, Math.floor((y + 1) * fy)));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * fx);
      const x1 = Math.max(x0 + 1, Math.min(pixels.width, Math.floor((x + 1) * fx)));
      let sum = 0;
      for (let sy = y0; sy < y1; sy++)
        for (let sx = x0; sx < x1; sx++) sum += pixels.data[(sy * pixels.width + sx) * 4]!;
      const v = sum / ((y1 - y0) * (x1 - x0));
      const o = (y * width + x) * 4;
      out[o] = out[o + 1] = out[o + 2] = v;
      out[o + 3] = 255;
    }
  }
  return { width, height, data: out };
}
