/**
 * Draws the app icon and the three tray icons and writes them as PNG files into resources/icons
 * (committed; run again after changing a design: `npx tsx src-main/build/generateIcons.ts`).
 *
 * No image library: shapes are coverage functions sampled 4×4 per pixel (anti-aliased edges),
 * composited over transparency, and written as an RGBA PNG with zlib.
 *
 *   icon.png               1024×1024  leader bars and their mirrored follower bars
 *   tray-copying(.@2x).png 16/32      green, play mark: copying
 *   tray-paused(.@2x).png  16/32      grey, pause mark: paused
 *   tray-alert(.@2x).png   16/32      red, exclamation mark: something needs the trader
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';

type Rgba = readonly [number, number, number, number];
/** Is the point (in 0..1 icon units) inside the shape? */
type Shape = (x: number, y: number) => boolean;

interface Layer {
  readonly shape: Shape;
  readonly color: Rgba;
}

const hex = (h: string, a = 1): Rgba => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), a];

function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
}

function circle(cx: number, cy: number, r: number): Shape {
  return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** A convex polygon, points in order. */
function polygon(points: readonly (readonly [number, number])[]): Shape {
  return (x, y) => {
    let sign = 0;
    for (let i = 0; i < points.length; i++) {
      const [ax, ay] = points[i] ?? [0, 0];
      const [bx, by] = points[(i + 1) % points.length] ?? [0, 0];
      const cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
      if (cross !== 0) {
        if (sign === 0) sign = Math.sign(cross);
        else if (Math.sign(cross) !== sign) return false;
      }
    }
    return true;
  };
}

const SAMPLES = 4;

/** Renders layers (first at the bottom) into straight-alpha RGBA bytes. */
function render(size: number, layers: readonly Layer[]): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // Premultiplied accumulation over the samples, source-over per sample.
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) / size;
          const y = (py + (sy + 0.5) / SAMPLES) / size;
          let cr = 0;
          let cg = 0;
          let cb = 0;
          let ca = 0;
          for (const l of layers) {
            if (!l.shape(x, y)) continue;
            const [lr, lg, lb, la] = l.color;
            cr = lr * la + cr * (1 - la);
            cg = lg * la + cg * (1 - la);
            cb = lb * la + cb * (1 - la);
            ca = la + ca * (1 - la);
          }
          r += cr;
          g += cg;
          b += cb;
          a += ca;
        }
      }
      const n = SAMPLES * SAMPLES;
      const i = (py * size + px) * 4;
      const alpha = a / n;
      out[i] = alpha > 0 ? Math.round(r / n / alpha) : 0;
      out[i + 1] = alpha > 0 ? Math.round(g / n / alpha) : 0;
      out[i + 2] = alpha > 0 ? Math.round(b / n / alpha) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const body = Buffer.concat([head.subarray(4), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([head.subarray(0, 4), body, crc]);
}

export function encodePng(size: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  // compression, filter, interlace: 0
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    raw.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array())]);
}

// ---- designs ------------------------------------------------------------------------------------

/** Leader bars rising on the left, mirrored (the followers) in a lighter tone on the right. */
function appIcon(): Layer[] {
  const bars: Layer[] = [];
  const heights = [0.22, 0.34, 0.46];
  const width = 0.085;
  const gap = 0.035;
  const base = 0.74;
  heights.forEach((h, i) => {
    const xl = 0.455 - (i + 1) * width - i * gap;
    bars.push({ shape: roundedRect(xl, base - h, xl + width, base, 0.02), color: hex('#34d399') });
    const xr = 0.545 + i * (width + gap);
    bars.push({ shape: roundedRect(xr, base - h, xr + width, base, 0.02), color: hex('#a7f3d0', 0.85) });
  });
  return [
    { shape: roundedRect(0.06, 0.06, 0.94, 0.94, 0.19), color: hex('#0f172a') },
    { shape: roundedRect(0.494, 0.2, 0.506, 0.8, 0.006), color: hex('#64748b') },
    ...bars,
  ];
}

function trayIcon(state: 'copying' | 'paused' | 'alert'): Layer[] {
  const background = { copying: '#16a34a', paused: '#6b7280', alert: '#dc2626' }[state];
  const white = hex('#ffffff');
  const badge: Layer = { shape: roundedRect(0.03, 0.03, 0.97, 0.97, 0.24), color: hex(background) };
  switch (state) {
    case 'copying':
      return [badge, { shape: polygon([[0.36, 0.24], [0.78, 0.5], [0.36, 0.76]]), color: white }];
    case 'paused':
      return [badge, { shape: roundedRect(0.28, 0.24, 0.43, 0.76, 0.03), color: white }, { shape: roundedRect(0.57, 0.24, 0.72, 0.76, 0.03), color: white }];
    case 'alert':
      return [badge, { shape: roundedRect(0.42, 0.17, 0.58, 0.6, 0.06), color: white }, { shape: circle(0.5, 0.77, 0.085), color: white }];
  }
}

export function generateIcons(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, number, Layer[]][] = [['icon.png', 1024, appIcon()]];
  for (const state of ['copying', 'paused', 'alert'] as const) {
    files.push([`tray-${state}.png`, 16, trayIcon(state)], [`tray-${state}@2x.png`, 32, trayIcon(state)]);
  }
  return files.map(([name, size, layers]) => {
    const path = join(dir, name);
    writeFileSync(path, encodePng(size, render(size, layers)));
    return path;
  });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  for (const f of generateIcons(resolve(import.meta.dirname, '../../resources/icons'))) process.stdout.write(`${f}\n`);
}
