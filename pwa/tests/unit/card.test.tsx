// « Ma carte »: the student card with its QR code drawn as SVG, asked again before the QR token
// expires, its photo (a `data:` URL, kept with the card), the copy kept on the device shown
// offline (without an expired QR), and the 404 no-student-card explained; the home's link card.
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StudentCard } from '../../src/api/card';
import { readCard, setCardBackend } from '../../src/card/store';
import { setLang } from '../../src/i18n';
import { startRouter } from '../../src/router';
import { CONFIG, ME, mockApi, PROBLEM, type Handler, type Reply } from './api-mock';
import { $, flush, mount, openApp, unmount } from './dom';

const NOW = Date.parse('2026-12-02T09:30:00Z');
const student = (patch: Partial<StudentCard> = {}): StudentCard => ({
  given_name: 'Chloé',
  family_name: 'Lefèvre',
  number: '25000002',
  academic_year: '2026-2027',
  program: 'Licence Informatique — L1',
  valid_until: '2027-09-30',
  qr: 'https://ent.example/verify/card/token-1',
  qr_expires_at: new Date(NOW + 5 * 60_000).toISOString(),
  has_photo: false,
  ...patch,
});

const offline: Handler = () => {
  throw new TypeError('Failed to fetch');
};

async function start(path: string, cardReply: Handler | Reply, me: object = ME, photoReply: Handler | Reply = PROBLEM('no-card-photo', 404)) {
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': { body: me },
    'GET /api/me/card': cardReply,
    'GET /api/me/card/photo': photoReply,
  });
  await openApp(path);
  return mock;
}
const asked = (mock: ReturnType<typeof mockApi>) => mock.requests.filter((r) => r.path === '/api/me/card').length;

let stop: () => void;
beforeEach(() => {
  // Time moves on its own (the kit's settling waits), and can be pushed past the QR's renewal.
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], shouldAdvanceTime: true, advanceTimeDelta: 5 });
  vi.setSystemTime(NOW);
  setLang('fr');
  setCardBackend();
  mount();
  stop = startRouter();
});
afterEach(() => {
  unmount();
  stop();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the card screen', () => {
  it('shows the card and draws its QR code as SVG elements, and keeps the card on the device', async () => {
    await start('/card', { body: student() });
    expect($('[data-testid="card-name"]')?.textContent).toBe('Chloé Lefèvre');
    expect($('[data-testid="card-number"]')?.textContent).toBe('25000002');
    expect($('[data-testid="card-valid-until"]')?.textContent).toBe('Valable jusqu’au jeudi 30 septembre 2027');
    const qr = $('svg[data-testid="card-qr"]');
    expect(qr?.dataset.qr).toBe('https://ent.example/verify/card/token-1');
    expect(qr?.getAttribute('aria-label')).toBe('QR code de la carte d’étudiant');
    expect(qr?.querySelector('path')?.getAttribute('d')).toMatch(/^M\d+ \d+h1v1h-1z/);
    expect((await readCard())?.owner).toBe(ME.person_id);
  });

  it('asks for a new QR code before the shown one expires', async () => {
    let n = 0;
    const mock = await start('/card', () => {
      n += 1;
      return { body: student({ qr: `https://ent.example/verify/card/token-${n}`, qr_expires_at: new Date(Date.now() + 60_000).toISOString() }) };
    });
    expect($('[data-testid="card-qr"]')?.dataset.qr).toBe('https://ent.example/verify/card/token-1');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(31_000);
    });
    await flush();
    expect(asked(mock)).toBe(2);
    expect($('[data-testid="card-qr"]')?.dataset.qr).toBe('https://ent.example/verify/card/token-2');
  });

  it('offline, shows the kept card, without its QR code once expired', async () => {
    await start('/card', { body: student() });
    unmount();
    mount();
    await start('/card', offline);
    expect($('[data-testid="card-name"]')?.textContent).toBe('Chloé Lefèvre');
    expect($('[data-testid="card-qr"]')).not.toBeNull();
    expect($('[data-testid="card-offline"]')?.textContent).toBe('Hors ligne : la dernière carte enregistrée sur cet appareil.');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(5 * 60_000);
    });
    await flush();
    expect($('[data-testid="card-qr"]')).toBeNull();
    expect($('[data-testid="card-offline"]')?.textContent).toBe('Hors ligne : le QR code sera affiché au retour du réseau');
    expect($('[data-testid="card-number"]')?.textContent).toBe('25000002');
  });

  it('never shows another person’s kept card', async () => {
    await start('/card', { body: student() });
    unmount();
    mount();
    await start('/card', offline, { ...ME, person_id: 'p-2' });
    expect($('[data-testid="student-card"]')).toBeNull();
    expect($('[role="alert"]')).not.toBeNull();
  });

  it('explains a 404 no-student-card and forgets the kept card', async () => {
    await start('/card', { body: student() });
    unmount();
    mount();
    await start('/card', PROBLEM('no-student-card', 404));
    expect($('[data-testid="card-none"]')?.textContent).toContain('Pas de carte d’étudiant');
    expect(await readCard()).toBeUndefined();
  });
});

describe('the card photo', () => {
  // The first bytes of a PNG: enough for a data: URL (the server checked the image).
  const PNG = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], { type: 'image/png' });
  const photoAsked = (mock: ReturnType<typeof mockApi>) => mock.requests.filter((r) => r.path === '/api/me/card/photo').length;

  it('shows the photo the secretariat gave, with the name as its text, and keeps it with the card', async () => {
    await start('/card', { body: student({ has_photo: true }) }, ME, { raw: PNG });
    const img = $<HTMLImageElement>('[data-testid="card-photo"]');
    expect(img?.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(img?.getAttribute('alt')).toBe('Photo de Chloé Lefèvre');
    expect((await readCard())?.photo).toBe('data:image/png;base64,iVBORw0KGgo=');
  });

  it('is not asked for a card without one', async () => {
    const mock = await start('/card', { body: student() }, ME, { raw: PNG });
    expect(photoAsked(mock)).toBe(0);
    expect($('[data-testid="card-photo"]')).toBeNull();
    expect((await readCard())?.photo).toBeUndefined();
  });

  it('offline, is the one kept with the card', async () => {
    await start('/card', { body: student({ has_photo: true }) }, ME, { raw: PNG });
    unmount();
    mount();
    await start('/card', offline, ME, offline);
    expect($('[data-testid="card-offline"]')).not.toBeNull();
    expect($('[data-testid="card-photo"]')?.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
  });

  it('is gone once the secretariat took it off', async () => {
    await start('/card', { body: student({ has_photo: true }) }, ME, { raw: PNG });
    unmount();
    mount();
    await start('/card', { body: student({ has_photo: false }) });
    expect($('[data-testid="card-photo"]')).toBeNull();
    expect((await readCard())?.photo).toBeUndefined();
  });

  it('is not drawn when the answer is not an image', async () => {
    await start('/card', { body: student({ has_photo: true }) }, ME, { raw: new Blob(['<svg/>'], { type: 'image/svg+xml' }) });
    expect($('[data-testid="card-name"]')?.textContent).toBe('Chloé Lefèvre');
    expect($('[data-testid="card-photo"]')).toBeNull();
  });
});

describe('the home student card link', () => {
  it('leads to /card', async () => {
    await start('/', { body: student() }, { ...ME, home: { ...ME.home, cards: ['student_card'] } });
    expect($<HTMLAnchorElement>('[data-testid="student-card-link"]')?.getAttribute('href')).toBe('/card');
    expect($('[data-testid="student-card-link"]')?.textContent).toContain('Ma carte d’étudiant');
  });
});
