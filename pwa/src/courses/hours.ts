// A course's hours in words: « 1 h 30 », « CM : 24 h faites, 16 h à venir ».
import type { CourseHours } from '../api/courses';
import { KIND_LABELS } from '../components/ClassCard';
import type { Lang, MessageKey } from '../i18n';

/** Minutes as « 24 h », « 1 h 30 », « 45 min » (English: « 1 h 30 min »). */
export function formatMinutes(minutes: number, lang: Lang): string {
  const total = Math.max(0, Math.round(minutes));
  const hours = Math.floor(total / 60);
  const rest = total % 60;
  if (rest === 0) return `${hours} h`;
  if (hours === 0) return `${rest} min`;
  return lang === 'fr' ? `${hours} h ${String(rest).padStart(2, '0')}` : `${hours} h ${rest} min`;
}

/** French agrees « faite » with one hour (from 1 h to 1 h 59) and with nothing done; « faites » otherwise. */
const oneDone = (minutes: number) => minutes <= 1 || (minutes >= 60 && minutes < 120);

/** « CM : 24 h faites, 16 h à venir ». */
export function hoursLine(h: CourseHours, lang: Lang, t: (key: MessageKey, params?: Record<string, string>) => string): string {
  return t('courses.hours', {
    kind: t(KIND_LABELS[h.kind] ?? 'timetable.kind.other'),
    done: t(oneDone(h.done_minutes) ? 'courses.doneOne' : 'courses.done', { time: formatMinutes(h.done_minutes, lang) }),
    toCome: t('courses.toCome', { time: formatMinutes(h.to_come_minutes, lang) }),
  });
}
