#!/usr/bin/env node
// Draws images/icon.png (128x128): a navy-rimmed teal shield with a navy check mark.
// No dependencies: the PNG is encoded by hand with zlib. Run: node scripts/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4; // supersampling per axis, for smooth edges
const NAVY = [20, 50, 92];
const TEAL = [38, 166, 154];

/** Half-width of the shield at height y (0 = top, 1 = bottom), in units of the icon width. */
function shieldHalfWidth(y, inset) {
  const top = 0.06 + inset;
  const bottom = 0.96 - inset * 1.6;
  if (y < top || y > bottom) return -1;
  const full = 0.42 - inset;
  // Straight sides down to 48%, then a curve that narrows to the point.
  const shoulder = 0.48;
  if (y <= shoulder) return full;
  const t = (y - shoulder) / (bottom - shoulder);
  return full * (1 - t ** 1.7) ** 0.85;
}

/** Top edge dips slightly in the middle, like a heraldic shield. */
function topEdge(x, inset) {
  return 0.06 + inset + 0.05 * (1 - (x / 0.42) ** 2);
}

function inShield(x, y, inset) {
  const w = shieldHalfWidth(y, inset);
  return w >= 0 && Math.abs(x) <= w && y >= topEdge(x, inset);
}

/** Distance from point p to segment ab. */
function segmentDistance(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function inCheck(x, y) {
  const stroke = 0.045;
  return (
    segmentDistance(x, y, -0.17, 0.47, -0.05, 0.6) <= stroke ||
    segmentDistance(x, y, -0.05, 0.6, 0.19, 0.33) <= stroke
  );
}

/** Colour and coverage of one sample point; x is centred (-0.5..0.5), y from the top (0..1). */
function sample(x, y) {
  if (!inShield(x, y, 0)) return undefined;
  if (!inShield(x, y, 0.06)) return NAVY; // rim
  return inCheck(x, y) ? NAVY : TEAL;
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py++) {
  const row = py * (SIZE * 4 + 1);
  raw[row] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    let r = 0, g = 0, b = 0, hits = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const x = (px + (sx + 0.5) / SAMPLES) / SIZE - 0.5;
        const y = (py + (sy + 0.5) / SAMPLES) / SIZE;
        const c = sample(x, y);
        if (!c) continue;
        r += c[0]; g += c[1]; b += c[2]; hits++;
      }
    }
    const o = row + 1 + px * 4;
    if (hits) {
      raw[o] = Math.round(r / hits);
      raw[o + 1] = Math.round(g / hits);
      raw[o + 2] = Math.round(b / hits);
      raw[o + 3] = Math.round((255 * hits) / (SAMPLES * SAMPLES));
    }
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = new URL('../images/icon.png', import.meta.url);
writeFileSync(out, png);
console.log(`wrote images/icon.png (${png.length} bytes)`);
