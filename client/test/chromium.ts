// What the browser tests share: launching Debian's Chromium as this machine allows, and reading
// QR codes the way a phone's camera would, from pixels (a screenshot, a rendered PDF page).

import jsQR from 'jsqr';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { PNG } from 'pngjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveBrowser = existsSync(CHROMIUM);

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...extraArgs,
    ],
  });
}

/** The text of the QR code in a PNG (or in the part of it given), or null if none is found. */
export function decodeQr(png: Buffer, crop?: { x: number; y: number; width: number; height: number }): string | null {
  const image = PNG.sync.read(png);
  const area = crop ?? { x: 0, y: 0, width: image.width, height: image.height };
  const x0 = Math.max(0, Math.round(area.x));
  const y0 = Math.max(0, Math.round(area.y));
  const width = Math.min(image.width - x0, Math.round(area.width));
  const height = Math.min(image.height - y0, Math.round(area.height));
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let row = 0; row < height; row++) {
    const from = ((y0 + row) * image.width + x0) * 4;
    pixels.set(image.data.subarray(from, from + width * 4), row * width * 4);
  }
  return jsQR(pixels, width, height)?.data ?? null;
}
