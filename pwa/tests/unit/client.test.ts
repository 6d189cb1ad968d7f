import { afterEach, describe, expect, it, vi } from 'vitest';
import { accounts } from '../../src/api/accounts';
import { api, sessionMiddleware, setCsrfToken } from '../../src/api/client';
import { setLang } from '../../src/i18n';
import { mockApi, PROBLEM } from './api-mock';

type Hook = NonNullable<ReturnType<typeof sessionMiddleware>['onRequest']>;
type ResponseHook = NonNullable<ReturnType<typeof sessionMiddleware>['onResponse']>;

function hooks(token: string | null = 'tok') {
  const onNotSignedIn = vi.fn();
  const middleware = sessionMiddleware({ csrfToken: () => token, lang: () => 'en', onNotSignedIn });
  const onRequest = middleware.onRequest as Hook;
  const onResponse = middleware.onResponse as ResponseHook;
  const params = (request: Request) => ({ request, schemaPath: '/x', params: {}, id: '1', options: {} as never });
  return {
    onNotSignedIn,
    request: async (method: string) => (await onRequest(params(new Request('http://localhost/api/x', { method })))) as Request,
    response: (response: Response) => onResponse({ ...params(new Request('http://localhost/api/x')), response }),
  };
}

describe('CSRF middleware', () => {
  afterEach(() => {
    setCsrfToken(null);
    vi.unstubAllGlobals();
  });

  it('adds X-CSRF-Token to every state-changing request, never to GET', async () => {
    const h = hooks();
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      expect((await h.request(method)).headers.get('X-CSRF-Token'), method).toBe('tok');
    }
    for (const method of ['GET', 'HEAD']) {
      expect((await h.request(method)).headers.get('X-CSRF-Token'), method).toBeNull();
    }
  });

  it('sends no token when signed out, and the language always', async () => {
    const h = hooks(null);
    const request = await h.request('POST');
    expect(request.headers.get('X-CSRF-Token')).toBeNull();
    expect(request.headers.get('Accept-Language')).toBe('en');
  });

  it('reports 401 not-signed-in, and only that', async () => {
    const h = hooks();
    const problem = (slug: string, status: number) =>
      new Response(JSON.stringify({ type: `urn:ent-mobile:problem:${slug}`, status }), { status });
    await h.response(problem('login-failed', 401));
    await h.response(problem('password-incorrect', 401));
    await h.response(new Response('nope', { status: 401 }));
    await h.response(problem('not-found', 404));
    expect(h.onNotSignedIn).not.toHaveBeenCalled();
    await h.response(problem('not-signed-in', 401));
    expect(h.onNotSignedIn).toHaveBeenCalledOnce();
  });

  it('is installed on the shared client with the session token', async () => {
    const { requests } = mockApi({ 'POST /api/session/reauthentication': { status: 204 }, 'GET /api/session': PROBLEM('not-signed-in', 401) });
    setLang('fr');
    setCsrfToken('from-session');
    expect((await accounts.reauthenticate('pw')).ok).toBe(true);
    await accounts.session();
    expect(requests[0]?.headers.get('X-CSRF-Token')).toBe('from-session');
    expect(requests[0]?.headers.get('Accept-Language')).toBe('fr');
    expect(requests[1]?.headers.get('X-CSRF-Token')).toBeNull();
    expect(api).toBeDefined();
  });

  it('turns network errors and problems into failures', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))));
    expect(await accounts.session()).toEqual({ ok: false, failure: { slug: 'network', status: 0 } });
    mockApi({ 'POST /api/activation': { ...PROBLEM('too-many-requests', 429), headers: { 'Retry-After': '12' } } });
    const outcome = await accounts.startActivation('25000001', '2006-06-05');
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.failure).toMatchObject({ slug: 'too-many-requests', status: 429, retryAfter: 12 });
  });
});
