// What the help screens decide without the server: the statuses' labels, the lengths the server
// allows, the checks shown at once (the server checks again and says why it refuses), and who
// may do what to a request as it is.
import type { HelpDetail, HelpStatus, RegistrarMatch } from '../api/help';
import type { MessageKey } from '../i18n';

/** The longest subject and message, in characters (as the server counts them). */
export const SUBJECT_MAX = 200;
export const MESSAGE_MAX = 10_000;

export const STATUS_LABEL: Record<HelpStatus, MessageKey> = {
  new: 'help.status.new',
  in_progress: 'help.status.in_progress',
  waiting: 'help.status.waiting',
  resolved: 'help.status.resolved',
  closed: 'help.status.closed',
};

/** Every status, in their order. */
export const STATUSES: HelpStatus[] = ['new', 'in_progress', 'waiting', 'resolved', 'closed'];
/** What staff may set (« nouvelle » is where requests start, not where they go back). */
export const SETTABLE: HelpStatus[] = ['in_progress', 'waiting', 'resolved', 'closed'];

export const REGISTRAR_LABEL: Record<RegistrarMatch, MessageKey> = {
  matched: 'help.registrar.matched',
  partial: 'help.registrar.partial',
  none: 'help.registrar.none',
};

/** Characters as the server counts them (code points, spaces around trimmed). */
export const length = (text: string) => [...text.trim()].length;

export type TextError = 'required' | 'too-long';

/** A required text of at most `max` characters. */
export function checkText(text: string, max: number): TextError | undefined {
  const n = length(text);
  if (n === 0) return 'required';
  return n > max ? 'too-long' : undefined;
}

export interface RequestForm {
  category: string;
  subject: string;
  message: string;
}

export type RequestErrors = Partial<Record<keyof RequestForm, TextError>>;

/** The filing form's problems (empty when it may be sent). */
export function checkRequest(form: RequestForm): RequestErrors {
  const errors: RequestErrors = {};
  if (form.category === '') errors.category = 'required';
  const subject = checkText(form.subject, SUBJECT_MAX);
  if (subject) errors.subject = subject;
  const message = checkText(form.message, MESSAGE_MAX);
  if (message) errors.message = message;
  return errors;
}

export interface ConnectionForm {
  number: string;
  familyName: string;
  givenName: string;
  birthDate: string;
  email: string;
  subject: string;
  message: string;
}

export type ConnectionError = TextError | 'date' | 'email';
export type ConnectionErrors = Partial<Record<keyof ConnectionForm, ConnectionError>>;

/** An address that can receive mail, as the server judges it: one @, a dotted domain, no spaces. */
export function plausibleEmail(value: string): boolean {
  const email = value.trim();
  const at = email.indexOf('@');
  if (at <= 0 || email.length > 254 || /\s/.test(email)) return false;
  const domain = email.slice(at + 1);
  return !domain.includes('@') && domain.includes('.') && !domain.startsWith('.') && !domain.endsWith('.');
}

/** A real calendar date `YYYY-MM-DD` (what a date input gives). */
export function validDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const date = new Date(`${value}T12:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) && Number(m[1]) >= 1900;
}

/** The connection assistance form's problems (empty when it may be sent). */
export function checkConnection(form: ConnectionForm): ConnectionErrors {
  const errors: ConnectionErrors = {};
  const required = (field: 'number' | 'familyName' | 'givenName', max: number) => {
    const error = checkText(form[field], max);
    if (error) errors[field] = error;
  };
  required('number', 40);
  required('familyName', 100);
  required('givenName', 100);
  if (!validDate(form.birthDate)) errors.birthDate = 'date';
  if (!plausibleEmail(form.email)) errors.email = 'email';
  const subject = checkText(form.subject, SUBJECT_MAX);
  if (subject) errors.subject = subject;
  const message = checkText(form.message, MESSAGE_MAX);
  if (message) errors.message = message;
  return errors;
}

/** What the requester's reply box is, given the request as it is now. */
export type RequesterBox = 'reply' | 'reopen' | 'resolved' | 'closed';

export function requesterBox(detail: Pick<HelpDetail, 'status' | 'reopen_until'>, now: number = Date.now()): RequesterBox {
  if (detail.status === 'closed') return 'closed';
  if (detail.status === 'resolved') return detail.reopen_until && Date.parse(detail.reopen_until) > now ? 'reopen' : 'resolved';
  return 'reply';
}
