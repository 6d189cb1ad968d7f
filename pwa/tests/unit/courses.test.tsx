// « Mes cours »: hours in French and English words (« CM : 24 h faites, 16 h à venir », « 1 h 30 »),
// and the screen — loading, each course's card (colour, the next class or « En cours » or none,
// hours with bars, teachers with « Écrire » opening the conversation, the learning platform's
// link), the empty state, a problem with « Réessayer », the copy kept on the device (shown dated
// when the server cannot be reached, never another person's, emptied at sign-out), and the links
// from « Plus » and the home's « Prochain cours ».
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Course, MyCourses } from '../../src/api/courses';
import type { TimetableEvent } from '../../src/api/timetable';
import { signOut } from '../../src/auth';
import { formatMinutes, hoursLine } from '../../src/courses/hours';
import { coursesCopy } from '../../src/courses/store';
import { setLang, translate } from '../../src/i18n';
import { startRouter } from '../../src/router';
import { setWeekBackend } from '../../src/timetable/store';
import { forgetTimetable } from '../../src/timetable/weeks';
import { CONFIG, ME, mockApi, PROBLEM, type Handler, type Reply } from './api-mock';
import { $, $$, click, flush, mount, openApp, unmount } from './dom';

const NOW = Date.parse('2026-12-08T08:00:00Z'); // a Tuesday, 09:00 in Tours
const TEACHER = { ...ME, role: 'teacher', home: { cards: ['today_classes'], tabs: ['home', 'timetable', 'messages', 'directory', 'more'] } };
const STAFF = { ...ME, role: 'staff', home: { cards: ['news'], tabs: ['home', 'messages', 'help', 'directory', 'more'] } };

const event = (patch: Partial<TimetableEvent> = {}): TimetableEvent => ({
  id: 246,
  course_code: 'ALGO',
  title: 'Algorithmique',
  colour: '#1d4ed8',
  kind: 'td',
  starts_at: '2026-12-08T09:15:00Z',
  ends_at: '2026-12-08T11:15:00Z',
  rooms: ['B206'],
  campus: 'grandmont',
  teachers: ['PETIT Isabelle'],
  groups: ['L1 Informatique — TD 2'],
  status: 'scheduled',
  ...patch,
});

const course = (patch: Partial<Course> = {}): Course => ({
  code: 'ALGO',
  title: 'Algorithmique',
  colour: '#1d4ed8',
  teachers: [{ name: 'Isabelle Petit', person_id: 'cd86bf61-4afa-4ca4-a2e1-096c5c37f4ae', may_write: true }],
  next: event(),
  hours: [
    { kind: 'cm', done_minutes: 1440, to_come_minutes: 960 },
    { kind: 'td', done_minutes: 90, to_come_minutes: 30 },
  ],
  platform_href: '/cas/login?service=https%3A%2F%2Fcelene.univ-tours.fr%2Fcourse%2FALGO',
  ...patch,
});

const answer = (courses: Course[] = [course()], patch: Partial<MyCourses> = {}): MyCourses => ({
  semester_starts_on: '2026-09-01',
  semester_ends_on: '2027-01-18',
  learning_platform: 'Célène',
  courses,
  ...patch,
});

const offline: Handler = () => {
  throw new TypeError('Failed to fetch');
};

async function start(path: string, reply: Handler | Reply, me: object = ME, routes: Record<string, Handler | Reply> = {}) {
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': { body: me },
    'GET /api/me/courses': reply,
    'GET /api/me/timetable': { body: { from: '2026-12-07', to: '2026-12-13', time_zone: 'Europe/Paris', events: [event()] } },
    'GET /api/me/messages/unread': { body: { total: 0 } },
    ...routes,
  });
  await openApp(path);
  return mock;
}
const asked = (mock: ReturnType<typeof mockApi>) => mock.requests.filter((r) => r.path === '/api/me/courses').length;
const texts = (selector: string) => $$(selector).map((e) => e.textContent);

let stop: () => void;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], shouldAdvanceTime: true, advanceTimeDelta: 5 });
  vi.setSystemTime(NOW);
  setLang('fr');
  coursesCopy.setBackend();
  setWeekBackend();
  await forgetTimetable();
  mount();
  stop = startRouter();
});
afterEach(() => {
  unmount();
  stop();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('hours in words', () => {
  const t = (lang: 'fr' | 'en') => (key: Parameters<typeof translate>[1], params?: Record<string, string>) => translate(lang, key, params);

  it('writes minutes as hours and minutes', () => {
    expect([0, 45, 60, 65, 90, 1440, 1470].map((m) => formatMinutes(m, 'fr'))).toEqual(['0 h', '45 min', '1 h', '1 h 05', '1 h 30', '24 h', '24 h 30']);
    expect([45, 90, 1440].map((m) => formatMinutes(m, 'en'))).toEqual(['45 min', '1 h 30 min', '24 h']);
  });

  it('says what is done and to come by kind, agreeing « faite » with one hour', () => {
    expect(hoursLine({ kind: 'cm', done_minutes: 1440, to_come_minutes: 960 }, 'fr', t('fr'))).toBe('CM : 24 h faites, 16 h à venir');
    expect(hoursLine({ kind: 'td', done_minutes: 90, to_come_minutes: 0 }, 'fr', t('fr'))).toBe('TD : 1 h 30 faite, 0 h à venir');
    expect(hoursLine({ kind: 'tp', done_minutes: 0, to_come_minutes: 45 }, 'fr', t('fr'))).toBe('TP : 0 h faite, 45 min à venir');
    expect(hoursLine({ kind: 'exam', done_minutes: 120, to_come_minutes: 180 }, 'fr', t('fr'))).toBe('Examen : 2 h faites, 3 h à venir');
    expect(hoursLine({ kind: 'cm', done_minutes: 1440, to_come_minutes: 90 }, 'en', t('en'))).toBe('Lecture: 24 h done, 1 h 30 min to come');
  });
});

describe('the courses screen', () => {
  it('says it is loading until the answer comes', async () => {
    let release: (reply: Reply) => void = () => undefined;
    await start('/courses', () => new Promise<Reply>((resolve) => (release = resolve)));
    expect($('[data-testid="courses-loading"]')?.textContent).toBe('Chargement…');
    await act(() => release({ body: answer() }));
    await flush();
    expect($('[data-testid="courses-loading"]')).toBeNull();
    expect(texts('[data-testid="course-title"]')).toEqual(['Algorithmique']);
  });

  it('shows each course: its colour, next class, hours with bars, teachers and its page on the platform', async () => {
    await start('/courses', { body: answer() });
    expect($('h1')?.textContent).toBe('Mes cours');
    expect($('[data-testid="courses-semester"]')?.textContent).toBe('Semestre du 1 septembre 2026 au 18 janvier 2027');
    const card = $('[data-testid="course"]');
    expect(card?.style.getPropertyValue('--course')).toBe('#1d4ed8');
    expect($('[data-testid="course-next"]')?.textContent).toBe('Prochaine séanceAujourd’hui 10:15 – 12:15TDB206 · Campus Grandmont');
    expect(texts('[data-testid="course-hours-line"]')).toEqual(['CM : 24 h faites, 16 h à venir', 'TD : 1 h 30 faite, 30 min à venir']);
    const bars = $$('[data-testid="course-hours"] progress') as HTMLProgressElement[];
    expect(bars.map((b) => [b.getAttribute('value'), b.getAttribute('max')])).toEqual([
      ['1440', '2400'],
      ['90', '120'],
    ]);
    expect(bars[0]?.getAttribute('aria-labelledby')).toBe('hours-ALGO-cm');
    expect(texts('[data-testid="course-teacher"] span')).toEqual(['Isabelle Petit']);
    expect($('[data-testid="course-write"]')?.getAttribute('aria-label')).toBe('Écrire à Isabelle Petit');
    const platform = $<HTMLAnchorElement>('[data-testid="course-platform"]');
    expect(platform?.textContent).toBe('Ouvrir dans Célène');
    // Through the server's CAS login: a plain link in this tab, which the router leaves alone.
    expect(platform?.getAttribute('href')).toBe('/cas/login?service=https%3A%2F%2Fcelene.univ-tours.fr%2Fcourse%2FALGO');
    expect(platform?.hasAttribute('target')).toBe(false);
  });

  it('marks the class under way, and says when a course has none to come', async () => {
    vi.setSystemTime(Date.parse('2026-12-08T10:00:00Z'));
    await start('/courses', {
      body: answer([course(), course({ code: 'MATH', title: 'Mathématiques discrètes', next: null as unknown as undefined, teachers: [] })]),
    });
    const [algo, math] = $$('[data-testid="course"]');
    expect(algo?.querySelector('[data-testid="course-now"]')?.textContent).toBe('En cours');
    expect(algo?.querySelector('[data-testid="course-next"]')?.textContent).toBe('En cours10:15 – 12:15TDB206 · Campus Grandmont');
    expect(math?.querySelector('[data-testid="course-next-none"]')?.textContent).toBe('Aucune séance à venir');
    expect(math?.querySelector('[data-testid="course-teacher"]')).toBeNull();
  });

  it('asks again once the class under way or next is over', async () => {
    const mock = await start('/courses', { body: answer() });
    expect(asked(mock)).toBe(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(Date.parse('2026-12-08T11:15:01Z') - NOW);
    });
    await flush();
    expect(asked(mock)).toBe(2);
  });

  it('offers « Écrire » only to teachers the person may write to, and opens the conversation', async () => {
    const mock = await start(
      '/courses',
      {
        body: answer([
          course({
            teachers: [
              { name: 'Isabelle Petit', person_id: 'cd86bf61-4afa-4ca4-a2e1-096c5c37f4ae', may_write: true },
              { name: 'Marc Durand', person_id: 'bb164d01-30c4-4823-aa0e-c2a1142c23c1', may_write: false },
              { name: 'DUPONT Jean', may_write: false },
            ],
          }),
        ]),
      },
      ME,
      {
        'POST /api/me/conversations': { status: 201, body: { id: 7, kind: 'direct', title: 'Isabelle Petit', unread: 0, muted: false, as_service_staff: false } },
        'GET /api/conversations/7/messages': { body: { items: [] } },
      },
    );
    expect(texts('[data-testid="course-teacher"] > span')).toEqual(['Isabelle Petit', 'Marc Durand', 'DUPONT Jean']);
    expect($$('[data-testid="course-write"]')).toHaveLength(1);
    await click('[data-testid="course-write"]');
    const post = mock.requests.find((r) => r.method === 'POST' && r.path === '/api/me/conversations');
    expect(post?.body).toEqual({ person: 'cd86bf61-4afa-4ca4-a2e1-096c5c37f4ae' });
    expect(post?.headers.get('X-CSRF-Token')).toBe(ME.csrf_token);
    expect(location.pathname).toBe('/messages/7');
  });

  it('shows a refusal to start the conversation under the teacher', async () => {
    await start('/courses', { body: answer() }, ME, { 'POST /api/me/conversations': PROBLEM('messaging-not-allowed', 403) });
    await click('[data-testid="course-write"]');
    expect(location.pathname).toBe('/courses');
    expect($('[data-testid="course-teacher"] [data-testid="problem"]')?.dataset.problem).toBe('messaging-not-allowed');
  });

  it('opens a platform outside the ENT in a new tab, and has no link without an address', async () => {
    setLang('en');
    await start('/courses', {
      body: answer(
        [course({ platform_href: 'https://celene.univ-tours.fr/course/search.php?search=ALGO' }), course({ code: 'MATH', title: 'Maths', platform_href: undefined })],
        { learning_platform: 'Célène' },
      ),
    });
    const links = $$('[data-testid="course-platform"]') as HTMLAnchorElement[];
    expect(links).toHaveLength(1);
    expect(links[0]?.getAttribute('target')).toBe('_blank');
    expect(links[0]?.getAttribute('rel')).toBe('noopener');
    expect(links[0]?.textContent).toBe('Open in Célène (opens in a new tab)');
    expect(texts('[data-testid="course-hours-line"]')[0]).toBe('Lecture: 24 h done, 16 h to come');
    expect($('[data-testid="course-next"]')?.textContent).toBe('Next classToday 10:15 – 12:15TutorialB206 · Campus Grandmont');
  });

  it('says so when there are no courses (staff, or a student without groups)', async () => {
    await start('/courses', { body: answer([]) }, STAFF);
    expect($('[data-testid="courses-none"]')?.textContent).toContain('Aucun cours ce semestre');
    expect($('[data-testid="course"]')).toBeNull();
  });

  it('shows a problem with « Réessayer », which asks again', async () => {
    let n = 0;
    const mock = await start('/courses', () => (++n === 1 ? PROBLEM('internal', 500) : { body: answer() }));
    expect($('[data-testid="problem"]')).not.toBeNull();
    expect($('[data-testid="course"]')).toBeNull();
    await click('[data-testid="courses-retry"]');
    expect(asked(mock)).toBe(2);
    expect(texts('[data-testid="course-title"]')).toEqual(['Algorithmique']);
  });

  it('keeps the last answer on the device and shows it, dated, when the server cannot be reached', async () => {
    await start('/courses', { body: answer() });
    expect((await coursesCopy.read(ME.person_id))?.data.courses).toHaveLength(1);
    unmount();
    mount();
    vi.setSystemTime(NOW + 90 * 60_000);
    await start('/courses', offline);
    expect(texts('[data-testid="course-title"]')).toEqual(['Algorithmique']);
    expect($('[data-testid="courses-offline"]')?.textContent).toBe('Hors ligne — mis à jour le 8 décembre à 09:00');
    // Under way by now, still shown; a class over by now would not be (what follows is not known).
    expect($('[data-testid="course-now"]')).not.toBeNull();
  });

  it('never shows another person’s copy, and forgets it at sign-out', async () => {
    await start('/courses', { body: answer() });
    unmount();
    mount();
    await start('/courses', offline, { ...ME, person_id: 'p-2' });
    expect($('[data-testid="course"]')).toBeNull();
    expect($('[data-testid="problem"]')?.dataset.problem).toBe('network');
    mockApi({ 'DELETE /api/session': { status: 204 } });
    await act(() => signOut());
    expect(await coursesCopy.read()).toBeUndefined();
  });
});

describe('the way to « Mes cours »', () => {
  it('is in « Plus » for students and teachers, not for staff', async () => {
    await start('/more', { body: answer() });
    expect($<HTMLAnchorElement>('[data-testid="courses-link"]')?.getAttribute('href')).toBe('/courses');
    expect($('[data-testid="courses-link"]')?.textContent).toBe('Mes cours');
    unmount();
    mount();
    await start('/more', { body: answer() }, TEACHER);
    expect($('[data-testid="courses-link"]')).not.toBeNull();
    unmount();
    mount();
    await start('/more', { body: answer() }, STAFF);
    expect($('[data-testid="courses-link"]')).toBeNull();
  });

  it('is at the foot of the home’s « Prochain cours »', async () => {
    await start('/', { body: answer() }, { ...ME, home: { ...ME.home, cards: ['next_class'] } });
    expect($('[data-testid="next-class-title"]')?.textContent).toBe('Algorithmique');
    expect($<HTMLAnchorElement>('[data-testid="next-class-courses"]')?.getAttribute('href')).toBe('/courses');
    await click('[data-testid="next-class-courses"]');
    expect(location.pathname).toBe('/courses');
    expect(texts('[data-testid="course-title"]')).toEqual(['Algorithmique']);
  });
});
