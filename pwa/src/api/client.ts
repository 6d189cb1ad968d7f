import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

// Types come from schema.d.ts, generated from openapi.json by `npm run gen:api`.
export type PublicConfig = components['schemas']['PublicConfig'];
export type Campus = components['schemas']['Campus'];
export type Problem = components['schemas']['Problem'];
export type ClientError = components['schemas']['ClientError'];

/**
 * Same-origin client: every call goes through these generated types. The OpenAPI document
 * declares `servers: [{ url: "/api" }]`, so its paths (e.g. `/config/public`) are relative to /api.
 */
export const API_BASE = '/api';
export const api = createClient<paths>({
  baseUrl: (typeof location === 'undefined' ? 'http://localhost' : location.origin) + API_BASE,
  credentials: 'same-origin',
  // Late-bound so that tests (and polyfills) can replace the global fetch.
  fetch: (request: Request) => globalThis.fetch(request),
});
