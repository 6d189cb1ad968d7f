import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app';
import { loadSession, resetAuth, signOut } from '../../src/auth';
import { setLang } from '../../src/i18n';
import { LATER_KEY, setPushBrowser, type Permission, type PushBrowser, type SubscriptionLike } from '../../src/push/device';
import { navigate, startRouter } from '../../src/router';
import { CONFIG, ME, mockApi, PROBLEM, type Handler, type Reply } from './api-mock';

// The server's key, as GET /api/push/vapid-public-key gives it (65 bytes, uncompressed point).
const KEY_BYTES = Uint8Array.from({ length: 65 }, (_, i) => (i === 0 ? 4 : i));
const KEY = Buffer.from(KEY_BYTES).toString('base64url');
const ENDPOINT = 'https://fcm.googleapis.com/fcm/send/device-1';
const KEYS = { p256dh: 'BP256dh-key', auth: 'auth-secret' };

/** A browser whose push APIs answer as told, recording what the app asked. */
function fakeBrowser({
  permission = 'default',
  answer = 'granted',
  existing = null,
  env = {},
}: { permission?: Permission; answer?: Permission; existing?: SubscriptionLike | null; env?: Record<string, boolean> } = {}) {
  let current = existing;
  const calls = { requestPermission: 0, subscribe: [] as Uint8Array[], unsubscribe: 0 };
  const make = (endpoint: string, key: Uint8Array | null): SubscriptionLike => ({
    endpoint,
    options: { applicationServerKey: key ? key.slice().buffer : null },
    toJSON: () => ({ endpoint, expirationTime: null, keys: KEYS }),
    unsubscribe: () => {
      calls.unsubscribe++;
      current = null;
      return Promise.resolve(true);
    },
  });
  const browser: PushBrowser = {
    environment: () => ({ serviceWorker: true, pushManager: true, notification: true, ios: false, standalone: false, ...env }),
    permission: () => permission,
    requestPermission: () => {
      calls.requestPermission++;
      permission = answer;
      return Promise.resolve(permission);
    },
    getSubscription: () => Promise.resolve(current),
    subscribe: (key) => {
      calls.subscribe.push(key);
      current = make(ENDPOINT, key);
      return Promise.resolve(current);
    },
  };
  return { browser, calls, make, current: () => current };
}

const PREFS = {
  categories: [
    { category: 'security', enabled: true, can_disable: false },
    { category: 'timetable', enabled: true, can_disable: true },
    { category: 'messages', enabled: true, can_disable: true },
    { category: 'help_requests', enabled: true, can_disable: true },
    { category: 'news', enabled: true, can_disable: true },
  ],
  quiet_hours: null,
};

let root: HTMLElement;
let stop: () => void;
const $ = <T extends Element = HTMLElement>(selector: string) => root.querySelector<T>(selector);
const text = () => root.textContent ?? '';
const flush = async () => {
  for (let i = 0; i < 8; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};
async function click(selector: string) {
  const element = $<HTMLElement>(selector);
  expect(element, selector).not.toBeNull();
  await act(() => element!.click());
  await flush();
}
async function commit(selector: string, value: string) {
  const input = $<HTMLInputElement>(selector)!;
  await act(() => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await flush();
}

/** The server's side: this session's subscription as the mocked routes change it. */
function server(initial = { subscribed: false, security_muted: false }) {
  const device = { ...initial };
  let prefs: Record<string, unknown> = structuredClone(PREFS);
  const routes: Record<string, Handler | Reply> = {
    'GET /api/push/vapid-public-key': { body: { key: KEY } },
    'GET /api/me/push-subscription': () => ({ body: { ...device } }),
    'PUT /api/me/push-subscription': () => {
      device.subscribed = true;
      return { status: 204 };
    },
    'DELETE /api/me/push-subscription': () => {
      device.subscribed = false;
      device.security_muted = false;
      return { status: 204 };
    },
    'PUT /api/me/push-subscription/security-mute': (_r, body) => {
      if (!device.subscribed) return PROBLEM('not-found', 404);
      device.security_muted = (body as { muted: boolean }).muted;
      return { status: 204 };
    },
    'GET /api/me/push-preferences': () => ({ body: prefs }),
    'PUT /api/me/push-preferences': (_r, body) => {
      const update = body as { disabled: string[]; quiet_hours?: unknown };
      prefs = {
        categories: PREFS.categories.map((c) => ({ ...c, enabled: !update.disabled.includes(c.category) })),
        quiet_hours: update.quiet_hours ?? null,
      };
      return { status: 204 };
    },
    'POST /api/me/push-test': () => (device.subscribed ? { status: 202 } : PROBLEM('not-found', 404)),
    'DELETE /api/session': { status: 204 },
  };
  return { device, routes };
}

async function start(path: string, routes: Record<string, Handler | Reply>, browser: PushBrowser) {
  setPushBrowser(browser);
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': { body: ME },
    ...routes,
  });
  navigate(path, { replace: true });
  resetAuth();
  await act(() => render(<App />, root));
  await act(() => loadSession().then(() => undefined));
  await flush();
  return mock;
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  setLang('fr');
  root = document.createElement('div');
  document.body.append(root);
  stop = startRouter();
});
afterEach(() => {
  render(null, root);
  root.remove();
  stop();
  setPushBrowser();
  vi.unstubAllGlobals();
});

const record = () => JSON.parse(localStorage.getItem('ent.push') ?? 'null') as { owner: string; endpoint: string; lang: string } | null;

describe('the home card', () => {
  it('explains notifications after signing in; the browser asks only after the tap', async () => {
    const fake = fakeBrowser();
    const { routes } = server();
    const { requests } = await start('/', routes, fake.browser);
    const card = $('[data-testid="push-card"]');
    expect(card?.textContent).toContain('Recevoir les notifications');
    expect(card?.textContent).toContain('alerte de sécurité');
    expect(fake.calls.requestPermission).toBe(0); // never without a tap

    await click('[data-testid="push-enable"]');
    expect(fake.calls.requestPermission).toBe(1);
    expect(fake.calls.subscribe[0]).toEqual(KEY_BYTES);
    const put = requests.find((r) => r.method === 'PUT' && r.path === '/api/me/push-subscription');
    expect(put?.body).toEqual({ endpoint: ENDPOINT, keys: KEYS });
    expect(put?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(put?.headers.get('Accept-Language')).toBe('fr');
    expect($('[data-testid="push-card-done"]')?.textContent).toContain('Les notifications sont activées sur cet appareil.');
    expect($('[data-testid="push-card-done"] a')?.getAttribute('href')).toBe('/more/notifications');
    expect(record()).toEqual({ owner: ME.person_id, endpoint: ENDPOINT, lang: 'fr' });
  });

  it('« Plus tard » hides it for a few days', async () => {
    const { routes } = server();
    await start('/', routes, fakeBrowser().browser);
    await click('[data-testid="push-later"]');
    expect($('[data-testid="push-card"]')).toBeNull();
    const until = Number(localStorage.getItem(LATER_KEY));
    expect(until - Date.now()).toBeGreaterThan(6 * 86_400_000);
    expect(until - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);

    // Still hidden at the next start, and back once the days have passed.
    render(null, root);
    await start('/', routes, fakeBrowser().browser);
    expect($('[data-testid="push-card"]')).toBeNull();
    localStorage.setItem(LATER_KEY, String(Date.now() - 1));
    render(null, root);
    await start('/', routes, fakeBrowser().browser);
    expect($('[data-testid="push-card"]')).not.toBeNull();
  });

  it('explains how to allow notifications again when the browser refuses them', async () => {
    const fake = fakeBrowser({ answer: 'denied' });
    const { routes } = server();
    const { requests } = await start('/', routes, fake.browser);
    await click('[data-testid="push-enable"]');
    expect($('[data-testid="push-denied"]')?.textContent).toContain('bloquées');
    expect($('[data-testid="push-enable"]')).toBeNull();
    expect(fake.calls.subscribe).toHaveLength(0);
    expect(requests.some((r) => r.method === 'PUT')).toBe(false);
  });

  it('is not shown when this device already receives notifications, or when they were refused before', async () => {
    const on = server({ subscribed: true, security_muted: false });
    const mine = fakeBrowser({ permission: 'granted' });
    localStorage.setItem('ent.push', JSON.stringify({ owner: ME.person_id, endpoint: ENDPOINT, lang: 'fr' }));
    await start('/', on.routes, { ...mine.browser, getSubscription: () => Promise.resolve(mine.make(ENDPOINT, KEY_BYTES)) });
    expect($('[data-testid="push-card"]')).toBeNull();
    render(null, root);
    await start('/', server().routes, fakeBrowser({ permission: 'denied' }).browser);
    expect($('[data-testid="push-card"]')).toBeNull();
  });

  it('on iPhone outside the installed app: add it to the home screen first', async () => {
    const { routes } = server();
    const { requests } = await start('/', routes, fakeBrowser({ env: { ios: true, pushManager: false } }).browser);
    expect($('[data-testid="push-card"] [data-testid="push-ios-install"]')?.textContent).toContain('écran d’accueil');
    expect($('[data-testid="push-enable"]')).toBeNull();
    expect(requests.some((r) => r.path.startsWith('/api/me/push'))).toBe(false);
  });
});

describe('Plus → Notifications', () => {
  it('turns this device on, mutes security alerts here, sends a test, then turns it off', async () => {
    const fake = fakeBrowser();
    const { routes, device } = server();
    const { requests } = await start('/more', routes, fake.browser);
    await click('[data-testid="notifications-link"]');
    expect(location.pathname).toBe('/more/notifications');
    expect($('h1')?.textContent).toBe('Notifications');

    const deviceSwitch = () => $<HTMLInputElement>('[data-testid="push-device-switch"]')!;
    expect(deviceSwitch().getAttribute('role')).toBe('switch');
    expect(deviceSwitch().checked).toBe(false);
    expect($('[data-testid="push-test"]')).toBeNull();
    await click('[data-testid="push-device-switch"]');
    expect(fake.calls.requestPermission).toBe(1);
    expect(device.subscribed).toBe(true);
    expect(deviceSwitch().checked).toBe(true);

    await click('[data-testid="push-mute-security"]');
    expect(requests.find((r) => r.path === '/api/me/push-subscription/security-mute')?.body).toEqual({ muted: true });
    expect(device.security_muted).toBe(true);
    expect($<HTMLInputElement>('[data-testid="push-mute-security"]')!.checked).toBe(true);

    await click('[data-testid="push-test"]');
    expect(requests.some((r) => r.method === 'POST' && r.path === '/api/me/push-test')).toBe(true);
    expect($('[data-testid="push-test-sent"]')?.textContent).toContain('quelques secondes');

    await click('[data-testid="push-device-switch"]');
    expect(requests.some((r) => r.method === 'DELETE' && r.path === '/api/me/push-subscription')).toBe(true);
    expect(fake.calls.unsubscribe).toBe(1);
    expect(fake.current()).toBeNull();
    expect(deviceSwitch().checked).toBe(false);
    expect($('[data-testid="push-test"]')).toBeNull();
    expect(record()).toBeNull();
  });

  it('says so when the server no longer has this device (test notification: 404)', async () => {
    const { routes, device } = server({ subscribed: true, security_muted: false });
    const mine = fakeBrowser({ permission: 'granted' });
    localStorage.setItem('ent.push', JSON.stringify({ owner: ME.person_id, endpoint: ENDPOINT, lang: 'fr' }));
    await start('/more/notifications', routes, { ...mine.browser, getSubscription: () => Promise.resolve(mine.make(ENDPOINT, KEY_BYTES)) });
    device.subscribed = false; // e.g. the push service answered 410 meanwhile
    await click('[data-testid="push-test"]');
    expect($('[data-testid="problem"]')?.textContent).toBe('Cet appareil ne reçoit pas encore de notifications : activez-les d’abord.');
    expect($<HTMLInputElement>('[data-testid="push-device-switch"]')!.checked).toBe(false);
  });

  it('shows a refused subscription in words', async () => {
    const fake = fakeBrowser({ permission: 'granted' });
    const { routes } = server();
    routes['PUT /api/me/push-subscription'] = PROBLEM('invalid-subscription', 400, { detail: 'Ce service de notifications n’est pas reconnu.' });
    await start('/more/notifications', routes, fake.browser);
    await click('[data-testid="push-device-switch"]');
    expect($('[data-testid="problem"]')?.getAttribute('data-problem')).toBe('invalid-subscription');
    expect($('[data-testid="problem"]')?.textContent).toContain('Ce navigateur n’a pas pu être abonné aux notifications.');
    expect($('[data-testid="problem"]')?.textContent).toContain('Ce service de notifications n’est pas reconnu.');
    expect(fake.current()).toBeNull(); // not left subscribed in the browser
    expect($<HTMLInputElement>('[data-testid="push-device-switch"]')!.checked).toBe(false);
  });

  it('explains a browser that blocks notifications, or cannot receive them', async () => {
    await start('/more/notifications', server().routes, fakeBrowser({ permission: 'denied' }).browser);
    expect($('[data-testid="push-denied"]')?.textContent).toContain('autorisez les notifications pour ce site');
    expect($('[data-testid="push-device-switch"]')).toBeNull();
    render(null, root);
    await start('/more/notifications', server().routes, fakeBrowser({ env: { pushManager: false } }).browser);
    expect($('[data-testid="push-unsupported"]')).not.toBeNull();
    // The preferences (all devices) are still there.
    expect(root.querySelectorAll('[data-testid="push-categories"] li')).toHaveLength(5);
  });

  it('keeps security alerts on; saves each category as it is switched', async () => {
    const { routes } = server();
    const { requests } = await start('/more/notifications', routes, fakeBrowser().browser);
    const security = $<HTMLInputElement>('[data-testid="push-category-security"]')!;
    expect(security.checked).toBe(true);
    expect(security.disabled).toBe(true);
    expect($('[data-category="security"]')?.textContent).toContain('Toujours activées');
    expect(text()).toContain('Ces choix valent pour tous vos appareils.');

    await click('[data-testid="push-category-news"]');
    await click('[data-testid="push-category-messages"]');
    const puts = requests.filter((r) => r.method === 'PUT' && r.path === '/api/me/push-preferences');
    expect(puts.map((p) => p.body)).toEqual([{ disabled: ['news'] }, { disabled: ['messages', 'news'] }]);
    expect($<HTMLInputElement>('[data-testid="push-category-news"]')!.checked).toBe(false);
    expect($('[data-testid="push-saved-categories"]')?.textContent).toBe('Enregistré.');
  });

  it('puts a switch back when the server refuses the change', async () => {
    const { routes } = server();
    routes['PUT /api/me/push-preferences'] = PROBLEM('invalid-preferences', 400);
    await start('/more/notifications', routes, fakeBrowser().browser);
    await click('[data-testid="push-category-timetable"]');
    expect($<HTMLInputElement>('[data-testid="push-category-timetable"]')!.checked).toBe(true);
    expect($('[data-testid="push-categories"] [data-testid="problem"]')?.textContent).toBe('Ces préférences de notification ne sont pas valables.');
  });

  it('quiet hours: off by default, 22:00–07:00 when turned on, then the times chosen', async () => {
    const { routes } = server();
    const { requests } = await start('/more/notifications', routes, fakeBrowser().browser);
    expect($<HTMLInputElement>('[data-testid="push-quiet-switch"]')!.checked).toBe(false);
    expect($('input[name="quiet-start"]')).toBeNull();

    await click('[data-testid="push-quiet-switch"]');
    const puts = () => requests.filter((r) => r.method === 'PUT' && r.path === '/api/me/push-preferences').map((r) => r.body);
    expect(puts().at(-1)).toEqual({ disabled: [], quiet_hours: { start: '22:00', end: '07:00' } });
    const from = $<HTMLInputElement>('input[name="quiet-start"]')!;
    expect(from.type).toBe('time');
    expect(from.value).toBe('22:00');

    await commit('input[name="quiet-start"]', '23:30');
    expect(puts().at(-1)).toEqual({ disabled: [], quiet_hours: { start: '23:30', end: '07:00' } });
    expect($('[data-testid="push-saved-quiet"]')?.textContent).toBe('Enregistré.');

    // The same start and end: explained, not sent.
    const count = puts().length;
    await commit('input[name="quiet-end"]', '23:30');
    expect(text()).toContain('Le début et la fin doivent être différents.');
    expect(puts()).toHaveLength(count);

    await click('[data-testid="push-quiet-switch"]');
    expect(puts().at(-1)).toEqual({ disabled: [] });
    expect($('input[name="quiet-start"]')).toBeNull();
  });

  it('shows the saved quiet hours', async () => {
    const { routes } = server();
    routes['GET /api/me/push-preferences'] = { body: { ...PREFS, quiet_hours: { start: '21:00', end: '06:30' } } };
    await start('/more/notifications', routes, fakeBrowser().browser);
    expect($<HTMLInputElement>('[data-testid="push-quiet-switch"]')!.checked).toBe(true);
    expect($<HTMLInputElement>('input[name="quiet-start"]')!.value).toBe('21:00');
    expect($<HTMLInputElement>('input[name="quiet-end"]')!.value).toBe('06:30');
  });

  it('speaks English too', async () => {
    setLang('en');
    await start('/more/notifications', server().routes, fakeBrowser().browser);
    expect(text()).toContain('Receive notifications on this device');
    expect(text()).toContain('Quiet hours');
    expect($('[data-category="help_requests"]')?.textContent).toContain('Help requests');
  });
});

describe('this device at sign-in and sign-out', () => {
  it('registers again the subscription this person made, when the server lost it (session renewed)', async () => {
    const mine = fakeBrowser({ permission: 'granted' });
    const existing = mine.make(ENDPOINT, KEY_BYTES);
    localStorage.setItem('ent.push', JSON.stringify({ owner: ME.person_id, endpoint: ENDPOINT, lang: 'fr' }));
    const { routes, device } = server();
    const { requests } = await start('/', routes, { ...mine.browser, getSubscription: () => Promise.resolve(existing) });
    expect(requests.find((r) => r.method === 'PUT' && r.path === '/api/me/push-subscription')?.body).toEqual({ endpoint: ENDPOINT, keys: KEYS });
    expect(device.subscribed).toBe(true);
    expect($('[data-testid="push-card"]')).toBeNull();
  });

  it('registers the subscription the worker renewed, and again when the language changes', async () => {
    const mine = fakeBrowser({ permission: 'granted' });
    const renewed = mine.make('https://fcm.googleapis.com/fcm/send/renewed', KEY_BYTES);
    localStorage.setItem('ent.push', JSON.stringify({ owner: ME.person_id, endpoint: ENDPOINT, lang: 'fr' }));
    const { routes } = server({ subscribed: true, security_muted: false });
    const { requests } = await start('/', routes, { ...mine.browser, getSubscription: () => Promise.resolve(renewed) });
    const puts = () => requests.filter((r) => r.method === 'PUT' && r.path === '/api/me/push-subscription');
    expect(puts()).toHaveLength(1);
    expect(record()?.endpoint).toBe('https://fcm.googleapis.com/fcm/send/renewed');
    await act(() => setLang('en'));
    await flush();
    expect(puts()).toHaveLength(2);
    expect(puts()[1]?.headers.get('Accept-Language')).toBe('en');
    expect(record()?.lang).toBe('en');
  });

  it('drops a subscription someone else made on this browser, and forgets one the browser lost', async () => {
    const other = fakeBrowser({ permission: 'granted' });
    const theirs = other.make(ENDPOINT, KEY_BYTES);
    let current: SubscriptionLike | null = theirs;
    localStorage.setItem('ent.push', JSON.stringify({ owner: 'someone-else', endpoint: ENDPOINT, lang: 'fr' }));
    const { routes } = server();
    const { requests } = await start('/', routes, {
      ...other.browser,
      getSubscription: () => Promise.resolve(current),
    });
    expect(other.calls.unsubscribe).toBe(1);
    expect(record()).toBeNull();
    expect(requests.some((r) => r.method === 'PUT')).toBe(false);
    expect($('[data-testid="push-card"]')).not.toBeNull(); // offered to this person
    current = null;

    render(null, root);
    const lost = server({ subscribed: true, security_muted: false });
    const second = await start('/', lost.routes, fakeBrowser({ permission: 'granted' }).browser);
    expect(second.requests.some((r) => r.method === 'DELETE' && r.path === '/api/me/push-subscription')).toBe(true);
    expect(lost.device.subscribed).toBe(false);
  });

  it('signing out drops the browser subscription too', async () => {
    const fake = fakeBrowser();
    const { routes } = server();
    await start('/', routes, fake.browser);
    await click('[data-testid="push-enable"]');
    expect(fake.current()).not.toBeNull();
    await act(() => signOut());
    await flush();
    expect(fake.calls.unsubscribe).toBe(1);
    expect(fake.current()).toBeNull();
    expect(record()).toBeNull();
    expect(location.pathname).toBe('/login');
  });
});

describe('Mes appareils', () => {
  it('shows a bell on the devices that receive notifications', async () => {
    const device = (id: string, current: boolean, push: boolean) => ({
      id,
      device: current ? 'Chrome · Android' : 'Firefox · Windows',
      ip: '192.0.2.1',
      first_seen_at: '2025-09-01T06:30:00Z',
      last_seen_at: '2025-09-02T16:00:00Z',
      current,
      push,
      remembered: false,
      services: [],
    });
    await start('/more/security/devices', { 'GET /api/me/sessions': { body: [device('s1', true, true), device('s2', false, false)] } }, fakeBrowser().browser);
    const items = [...root.querySelectorAll('[data-testid="devices"] > li')];
    expect(items[0]?.querySelector('[data-testid="push-device"]')?.textContent).toContain('Reçoit les notifications');
    expect(items[0]?.querySelector('[data-testid="push-device"] svg')).not.toBeNull();
    expect(items[1]?.querySelector('[data-testid="push-device"]')).toBeNull();
  });
});
