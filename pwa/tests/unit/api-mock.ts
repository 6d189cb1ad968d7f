import { vi } from 'vitest';

/**
 * One answer of the mocked server: a status and a JSON body (problem+json when status ≥ 400), or
 * `raw` bytes sent as they are with their own type (an image).
 */
export interface Reply {
  status?: number;
  body?: unknown;
  raw?: Blob;
  headers?: Record<string, string>;
}

export type Handler = (request: Request, body: unknown) => Reply | Promise<Reply>;

export const PROBLEM = (slug: string, status: number, extra: Record<string, unknown> = {}): Reply => ({
  status,
  body: { type: `urn:ent-mobile:problem:${slug}`, title: slug, status, ...extra },
});

/**
 * Replace the global fetch with a router over "METHOD /api/path" keys; records every request (a
 * JSON body parsed, any other body as a Blob). Unknown routes answer 404 not-found.
 */
export function mockApi(routes: Record<string, Handler | Reply>) {
  const requests: { method: string; path: string; headers: Headers; body: unknown }[] = [];
  const fetch = vi.fn(async (input: Request) => {
    const url = new URL(input.url);
    const text = input.method === 'GET' || input.method === 'HEAD' ? '' : await input.clone().text();
    const json = (input.headers.get('Content-Type') ?? 'application/json').includes('json');
    const body: unknown = !text ? undefined : json ? JSON.parse(text) : await input.clone().blob();
    requests.push({ method: input.method, path: url.pathname + url.search, headers: input.headers, body });
    const route = routes[`${input.method} ${url.pathname}`];
    const reply: Reply = route === undefined ? PROBLEM('not-found', 404) : typeof route === 'function' ? await route(input, body) : route;
    const status = reply.status ?? 200;
    if (reply.raw) return new Response(reply.raw, { status, headers: { 'Content-Type': reply.raw.type, ...reply.headers } });
    const contentType = status >= 400 ? 'application/problem+json' : 'application/json';
    return new Response(status === 204 || reply.body === undefined ? null : JSON.stringify(reply.body), {
      status,
      headers: { 'Content-Type': contentType, ...reply.headers },
    });
  });
  vi.stubGlobal('fetch', fetch);
  return { fetch, requests };
}

export const CONFIG = {
  university: { name: 'Université de Tours', short_name: 'ENT Tours', website: 'https://www.univ-tours.fr' },
  branding: { primary_color: '#123456', background_color: '#ffffff', logo_url: '/icons/logo.svg' },
  languages: ['fr', 'en'],
  default_language: 'fr',
  time_zone: 'Europe/Paris',
  campuses: [{ code: 'grandmont', name: 'Campus Grandmont', city: 'Tours' }],
  secretariat: [{ name: 'Scolarité centrale', email: 'scolarite@univ-tours.fr', phone: '+33247366600', hours: 'Lun.–ven. 9h–17h' }],
  message_max_chars: 4000,
};

export const ME = {
  person_id: 'p-1',
  identifier: 'c.lefevre',
  given_name: 'Chloé',
  family_name: 'Lefèvre',
  role: 'student',
  institutional_email: 'chloe.lefevre@etu.univ-tours.fr',
  permissions: [] as string[],
  two_factor_enabled: false,
  second_factors: [] as string[],
  phone_verification_required: false,
  csrf_token: 'csrf-123',
  // The student's home of config/default.toml, as /api/session gives it.
  home: {
    cards: ['registration', 'next_class', 'timetable_changes', 'unread', 'news', 'favourite_services', 'student_card'],
    tabs: ['home', 'timetable', 'messages', 'help', 'more'],
  },
};

export const POLICY = {
  min_length: 12,
  max_length: 128,
  require_upper_case: true,
  require_letters_and_digits: true,
  require_special: true,
  min_strength: 3,
};
