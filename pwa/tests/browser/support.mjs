// Helpers for the browser tests: Debian's Chromium driven by playwright-core.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 };
export const TEST_TIMEOUT = 90_000;

/** The server under test, e.g. http://127.0.0.1:43211 (no trailing slash). */
export function baseUrl() {
  const base = process.env.ENT_BASE_URL;
  assert.ok(base, 'ENT_BASE_URL is not set: point it at a running `ent serve` (e.g. http://127.0.0.1:43211)');
  return base.replace(/\/+$/, '');
}

/** Reject after `ms` with a clear message instead of hanging. */
export function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A phone-sized Chromium with a fresh profile (a persistent, non-incognito context, so
 * installability is judged as for a normal window). Collects console errors, page errors
 * and CSP violations; `problems()` returns them.
 */
export async function openPhone(options = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'ent-pwa-test-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    locale: 'fr-FR',
    ...PHONE,
    ...options,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  const errors = [];
  // Runs before any page script (injected by the DevTools protocol, not subject to the CSP).
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // A resource that failed says which (its address is the message's location), so that an
    // expected answer can be told from others.
    const resource = /^Failed to load resource/.test(message.text()) ? message.location()?.url : '';
    errors.push(`console: ${message.text()}${resource ? ` (${resource})` : ''}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return {
    context,
    page,
    problems: (ignore = []) => errors.filter((text) => !ignore.some((re) => re.test(text))),
    async close() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Wait until a service worker controls the page (reloading once if it is not claimed). */
export async function waitForController(page) {
  const state = () =>
    page.evaluate(() =>
      Promise.race([
        navigator.serviceWorker.ready.then(() => (navigator.serviceWorker.controller ? 'controlled' : 'ready')),
        new Promise((resolve) => setTimeout(() => resolve('timeout'), 15_000)),
      ]),
    );
  let status = await within(20_000, 'navigator.serviceWorker.ready', state());
  assert.notEqual(status, 'timeout', 'the service worker never became ready (a 404 in the precache list?)');
  if (status !== 'controlled') {
    status = await page.evaluate(
      () =>
        new Promise((resolve) => {
          if (navigator.serviceWorker.controller) return resolve('controlled');
          navigator.serviceWorker.addEventListener('controllerchange', () => resolve('controlled'));
          setTimeout(() => resolve('no-controller'), 5_000);
        }),
    );
  }
  if (status !== 'controlled') {
    await page.reload({ waitUntil: 'load' });
    status = await page.evaluate(() => (navigator.serviceWorker.controller ? 'controlled' : 'no-controller'));
  }
  assert.equal(status, 'controlled', 'the service worker does not control the page');
  return page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null);
}

/** Texts of the bottom navigation tabs. */
export function tabLabels(page) {
  return page.locator('nav.bottom-nav a .tab-label').allTextContents();
}

/** The server's public configuration (names differ between deployments). */
export async function publicConfig(base) {
  const response = await within(10_000, 'GET /api/config/public', fetch(`${base}/api/config/public`));
  assert.equal(response.status, 200, 'GET /api/config/public');
  return response.json();
}

/**
 * Chromium logs every 4xx answer to fetch as a console error; GET /api/session answers 401 when
 * signed out, which is expected. Tests that provoke other problems list them in `ignore`.
 */
export const EXPECTED_401 = /Failed to load resource: the server responded with a status of 401/;

/**
 * The secretariat's view of a student asks for the card photo, which answers 404 no-card-photo
 * when the student has none (Chromium logs that too).
 */
export const EXPECTED_NO_CARD_PHOTO = /status of 404 \(Not Found\) \(\S*\/api\/secretariat\/people\/[^/]+\/card-photo\)$/;

/** Run `body` with a fresh phone browser; fail on console errors or CSP violations. */
export async function withPhone(body, { ignore = [], options = {} } = {}) {
  const base = baseUrl();
  const phone = await openPhone(options);
  try {
    await body({ ...phone, base });
    assert.deepEqual(phone.problems([EXPECTED_401, ...ignore]), [], 'console errors or CSP violations');
  } finally {
    await phone.close();
  }
}
