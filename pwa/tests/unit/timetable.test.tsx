import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetAuth, signOut } from '../../src/auth';
import { setLang, translate, type Lang, type MessageKey } from '../../src/i18n';
import { MESSAGE, safeAppPath } from '../../src/push/notification';
import { navigate, startRouter } from '../../src/router';
import { handleWorkerMessage } from '../../src/sw-register';
import type { Timetable, TimetableEvent } from '../../src/api/timetable';
import { changeNotes } from '../../src/timetable/changes';
import { addDays, isDay, localDay, localTime, mondayOf, weekday, zonedInstant } from '../../src/timetable/dates';
import { memoryBackend, readWeek, setWeekBackend, storedWeeks, writeWeek, type WeekBackend } from '../../src/timetable/store';
import { swipeDirection } from '../../src/timetable/swipe';
import { fetchWeek, forgetTimetable, nextClass } from '../../src/timetable/weeks';
import { CONFIG, ME, mockApi, PROBLEM, type Handler, type Reply } from './api-mock';
import { $, $$, flush, click, mount, unmount, openApp } from './dom';

const TZ = 'Europe/Paris';

// ---- Dates -------------------------------------------------------------------------------------

describe('dates in Europe/Paris', () => {
  it('checks YYYY-MM-DD dates', () => {
    expect(isDay('2026-12-03')).toBe(true);
    expect(isDay('2026-02-30')).toBe(false);
    expect(isDay('2026-2-3')).toBe(false);
    expect(isDay(null)).toBe(false);
  });

  it('finds the Monday–Sunday week of a day', () => {
    expect(mondayOf('2026-12-02')).toBe('2026-11-30');
    expect(mondayOf('2026-11-30')).toBe('2026-11-30');
    expect(mondayOf('2026-12-06')).toBe('2026-11-30');
    expect(mondayOf('2027-01-01')).toBe('2026-12-28'); // across the year
    expect(weekday('2026-12-06')).toBe(6);
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30'); // a 23-hour day is still one day
    expect(addDays('2026-11-30', -7)).toBe('2026-11-23');
  });

  it('takes the local date, not the UTC one, at the week boundary', () => {
    // Sunday 23:30 UTC is already Monday in Paris (winter +1, summer +2).
    expect(localDay('2026-11-29T23:30:00Z', TZ)).toBe('2026-11-30');
    expect(mondayOf(localDay('2026-11-29T23:30:00Z', TZ))).toBe('2026-11-30');
    expect(localDay('2026-11-29T22:59:00Z', TZ)).toBe('2026-11-29');
    expect(localDay('2026-06-14T22:30:00Z', TZ)).toBe('2026-06-15');
    expect(localTime('2026-12-03T08:00:00Z', TZ)).toBe('09:00');
    expect(localTime('2026-06-04T08:00:00Z', TZ)).toBe('10:00');
  });

  it('turns a local date and time into the instant, across the DST changes', () => {
    expect(zonedInstant('2026-12-03', '09:00', TZ).toISOString()).toBe('2026-12-03T08:00:00.000Z');
    expect(zonedInstant('2026-06-04', '09:00', TZ).toISOString()).toBe('2026-06-04T07:00:00.000Z');
    // Spring: Sunday 29 March 2026, 02:00 → 03:00.
    expect(zonedInstant('2026-03-29', '01:30', TZ).toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(zonedInstant('2026-03-29', '10:00', TZ).toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(zonedInstant('2026-03-29', '02:30', TZ).toISOString()).toBe('2026-03-29T01:30:00.000Z'); // does not exist: 03:30
    // Autumn: Sunday 25 October 2026, 03:00 → 02:00 (02:30 happens twice: the first one).
    expect(zonedInstant('2026-10-25', '02:30', TZ).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(zonedInstant('2026-10-25', '10:00', TZ).toISOString()).toBe('2026-10-25T09:00:00.000Z');
    expect(localTime(zonedInstant('2026-10-26', '08:00', TZ), TZ)).toBe('08:00');
  });
});

// ---- Change labels -----------------------------------------------------------------------------

const event = (patch: Partial<TimetableEvent> = {}): TimetableEvent => ({
  id: 1,
  course_code: 'INF101',
  title: 'Algorithmique',
  colour: '#1d4ed8',
  kind: 'td',
  starts_at: '2026-12-03T08:00:00Z',
  ends_at: '2026-12-03T10:00:00Z',
  rooms: ['B206'],
  campus: 'grandmont',
  teachers: ['PETIT Isabelle'],
  groups: ['L1-INFO-TD2'],
  status: 'scheduled',
  ...patch,
});
const change = (changes: TimetableEvent['change'] extends infer C ? (C extends { changes: infer K } ? K : never) : never, extra = {}) => ({
  at: '2026-12-01T10:00:00Z',
  changes,
  ...extra,
});
const notes = (e: TimetableEvent, lang: Lang = 'fr') =>
  changeNotes(e, (key: MessageKey, params?: Record<string, string>) => translate(lang, key, params), lang, TZ).map((n) => n.text);

describe('change labels', () => {
  it('says what changed and what it was', () => {
    expect(notes(event())).toEqual([]);
    expect(notes(event({ change: change(['time'], { previous_starts_at: '2026-12-03T09:00:00Z' }) }))).toEqual(['Déplacé — était à 10:00']);
    expect(notes(event({ change: change(['time'], { previous_starts_at: '2026-12-01T09:15:00Z' }) }))).toEqual([
      'Déplacé — était le mar. 1 déc. à 10:15',
    ]);
    expect(notes(event({ change: change(['room'], { previous_rooms: ['B204'] }) }))).toEqual(['Salle modifiée — était B204']);
    expect(notes(event({ change: change(['teacher'], { previous_teachers: ['DURAND Marc'] }) }))).toEqual([
      'Enseignant modifié — était DURAND Marc',
    ]);
    expect(notes(event({ change: change(['added']) }))).toEqual(['Nouveau']);
    expect(notes(event({ change: change(['restored']) }))).toEqual(['Rétabli']);
    expect(
      notes(event({ change: change(['time', 'room'], { previous_starts_at: '2026-12-03T07:00:00Z', previous_rooms: ['E014', 'E015'] }) })),
    ).toEqual(['Déplacé — était à 08:00', 'Salle modifiée — était E014, E015']);
  });

  it('says « Annulé » once for a cancelled class', () => {
    expect(notes(event({ status: 'cancelled', change: change(['cancelled'], { reason: 'Grève' }) }))).toEqual(['Annulé']);
    expect(notes(event({ status: 'cancelled' }))).toEqual(['Annulé']);
  });

  it('in English too', () => {
    expect(notes(event({ change: change(['room'], { previous_rooms: ['B204'] }) }), 'en')).toEqual(['Room changed — was B204']);
    expect(notes(event({ status: 'cancelled' }), 'en')).toEqual(['Cancelled']);
    expect(notes(event({ change: change(['time'], { previous_starts_at: '2026-12-03T09:00:00Z' }) }), 'en')).toEqual(['Moved — was at 10:00']);
  });
});

describe('next class and swipes', () => {
  const now = Date.parse('2026-12-03T09:00:00Z');
  it('is the one in progress, else the next not cancelled', () => {
    const a = event({ id: 1, starts_at: '2026-12-03T08:00:00Z', ends_at: '2026-12-03T10:00:00Z' });
    const b = event({ id: 2, starts_at: '2026-12-03T12:00:00Z', ends_at: '2026-12-03T13:00:00Z', status: 'cancelled' });
    const c = event({ id: 3, starts_at: '2026-12-03T14:00:00Z', ends_at: '2026-12-03T15:00:00Z' });
    expect(nextClass([c, b, a], now)?.id).toBe(1);
    expect(nextClass([c, b, a], Date.parse('2026-12-03T10:00:00Z'))?.id).toBe(3);
    expect(nextClass([b], now)).toBeNull();
  });
  it('tells a sideways swipe from a scroll', () => {
    expect(swipeDirection(-80, 10)).toBe('next');
    expect(swipeDirection(90, -20)).toBe('previous');
    expect(swipeDirection(-30, 0)).toBeNull();
    expect(swipeDirection(-80, 70)).toBeNull();
  });
});

// ---- The offline store -------------------------------------------------------------------------

const WEEK = '2026-11-30';
const timetableOf = (from: string, events: TimetableEvent[]): Timetable => ({ from, to: addDays(from, 6), time_zone: TZ, events });

/** GET /api/me/timetable over per-week data, with ETags; records the If-None-Match it got. */
function timetableRoute(weeks: Record<string, TimetableEvent[]>, etags: Record<string, string> = {}) {
  const seen: (string | null)[] = [];
  const handler: Handler = (request) => {
    const url = new URL(request.url);
    const from = url.searchParams.get('from') ?? WEEK;
    const tag = etags[from] ?? `"w-${from}"`;
    seen.push(request.headers.get('If-None-Match'));
    if (request.headers.get('If-None-Match') === tag) return { status: 304, headers: { ETag: tag } };
    return { body: timetableOf(from, weeks[from] ?? []), headers: { ETag: tag } };
  };
  return { handler, seen };
}

let backend: WeekBackend;
beforeEach(async () => {
  backend = memoryBackend();
  setWeekBackend(backend);
  await forgetTimetable();
});

describe('the offline store', () => {
  it('keeps each week with its ETag, sends it back, keeps the copy on 304, shows it offline', async () => {
    const route = timetableRoute({ [WEEK]: [event()] });
    const { requests, fetch } = mockApi({ 'GET /api/me/timetable': route.handler });
    let clock = 1_000;
    const now = () => clock;

    const first = await fetchWeek(WEEK, 'p-1', now);
    expect(first).toMatchObject({ ok: true, data: { key: WEEK, offline: false, fetchedAt: 1_000 } });
    expect(requests[0]?.path).toBe('/api/me/timetable?from=2026-11-30&to=2026-12-06');
    expect(route.seen[0]).toBeNull();
    expect(await readWeek(WEEK)).toMatchObject({ owner: 'p-1', etag: '"w-2026-11-30"', fetchedAt: 1_000 });

    clock = 2_000;
    const second = await fetchWeek(WEEK, 'p-1', now);
    expect(route.seen[1]).toBe('"w-2026-11-30"');
    expect(second.ok && second.data.data.events.map((e) => e.id)).toEqual([1]);
    expect(second.ok && second.data.fetchedAt).toBe(2_000);
    expect((await readWeek(WEEK))?.fetchedAt).toBe(2_000); // confirmed: « mis à jour » now

    // Offline: the stored copy, with when it was last fetched.
    fetch.mockRejectedValue(new TypeError('Failed to fetch'));
    clock = 3_000;
    const offline = await fetchWeek(WEEK, 'p-1', now);
    expect(offline).toMatchObject({ ok: true, data: { offline: true, fetchedAt: 2_000 } });
    // The app started offline does not know who is signed in: the device's copy is shown.
    expect(await fetchWeek(WEEK, null, now)).toMatchObject({ ok: true, data: { offline: true } });
    // Nothing stored for another week: the failure.
    expect(await fetchWeek('2026-12-07', 'p-1', now)).toMatchObject({ ok: false, failure: { slug: 'network' } });
  });

  it('replaces the copy when the week changed, and shows problems that are not the network', async () => {
    const route = timetableRoute({ [WEEK]: [event()] });
    mockApi({ 'GET /api/me/timetable': route.handler });
    await fetchWeek(WEEK, 'p-1');
    const changed = timetableRoute({ [WEEK]: [event({ rooms: ['B112'] })] }, { [WEEK]: '"v2"' });
    mockApi({ 'GET /api/me/timetable': changed.handler });
    const again = await fetchWeek(WEEK, 'p-1');
    expect(changed.seen[0]).toBe('"w-2026-11-30"');
    expect(again.ok && again.data.data.events[0]?.rooms).toEqual(['B112']);
    expect((await readWeek(WEEK))?.etag).toBe('"v2"');

    mockApi({ 'GET /api/me/timetable': PROBLEM('invalid-period', 400) });
    expect(await fetchWeek(WEEK, 'p-1')).toMatchObject({ ok: false, failure: { slug: 'invalid-period' } });
    mockApi({ 'GET /api/me/timetable': PROBLEM('service-unavailable', 503) });
    expect(await fetchWeek(WEEK, 'p-1')).toMatchObject({ ok: true, data: { offline: true } });
  });

  it('never shows or keeps another person’s copy', async () => {
    await writeWeek({ key: WEEK, owner: 'someone-else', etag: '"x"', fetchedAt: 1, data: timetableOf(WEEK, [event({ title: 'Pas à moi' })]) });
    await writeWeek({ key: '2026-12-07', owner: 'someone-else', etag: '"y"', fetchedAt: 1, data: timetableOf('2026-12-07', []) });
    const route = timetableRoute({ [WEEK]: [event()] });
    mockApi({ 'GET /api/me/timetable': route.handler });
    const mine = await fetchWeek(WEEK, 'p-1');
    expect(route.seen[0]).toBeNull(); // not their ETag
    expect(mine.ok && mine.data.data.events[0]?.title).toBe('Algorithmique');
    expect((await storedWeeks()).map((w) => w.owner)).toEqual(['p-1']);
  });

  it('keeps a dozen weeks at most, the most recently fetched', async () => {
    for (let i = 0; i < 15; i++) {
      await writeWeek({ key: addDays(WEEK, 7 * i), owner: 'p-1', etag: null, fetchedAt: i, data: timetableOf(addDays(WEEK, 7 * i), []) });
    }
    const kept = (await storedWeeks()).map((w) => w.fetchedAt).sort((a, b) => a - b);
    expect(kept).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('is emptied at sign-out', async () => {
    await writeWeek({ key: WEEK, owner: ME.person_id, etag: '"x"', fetchedAt: 1, data: timetableOf(WEEK, []) });
    mockApi({ 'DELETE /api/session': { status: 204 } });
    resetAuth({ status: 'signed-in', me: { ...ME, role: 'student' } as never });
    await signOut();
    expect(await storedWeeks()).toEqual([]);
  });
});

// ---- Screens -----------------------------------------------------------------------------------

let root: HTMLElement;
let stop: () => void;
async function start(path: string, routes: Record<string, Handler | Reply>, me = ME) {
  const mock = mockApi({ 'GET /api/config/public': { body: CONFIG }, 'GET /api/session': { body: me }, ...routes });
  await openApp(path);
  return mock;
}

// Wednesday 2 December 2026, 10:30 in Paris.
const NOW = new Date('2026-12-02T09:30:00Z');

/** A week of the student's classes (30 Nov – 6 Dec 2026), with each kind of change. */
const CLASSES: TimetableEvent[] = [
  event({ id: 10, title: 'Mathématiques discrètes', kind: 'cm', starts_at: '2026-12-02T08:00:00Z', ends_at: '2026-12-02T10:00:00Z', rooms: ['Amphi B'] }),
  event({
    id: 11,
    title: 'Programmation',
    kind: 'tp',
    starts_at: '2026-12-03T08:00:00Z',
    ends_at: '2026-12-03T11:00:00Z',
    rooms: ['B112'],
    change: change(['room'], { previous_rooms: ['E014'], reason: 'Vidéoprojecteur en panne' }),
  }),
  event({
    id: 12,
    title: 'Architecture des ordinateurs',
    kind: 'cm',
    starts_at: '2026-12-03T12:30:00Z',
    ends_at: '2026-12-03T14:30:00Z',
    status: 'cancelled',
    change: change(['cancelled'], { reason: 'Enseignant absent' }),
  }),
  event({
    id: 13,
    title: 'Anglais',
    kind: 'other',
    starts_at: '2026-12-03T15:00:00Z',
    ends_at: '2026-12-03T16:00:00Z',
    change: change(['time'], { previous_starts_at: '2026-12-03T09:00:00Z', previous_ends_at: '2026-12-03T10:00:00Z' }),
  }),
  event({ id: 14, title: 'Partiel', kind: 'exam', starts_at: '2026-12-04T08:00:00Z', ends_at: '2026-12-04T10:00:00Z', change: change(['added']) }),
];

describe('the timetable tab', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
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

  const feedRoutes = { 'GET /api/me/calendar-feed': { body: { url: null, webcal_url: null, created_at: null } } };

  it('opens on today, with the class in progress highlighted, and prefetches the weeks around', async () => {
    const route = timetableRoute({ [WEEK]: CLASSES });
    const { requests } = await start('/timetable', { 'GET /api/me/timetable': route.handler, ...feedRoutes });
    expect($('[data-testid="day-view"]')?.dataset.day).toBe('2026-12-02');
    expect($('[data-testid="day-title"]')?.textContent).toBe('mercredi 2 décembre');
    expect($('[data-testid="day-today"]')?.textContent).toBe('Aujourd’hui');
    const cards = $$('[data-testid="class"]');
    expect(cards).toHaveLength(1);
    expect(cards[0]?.classList.contains('class-now')).toBe(true);
    expect(cards[0]?.textContent).toContain('09:00 – 11:00');
    expect(cards[0]?.textContent).toContain('Amphi B · Campus Grandmont');
    expect(cards[0]?.textContent).toContain('PETIT Isabelle');
    expect(cards[0]?.querySelector('.badge-kind')?.textContent).toBe('CM');
    expect($('[data-testid="class-now"]')?.textContent).toBe('En cours');
    // The course colour through the CSSOM (no style attribute in the markup).
    expect(cards[0]?.style.getPropertyValue('--course')).toBe('#1d4ed8');
    const asked = requests.filter((r) => r.path.startsWith('/api/me/timetable')).map((r) => new URL(r.path, 'http://x').searchParams.get('from'));
    expect(asked).toEqual(['2026-11-30', '2026-12-07', '2026-11-23', '2026-12-14']);
    expect((await storedWeeks()).map((w) => w.key).sort()).toEqual(['2026-11-23', '2026-11-30', '2026-12-07', '2026-12-14']);
  });

  it('shows changed and cancelled classes, with the staff’s reason', async () => {
    await start('/timetable?day=2026-12-03', { 'GET /api/me/timetable': timetableRoute({ [WEEK]: CLASSES }).handler, ...feedRoutes });
    const card = (id: number) => $(`[data-event-id="${id}"]`)!;
    expect($('[data-testid="go-today"]')?.textContent).toBe('Revenir à aujourd’hui');
    expect(card(11).dataset.changed).toBe('true');
    expect(card(11).querySelector('[data-testid="class-where"]')?.textContent).toBe('B112 · Campus Grandmont');
    expect(card(11).querySelector('[data-testid="class-changes"]')?.textContent).toBe('Salle modifiée — était E014');
    expect(card(11).querySelector('[data-testid="class-reason"]')?.textContent).toBe('Motif : Vidéoprojecteur en panne');
    expect(card(12).classList.contains('class-cancelled')).toBe(true);
    expect(card(12).dataset.status).toBe('cancelled');
    expect(card(12).querySelector('[data-change="cancelled"]')?.textContent).toBe('Annulé');
    expect(card(12).querySelector('[data-testid="class-reason"]')?.textContent).toBe('Motif : Enseignant absent');
    expect(card(13).querySelector('[data-change="time"]')?.textContent).toBe('Déplacé — était à 10:00');
    expect(card(13).querySelector('.badge-kind')?.textContent).toBe('Autre');
    await click('[data-testid="day-next"]');
    expect(location.search).toBe('?day=2026-12-04');
    expect($('[data-event-id="14"] [data-change="added"]')?.textContent).toBe('Nouveau');
    expect($('[data-event-id="14"] .badge-kind')?.textContent).toBe('Examen');
    await click('[data-testid="day-next"]');
    expect($('[data-testid="no-classes"]')?.textContent).toBe('Pas de cours ce jour-là. Profitez-en !');
  });

  it('goes to the next or previous day with a swipe', async () => {
    await start('/timetable?day=2026-12-03', { 'GET /api/me/timetable': timetableRoute({ [WEEK]: CLASSES }).handler, ...feedRoutes });
    const swipe = async (from: number, to: number) => {
      const view = $('[data-testid="day-view"]')!;
      await act(() => {
        view.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, clientX: from, clientY: 300, isPrimary: true, button: 0 }));
        view.dispatchEvent(new PointerEvent('pointerup', { bubbles: true, clientX: to, clientY: 310, isPrimary: true, button: 0 }));
      });
      await flush();
    };
    await swipe(300, 100);
    expect(location.search).toBe('?day=2026-12-04');
    await swipe(100, 300);
    await swipe(100, 300);
    expect(location.search).toBe('?day=2026-12-02');
    await swipe(100, 120); // a tap, not a swipe
    expect(location.search).toBe('?day=2026-12-02');
  });

  it('shows the week, today marked; a day opens its day view', async () => {
    await start('/timetable?day=2026-12-03&view=week', { 'GET /api/me/timetable': timetableRoute({ [WEEK]: CLASSES }).handler, ...feedRoutes });
    expect($('[data-testid="view-week"]')?.getAttribute('aria-pressed')).toBe('true');
    expect($('[data-testid="week-title"]')?.textContent).toBe('Du lun. 30 nov. au dim. 6 déc.');
    const days = $$('[data-testid="week-day"]');
    expect(days.map((d) => d.dataset.day)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']);
    expect(days[2]?.getAttribute('aria-current')).toBe('date');
    expect(days[0]?.textContent).toContain('Pas de cours');
    expect(days[3]?.querySelectorAll('[data-testid="class"]')).toHaveLength(3);
    await click('[data-testid="week-next"]');
    expect(location.search).toBe('?day=2026-12-07&view=week');
    await click('[data-testid="week-previous"]');
    await click('[data-day="2026-12-03"] .week-day-title a');
    expect(location.search).toBe('?day=2026-12-03');
    expect($('[data-testid="day-view"]')?.dataset.day).toBe('2026-12-03');
  });

  it('started offline, shows the stored week and when it was fetched', async () => {
    await writeWeek({ key: WEEK, owner: ME.person_id, etag: '"old"', fetchedAt: Date.parse('2026-12-01T17:45:00Z'), data: timetableOf(WEEK, CLASSES) });
    localStorage.setItem('ent.signedIn', '1'); // signed in on this device before
    const { fetch } = mockApi({});
    fetch.mockRejectedValue(new TypeError('Failed to fetch'));
    await openApp('/timetable?day=2026-12-03');
    expect($('[data-testid="timetable-offline"]')?.textContent).toBe('Hors ligne — mis à jour le 1 décembre à 18:45');
    expect($$('[data-testid="class"]')).toHaveLength(3);
    // The home page's card reads the same copy.
    await act(() => navigate('/'));
    await flush();
    expect($('[data-testid="next-class-title"]')?.textContent).toBe('Mathématiques discrètes');
    expect($('[data-testid="next-class"]')?.textContent).toContain('Hors ligne');
  });

  it('shows the problem when there is no copy, and tries again', async () => {
    let fail = true;
    await start('/timetable?day=2026-12-03', {
      'GET /api/me/timetable': (request) => (fail ? PROBLEM('service-unavailable', 503) : timetableRoute({ [WEEK]: CLASSES }).handler(request, undefined)),
      ...feedRoutes,
    });
    expect($('[data-testid="problem"]')?.textContent).toContain('Réessayer');
    fail = false;
    await click('[data-testid="problem"] button');
    expect($$('[data-testid="class"]')).toHaveLength(3);
  });

  it('a timetable notification opens its day', async () => {
    expect(safeAppPath('/timetable?day=2026-12-08', location.origin)).toBe('/timetable?day=2026-12-08');
    await start('/timetable', { 'GET /api/me/timetable': timetableRoute({ [WEEK]: CLASSES }).handler, ...feedRoutes });
    expect($('[data-testid="day-view"]')?.dataset.day).toBe('2026-12-02');
    await act(() => handleWorkerMessage({ data: { type: MESSAGE.navigate, path: '/timetable?day=2026-12-03' }, ports: [] }, location.origin));
    await flush();
    expect($('[data-testid="day-view"]')?.dataset.day).toBe('2026-12-03');
    expect($$('[data-testid="class"]')).toHaveLength(3);
  });

  it('the home page shows the next class, linking to its day', async () => {
    await start('/', { 'GET /api/me/timetable': timetableRoute({ [WEEK]: CLASSES }).handler });
    expect($('[data-testid="next-class-title"]')?.textContent).toBe('Mathématiques discrètes');
    expect($('[data-testid="next-class-now"]')?.textContent).toBe('En cours');
    expect($('[data-testid="next-class-link"]')?.getAttribute('href')).toBe('/timetable?day=2026-12-02');
    render(null, root);
    // After it: tomorrow's class (the cancelled one is skipped).
    vi.setSystemTime(new Date('2026-12-03T11:30:00Z'));
    await forgetTimetable();
    await start('/', { 'GET /api/me/timetable': timetableRoute({ [WEEK]: CLASSES }).handler });
    expect($('[data-testid="next-class-title"]')?.textContent).toBe('Anglais');
    expect($('[data-testid="next-class"]')?.textContent).toContain('Aujourd’hui 16:00 – 17:00');
  });

  it('the home page looks at next week when this one is over', async () => {
    vi.setSystemTime(new Date('2026-12-05T10:00:00Z'));
    const nextWeek = [event({ id: 20, title: 'Algorithmique', starts_at: '2026-12-07T07:00:00Z', ends_at: '2026-12-07T09:00:00Z', rooms: ['Amphi A'] })];
    await start('/', { 'GET /api/me/timetable': timetableRoute({ [WEEK]: CLASSES, '2026-12-07': nextWeek }).handler });
    expect($('[data-testid="next-class"]')?.textContent).toContain('lundi 7 décembre 08:00 – 10:00');
    expect($('[data-testid="next-class-link"]')?.getAttribute('href')).toBe('/timetable?day=2026-12-07');
  });
});
