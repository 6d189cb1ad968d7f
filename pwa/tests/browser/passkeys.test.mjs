// Passkeys (« Clés d’accès ») against a real server seeded with the demo, on a phone, in French
// and in English, with a virtual authenticator of the DevTools protocol (CTAP2, internal,
// resident keys, user verification, presence simulated: a phone unlocked by its owner):
// - the demo student 25000002 signs in with his password, adds a passkey in Sécurité → « Clés
//   d’accès » under the name suggested from the device (his password typed if asked), renames it,
//   signs out, signs in with « Se connecter avec une clé d’accès » and lands on the home; signed
//   out again, the login page offers the passkey in the identifier's autofill (conditional
//   mediation), which the virtual authenticator answers as a person picking it would; the passkey
//   is « Utilisée le … » now; then he removes it;
// - then, once the server has them (two-factor by passkeys, issue 18's second part): he adds a
//   passkey and turns two-factor on with it alone (« Activer la double authentification avec mes
//   clés d’accès »: ten recovery codes, once); signed out, his password asks for the second factor,
//   which the passkey answers (« Utiliser une clé d’accès », first); a service asking for the
//   password again (CAS `renew`) gets the password prompt, which the passkey answers (« Confirmer
//   avec une clé d’accès »); the server keeps his last passkey as his second factor, which the page
//   explains; he turns two-factor off and removes it, leaving the demo account as seeded.
// The virtual authenticator answers a conditional request at once, where a person would pick the
// passkey in the autofill or type a password: except in the autofill step, the page is told that
// this browser has no conditional mediation (as Firefox before 119), so that the password and the
// button are what is tried.
// The relying party is the server's origin as browsers know it: its loopback address becomes
// `localhost` (api/passkeys/relying_party.rs; browsers refuse an IP address as RP id), so these
// pages are opened at http://localhost:PORT.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseUrl, EXPECTED_401, openPhone, TEST_TIMEOUT } from './support.mjs';
import { demoPassword, demoPerson, signIn } from './demo.mjs';

const LANGUAGES = [
  {
    lang: 'fr',
    locale: 'fr-FR',
    section: 'Clés d’accès',
    suggested: (given) => `PC Linux de ${given}`,
    added: (name) => `Clé d’accès « ${name} » ajoutée.`,
    renamed: 'Clé d’accès renommée.',
    removed: 'Clé d’accès supprimée.',
    none: 'Aucune clé d’accès pour le moment.',
    neverUsed: 'Jamais utilisée',
    used: /^Utilisée le /,
    signInWithPasskey: 'Se connecter avec une clé d’accès',
    confirm: 'Confirmer',
    newName: 'Téléphone de Lucas',
    codesDone: 'J’ai noté mes codes',
    byPasskeys: 'Vos clés d’accès servent de second facteur.',
    usePasskey: 'Utiliser une clé d’accès',
    confirmWithPasskey: 'Confirmer avec une clé d’accès',
    lastSecondFactor: /^C’est votre dernière clé d’accès et votre double authentification en dépend\./,
    disable: 'Désactiver la double authentification',
  },
  {
    lang: 'en',
    locale: 'en-GB',
    section: 'Passkeys',
    suggested: (given) => `${given}’s Linux PC`,
    added: (name) => `Passkey “${name}” added.`,
    renamed: 'Passkey renamed.',
    removed: 'Passkey removed.',
    none: 'No passkeys yet.',
    neverUsed: 'Never used',
    used: /^Last used on /,
    signInWithPasskey: 'Sign in with a passkey',
    confirm: 'Confirm',
    newName: 'Lucas’s phone',
    codesDone: 'I have saved my codes',
    byPasskeys: 'Your passkeys are your second factor.',
    usePasskey: 'Use a passkey',
    confirmWithPasskey: 'Confirm with a passkey',
    lastSecondFactor: /^This is your last passkey and your two-factor authentication depends on it\./,
    disable: 'Turn off two-factor authentication',
  },
];

// The password prompt answers 403 reauthentication-required first; Chromium logs it.
const EXPECTED_403 = /Failed to load resource: the server responded with a status of 403/;
// The last second factor kept (409 passkey-last-second-factor), on purpose.
const EXPECTED_409 = /Failed to load resource: the server responded with a status of 409/;

/** Whether the server has two-factor by passkeys (its OpenAPI document names the challenges). */
async function hasPasskeySecondFactor(base) {
  const response = await fetch(`${base}/api/openapi.json`);
  assert.equal(response.status, 200, 'GET /api/openapi.json');
  return (await response.text()).includes('/api/session/two-factor/passkey-challenge');
}

/** The server's address with `localhost` for its loopback host (the relying party's id). */
function localhostBase() {
  const url = new URL(baseUrl());
  if (url.hostname === '127.0.0.1' || url.hostname === '[::1]') url.hostname = 'localhost';
  return url.origin;
}

/** A phone browser with a virtual authenticator that says yes, as a phone unlocked by its owner would. */
async function phoneWithAuthenticator(locale) {
  const phone = await openPhone({ locale });
  // Whether this browser offers conditional mediation is the test's to say (sessionStorage
  // `ent-test-conditional`, off unless `on`).
  await phone.context.addInitScript(() => {
    const original = window.PublicKeyCredential?.isConditionalMediationAvailable;
    if (!original) return;
    PublicKeyCredential.isConditionalMediationAvailable = function () {
      return sessionStorage.getItem('ent-test-conditional') === 'on' ? original.call(this) : Promise.resolve(false);
    };
  });
  const cdp = await phone.context.newCDPSession(phone.page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  const credentials = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
  return { ...phone, cdp, authenticatorId, credentials };
}

/** Confirm the password if the server asks for it again (sensitive operations). */
async function reauthenticateIfAsked(page, L, password) {
  const dialog = page.getByTestId('reauth-dialog');
  try {
    await dialog.waitFor({ timeout: 3_000 });
  } catch {
    return false;
  }
  await dialog.locator('input[name="password"]').fill(password);
  await dialog.getByRole('button', { name: L.confirm, exact: true }).tap();
  await dialog.waitFor({ state: 'detached' });
  return true;
}

/** Whether the login screen, opened next, offers the passkeys in the identifier's autofill. */
const conditionalMediation = (page, on) => page.evaluate((value) => sessionStorage.setItem('ent-test-conditional', value), on ? 'on' : 'off');

/** The passkeys' names as the list shows them. */
const names = (page) => page.getByTestId('passkey-name').allTextContents();

/** Sécurité → « Clés d’accès », from the page before. */
async function openPasskeys(page, base, L) {
  await page.goto(`${base}/more/security`, { waitUntil: 'load' });
  await page.getByRole('link', { name: L.section }).tap();
  await page.waitForURL(`${base}/more/security/passkeys`);
  await page.getByRole('heading', { level: 1, name: L.section }).waitFor();
}

/** Adds a passkey under the suggested name in « Clés d’accès », open; its name. */
async function addPasskey(page, L, student, password) {
  await page.getByTestId('passkey-add').tap();
  const field = page.getByTestId('passkey-add-form').locator('input[name="passkey-name"]');
  const name = L.suggested(student.given_name);
  assert.equal(await field.inputValue(), name);
  const registered = page.waitForResponse((r) => r.url().endsWith('/api/me/passkeys') && r.request().method() === 'POST');
  await page.getByTestId('passkey-create').tap();
  await reauthenticateIfAsked(page, L, password);
  assert.equal((await registered).status(), 201, 'POST /api/me/passkeys');
  await page.getByTestId('passkeys-notice').filter({ hasText: L.added(name) }).waitFor();
  // The list is asked again after the notice.
  await page.getByTestId('passkey-name').filter({ hasText: name }).waitFor();
  return name;
}

/**
 * Removes, through the API, any passkey of the signed-in person a failed run before left (just
 * signed in: no password asked), so that one failure does not make the next tests fail too.
 */
async function removeLeftPasskeys(page) {
  await page.evaluate(async () => {
    const me = await (await fetch('/api/session')).json();
    const list = await (await fetch('/api/me/passkeys')).json();
    for (const passkey of list) await fetch(`/api/me/passkeys/${passkey.id}`, { method: 'DELETE', headers: { 'X-CSRF-Token': me.csrf_token } });
  });
}

/** Signs out from Sécurité. */
async function signOut(page, base) {
  await page.goto(`${base}/more/security`, { waitUntil: 'load' });
  await page.getByTestId('logout').tap();
  await page.waitForURL(`${base}/login`);
}

for (const L of LANGUAGES) {
  test(`[${L.lang}] a student adds a passkey, renames it, signs in with it and removes it`, { timeout: 3 * TEST_TIMEOUT }, async () => {
    const base = localhostBase();
    const password = await demoPassword();
    const student = await demoPerson('25000002');
    const phone = await phoneWithAuthenticator(L.locale);
    const { page } = phone;
    try {
      await signIn(page, base, student.institutional_email, password);
      await page.locator('nav.bottom-nav').waitFor();
      await removeLeftPasskeys(page);

      // Add one under the name suggested from this device (headless Chromium says Linux).
      await openPasskeys(page, base, L);
      await page.getByText(L.none).waitFor();
      const name = await addPasskey(page, L, student, password);
      assert.deepEqual(await names(page), [name]);
      assert.equal(await page.getByTestId('passkey-used').textContent(), L.neverUsed);
      const held = await phone.credentials();
      assert.equal(held.length, 1, 'the authenticator holds one passkey');
      assert.equal(held[0].rpId, 'localhost');
      assert.equal(held[0].isResidentCredential, true, 'a discoverable passkey');

      // Rename it.
      await page.getByTestId('passkey-rename').tap();
      const dialog = page.getByTestId('passkey-rename-dialog');
      await dialog.locator('input[name="passkey-name"]').fill(L.newName);
      await dialog.locator('button[type="submit"]').tap();
      await dialog.waitFor({ state: 'detached' });
      await page.getByTestId('passkeys-notice').filter({ hasText: L.renamed }).waitFor();
      await page.getByTestId('passkey-name').filter({ hasText: L.newName }).waitFor();
      assert.deepEqual(await names(page), [L.newName]);

      // Sign out, then in with the passkey's button: the home, as after a password.
      await signOut(page, base);
      assert.equal(await page.locator('input[name="username"]').getAttribute('autocomplete'), 'username');
      const signedInByPasskey = page.waitForResponse((r) => r.url().endsWith('/api/session/passkey'));
      await page.getByRole('button', { name: L.signInWithPasskey }).tap();
      assert.equal((await signedInByPasskey).status(), 200, 'POST /api/session/passkey');
      await page.locator('nav.bottom-nav').waitFor();
      assert.equal(new URL(page.url()).pathname, '/');

      // Signed out, the identifier's autofill offers the passkey (picked by the authenticator).
      await signOut(page, base);
      await conditionalMediation(page, true);
      const byAutofill = page.waitForResponse((r) => r.url().endsWith('/api/session/passkey'));
      await page.goto(`${base}/login`, { waitUntil: 'load' });
      assert.equal((await byAutofill).status(), 200, 'POST /api/session/passkey (conditional)');
      await page.locator('nav.bottom-nav').waitFor();
      assert.equal(new URL(page.url()).pathname, '/');
      assert.equal(await page.evaluate(() => PublicKeyCredential.isConditionalMediationAvailable()), true, 'Chromium offers conditional mediation');
      await conditionalMediation(page, false);
      await openPasskeys(page, base, L);
      assert.match((await page.getByTestId('passkey-used').textContent()) ?? '', L.used);

      // Remove it (just signed in: no password asked, else typed).
      await page.getByTestId('passkey-remove').tap();
      await page.getByTestId('passkey-remove-confirm').tap();
      await reauthenticateIfAsked(page, L, password);
      await page.getByTestId('passkeys-notice').filter({ hasText: L.removed }).waitFor();
      await page.getByText(L.none).waitFor();
      assert.deepEqual(phone.problems([EXPECTED_401, EXPECTED_403]), [], 'console errors or CSP violations');
    } finally {
      await phone.close();
    }
  });
}

for (const L of LANGUAGES) {
  test(`[${L.lang}] two-factor with the passkeys alone: turned on, the second factor at login, confirming it is him, turned off`, { timeout: 4 * TEST_TIMEOUT }, async (t) => {
    const base = localhostBase();
    if (!(await hasPasskeySecondFactor(base))) {
      t.skip('this server has no two-factor by passkeys yet');
      return;
    }
    const password = await demoPassword();
    const student = await demoPerson('25000002');
    const phone = await phoneWithAuthenticator(L.locale);
    const { page } = phone;
    try {
      await signIn(page, base, student.institutional_email, password);
      await page.locator('nav.bottom-nav').waitFor();
      await removeLeftPasskeys(page);
      await openPasskeys(page, base, L);
      await addPasskey(page, L, student, password);

      // Two-factor with the passkey alone: the recovery codes, once.
      await page.goto(`${base}/more/security/two-factor`, { waitUntil: 'load' });
      const turnedOn = page.waitForResponse((r) => r.url().endsWith('/api/me/two-factor/passkeys') && r.status() === 200);
      await page.getByTestId('two-factor-passkeys').tap();
      await reauthenticateIfAsked(page, L, password);
      const { recovery_codes: codes } = await (await turnedOn).json();
      const shown = await page.getByTestId('recovery-codes').locator('li code').allTextContents();
      assert.equal(shown.length, 10, 'ten recovery codes');
      assert.deepEqual(shown, codes);
      await page.getByRole('button', { name: L.codesDone }).tap();
      await page.getByTestId('two-factor-by-passkeys').filter({ hasText: L.byPasskeys }).waitFor();

      // Signed out, the password asks for the second factor: the passkey, first, answers it.
      await signOut(page, base);
      await signIn(page, base, student.institutional_email, password);
      await page.getByTestId('two-factor-form').waitFor();
      const first = page.getByTestId('two-factor-form').locator('button, input').first();
      assert.equal(await first.getAttribute('data-testid'), 'two-factor-passkey', 'the passkey comes first');
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/session/two-factor'));
      await page.getByRole('button', { name: L.usePasskey }).tap();
      assert.equal((await answered).status(), 200, 'POST /api/session/two-factor');
      await page.locator('nav.bottom-nav').waitFor();
      assert.equal(new URL(page.url()).pathname, '/');

      // A service that wants the password typed again (CAS renew): the prompt, which the passkey
      // answers; then the service gets its ticket. The login screen shows the continuation, with
      // conditional mediation on: signed in, no autofill request waits there (it would take the
      // browser's one WebAuthn request, and the virtual authenticator would answer it).
      const SERVICE = 'http://127.0.0.1:8000/passkeys';
      await conditionalMediation(page, true);
      const passkeyLogins = [];
      page.on('request', (r) => r.url().includes('/api/session/passkey') && passkeyLogins.push(r.url()));
      await page.route(`${SERVICE}**`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>demo</title><p>demo</p>' }));
      await page.goto(`${base}/cas/login?service=${encodeURIComponent(SERVICE)}&renew=true`, { waitUntil: 'load' });
      const dialog = page.getByTestId('reauth-dialog');
      await dialog.waitFor();
      const confirmed = page.waitForResponse((r) => r.url().endsWith('/api/session/reauthentication/passkey'));
      await dialog.getByRole('button', { name: L.confirmWithPasskey }).tap();
      assert.equal((await confirmed).status(), 204, 'POST /api/session/reauthentication/passkey');
      await page.waitForURL((url) => url.href.startsWith(SERVICE) && url.searchParams.has('ticket'));
      assert.deepEqual(passkeyLogins, [], 'no passkey login on the way');

      // The server keeps his last passkey, his second factor: the page says what to do.
      await openPasskeys(page, base, L);
      await conditionalMediation(page, false);
      await page.getByTestId('passkey-remove').tap();
      await page.getByTestId('passkey-remove-confirm').tap();
      const kept = page.getByTestId('passkey-remove-dialog').getByTestId('problem');
      await kept.waitFor();
      assert.match((await kept.textContent()) ?? '', L.lastSecondFactor);
      await page.getByTestId('passkey-two-factor-link').tap();
      await page.waitForURL(`${base}/more/security/two-factor`);

      // Two-factor off (the passkey's confirmation is fresh: no prompt), then the passkey removed.
      await page.getByTestId('two-factor-disable').tap();
      await page.getByRole('dialog').getByRole('button', { name: L.disable }).tap();
      await page.getByTestId('two-factor-enable').waitFor();
      assert.equal(await page.getByTestId('reauth-dialog').count(), 0, 'no password prompt');
      await openPasskeys(page, base, L);
      await page.getByTestId('passkey-remove').tap();
      await page.getByTestId('passkey-remove-confirm').tap();
      await page.getByTestId('passkeys-notice').filter({ hasText: L.removed }).waitFor();
      await page.getByText(L.none).waitFor();
      assert.deepEqual(phone.problems([EXPECTED_401, EXPECTED_403, EXPECTED_409]), [], 'console errors or CSP violations');
    } finally {
      await phone.close();
    }
  });
}
