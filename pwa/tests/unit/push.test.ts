import { describe, expect, it, vi } from 'vitest';
import { deniedHelpKey } from '../../src/components/PushHelp';
import { preferencesUpdate } from '../../src/pages/Notifications';
import { cardMode, pushSupport, realBrowser, type PushDeviceState, type PushEnvironment } from '../../src/push/device';
import {
  base64UrlToBytes,
  MESSAGE,
  notificationFor,
  openNotificationTarget,
  parsePayload,
  pickWindow,
  registerFromWorker,
  safeAppPath,
  sameKey,
  subscriptionBody,
  type ClickDeps,
  type WindowLike,
} from '../../src/push/notification';
import { handleWorkerMessage } from '../../src/sw-register';

const ORIGIN = 'https://ent.univ-tours.fr';

describe('the notification target', () => {
  it('keeps paths of the app', () => {
    expect(safeAppPath('/more/security', ORIGIN)).toBe('/more/security');
    expect(safeAppPath('/messages/42?from=push#last', ORIGIN)).toBe('/messages/42?from=push#last');
    expect(safeAppPath(`${ORIGIN}/timetable`, ORIGIN)).toBe('/timetable');
    expect(safeAppPath('more/notifications', ORIGIN)).toBe('/more/notifications');
  });

  it('sends everything else to the home page', () => {
    for (const url of [
      'https://evil.example/phish',
      '//evil.example/phish',
      '/\\evil.example/phish',
      '\\\\evil.example',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'http://ent.univ-tours.fr/more', // another origin (http)
      'https://user:pw@ent.univ-tours.fr/more',
      '/api/session',
      '/cas/login?service=https://evil.example',
      '/metrics',
      '',
      '   ',
      42,
      null,
      undefined,
      { url: '/more' },
      '/' + 'a'.repeat(3000),
    ]) {
      expect(safeAppPath(url, ORIGIN), JSON.stringify(url)).toBe('/');
    }
  });
});

describe('the push payload', () => {
  const payload = (doc: unknown) => parsePayload(JSON.stringify(doc), ORIGIN);

  it('reads what the server sends', () => {
    expect(
      payload({ title: 'Nouvelle connexion', body: 'Depuis Firefox · Windows', url: '/more/security/activity', category: 'security', tag: 'login-1' }),
    ).toEqual({ title: 'Nouvelle connexion', body: 'Depuis Firefox · Windows', url: '/more/security/activity', category: 'security', tag: 'login-1' });
  });

  it('refuses what is not one of ours', () => {
    for (const text of [null, undefined, '', 'not json', '"a string"', '42', '[]', 'null', '{}', '{"title":""}', '{"title":42,"body":"x"}']) {
      expect(parsePayload(text, ORIGIN), String(text)).toBeNull();
    }
  });

  it('cleans the fields: unsafe url, unknown category, long or odd text', () => {
    const parsed = payload({
      title: `  ${'T'.repeat(300)}  `,
      body: 'ligne 1\nligne 2\u0007',
      url: 'https://evil.example/',
      category: 'lottery',
      tag: 42,
    });
    expect(parsed?.title).toHaveLength(120);
    expect(parsed?.title.endsWith('…')).toBe(true);
    expect(parsed?.body).toBe('ligne 1\nligne 2');
    expect(parsed?.url).toBe('/');
    expect(parsed?.category).toBeNull();
    expect(parsed?.tag).toBeNull();
    expect(payload({ title: 'Sans corps' })).toEqual({ title: 'Sans corps', body: '', url: '/', category: null, tag: null });
  });

  it('shows a notification with icon, badge, tag and the page to open; security rings again', () => {
    const shown = notificationFor(payload({ title: 'Alerte', body: 'Mot de passe changé', url: '/more/security', category: 'security', tag: 'pw' }), 'fr-FR', 1000);
    expect(shown).toEqual({
      title: 'Alerte',
      options: {
        body: 'Mot de passe changé',
        icon: '/icons/icon-192.png',
        badge: '/icons/badge-72.png',
        tag: 'pw',
        renotify: true,
        timestamp: 1000,
        data: { url: '/more/security', category: 'security' },
      },
    });
    const news = notificationFor(payload({ title: 'Actu', body: 'B', url: '/', category: 'news', tag: 'n1' }), 'fr', 1).options;
    expect(news.renotify).toBeUndefined();
    // renotify without a tag would make showNotification throw.
    const untagged = notificationFor(payload({ title: 'Alerte', category: 'security' }), 'fr', 1).options;
    expect(untagged.tag).toBeUndefined();
    expect(untagged.renotify).toBeUndefined();
  });

  it('still shows something, in the browser language, for an unreadable push', () => {
    expect(notificationFor(null, 'en-GB', 1)).toMatchObject({ title: 'ENT mobile', options: { body: 'You have a new notification.', data: { url: '/' } } });
    expect(notificationFor(null, 'fr-FR', 1).options.body).toBe('Vous avez une nouvelle notification.');
    expect(notificationFor(null, 'de-DE', 1).options.body).toBe('Vous avez une nouvelle notification.');
  });
});

describe('a tap on a notification', () => {
  interface Win extends WindowLike {
    id: string;
  }
  const win = (id: string, path: string, extra: Partial<Win> = {}): Win => ({ id, url: ORIGIN + path, ...extra });

  function deps(windows: Win[], over: Partial<ClickDeps<Win>> = {}) {
    const log: string[] = [];
    const d: ClickDeps<Win> = {
      origin: ORIGIN,
      windows: () => Promise.resolve(windows),
      focus: (c) => (log.push(`focus ${c.id}`), Promise.resolve()),
      route: (c, path) => (log.push(`route ${c.id} ${path}`), Promise.resolve(true)),
      navigate: (c, url) => (log.push(`navigate ${c.id} ${url}`), Promise.resolve()),
      open: (url) => (log.push(`open ${url}`), Promise.resolve()),
      ...over,
    };
    return { d, log };
  }

  it('prefers a window already on the page, then the focused one, then a visible one', () => {
    const list = [win('a', '/'), win('b', '/messages', { visibilityState: 'visible' }), win('c', '/timetable', { focused: true })];
    expect(pickWindow(list, '/timetable', ORIGIN)?.id).toBe('c');
    expect(pickWindow(list, '/help', ORIGIN)?.id).toBe('c');
    expect(pickWindow(list.slice(0, 2), '/help', ORIGIN)?.id).toBe('b');
    expect(pickWindow(list.slice(0, 1), '/help', ORIGIN)?.id).toBe('a');
    expect(pickWindow([{ id: 'x', url: 'https://evil.example/' }], '/', ORIGIN)).toBeNull();
    expect(pickWindow([], '/', ORIGIN)).toBeNull();
  });

  it('focuses an open window and routes it to the page', async () => {
    const { d, log } = deps([win('a', '/')]);
    expect(await openNotificationTarget({ url: '/more/security' }, d)).toBe('routed');
    expect(log).toEqual(['focus a', 'route a /more/security']);
  });

  it('only focuses a window already there', async () => {
    const { d, log } = deps([win('a', '/more/security')]);
    expect(await openNotificationTarget({ url: '/more/security' }, d)).toBe('focused');
    expect(log).toEqual(['focus a']);
  });

  it('reloads a window whose page does not answer, and still navigates when focusing is refused', async () => {
    const { d, log } = deps([win('a', '/')], {
      focus: () => Promise.reject(new Error('Not allowed to focus a window')),
      route: () => Promise.resolve(false),
    });
    expect(await openNotificationTarget({ url: '/messages' }, d)).toBe('navigated');
    expect(log).toEqual([`navigate a ${ORIGIN}/messages`]);
  });

  it('opens a new window when none is open (or navigating fails)', async () => {
    const none = deps([]);
    expect(await openNotificationTarget({ url: '/timetable' }, none.d)).toBe('opened');
    expect(none.log).toEqual([`open ${ORIGIN}/timetable`]);
    const broken = deps([win('a', '/')], { route: () => Promise.resolve(false), navigate: () => Promise.reject(new TypeError('uncontrolled')) });
    expect(await openNotificationTarget({ url: '/timetable' }, broken.d)).toBe('opened');
    const refused = deps([], { open: () => Promise.reject(new Error('no activation')) });
    expect(await openNotificationTarget({ url: '/' }, refused.d)).toBe('failed');
  });

  it('never leaves the app, whatever the notification carries', async () => {
    for (const data of [{ url: 'https://evil.example/' }, { url: 'javascript:alert(1)' }, null, 'x', { url: '/api/session' }]) {
      const { d, log } = deps([]);
      await openNotificationTarget(data, d);
      expect(log).toEqual([`open ${ORIGIN}/`]);
    }
  });
});

describe('the page side of the worker messages', () => {
  it('routes to a notification page and answers on the port', () => {
    const port = { postMessage: vi.fn() };
    history.replaceState(null, '', '/');
    handleWorkerMessage({ data: { type: MESSAGE.navigate, path: '/more/notifications' }, ports: [port as unknown as MessagePort] }, location.origin);
    expect(location.pathname).toBe('/more/notifications');
    expect(port.postMessage).toHaveBeenCalledWith({ type: 'ok' });
    handleWorkerMessage({ data: { type: MESSAGE.navigate, path: 'https://evil.example/' }, ports: [] }, location.origin);
    expect(location.pathname).toBe('/');
    handleWorkerMessage({ data: 'junk', ports: [] }, location.origin);
    expect(location.pathname).toBe('/');
  });
});

describe('renewing the subscription from the worker', () => {
  const json = { endpoint: 'https://fcm.googleapis.com/fcm/send/new', keys: { p256dh: 'P', auth: 'A' } };

  it('reads the CSRF token from the session, then registers the subscription', async () => {
    const calls: { url: string; init?: { method?: string; headers?: Record<string, string>; body?: string } }[] = [];
    const fetch = vi.fn((url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => {
      calls.push({ url, init });
      const body = url.endsWith('/api/session') ? { csrf_token: 'tok' } : {};
      return Promise.resolve({ ok: true, status: url.endsWith('/api/session') ? 200 : 204, json: () => Promise.resolve(body) });
    });
    expect(await registerFromWorker(fetch, ORIGIN, json)).toBe(true);
    expect(calls[1]?.url).toBe(`${ORIGIN}/api/me/push-subscription`);
    expect(calls[1]?.init?.method).toBe('PUT');
    expect(calls[1]?.init?.headers?.['X-CSRF-Token']).toBe('tok');
    expect(JSON.parse(calls[1]?.init?.body ?? '')).toEqual(json);
  });

  it('gives up quietly when signed out, offline or incomplete', async () => {
    const signedOut = vi.fn(() => Promise.resolve({ ok: false, status: 401, json: () => Promise.resolve({}) }));
    expect(await registerFromWorker(signedOut, ORIGIN, json)).toBe(false);
    expect(signedOut).toHaveBeenCalledTimes(1);
    const offline = vi.fn(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await registerFromWorker(offline, ORIGIN, json)).toBe(false);
    expect(await registerFromWorker(offline, ORIGIN, { endpoint: 'x' })).toBe(false);
    expect(offline).toHaveBeenCalledTimes(1);
  });

  it('takes PushSubscription.toJSON() as the server wants it', () => {
    expect(subscriptionBody(json)).toEqual(json);
    expect(subscriptionBody({ endpoint: 'e', keys: { p256dh: 'P' } })).toBeNull();
    expect(subscriptionBody({ keys: { p256dh: 'P', auth: 'A' } })).toBeNull();
  });
});

describe('the VAPID key', () => {
  it('decodes base64url and compares with a subscription key', () => {
    const bytes = Uint8Array.from([4, 251, 255, 0, 62, 63]);
    const encoded = Buffer.from(bytes).toString('base64url');
    expect(base64UrlToBytes(encoded)).toEqual(bytes);
    expect(base64UrlToBytes(encoded + '=')).toEqual(bytes);
    expect(base64UrlToBytes('not base64!')).toBeNull();
    expect(sameKey(bytes.buffer, bytes)).toBe(true);
    expect(sameKey(Uint8Array.from([4, 251]).buffer, bytes)).toBe(false);
    expect(sameKey(null, bytes)).toBe(false);
  });
});

describe('support and the home card', () => {
  const env = (over: Partial<PushEnvironment>): PushEnvironment => ({
    serviceWorker: true,
    pushManager: true,
    notification: true,
    ios: false,
    standalone: false,
    ...over,
  });

  it('knows when a browser can receive notifications, or must install the app first', () => {
    expect(pushSupport(env({}))).toBe('supported');
    expect(pushSupport(env({ ios: true, pushManager: false }))).toBe('ios-install'); // Safari, not installed
    expect(pushSupport(env({ ios: true, standalone: true }))).toBe('supported'); // installed, iOS 16.4+
    expect(pushSupport(env({ ios: true, standalone: true, pushManager: false }))).toBe('unsupported'); // older iOS
    expect(pushSupport(env({ pushManager: false }))).toBe('unsupported');
  });

  it('is not in the happy-dom test browser (no PushManager): no request at start', () => {
    expect(pushSupport(realBrowser.environment())).not.toBe('supported');
  });

  const state = (over: Partial<PushDeviceState>): PushDeviceState => ({
    support: 'supported',
    permission: 'default',
    server: { subscribed: false, security_muted: false },
    later: null,
    ...over,
  });

  it('asks only when it makes sense', () => {
    const now = 1_000_000;
    expect(cardMode(state({}), now)).toBe('ask');
    expect(cardMode(state({ permission: 'granted' }), now)).toBe('ask'); // allowed before, not subscribed now
    expect(cardMode(state({ server: null }), now)).toBe('hidden'); // not known yet
    expect(cardMode(state({ server: { subscribed: true, security_muted: false } }), now)).toBe('hidden');
    expect(cardMode(state({ permission: 'denied' }), now)).toBe('hidden');
    expect(cardMode(state({ support: 'unsupported', server: null }), now)).toBe('hidden');
    expect(cardMode(state({ support: 'ios-install', server: null }), now)).toBe('ios-install');
    expect(cardMode(state({ later: now + 1 }), now)).toBe('hidden');
    expect(cardMode(state({ later: now - 1 }), now)).toBe('ask'); // « Plus tard » was days ago
  });

  it('explains where to allow notifications again on each kind of device', () => {
    expect(deniedHelpKey('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Safari/604.1', 5)).toBe('notifications.deniedIos');
    expect(deniedHelpKey('Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/124.0 Mobile', 5)).toBe('notifications.deniedAndroid');
    expect(deniedHelpKey('Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0', 0)).toBe('notifications.deniedDesktop');
  });
});

describe('preferences', () => {
  it('sends the categories turned off (never security) and the quiet hours', () => {
    const categories = [
      { category: 'security' as const, enabled: false, can_disable: false },
      { category: 'news' as const, enabled: false, can_disable: true },
      { category: 'messages' as const, enabled: true, can_disable: true },
    ];
    expect(preferencesUpdate({ categories })).toEqual({ disabled: ['news'] });
    expect(preferencesUpdate({ categories, quiet_hours: { start: '22:00', end: '07:00' } })).toEqual({
      disabled: ['news'],
      quiet_hours: { start: '22:00', end: '07:00' },
    });
  });
});
