import createClient, { type Middleware } from 'openapi-fetch';
import { getLang } from '../i18n';
import { events } from '../store';
import { NETWORK_FAILURE, PROBLEM_PREFIX, toFailure, type Failure } from './problems';
import type { components, paths } from './schema';

// Types come from schema.d.ts, generated from openapi.json by `npm run gen:api`.
export type PublicConfig = components['schemas']['PublicConfig'];
export type Campus = components['schemas']['Campus'];
export type SecretariatContact = components['schemas']['SecretariatContact'];
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

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface SessionHooks {
  /** The signed-in person's CSRF token (from GET /api/session), or null when signed out. */
  csrfToken: () => string | null;
  /** The interface language: the server translates problem titles and details into it. */
  lang: () => string;
  /** Called when any call answers 401 not-signed-in (the session ended, e.g. revoked elsewhere). */
  onNotSignedIn: () => void;
}

/**
 * Adds `X-CSRF-Token` to every state-changing request and `Accept-Language` to all of them;
 * reports a 401 not-signed-in from any call.
 */
export function sessionMiddleware(hooks: SessionHooks): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set('Accept-Language', hooks.lang());
      const token = hooks.csrfToken();
      if (token && !SAFE_METHODS.has(request.method.toUpperCase())) request.headers.set('X-CSRF-Token', token);
      return request;
    },
    async onResponse({ response }) {
      if (response.status !== 401) return undefined;
      try {
        const body = (await response.clone().json()) as { type?: unknown };
        if (body.type === `${PROBLEM_PREFIX}not-signed-in`) hooks.onNotSignedIn();
      } catch {
        // not a problem document: nothing to report
      }
      return undefined;
    },
  };
}

let csrfToken: string | null = null;
const notSignedIn = events();

/** Set by the auth store whenever the session changes. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export const onNotSignedIn = notSignedIn.on;

api.use(
  sessionMiddleware({
    csrfToken: () => csrfToken,
    lang: getLang,
    onNotSignedIn: notSignedIn.emit,
  }),
);

// ---- Calls answer an Outcome -----------------------------------------------------------------
// Every API module (accounts.ts, news.ts…) wraps its calls so that screens never deal with exceptions.

export type Outcome<T> = { ok: true; data: T } | { ok: false; failure: Failure };

interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** Run a call: data on success (undefined for 204), a Failure otherwise, never a throw. */
export async function run<T>(call: () => Promise<Answer>): Promise<Outcome<T>> {
  let answer: Answer;
  try {
    answer = await call();
  } catch {
    return { ok: false, failure: NETWORK_FAILURE };
  }
  if (answer.response.ok) return { ok: true, data: answer.data as T };
  return { ok: false, failure: toFailure(answer.error, answer.response) };
}

/** The success type of a typed openapi-fetch call (void for 204). */
type Success<A> = Extract<A, { error?: never }> extends { data?: infer D } ? NonNullable<D> : never;
type DataOf<A> = [Success<A>] extends [never] ? void : Success<A>;

/** Run a call typed by the generated document. */
export const typed = <A extends Answer>(call: () => Promise<A>) => run<DataOf<A>>(call);

/**
 * The options of a call whose body is `blob` itself, sent as it is with its own Content-Type
 * (openapi-fetch writes bodies as JSON otherwise), e.g. an image: `api.PUT(path, { ...rawBody(file) })`.
 */
export const rawBody = (blob: Blob) => ({
  // The document types an image body as a string (its bytes); a Blob is what fetch sends as bytes.
  body: blob as unknown as string,
  bodySerializer: (body: unknown) => body as Blob,
  headers: { 'Content-Type': blob.type },
});
