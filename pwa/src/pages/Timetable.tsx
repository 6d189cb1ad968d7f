import type { ComponentChildren } from 'preact';
import { useAuth } from '../auth';
import { CalendarFeedSection } from '../components/CalendarFeed';
import { ClassList } from '../components/ClassCard';
import { ProblemAlert } from '../components/Form';
import { ChevronIcon } from '../components/Icons';
import { useI18n } from '../i18n';
import { formatDay, formatDayMonth, formatTime, TIME_ZONE } from '../i18n/format';
import { navigate, useSearch } from '../router';
import { addDays, isDay, mondayOf, today as todayIn, weekDays } from '../timetable/dates';
import { useSwipe } from '../timetable/swipe';
import { eventsOn, refreshWeek, timetablePath, useNow, useWeek, type View, type Week, type WeekState } from '../timetable/weeks';

/** « Hors ligne — mis à jour le 2 décembre à 08:15 », when the stored copy is shown. */
export function Freshness({ week }: { week: Week }) {
  const { t, lang } = useI18n();
  if (!week.offline) return null;
  const tz = week.data.time_zone || TIME_ZONE;
  return (
    <p class="freshness" role="status" data-testid="timetable-offline">
      {t('timetable.offline', { date: formatDayMonth(week.fetchedAt, lang, tz), time: formatTime(new Date(week.fetchedAt), lang, tz) })}
    </p>
  );
}

/** Loading, error (with « Réessayer »), or the week. */
function WeekGate({ state, onRetry, children }: { state: WeekState; onRetry: () => void; children: (week: Week) => ComponentChildren }) {
  const { t } = useI18n();
  if (state.status === 'loading')
    return (
      <p class="muted" aria-busy="true" data-testid="timetable-loading">
        {t('common.loading')}
      </p>
    );
  if (state.status === 'error')
    return (
      <ProblemAlert failure={state.failure}>
        <button type="button" class="button button-secondary" onClick={onRetry}>
          {t('common.retry')}
        </button>
      </ProblemAlert>
    );
  return <>{children(state.week)}</>;
}

function DayView({ day, today, state, now, onRetry }: { day: string; today: string; state: WeekState; now: number; onRetry: () => void }) {
  const { t, lang } = useI18n();
  const go = (next: string) => navigate(timetablePath(next), { replace: true });
  const swipe = useSwipe((direction) => go(addDays(day, direction === 'next' ? 1 : -1)));
  const isToday = day === today;
  return (
    <section class="day-view" aria-labelledby="day-title" data-testid="day-view" data-day={day} {...swipe}>
      <div class="pager">
        <button type="button" class="icon-button pager-prev" aria-label={t('timetable.previousDay')} data-testid="day-previous" onClick={() => go(addDays(day, -1))}>
          <ChevronIcon />
        </button>
        <div class="pager-title">
          <h2 id="day-title" data-testid="day-title">
            {formatDay(day, lang)}
          </h2>
          {isToday ? (
            <span class="badge badge-brand" data-testid="day-today">
              {t('timetable.today')}
            </span>
          ) : (
            <button type="button" class="link-button" data-testid="go-today" onClick={() => go(today)}>
              {t('timetable.backToToday')}
            </button>
          )}
        </div>
        <button type="button" class="icon-button" aria-label={t('timetable.nextDay')} data-testid="day-next" onClick={() => go(addDays(day, 1))}>
          <ChevronIcon />
        </button>
      </div>
      <WeekGate state={state} onRetry={onRetry}>
        {(week) => {
          const tz = week.data.time_zone || TIME_ZONE;
          const events = eventsOn(week.data.events, day, tz);
          return (
            <>
              <Freshness week={week} />
              {events.length === 0 ? (
                <div class="card empty-day" data-testid="no-classes">
                  <p>{t('timetable.noClasses')}</p>
                </div>
              ) : (
                <ClassList events={events} timeZone={tz} now={now} />
              )}
            </>
          );
        }}
      </WeekGate>
    </section>
  );
}

function WeekView({ day, today, state, now, onRetry }: { day: string; today: string; state: WeekState; now: number; onRetry: () => void }) {
  const { t, lang } = useI18n();
  const monday = mondayOf(day);
  const go = (next: string) => navigate(timetablePath(next, 'week'), { replace: true });
  const swipe = useSwipe((direction) => go(addDays(monday, direction === 'next' ? 7 : -7)));
  return (
    <section class="week-view" aria-labelledby="week-title" data-testid="week-view" data-week={monday} {...swipe}>
      <div class="pager">
        <button type="button" class="icon-button pager-prev" aria-label={t('timetable.previousWeek')} data-testid="week-previous" onClick={() => go(addDays(monday, -7))}>
          <ChevronIcon />
        </button>
        <div class="pager-title">
          <h2 id="week-title" data-testid="week-title">
            {t('timetable.weekOf', { from: formatDay(monday, lang, 'short'), to: formatDay(addDays(monday, 6), lang, 'short') })}
          </h2>
          {mondayOf(today) !== monday && (
            <button type="button" class="link-button" data-testid="go-today" onClick={() => go(today)}>
              {t('timetable.backToThisWeek')}
            </button>
          )}
        </div>
        <button type="button" class="icon-button" aria-label={t('timetable.nextWeek')} data-testid="week-next" onClick={() => go(addDays(monday, 7))}>
          <ChevronIcon />
        </button>
      </div>
      <WeekGate state={state} onRetry={onRetry}>
        {(week) => {
          const tz = week.data.time_zone || TIME_ZONE;
          return (
            <>
              <Freshness week={week} />
              {weekDays(monday).map((d, i) => {
                const events = eventsOn(week.data.events, d, tz);
                // The weekend only when something happens then.
                if (i >= 5 && events.length === 0) return null;
                return (
                  <section key={d} class={`week-day${d === today ? ' week-day-today' : ''}`} data-day={d} data-testid="week-day" aria-current={d === today ? 'date' : undefined}>
                    <h3 class="week-day-title">
                      <a href={timetablePath(d)}>{formatDay(d, lang)}</a>
                      {d === today && <span class="badge badge-brand">{t('timetable.today')}</span>}
                    </h3>
                    {events.length === 0 ? <p class="muted">{t('timetable.noClasses')}</p> : <ClassList events={events} timeZone={tz} now={now} />}
                  </section>
                );
              })}
            </>
          );
        }}
      </WeekGate>
    </section>
  );
}

/** The Emploi du temps tab: a day (default today, `?day=`), or its week (`&view=week`). */
export function Timetable() {
  const { t } = useI18n();
  const auth = useAuth();
  const owner = auth.status === 'signed-in' ? auth.me.person_id : null;
  const params = new URLSearchParams(useSearch());
  const now = useNow();
  const today = todayIn(TIME_ZONE, now);
  const asked = params.get('day');
  const day = isDay(asked) ? asked : today;
  const view: View = params.get('view') === 'week' ? 'week' : 'day';
  const monday = mondayOf(day);
  const state = useWeek(monday, owner, { prefetch: true });
  const retry = () => void refreshWeek(monday, owner, true);
  const setView = (next: View) => navigate(timetablePath(day, next), { replace: true });
  return (
    <>
      <h1>{t('page.timetable')}</h1>
      <div class="segmented view-switch" role="group" aria-label={t('timetable.view')}>
        <button type="button" aria-pressed={view === 'day'} data-testid="view-day" onClick={() => setView('day')}>
          {t('timetable.viewDay')}
        </button>
        <button type="button" aria-pressed={view === 'week'} data-testid="view-week" onClick={() => setView('week')}>
          {t('timetable.viewWeek')}
        </button>
      </div>
      {view === 'day' ? (
        <DayView day={day} today={today} state={state} now={now} onRetry={retry} />
      ) : (
        <WeekView day={day} today={today} state={state} now={now} onRetry={retry} />
      )}
      {auth.status === 'signed-in' && <CalendarFeedSection />}
    </>
  );
}
