import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import {
  TRAY_ICON_SCALES,
  trayIconFile,
  type TrayIconLook,
} from '../../main/node/desktop/tray-icons.js';

// The tray's icons, one set per platform (main/node/desktop/tray-icons.ts picks among them):
// - macOS template images: 16 px and @2x 32 px, black plus alpha only, since macOS draws a
//   template's shape from its alpha alone and tints it for the menu bar;
// - Windows and Linux, which tint nothing: a white glyph for dark taskbars and panels and a black
//   one for light ones, at 16 px and the 125 %, 150 % and 200 % scale factors.

const assets = fileURLToPath(new URL('../../main/electron/assets/', import.meta.url));
const STATES = ['fresh', 'refreshing', 'attention'] as const;

/** Decodes the PNGs build/icon-src/generate.sh writes: 8-bit RGBA, not interlaced. */
function decodeRgba(file: string): { width: number; height: number; pixels: Uint8Array } {
  const png = readFileSync(file);
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  assert.deepEqual([png[24], png[25], png[28]], [8, 6, 0], `${file}: not 8-bit RGBA`);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT')
      idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const left = x >= 4 ? (pixels[y * stride + x - 4] ?? 0) : 0;
      const up = y > 0 ? (pixels[(y - 1) * stride + x] ?? 0) : 0;
      const upLeft = x >= 4 && y > 0 ? (pixels[(y - 1) * stride + x - 4] ?? 0) : 0;
      const p = left + up - upLeft;
      const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
      const paeth = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      const predictor = [0, left, up, (left + up) >> 1, paeth][filter ?? 0] ?? 0;
      pixels[y * stride + x] = ((raw[y * (stride + 1) + 1 + x] ?? 0) + predictor) & 0xff;
    }
  }
  return { width, height, pixels };
}

const GLYPH: Record<TrayIconLook, [number, number, number]> = {
  template: [0, 0, 0],
  'on-light': [0, 0, 0],
  'on-dark': [255, 255, 255],
};

for (const look of ['template', 'on-dark', 'on-light'] as const) {
  for (const state of STATES) {
    const [r, g, b] = GLYPH[look];
    test(`tray icon "${state}", ${look}: every scale, glyph rgb(${r}, ${g}, ${b}) and alpha only`, () => {
      for (const { suffix, px } of TRAY_ICON_SCALES[look]) {
        const file = `${assets}${trayIconFile(state, look).replace('.png', `${suffix}.png`)}`;
        assert.ok(existsSync(file), file);
        const { width, height, pixels } = decodeRgba(file);
        assert.deepEqual([width, height], [px, px], file);
        let opaque = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (pixels[i + 3] === 0) continue;
          assert.deepEqual([...pixels.subarray(i, i + 3)], GLYPH[look], `${file}: a stray colour`);
          if (pixels[i + 3] === 255) opaque++;
        }
        assert.ok(opaque > px * 2, `${file}: almost empty`);
      }
    });
  }

  test(`${look}: the three states look different`, () => {
    const looks = STATES.map((s) =>
      Buffer.from(
        decodeRgba(`${assets}${trayIconFile(s, look).replace('.png', '@2x.png')}`).pixels,
      ).toString('base64'),
    );
    assert.equal(new Set(looks).size, STATES.length);
  });
}
