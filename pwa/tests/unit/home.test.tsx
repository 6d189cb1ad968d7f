// The home that follows the role: the cards of `me.home.cards` in their order (unknown ones
// skipped), the bottom navigation of `me.home.tabs` (kept for offline starts), « Plus » without
// the sections that are tabs, and each card's content and empty state.
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HelpSummary } from '../../src/api/help';
import type { TimetableEvent } from '../../src/api/timetable';
import { setLang } from '../../src/i18n';
import { startRouter } from '../../src/router';
import { forgetSeen } from '../../src/components/TimetableChangesCard';
import { changedSince } from '../../src/timetable/changes';
import { addDays, mondayOf } from '../../src/timetable/dates';
import { memoryBackend, setWeekBackend, writeWeek } from '../../src/timetable/store';
import { forgetTimetable } from '../../src/timetable/weeks';
import { CONFIG, ME, mockApi, type Handler, type Reply } from './api-mock';
import { $, $$, click, flush, mount, openApp, type, unmount } from './dom';

const NOW = new Date('2026-12-02T09:30:00Z'); // a Wednesday, 10:30 in Tours
const TODAY = '2026-12-02';
const SEEN_KEY = `ent.timetableSeen.${ME.person_id}`;

const TEACHER_HOME = {
  cards: ['today_classes', 'unread', 'directory_search', 'favourite_services', 'news'],
  tabs: ['home', 'timetable', 'messages', 'directory', 'more'],
};
const STAFF_HOME = {
  cards: ['help_queues', 'unread', 'publishing', 'account_administration', 'directory_search', 'favourite_services', 'news'],
  tabs: ['home', 'messages', 'help', 'directory', 'more'],
};
const TEACHER = { ...ME, role: 'teacher', home: TEACHER_HOME };
const STAFF = { ...ME, role: 'staff', permissions: ['publishing', 'accounts', 'help:comptes'], home: STAFF_HOME };
/** A person whose home has only these cards. */
const withCards = (...cards: string[]) => ({ ...ME, home: { ...ME.home, cards } });

const event = (id: number, patch: Partial<TimetableEvent> = {}): TimetableEvent => ({
  id,
  course_code: 'INF101',
  title: 'Algorithmique',
  colour: '#1d4ed8',
  kind: 'td',
  starts_at: '2026-12-02T13:00:00Z',
  ends_at: '2026-12-02T15:00:00Z',
  rooms: ['B206'],
  campus: 'grandmont',
  teachers: ['PETIT Isabelle'],
  groups: ['L1-INFO-TD2'],
  status: 'scheduled',
  ...patch,
});

/** GET /api/me/timetable: the events of the week asked, by their Monday. */
const timetable =
  (events: TimetableEvent[]): Handler =>
  (request) => {
    const from = new URL(request.url).searchParams.get('from') ?? TODAY;
    const inWeek = events.filter((e) => mondayOf(e.starts_at.slice(0, 10)) === from);
    return { body: { from, to: addDays(from, 6), time_zone: 'Europe/Paris', events: inWeek } };
  };

const request = (id: number, patch: Partial<HelpSummary> = {}): HelpSummary => ({
  id,
  category: 'scolarite',
  category_label: 'Inscription et scolarité',
  subject: `Demande ${id}`,
  status: 'waiting',
  created_at: '2026-12-01T09:00:00Z',
  updated_at: '2026-12-02T09:00:00Z',
  unread: false,
  assigned_to_me: false,
  connection: false,
  ...patch,
});

async function start(path: string, me: object, routes: Record<string, Handler | Reply> = {}) {
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': { body: me },
    'GET /api/me/timetable': timetable([]),
    'GET /api/me/help-requests': { body: { items: [] } },
    'GET /api/me/messages/unread': { body: { total: 0 } },
    'GET /api/me/news': { body: { items: [] } },
    'GET /api/services': { body: { services: [] } },
    ...routes,
  });
  await openApp(path);
  return mock;
}

/** The cards of the home, top to bottom, by their test id. */
const cards = () => $$('main [data-testid]').filter((el) => el.parentElement?.tagName === 'MAIN').map((el) => el.dataset.testid);
const tabs = () => $$('nav.bottom-nav a').map((a) => a.dataset.tab);

let stop: () => void;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  localStorage.clear();
  sessionStorage.clear();
  setLang('fr');
  setWeekBackend(memoryBackend());
  await forgetTimetable();
  forgetSeen();
  mount();
  stop = startRouter();
});
afterEach(() => {
  unmount();
  stop();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the cards', () => {
  it('follow home.cards, in order', async () => {
    await start('/', withCards('news', 'favourite_services', 'next_class'));
    expect(cards()).toEqual(['university-name', 'greeting', 'news-card', 'favourites-card', 'next-class']);
    await start('/', withCards('next_class', 'favourite_services'));
    expect(cards()).toEqual(['university-name', 'greeting', 'next-class', 'favourites-card']);
  });

  it('skip the names they do not know, without an error', async () => {
    const errors = vi.spyOn(console, 'error');
    await start('/', withCards('wiki', 'toString', 'news'));
    expect(cards()).toEqual(['university-name', 'greeting', 'news-card']);
    expect(errors).not.toHaveBeenCalled();
  });

  it('offline after signing in: the next class from the stored timetable, whatever the cards', async () => {
    const week = mondayOf(TODAY);
    await writeWeek({ key: week, owner: ME.person_id, etag: null, fetchedAt: NOW.getTime(), data: { from: week, to: addDays(week, 6), time_zone: 'Europe/Paris', events: [event(1)] } });
    localStorage.setItem('ent.signedIn', '1');
    const { fetch } = mockApi({});
    fetch.mockRejectedValue(new TypeError('Failed to fetch'));
    await openApp('/');
    expect(cards()).toEqual(['university-name', 'next-class']);
    expect($('[data-testid="next-class-title"]')?.textContent).toBe('Algorithmique');
  });
});

describe('the bottom navigation', () => {
  it('follows home.tabs, and a section that is a tab is active there', async () => {
    await start('/directory/0b4f6c1e-8a57-4e83-9d0e-2f4b7a1c9e05', TEACHER);
    expect(tabs()).toEqual(['home', 'timetable', 'messages', 'directory', 'more']);
    expect($$('nav.bottom-nav .tab-label').map((l) => l.textContent)).toEqual(['Accueil', 'Emploi du temps', 'Messages', 'Annuaire', 'Plus']);
    expect($('nav.bottom-nav a[aria-current="page"]')?.dataset.tab).toBe('directory');
    expect($('a[data-tab="directory"]')?.getAttribute('href')).toBe('/directory');
    await start('/services', { ...ME, home: { cards: [], tabs: ['home', 'services', 'wiki', 'more'] } });
    expect(tabs()).toEqual(['home', 'services', 'more']);
    expect($('nav.bottom-nav a[aria-current="page"]')?.dataset.tab).toBe('services');
  });

  it('keeps the last tabs for an offline start, and forgets them at sign-out', async () => {
    await start('/', STAFF);
    expect(tabs()).toEqual(['home', 'messages', 'help', 'directory', 'more']);
    const { fetch } = mockApi({});
    fetch.mockRejectedValue(new TypeError('Failed to fetch'));
    await openApp('/');
    expect(tabs()).toEqual(['home', 'messages', 'help', 'directory', 'more']);
    await start('/more/security', STAFF, { 'DELETE /api/session': { status: 204 } });
    await click('[data-testid="logout"]');
    expect(localStorage.getItem('ent.tabs')).toBeNull();
  });

  it('« Plus » links the sections that are not tabs, never one that is', async () => {
    await start('/more', TEACHER);
    expect($('[data-testid="directory-link"]')).toBeNull();
    expect($('[data-testid="help-link"]')?.getAttribute('href')).toBe('/help');
    expect($('[data-testid="services-link"]')?.getAttribute('href')).toBe('/services');
    expect($('[data-testid="timetable-link"]')).toBeNull();
    await start('/more', { ...TEACHER, home: { ...TEACHER_HOME, tabs: ['home', 'timetable', 'messages', 'help', 'more'] } });
    expect($('[data-testid="directory-link"]')?.getAttribute('href')).toBe('/directory');
    expect($('[data-testid="help-link"]')).toBeNull();
  });
});

describe('« Cours du jour »', () => {
  const today = [
    event(1, { title: 'Algorithmique', starts_at: '2026-12-02T08:00:00Z', ends_at: '2026-12-02T10:00:00Z', groups: ['L1-INFO-TD1'], rooms: ['B206'] }),
    event(2, { title: 'Programmation', starts_at: '2026-12-02T14:00:00Z', ends_at: '2026-12-02T16:00:00Z', groups: ['L1-INFO-TD1', 'L1-INFO-TD2'], rooms: ['E014'] }),
    event(3, { title: 'Demain', starts_at: '2026-12-03T08:00:00Z', ends_at: '2026-12-03T10:00:00Z' }),
  ];

  it("shows today's classes with their groups and rooms, and links to the day", async () => {
    await start('/', TEACHER, { 'GET /api/me/timetable': timetable(today) });
    const card = $('[data-testid="today-classes"]');
    expect(card?.querySelector('h2')?.textContent).toBe('Cours du jour');
    expect($$('[data-testid="today-classes"] .class-title').map((h) => h.textContent)).toEqual(['Algorithmique', 'Programmation']);
    expect($$('[data-testid="today-classes"] [data-testid="class-groups"]').map((p) => p.textContent)).toEqual(['L1-INFO-TD1', 'L1-INFO-TD1, L1-INFO-TD2']);
    expect($$('[data-testid="today-classes"] [data-testid="class-where"]').map((p) => p.textContent)).toEqual(['B206 · Campus Grandmont', 'E014 · Campus Grandmont']);
    expect($('[data-testid="today-classes"] [data-testid="class-now"]')).not.toBeNull(); // 10:30, Algorithmique
    expect($('[data-testid="today-classes-timetable"]')?.getAttribute('href')).toBe(`/timetable?day=${TODAY}`);
  });

  it('says when there is none', async () => {
    await start('/', TEACHER, { 'GET /api/me/timetable': timetable([today[2]!]) });
    expect($('[data-testid="today-classes-none"]')?.textContent).toBe('Aucun cours aujourd’hui');
    setLang('en');
    await flush();
    expect($('[data-testid="today-classes-none"]')?.textContent).toBe('No classes today');
  });
});

describe('« Changements d’emploi du temps »', () => {
  const room = event(10, { title: 'Anglais', starts_at: '2026-12-03T13:00:00Z', ends_at: '2026-12-03T14:00:00Z', rooms: ['A110'], change: { at: '2026-12-01T10:00:00Z', changes: ['room'], previous_rooms: ['B206'] } });
  const cancelled = event(11, { title: 'Physique', starts_at: '2026-12-08T08:00:00Z', ends_at: '2026-12-08T10:00:00Z', status: 'cancelled', change: { at: '2026-12-02T08:00:00Z', changes: ['cancelled'] } });
  const past = event(12, { title: 'Passé', starts_at: '2026-12-01T08:00:00Z', ends_at: '2026-12-01T10:00:00Z', change: { at: '2026-12-01T07:00:00Z', changes: ['added'] } });
  const unchanged = event(13, { title: 'Chimie', starts_at: '2026-12-04T08:00:00Z', ends_at: '2026-12-04T10:00:00Z' });
  const week = [cancelled, past, unchanged, room];
  const student = withCards('timetable_changes');

  it('lists the coming classes that changed, soonest first', () => {
    expect(changedSince(week, 0, NOW.getTime()).map((e) => e.id)).toEqual([10, 11]);
    expect(changedSince(week, Date.parse('2026-12-01T12:00:00Z'), NOW.getTime()).map((e) => e.id)).toEqual([11]);
  });

  it('shows what changed in this week and the next, each linking to its day', async () => {
    await start('/', student, { 'GET /api/me/timetable': timetable(week) });
    const rows = $$('[data-testid="timetable-change"]');
    expect(rows.map((r) => r.dataset.eventId)).toEqual(['10', '11']);
    expect(rows[0]?.textContent).toContain('Anglais');
    expect(rows[0]?.textContent).toContain('jeu. 3 déc. 14:00');
    expect(rows[0]?.textContent).toContain('Salle modifiée — était B206');
    expect(rows[1]?.textContent).toContain('Annulé');
    expect(rows[1]?.querySelector('a')?.getAttribute('href')).toBe('/timetable?day=2026-12-08');
  });

  it('shows only what changed since the last visit, and nothing the next time', async () => {
    localStorage.setItem(SEEN_KEY, String(Date.parse('2026-12-01T12:00:00Z')));
    await start('/', student, { 'GET /api/me/timetable': timetable(week) });
    expect($$('[data-testid="timetable-change"]').map((r) => r.dataset.eventId)).toEqual(['11']);
    expect(Number(localStorage.getItem(SEEN_KEY))).toBe(NOW.getTime());
    // The next start of the app: seen.
    forgetSeen();
    await start('/', student, { 'GET /api/me/timetable': timetable(week) });
    expect($('[data-testid="timetable-changes"]')).toBeNull();
  });

  it('is not there when nothing changed', async () => {
    await start('/', student, { 'GET /api/me/timetable': timetable([unchanged, past]) });
    expect($('[data-testid="timetable-changes"]')).toBeNull();
  });
});

describe('« Nouveautés »', () => {
  it('counts the unread messages and the answered help requests, linking to each', async () => {
    await start('/', withCards('unread'), {
      'GET /api/me/messages/unread': { body: { total: 3 } },
      'GET /api/me/help-requests': { body: { items: [request(1, { unread: true }), request(2), request(3, { unread: true, status: 'resolved' })] } },
    });
    expect($('[data-testid="unread-messages"]')?.textContent).toBe('3 messages non lus');
    expect($('[data-testid="unread-messages"]')?.getAttribute('href')).toBe('/messages');
    expect($('[data-testid="unread-answers"]')?.textContent).toBe('2 réponses à vos demandes d’aide');
    expect($('[data-testid="unread-answers"]')?.getAttribute('href')).toBe('/help');
  });

  it('says one in the singular, and only what there is', async () => {
    await start('/', withCards('unread'), { 'GET /api/me/messages/unread': { body: { total: 1 } } });
    expect($('[data-testid="unread-messages"]')?.textContent).toBe('1 message non lu');
    expect($('[data-testid="unread-answers"]')).toBeNull();
  });

  it('says « Rien de nouveau » when there is nothing', async () => {
    await start('/', withCards('unread'), { 'GET /api/me/help-requests': { body: { items: [request(1)] } } });
    expect($('[data-testid="unread-none"]')?.textContent).toBe('Rien de nouveau');
    expect($('[data-testid="unread"]')).toBeNull();
  });
});

describe('the directory search card', () => {
  it('opens the directory with the name typed', async () => {
    const { requests } = await start('/', TEACHER, { 'GET /api/directory': { body: { people: [] } }, 'GET /api/directory/services': { body: [] } });
    expect($('[data-testid="directory-search"] h2')?.textContent).toBe('Annuaire');
    await type('[data-testid="directory-search"] input[name="q"]', ' Hélène ');
    await act(() => {
      $('[data-testid="directory-search"] form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await flush(350);
    expect(location.pathname + location.search).toBe('/directory?q=H%C3%A9l%C3%A8ne');
    expect($<HTMLInputElement>('input[name="q"]')?.value).toBe('Hélène');
    expect(requests.some((r) => r.path === '/api/directory?q=H%C3%A9l%C3%A8ne')).toBe(true);
    // A tab of its own: no « ‹ Plus » back to where it is not linked.
    expect($('a.back-link')).toBeNull();
  });
});

describe('the staff cards', () => {
  const QUEUES = [
    { code: 'comptes', categories: ['Connexion et compte'], counts: { new: 2, in_progress: 1, waiting: 1, resolved: 4, closed: 9 } },
    { code: 'scolarite', categories: [], counts: { new: 0, in_progress: 0, waiting: 0, resolved: 1, closed: 0 } },
  ];

  it('show the help queues with what waits there, and the publishing and accounts tools', async () => {
    await start('/', STAFF, { 'GET /api/help/queues': { body: QUEUES } });
    expect(cards().slice(2, 5)).toEqual(['help-queues', 'unread-none', 'publishing-card']);
    const queues = $$('[data-testid="help-queues"] a[data-queue]');
    expect(queues.map((a) => a.getAttribute('href'))).toEqual(['/help/queues?queue=comptes', '/help/queues?queue=scolarite']);
    expect(queues.map((a) => a.textContent)).toEqual(['Connexion et compte4 ouvertes, dont 2 nouvelles', 'scolarite0 ouvertes, dont 0 nouvelles']);
    expect($('[data-testid="publishing-card"]')?.getAttribute('href')).toBe('/more/news');
    expect($('[data-testid="publishing-card"] strong')?.textContent).toBe('Publier une actualité');
    expect($('[data-testid="accounts-card"]')?.getAttribute('href')).toBe('/more/secretariat');
    expect($('[data-testid="accounts-card"] strong')?.textContent).toBe('Administration des comptes');
  });

  it('leave the queues out when they cannot be had', async () => {
    await start('/', STAFF, { 'GET /api/help/queues': { status: 503, body: { type: 'urn:ent-mobile:problem:service-unavailable', title: 'x', status: 503 } } });
    expect($('[data-testid="help-queues"]')).toBeNull();
    expect($('[data-testid="publishing-card"]')).not.toBeNull();
  });
});
