// Registration (« scolarité »), the certificate of enrolment and the student card against a real
// server seeded with the demo (api/demo/registrations.rs: this year complete, next year's
// re-registration open), on a phone, in French and in English:
// - the demo student's home shows the re-registration card first, with its closing day;
// - /registration downloads this year's certificate, a PDF whose verification code, read from its
//   bytes, is confirmed by /verify/<code> in a second browser that is not signed in;
// - /card's QR holds /verify/card/<token>, which a second browser finds valid;
// - the secretariat's person view shows the student's « Scolarité », latest year first;
// - a teacher and a member of staff get no registration card and no student card link.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { EXPECTED_NO_CARD_PHOTO, openPhone, TEST_TIMEOUT, withPhone } from './support.mjs';
import { demoPassword, demoPerson, signedIn } from './demo.mjs';

const LANGUAGES = [
  {
    lang: 'fr',
    locale: 'fr-FR',
    // What a browser set to French sends (Chromium driven with a `locale` sends just that tag).
    acceptLanguage: 'fr-FR,fr;q=0.9',
    homeDue: (year, date) => `Votre réinscription ${year} est ouverte jusqu’au ${date}`,
    openUntil: (date) => `Réinscription ouverte jusqu’au ${date}`,
    complete: 'Complète',
    notStarted: 'Non commencée',
    certificateLink: 'Télécharger le certificat de scolarité',
    genuine: 'Certificat de scolarité authentique',
    validCard: 'Carte d’étudiant valide',
    secretariat: { search: 'Rechercher une personne', button: 'Rechercher', section: 'Scolarité' },
  },
  {
    lang: 'en',
    locale: 'en-GB',
    // The server matches languages exactly (fr, en): a British English browser also sends `en`.
    acceptLanguage: 'en-GB,en;q=0.9',
    homeDue: (year, date) => `Your ${year} re-registration is open until ${date}`,
    openUntil: (date) => `Re-registration open until ${date}`,
    complete: 'Complete',
    notStarted: 'Not started',
    certificateLink: 'Download the certificate of enrolment',
    genuine: 'Genuine certificate of enrolment',
    validCard: 'Valid student card',
    secretariat: { search: 'Find a person', button: 'Search', section: 'Registration' },
  },
];

/** « 16 janvier » / « 16 January »: a calendar day as the PWA writes it (formatDayMonth). */
const dayMonth = (day, locale) => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', timeZone: 'Europe/Paris' }).format(new Date(`${day}T12:00:00Z`));

/** The home's cards that are there, top to bottom, by their test id. */
const cardIds = (page) =>
  page.locator('main > [data-testid]').evaluateAll((cards) => cards.map((card) => card.dataset.testid).filter((id) => !['university-name', 'greeting'].includes(id)));

/** The signed-in person's registrations, as the API gives them to the page. */
async function myRegistrations(page) {
  const list = await page.evaluate(async () => {
    const response = await fetch('/api/me/registrations', { credentials: 'same-origin' });
    return { status: response.status, body: await response.json() };
  });
  assert.equal(list.status, 200, 'GET /api/me/registrations');
  return list.body.registrations;
}

/**
 * The demo student's two years: this year's, complete with its certificate, and next year's,
 * whose re-registration is open (due) — what api/demo/registrations.rs seeds.
 */
async function demoYears(page) {
  const registrations = await myRegistrations(page);
  const current = registrations.find((r) => r.certificate);
  const due = registrations.find((r) => r.due);
  assert.ok(current, `a complete registration with a certificate: ${JSON.stringify(registrations)}`);
  assert.ok(due, `a re-registration due: ${JSON.stringify(registrations)}`);
  const start = (r) => Number(r.academic_year.slice(0, 4));
  assert.equal(start(due), start(current) + 1, 'the re-registration is for the year after this one');
  assert.ok(due.opens_on && due.closes_on && due.opens_on <= due.closes_on, 'the re-registration has its window');
  return { current, due };
}

/** The PDF's content streams (inflated when they are FlateDecode), as latin1 text. */
function pdfStreams(bytes) {
  const text = bytes.toString('latin1');
  const streams = [];
  const re = /<<((?:(?!>>\s*stream)[\s\S])*)>>\s*stream\r?\n/g;
  for (let m; (m = re.exec(text)); ) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    assert.ok(end > start, 'a PDF stream without endstream');
    const raw = bytes.subarray(start, end);
    streams.push(/\/FlateDecode/.test(m[1]) ? inflateSync(raw).toString('latin1') : raw.toString('latin1'));
    re.lastIndex = end;
  }
  return streams;
}

/** A literal PDF string's bytes, its escapes undone: `(Le service \(…\))`. */
function literal(body) {
  return body.replace(/\\([0-7]{1,3}|[\s\S])/g, (_, e) => {
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' }[e] ?? e;
  });
}

/**
 * The text the PDF shows, one line per `Tj`, in WinAnsi read as latin1 (é is 0xE9): pdf-writer
 * writes ASCII text as literal strings and anything else as hex strings (api/registration/certificate.rs).
 */
function pdfLines(bytes) {
  const lines = [];
  for (const stream of pdfStreams(bytes)) {
    for (const m of stream.matchAll(/(?:\(((?:\\[\s\S]|[^\\)])*)\)|<([0-9A-Fa-f\s]*)>)\s*Tj/g)) {
      lines.push(m[1] !== undefined ? literal(m[1]) : Buffer.from(m[2].replace(/\s+/g, ''), 'hex').toString('latin1'));
    }
  }
  return lines;
}

/**
 * A second phone that is not signed in, asking pages in the language `L` as a browser set to it
 * does (no `locale`: Playwright would send that one tag instead of the header); its page's status,
 * title and text, and whether it has a session.
 */
async function openElsewhere(L, url) {
  const other = await openPhone({ locale: undefined, extraHTTPHeaders: { 'Accept-Language': L.acceptLanguage } });
  try {
    const response = await other.page.goto(url, { waitUntil: 'load' });
    return {
      status: response?.status(),
      title: await other.page.locator('h1').textContent(),
      text: (await other.page.locator('body').textContent()) ?? '',
      session: await other.page.evaluate(async () => (await fetch('/api/session')).status),
    };
  } finally {
    await other.close();
  }
}

for (const L of LANGUAGES) {
  const options = { options: { locale: L.locale } };

  test(`[${L.lang}] the demo student's home shows the re-registration card first, open until its closing day`, { timeout: TEST_TIMEOUT }, () =>
    withPhone(async ({ page, base }) => {
      await signedIn(page, base, '25000002', await demoPassword());
      await page.waitForURL(`${base}/`);
      const { due } = await demoYears(page);
      const card = page.getByTestId('registration-card');
      await card.waitFor();
      await page.getByTestId('news-card').waitFor();
      assert.equal((await cardIds(page))[0], 'registration-card');
      assert.equal(await card.getAttribute('href'), '/registration');
      assert.equal(await card.locator('.muted').textContent(), L.homeDue(due.academic_year, dayMonth(due.closes_on, L.locale)));
      // « Plus » links both screens for a student.
      await page.locator('nav.bottom-nav a[data-tab="more"]').tap();
      await page.getByTestId('registration-link').waitFor();
      assert.equal(await page.getByTestId('card-link').count(), 1);
    }, options));

  test(`[${L.lang}] the demo student downloads this year's certificate; its code is « ${L.genuine} » for someone else`, { timeout: TEST_TIMEOUT }, () =>
    withPhone(async ({ page, base }) => {
      const student = await demoPerson('25000002');
      await signedIn(page, base, '25000002', await demoPassword());
      const { current, due } = await demoYears(page);
      await page.getByTestId('registration-card').tap();
      await page.waitForURL(`${base}/registration`);
      const years = page.getByTestId('registration-year');
      await years.first().waitFor();
      assert.deepEqual(await years.evaluateAll((list) => list.map((y) => y.dataset.year)), [due.academic_year, current.academic_year]);
      const next = page.locator(`[data-testid="registration-year"][data-year="${due.academic_year}"]`);
      const thisYear = page.locator(`[data-testid="registration-year"][data-year="${current.academic_year}"]`);
      assert.equal(await next.getByTestId('registration-window').textContent(), L.openUntil(dayMonth(due.closes_on, L.locale)));
      assert.equal(await next.getByTestId('registration-administrative').textContent(), L.notStarted);
      assert.equal(await next.getByTestId('certificate-link').count(), 0, 'no certificate before the registration is complete');
      assert.equal(await thisYear.getByTestId('registration-administrative').textContent(), L.complete);

      // The page's own link, downloaded as a person tapping it would.
      const link = thisYear.getByTestId('certificate-link');
      assert.equal(await link.textContent(), L.certificateLink);
      const [download] = await Promise.all([page.waitForEvent('download'), link.tap()]);
      assert.match(download.suggestedFilename(), new RegExp(`${current.academic_year}\\.pdf$`));
      const chunks = [];
      for await (const chunk of await download.createReadStream()) chunks.push(chunk);
      const pdf = Buffer.concat(chunks);
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');

      const lines = pdfLines(pdf);
      assert.ok(lines.includes(`Année universitaire ${current.academic_year}`), lines.join('\n'));
      assert.ok(lines.includes(`${student.given_name} ${student.family_name.toUpperCase()}`), lines.join('\n'));
      const codeLine = lines.find((line) => line.startsWith('Code de v\u00e9rification : '));
      assert.ok(codeLine, `no « Code de vérification » in the PDF: ${lines.join(' | ')}`);
      const code = /^Code de v\u00e9rification : ([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})$/.exec(codeLine)?.[1];
      assert.ok(code, codeLine);
      assert.ok(lines.some((line) => line.endsWith(`/verify/${code}`)), 'the certificate gives its verification page');

      // Someone else, not signed in, checks the code.
      const verified = await openElsewhere(L, `${base}/verify/${code}`);
      assert.equal(verified.session, 401, 'the second browser is not signed in');
      assert.equal(verified.status, 200);
      assert.equal(verified.title, L.genuine);
      assert.ok(verified.text.includes(`${student.given_name} ${student.family_name}`), verified.text);
      assert.ok(verified.text.includes(current.academic_year), verified.text);
      assert.ok(verified.text.includes(code), verified.text);
      // A code that was never issued is not confirmed.
      const other = code.startsWith('ZZZZ') ? 'YYYY' : 'ZZZZ';
      const forged = await openElsewhere(L, `${base}/verify/${other}${code.slice(4)}`);
      assert.equal(forged.status, 404);
      assert.notEqual(forged.title, L.genuine);
    }, options));

  test(`[${L.lang}] the demo student's card: its QR opens « ${L.validCard} » in another browser`, { timeout: TEST_TIMEOUT }, () =>
    withPhone(async ({ page, base }) => {
      const student = await demoPerson('25000002');
      await signedIn(page, base, '25000002', await demoPassword());
      const { current } = await demoYears(page);
      await page.getByTestId('student-card-link').tap();
      await page.waitForURL(`${base}/card`);
      await page.getByTestId('student-card').waitFor();
      assert.equal(await page.getByTestId('card-year').textContent(), current.academic_year);
      const qr = page.locator('svg[data-testid="card-qr"]');
      await qr.waitFor();
      const target = await qr.getAttribute('data-qr');
      // The address holds the server's public URL (configured), then /verify/card/<a JWT>.
      const url = new URL(target ?? '');
      assert.match(url.pathname, /^\/verify\/card\/[\w-]+\.[\w-]+\.[\w-]+$/, target ?? 'no data-qr');
      const verified = await openElsewhere(L, `${base}${url.pathname}`);
      assert.equal(verified.session, 401, 'the second browser is not signed in');
      assert.equal(verified.status, 200);
      assert.equal(verified.title, L.validCard);
      assert.ok(verified.text.includes(`${student.given_name} ${student.family_name}`), verified.text);
      // A token whose signature is changed by one letter (in its middle, where every bit counts) is refused.
      const at = url.pathname.lastIndexOf('.') + 10;
      const letter = url.pathname[at] === 'A' ? 'B' : 'A';
      const forged = await openElsewhere(L, `${base}${url.pathname.slice(0, at)}${letter}${url.pathname.slice(at + 1)}`);
      assert.equal(forged.status, 404);
      assert.notEqual(forged.title, L.validCard);
    }, options));

  test(`[${L.lang}] the secretariat sees the student's « ${L.secretariat.section} », latest year first`, { timeout: TEST_TIMEOUT }, () =>
    withPhone(async ({ page, base }) => {
      const student = await demoPerson('25000002');
      const password = await demoPassword();
      // The student's years, as the student sees them, to compare with.
      const own = await openPhone({ locale: L.locale });
      let years;
      try {
        await signedIn(own.page, base, '25000002', password);
        years = await demoYears(own.page);
      } finally {
        await own.close();
      }
      await signedIn(page, base, 'p2001', password);
      await page.goto(`${base}/more/secretariat`);
      await page.getByLabel(L.secretariat.search).fill(student.number);
      await page.getByRole('button', { name: L.secretariat.button, exact: true }).tap();
      await page.getByTestId('people').getByText(`${student.given_name} ${student.family_name}`).tap();
      const section = page.getByTestId('person-registrations');
      await section.waitFor();
      assert.equal(await section.locator('h2').textContent(), L.secretariat.section);
      const blocks = section.getByTestId('person-registration');
      assert.deepEqual(await blocks.evaluateAll((list) => list.map((b) => b.dataset.year)), [years.due.academic_year, years.current.academic_year]);
      const next = blocks.first();
      assert.equal(await next.getByTestId('registration-administrative').textContent(), L.notStarted);
      assert.ok(((await next.getByTestId('registration-window').textContent()) ?? '').includes(years.due.closes_on.slice(0, 4)), 'the window is dated with its year');
      assert.equal(await blocks.nth(1).getByTestId('registration-administrative').textContent(), L.complete);
      assert.equal(await section.getByTestId('person-registrations-empty').count(), 0);
    }, { ...options, ignore: [EXPECTED_NO_CARD_PHOTO] }));

  for (const [who, identifier] of [
    ['teacher', 't1001'],
    ['staff member', 'p2001'],
  ]) {
    test(`[${L.lang}] a ${who} gets no registration card and no student card link`, { timeout: TEST_TIMEOUT }, () =>
      withPhone(async ({ page, base }) => {
        await signedIn(page, base, identifier, await demoPassword());
        await page.waitForURL(`${base}/`);
        // The home drawn to its last card, and what a student would have seen by then.
        await page.getByTestId('news-card').waitFor();
        await page.locator('[data-testid="unread"], [data-testid="unread-none"]').waitFor();
        const ids = await cardIds(page);
        assert.ok(ids.length >= 3, ids.join(' '));
        for (const id of ['registration-card', 'student-card-link']) assert.ok(!ids.includes(id), `${id} on the ${who}'s home: ${ids.join(' ')}`);
        assert.equal(await page.getByTestId('registration-card').count(), 0);
        assert.equal(await page.getByTestId('student-card-link').count(), 0);
        // Nor in « Plus ».
        await page.locator('nav.bottom-nav a[data-tab="more"]').tap();
        await page.getByTestId('me-name').waitFor();
        await page.getByTestId('security-link').waitFor();
        assert.equal(await page.getByTestId('registration-link').count(), 0);
        assert.equal(await page.getByTestId('card-link').count(), 0);
        // And the API has no registration for them: nothing for the card to show.
        assert.deepEqual(await myRegistrations(page), []);
      }, options));
  }
}
