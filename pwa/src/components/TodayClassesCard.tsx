import { useI18n } from '../i18n';
import { today } from '../timetable/dates';
import { eventsOn, thisMonday, timetablePath, useNow, useWeek, weekZone } from '../timetable/weeks';
import { ClassList } from './ClassCard';
import { ChevronIcon } from './Icons';

/**
 * « Cours du jour » (teachers): today's classes with their groups and rooms, from the same store
 * as the timetable tab, and a link to the day.
 */
export function TodayClassesCard({ owner }: { owner: string }) {
  const { t } = useI18n();
  const now = useNow();
  const week = useWeek(thisMonday(now), owner);
  const tz = weekZone(week);
  const day = today(tz, now);
  const events = week.status === 'ready' ? eventsOn(week.week.data.events, day, tz) : [];
  return (
    <section class="card" aria-labelledby="today-classes-title" data-testid="today-classes">
      <h2 id="today-classes-title">{t('home.todayClasses')}</h2>
      {week.status === 'loading' && (
        <p class="muted" aria-busy="true">
          {t('common.loading')}
        </p>
      )}
      {week.status === 'error' && <p class="muted">{t('home.todayClassesUnavailable')}</p>}
      {week.status === 'ready' &&
        (events.length === 0 ? (
          <p class="muted" data-testid="today-classes-none">
            {t('home.todayClassesNone')}
          </p>
        ) : (
          <ClassList events={events} timeZone={tz} now={now} groups />
        ))}
      <a class="list-link" href={timetablePath(day)} data-testid="today-classes-timetable">
        <span>{t('home.seeTimetable')}</span>
        <ChevronIcon />
      </a>
    </section>
  );
}
