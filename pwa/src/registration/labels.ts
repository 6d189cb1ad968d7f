// A registration's words, shared by the student's « Inscriptions et réinscriptions » and the
// secretariat's « Scolarité » section of a person: one place, so both screens say the same.
import type { RegistrationView } from '../api/registration';
import { formatDay, formatDayMonth } from '../i18n/format';
import type { Lang, MessageKey } from '../i18n';

type Translate = (key: MessageKey, params?: Record<string, string>) => string;

/** An administrative or a pedagogical status in words (the pedagogical ones are a subset). */
const STATUS: Record<RegistrationView['administrative'] | RegistrationView['pedagogical'], MessageKey> = {
  not_started: 'registration.status.not_started',
  in_progress: 'registration.status.in_progress',
  awaiting_documents: 'registration.status.awaiting_documents',
  awaiting_payment: 'registration.status.awaiting_payment',
  complete: 'registration.status.complete',
};

export const statusKey = (status: RegistrationView['administrative'] | RegistrationView['pedagogical']): MessageKey => STATUS[status];

/** Whether the CVEC attestation was given, in words. */
export const cvecKey = (r: RegistrationView): MessageKey => (r.cvec ? 'registration.cvecGiven' : 'registration.cvecMissing');

/** The latest academic year first (« 2027-2028 » before « 2026-2027 »), whatever order they came in. */
export const latestFirst = (list: readonly RegistrationView[]) => [...list].sort((a, b) => b.academic_year.localeCompare(a.academic_year));

/**
 * The student's sentence about the window: open until…, opens on…, or nothing (closed or done).
 * `today` is the university's calendar day, `YYYY-MM-DD`.
 */
export function windowSentence(r: RegistrationView, lang: Lang, t: Translate, today = new Date().toISOString().slice(0, 10)): string | null {
  const day = (d: string) => formatDayMonth(`${d}T12:00:00Z`, lang);
  if (r.due && r.closes_on) return t('registration.openUntil', { date: day(r.closes_on) });
  // Dates are the university's calendar days: comparing the strings is comparing the days.
  if (r.opens_on && r.opens_on > today) return t('registration.opensOn', { date: day(r.opens_on) });
  return null;
}

/** The window's dates with their years, « Du 5 décembre 2026 au 14 janvier 2027 », or null when there is none. */
export function windowDates(r: RegistrationView, lang: Lang, t: Translate): string | null {
  if (!r.opens_on || !r.closes_on) return null;
  return t('registration.window', { from: formatDay(r.opens_on, lang, 'date'), to: formatDay(r.closes_on, lang, 'date') });
}
