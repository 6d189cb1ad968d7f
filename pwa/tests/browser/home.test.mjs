// The home that follows the role, against a real server seeded with the demo ([home] of
// config/default.toml), on a phone, in French and in English: the student's cards and tabs (no
// « Annuaire »), the teacher's « Cours du jour » and « Annuaire » tab and a colleague found from
// the home's search, the staff's help queues, publishing and account administration.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tabLabels, TEST_TIMEOUT, withPhone } from './support.mjs';
import { demoPassword, signedIn } from './demo.mjs';

const LANGUAGES = [
  {
    lang: 'fr',
    locale: 'fr-FR',
    tabs: {
      student: ['Accueil', 'Emploi du temps', 'Messages', 'Aide', 'Plus'],
      teacher: ['Accueil', 'Emploi du temps', 'Messages', 'Annuaire', 'Plus'],
      staff: ['Accueil', 'Messages', 'Aide', 'Annuaire', 'Plus'],
    },
    nextClass: 'Prochain cours',
    news: 'Actualités',
    todayClasses: 'Cours du jour',
    noClassToday: 'Aucun cours aujourd’hui',
    directory: 'Annuaire',
    searchPerson: 'Rechercher une personne',
    search: 'Rechercher',
    queues: 'Demandes à traiter',
    publishing: 'Publier une actualité',
    accounts: 'Administration des comptes',
  },
  {
    lang: 'en',
    locale: 'en-GB',
    tabs: {
      student: ['Home', 'Timetable', 'Messages', 'Help', 'More'],
      teacher: ['Home', 'Timetable', 'Messages', 'Directory', 'More'],
      staff: ['Home', 'Messages', 'Help', 'Directory', 'More'],
    },
    nextClass: 'Next class',
    news: 'News',
    todayClasses: 'Today’s classes',
    noClassToday: 'No classes today',
    directory: 'Directory',
    searchPerson: 'Search for a person',
    search: 'Search',
    queues: 'Requests to handle',
    publishing: 'Publish news',
    accounts: 'Account administration',
  },
];

/** The home's cards that are there, top to bottom, by their test id. */
const cardIds = (page) =>
  page.locator('main > [data-testid]').evaluateAll((cards) => cards.map((card) => card.dataset.testid).filter((id) => !['university-name', 'greeting'].includes(id)));

/** Signed in as a demo person, on the home with its cards drawn (the last one named here). */
async function home(page, base, identifier, lastCard) {
  await signedIn(page, base, identifier, await demoPassword());
  await page.waitForURL(`${base}/`);
  await page.getByTestId(lastCard).waitFor();
}

/** The texts of a card's heading. */
const heading = (page, testId) => page.getByTestId(testId).locator('h2').textContent();

for (const L of LANGUAGES) {
  const options = { options: { locale: L.locale } };

  test(`[${L.lang}] the demo student's home: next class, news, their services; no « ${L.directory} » tab`, { timeout: TEST_TIMEOUT }, () =>
    withPhone(async ({ page, base }) => {
      await home(page, base, '25000002', 'news-card');
      assert.equal(await page.evaluate(() => document.documentElement.lang), L.lang);
      assert.deepEqual(await tabLabels(page), L.tabs.student);
      await page.getByTestId('next-class').waitFor();
      assert.equal(await heading(page, 'next-class'), L.nextClass);
      assert.equal(await heading(page, 'news-card'), L.news);
      // The server's order: the re-registration (due for the demo student), next class, (what
      // changed), what is new, news, services; never a teacher's card.
      await page.locator('[data-testid="unread"], [data-testid="unread-none"]').waitFor();
      await page.getByTestId('registration-card').waitFor();
      const ids = (await cardIds(page)).filter((id) => id !== 'timetable-changes').map((id) => (id === 'unread-none' ? 'unread' : id));
      assert.deepEqual(ids.slice(0, 5), ['registration-card', 'next-class', 'unread', 'news-card', 'favourites-card']);
      for (const id of ['today-classes', 'directory-search', 'help-queues', 'publishing-card']) assert.equal(await page.getByTestId(id).count(), 0, id);
      assert.equal(await page.locator('nav.bottom-nav a[data-tab="directory"]').count(), 0);
    }, options));

  test(`[${L.lang}] the demo teacher's home: « ${L.todayClasses} », the « ${L.directory} » tab, a colleague found from the home`, { timeout: TEST_TIMEOUT }, () =>
    withPhone(async ({ page, base }) => {
      await home(page, base, 't1001', 'directory-search');
      assert.deepEqual(await tabLabels(page), L.tabs.teacher);
      assert.equal(await heading(page, 'today-classes'), L.todayClasses);
      // Today's classes, each with its groups, or none today.
      const card = page.getByTestId('today-classes');
      await card.locator('[data-testid="class"], [data-testid="today-classes-none"]').first().waitFor();
      if ((await card.getByTestId('class').count()) > 0) assert.ok(((await card.getByTestId('class-groups').first().textContent()) ?? '').length > 0);
      else assert.equal(await card.getByTestId('today-classes-none').textContent(), L.noClassToday);
      assert.equal((await cardIds(page))[0], 'today-classes');

      await page.getByTestId('directory-search').getByLabel(L.searchPerson).fill('helene');
      await page.getByTestId('directory-search').getByRole('button', { name: L.search }).tap();
      await page.waitForURL(`${base}/directory?q=helene`);
      await page.locator('[data-person]').first().waitFor();
      assert.deepEqual(await page.locator('[data-person] span span:first-child').allTextContents(), ['Hélène Nicolas']);
      assert.equal(await page.locator('nav.bottom-nav a[data-tab="directory"]').getAttribute('aria-current'), 'page');
      // Her card stays under the « Annuaire » tab.
      await page.locator('[data-person]').first().tap();
      await page.getByTestId('directory-card').waitFor();
      assert.equal(await page.locator('nav.bottom-nav a[data-tab="directory"]').getAttribute('aria-current'), 'page');
      // « Plus » does not link the directory again.
      await page.locator('nav.bottom-nav a[data-tab="more"]').tap();
      await page.getByTestId('me-name').waitFor();
      assert.equal(await page.getByTestId('directory-link').count(), 0);
      await page.getByTestId('help-link').waitFor();
    }, options));

  test(`[${L.lang}] the demo staff's home: « ${L.queues} », « ${L.publishing} », « ${L.accounts} »`, { timeout: TEST_TIMEOUT }, () =>
    withPhone(async ({ page, base }) => {
      await home(page, base, 'p2001', 'accounts-card');
      assert.deepEqual(await tabLabels(page), L.tabs.staff);
      assert.equal(await heading(page, 'help-queues'), L.queues);
      // Every queue she answers, each opening its requests.
      const queues = page.getByTestId('help-queues').locator('a[data-queue]');
      await queues.first().waitFor();
      assert.equal(await queues.count(), 6);
      assert.equal(await queues.first().getAttribute('href'), `/help/queues?queue=${await queues.first().getAttribute('data-queue')}`);
      assert.equal(await page.getByTestId('publishing-card').locator('strong').textContent(), L.publishing);
      assert.equal(await page.getByTestId('accounts-card').locator('strong').textContent(), L.accounts);
      const ids = await cardIds(page);
      assert.deepEqual(ids.slice(0, 1), ['help-queues']);
      assert.ok(ids.indexOf('publishing-card') < ids.indexOf('accounts-card') && ids.indexOf('accounts-card') < ids.indexOf('directory-search'), ids.join(' '));

      await page.getByTestId('accounts-card').tap();
      await page.waitForURL(`${base}/more/secretariat`);
      await page.locator('nav.bottom-nav a[data-tab="more"][aria-current="page"]').waitFor();
      await page.goBack();
      await page.getByTestId('publishing-card').tap();
      await page.waitForURL(`${base}/more/news`);
    }, options));
}
