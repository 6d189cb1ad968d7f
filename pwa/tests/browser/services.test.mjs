// « Tous les services » and single sign-on against a real server (ENT_PROFILE=test registers the
// services of config/test.toml: `demo` for any loopback address, `gestion` for staff only,
// `annuaire-ldap`, and the plain link `site-universite`). The single sign-on test runs a tiny CAS
// client on loopback: without a ticket it sends the browser to the ENT's /cas/login; with one it
// validates it at /cas/p3/serviceValidate and shows the <cas:user> the ENT answered.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { baseUrl, TEST_TIMEOUT, withPhone } from './support.mjs';
import { demoPassword, signIn } from './demo.mjs';
import { totp } from './totp.mjs';

const STUDENT = '25000002';
// The continuation's 403 reauthentication-required (renew) is asked for on purpose.
const PROVOKED = [/Failed to load resource: the server responded with a status of 403/];

/** The services shown, by section (`favourites` or a category code), in order. */
function shown(page, section) {
  const scope = section === 'favourites' ? '[data-testid="services-favourites"]' : `[data-category="${section}"]`;
  return page.locator(`${scope} [data-service]`).evaluateAll((items) => items.map((li) => li.dataset.service));
}

const allShown = (page) => page.locator('[data-category] [data-service]').evaluateAll((items) => items.map((li) => li.dataset.service));

/** A CAS client on 127.0.0.1: `/` (and `/?renew=1`, which asks for the password again). */
function startCasClient(base) {
  const validations = [];
  const server = createServer(async (req, res) => {
    const own = `http://127.0.0.1:${server.address().port}`;
    const url = new URL(req.url ?? '/', own);
    // Single Logout (the ENT posts a LogoutRequest when the session ends), the favicon: nothing to do.
    if (req.method !== 'GET' || url.pathname !== '/') {
      req.resume();
      res.writeHead(204).end();
      return;
    }
    const ticket = url.searchParams.get('ticket');
    url.searchParams.delete('ticket');
    const service = url.href;
    const renew = url.searchParams.get('renew') === '1';
    if (!ticket) {
      const login = `${base}/cas/login?service=${encodeURIComponent(service)}${renew ? '&renew=true' : ''}`;
      res.writeHead(302, { Location: login, 'Cache-Control': 'no-store' }).end();
      return;
    }
    const validate = `${base}/cas/p3/serviceValidate?service=${encodeURIComponent(service)}&ticket=${encodeURIComponent(ticket)}${renew ? '&renew=true' : ''}`;
    let xml;
    try {
      xml = await (await fetch(validate)).text();
    } catch (error) {
      xml = `fetch failed: ${error}`;
    }
    validations.push({ service, ticket, xml });
    const user = /<cas:user>([^<]*)<\/cas:user>/.exec(xml)?.[1] ?? '';
    const escape = (s) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(
      `<!doctype html><title>CAS client</title><p id="user">${escape(user)}</p><pre id="answer">${escape(xml)}</pre>`,
    );
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        validations,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    );
  });
}

let client;
before(async () => {
  client = await startCasClient(baseUrl());
});
after(async () => {
  await client?.close();
});

test('a student sees the services open to students, searches them, and keeps a favourite on the server', { timeout: 2 * TEST_TIMEOUT }, async () => {
  const password = await demoPassword();
  await withPhone(async ({ page, base }) => {
    await signIn(page, base, STUDENT, password);
    await page.locator('nav.bottom-nav').waitFor();

    // From the home page's card « Mes services », « Tous les services ».
    const card = page.getByTestId('favourites-card');
    await card.waitFor();
    await card.getByRole('link', { name: 'Tous les services' }).tap();
    await page.waitForURL(`${base}/services`);
    await page.getByRole('heading', { name: 'Tous les services', level: 1 }).waitFor();
    await page.locator('[data-category] [data-service]').first().waitFor();
    const services = await allShown(page);
    for (const code of ['demo', 'annuaire-ldap', 'site-universite']) assert.ok(services.includes(code), `${code} is listed: ${services}`);
    assert.ok(!services.includes('gestion'), 'gestion is for staff only');

    // A CAS service opens in this tab through /cas/login; the plain link in a new tab.
    const demo = page.locator('[data-category] [data-service="demo"] a');
    assert.match((await demo.getAttribute('href')) ?? '', /^\/cas\/login\?service=/);
    assert.equal(await demo.getAttribute('target'), null);
    const site = page.locator('[data-category] [data-service="site-universite"] a');
    assert.equal(await site.getAttribute('href'), 'https://www.univ-tours.fr/');
    assert.equal(await site.getAttribute('target'), '_blank');
    assert.match((await site.getAttribute('rel')) ?? '', /noopener/);

    // The search folds accents and case.
    const search = page.getByLabel('Rechercher un service');
    await search.fill('ANNUAIRE');
    await page.waitForFunction(() => document.querySelectorAll('[data-category] [data-service]').length === 1);
    assert.deepEqual(await allShown(page), ['annuaire-ldap']);
    await search.fill('démonstration');
    await page.waitForFunction(() => document.querySelectorAll('[data-category] [data-service]').length === 1);
    assert.deepEqual(await allShown(page), ['demo']);
    await search.fill('Demonstration');
    await page.waitForFunction(() => document.querySelectorAll('[data-category] [data-service]').length === 1);
    await search.fill('zzzz');
    await page.getByText('Aucun service ne correspond').waitFor();
    await search.fill('');

    // A favourite, kept on the server: first after a reload, and on the home page.
    const row = page.locator('[data-category] [data-service="annuaire-ldap"]');
    const favourited = page.waitForResponse((r) => r.url().endsWith('/api/services/annuaire-ldap/favourite') && r.request().method() === 'PUT');
    await row.getByRole('button', { name: 'Ajouter aux favoris' }).tap();
    assert.equal((await favourited).status(), 204);
    await row.getByRole('button', { name: 'Retirer des favoris' }).waitFor();
    await page.reload({ waitUntil: 'load' });
    await page.getByTestId('services-favourites').waitFor();
    assert.deepEqual(await shown(page, 'favourites'), ['annuaire-ldap']);
    const listed = await page.evaluate(async () => (await (await fetch('/api/services')).json()).services.map((s) => s.code));
    assert.equal(listed[0], 'annuaire-ldap', `the server puts the favourite first: ${listed}`);
    await page.goto(`${base}/`, { waitUntil: 'load' });
    await page.getByTestId('favourites-card').locator('[data-service="annuaire-ldap"]').waitFor();

    // Taken out again: the account stays as seeded.
    await page.goto(`${base}/services`, { waitUntil: 'load' });
    const unfavourited = page.waitForResponse((r) => r.url().endsWith('/api/services/annuaire-ldap/favourite') && r.request().method() === 'DELETE');
    await page.locator('[data-category] [data-service="annuaire-ldap"]').getByRole('button', { name: 'Retirer des favoris' }).tap();
    assert.equal((await unfavourited).status(), 204);
    await page.getByTestId('services-favourites').waitFor({ state: 'detached' });

    // A tap on a CAS tile is a plain navigation of the page to /cas/login, which the server answers
    // with the service's address and a ticket (followed no further: nothing listens there). The
    // service worker is blocked in this test so that page.route sees the navigation; the single
    // sign-on test below runs with it.
    let redirect = null;
    await page.route(
      (url) => url.origin === base && url.pathname === '/cas/login',
      async (route) => {
        const answer = await route.fetch({ maxRedirects: 0 });
        redirect = { status: answer.status(), location: answer.headers()['location'] ?? '', navigation: route.request().isNavigationRequest() };
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>redirected</title>' });
      },
    );
    await page.locator('[data-category] [data-service="demo"] a').tap();
    await page.waitForURL((url) => url.pathname === '/cas/login');
    assert.equal(redirect?.navigation, true, 'a navigation, not a fetch');
    assert.equal(redirect?.status, 302);
    assert.match(redirect?.location ?? '', /^http:\/\/127\.0\.0\.1:8000\/\?ticket=ST-[0-9a-f]+$/);
  }, { options: { serviceWorkers: 'block' } });
});

test('single sign-on: signed out, the service sends the student through the ENT login and back; signed in, straight through; renew asks for the password', { timeout: 3 * TEST_TIMEOUT }, async () => {
  const password = await demoPassword();
  await withPhone(
    async ({ page, base }) => {
      const visited = [];
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) visited.push(frame.url());
      });
      const loginPages = () => visited.filter((u) => u.startsWith(`${base}/login`));

      // Signed out: the service → /cas/login → the PWA's login page with its login request.
      await page.goto(client.url, { waitUntil: 'load' });
      await page.waitForURL(/\/login\?cas=LR-[0-9a-f]+$/);
      assert.ok(page.url().startsWith(`${base}/login?cas=LR-`), page.url());
      await page.getByTestId('cas-notice').waitFor();
      await page.locator('input[name="username"]').fill(STUDENT);
      await page.locator('input[name="password"]').fill(password);
      await page.getByTestId('login-submit').tap();
      await page.waitForURL((url) => url.href.startsWith(client.url) && url.searchParams.has('ticket'));
      assert.equal(await page.locator('#user').textContent(), STUDENT, await page.locator('#answer').textContent());
      assert.equal(client.validations.length, 1);

      // Signed in: the service gets its ticket without any login page.
      const before = loginPages().length;
      await page.goto(client.url, { waitUntil: 'load' });
      await page.waitForURL((url) => url.href.startsWith(client.url) && url.searchParams.has('ticket'));
      assert.equal(await page.locator('#user').textContent(), STUDENT, await page.locator('#answer').textContent());
      assert.equal(loginPages().length, before, `no login page on the way: ${visited.slice(-4).join(' → ')}`);

      // renew=true: the login page again, which asks for the password before going on.
      await page.goto(`${client.url}?renew=1`, { waitUntil: 'load' });
      await page.waitForURL(/\/login\?cas=LR-[0-9a-f]+$/);
      const dialog = page.getByTestId('reauth-dialog');
      await dialog.waitFor();
      await dialog.locator('input[name="password"]').fill(password);
      await dialog.getByRole('button', { name: 'Confirmer' }).tap();
      await page.waitForURL((url) => url.href.startsWith(client.url) && url.searchParams.has('ticket'));
      assert.equal(await page.locator('#user').textContent(), STUDENT, await page.locator('#answer').textContent());

      // « Activité » and « Mes appareils » tell which service was opened.
      await page.goto(`${base}/more/security/devices`, { waitUntil: 'load' });
      const current = page.locator('[data-testid="devices"] > li[data-current="true"]');
      await current.getByTestId('device-services').waitFor();
      assert.equal(await current.getByTestId('device-services').textContent(), 'Services ouverts : Service de démonstration');
      await page.goto(`${base}/more/security/activity`, { waitUntil: 'load' });
      const opened = page.locator('[data-testid="events"] li[data-kind="service_opened"]').first();
      await opened.waitFor();
      const events = await page.evaluate(async () => (await (await fetch('/api/me/security-events')).json()).filter((e) => e.kind === 'service_opened'));
      assert.ok(events.length >= 3, `three services opened: ${JSON.stringify(events)}`);
      assert.equal(events[0].service, 'demo');
      assert.equal(await opened.locator('strong').textContent(), 'Connexion à Service de démonstration');
    },
    { ignore: PROVOKED },
  );
});

/** A call of the signed-in page's session (with its CSRF token), answering the JSON body or null. */
function call(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = await (await fetch('/api/session')).json();
      const response = await fetch(path, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.status === 204 ? null : response.json();
    },
    { method, path, body },
  );
}

test('single sign-on with two-factor authentication: the service waits through the code step', { timeout: 2 * TEST_TIMEOUT }, async () => {
  const password = await demoPassword();
  await withPhone(async ({ page, base }) => {
    // The teacher turns two-factor on (just signed in: no password prompt), and off at the end.
    await signIn(page, base, 'T1001', password);
    await page.locator('nav.bottom-nav').waitFor();
    const { otpauth_uri: uri } = await call(page, 'POST', '/api/me/two-factor/enrolment');
    const { recovery_codes: codes } = await call(page, 'POST', '/api/me/two-factor/confirmation', { code: totp(uri) });
    try {
      await call(page, 'DELETE', '/api/session');
      await page.goto(client.url, { waitUntil: 'load' });
      await page.waitForURL(/\/login\?cas=LR-[0-9a-f]+$/);
      await page.locator('input[name="username"]').fill('T1001');
      await page.locator('input[name="password"]').fill(password);
      await page.getByTestId('login-submit').tap();
      await page.getByTestId('two-factor-form').waitFor();
      assert.match(page.url(), /\/login\?cas=LR-[0-9a-f]+$/, 'the login request is still in the address');
      await page.getByTestId('cas-notice').waitFor();
      // A recovery code: the app's code of the confirmation may not be used twice.
      await page.getByTestId('toggle-recovery-code').tap();
      await page.locator('input[name="code"]').fill(codes[0]);
      await page.getByRole('button', { name: 'Valider' }).tap();
      await page.waitForURL((url) => url.href.startsWith(client.url) && url.searchParams.has('ticket'));
      assert.match((await page.locator('#user').textContent()) ?? '', /^t1001$/i, await page.locator('#answer').textContent());
    } finally {
      await page.goto(`${base}/`, { waitUntil: 'load' });
      await page.locator('nav.bottom-nav').waitFor();
      await call(page, 'DELETE', '/api/me/two-factor');
    }
  });
});

test('the login page with a cas value the server could not have written just signs in', { timeout: TEST_TIMEOUT }, async () => {
  const password = await demoPassword();
  await withPhone(async ({ page, base }) => {
    await page.goto(`${base}/login?cas=garbage`, { waitUntil: 'load' });
    await page.getByTestId('login-form').waitFor();
    assert.equal(await page.getByTestId('cas-notice').count(), 0);
    await page.locator('input[name="username"]').fill(STUDENT);
    await page.locator('input[name="password"]').fill(password);
    await page.getByTestId('login-submit').tap();
    await page.locator('nav.bottom-nav').waitFor();
    await page.waitForURL(`${base}/`);
  });
});
