// npm run gen:api — regenerate src/api/schema.d.ts from openapi.json (never edit it by hand).
import { writeFile } from 'node:fs/promises';
import { generateSchema, SCHEMA_PATH } from './api-schema.mjs';

await writeFile(SCHEMA_PATH, await generateSchema());
console.log(`wrote ${SCHEMA_PATH}`);
