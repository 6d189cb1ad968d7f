// npm run size — the gzipped JavaScript a person waits for on slow campus Wi-Fi: what the first
// screen needs (the scripts index.html loads, the chunks they import, the screen's own chunk and
// its imports, the French catalogue), for the home page and the login screen; and everything the
// service worker precaches afterwards (every .js in dist/assets, plus dist/sw.js). Fails above
// either budget. The total is larger than one chunk would be, since chunks are compressed apart.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

// Raised from 50 kB for the home that follows the role: one home chunk draws every role's cards
// (a teacher's or a staff member's would otherwise cost a second round trip on the first screen);
// then from 52 kB for the student's registration card and the registration and card texts in the
// French catalogue (+1.2 kB); then from 53 kB for the passkeys' texts and problems in the French
// catalogue, which the home's first screen loads whole (+1.1 kB measured); then from 54.1 kB for
// passkeys as the second factor: their French texts and the password prompt's « Confirmer avec
// une clé d’accès » (in the app's chunk; its ceremonies are fetched when the prompt opens), +0.4 kB
// measured.
const FIRST_SCREEN_BUDGET = 54.5 * 1000; // bytes, gzipped
// Raised from 110 kB for « Annuaire », then from 112 kB for the role's home cards and their texts,
// then from 115 kB for registration (« Inscriptions et réinscriptions », its home card and texts:
// +2.1 kB), then from 117 kB for « Ma carte » and its QR encoder (uqr, +5 kB), then from 123 kB
// for « Mes cours » (its screen, texts and offline copy), the card photo and the secretariat's
// photo upload (+4.6 kB measured), then from 127.6 kB for passkeys (« Clés d’accès »: the
// WebAuthn JSON conversions and ceremonies 1.7 kB, Sécurité's list 1.1 kB, the login screen's
// button and autofill 0.5 kB, both catalogues 1.7 kB: +5.3 kB measured, 127.57 → 132.83 kB),
// then from 132.9 kB for passkeys as the second factor (the login's two-factor step, the recovery
// link, the password prompt, two-factor by passkeys alone in Sécurité and adding an app to it,
// their texts: +2.1 kB measured, 132.83 → 134.93 kB).
const TOTAL_BUDGET = 135 * 1000;
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

let files;
try {
  const assets = (await readdir(join(DIST, 'assets'))).filter((f) => f.endsWith('.js')).map((f) => join('assets', f));
  files = [...assets, 'sw.js'];
} catch {
  console.error('size: dist/ not found, run `npm run build` first');
  process.exit(1);
}

const kB = (bytes) => (bytes / 1000).toFixed(1);
const gzipped = new Map();
const sources = new Map();
let total = 0;
for (const file of files) {
  let data;
  try {
    data = await readFile(join(DIST, file));
  } catch {
    console.error(`size: ${file} is missing from dist/`);
    process.exit(1);
  }
  const gz = gzipSync(data, { level: 9 }).length;
  total += gz;
  gzipped.set(file, gz);
  sources.set(file, data.toString('utf8'));
  console.log(`  ${file.padEnd(40)} ${kB(data.length).padStart(7)} kB  ${kB(gz).padStart(6)} kB gzip`);
}

/** The chunks `file` needs before it runs: itself and its static imports (not `import()`), recursively. */
function closure(file, seen = new Set()) {
  if (seen.has(file) || !sources.has(file)) return seen;
  seen.add(file);
  for (const m of sources.get(file).matchAll(/\bimport\s*(?:[\w$*{}\s,]+from\s*)?["']\.\/([^"']+\.js)["']/g)) closure(`assets/${m[1]}`, seen);
  return seen;
}
const chunk = (name) => files.find((f) => f.startsWith(`assets/${name}-`));
const html = await readFile(join(DIST, 'index.html'), 'utf8');
const shell = new Set([...html.matchAll(/<script[^>]+src="\/(assets\/[^"]+\.js)"/g)].flatMap((m) => [...closure(m[1])]));
let over = false;
const report = (what, size, budget) => {
  over ||= size > budget;
  console.log(`${what}: ${kB(size)} kB gzipped (budget ${budget / 1000} kB): ${size <= budget ? 'ok' : 'OVER BUDGET'}`);
};
for (const screen of ['Home', 'Login']) {
  const needed = new Set([...shell, ...closure(chunk(screen)), chunk('fr')]);
  report(`first screen JS (${screen}, ${needed.size} files)`, [...needed].reduce((sum, f) => sum + (gzipped.get(f) ?? 0), 0), FIRST_SCREEN_BUDGET);
}
report('all JS', total, TOTAL_BUDGET);
if (over) process.exit(1);
