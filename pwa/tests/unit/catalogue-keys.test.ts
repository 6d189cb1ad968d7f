// @vitest-environment node
// Every key of the catalogues is used by the code (a key that is missing fails the type check:
// t() takes a MessageKey). A key is used when it is written out in src/ ('home.hello'), or when
// it belongs to a family the code builds from a value the server sends (`activity.kind.${kind}`).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fr } from '../../src/i18n/fr';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    const catalogue = /\/i18n\/(fr|en)\.ts$/.test(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') && !catalogue ? [readFileSync(path, 'utf8')] : [];
  });
}

describe('catalogue keys', () => {
  it('are all used by the code', () => {
    const code = sources(SRC).join('\n');
    const written = new Set([...code.matchAll(/'([a-z][A-Za-z]*(?:\.[A-Za-z0-9_]+)+)'/g)].map((m) => m[1]));
    const families = [...code.matchAll(/`([a-z][A-Za-z]*(?:\.[A-Za-z]+)*\.)\$\{/g)].map((m) => m[1]!);
    const unused = Object.keys(fr).filter((key) => !written.has(key) && !families.some((prefix) => key.startsWith(prefix)));
    expect(unused).toEqual([]);
  });
});
