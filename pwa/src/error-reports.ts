import { api, type ClientError } from './api/client';

/** At most this many reports per page load: a loop of errors must not flood the server. */
export const MAX_REPORTS = 5;

type Report = ClientError;

const clip = (text: string, max: number) => (text.length > max ? text.slice(0, max) : text);

/** The report for an uncaught error or rejection, within the server's length limits. */
export function toReport(reason: unknown, path: string): Report {
  const error = reason instanceof Error ? reason : undefined;
  const message = error ? `${error.name}: ${error.message}` : String(reason);
  return {
    severity: 'error',
    message: clip(message || 'unknown error', 2000),
    path: clip(path, 500),
    ...(error?.stack ? { stack: clip(error.stack, 8000) } : {}),
  };
}

/**
 * Sends uncaught errors and unhandled rejections to POST /api/client-errors, where they are
 * logged; reporting never throws and never reports its own failures.
 */
export function reportUncaughtErrors(
  target: Window,
  send: (r: Report) => Promise<unknown> = (r) => api.POST('/client-errors', { body: r }),
): void {
  let sent = 0;
  const report = (reason: unknown) => {
    if (sent >= MAX_REPORTS) return;
    sent += 1;
    send(toReport(reason, target.location.pathname)).catch(() => undefined);
  };
  target.addEventListener('error', (event) => report(event.error ?? event.message));
  target.addEventListener('unhandledrejection', (event) => report(event.reason));
}
