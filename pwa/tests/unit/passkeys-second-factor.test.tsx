// Passkeys as the second factor and as proof it is still the person, against a mocked API and a
// fake authenticator (navigator.credentials, as in passkeys.test.tsx): the login's two-factor
// step (a passkey beside the app's code; first, with the recovery code as the fallback, for an
// account whose second factor is its passkeys; a browser without WebAuthn; a dismissed prompt;
// no passkey any more), the recovery link, the password prompt's « Confirmer avec une clé
// d’accès », two-factor turned on with the passkeys alone (the recovery codes once) and the last
// passkey of such an account, which the server keeps.
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toService } from '../../src/cas';
import { setLang } from '../../src/i18n';
import { startRouter } from '../../src/router';
import { CONFIG, ME, mockApi, POLICY, PROBLEM, type Handler, type Reply } from './api-mock';
import { $, $$, click, flush, mount, openApp, type, unmount } from './dom';

const CEREMONY = (id: string) => ({
  ceremony: id,
  options: { publicKey: { challenge: 'AQID', rpId: 'localhost', userVerification: 'required', allowCredentials: [{ type: 'public-key', id: '-_8' }] } },
});
const credentialFor = (what: string) => ({ toJSON: () => ({ id: `cred-${what}`, type: 'public-key' }) });
const domError = (name: string) => Object.assign(new Error(name), { name });
const PASSKEY = { id: '0e4c6f0e-1111-4aaa-8bbb-000000000001', name: 'iPhone de Chloé', created_at: '2026-12-01T09:30:00Z' };
const CODES = Array.from({ length: 10 }, (_, i) => `abcd-efg${i}`);

type Fake = ReturnType<typeof vi.fn>;
function authenticator(get: Fake, conditional = false) {
  vi.stubGlobal('PublicKeyCredential', Object.assign(function PublicKeyCredential() {}, { isConditionalMediationAvailable: () => Promise.resolve(conditional) }));
  Object.defineProperty(navigator, 'credentials', { configurable: true, value: { create: vi.fn(), get } });
}

const passwordRoutes: Record<string, Handler | Reply> = {
  'GET /api/password-policy': { body: POLICY },
  'POST /api/password-policy/check': () => ({
    body: { acceptable: true, rules: ['personal_information', 'common', 'strength'].map((rule) => ({ rule, ok: true })) },
  }),
};
const text = () => document.body.textContent ?? '';
async function start(path: string, routes: Record<string, Handler | Reply>, me: Record<string, unknown> | null = ME) {
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': me ? { body: me } : PROBLEM('not-signed-in', 401),
    ...passwordRoutes,
    ...routes,
  });
  await openApp(path);
  return mock;
}
async function submit(selector: string) {
  await act(() => {
    document.querySelector(selector)!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await flush();
}
/** The password form, answered by the server's two_factor_required with these factors. */
async function passwordFirst() {
  await type('input[name="username"]', 'c.lefevre');
  await type('input[name="password"]', 'Tours#2025abc');
  await submit('[data-testid="login-form"]');
}
const twoFactorRequired = (second_factors?: string[]) => ({ body: { status: 'two_factor_required', pending: 'pend-1', second_factors } });
/** The password prompt's passkey side is its own module, fetched when the prompt opens: let it come (or not). */
async function passkeySide() {
  for (let i = 0; i < 20 && !$('[data-testid="reauth-passkey"]'); i++) await flush(25);
}
const requestOf = (get: Fake) => (get.mock.calls[0] as unknown as [CredentialRequestOptions])[0];

let stop: () => void;
beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  setLang('fr');
  mount();
  stop = startRouter();
});
afterEach(() => {
  unmount();
  stop();
  vi.unstubAllGlobals();
  delete (navigator as { credentials?: unknown }).credentials;
});

describe('the login’s second factor', () => {
  it('offers a passkey beside the app’s code', async () => {
    const get = vi.fn(() => Promise.resolve(credentialFor('2fa-1')));
    authenticator(get);
    const { requests } = await start(
      '/login',
      {
        'POST /api/session': twoFactorRequired(['authenticator_app', 'passkey', 'recovery_code']),
        'POST /api/session/two-factor/passkey-challenge': { body: CEREMONY('2fa-1') },
        'POST /api/session/two-factor': { body: { status: 'signed_in', me: ME } },
      },
      null,
    );
    await passwordFirst();
    expect($('[data-testid="two-factor-form"]')).not.toBeNull();
    // The app's code first, its toggle to a recovery code, then the passkey.
    expect($<HTMLInputElement>('input[name="code"]')!.inputMode).toBe('numeric');
    expect($('[data-testid="toggle-recovery-code"]')).not.toBeNull();
    const button = $('[data-testid="two-factor-passkey"]')!;
    expect(button.textContent).toBe('Utiliser une clé d’accès');
    expect(button.classList.contains('button-secondary')).toBe(true);
    await click('[data-testid="two-factor-passkey"]');
    expect(requests.find((r) => r.path === '/api/session/two-factor/passkey-challenge')?.body).toEqual({ pending: 'pend-1' });
    const { publicKey } = requestOf(get);
    expect([...new Uint8Array(publicKey!.challenge as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect([...new Uint8Array(publicKey!.allowCredentials![0]!.id as ArrayBuffer)]).toEqual([0xfb, 0xff]);
    const answer = requests.find((r) => r.path === '/api/session/two-factor');
    expect(answer?.body).toEqual({ pending: 'pend-1', passkey: { ceremony: '2fa-1', credential: { id: 'cred-2fa-1', type: 'public-key' } } });
    expect(answer?.headers.get('X-CSRF-Token')).toBeNull(); // not signed in yet
    expect(location.pathname).toBe('/');
    expect($('.bottom-nav')).not.toBeNull();
  });

  it('puts the passkey first when it is the account’s second factor, a recovery code as the fallback', async () => {
    authenticator(vi.fn());
    const { requests } = await start(
      '/login',
      {
        'POST /api/session': twoFactorRequired(['passkey', 'recovery_code']),
        'POST /api/session/two-factor': { body: { status: 'signed_in', me: ME } },
      },
      null,
    );
    await passwordFirst();
    const form = $('[data-testid="two-factor-form"]')!;
    const button = $('[data-testid="two-factor-passkey"]')!;
    const field = $<HTMLInputElement>('input[name="code"]')!;
    expect(button.compareDocumentPosition(field) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(button.classList.contains('button-secondary')).toBe(false);
    expect(form.textContent).toContain('Ou, sans votre clé d’accès :Saisissez l’un de vos codes de secours');
    expect(form.querySelector('label')?.textContent).toContain('Code de secours');
    expect(field.inputMode).not.toBe('numeric');
    expect($('[data-testid="toggle-recovery-code"]')).toBeNull();
    await type('input[name="code"]', 'abcd-efgh');
    await submit('[data-testid="two-factor-form"]');
    expect(requests.find((r) => r.path === '/api/session/two-factor')?.body).toEqual({ pending: 'pend-1', code: 'abcd-efgh' });
    expect(location.pathname).toBe('/');
  });

  it('explains, without WebAuthn, that a recovery code will do', async () => {
    await start('/login', { 'POST /api/session': twoFactorRequired(['passkey', 'recovery_code']) }, null);
    await passwordFirst();
    expect($('[data-testid="two-factor-passkey"]')).toBeNull();
    expect($('[data-testid="passkeys-unsupported"]')?.textContent).toBe(
      'Ce navigateur ne sait pas utiliser de clé d’accès : saisissez l’un de vos codes de secours.',
    );
    expect($('input[name="code"]')).not.toBeNull();
  });

  it('says a dismissed prompt calmly, and hides the passkey once the server has none', async () => {
    const get = vi.fn().mockRejectedValueOnce(domError('NotAllowedError'));
    authenticator(get);
    let challenges = 0;
    await start(
      '/login',
      {
        'POST /api/session': twoFactorRequired(['authenticator_app', 'passkey', 'recovery_code']),
        'POST /api/session/two-factor/passkey-challenge': () => (++challenges === 1 ? { body: CEREMONY('2fa-1') } : PROBLEM('no-passkey', 409)),
      },
      null,
    );
    await passwordFirst();
    await click('[data-testid="two-factor-passkey"]');
    expect($('[data-testid="passkey-cancelled"]')?.textContent).toBe('Demande de clé d’accès annulée.');
    expect($('[data-testid="problem"]')).toBeNull();
    await click('[data-testid="two-factor-passkey"]');
    expect($('[data-testid="passkey-cancelled"]')).toBeNull();
    expect($('[data-testid="problem"]')?.textContent).toBe('Vous n’avez pas de clé d’accès : utilisez votre mot de passe ou votre code.');
    expect($('[data-testid="two-factor-passkey"]')).toBeNull();
    expect($('input[name="code"]')).not.toBeNull();
  });

  it('is the app’s code as before when the server names no factors', async () => {
    authenticator(vi.fn());
    await start('/login', { 'POST /api/session': twoFactorRequired(undefined) }, null);
    await passwordFirst();
    expect($('[data-testid="two-factor-passkey"]')).toBeNull();
    expect($('[data-testid="toggle-recovery-code"]')).not.toBeNull();
  });

  it('speaks English too', async () => {
    setLang('en');
    authenticator(vi.fn());
    await start('/login', { 'POST /api/session': twoFactorRequired(['passkey', 'recovery_code']) }, null);
    await passwordFirst();
    expect($('[data-testid="two-factor-passkey"]')?.textContent).toBe('Use a passkey');
    expect(text()).toContain('Or, without your passkey:Enter one of your recovery codes');
  });
});

describe('the recovery link with two-factor', () => {
  const TOKEN = 'abcdefghijkl';

  it('saves the new password with a passkey', async () => {
    const get = vi.fn(() => Promise.resolve(credentialFor('rec-1')));
    authenticator(get);
    const { requests } = await start(
      `/recovery/${TOKEN}`,
      {
        'POST /api/recovery/inspection': { body: { two_factor_required: true, second_factors: ['authenticator_app', 'passkey', 'recovery_code'] } },
        'POST /api/recovery/passkey-challenge': { body: CEREMONY('rec-1') },
        'POST /api/recovery/completion': { status: 204 },
      },
      null,
    );
    const button = $<HTMLButtonElement>('[data-testid="recovery-passkey"]')!;
    expect(button.textContent).toBe('Enregistrer avec une clé d’accès');
    expect(button.disabled).toBe(true); // no password yet
    await type('input[name="new-password"]', 'Tours#2025-Loire');
    await flush(350);
    expect($<HTMLButtonElement>('[data-testid="recovery-passkey"]')!.disabled).toBe(false);
    expect($<HTMLButtonElement>('[data-testid="recovery-save"]')!.disabled).toBe(true); // no code either
    await click('[data-testid="recovery-passkey"]');
    expect(requests.find((r) => r.path === '/api/recovery/passkey-challenge')?.body).toEqual({ token: TOKEN });
    expect(get).toHaveBeenCalledTimes(1);
    expect(requests.find((r) => r.path === '/api/recovery/completion')?.body).toEqual({
      token: TOKEN,
      password: 'Tours#2025-Loire',
      passkey: { ceremony: 'rec-1', credential: { id: 'cred-rec-1', type: 'public-key' } },
    });
    expect($('[data-testid="recovery-done"]')).not.toBeNull();
  });

  it('puts the passkey first for an account without an app, and takes a recovery code', async () => {
    authenticator(vi.fn());
    const { requests } = await start(
      `/recovery/${TOKEN}`,
      {
        'POST /api/recovery/inspection': { body: { two_factor_required: true, second_factors: ['passkey', 'recovery_code'] } },
        'POST /api/recovery/completion': { status: 204 },
      },
      null,
    );
    const button = $('[data-testid="recovery-passkey"]')!;
    expect(button.compareDocumentPosition($('input[name="code"]')!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(text()).toContain('confirmez le nouveau mot de passe avec l’une de vos clés d’accès');
    expect($('[data-testid="toggle-recovery-code"]')).toBeNull();
    await type('input[name="new-password"]', 'Tours#2025-Loire');
    await flush(350);
    await type('input[name="code"]', 'abcd-efgh');
    await submit('[data-testid="recovery-password-form"]');
    expect(requests.find((r) => r.path === '/api/recovery/completion')?.body).toEqual({ token: TOKEN, password: 'Tours#2025-Loire', code: 'abcd-efgh' });
  });

  it('offers no passkey to an account without one', async () => {
    authenticator(vi.fn());
    await start(
      `/recovery/${TOKEN}`,
      { 'POST /api/recovery/inspection': { body: { two_factor_required: true, second_factors: ['authenticator_app', 'recovery_code'] } } },
      null,
    );
    expect($('[data-testid="recovery-passkey"]')).toBeNull();
    expect($('[data-testid="toggle-recovery-code"]')).not.toBeNull();
  });
});

describe('the password prompt', () => {
  /** Sécurité → devices' « Déconnecter mes autres appareils » is a sensitive call: any will do; two-factor's disabling here. */
  const sensitive = (confirmed: () => boolean): Record<string, Handler | Reply> => ({
    'GET /api/me/passkeys': { body: [PASSKEY] },
    'DELETE /api/me/two-factor': () => (confirmed() ? { status: 204 } : PROBLEM('reauthentication-required', 403)),
  });
  async function askToDisable() {
    await click('[data-testid="two-factor-disable"]');
    const confirm = $$('[role="dialog"] button').find((b) => b.textContent === 'Désactiver la double authentification')!;
    await act(() => confirm.click());
    await passkeySide();
  }

  it('confirms with a passkey, then the call is made again', async () => {
    const get = vi.fn(() => Promise.resolve(credentialFor('re-1')));
    authenticator(get);
    let confirmed = false;
    const { requests } = await start(
      '/more/security/two-factor',
      {
        ...sensitive(() => confirmed),
        'POST /api/session/reauthentication/passkey-challenge': { body: CEREMONY('re-1') },
        'POST /api/session/reauthentication/passkey': (_r, body) => {
          confirmed = true;
          expect(body).toEqual({ ceremony: 're-1', credential: { id: 'cred-re-1', type: 'public-key' } });
          return { status: 204 };
        },
      },
      { ...ME, two_factor_enabled: true, second_factors: ['authenticator_app', 'passkey', 'recovery_code'] },
    );
    await askToDisable();
    const button = $('[data-testid="reauth-passkey"]');
    expect(button?.textContent).toBe('Confirmer avec une clé d’accès');
    await click('[data-testid="reauth-passkey"]');
    expect(requests.find((r) => r.path === '/api/session/reauthentication/passkey-challenge')?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect($('[data-testid="reauth-dialog"]')).toBeNull();
    expect(requests.filter((r) => r.method === 'DELETE' && r.path === '/api/me/two-factor')).toHaveLength(2);
    expect($('[data-testid="two-factor-enable"]')).not.toBeNull();
  });

  it('answers a service’s renew with a passkey on the login screen, where no autofill request waits once signed in', async () => {
    const go = vi.spyOn(toService, 'go').mockImplementation(() => undefined);
    const get = vi.fn(() => Promise.resolve(credentialFor('re-1')));
    authenticator(get, true);
    let confirmed = false;
    const REQUEST = 'LR-00112233445566778899aabbccddeeff';
    const TARGET = 'http://127.0.0.1:8000/?ticket=ST-abc';
    await start(`/login?cas=${REQUEST}`, {
      'GET /api/me/passkeys': { body: [PASSKEY] },
      'POST /api/cas/continuation': () => (confirmed ? { body: { location: TARGET } } : PROBLEM('reauthentication-required', 403)),
      'POST /api/session/reauthentication/passkey-challenge': { body: CEREMONY('re-1') },
      'POST /api/session/reauthentication/passkey': () => {
        confirmed = true;
        return { status: 204 };
      },
    });
    await passkeySide();
    expect(get).not.toHaveBeenCalled();
    await click('[data-testid="reauth-passkey"]');
    expect(get).toHaveBeenCalledTimes(1);
    expect(requestOf(get).mediation).toBeUndefined();
    expect(go).toHaveBeenCalledExactlyOnceWith(TARGET);
    go.mockRestore();
  });

  it('has no passkey button for a person without one, nor when the server says there is none', async () => {
    authenticator(vi.fn(() => Promise.resolve(credentialFor('re-1'))));
    await start(
      '/more/security/two-factor',
      { ...sensitive(() => false), 'GET /api/me/passkeys': { body: [] } },
      { ...ME, two_factor_enabled: true },
    );
    await askToDisable();
    expect($('[data-testid="reauth-dialog"]')).not.toBeNull();
    expect($('[data-testid="reauth-passkey"]')).toBeNull();
    unmount();
    mount();
    await start(
      '/more/security/two-factor',
      { ...sensitive(() => false), 'POST /api/session/reauthentication/passkey-challenge': PROBLEM('no-passkey', 409) },
      { ...ME, two_factor_enabled: true },
    );
    await askToDisable();
    await click('[data-testid="reauth-passkey"]');
    expect($('[data-testid="reauth-passkey"]')).toBeNull();
    expect($('[data-testid="reauth-dialog"] [data-testid="problem"]')?.textContent).toContain('Vous n’avez pas de clé d’accès');
    expect($('[data-testid="reauth-dialog"] input[name="password"]')).not.toBeNull();
  });
});

describe('two-factor with the passkeys alone', () => {
  it('turns it on after the password and shows the recovery codes once', async () => {
    authenticator(vi.fn());
    let tries = 0;
    const { requests } = await start('/more/security/two-factor', {
      'GET /api/me/passkeys': { body: [PASSKEY] },
      'POST /api/session/reauthentication': { status: 204 },
      'POST /api/me/two-factor/passkeys': () => (++tries === 1 ? PROBLEM('reauthentication-required', 403) : { body: { recovery_codes: CODES } }),
    });
    expect($('[data-testid="two-factor-enable"]')).not.toBeNull(); // the app remains possible
    const button = $('[data-testid="two-factor-passkeys"]')!;
    expect(button.textContent).toBe('Activer la double authentification avec mes clés d’accès');
    await click('[data-testid="two-factor-passkeys"]');
    await type('[data-testid="reauth-dialog"] input[name="password"]', 'Tours#2025abc');
    await submit('[data-testid="reauth-dialog"] form');
    await flush();
    expect(requests.filter((r) => r.path === '/api/me/two-factor/passkeys')).toHaveLength(2);
    expect($$('[data-testid="recovery-codes"] li code').map((c) => c.textContent)).toEqual(CODES);
    const done = $$('[data-testid="recovery-codes"] button').find((b) => b.textContent === 'J’ai noté mes codes')!;
    await act(() => done.click());
    await flush();
    expect($('[data-testid="recovery-codes"]')).toBeNull();
    expect($('[data-testid="two-factor-on"]')?.textContent).toBe('La double authentification est activée.');
    expect($('[data-testid="two-factor-by-passkeys"]')?.textContent).toBe('Vos clés d’accès servent de second facteur.');
    expect($('[data-testid="two-factor-disable"]')).not.toBeNull();
    expect($('[data-testid="two-factor-passkeys"]')).toBeNull();
    // An app may still be added (the passkeys' last one is then no longer the only second factor).
    expect($('[data-testid="two-factor-add-app"]')?.textContent).toBe('Ajouter une application d’authentification');
  });

  it('adds an app to two-factor by passkeys', async () => {
    authenticator(vi.fn());
    const { requests } = await start(
      '/more/security/two-factor',
      {
        'GET /api/me/passkeys': { body: [PASSKEY] },
        'POST /api/me/two-factor/enrolment': { body: { otpauth_uri: 'otpauth://totp/x?secret=ABC', secret: 'ABC', qr_png_base64: 'iVBORw0KGgo=' } },
        'POST /api/me/two-factor/confirmation': { body: { recovery_codes: CODES } },
      },
      { ...ME, two_factor_enabled: true, second_factors: ['passkey', 'recovery_code'] },
    );
    expect($('[data-testid="two-factor-by-passkeys"]')).not.toBeNull();
    await click('[data-testid="two-factor-add-app"]');
    await type('[data-testid="two-factor-enrol"] input[name="code"]', '123456');
    await submit('[data-testid="two-factor-enrol"]');
    expect(requests.find((r) => r.path === '/api/me/two-factor/confirmation')?.body).toEqual({ code: '123456' });
    expect($$('[data-testid="recovery-codes"] li code')).toHaveLength(10);
    const done = $$('[data-testid="recovery-codes"] button').find((b) => b.textContent === 'J’ai noté mes codes')!;
    await act(() => done.click());
    await flush();
    expect($('[data-testid="two-factor-by-passkeys"]')).toBeNull();
    expect($('[data-testid="two-factor-add-app"]')).toBeNull();
  });

  it('is not offered without a passkey, and explains the server’s refusals', async () => {
    authenticator(vi.fn());
    await start('/more/security/two-factor', { 'GET /api/me/passkeys': { body: [] } });
    expect($('[data-testid="two-factor-enable"]')).not.toBeNull();
    expect($('[data-testid="two-factor-passkeys"]')).toBeNull();
    unmount();
    mount();
    let list = [PASSKEY];
    await start('/more/security/two-factor', {
      'GET /api/me/passkeys': () => ({ body: list }),
      'POST /api/me/two-factor/passkeys': () => {
        list = [];
        return PROBLEM('passkey-needed', 409);
      },
    });
    await click('[data-testid="two-factor-passkeys"]');
    expect($('[data-testid="problem"]')?.textContent).toBe('Ajoutez d’abord une clé d’accès (Sécurité → Clés d’accès).');
    expect($('[data-testid="two-factor-passkeys"]')).toBeNull();
  });

  it('keeps the last passkey of such an account, and says what to do', async () => {
    authenticator(vi.fn());
    await start(
      '/more/security/passkeys',
      {
        'GET /api/me/passkeys': { body: [PASSKEY] },
        [`DELETE /api/me/passkeys/${PASSKEY.id}`]: PROBLEM('passkey-last-second-factor', 409),
      },
      { ...ME, two_factor_enabled: true, second_factors: ['passkey', 'recovery_code'] },
    );
    await click('[data-testid="passkey-remove"]');
    await click('[data-testid="passkey-remove-confirm"]');
    const dialog = $('[data-testid="passkey-remove-dialog"]')!;
    expect(dialog.querySelector('[data-testid="problem"]')?.textContent).toContain(
      'C’est votre dernière clé d’accès et votre double authentification en dépend. Désactivez d’abord la double authentification',
    );
    expect(dialog.querySelector('[data-testid="passkey-two-factor-link"]')?.getAttribute('href')).toBe('/more/security/two-factor');
    expect($$('[data-testid="passkey-name"]').map((e) => e.textContent)).toEqual(['iPhone de Chloé']);
  });
});
