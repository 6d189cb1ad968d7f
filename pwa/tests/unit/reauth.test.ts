import { describe, expect, it, vi } from 'vitest';
import type { Outcome } from '../../src/api/client';
import { CANCELLED, withReauth } from '../../src/accounts/reauth';

const needed: Outcome<string> = { ok: false, failure: { slug: 'reauthentication-required', status: 403 } };

describe('reauthentication', () => {
  it('asks for the password and retries once', async () => {
    const call = vi.fn<() => Promise<Outcome<string>>>().mockResolvedValueOnce(needed).mockResolvedValueOnce({ ok: true, data: 'done' });
    const ask = vi.fn(() => Promise.resolve(true));
    expect(await withReauth(call, ask)).toEqual({ ok: true, data: 'done' });
    expect(call).toHaveBeenCalledTimes(2);
    expect(ask).toHaveBeenCalledOnce();
  });

  it('stops when the person cancels', async () => {
    const call = vi.fn(() => Promise.resolve(needed));
    expect(await withReauth(call, () => Promise.resolve(false))).toEqual({ ok: false, failure: CANCELLED });
    expect(call).toHaveBeenCalledOnce();
  });

  it('does not ask for other failures', async () => {
    const other: Outcome<string> = { ok: false, failure: { slug: 'password-incorrect', status: 401 } };
    const ask = vi.fn(() => Promise.resolve(true));
    expect(await withReauth(() => Promise.resolve(other), ask)).toBe(other);
    expect(ask).not.toHaveBeenCalled();
  });
});
