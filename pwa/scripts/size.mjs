// npm run size — total gzipped size of the JavaScript the shell ships
// (every .js in dist/assets plus dist/sw.js); fails above the budget.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET = 100 * 1000; // bytes, gzipped
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

let files;
try {
  const assets = (await readdir(join(DIST, 'assets'))).filter((f) => f.endsWith('.js')).map((f) => join('assets', f));
  files = [...assets, 'sw.js'];
} catch {
  console.error('size: dist/ not found, run `npm run build` first');
  process.exit(1);
}

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
  console.log(`  ${file.padEnd(40)} ${(data.length / 1000).toFixed(1).padStart(7)} kB  ${(gz / 1000).toFixed(1).padStart(6)} kB gzip`);
}
const verdict = total <= BUDGET ? 'ok' : 'OVER BUDGET';
console.log(`shell JS: ${(total / 1000).toFixed(1)} kB gzipped (budget ${BUDGET / 1000} kB): ${verdict}`);
if (total > BUDGET) process.exit(1);
