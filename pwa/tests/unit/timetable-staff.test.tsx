import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../../src/i18n';
import { editOf, formOf, parseRooms, fieldOf } from '../../src/pages/TimetableGroups';
import { startRouter } from '../../src/router';
import type { TimetableEvent } from '../../src/api/timetable';
import { setWeekBackend } from '../../src/timetable/store';
import { forgetTimetable } from '../../src/timetable/weeks';
import { CONFIG, ME, mockApi, PROBLEM, type Handler, type Reply } from './api-mock';
import { $, flush, click, type, mount, unmount, openApp } from './dom';

const TZ = 'Europe/Paris';
const CLASS: TimetableEvent = {
  id: 42,
  course_code: 'INF102',
  title: 'Programmation',
  colour: '#1d4ed8',
  kind: 'tp',
  starts_at: '2026-12-03T08:00:00Z',
  ends_at: '2026-12-03T11:00:00Z',
  rooms: ['E014'],
  campus: 'grandmont',
  teachers: ['DURAND Marc'],
  groups: ['L1-INFO-TD2'],
  status: 'scheduled',
};

describe('the edit form’s body', () => {
  const form = formOf(CLASS, TZ);
  it('starts from the class as it is (local date and time, rooms)', () => {
    expect(form).toEqual({ date: '2026-12-03', start: '09:00', end: '', rooms: 'E014', toggle: false, reason: '' });
    expect(editOf(CLASS, form, TZ)).toEqual({ ok: false, errors: { form: 'nothing-to-change' } });
  });
  it('moves the class, keeping its length unless an end is given', () => {
    expect(editOf(CLASS, { ...form, date: '2026-12-04', start: '14:00' }, TZ)).toEqual({ ok: true, body: { starts_at: '2026-12-04T13:00:00.000Z' } });
    // The same length typed as an end: nothing more to say.
    expect(editOf(CLASS, { ...form, start: '10:00', end: '13:00' }, TZ)).toEqual({ ok: true, body: { starts_at: '2026-12-03T09:00:00.000Z' } });
    expect(editOf(CLASS, { ...form, start: '10:00', end: '12:00' }, TZ)).toEqual({
      ok: true,
      body: { starts_at: '2026-12-03T09:00:00.000Z', ends_at: '2026-12-03T11:00:00.000Z' },
    });
    expect(editOf(CLASS, { ...form, end: '11:30' }, TZ)).toEqual({ ok: true, body: { ends_at: '2026-12-03T10:30:00.000Z' } });
    // In summer time (after the end of March).
    expect(editOf(CLASS, { ...form, date: '2027-04-01' }, TZ)).toEqual({ ok: true, body: { starts_at: '2027-04-01T07:00:00.000Z' } });
    expect(editOf(CLASS, { ...form, end: '08:30' }, TZ)).toEqual({ ok: false, errors: { end: 'ends-before-start' } });
  });
  it('changes rooms (comma-separated), cancels, restores, with a reason', () => {
    expect(parseRooms(' B204, B206 ,, ')).toEqual(['B204', 'B206']);
    expect(editOf(CLASS, { ...form, rooms: 'B112, B113', reason: '  Panne  ' }, TZ)).toEqual({
      ok: true,
      body: { rooms: ['B112', 'B113'], reason: 'Panne' },
    });
    expect(editOf(CLASS, { ...form, rooms: '' }, TZ)).toEqual({ ok: true, body: { rooms: [] } });
    expect(editOf(CLASS, { ...form, toggle: true }, TZ)).toEqual({ ok: true, body: { cancelled: true } });
    expect(editOf({ ...CLASS, status: 'cancelled' }, { ...form, toggle: true }, TZ)).toEqual({ ok: true, body: { cancelled: false } });
    // A reason alone changes nothing.
    expect(editOf(CLASS, { ...form, reason: 'Pourquoi pas' }, TZ)).toEqual({ ok: false, errors: { form: 'nothing-to-change' } });
  });
  it('checks each field as the server does', () => {
    expect(editOf(CLASS, { ...form, date: '2026-13-01', start: '9h' }, TZ)).toEqual({ ok: false, errors: { date: 'invalid-date', start: 'invalid-time' } });
    expect(editOf(CLASS, { ...form, rooms: 'x'.repeat(41) }, TZ)).toEqual({ ok: false, errors: { rooms: 'invalid-rooms' } });
    expect(editOf(CLASS, { ...form, rooms: Array.from({ length: 11 }, (_, i) => `S${i}`).join(',') }, TZ)).toEqual({
      ok: false,
      errors: { rooms: 'invalid-rooms' },
    });
    expect(editOf(CLASS, { ...form, toggle: true, reason: 'é'.repeat(301) }, TZ)).toEqual({ ok: false, errors: { reason: 'reason-too-long' } });
    expect(fieldOf('invalid-rooms')).toBe('rooms');
    expect(fieldOf('ends-before-start')).toBe('end');
    expect(fieldOf('invalid-period')).toBe('date');
    expect(fieldOf('not-found')).toBe('form');
  });
});

let root: HTMLElement;
let stop: () => void;
async function choose(selector: string, value: string) {
  const select = $<HTMLSelectElement>(selector)!;
  await act(() => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await flush();
}
async function submit(selector: string) {
  await act(() => {
    $<HTMLFormElement>(selector)!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await flush();
}
async function start(path: string, routes: Record<string, Handler | Reply>, me: typeof ME = ME) {
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': { body: me },
    'GET /api/me/timetable': { body: { from: '2026-11-30', to: '2026-12-06', time_zone: TZ, events: [] }, headers: { ETag: '"e"' } },
    ...routes,
  });
  await openApp(path);
  return mock;
}

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-02T09:30:00Z'));
  setWeekBackend();
  await forgetTimetable();
  localStorage.clear();
  sessionStorage.clear();
  setLang('fr');
  root = mount();
  stop = startRouter();
});
afterEach(() => {
  unmount();
  stop();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const STAFF = { ...ME, role: 'staff', permissions: ['timetable'] };

describe('Plus → Emploi du temps des groupes', () => {
  const groupRoutes = () => {
    let current = { ...CLASS };
    const routes: Record<string, Handler | Reply> = {
      'GET /api/timetable/groups': { body: [{ code: 'L1-INFO', name: 'L1 Informatique' }, { code: 'L1-INFO-TD2', name: 'L1 Informatique TD2' }] },
      'GET /api/timetable/groups/L1-INFO-TD2/events': () => ({ body: { from: '2026-11-30', to: '2026-12-06', time_zone: TZ, events: [current] } }),
      'PATCH /api/timetable/events/42': (_r, body) => {
        const edit = body as { rooms?: string[]; reason?: string; cancelled?: boolean };
        if (edit.rooms?.includes('BAD')) return PROBLEM('invalid-rooms', 400);
        current = {
          ...current,
          rooms: edit.rooms ?? current.rooms,
          status: edit.cancelled ? 'cancelled' : current.status,
          change: { at: '2026-12-02T09:31:00Z', changes: edit.cancelled ? ['cancelled'] : ['room'], previous_rooms: CLASS.rooms, reason: edit.reason },
        };
        return { body: current };
      },
    };
    return routes;
  };

  it('is linked from Plus only with the timetable permission', async () => {
    await start('/more', {});
    expect($('[data-testid="timetable-groups-link"]')).toBeNull();
    render(null, root);
    await start('/more/timetable-groups', {});
    expect(root.textContent).toContain('Page introuvable');
    render(null, root);
    await start('/more', {}, STAFF);
    expect($('[data-testid="timetable-groups-link"]')?.getAttribute('href')).toBe('/more/timetable-groups');
  });

  it('picks a group and a week, changes a class’s room with a reason after a confirmation', async () => {
    const { requests } = await start('/more/timetable-groups', groupRoutes(), STAFF);
    await choose('[data-testid="group-select"]', 'L1-INFO-TD2');
    expect(location.search).toBe('?group=L1-INFO-TD2&week=2026-11-30');
    // Another week: its Monday, from any of its days.
    const week = $<HTMLInputElement>('input[name="week"]')!;
    await act(() => {
      week.value = '2026-12-10';
      week.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await flush();
    expect(location.search).toBe('?group=L1-INFO-TD2&week=2026-12-07');
    await click('[data-testid="week-previous"]');
    expect(location.search).toBe('?group=L1-INFO-TD2&week=2026-11-30');
    expect($('[data-testid="group-week"] [data-event-id="42"]')?.textContent).toContain('Programmation');
    await click('[data-event-id="42"] [data-testid="class-edit"]');
    expect($<HTMLInputElement>('input[name="rooms"]')?.value).toBe('E014');
    expect($<HTMLInputElement>('input[name="start"]')?.value).toBe('09:00');
    expect(root.textContent).toContain('Laissez vide pour garder la durée (3 h 00).');

    // Nothing changed: said at once, nothing sent.
    await submit('[data-testid="edit-form"]');
    expect($('[data-testid="problem"]')?.textContent).toBe('Rien à modifier : indiquez un horaire, une salle ou l’annulation.');

    await type('input[name="rooms"]', 'BAD');
    await submit('[data-testid="edit-form"]');
    await click('[data-testid="edit-confirm"]');
    // The server's problem under its field, the form as typed.
    expect($('input[name="rooms"]')?.getAttribute('aria-invalid')).toBe('true');
    expect(root.querySelector('.field-error')?.textContent).toBe('Salles invalides : 10 au plus, de 1 à 40 caractères chacune.');

    await type('input[name="rooms"]', 'B112');
    await type('textarea[name="reason"]', 'Vidéoprojecteur en panne');
    expect(root.textContent).toContain('24/300 caractères');
    await submit('[data-testid="edit-form"]');
    expect($('[data-testid="edit-summary"]')?.textContent).toContain('Salles : B112');
    expect($('[data-testid="edit-summary"]')?.textContent).toContain('Motif : Vidéoprojecteur en panne');
    await click('[data-testid="edit-confirm"]');
    const patch = requests.filter((r) => r.method === 'PATCH').at(-1);
    expect(patch?.body).toEqual({ rooms: ['B112'], reason: 'Vidéoprojecteur en panne' });
    expect(patch?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect($('[data-testid="edit-dialog"]')).toBeNull();
    const saved = $('[data-testid="edit-saved"]')!;
    expect(saved.textContent).toContain('Cours modifié');
    expect(saved.querySelector('[data-testid="class-where"]')?.textContent).toBe('B112 · Campus Grandmont');
    expect(saved.querySelector('[data-testid="class-changes"]')?.textContent).toBe('Salle modifiée — était E014');
    expect($('[data-testid="group-week"] [data-event-id="42"] [data-testid="class-where"]')?.textContent).toBe('B112 · Campus Grandmont');
  });

  it('moves a class (keeping its length) and cancels another, in English', async () => {
    setLang('en');
    const { requests } = await start('/more/timetable-groups?group=L1-INFO-TD2&week=2026-11-30', groupRoutes(), STAFF);
    await click('[data-event-id="42"] [data-testid="class-edit"]');
    await type('input[name="date"]', '2026-12-04');
    await type('input[name="start"]', '14:00');
    await submit('[data-testid="edit-form"]');
    expect($('[data-testid="edit-summary"]')?.textContent).toBe('New time: Fri 4 Dec, 14:00 – 17:00');
    await click('[data-testid="edit-confirm"]');
    expect(requests.filter((r) => r.method === 'PATCH').at(-1)?.body).toEqual({ starts_at: '2026-12-04T13:00:00.000Z' });

    await click('[data-event-id="42"] [data-testid="class-edit"]');
    await click('[data-testid="edit-form"] input[type="checkbox"]');
    await submit('[data-testid="edit-form"]');
    expect($('[data-testid="edit-summary"]')?.textContent).toBe('The class will be cancelled');
    await click('[data-testid="edit-confirm"]');
    expect(requests.filter((r) => r.method === 'PATCH').at(-1)?.body).toEqual({ cancelled: true });
    expect($('[data-testid="edit-saved"] [data-change="cancelled"]')?.textContent).toBe('Cancelled');
  });
});

describe('« S’abonner dans mon agenda »', () => {
  const FEED = {
    url: 'https://ent.univ-tours.fr/api/calendar/tok-1',
    webcal_url: 'webcal://ent.univ-tours.fr/api/calendar/tok-1',
    created_at: '2026-12-02T09:00:00Z',
  };

  it('makes a link, copies it, opens it in the calendar, and makes a new one after a confirmation', async () => {
    let feed: Record<string, unknown> = { url: null, webcal_url: null, created_at: null };
    let made = 0;
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { requests } = await start('/timetable', {
      'GET /api/me/calendar-feed': () => ({ body: feed }),
      'POST /api/me/calendar-feed': () => {
        made++;
        feed = made === 1 ? FEED : { ...FEED, url: FEED.url.replace('tok-1', 'tok-2'), webcal_url: FEED.webcal_url.replace('tok-1', 'tok-2') };
        return { body: feed };
      },
    });
    const section = () => $('[data-testid="calendar-feed"]')!;
    expect(section().textContent).toContain('S’abonner dans mon agenda');
    expect($('[data-testid="feed-url"]')).toBeNull();
    await click('[data-testid="feed-create"]');
    expect(requests.find((r) => r.method === 'POST')?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect($<HTMLInputElement>('[data-testid="feed-url"]')?.value).toBe(FEED.url);
    expect($('[data-testid="feed-open"]')?.getAttribute('href')).toBe(FEED.webcal_url);
    expect($('[data-testid="feed-open"]')?.textContent).toBe('Ouvrir dans l’agenda');
    await click('[data-testid="feed-copy"]');
    expect(writeText).toHaveBeenCalledWith(FEED.url);
    expect($('[data-testid="feed-copy"]')?.textContent).toBe('Copié');

    await click('[data-testid="feed-renew"]');
    expect($('[data-testid="feed-renew-dialog"]')?.textContent).toContain('L’ancien lien cessera de fonctionner');
    expect(made).toBe(1); // not before the confirmation
    await click('[data-testid="feed-renew-confirm"]');
    expect(made).toBe(2);
    expect($('[data-testid="feed-renew-dialog"]')).toBeNull();
    expect($<HTMLInputElement>('[data-testid="feed-url"]')?.value).toContain('tok-2');
    expect(section().textContent).toContain('Nouveau lien créé : l’ancien ne fonctionne plus.');
  });

  it('shows an existing link at once, and problems', async () => {
    await start('/timetable', { 'GET /api/me/calendar-feed': { body: FEED } });
    expect($<HTMLInputElement>('[data-testid="feed-url"]')?.value).toBe(FEED.url);
    expect($('[data-testid="feed-create"]')).toBeNull();
    render(null, root);
    await start('/timetable', { 'GET /api/me/calendar-feed': PROBLEM('service-unavailable', 503) });
    expect($('[data-testid="calendar-feed"] [data-testid="problem"]')).not.toBeNull();
    expect($('[data-testid="feed-create"]')).toBeNull();
  });
});
