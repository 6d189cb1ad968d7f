import { useEffect } from 'preact/hooks';
import type { TimetableEvent } from '../api/timetable';
import { useI18n } from '../i18n';
import { formatDay, formatTime } from '../i18n/format';
import { changedSince, changeNotes } from '../timetable/changes';
import { localDay } from '../timetable/dates';
import { timetablePath, useComingWeeks, useNow, weekZone } from '../timetable/weeks';
import { ChevronIcon } from './Icons';

// When each person last saw this card (localStorage, per person). It is read once per start of
// the app, so that what changed stays on the home while the app is open (the person may open the
// day and come back), and is gone the next time.
const seenKey = (person: string) => `ent.timetableSeen.${person}`;
const since = new Map<string, number>();

function lastSeen(person: string): number {
  let at = since.get(person);
  if (at === undefined) {
    try {
      at = Number(localStorage.getItem(seenKey(person))) || 0;
    } catch {
      at = 0; // storage disabled: every coming change is news
    }
    since.set(person, at);
  }
  return at;
}

function markSeen(person: string, at: number): void {
  try {
    localStorage.setItem(seenKey(person), String(at));
  } catch {
    // storage disabled
  }
}

/** For tests: as if the app started again. */
export function forgetSeen(): void {
  since.clear();
}

/** Shown at most; the timetable has the rest. */
const MAX_ROWS = 5;

function ChangeRow({ event, timeZone }: { event: TimetableEvent; timeZone: string }) {
  const { t, lang } = useI18n();
  const day = localDay(event.starts_at, timeZone);
  const notes = changeNotes(event, t, lang, timeZone);
  return (
    <li data-testid="timetable-change" data-event-id={event.id}>
      <a class="list-link" href={timetablePath(day)}>
        <span class="link-lines">
          <span>{event.title}</span>
          <span class="muted">
            {formatDay(day, lang, 'short')} <time dateTime={event.starts_at}>{formatTime(event.starts_at, lang, timeZone)}</time>
          </span>
          <span class="change-summary">{notes.map((note) => note.text).join(' · ')}</span>
        </span>
        <ChevronIcon />
      </a>
    </li>
  );
}

/**
 * « Changements d'emploi du temps »: the coming classes (this week and the next) moved,
 * cancelled or added since the person last saw this card; nothing at all when there are none.
 */
export function TimetableChangesCard({ owner }: { owner: string }) {
  const { t } = useI18n();
  const now = useNow();
  const weeks = useComingWeeks(owner, now);
  const ready = weeks.every((w) => w.status === 'ready');
  const seenBefore = lastSeen(owner);
  useEffect(() => {
    if (ready) markSeen(owner, Date.now());
  }, [ready, owner]);

  const tz = weekZone(weeks[0]);
  const events = weeks.flatMap((w) => (w.status === 'ready' ? w.week.data.events : []));
  const changed = changedSince(events, seenBefore, now);
  if (changed.length === 0) return null;
  return (
    <section class="card" aria-labelledby="timetable-changes-title" data-testid="timetable-changes">
      <h2 id="timetable-changes-title">{t('home.timetableChanges')}</h2>
      <ul class="link-list">
        {changed.slice(0, MAX_ROWS).map((event) => (
          <ChangeRow key={event.id} event={event} timeZone={tz} />
        ))}
      </ul>
    </section>
  );
}
