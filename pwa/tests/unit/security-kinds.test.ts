// The security log's kinds in « Activité » (and the secretariat's events): every kind the API
// documents has its own words, and so do the passkey kinds the service is adding.
import { describe, expect, it } from 'vitest';
import type { components } from '../../src/api/schema';
import { setLang, t } from '../../src/i18n';
import { eventKindKey } from '../../src/pages/Security';

type EventKind = components['schemas']['EventKind'];
// The service is adding the passkey kinds (they may not be in the generated document yet).
type Passkey = 'passkey_added' | 'passkey_removed' | 'passkey_refused';
// Written out so that a kind added to the API without words here fails the type check.
const DOCUMENTED: Record<EventKind | Passkey, true> = {
  activation: true,
  login: true,
  login_failed: true,
  account_locked: true,
  password_changed: true,
  password_reset: true,
  recovery_requested: true,
  two_factor_enabled: true,
  two_factor_disabled: true,
  two_factor_failed: true,
  session_revoked: true,
  account_suspended: true,
  account_reinstated: true,
  account_closed: true,
  phone_changed: true,
  phone_verified: true,
  activation_invited: true,
  sms_withheld: true,
  service_opened: true,
  card_photo_changed: true,
  passkey_added: true,
  passkey_removed: true,
  passkey_refused: true,
};

describe('security event kinds', () => {
  it('each documented kind has its own label', () => {
    for (const kind of Object.keys(DOCUMENTED)) expect(eventKindKey(kind), kind).toBe(`activity.kind.${kind}`);
  });

  it('names the card photo and passkey events in French and English', () => {
    const labels = (lang: 'fr' | 'en') => {
      setLang(lang);
      return ['card_photo_changed', 'passkey_added', 'passkey_removed', 'passkey_refused'].map((kind) => t(eventKindKey(kind)));
    };
    expect(labels('fr')).toEqual(['Photo de carte modifiée', 'Clé d’accès ajoutée', 'Clé d’accès supprimée', 'Clé d’accès refusée']);
    expect(labels('en')).toEqual(['Card photo changed', 'Passkey added', 'Passkey removed', 'Passkey refused']);
    setLang('fr');
  });

  it('an unknown kind reads « Autre événement »', () => {
    expect(eventKindKey('something_new')).toBe('activity.kind.other');
  });
});
