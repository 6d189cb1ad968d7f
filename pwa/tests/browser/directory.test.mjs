// « Annuaire » against a real server seeded with the demo (api/demo/people.csv): the teacher
// T1001 opens it from her bottom navigation, finds Hélène Nicolas (Site Tanneurs), opens her
// card and filters by campus; Antoine Roussel is unlisted and never found; a student has no
// directory anywhere.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEST_TIMEOUT, withPhone } from './support.mjs';
import { demoPassword, signedIn } from './demo.mjs';

const TEACHER = 't1001';
const STUDENT = '25000002';
// The directory answers 404 to a student, on purpose.
const PROVOKED_404 = [/Failed to load resource: the server responded with a status of 404/];

/** Every tappable control of the page is at least 44 px high. */
async function assertTappable(page, selector) {
  const heights = await page.locator(selector).evaluateAll((els) => els.map((el) => [el.outerHTML.slice(0, 60), el.getBoundingClientRect().height]));
  assert.ok(heights.length > 0, `no ${selector}`);
  for (const [what, height] of heights) assert.ok(height >= 44, `${what} is ${height} px high`);
}

const people = (page) => page.locator('[data-person]').evaluateAll((links) => links.map((a) => a.querySelector('span span')?.textContent));

test('a teacher searches the directory, opens a card and filters by campus; the unlisted are never found', { timeout: 2 * TEST_TIMEOUT }, async () => {
  const password = await demoPassword();
  await withPhone(async ({ page, base }) => {
    await signedIn(page, base, TEACHER, password);
    // A teacher's bottom navigation has « Annuaire » ([home] of the configuration).
    await page.locator('nav.bottom-nav a[data-tab="directory"]').tap();
    await page.waitForURL(`${base}/directory`);
    await page.locator('nav.bottom-nav a[data-tab="directory"][aria-current="page"]').waitFor();
    await page.getByRole('heading', { name: 'Annuaire', level: 1 }).waitFor();

    const search = page.getByLabel('Rechercher une personne');
    await search.fill('helene');
    await page.locator('[data-person]').first().waitFor();
    assert.deepEqual(await people(page), ['Hélène Nicolas']);
    await assertTappable(page, 'main input, main select, main a.list-link');

    // Her card.
    await page.locator('[data-person]').first().tap();
    await page.getByTestId('directory-card').waitFor();
    await page.getByRole('heading', { name: 'Hélène Nicolas', level: 1 }).waitFor();
    assert.equal(await page.getByTestId('directory-title').textContent(), 'Attachée temporaire d’enseignement et de recherche');
    const tel = page.locator('a[href^="tel:"]');
    assert.equal(await tel.getAttribute('href'), 'tel:+33247367005');
    assert.equal((await tel.textContent())?.trim(), '02 47 36 70 05');
    assert.equal(await page.locator('a[href^="mailto:"]').getAttribute('href'), 'mailto:helene.nicolas@univ-tours.fr');
    const card = (await page.getByTestId('directory-card').textContent()) ?? '';
    for (const text of ['Faculté de droit', 'Site Tanneurs', 'Tanneurs, bureau 3A15']) assert.ok(card.includes(text), `${text} on the card: ${card}`);
    await assertTappable(page, 'main a[href^="tel:"], main a[href^="mailto:"], [data-testid="directory-write"]');
    const cardUrl = page.url();

    // Back to the same search, then by campus.
    await page.locator('a.back-link').tap();
    await page.waitForURL(`${base}/directory?q=helene`);
    await page.locator('[data-person]').first().waitFor();
    const tanneurs = page.waitForResponse((r) => r.url().includes('/api/directory?') && r.url().includes('campus=tanneurs'));
    await page.getByLabel('Campus').selectOption('tanneurs');
    assert.equal((await tanneurs).status(), 200);
    await page.waitForFunction(() => new URLSearchParams(location.search).get('campus') === 'tanneurs');
    await page.locator('[data-person]').first().waitFor();
    assert.deepEqual(await people(page), ['Hélène Nicolas']);
    await page.getByLabel('Campus').selectOption('grandmont');
    await page.getByText('Personne ne correspond').waitFor();
    await page.getByLabel('Campus').selectOption('');

    // Antoine Roussel is unlisted.
    await search.fill('roussel');
    await page.getByText('Personne ne correspond').waitFor();
    assert.deepEqual(await people(page), []);

    // « Écrire un message » opens the direct conversation with her in « Messages ».
    await page.goto(cardUrl, { waitUntil: 'load' });
    const started = page.waitForResponse((r) => r.url().endsWith('/api/me/conversations') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Écrire un message' }).tap();
    assert.ok([200, 201].includes((await started).status()));
    await page.waitForURL(/\/messages\/\d+$/);
    await page.locator('nav.bottom-nav a[data-tab="messages"][aria-current="page"]').waitFor();
  });
});

test('a student has no directory: no entry and « Page introuvable » at /directory', { timeout: TEST_TIMEOUT }, async () => {
  const password = await demoPassword();
  await withPhone(
    async ({ page, base }) => {
      await signedIn(page, base, STUDENT, password);
      await page.locator('nav.bottom-nav a[data-tab="more"]').tap();
      await page.getByTestId('me-name').waitFor();
      assert.equal(await page.getByTestId('directory-link').count(), 0);
      assert.equal(await page.getByText('Annuaire', { exact: true }).count(), 0);
      await page.goto(`${base}/directory`, { waitUntil: 'load' });
      await page.getByRole('heading', { name: 'Page introuvable', level: 1 }).waitFor();
      const status = await page.evaluate(async () => (await fetch('/api/directory?q=helene')).status);
      assert.equal(status, 404);
    },
    { ignore: PROVOKED_404 },
  );
});
