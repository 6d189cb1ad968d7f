// Browser tests of the PWA shell against a running server: ENT_BASE_URL=http://127.0.0.1:43211 npm run test:browser
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseUrl, publicConfig, TEST_TIMEOUT, waitForController, withPhone, within } from './support.mjs';

test('signed out, every page leads to the login screen, in a phone viewport', { timeout: TEST_TIMEOUT }, () =>
  withPhone(async ({ page, base }) => {
    const response = await page.goto(`${base}/timetable`, { waitUntil: 'load' });
    assert.equal(response?.status(), 200);
    const csp = response?.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self'/, 'the server sends the strict CSP');

    const config = await publicConfig(base);
    await page.locator('header.app-header').waitFor();
    await page.getByTestId('login-form').waitFor();
    assert.equal(new URL(page.url()).pathname, '/login', 'redirected to the login screen');
    assert.equal(await page.locator('main h1').textContent(), 'Connexion');
    assert.equal(await page.locator('nav.bottom-nav').count(), 0, 'no bottom navigation when signed out');
    assert.equal(await page.getByTestId('short-name').textContent(), config.university.short_name);
    assert.equal(await page.getByTestId('university-name').textContent(), config.university.name);
    // « username webauthn » where the browser offers passkeys in the field's autofill (Chromium does).
    const conditional = await page.evaluate(() => window.PublicKeyCredential?.isConditionalMediationAvailable?.() ?? false);
    const autocomplete = conditional ? 'username webauthn' : 'username';
    await page.locator(`input[name="username"][autocomplete="${autocomplete}"]`).waitFor();
    assert.equal(await page.locator('input[name="password"]').getAttribute('autocomplete'), 'current-password');
    await page.getByRole('link', { name: 'Première connexion ? Activer mon compte' }).waitFor();
    await page.getByRole('link', { name: 'Mot de passe oublié ?' }).waitFor();

    // Touch targets and no horizontal scrolling at 390px.
    const boxes = await page.locator('main a.list-link, main button, main input:not([type="checkbox"])').evaluateAll((els) =>
      els.map((el) => el.getBoundingClientRect()).map((r) => ({ w: r.width, h: r.height })),
    );
    for (const box of boxes) assert.ok(box.h >= 36 && box.w >= 36, `touch target too small: ${JSON.stringify(box)}`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'horizontal overflow');

    // The public screens open without signing in.
    for (const [link, path, heading] of [
      ['Première connexion ? Activer mon compte', '/activation', 'Activer votre compte'],
      ['Mot de passe oublié ?', '/recovery', 'Mot de passe oublié ?'],
      ['Assistance connexion', '/help/connection', 'Assistance connexion'],
      ['Contacter le secrétariat', '/contacts', 'Assistance connexion étudiant'],
    ]) {
      await page.goto(`${base}/login`, { waitUntil: 'load' });
      await page.getByRole('link', { name: link }).tap();
      await page.waitForURL(`${base}${path}`);
      assert.equal(await page.locator('main h1').textContent(), heading);
    }
    await page.getByTestId('secretariat-contacts').getByText(config.secretariat[0].email).waitFor();

    // Still usable on a 320px-wide phone.
    await page.goto(`${base}/login`, { waitUntil: 'load' });
    await page.setViewportSize({ width: 320, height: 640 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), 'horizontal overflow at 320px');
  }));

test('the web app manifest parses with the expected fields and icons', { timeout: TEST_TIMEOUT }, async () => {
  const base = baseUrl();
  const response = await within(10_000, 'GET /manifest.webmanifest', fetch(`${base}/manifest.webmanifest`));
  assert.equal(response.status, 200);
  const manifest = JSON.parse(await response.text());
  for (const key of ['name', 'short_name', 'theme_color', 'background_color']) {
    assert.equal(typeof manifest[key], 'string', `manifest.${key}`);
    assert.ok(manifest[key].length > 0, `manifest.${key} is empty`);
  }
  assert.equal(manifest.start_url, '/');
  assert.equal(manifest.scope, '/');
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.lang, 'fr');
  const icons = manifest.icons ?? [];
  const has = (src, sizes, purpose) =>
    icons.some((i) => i.src === src && i.sizes === sizes && (i.purpose ?? 'any').split(' ').includes(purpose));
  assert.ok(has('/icons/icon-192.png', '192x192', 'any'), 'icon 192');
  assert.ok(has('/icons/icon-512.png', '512x512', 'any'), 'icon 512');
  assert.ok(has('/icons/icon-maskable-512.png', '512x512', 'maskable'), 'maskable icon');
  for (const icon of icons) {
    const r = await within(10_000, `GET ${icon.src}`, fetch(new URL(icon.src, base)));
    assert.equal(r.status, 200, icon.src);
    assert.match(r.headers.get('content-type') ?? '', /^image\/png/, icon.src);
  }
  const html = await (await fetch(`${base}/`)).text();
  assert.match(html, /<link rel="manifest" href="\/manifest.webmanifest"/);
});

test('Chromium reports no installability errors', { timeout: TEST_TIMEOUT }, () =>
  withPhone(async ({ page, context, base }) => {
    await page.goto(`${base}/`, { waitUntil: 'load' });
    await waitForController(page);
    const cdp = await context.newCDPSession(page);
    const manifest = await within(15_000, 'Page.getAppManifest', cdp.send('Page.getAppManifest'));
    assert.deepEqual(manifest.errors, [], 'manifest errors');
    const { installabilityErrors } = await within(15_000, 'Page.getInstallabilityErrors', cdp.send('Page.getInstallabilityErrors'));
    assert.deepEqual(installabilityErrors, []);

    // Chromium then offers installation: the card « Installer ENT mobile » appears,
    // and once dismissed it stays hidden after a reload.
    const banner = page.getByTestId('install-banner');
    await banner.waitFor({ timeout: 15_000 });
    assert.match((await banner.textContent()) ?? '', /Installer ENT mobile/);
    await banner.getByRole('button', { name: 'Plus tard' }).tap();
    await banner.waitFor({ state: 'detached' });
    await page.reload({ waitUntil: 'load' });
    await page.getByTestId('login-form').waitFor();
    await page.waitForTimeout(1_000);
    assert.equal(await banner.count(), 0, 'the dismissed install card came back');
  }));

test('the service worker controls the page', { timeout: TEST_TIMEOUT }, () =>
  withPhone(async ({ page, base }) => {
    await page.goto(`${base}/`, { waitUntil: 'load' });
    const scriptURL = await waitForController(page);
    assert.equal(scriptURL, `${base}/sw.js`);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.scope);
    assert.equal(scope, `${base}/`);
  }));

test('a reload while offline shows the shell and the offline banner', { timeout: TEST_TIMEOUT }, () =>
  withPhone(async ({ page, context, base }) => {
      await page.goto(`${base}/`, { waitUntil: 'load' });
      await waitForController(page);
      // Let the controlled page fetch the configuration once, so the worker caches it.
      await page.reload({ waitUntil: 'load' });
      await page.getByTestId('login-form').waitFor();
      assert.equal(await page.getByTestId('offline-banner').count(), 0);

      await context.setOffline(true);
      await page.reload({ waitUntil: 'load' });
      await page.getByTestId('login-form').waitFor();
      await page.getByTestId('offline-banner').waitFor();
      const config = await publicConfig(base);
      await page.getByTestId('university-name').getByText(config.university.name, { exact: true }).waitFor(); // from the cache

      // Another page, opened directly while offline, also gets the shell.
      await page.goto(`${base}/activation`, { waitUntil: 'load' });
      await page.getByTestId('activation-form').waitFor();
      await page.getByTestId('offline-banner').waitFor();
      // So does a catalogue never used yet (each screen and language is a chunk of its own).
      await page.goto(`${base}/login`, { waitUntil: 'load' });
      await page.locator('button[data-lang="en"]').tap();
      await page.locator('main h1').getByText('Sign in', { exact: true }).waitFor();

      await context.setOffline(false);
      await page.getByTestId('offline-banner').waitFor({ state: 'detached' });
  }, { ignore: [/ERR_INTERNET_DISCONNECTED/] }));

test('the language switch changes the texts and is remembered', { timeout: TEST_TIMEOUT }, () =>
  withPhone(async ({ page, base }) => {
    await page.goto(`${base}/login`, { waitUntil: 'load' });
    await page.getByTestId('login-form').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
    assert.equal(await page.locator('main h1').textContent(), 'Connexion');
    await page.getByText('Contacter le secrétariat').waitFor();

    await page.locator('button[data-lang="en"]').tap();
    // Once the English catalogue is here (fetched the first time it is chosen).
    await page.locator('main h1').getByText('Sign in', { exact: true }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.getByText('Contact the secretariat').waitFor();
    assert.equal(await page.locator('button[data-lang="en"]').getAttribute('aria-pressed'), 'true');

    await page.reload({ waitUntil: 'load' });
    await page.getByTestId('login-form').waitFor();
    assert.equal(await page.locator('main h1').textContent(), 'Sign in', 'the choice survives a reload');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');

    await page.locator('button[data-lang="fr"]').tap();
    await page.locator('main h1').getByText('Connexion', { exact: true }).waitFor();
  }));

test('an English browser starts in English', { timeout: TEST_TIMEOUT }, () =>
  withPhone(
    async ({ page, base }) => {
      await page.goto(`${base}/`, { waitUntil: 'load' });
      await page.getByTestId('login-form').waitFor();
      assert.equal(await page.locator('main h1').textContent(), 'Sign in');
      assert.equal(await page.locator('input[name="username"]').evaluate((i) => i.labels[0].textContent), 'Username or university e-mail address');
    },
    { options: { locale: 'en-GB' } },
  ));

test('an unknown path shows the shell (the login screen when signed out)', { timeout: TEST_TIMEOUT }, () =>
  withPhone(async ({ page, base }) => {
    const response = await page.goto(`${base}/does/not/exist`, { waitUntil: 'load' });
    assert.equal(response?.status(), 200);
    await page.getByTestId('login-form').waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
  }));
