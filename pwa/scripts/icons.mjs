// npm run icons — write the SVG icons and render the PNG icons from them in Chromium
// (playwright-core + Debian's /usr/bin/chromium). The PNGs are committed; run this only
// when the artwork changes. Generic ENT artwork (a mortarboard), not any real logo.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const OUT = fileURLToPath(new URL('../public/icons/', import.meta.url));
const BRAND = '#00558c';
const INK = '#ffffff';

// The glyph, drawn on a 512×512 canvas, centred.
const glyph = (fill) => `
  <g fill="${fill}" transform="translate(0 20)">
    <path d="M256 120 448 204 256 288 64 204Z"/>
    <path d="M148 252v70c0 40 216 40 216 0v-70l-108 47z"/>
    <path d="M428 214h14v92h-14z"/>
    <circle cx="435" cy="318" r="16"/>
  </g>`;

const scaled = (scale, inner) =>
  `<g transform="translate(${256 - 256 * scale} ${256 - 256 * scale}) scale(${scale})">${inner}</g>`;

const svg = (body) => `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">${body}</svg>`;

const ICONS = {
  // "any" icons: rounded tile, transparent corners.
  rounded: svg(`<rect width="512" height="512" rx="112" fill="${BRAND}"/>${scaled(0.82, glyph(INK))}`),
  // Maskable and Apple: full-bleed tile; glyph inside the 80 % safe zone.
  fullBleed: svg(`<rect width="512" height="512" fill="${BRAND}"/>${scaled(0.62, glyph(INK))}`),
  // Notification badge: one colour on transparent (Android uses the alpha channel only).
  badge: svg(scaled(0.96, glyph('#ffffff'))),
};

const PNGS = [
  { file: 'icon-192.png', size: 192, svg: ICONS.rounded },
  { file: 'icon-512.png', size: 512, svg: ICONS.rounded },
  { file: 'icon-maskable-512.png', size: 512, svg: ICONS.fullBleed },
  { file: 'apple-touch-icon.png', size: 180, svg: ICONS.fullBleed },
  { file: 'badge-72.png', size: 72, svg: ICONS.badge },
];

await writeFile(join(OUT, 'favicon.svg'), ICONS.rounded + '\n');
await writeFile(join(OUT, 'logo.svg'), ICONS.rounded + '\n');

const profile = await mkdtemp(join(tmpdir(), 'ent-icons-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: null,
});
try {
  for (const { file, size, svg: source } of PNGS) {
    const page = await browser.newPage();
    await page.setViewportSize({ width: size, height: size });
    const src = `data:image/svg+xml;base64,${Buffer.from(source).toString('base64')}`;
    await page.setContent(
      `<html><body style="margin:0;background:transparent"><img src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    await page.screenshot({ path: join(OUT, file), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    await page.close();
    console.log(`wrote public/icons/${file} (${size}×${size})`);
  }
} finally {
  await browser.close();
  await rm(profile, { recursive: true, force: true });
}
