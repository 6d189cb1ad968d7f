import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { courses, type Course, type CourseTeacher, type MyCourses } from '../api/courses';
import { messages } from '../api/messages';
import type { Failure } from '../api/problems';
import { KIND_LABELS, useCampusName } from '../components/ClassCard';
import { ProblemAlert } from '../components/Form';
import { useOwnedLoad } from '../components/useOwnedLoad';
import { serviceNameId, serviceTarget } from '../components/ServiceLink';
import { safeColor } from '../config';
import { coursesCopy } from '../courses/store';
import { formatMinutes, hoursLine } from '../courses/hours';
import { useI18n } from '../i18n';
import { formatDay, formatDayMonth, formatTime, TIME_ZONE } from '../i18n/format';
import { rememberConversation } from '../messages/conversations';
import { unreachable } from '../offline/records';
import { navigate } from '../router';
import { classDay, inProgress, useNow } from '../timetable/weeks';

type CoursesState =
  | { status: 'loading' }
  | { status: 'ready'; data: MyCourses; offline: boolean; fetchedAt: number }
  | { status: 'failed'; failure: Failure };

const LOADING: CoursesState = { status: 'loading' };

/** Ask the server; when it cannot be reached (or fails), the copy kept on this device, if it is this person's. */
async function loadCourses(owner: string | null): Promise<CoursesState> {
  const outcome = await courses.mine();
  if (outcome.ok) {
    const fetchedAt = Date.now();
    if (owner) void coursesCopy.write({ owner, fetchedAt, data: outcome.data });
    return { status: 'ready', data: outcome.data, offline: false, fetchedAt };
  }
  if (unreachable(outcome.failure)) {
    const stored = await coursesCopy.read(owner);
    if (stored) return { status: 'ready', data: stored.data, offline: true, fetchedAt: stored.fetchedAt };
  }
  return { status: 'failed', failure: outcome.failure };
}

/** When the first class under way or next ends (then the course's next one is another): ask again. */
function refreshDelay(state: CoursesState): number | null {
  if (state.status !== 'ready' || state.offline) return null;
  const ends = state.data.courses.flatMap((c) => (c.next ? [Date.parse(c.next.ends_at)] : []));
  if (ends.length === 0) return null;
  // setTimeout's longest wait is about 24 days; a day is plenty (the page is asked again then).
  return Math.min(Math.max(1_000, Math.min(...ends) - Date.now() + 1_000), 86_400_000);
}


/** The class under way (« En cours ») or the next one: day, time, kind, rooms and campus. */
function NextSession({ course, now, offline }: { course: Course; now: number; offline: boolean }) {
  const { t, lang } = useI18n();
  const campusName = useCampusName();
  const next = course.next ?? null;
  // An offline copy's next class may be over: what follows it is not known until the network is back.
  if (next && offline && Date.parse(next.ends_at) <= now) return null;
  if (!next)
    return (
      <p class="course-next muted" data-testid="course-next-none">
        {t('courses.noNext')}
      </p>
    );
  const happening = inProgress(next, now);
  const where = [next.rooms.join(', '), campusName(next.campus)].filter(Boolean).join(' · ');
  return (
    <p class="course-next" data-testid="course-next">
      {happening ? (
        <span class="badge badge-now" data-testid="course-now">
          {t('timetable.now')}
        </span>
      ) : (
        <span class="muted block">{t('courses.next')}</span>
      )}
      <strong>
        {!happening && `${classDay(next.starts_at, TIME_ZONE, now, lang, t)} `}
        <time dateTime={next.starts_at}>{formatTime(next.starts_at, lang)}</time>
        {' – '}
        <time dateTime={next.ends_at}>{formatTime(next.ends_at, lang)}</time>
      </strong>
      <span class={`badge badge-kind badge-kind-${next.kind}`}>{t(KIND_LABELS[next.kind] ?? 'timetable.kind.other')}</span>
      {where && (
        <span class="block" data-testid="course-where">
          {where}
        </span>
      )}
    </p>
  );
}

/** Hours done and to come by kind, each with a bar. */
function Hours({ course }: { course: Course }) {
  const { t, lang } = useI18n();
  if (course.hours.length === 0) return null;
  return (
    <ul class="course-hours" data-testid="course-hours">
      {course.hours.map((h) => {
        const id = serviceNameId('hours', `${course.code}-${h.kind}`);
        const total = h.done_minutes + h.to_come_minutes;
        return (
          <li key={h.kind} data-kind={h.kind}>
            <span id={id} data-testid="course-hours-line">
              {hoursLine(h, lang, t)}
            </span>
            {total > 0 && (
              <progress value={h.done_minutes} max={total} aria-labelledby={id} aria-valuetext={`${formatMinutes(h.done_minutes, lang)} / ${formatMinutes(total, lang)}`} />
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** A teacher, and « Écrire » when messaging lets the person write to them: the conversation opens. */
function Teacher({ teacher }: { teacher: CourseTeacher }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const id = teacher.may_write ? teacher.person_id : undefined;
  const write = async (person: string) => {
    setBusy(true);
    setFailure(null);
    const outcome = await messages.start({ person });
    setBusy(false);
    if (!outcome.ok) return setFailure(outcome.failure);
    rememberConversation(outcome.data);
    navigate(`/messages/${outcome.data.id}`);
  };
  return (
    <li data-testid="course-teacher">
      <span>{teacher.name}</span>
      {id && (
        <button
          type="button"
          class="button button-secondary"
          aria-label={t('courses.writeTo', { name: teacher.name })}
          aria-busy={busy ? true : undefined}
          disabled={busy}
          data-testid="course-write"
          onClick={() => void write(id)}
        >
          {busy && <span class="spinner" aria-hidden="true" />}
          {t('courses.write')}
        </button>
      )}
      <ProblemAlert failure={failure} />
    </li>
  );
}

/** « Ouvrir dans Célène »: a plain link (through /cas/login in this tab, or the platform's address in a new tab). */
function PlatformLink({ href, platform }: { href: string | undefined; platform: string | undefined }) {
  const { t } = useI18n();
  const target = href ? serviceTarget({ href }) : null;
  if (!target) return null;
  const label = platform ? t('courses.open', { platform }) : t('courses.openOnline');
  return target.external ? (
    <a class="button button-secondary button-block" href={target.href} target="_blank" rel="noopener" data-testid="course-platform">
      {label}
      <span class="visually-hidden"> {t('services.newTab')}</span>
    </a>
  ) : (
    // /cas/login is the server's: the router leaves it to a full navigation.
    <a class="button button-secondary button-block" href={target.href} data-testid="course-platform">
      {label}
    </a>
  );
}

function CourseCard({ course, platform, now, offline }: { course: Course; platform: string | undefined; now: number; offline: boolean }) {
  const { t } = useI18n();
  const card = useRef<HTMLElement>(null);
  const colour = safeColor(course.colour);
  // The course's colour as a custom property through the CSSOM (the CSP allows no inline style).
  useLayoutEffect(() => {
    if (colour) card.current?.style.setProperty('--course', colour);
    else card.current?.style.removeProperty('--course');
  }, [colour]);
  const titleId = serviceNameId('course', course.code);
  return (
    <section class="card course-card" ref={card} aria-labelledby={titleId} data-testid="course" data-code={course.code}>
      <h2 id={titleId} data-testid="course-title">
        {course.title}
      </h2>
      <NextSession course={course} now={now} offline={offline} />
      <Hours course={course} />
      {course.teachers.length > 0 && (
        <>
          <h3>{t('courses.teachers')}</h3>
          <ul class="course-teachers">
            {course.teachers.map((teacher) => (
              <Teacher key={teacher.person_id ?? teacher.name} teacher={teacher} />
            ))}
          </ul>
        </>
      )}
      <PlatformLink href={course.platform_href} platform={platform} />
    </section>
  );
}

/** « Mes cours »: each course of the semester, its next class, its hours, its teachers and its page online. */
export function Courses() {
  const { t, lang } = useI18n();
  const [state, retry] = useOwnedLoad(loadCourses, refreshDelay, LOADING);
  const now = useNow();
  return (
    <>
      <h1>{t('page.courses')}</h1>
      {state.status === 'loading' && (
        <p class="muted" aria-busy="true" data-testid="courses-loading">
          {t('common.loading')}
        </p>
      )}
      {state.status === 'failed' && (
        <ProblemAlert failure={state.failure}>
          <button type="button" class="button button-secondary" onClick={retry} data-testid="courses-retry">
            {t('common.retry')}
          </button>
        </ProblemAlert>
      )}
      {state.status === 'ready' && (
        <>
          <p class="lead" data-testid="courses-semester">
            {t('courses.semester', { from: formatDay(state.data.semester_starts_on, lang, 'date'), to: formatDay(state.data.semester_ends_on, lang, 'date') })}
          </p>
          {state.offline && (
            <p class="freshness" role="status" data-testid="courses-offline">
              {t('timetable.offline', { date: formatDayMonth(state.fetchedAt, lang), time: formatTime(new Date(state.fetchedAt), lang) })}
            </p>
          )}
          {state.data.courses.length === 0 && (
            <p class="card" data-testid="courses-none">
              {t('courses.none')}
            </p>
          )}
          {state.data.courses.map((course) => (
            <CourseCard key={course.code} course={course} platform={state.data.learning_platform} now={now} offline={state.offline} />
          ))}
        </>
      )}
    </>
  );
}
