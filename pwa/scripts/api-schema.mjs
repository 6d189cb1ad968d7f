// Shared by `npm run gen:api` (scripts/gen-api.mjs) and the staleness test
// (tests/unit/schema.test.ts): both produce src/api/schema.d.ts the same way.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { COMMENT_HEADER, astToString } from 'openapi-typescript';

export const OPENAPI_PATH = fileURLToPath(new URL('../openapi.json', import.meta.url));
export const SCHEMA_PATH = fileURLToPath(new URL('../src/api/schema.d.ts', import.meta.url));

/** Generate the TypeScript text of schema.d.ts from openapi.json. */
export async function generateSchema() {
  const document = JSON.parse(await readFile(OPENAPI_PATH, 'utf8'));
  const ast = await openapiTS(document, { alphabetize: false, exportType: false });
  return COMMENT_HEADER + astToString(ast);
}
