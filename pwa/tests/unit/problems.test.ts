import { describe, expect, it } from 'vitest';
import { formatWait, parseRetryAfter, problemMessage, PROBLEM_MESSAGES, toFailure } from '../../src/api/problems';
import { catalogues, translate, type MessageKey } from '../../src/i18n';

const fr = (key: MessageKey, params?: Record<string, string>) => translate('fr', key, params);
const en = (key: MessageKey, params?: Record<string, string>) => translate('en', key, params);
const response = (status: number, headers: Record<string, string> = {}) => ({ status, headers: new Headers(headers) });

describe('problem documents', () => {
  it('reads the slug, title, detail and Retry-After', () => {
    const failure = toFailure(
      { type: 'urn:ent-mobile:problem:account-locked', title: 'Compte bloqué', status: 429, detail: 'Encore 4 minutes.' },
      response(429, { 'Retry-After': '240' }),
    );
    expect(failure).toEqual({ slug: 'account-locked', status: 429, title: 'Compte bloqué', detail: 'Encore 4 minutes.', retryAfter: 240 });
  });

  it('falls back to unknown for bodies that are not problems', () => {
    expect(toFailure('<html>', response(502))).toEqual({ slug: 'unknown', status: 502 });
    expect(toFailure({ type: 'about:blank' }, response(400)).slug).toBe('unknown');
    expect(toFailure(undefined, response(500)).slug).toBe('unknown');
  });

  it('parses Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('30')).toBe(30);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2025-01-01T10:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 10:02:00 GMT', now)).toBe(120);
    expect(parseRetryAfter('Wed, 01 Jan 2025 09:00:00 GMT', now)).toBe(0);
  });

  it('formats waits', () => {
    expect(formatWait(45)).toBe('45 s');
    expect(formatWait(60)).toBe('1 min');
    expect(formatWait(270)).toBe('4 min 30 s');
    expect(formatWait(3660)).toBe('1 h 1 min');
  });

  it('has a French and an English text for every documented slug', () => {
    for (const key of Object.values(PROBLEM_MESSAGES)) {
      expect(catalogues.fr?.[key]).toBeTruthy();
      expect(catalogues.en?.[key]).toBeTruthy();
    }
    for (const slug of [
      'login-failed',
      'account-pending-activation',
      'account-suspended',
      'account-closed',
      'account-locked',
      'too-many-requests',
      'activation-no-phone',
      'code-incorrect',
      'code-expired',
      'ticket-expired',
      'link-expired',
      'password-rejected',
      'password-incorrect',
      'not-signed-in',
      'reauthentication-required',
      'csrf-token-missing',
      'invalid-phone',
      'passkey-ceremony-expired',
      'passkey-refused',
      'passkey-unknown',
      'passkey-possibly-cloned',
      'passkey-name-missing',
      'passkey-already-added',
      'passkey-last-second-factor',
      'passkey-needed',
      'no-passkey',
      'two-factor-already-on',
    ]) {
      expect(PROBLEM_MESSAGES[slug], slug).toBeDefined();
    }
  });

  it('translates by slug, with the wait of a 429', () => {
    expect(problemMessage({ slug: 'login-failed', status: 401, title: 'x' }, fr)).toBe('Identifiant ou mot de passe incorrect.');
    expect(problemMessage({ slug: 'login-failed', status: 401 }, en)).toBe('Incorrect username or password.');
    expect(problemMessage({ slug: 'too-many-requests', status: 429, retryAfter: 90 }, fr)).toBe(
      'Trop de demandes. Réessayez dans 1 min 30 s.',
    );
    expect(problemMessage({ slug: 'account-locked', status: 429, retryAfter: 600 }, en)).toContain('Try again in 10 min');
    expect(problemMessage({ slug: 'account-closed', status: 403 }, fr)).toContain('vous n’êtes plus inscrit');
    expect(problemMessage({ slug: 'network', status: 0 }, fr)).toContain('Impossible de joindre le serveur');
  });

  it("shows the server's title for an unknown slug, else a generic text", () => {
    expect(problemMessage({ slug: 'something-new', status: 409, title: 'Déjà fait' }, fr)).toBe('Déjà fait');
    expect(problemMessage({ slug: 'unknown', status: 502 }, fr)).toBe('Une erreur est survenue (code 502).');
    expect(problemMessage({ slug: 'unknown', status: 429, retryAfter: 5 }, en)).toBe('Too many requests. Try again in 5 s.');
  });
});
