// What changed in a class, as the day view says it: « Déplacé — était à 10:00 », « Salle
// modifiée — était B204 », « Nouveau », « Rétabli », « Annulé ».
import type { TimetableEvent } from '../api/timetable';
import type { Lang, MessageKey } from '../i18n';
import { formatDay, formatTime } from '../i18n/format';
import { localDay } from './dates';

export type NoteKind = 'cancelled' | 'added' | 'time' | 'room' | 'teacher' | 'restored';

export interface ChangeNote {
  kind: NoteKind;
  text: string;
}

type Translate = (key: MessageKey, params?: Record<string, string>) => string;

/** The notes for a class: « Annulé » when it is, then each change of its last change. */
export function changeNotes(event: TimetableEvent, t: Translate, lang: Lang, timeZone: string): ChangeNote[] {
  const notes: ChangeNote[] = [];
  const cancelled = event.status === 'cancelled';
  if (cancelled) notes.push({ kind: 'cancelled', text: t('timetable.change.cancelled') });
  const change = event.change;
  if (!change) return notes;
  const seen = new Set<NoteKind>(notes.map((n) => n.kind));
  const add = (kind: NoteKind, text: string) => {
    if (seen.has(kind)) return;
    seen.add(kind);
    notes.push({ kind, text });
  };
  for (const what of change.changes) {
    switch (what) {
      case 'added':
        add('added', t('timetable.change.added'));
        break;
      case 'time': {
        const before = change.previous_starts_at;
        if (!before) add('time', t('timetable.change.timeOnly'));
        else if (localDay(before, timeZone) === localDay(event.starts_at, timeZone))
          add('time', t('timetable.change.movedAt', { time: formatTime(before, lang, timeZone) }));
        else
          add(
            'time',
            t('timetable.change.movedOn', {
              day: formatDay(localDay(before, timeZone), lang, 'short'),
              time: formatTime(before, lang, timeZone),
            }),
          );
        break;
      }
      case 'room': {
        const rooms = change.previous_rooms ?? [];
        add('room', rooms.length > 0 ? t('timetable.change.room', { rooms: rooms.join(', ') }) : t('timetable.change.roomNew'));
        break;
      }
      case 'teacher': {
        const teachers = change.previous_teachers ?? [];
        add(
          'teacher',
          teachers.length > 0 ? t('timetable.change.teacher', { teachers: teachers.join(', ') }) : t('timetable.change.teacherNew'),
        );
        break;
      }
      case 'cancelled':
        // Shown from the status: a class cancelled then restored says « Rétabli ».
        break;
      case 'restored':
        if (!cancelled) add('restored', t('timetable.change.restored'));
        break;
    }
  }
  return notes;
}

/** Whether a class is shown as changed (any note but none). */
export const isChanged = (event: TimetableEvent): boolean => event.status === 'cancelled' || (event.change?.changes.length ?? 0) > 0;

/** The staff's reason, when they gave one. */
export const changeReason = (event: TimetableEvent): string | null => {
  const reason = event.change?.reason?.trim();
  return reason ? reason : null;
};

/**
 * The classes still to come that changed after `since` (ms since the epoch: the person's last
 * look at them), soonest first: moved, cancelled, added, a room or teacher changed.
 */
export function changedSince(events: readonly TimetableEvent[], since: number, now: number): TimetableEvent[] {
  return events
    .filter((e) => e.change && Date.parse(e.change.at) > since && Date.parse(e.ends_at) > now)
    .sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
}
