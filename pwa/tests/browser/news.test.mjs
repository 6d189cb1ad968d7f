// News against a real server with the demo university: the staff member P2001 (permission
// "publishing") publishes an item for the campus grandmont whose body holds **bold** text and a
// <script>; the student 25000002 (campus grandmont) finds it in /news, opens it, sees the bold as
// <strong> and the script as plain text (never run), reads the feed again offline (kept in
// IndexedDB) and signing out forgets it; signed out, the public feed does not list it.
// Titles carry a unique suffix, so a reused server does not confuse the checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEST_TIMEOUT, waitForController, withPhone } from './support.mjs';
import { demoPassword, demoPerson, signedIn } from './demo.mjs';

const SCRIPT = '<script>window.__pwned = 1</script>';
const OFFLINE_NOISE = [/ERR_INTERNET_DISCONNECTED/, /Failed to load resource/, /Failed to fetch/];


test('staff publish an item for one campus; a student there reads it safely; the public feed does not show it', { timeout: 3 * TEST_TIMEOUT }, async () => {
  const password = await demoPassword();
  const staffEmail = (await demoPerson('P2001')).institutional_email;
  const studentEmail = (await demoPerson('25000002')).institutional_email;
  const suffix = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const title = `Fermeture de la bibliothèque ${suffix}`;
  const body = `La bibliothèque ferme **à 17 h** aujourd’hui.\n\n${SCRIPT}`;

  // Staff: Plus → « Publier une actualité » → the form, for the campus grandmont only.
  await withPhone(async ({ page, base }) => {
    await signedIn(page, base, staffEmail, password);
    await page.locator('nav.bottom-nav a[data-tab="more"]').tap();
    await page.getByTestId('publishing-link').tap();
    await page.waitForURL(`${base}/more/news`);
    await page.getByTestId('news-new').tap();
    await page.locator('input[name="title"]').fill(title);
    await page.locator('textarea[name="body"]').fill(body);
    // The live preview already renders the Markdown as elements, the script as text.
    const preview = page.getByTestId('news-preview');
    assert.equal(await preview.locator('strong').first().textContent(), 'à 17 h');
    assert.ok((await preview.textContent()).includes(SCRIPT));
    await page.locator('input[name="everyone"]').uncheck();
    await page.locator('input[name="campus-grandmont"]').check();
    await page.getByTestId('news-submit').tap();
    await page.getByTestId('publish-notice').waitFor();
    const row = page.getByTestId('publish-item').filter({ hasText: suffix });
    await row.waitFor();
    assert.equal(await row.getAttribute('data-state'), 'published');
  });

  // The student of grandmont: /news lists it; opened, bold is <strong>, the script is text.
  await withPhone(async ({ page, context, base }) => {
    await signedIn(page, base, studentEmail, password);
    await page.goto(`${base}/news`, { waitUntil: 'load' });
    const row = page.getByTestId('news-item').filter({ hasText: suffix });
    await row.waitFor();
    await row.locator('a').tap();
    await page.getByTestId('news-detail').waitFor();
    assert.equal(await page.getByTestId('news-detail-title').textContent(), title);
    const article = page.locator('.news-body');
    assert.equal(await article.locator('strong').first().textContent(), 'à 17 h');
    assert.ok((await article.textContent()).includes(SCRIPT), 'the script is shown as text');
    assert.equal(await article.locator('script').count(), 0);
    assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined');

    // The feed is kept on the device (IndexedDB), then read offline with when it was fetched.
    await waitForController(page);
    const stored = () =>
      page.evaluate(
        () =>
          new Promise((resolve) => {
            const open = indexedDB.open('ent-news');
            open.onsuccess = () => {
              const db = open.result;
              if (!db.objectStoreNames.contains('feeds')) return resolve(null);
              const get = db.transaction('feeds').objectStore('feeds').get('feed');
              get.onsuccess = () => resolve(get.result ? get.result.items.map((i) => i.title) : null);
              get.onerror = () => resolve(null);
            };
            open.onerror = () => resolve(null);
          }),
      );
    for (const deadline = Date.now() + 10_000; !((await stored()) ?? []).includes(title); ) {
      assert.ok(Date.now() < deadline, 'the item was not kept on the device');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await context.setOffline(true);
    await page.goto(`${base}/news`, { waitUntil: 'load' });
    await page.getByTestId('news-item').filter({ hasText: suffix }).waitFor();
    assert.match(await page.getByTestId('news-offline').textContent(), /^Hors ligne — mis à jour le \d{1,2} \S+ à \d{2}:\d{2}$/);
    await context.setOffline(false);

    // Signing out forgets it.
    await page.goto(`${base}/more`, { waitUntil: 'load' });
    await page.getByRole('button', { name: 'Se déconnecter' }).tap();
    await page.waitForURL(`${base}/login`);
    assert.equal(await stored(), null, 'no news left on the device after signing out');
  }, { ignore: OFFLINE_NOISE });

  // Signed out: the public feed holds only items for everyone.
  await withPhone(async ({ page, base }) => {
    await page.goto(`${base}/news`, { waitUntil: 'load' });
    await page.locator('[data-testid="news-list"], main p.muted:not([aria-busy])').first().waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="news-loading"]'));
    assert.equal(await page.getByTestId('news-item').filter({ hasText: suffix }).count(), 0, 'the grandmont item is not public');
    assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined');
  });
});
