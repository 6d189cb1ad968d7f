// @vitest-environment node
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generateSchema, SCHEMA_PATH } from '../../scripts/api-schema.mjs';

describe('generated API types', () => {
  it('src/api/schema.d.ts matches openapi.json', async () => {
    const [fresh, committed] = await Promise.all([generateSchema(), readFile(SCHEMA_PATH, 'utf8')]);
    if (fresh !== committed) throw new Error('schema.d.ts is stale: run npm run gen:api');
    expect(fresh).toContain('"/config/public"');
  });
});
