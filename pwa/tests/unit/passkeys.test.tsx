// Passkeys (« Clés d’accès ») against a mocked API and a fake authenticator (navigator.credentials):
// Sécurité's list, adding one under the suggested name (after the password prompt when the
// server wants it), the browser's refusals, rename, removal after confirmation and the
// password, the explanation where the browser has no WebAuthn; the login screen's button
// (« Rester connecté » as ticked, a dismissed prompt, the server's refusal in our words, an
// expired ceremony started again once) and the identifier field's autofill (conditional
// mediation, aborted by the password form).
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rememberNext } from '../../src/auth';
import { toService } from '../../src/cas';
import { setLang } from '../../src/i18n';
import { startRouter } from '../../src/router';
import { CONFIG, ME, mockApi, PROBLEM, type Handler, type Reply } from './api-mock';
import { $, $$, click, flush, mount, openApp, type, unmount } from './dom';

const CREATED = '2026-12-01T09:30:00Z';
const USED = '2026-12-03T17:05:00Z';
type Passkey = { id: string; name: string; created_at: string; last_used_at?: string };
const PHONE: Passkey = { id: '0e4c6f0e-1111-4aaa-8bbb-000000000001', name: 'iPhone de Chloé', created_at: CREATED, last_used_at: USED };
const LAPTOP: Passkey = { id: '0e4c6f0e-1111-4aaa-8bbb-000000000002', name: 'PC Windows de Chloé', created_at: CREATED };
const CEREMONY = (id: string, extra: object = {}) => ({
  ceremony: id,
  options: { publicKey: { challenge: 'AQID', rpId: 'localhost', userVerification: 'required', ...extra } },
});
const REGISTRATION = {
  ceremony: 'reg-1',
  options: {
    publicKey: {
      rp: { id: 'localhost', name: 'ENT Tours' },
      user: { id: 'cC0x', name: 'chloe.lefevre@etu.univ-tours.fr', displayName: 'Chloé Lefèvre' },
      challenge: 'AQID',
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      excludeCredentials: [{ type: 'public-key', id: '-_8' }],
    },
  },
};
/** What the fake authenticator gives: a credential whose JSON names the ceremony it answered. */
const credentialFor = (what: string) => ({ toJSON: () => ({ id: `cred-${what}`, type: 'public-key' }) });
const domError = (name: string) => Object.assign(new Error(name), { name });

type Fake = ReturnType<typeof vi.fn>;
/** This browser has WebAuthn: `create` and `get` are the authenticator; `conditional` its autofill. */
function authenticator({ create, get, conditional = false }: { create?: Fake; get?: Fake; conditional?: boolean }) {
  vi.stubGlobal('PublicKeyCredential', Object.assign(function PublicKeyCredential() {}, { isConditionalMediationAvailable: () => Promise.resolve(conditional) }));
  Object.defineProperty(navigator, 'credentials', { configurable: true, value: { create: create ?? vi.fn(), get: get ?? vi.fn() } });
}

const text = () => document.body.textContent ?? '';
async function start(path: string, routes: Record<string, Handler | Reply>, signedIn = true) {
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': signedIn ? { body: ME } : PROBLEM('not-signed-in', 401),
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

describe('Sécurité → Clés d’accès', () => {
  it('is linked from Sécurité and lists the passkeys in the server’s order', async () => {
    authenticator({});
    await start('/more/security', { 'GET /api/me/passkeys': { body: [PHONE, LAPTOP] } });
    const link = $$('a.list-link').find((a) => a.textContent === 'Clés d’accès');
    expect(link?.getAttribute('href')).toBe('/more/security/passkeys');
    await click('a[href="/more/security/passkeys"]');
    expect($('h1')?.textContent).toBe('Clés d’accès');
    expect($$('[data-testid="passkey-name"]').map((e) => e.textContent)).toEqual(['iPhone de Chloé', 'PC Windows de Chloé']);
    const [phone, laptop] = $$('[data-testid="passkey"]');
    expect(phone?.textContent).toContain('Créée le 1 déc. 2026, 10:30');
    expect(phone?.querySelector('[data-testid="passkey-used"]')?.textContent).toBe('Utilisée le 3 déc. 2026, 18:05');
    expect(laptop?.querySelector('[data-testid="passkey-used"]')?.textContent).toBe('Jamais utilisée');
    expect(phone?.querySelector('[data-testid="passkey-rename"]')?.getAttribute('aria-label')).toBe('Renommer « iPhone de Chloé »');
    expect(phone?.querySelector('[data-testid="passkey-remove"]')?.getAttribute('aria-label')).toBe('Supprimer « iPhone de Chloé »');
    expect($('[data-testid="passkey-add"]')).not.toBeNull();
  });

  it('says there are none, and explains where the browser cannot make one', async () => {
    await start('/more/security/passkeys', { 'GET /api/me/passkeys': { body: [] } });
    expect(text()).toContain('Aucune clé d’accès pour le moment.');
    expect($('[data-testid="passkey-add"]')).toBeNull();
    expect($('[data-testid="passkeys-unsupported"]')?.textContent).toContain('Ce navigateur ne sait pas créer de clé d’accès.');
  });

  it('adds one under the suggested name, after the password when the server wants it', async () => {
    const create = vi.fn(() => Promise.resolve(credentialFor('reg-1')));
    authenticator({ create });
    let starts = 0;
    let list = [PHONE];
    const { requests } = await start('/more/security/passkeys', {
      'GET /api/me/passkeys': () => ({ body: list }),
      'POST /api/me/passkeys/registration': () => (++starts === 1 ? PROBLEM('reauthentication-required', 403) : { body: REGISTRATION }),
      'POST /api/session/reauthentication': { status: 204 },
      'POST /api/me/passkeys': (_r, body) => {
        const added = { id: 'new', name: (body as { name: string }).name, created_at: CREATED };
        list = [PHONE, added];
        return { status: 201, body: added };
      },
    });
    await click('[data-testid="passkey-add"]');
    const field = $<HTMLInputElement>('[data-testid="passkey-add-form"] input[name="passkey-name"]')!;
    // happy-dom says it is Linux.
    expect(field.value).toBe('PC Linux de Chloé');
    expect(field.maxLength).toBe(60);
    await type('input[name="passkey-name"]', '  ');
    expect($<HTMLButtonElement>('[data-testid="passkey-create"]')!.disabled).toBe(true);
    await type('input[name="passkey-name"]', ' Portable de Chloé ');
    await submit('[data-testid="passkey-add-form"]');

    expect(create).not.toHaveBeenCalled();
    await type('[data-testid="reauth-dialog"] input[name="password"]', 'Tours#2025abc');
    await submit('[data-testid="reauth-dialog"] form');
    await flush();
    expect(create).toHaveBeenCalledTimes(1);
    const { publicKey } = (create.mock.calls[0] as unknown as [{ publicKey: PublicKeyCredentialCreationOptions }])[0];
    expect([...new Uint8Array(publicKey.challenge as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect(new TextDecoder().decode(publicKey.user.id as ArrayBuffer)).toBe('p-1');
    expect([...new Uint8Array(publicKey.excludeCredentials![0]!.id as ArrayBuffer)]).toEqual([0xfb, 0xff]);
    const added = requests.find((r) => r.method === 'POST' && r.path === '/api/me/passkeys');
    expect(added?.body).toEqual({ ceremony: 'reg-1', credential: { id: 'cred-reg-1', type: 'public-key' }, name: 'Portable de Chloé' });
    expect(added?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect($('[data-testid="passkeys-notice"]')?.textContent).toBe('Clé d’accès « Portable de Chloé » ajoutée.');
    expect($('[data-testid="passkey-add-form"]')).toBeNull();
    expect($$('[data-testid="passkey-name"]').map((e) => e.textContent)).toEqual(['iPhone de Chloé', 'Portable de Chloé']);
  });

  it('says calmly that the prompt was dismissed, and explains the authenticator’s and the server’s refusals', async () => {
    const create = vi
      .fn()
      .mockRejectedValueOnce(domError('NotAllowedError'))
      .mockRejectedValueOnce(domError('InvalidStateError'))
      .mockResolvedValueOnce(credentialFor('reg-1'));
    authenticator({ create });
    await start('/more/security/passkeys', {
      'GET /api/me/passkeys': { body: [PHONE] },
      'POST /api/me/passkeys/registration': { body: REGISTRATION },
      'POST /api/me/passkeys': PROBLEM('passkey-refused', 400, { title: 'Cette clé d’accès n’a pas pu être vérifiée pour ce site : réessayez' }),
    });
    await click('[data-testid="passkey-add"]');
    await submit('[data-testid="passkey-add-form"]');
    expect($('[data-testid="problem"]')).toBeNull();
    expect($('[data-testid="passkey-cancelled"]')?.textContent).toBe('Demande de clé d’accès annulée.');
    expect($('[data-testid="passkey-add-form"]')).not.toBeNull();
    await submit('[data-testid="passkey-add-form"]');
    expect($('[data-testid="passkey-cancelled"]')).toBeNull();
    expect($('[data-testid="problem"]')?.textContent).toBe('Cet appareil a déjà une clé d’accès pour votre compte.');
    await submit('[data-testid="passkey-add-form"]');
    expect($('[data-testid="problem"]')?.textContent).toBe('Cette clé d’accès n’a pas pu être vérifiée pour ce site. Réessayez, ou utilisez votre mot de passe.');
    expect($<HTMLInputElement>('input[name="passkey-name"]')!.value).toBe('PC Linux de Chloé');
  });

  it('renames one', async () => {
    authenticator({});
    let list = [PHONE, LAPTOP];
    const { requests } = await start('/more/security/passkeys', {
      'GET /api/me/passkeys': () => ({ body: list }),
      [`PATCH /api/me/passkeys/${LAPTOP.id}`]: (_r, body) => {
        list = [PHONE, { ...LAPTOP, name: (body as { name: string }).name }];
        return { body: list[1] };
      },
    });
    await act(() => $$('[data-testid="passkey-rename"]')[1]!.click());
    await flush();
    const field = $<HTMLInputElement>('[data-testid="passkey-rename-dialog"] input[name="passkey-name"]')!;
    expect(field.value).toBe('PC Windows de Chloé');
    await type('[data-testid="passkey-rename-dialog"] input[name="passkey-name"]', 'PC de la BU ');
    await submit('[data-testid="passkey-rename-dialog"] form');
    expect(requests.find((r) => r.method === 'PATCH')?.body).toEqual({ name: 'PC de la BU' });
    expect($('[data-testid="passkey-rename-dialog"]')).toBeNull();
    expect($('[data-testid="passkeys-notice"]')?.textContent).toBe('Clé d’accès renommée.');
    expect($$('[data-testid="passkey-name"]').map((e) => e.textContent)).toEqual(['iPhone de Chloé', 'PC de la BU']);
  });

  it('removes one after confirmation and the password', async () => {
    authenticator({});
    let list = [PHONE, LAPTOP];
    let removals = 0;
    const { requests } = await start('/more/security/passkeys', {
      'GET /api/me/passkeys': () => ({ body: list }),
      'POST /api/session/reauthentication': { status: 204 },
      [`DELETE /api/me/passkeys/${PHONE.id}`]: () => {
        if (++removals === 1) return PROBLEM('reauthentication-required', 403);
        list = [LAPTOP];
        return { status: 204 };
      },
    });
    await click('[data-testid="passkey-remove"]');
    expect($('[data-testid="passkey-remove-dialog"]')?.textContent).toContain(
      'Supprimer « iPhone de Chloé » ? Vous ne pourrez plus vous connecter avec elle ; votre mot de passe reste valable.',
    );
    await click('[data-testid="passkey-remove-confirm"]');
    await type('[data-testid="reauth-dialog"] input[name="password"]', 'Tours#2025abc');
    await submit('[data-testid="reauth-dialog"] form');
    await flush();
    expect(requests.filter((r) => r.method === 'DELETE')).toHaveLength(2);
    expect($('[data-testid="passkey-remove-dialog"]')).toBeNull();
    expect($('[data-testid="passkeys-notice"]')?.textContent).toBe('Clé d’accès supprimée.');
    expect($$('[data-testid="passkey-name"]').map((e) => e.textContent)).toEqual(['PC Windows de Chloé']);
  });

  it('says so when the passkey was already gone', async () => {
    authenticator({});
    let list = [PHONE];
    await start('/more/security/passkeys', {
      'GET /api/me/passkeys': () => ({ body: list }),
      [`DELETE /api/me/passkeys/${PHONE.id}`]: () => {
        list = [];
        return PROBLEM('not-found', 404);
      },
    });
    await click('[data-testid="passkey-remove"]');
    await click('[data-testid="passkey-remove-confirm"]');
    expect($('[data-testid="passkeys-notice"]')?.textContent).toBe('Cette clé d’accès n’existe plus.');
    expect(text()).toContain('Aucune clé d’accès pour le moment.');
  });
});

describe('Connexion avec une clé d’accès', () => {
  const signedOut = false;

  it('signs in with the button, as « Rester connecté » is ticked, and goes where a password login goes', async () => {
    const get = vi.fn(() => Promise.resolve(credentialFor('login-1')));
    authenticator({ get });
    rememberNext('/timetable');
    const { requests } = await start(
      '/login',
      {
        'POST /api/session/passkey/challenge': { body: { ...CEREMONY('login-1'), options: { ...CEREMONY('login-1').options, mediation: 'conditional' } } },
        'POST /api/session/passkey': { body: { status: 'signed_in', me: ME } },
      },
      signedOut,
    );
    expect($('input[name="username"]')?.getAttribute('autocomplete')).toBe('username');
    await act(() => {
      $<HTMLInputElement>('input[name="remember"]')!.click();
    });
    await click('[data-testid="passkey-login"]');
    expect(get).toHaveBeenCalledTimes(1);
    const options = (get.mock.calls[0] as unknown as [CredentialRequestOptions])[0];
    // The button's prompt is modal: the options' mediation is left out.
    expect(options.mediation).toBeUndefined();
    expect([...new Uint8Array(options.publicKey!.challenge as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect(requests.find((r) => r.path === '/api/session/passkey')?.body).toEqual({
      ceremony: 'login-1',
      credential: { id: 'cred-login-1', type: 'public-key' },
      remember: true,
    });
    expect(location.pathname).toBe('/timetable');
    expect($('.bottom-nav')).not.toBeNull();
  });

  it('says briefly that a dismissed prompt cancelled it, and shows the server’s refusal in our words', async () => {
    const get = vi.fn().mockRejectedValueOnce(domError('NotAllowedError')).mockResolvedValueOnce(credentialFor('login-1'));
    authenticator({ get });
    await start(
      '/login',
      {
        'POST /api/session/passkey/challenge': { body: CEREMONY('login-1') },
        'POST /api/session/passkey': PROBLEM('passkey-unknown', 401, {
          title: 'Clé d’accès inconnue : elle a peut-être été supprimée. Connectez-vous avec votre mot de passe.',
        }),
      },
      signedOut,
    );
    await click('[data-testid="passkey-login"]');
    expect($('[data-testid="passkey-cancelled"]')?.textContent).toBe('Demande de clé d’accès annulée.');
    expect($('[data-testid="problem"]')).toBeNull();
    await click('[data-testid="passkey-login"]');
    expect($('[data-testid="passkey-cancelled"]')).toBeNull();
    expect($('[data-testid="problem"]')?.textContent).toBe(
      'Cette clé d’accès n’est pas enregistrée sur votre compte : elle a peut-être été supprimée. Utilisez votre mot de passe.',
    );
    expect(location.pathname).toBe('/login');
  });

  it('goes on to the service waiting for the sign-in (?cas=)', async () => {
    const go = vi.spyOn(toService, 'go').mockImplementation(() => undefined);
    authenticator({ get: vi.fn(() => Promise.resolve(credentialFor('login-1'))) });
    const REQUEST = 'LR-00112233445566778899aabbccddeeff';
    const TARGET = 'http://127.0.0.1:8000/?ticket=ST-abc';
    const { requests } = await start(
      `/login?cas=${REQUEST}`,
      {
        'POST /api/session/passkey/challenge': { body: CEREMONY('login-1') },
        'POST /api/session/passkey': { body: { status: 'signed_in', me: ME } },
        'POST /api/cas/continuation': { body: { location: TARGET } },
      },
      signedOut,
    );
    expect($('[data-testid="cas-notice"]')).not.toBeNull();
    await click('[data-testid="passkey-login"]');
    expect(requests.find((r) => r.path === '/api/cas/continuation')?.body).toEqual({ request: REQUEST });
    expect(go).toHaveBeenCalledExactlyOnceWith(TARGET);
    expect(location.pathname).toBe('/login');
    go.mockRestore();
  });

  it('speaks English too', async () => {
    setLang('en');
    authenticator({ get: vi.fn().mockRejectedValueOnce(domError('NotAllowedError')).mockResolvedValueOnce(credentialFor('login-1')) });
    await start(
      '/login',
      {
        'POST /api/session/passkey/challenge': { body: CEREMONY('login-1') },
        'POST /api/session/passkey': PROBLEM('passkey-possibly-cloned', 401),
      },
      signedOut,
    );
    expect($('[data-testid="passkey-login"]')?.textContent).toBe('Sign in with a passkey');
    await click('[data-testid="passkey-login"]');
    expect($('[data-testid="passkey-cancelled"]')?.textContent).toBe('Passkey request cancelled.');
    await click('[data-testid="passkey-login"]');
    expect($('[data-testid="problem"]')?.textContent).toBe(
      'This passkey looks copied: it is refused for your safety. Sign in with your password, then remove it in Security → Passkeys.',
    );
  });

  it('explains a suspended account as the password login does', async () => {
    authenticator({ get: vi.fn(() => Promise.resolve(credentialFor('login-1'))) });
    await start(
      '/login',
      {
        'POST /api/session/passkey/challenge': { body: CEREMONY('login-1') },
        'POST /api/session/passkey': PROBLEM('account-suspended', 403),
      },
      signedOut,
    );
    await click('[data-testid="passkey-login"]');
    expect($('[data-testid="problem"]')?.getAttribute('data-problem')).toBe('account-suspended');
    expect(text()).toContain('Scolarité centrale');
  });

  it('starts an expired ceremony again once, silently', async () => {
    const get = vi.fn(() => Promise.resolve(credentialFor('login')));
    authenticator({ get });
    let ceremonies = 0;
    const answers: Reply[] = [PROBLEM('passkey-ceremony-expired', 400), { body: { status: 'signed_in', me: ME } }];
    const { requests } = await start(
      '/login',
      {
        'POST /api/session/passkey/challenge': () => ({ body: CEREMONY(`login-${++ceremonies}`) }),
        'POST /api/session/passkey': () => answers.shift()!,
      },
      signedOut,
    );
    await click('[data-testid="passkey-login"]');
    expect(get).toHaveBeenCalledTimes(2);
    expect(requests.filter((r) => r.path === '/api/session/passkey').map((r) => (r.body as { ceremony: string }).ceremony)).toEqual(['login-1', 'login-2']);
    expect(location.pathname).toBe('/');
  });

  it('says so when the new ceremony expired too', async () => {
    authenticator({ get: vi.fn(() => Promise.resolve(credentialFor('login'))) });
    await start(
      '/login',
      {
        'POST /api/session/passkey/challenge': { body: CEREMONY('login-1') },
        'POST /api/session/passkey': PROBLEM('passkey-ceremony-expired', 400, { title: 'La demande a expiré ou a déjà servi : recommencez' }),
      },
      signedOut,
    );
    await click('[data-testid="passkey-login"]');
    expect($('[data-testid="problem"]')?.textContent).toBe('La demande a expiré ou a déjà servi. Recommencez.');
  });

  it('offers the passkeys in the identifier’s autofill, stopped while the password is tried', async () => {
    const signals: AbortSignal[] = [];
    let choose: ((credential: unknown) => void) | null = null;
    const get = vi.fn(
      (options: CredentialRequestOptions) =>
        new Promise((resolve, reject) => {
          signals.push(options.signal!);
          choose = resolve;
          options.signal!.addEventListener('abort', () => reject(domError('AbortError')));
        }),
    );
    authenticator({ get, conditional: true });
    const { requests } = await start(
      '/login',
      {
        'POST /api/session/passkey/challenge': { body: CEREMONY('login-1') },
        'POST /api/session': PROBLEM('login-failed', 401),
        'POST /api/session/passkey': { body: { status: 'signed_in', me: ME } },
      },
      signedOut,
    );
    expect($('input[name="username"]')?.getAttribute('autocomplete')).toBe('username webauthn');
    expect(get).toHaveBeenCalledTimes(1);
    expect((get.mock.calls[0] as unknown as [CredentialRequestOptions])[0].mediation).toBe('conditional');
    expect($('[data-testid="problem"]')).toBeNull();

    // The password form: the request stops, and waits again once the password was refused.
    await type('input[name="username"]', 'c.lefevre');
    await type('input[name="password"]', 'wrong');
    await submit('[data-testid="login-form"]');
    expect(signals[0]?.aborted).toBe(true);
    expect($('[data-testid="problem"]')?.getAttribute('data-problem')).toBe('login-failed');
    expect(get).toHaveBeenCalledTimes(2);
    expect(signals[1]?.aborted).toBe(false);

    // A passkey chosen in the autofill signs in.
    await act(() => choose!(credentialFor('login-1')));
    await flush();
    expect(requests.find((r) => r.path === '/api/session/passkey')?.body).toMatchObject({ ceremony: 'login-1', remember: false });
    expect(location.pathname).toBe('/');
  });

  it('is silent when the autofill cannot be offered, and has no button without WebAuthn', async () => {
    authenticator({ get: vi.fn(() => Promise.reject(domError('SecurityError'))), conditional: true });
    await start('/login', { 'POST /api/session/passkey/challenge': { body: CEREMONY('login-1') } }, signedOut);
    expect($('[data-testid="problem"]')).toBeNull();
    expect($('[data-testid="passkey-login"]')).not.toBeNull();
    unmount();
    mount();
    vi.unstubAllGlobals();
    const { requests } = await start('/login', {}, signedOut);
    expect($('[data-testid="login-form"]')).not.toBeNull();
    expect($('[data-testid="passkey-login"]')).toBeNull();
    expect(requests.some((r) => r.path.startsWith('/api/session/passkey'))).toBe(false);
  });
});
