import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Kind, TimetableEvent } from '../api/timetable';
import { safeColor, useConfig } from '../config';
import { useI18n, type MessageKey } from '../i18n';
import { formatTime } from '../i18n/format';
import { changeNotes, changeReason } from '../timetable/changes';
import { inProgress } from '../timetable/weeks';

export const KIND_LABELS: Record<Kind, MessageKey> = {
  cm: 'timetable.kind.cm',
  td: 'timetable.kind.td',
  tp: 'timetable.kind.tp',
  exam: 'timetable.kind.exam',
  other: 'timetable.kind.other',
};

/** The campus's name from the public configuration, else its code. */
export function useCampusName(): (code: string | null | undefined) => string | null {
  const config = useConfig();
  return (code) => {
    if (!code) return null;
    if (config.status !== 'ready') return code;
    return config.config.campuses.find((c) => c.code === code)?.name ?? code;
  };
}

/**
 * One class: the course's colour as a stripe (a custom property set through the CSSOM: the
 * CSP allows no inline style), its kind, time, rooms, campus, teachers, and what changed.
 */
export function ClassCard({
  event,
  timeZone,
  now,
  onSelect,
  selectLabel,
  groups = false,
}: {
  event: TimetableEvent;
  timeZone: string;
  now: number;
  /** Teachers: the groups who attend (students know their own). */
  groups?: boolean;
  /** Staff: the card is a button that opens the class's edit form. */
  onSelect?: (event: TimetableEvent) => void;
  selectLabel?: string;
}) {
  const { t, lang } = useI18n();
  const campusName = useCampusName();
  const card = useRef<HTMLElement>(null);
  const colour = safeColor(event.colour);
  useLayoutEffect(() => {
    if (colour) card.current?.style.setProperty('--course', colour);
    else card.current?.style.removeProperty('--course');
  }, [colour]);

  const cancelled = event.status === 'cancelled';
  const now_ = inProgress(event, now);
  const notes = changeNotes(event, t, lang, timeZone);
  const reason = changeReason(event);
  const campus = campusName(event.campus);
  const where = [event.rooms.join(', '), campus].filter(Boolean).join(' · ');
  const cls = ['class-card', cancelled && 'class-cancelled', now_ && 'class-now', notes.length > 0 && 'class-changed']
    .filter(Boolean)
    .join(' ');
  return (
    <article
      class={cls}
      ref={card}
      data-testid="class"
      data-event-id={event.id}
      data-status={event.status}
      data-changed={notes.length > 0 ? 'true' : undefined}
      aria-current={now_ ? 'time' : undefined}
    >
      <div class="class-head">
        <p class="class-time">
          <time dateTime={event.starts_at}>{formatTime(event.starts_at, lang, timeZone)}</time>
          {' – '}
          <time dateTime={event.ends_at}>{formatTime(event.ends_at, lang, timeZone)}</time>
        </p>
        <span class={`badge badge-kind badge-kind-${event.kind}`}>{t(KIND_LABELS[event.kind] ?? 'timetable.kind.other')}</span>
        {now_ && (
          <span class="badge badge-now" data-testid="class-now">
            {t('timetable.now')}
          </span>
        )}
      </div>
      <h3 class="class-title">
        {cancelled && <span class="visually-hidden">{t('timetable.change.cancelled')} : </span>}
        {event.title}
      </h3>
      {where && (
        <p class="class-where" data-testid="class-where">
          {where}
        </p>
      )}
      {event.teachers.length > 0 && <p class="class-teachers muted">{event.teachers.join(', ')}</p>}
      {groups && event.groups.length > 0 && (
        <p class="class-groups muted" data-testid="class-groups">
          {event.groups.join(', ')}
        </p>
      )}
      {notes.length > 0 && (
        <ul class="class-changes" data-testid="class-changes">
          {notes.map((note) => (
            <li key={note.kind} class={`change change-${note.kind}`} data-change={note.kind}>
              {note.text}
            </li>
          ))}
        </ul>
      )}
      {reason && (
        <p class="class-reason" data-testid="class-reason">
          {t('timetable.reason', { reason })}
        </p>
      )}
      {onSelect && (
        <button type="button" class="button button-secondary class-edit" data-testid="class-edit" onClick={() => onSelect(event)}>
          {selectLabel ?? t('groups.edit')}
        </button>
      )}
    </article>
  );
}

/** A day's classes, one card each (`groups`: with the groups who attend). */
export function ClassList({ events, timeZone, now, groups = false }: { events: TimetableEvent[]; timeZone: string; now: number; groups?: boolean }) {
  return (
    <ul class="class-list">
      {events.map((event) => (
        <li key={event.id}>
          <ClassCard event={event} timeZone={timeZone} now={now} groups={groups} />
        </li>
      ))}
    </ul>
  );
}
