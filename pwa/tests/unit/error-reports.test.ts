import { describe, expect, it, vi } from 'vitest';
import { MAX_REPORTS, reportUncaughtErrors, toReport } from '../../src/error-reports';

describe('error reports', () => {
  it('describes an error within the server limits', () => {
    const error = new TypeError('x'.repeat(3000));
    const report = toReport(error, '/timetable');
    expect(report.severity).toBe('error');
    expect(report.path).toBe('/timetable');
    expect(report.message.startsWith('TypeError: xxx')).toBe(true);
    expect(report.message.length).toBe(2000);
    expect(report.stack?.length).toBeLessThanOrEqual(8000);
    expect(toReport('plain text', '/').message).toBe('plain text');
  });

  it('sends uncaught errors and rejections, at most a few per page', () => {
    const target = new EventTarget() as unknown as Window;
    Object.defineProperty(target, 'location', { value: { pathname: '/help' } });
    const send = vi.fn(() => Promise.resolve());
    reportUncaughtErrors(target, send);
    target.dispatchEvent(Object.assign(new Event('error'), { error: new Error('boom') }));
    const rejection = Object.assign(new Event('unhandledrejection'), { reason: 'nope' });
    target.dispatchEvent(rejection);
    expect(send).toHaveBeenNthCalledWith(1, expect.objectContaining({ message: 'Error: boom', path: '/help' }));
    expect(send).toHaveBeenNthCalledWith(2, expect.objectContaining({ message: 'nope' }));
    for (let i = 0; i < 10; i += 1) target.dispatchEvent(rejection);
    expect(send).toHaveBeenCalledTimes(MAX_REPORTS);
  });
});
