import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app';
import { loadSession, resetAuth } from '../../src/auth';
import { setLang } from '../../src/i18n';
import { navigate, startRouter } from '../../src/router';
import { CONFIG, ME, mockApi, POLICY, PROBLEM, type Handler, type Reply } from './api-mock';

let root: HTMLElement;
let stop: () => void;

const $ = <T extends Element = HTMLElement>(selector: string) => root.querySelector<T>(selector);
const text = () => root.textContent ?? '';
const flush = async (ms = 0) => {
  for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, ms)));
};
async function type(selector: string, value: string) {
  const input = $<HTMLInputElement>(selector);
  expect(input, selector).not.toBeNull();
  await act(() => {
    input!.value = value;
    input!.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
async function submit(selector: string) {
  await act(() => {
    $<HTMLFormElement>(selector)!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await flush();
}
async function click(selector: string) {
  const element = $<HTMLElement>(selector);
  expect(element, selector).not.toBeNull();
  await act(() => element!.click());
  await flush();
}
const button = (label: string) =>
  [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent?.trim() === label) ?? null;

/** Every password is accepted by the server's check (the local rules still apply). */
const passwordRoutes: Record<string, Handler | Reply> = {
  'GET /api/password-policy': { body: POLICY },
  'POST /api/password-policy/check': () => ({
    body: {
      acceptable: true,
      rules: ['personal_information', 'common', 'strength'].map((rule) => ({ rule, ok: true })),
    },
  }),
};

async function start(path: string, routes: Record<string, Handler | Reply>, signedIn: Record<string, unknown> | null = ME) {
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': signedIn ? { body: signedIn } : PROBLEM('not-signed-in', 401),
    ...passwordRoutes,
    ...routes,
  });
  navigate(path, { replace: true });
  resetAuth();
  await act(() => render(<App />, root));
  await act(() => loadSession().then(() => undefined));
  await flush();
  return mock;
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  setLang('fr');
  root = document.createElement('div');
  document.body.append(root);
  stop = startRouter();
});
afterEach(() => {
  render(null, root);
  root.remove();
  stop();
  vi.unstubAllGlobals();
});

const CHALLENGE = { challenge: 'ch-1', masked_phone: '+33 6 •• •• •• 01', resend_in: 30, expires_in: 600 };

describe('Activation', () => {
  it('sends people without a mobile number to the secretariat', async () => {
    await start('/activation', { 'POST /api/activation': PROBLEM('activation-no-phone', 409) }, null);
    await type('input[name="number"]', '25000001');
    await type('input[name="birth-date"]', '2006-06-05');
    await submit('[data-testid="activation-form"]');
    expect(location.pathname + location.search).toBe('/contacts?reason=no-phone');
    expect($('[data-testid="contacts-reason"]')?.textContent).toContain('Aucun numéro de portable');
    expect($('[data-testid="secretariat-contacts"]')?.textContent).toContain('+33247366600');
  });

  it('goes from the SMS code to the password to the identifier, keeping what was typed', async () => {
    let verification: Reply = PROBLEM('code-expired', 410);
    const { requests } = await start(
      '/activation',
      {
        'POST /api/activation': { body: CHALLENGE },
        'POST /api/activation/verification': () => verification,
        'POST /api/activation/completion': { body: { identifier: 'c.lefevre', institutional_email: 'chloe.lefevre@etu.univ-tours.fr' } },
      },
      null,
    );
    await type('input[name="number"]', '25000001');
    await type('input[name="birth-date"]', '2006-06-05');
    await submit('[data-testid="activation-form"]');
    expect(requests.find((r) => r.path === '/api/activation')?.body).toEqual({ number: '25000001', birth_date: '2006-06-05' });

    // The code step: masked phone, code field for SMS autofill, re-send counting down.
    expect(text()).toContain('+33 6 •• •• •• 01');
    const code = $<HTMLInputElement>('input[name="code"]')!;
    expect(code.getAttribute('autocomplete')).toBe('one-time-code');
    expect(code.getAttribute('inputmode')).toBe('numeric');
    const resend = $<HTMLButtonElement>('[data-testid="activation-resend"]')!;
    expect(resend.disabled).toBe(true);
    expect(resend.textContent).toMatch(/Renvoyer le code dans (29|30) s/);
    expect($('a[href="/contacts?reason=wrong-phone"]')?.textContent).toBe('Ce n’est pas mon numéro ?');

    // An expired code: back to the first step, the number and date still there.
    await type('input[name="code"]', '123456');
    await submit('[data-testid="activation-code-form"]');
    expect($('[data-testid="problem"]')?.textContent).toContain('Ce code n’est plus valable');
    expect($<HTMLInputElement>('input[name="number"]')!.value).toBe('25000001');
    expect($<HTMLInputElement>('input[name="birth-date"]')!.value).toBe('2006-06-05');

    verification = { body: { ticket: 'tk-1' } };
    await submit('[data-testid="activation-form"]');
    await type('input[name="code"]', '123456');
    await submit('[data-testid="activation-code-form"]');

    // The password, with the live rules; submit waits for the server's check.
    const finish = () => $<HTMLButtonElement>('[data-testid="activation-finish"]')!;
    expect(finish().disabled).toBe(true);
    await type('input[name="new-password"]', 'tours');
    expect($('[data-rule="min_length"]')?.getAttribute('data-state')).toBe('no');
    expect($('[data-rule="letters_and_digits"]')?.getAttribute('data-state')).toBe('no');
    await type('input[name="new-password"]', 'Tours#2025-Loire');
    expect($('[data-rule="min_length"]')?.getAttribute('data-state')).toBe('ok');
    expect($('[data-rule="common"]')?.getAttribute('data-state')).toBe('pending');
    await flush(120); // the check is debounced ~300 ms
    expect($('[data-rule="common"]')?.getAttribute('data-state')).toBe('ok');
    const check = requests.filter((r) => r.path === '/api/password-policy/check').at(-1);
    expect(check?.body).toEqual({ password: 'Tours#2025-Loire', ticket: 'tk-1' });
    expect(finish().disabled).toBe(false);
    await submit('[data-testid="activation-password-form"]');

    expect($('[data-testid="activated-identifier"]')?.textContent).toBe('c.lefevre');
    expect($('[data-testid="activated-email"]')?.textContent).toBe('chloe.lefevre@etu.univ-tours.fr');
    expect($('[data-testid="activation-done"] a')?.getAttribute('href')).toBe('/login?identifier=c.lefevre');
  });

  it('shows the wait of a refused re-send', async () => {
    await start(
      '/activation',
      {
        'POST /api/activation': { body: { ...CHALLENGE, resend_in: 0 } },
        'POST /api/activation/resend': { ...PROBLEM('too-many-requests', 429), headers: { 'Retry-After': '120' } },
      },
      null,
    );
    await type('input[name="number"]', '25000001');
    await type('input[name="birth-date"]', '2006-06-05');
    await submit('[data-testid="activation-form"]');
    await click('[data-testid="activation-resend"]');
    expect($('[data-testid="problem"]')?.textContent).toBe('Trop de demandes. Réessayez dans 2 min.');
    expect($<HTMLButtonElement>('[data-testid="activation-resend"]')!.disabled).toBe(true);
  });
});

describe('Recovery', () => {
  it('always gives the same confirmation', async () => {
    const { requests } = await start('/recovery', { 'POST /api/recovery': { status: 202 } }, null);
    await type('input[name="email"]', ' chloe@example.org ');
    await submit('[data-testid="recovery-form"]');
    expect(requests.at(-1)?.body).toEqual({ email: 'chloe@example.org' });
    expect($('[data-testid="recovery-sent"]')?.textContent).toContain('Si cette adresse correspond à un compte');
  });

  it('explains an expired link', async () => {
    await start('/recovery/abcdefghijkl', { 'POST /api/recovery/inspection': PROBLEM('link-expired', 410) }, null);
    expect($('[data-testid="problem"]')?.textContent).toContain('Ce lien n’est plus valable');
    expect($('[data-testid="problem"] a')?.getAttribute('href')).toBe('/recovery');
  });

  it('asks for a second-factor code when the account has one', async () => {
    const { requests } = await start(
      '/recovery/abcdefghijkl',
      { 'POST /api/recovery/inspection': { body: { two_factor_required: true } }, 'POST /api/recovery/completion': { status: 204 } },
      null,
    );
    await type('input[name="new-password"]', 'Tours#2025-Loire');
    await flush(120);
    expect($<HTMLButtonElement>('[data-testid="recovery-save"]')!.disabled).toBe(true); // no code yet
    await type('input[name="code"]', '654321');
    await submit('[data-testid="recovery-password-form"]');
    expect(requests.at(-1)?.body).toEqual({ token: 'abcdefghijkl', password: 'Tours#2025-Loire', code: '654321' });
    expect($('[data-testid="recovery-done"]')).not.toBeNull();
  });
});

describe('Sécurité', () => {
  it('asks for the password again when the server wants it, then retries', async () => {
    let changes = 0;
    const { requests } = await start('/more/security/password', {
      'PUT /api/me/password': () => (++changes === 1 ? PROBLEM('reauthentication-required', 403) : { status: 204 }),
      'POST /api/session/reauthentication': (_r, body) =>
        (body as { password: string }).password === 'old-one' ? { status: 204 } : PROBLEM('password-incorrect', 401),
    });
    expect($<HTMLInputElement>('input[type="checkbox"]')!.checked).toBe(true); // sign out the other devices
    await type('input[name="current-password"]', 'old-one');
    await type('input[name="new-password"]', 'Tours#2025-Loire');
    await flush(120);
    await submit('[data-testid="change-password-form"]');

    const dialog = $('[data-testid="reauth-dialog"]')!;
    expect(dialog.getAttribute('role')).toBe('dialog');
    await type('[data-testid="reauth-dialog"] input[name="password"]', 'wrong');
    await submit('[data-testid="reauth-dialog"] form');
    expect($('[data-testid="reauth-dialog"] [data-testid="problem"]')?.textContent).toBe('Mot de passe incorrect.');
    await type('[data-testid="reauth-dialog"] input[name="password"]', 'old-one');
    await submit('[data-testid="reauth-dialog"] form');
    await flush();
    expect($('[data-testid="reauth-dialog"]')).toBeNull();
    expect($('[data-testid="password-changed"]')).not.toBeNull();
    const puts = requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(2);
    expect(puts[1]?.body).toEqual({ current_password: 'old-one', new_password: 'Tours#2025-Loire', end_other_sessions: true });
    expect(puts[1]?.headers.get('X-CSRF-Token')).toBe('csrf-123');
  });

  it('lists the devices and signs the others out after the password', async () => {
    const device = (id: string, current: boolean) => ({
      id,
      device: current ? 'Chrome · Android' : 'Firefox · Windows',
      ip: '192.0.2.1',
      first_seen_at: '2025-09-01T06:30:00Z',
      last_seen_at: '2025-09-02T16:00:00Z',
      current,
      remembered: !current,
      services: [] as string[],
    });
    let list = [device('s1', true), device('s2', false)];
    const { requests } = await start('/more/security/devices', {
      'GET /api/me/sessions': () => ({ body: list }),
      'POST /api/me/sessions/revocation': () => {
        list = [device('s1', true)];
        return { status: 204 };
      },
    });
    expect(root.querySelectorAll('[data-testid="devices"] > li')).toHaveLength(2);
    expect($('[data-testid="current-device"]')?.textContent).toBe('cet appareil');
    expect(text()).toContain('1 sept. 2025, 08:30'); // Europe/Paris
    await click('[data-testid="revoke-others"]');
    await type('[data-testid="revoke-dialog"] input[name="password"]', 'pw');
    await submit('[data-testid="revoke-dialog"] form');
    expect(requests.find((r) => r.path === '/api/me/sessions/revocation')?.body).toEqual({ password: 'pw' });
    expect(root.querySelectorAll('[data-testid="devices"] > li')).toHaveLength(1);
    expect(text()).toContain('Aucun autre appareil n’est connecté.');
  });

  it('translates the security events', async () => {
    await start('/more/security/activity', {
      'GET /api/me/security-events': {
        body: [
          { at: '2025-09-01T06:30:00Z', kind: 'login_failed', success: false, ip: '192.0.2.1', device: 'Firefox' },
          { at: '2025-09-01T06:00:00Z', kind: 'something_new', success: true, ip: '', device: '' },
        ],
      },
    });
    const items = [...root.querySelectorAll('[data-testid="events"] li')].map((li) => li.textContent);
    expect(items[0]).toContain('Connexion refusée');
    expect(items[0]).toContain('échec');
    expect(items[1]).toContain('Autre événement');
  });

  it('enrols two-factor authentication and shows the recovery codes once', async () => {
    await start('/more/security/two-factor', {
      'POST /api/me/two-factor/enrolment': { body: { otpauth_uri: 'otpauth://totp/x', secret: 'JBSWY3DPEHPK3PXP', qr_png_base64: 'iVBORw0KGgo=' } },
      'POST /api/me/two-factor/confirmation': { body: { recovery_codes: ['aaaa-bbbb', 'cccc-dddd'] } },
    });
    await click('[data-testid="two-factor-enable"]');
    expect($<HTMLImageElement>('img.qr')!.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect($('[data-testid="two-factor-secret"]')?.textContent).toBe('JBSWY3DPEHPK3PXP');
    await type('input[name="code"]', '123456');
    await submit('[data-testid="two-factor-enrol"]');
    expect($('[data-testid="recovery-codes"]')?.textContent).toContain('cccc-dddd');
    await act(() => button('J’ai noté mes codes')!.click());
    expect(text()).toContain('La double authentification est activée.');
  });
});

describe('Phone re-verification', () => {
  it('asks a person whose phone the secretariat changed to confirm it by SMS code', async () => {
    const { requests } = await start('/', {
      'GET /api/session': { body: { ...ME, phone_verification_required: true } },
      'POST /api/me/phone-verification': { body: CHALLENGE },
      'POST /api/me/phone-verification/confirmation': { status: 204 },
    });
    expect($('[data-testid="phone-banner"]')?.textContent).toContain('Le secrétariat a modifié votre numéro');
    await click('[data-testid="phone-banner"] a');
    expect(location.pathname).toBe('/more/security/phone');
    expect($('[data-testid="phone-banner"]')).toBeNull();
    await click('[data-testid="phone-send"]');
    expect(text()).toContain('+33 6 •• •• •• 01');
    expect($('input[name="code"]')?.getAttribute('autocomplete')).toBe('one-time-code');
    await type('input[name="code"]', '123456');
    await submit('[data-testid="phone-code-form"]');
    expect(requests.at(-1)?.body).toEqual({ challenge: 'ch-1', code: '123456' });
    expect($('[data-testid="phone-done"]')).not.toBeNull();
    await act(() => navigate('/'));
    expect($('[data-testid="phone-banner"]')).toBeNull();
  });
});

describe('Secretariat', () => {
  const STAFF = { ...ME, permissions: ['accounts'] };
  const PERSON = {
    person_id: 'p-9',
    number: '25000009',
    family_name: 'Petit',
    given_name: 'Jules',
    role: 'student',
    institutional_email: 'jules.petit@etu.univ-tours.fr',
    mobile_phone: '+33699000009',
    enrolment: 'enrolled',
    account_state: 'active',
    two_factor_enabled: false,
  };

  it('is not there without the accounts permission', async () => {
    await start('/more/secretariat', {});
    expect($('h1')?.textContent).toBe('Page introuvable');
  });

  it('finds a person and suspends the account after confirmation', async () => {
    const { requests } = await start(
      '/more/secretariat',
      {
        'GET /api/secretariat/people': { body: [PERSON] },
        'GET /api/secretariat/people/p-9': { body: { account: PERSON, active_sessions: 2, events: [], registrations: [] } },
        'POST /api/secretariat/people/p-9/suspension': { status: 204 },
      },
      STAFF,
    );
    await type('input[name="q"]', 'Petit');
    await submit('form[role="search"]');
    expect(requests.find((r) => r.path.startsWith('/api/secretariat/people?'))?.path).toBe('/api/secretariat/people?q=Petit');
    await click('[data-testid="people"] a');
    expect(location.pathname).toBe('/more/secretariat/p-9');
    expect($('[data-testid="person-name"]')?.textContent).toBe('Jules Petit');
    expect($('[data-testid="active-sessions"]')?.textContent).toBe('2');
    await click('[data-testid="suspend"]');
    const select = $<HTMLSelectElement>('#suspension-reason')!;
    await act(() => {
      select.value = 'security';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const note = $<HTMLTextAreaElement>('#suspension-note')!;
    await act(() => {
      note.value = 'Compte compromis signalé';
      note.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect($('[data-testid="action-dialog"]')?.textContent).toContain('Suspendre le compte de Jules Petit ?');
    await submit('[data-testid="action-dialog"] form');
    const suspension = requests.find((r) => r.path === '/api/secretariat/people/p-9/suspension');
    expect(suspension?.body).toEqual({ reason: 'security', note: 'Compte compromis signalé' });
    expect(suspension?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect($('[data-testid="action-done"]')).not.toBeNull();
  });
});
