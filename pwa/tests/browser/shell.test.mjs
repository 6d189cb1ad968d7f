// Browser tests of the PWA shell against a running server: ENT_BASE_URL=http://127.0.0.1:43211 npm run test:browser
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseUrl, openPhone, tabLabels, TEST_TIMEOUT, waitForController, within } from './support.mjs';

/** The server's public configuration (names differ between deployments). */
async function publicConfig(base) {
  const response = await within(10_000, 'GET /api/config/public', fetch(`${base}/api/config/public`));
  assert.equal(response.status, 200, 'GET /api/config/public');
  return response.json();
}

const FR_TABS = ['Accueil', 'Emploi du temps', 'Messages', 'Aide', 'Plus'];
const EN_TABS = ['Home', 'Timetable', 'Messages', 'Help', 'More'];

/** Run `body` with a fresh phone browser; fail on console errors or CSP violations. */
async function withPhone(body, { ignore = [], options = {} } = {}) {
  const base = baseUrl();
  const phone = await openPhone(options);
  try {
    await body({ ...phone, base });
    assert.deepEqual(phone.problems(ignore), [], 'console errors or CSP violations');
  } finally {
    await phone.close();
  }
}

test('the shell loads in a phone viewport and the bottom tabs navigate', { timeout: TEST_TIMEOUT }, () =>
  withPhone(async ({ page, base }) => {
    const response = await page.goto(`${base}/`, { waitUntil: 'load' });
    assert.equal(response?.status(), 200);
    const csp = response?.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self'/, 'the server sends the strict CSP');

    const config = await publicConfig(base);
    await page.locator('header.app-header').waitFor();
    assert.deepEqual(await tabLabels(page), FR_TABS);
    await page.getByTestId('campuses').getByText(config.campuses[0].name, { exact: true }).waitFor();
    assert.equal(await page.getByTestId('short-name').textContent(), config.university.short_name);
    assert.equal(await page.getByTestId('university-name').textContent(), config.university.name);

    // Touch targets and no horizontal scrolling at 390px.
    const boxes = await page.locator('nav.bottom-nav a').evaluateAll((links) =>
      links.map((a) => a.getBoundingClientRect()).map((r) => ({ w: r.width, h: r.height })),
    );
    for (const box of boxes) assert.ok(box.w >= 44 && box.h >= 44, `tab too small: ${JSON.stringify(box)}`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'horizontal overflow');

    const routes = [
      ['timetable', '/timetable', 'Emploi du temps'],
      ['messages', '/messages', 'Messages'],
      ['help', '/help', 'Aide'],
      ['more', '/more', 'Plus'],
      ['home', '/', null],
    ];
    for (const [tab, path, heading] of routes) {
      await page.locator(`nav.bottom-nav a[data-tab="${tab}"]`).tap();
      await page.waitForURL(`${base}${path}`);
      assert.equal(await page.locator(`nav.bottom-nav a[data-tab="${tab}"]`).getAttribute('aria-current'), 'page');
      if (heading) assert.equal(await page.locator('main h1').textContent(), heading);
    }
    await page.goBack();
    await page.waitForURL(`${base}/more`);
    assert.equal(await page.locator('main h1').textContent(), 'Plus');

    // Still usable on a 320px-wide phone.
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
    await page.locator('nav.bottom-nav').waitFor();
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
      await page.getByTestId('campuses').waitFor();
      assert.equal(await page.getByTestId('offline-banner').count(), 0);

      await context.setOffline(true);
      await page.reload({ waitUntil: 'load' });
      await page.locator('nav.bottom-nav').waitFor();
      assert.deepEqual(await tabLabels(page), FR_TABS);
      await page.getByTestId('offline-banner').waitFor();
      const config = await publicConfig(base);
      await page.getByTestId('campuses').getByText(config.campuses[0].name, { exact: true }).waitFor(); // from the cache

      // Another section, opened directly while offline, also gets the shell.
      await page.goto(`${base}/timetable`, { waitUntil: 'load' });
      await page.getByTestId('soon').waitFor();
      await page.getByTestId('offline-banner').waitFor();

      await context.setOffline(false);
      await page.getByTestId('offline-banner').waitFor({ state: 'detached' });
  }));

test('the language switch changes the texts and is remembered', { timeout: TEST_TIMEOUT }, () =>
  withPhone(async ({ page, base }) => {
    await page.goto(`${base}/more`, { waitUntil: 'load' });
    assert.deepEqual(await tabLabels(page), FR_TABS);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
    await page.getByText('Assistance connexion étudiant').waitFor();

    await page.locator('button[data-lang="en"]').tap();
    assert.deepEqual(await tabLabels(page), EN_TABS);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.locator('main h1').textContent(), 'More');
    assert.equal(await page.locator('button[data-lang="en"]').getAttribute('aria-pressed'), 'true');

    await page.reload({ waitUntil: 'load' });
    await page.locator('nav.bottom-nav').waitFor();
    assert.deepEqual(await tabLabels(page), EN_TABS, 'the choice survives a reload');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');

    await page.locator('button[data-lang="fr"]').tap();
    assert.deepEqual(await tabLabels(page), FR_TABS);
  }));

test('an English browser starts in English', { timeout: TEST_TIMEOUT }, () =>
  withPhone(
    async ({ page, base }) => {
      await page.goto(`${base}/`, { waitUntil: 'load' });
      await page.locator('nav.bottom-nav').waitFor();
      assert.deepEqual(await tabLabels(page), EN_TABS);
    },
    { options: { locale: 'en-GB' } },
  ));

test('an unknown path shows the shell', { timeout: TEST_TIMEOUT }, () =>
  withPhone(async ({ page, base }) => {
    const response = await page.goto(`${base}/does/not/exist`, { waitUntil: 'load' });
    assert.equal(response?.status(), 200);
    await page.locator('nav.bottom-nav').waitFor();
    assert.deepEqual(await tabLabels(page), FR_TABS);
    assert.equal(await page.locator('main h1').textContent(), 'Page introuvable');
  }));
