// Help requests against a real server with the demo university. (a) The student 25000002 files
// a request in « Inscription et scolarité » whose message holds a <script>; in another browser,
// the staff member P2001 (every help:* queue) finds it in the scolarite queue, takes it, writes
// an internal note and a reply with the status « en attente de votre réponse »; the student opens
// it again and sees the reply and the status, not the note, the script as text, never run.
// (b) Signed out, « Assistance connexion » from the login screen: the form, the code read from
// the e-mail (its subject ends with it), the reference; staff then find it in the comptes queue
// with the registrar's match. Subjects carry a unique suffix, so a reused server does not
// confuse the checks. Needs the scratch server of scripts/test (e-mail to tests/browser/inbox.mjs).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startInbox } from './inbox.mjs';
import { baseUrl, EXPECTED_401, openPhone, TEST_TIMEOUT, withPhone } from './support.mjs';
import { demoPassword, demoPerson, signedIn } from './demo.mjs';

const SCRIPT = '<script>window.__pwned=1</script>';
const suffix = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

let inbox;
before(async () => {
  inbox = await startInbox();
});
after(async () => {
  await inbox?.close();
});

const pwned = (page) => page.evaluate(() => typeof window.__pwned);

/** Staff: open a queue on the queue screen, search it, and open the request whose subject holds `tag`. */
async function openFromQueue(page, base, queue, tag) {
  await page.goto(`${base}/help`, { waitUntil: 'load' });
  await page.getByTestId('help-switch-queues').tap();
  await page.waitForURL(/\/help\/queues/);
  await page.locator('select[name="queue"]').selectOption(queue);
  await page.waitForURL(new RegExp(`queue=${queue}`));
  await page.locator('input[name="q"]').fill(tag);
  await page.getByTestId('queue-search').tap();
  const row = page.getByTestId('queue-item').filter({ hasText: tag });
  await row.waitFor();
  return row;
}

test('a student files a request; staff take it, note and answer; the student reads the answer, not the note', { timeout: 4 * TEST_TIMEOUT }, async () => {
  const password = await demoPassword();
  const staffEmail = (await demoPerson('P2001')).institutional_email;
  const studentEmail = (await demoPerson('25000002')).institutional_email;
  const tag = suffix();
  const subject = `Attestation de scolarité ${tag}`;
  const message = `Bonjour, il me faut une attestation.\n${SCRIPT}`;
  const note = `Dossier vérifié ${tag}`;
  const answer = `Pouvez-vous préciser l’année ? ${tag}`;

  const student = await openPhone();
  try {
    const { page } = student;
    const base = baseUrl();
    await signedIn(page, base, studentEmail, password);
    await page.locator('nav.bottom-nav a[data-tab="help"]').tap();
    await page.waitForURL(`${base}/help`);
    await page.getByTestId('help-new').tap();
    await page.waitForURL(`${base}/help/new`);
    await page.locator('select[name="category"] option[value="scolarite"]').waitFor({ state: 'attached' });
    await page.locator('select[name="category"]').selectOption('scolarite');
    await page.locator('input[name="subject"]').fill(subject);
    await page.locator('textarea[name="message"]').fill(message);
    await page.getByTestId('help-submit').tap();
    await page.waitForURL(/\/help\/\d+$/);
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    assert.equal(await page.getByTestId('help-detail-subject').textContent(), subject);
    assert.equal(await page.getByTestId('help-status').textContent(), 'nouvelle');
    const first = page.getByTestId('help-message-body').first();
    assert.equal(await first.textContent(), message.trim(), 'the script is shown as text');
    assert.equal(await page.locator('main script').count(), 0);
    assert.equal(await pwned(page), 'undefined');

    // Staff, in another browser: the scolarite queue, take it, a note, a reply with a status.
    await withPhone(async ({ page: staff, base: staffBase }) => {
      await signedIn(staff, staffBase, staffEmail, password);
      const row = await openFromQueue(staff, staffBase, 'scolarite', tag);
      assert.equal(await row.getByTestId('queue-requester').textContent(), 'Lucas Martin');
      assert.equal(await row.getByTestId('queue-no-account').count(), 0);
      await row.locator('a').tap();
      await staff.waitForURL(`${staffBase}/help/${id}`);
      assert.equal(await staff.getByTestId('help-message-body').first().textContent(), message.trim());
      assert.equal(await staff.locator('main script').count(), 0);

      await staff.getByTestId('help-take').tap();
      await staff.getByTestId('help-release').waitFor();
      assert.equal(await staff.getByTestId('help-assignee').textContent(), 'Nathalie Chevalier');
      await staff.getByTestId('help-assignment').filter({ hasText: 'Nathalie Chevalier' }).waitFor();

      await staff.locator('input[name="internal"]').check();
      await staff.locator('textarea[name="body"]').fill(note);
      await staff.getByTestId('help-send').tap();
      const noted = staff.locator('[data-kind="note"]').filter({ hasText: note });
      await noted.waitFor();
      assert.equal(await noted.getByTestId('help-note-label').textContent(), 'Note interne');

      await staff.locator('input[name="internal"]').uncheck();
      await staff.locator('textarea[name="body"]').fill(answer);
      await staff.locator('select[name="reply-status"]').selectOption('waiting');
      await staff.getByTestId('help-send').tap();
      await staff.locator('[data-kind="reply"]').filter({ hasText: answer }).waitFor();
      await staff.getByTestId('help-status').filter({ hasText: 'en attente de votre réponse' }).waitFor();
      assert.equal(await pwned(staff), 'undefined');
    });

    // The student: the list marks it answered; opened, the reply and the status, not the note.
    await page.goto(`${base}/help`, { waitUntil: 'load' });
    const mine = page.getByTestId('help-item').filter({ hasText: tag });
    await mine.waitFor();
    assert.equal(await mine.getByTestId('help-unread').count(), 1, 'an unread answer');
    assert.equal(await mine.getByTestId('help-status').textContent(), 'en attente de votre réponse');
    await mine.locator('a').tap();
    await page.waitForURL(`${base}/help/${id}`);
    await page.locator('[data-kind="reply"]').filter({ hasText: answer }).waitFor();
    assert.equal(await page.getByTestId('help-status').textContent(), 'en attente de votre réponse');
    assert.equal(await page.locator('[data-kind="note"]').count(), 0);
    assert.ok(!(await page.locator('main').textContent()).includes(note), 'the note is not shown to the student');
    await page.getByTestId('help-status-line').filter({ hasText: 'Statut : en attente de votre réponse' }).waitFor();
    assert.equal(await page.getByTestId('help-message-body').first().textContent(), message.trim());
    assert.equal(await page.locator('main script').count(), 0);
    assert.equal(await pwned(page), 'undefined');
    // Reloaded (opening it marked it read): the dot is gone.
    await page.goto(`${base}/help`, { waitUntil: 'load' });
    await page.getByTestId('help-item').filter({ hasText: tag }).waitFor();
    assert.equal(await page.getByTestId('help-item').filter({ hasText: tag }).getByTestId('help-unread').count(), 0);
    assert.deepEqual(student.problems([EXPECTED_401]), [], 'console errors or CSP violations');
  } finally {
    await student.close();
  }
});

test('signed out, « Assistance connexion » files a request confirmed by an e-mailed code; staff see it with the registrar match', { timeout: 3 * TEST_TIMEOUT }, async () => {
  const password = await demoPassword();
  const staffEmail = (await demoPerson('P2001')).institutional_email;
  const lucas = await demoPerson('25000002');
  const tag = suffix();
  const email = `lucas.${tag}@example.org`;
  const subject = `Impossible de me connecter ${tag}`;
  let reference;

  await withPhone(async ({ page, base }) => {
    await page.goto(`${base}/login`, { waitUntil: 'load' });
    await page.getByTestId('connection-help-link').tap();
    await page.waitForURL(`${base}/help/connection`);
    assert.equal(await page.locator('main h1').textContent(), 'Assistance connexion');
    assert.equal(await page.locator('input[name="email"]').getAttribute('autocomplete'), 'email');
    await page.locator('input[name="number"]').fill(lucas.number);
    await page.locator('input[name="family-name"]').fill(lucas.family_name);
    await page.locator('input[name="given-name"]').fill(lucas.given_name);
    await page.locator('input[name="birth-date"]').fill(lucas.birth_date);
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="subject"]').fill(subject);
    await page.locator('textarea[name="message"]').fill(`Mon mot de passe ne marche plus. ${SCRIPT}`);
    const sentAfter = Date.now();
    await page.getByTestId('connection-start').tap();
    const code = page.locator('input[name="code"]');
    await code.waitFor();
    assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
    assert.equal(await code.getAttribute('inputmode'), 'numeric');
    assert.ok(await page.getByTestId('connection-resend').isDisabled(), 'the re-send waits');

    const mail = await inbox.mail(email, sentAfter);
    const sent = /(\d{6})\s*$/.exec(mail.subject);
    assert.ok(sent, `no code at the end of the subject: ${JSON.stringify(mail.subject)}`);
    await code.fill(sent[1]);
    await page.getByTestId('connection-confirm').tap();
    const done = page.getByTestId('connection-reference');
    await done.waitFor();
    const text = await done.textContent();
    const match = /^Demande n° (\d+) enregistrée : la réponse vous sera envoyée à (.+)$/.exec(text ?? '');
    assert.ok(match, `unexpected confirmation: ${JSON.stringify(text)}`);
    assert.equal(match[2], email);
    reference = Number(match[1]);
  });

  await withPhone(async ({ page, base }) => {
    await signedIn(page, base, staffEmail, password);
    const row = await openFromQueue(page, base, 'comptes', tag);
    assert.equal(await row.getByTestId('queue-no-account').textContent(), 'sans compte');
    assert.equal(await row.getByTestId('queue-requester').textContent(), `${lucas.given_name} ${lucas.family_name}`);
    await row.locator('a').tap();
    await page.waitForURL(`${base}/help/${reference}`);
    assert.equal(await page.getByTestId('help-registrar').textContent(), 'Correspond au dossier');
    assert.equal(await page.getByTestId('help-registrar').getAttribute('data-registrar'), 'matched');
    assert.ok((await page.getByTestId('help-connection').textContent()).includes(email));
    assert.equal(await page.locator('main script').count(), 0);
    assert.equal(await pwned(page), 'undefined');
  });
});
