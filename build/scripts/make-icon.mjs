// Draws Patchbay's app icon (an original design: a 3×3 patch panel with two patch cables) and writes
// build/icon.png, 1024×1024 RGBA. electron-builder derives the Windows .ico, the macOS .icns and the
// Linux sizes from this one PNG, so no ICO/ICNS is kept in the repository.
//   node build/scripts/make-icon.mjs
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { URL } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 1024;

/** @typedef {[number, number, number]} Rgb */

/** @type {(hex: string) => Rgb} */
const rgb = (hex) => [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];

const colors = {
  top: rgb('#26345A'),
  bottom: rgb('#141C33'),
  jackRing: rgb('#DCE3F0'),
  jackHole: rgb('#0B1020'),
  amber: rgb('#FFB020'),
  teal: rgb('#2ECC9A'),
};

/** Coverage of a shape from its signed distance (negative inside), anti-aliased over one pixel. */
const coverage = (/** @type {number} */ d) => Math.max(0, Math.min(1, 0.5 - d));

const roundedSquare = (/** @type {number} */ x, /** @type {number} */ y) => {
  const half = SIZE / 2 - 56;
  const radius = 210;
  const qx = Math.abs(x - SIZE / 2) - (half - radius);
  const qy = Math.abs(y - SIZE / 2) - (half - radius);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
};

const circle = (/** @type {number} */ x, /** @type {number} */ y, /** @type {number} */ cx, /** @type {number} */ cy, /** @type {number} */ r) => Math.hypot(x - cx, y - cy) - r;

const grid = [312, 512, 712];
const jacks = grid.flatMap((cy) => grid.map((cx) => /** @type {[number, number]} */ ([cx, cy])));

/** A cable: a quadratic Bézier from one jack to another, sampled as a polyline. */
function cable(/** @type {[number, number]} */ from, /** @type {[number, number]} */ via, /** @type {[number, number]} */ to, /** @type {Rgb} */ color) {
  /** @type {Array<[number, number]>} */
  const points = [];
  for (let i = 0; i <= 160; i++) {
    const t = i / 160;
    const a = (1 - t) * (1 - t);
    const b = 2 * (1 - t) * t;
    const c = t * t;
    points.push([a * from[0] + b * via[0] + c * to[0], a * from[1] + b * via[1] + c * to[1]]);
  }
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const pad = 40;
  const box = [Math.min(...xs) - pad, Math.min(...ys) - pad, Math.max(...xs) + pad, Math.max(...ys) + pad];
  return { from, to, color, points, box, width: 26 };
}

const cables = [cable([312, 312], [520, 760], [712, 512], colors.amber), cable([312, 712], [470, 180], [712, 312], colors.teal)];

const segmentDistance = (/** @type {number} */ x, /** @type {number} */ y, /** @type {number[]} */ a, /** @type {number[]} */ b) => {
  const [ax = 0, ay = 0] = a;
  const [bx = 0, by = 0] = b;
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
};

const pixels = Buffer.alloc(SIZE * SIZE * 4);
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const px = x + 0.5;
    const py = y + 0.5;
    const alpha = coverage(roundedSquare(px, py));
    if (alpha === 0) continue;
    const t = py / SIZE;
    /** @type {number[]} */
    let color = colors.top.map((c, i) => c + ((colors.bottom[i] ?? 0) - c) * t);
    const paint = (/** @type {Rgb} */ over, /** @type {number} */ amount) => {
      if (amount > 0) color = color.map((c, i) => c + ((over[i] ?? 0) - c) * amount);
    };
    for (const [cx, cy] of jacks) {
      paint(colors.jackRing, coverage(circle(px, py, cx, cy, 62)));
      paint(colors.jackHole, coverage(circle(px, py, cx, cy, 34)));
    }
    for (const c of cables) {
      const [x0, y0, x1, y1] = c.box;
      if (px >= (x0 ?? 0) && px <= (x1 ?? 0) && py >= (y0 ?? 0) && py <= (y1 ?? 0)) {
        let d = Infinity;
        for (let i = 1; i < c.points.length; i++) d = Math.min(d, segmentDistance(px, py, c.points[i - 1] ?? [], c.points[i] ?? []));
        paint(colors.bottom, 0.45 * coverage(d - c.width / 2 - 6));
        paint(c.color, coverage(d - c.width / 2));
      }
      for (const [cx, cy] of [c.from, c.to]) paint(c.color, coverage(circle(px, py, cx, cy, 44)));
    }
    const o = (y * SIZE + x) * 4;
    pixels[o] = Math.round(color[0] ?? 0);
    pixels[o + 1] = Math.round(color[1] ?? 0);
    pixels[o + 2] = Math.round(color[2] ?? 0);
    pixels[o + 3] = Math.round(alpha * 255);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (/** @type {Buffer} */ bytes) => {
  let c = 0xffffffff;
  for (const byte of bytes) c = (crcTable[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (/** @type {string} */ type, /** @type {Buffer} */ data) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.writeUInt8(8, 8); // bit depth
header.writeUInt8(6, 9); // RGBA
const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) pixels.copy(rows, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);

const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
const out = new URL('../icon.png', import.meta.url);
writeFileSync(out, png);
console.log(`Wrote ${out.pathname} (${png.length} bytes)`);
