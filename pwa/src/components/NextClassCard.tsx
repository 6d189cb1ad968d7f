import { useI18n } from '../i18n';
import { formatTime } from '../i18n/format';
import { localDay } from '../timetable/dates';
import { classDay, inProgress, nextClass, timetablePath, useComingWeeks, useNow, weekZone } from '../timetable/weeks';
import { useCampusName } from './ClassCard';
import { ChevronIcon } from './Icons';

/**
 * « Prochain cours » on the home page: the next class that is not cancelled (« en cours » while
 * it happens), from this week or the next, through the same store as the timetable tab
 * (offline too), linking to its day. `owner` is the signed-in person (null when the app started
 * offline: the stored copy is theirs).
 */
export function NextClassCard({ owner }: { owner: string | null }) {
  const { t, lang } = useI18n();
  const campusName = useCampusName();
  const now = useNow();
  const [thisWeek, nextWeek] = useComingWeeks(owner, now);
  if (thisWeek.status === 'loading') return null;
  if (thisWeek.status === 'error' && nextWeek.status !== 'ready') return null;

  const tz = weekZone(thisWeek);
  let next = thisWeek.status === 'ready' ? nextClass(thisWeek.week.data.events, now) : null;
  if (!next && nextWeek.status === 'loading') return null;
  if (!next && nextWeek.status === 'ready') next = nextClass(nextWeek.week.data.events, now);
  const offline = (thisWeek.status === 'ready' && thisWeek.week.offline) || (nextWeek.status === 'ready' && nextWeek.week.offline);

  let body;
  if (!next) {
    body = (
      <p class="muted" data-testid="next-class-none">
        {t('home.nextClassNone')}
      </p>
    );
  } else {
    const day = localDay(next.starts_at, tz);
    const happening = inProgress(next, now);
    const when = classDay(next.starts_at, tz, now, lang, t);
    const where = [next.rooms.join(', '), campusName(next.campus)].filter(Boolean).join(' · ');
    body = (
      <a class="next-class" href={timetablePath(day)} data-testid="next-class-link">
        <span class="next-class-body">
          <span class="next-class-when">
            {happening ? (
              <span class="badge badge-now" data-testid="next-class-now">
                {t('home.nextClassNow')}
              </span>
            ) : (
              <span>{when}</span>
            )}{' '}
            <time dateTime={next.starts_at}>{formatTime(next.starts_at, lang, tz)}</time>
            {' – '}
            <time dateTime={next.ends_at}>{formatTime(next.ends_at, lang, tz)}</time>
          </span>
          <strong class="block" data-testid="next-class-title">
            {next.title}
          </strong>
          {where && <span class="muted block">{where}</span>}
        </span>
        <ChevronIcon />
      </a>
    );
  }
  return (
    <section class="card" aria-labelledby="next-class-title" data-testid="next-class">
      <h2 id="next-class-title">{t('home.nextClass')}</h2>
      {body}
      {offline && <p class="hint">{t('home.nextClassOffline')}</p>}
      <a class="list-link" href="/courses" data-testid="next-class-courses">
        <span>{t('courses.homeLink')}</span>
        <ChevronIcon />
      </a>
    </section>
  );
}
