// Messaging against a real server with the demo university, in two browsers at once. The
// teacher T1001 (Isabelle Petit) picks her group L1-INFO-TD2 in « Nouvelle conversation » (the
// list the server gives) and writes a message holding a <script>; the student 25000002 (Lucas
// Martin, in L1-INFO-TD2), signed in with « Messages » open, sees it arrive live (no reload),
// opens it — the script shown as text, never run — and answers; the teacher sees the answer
// arrive live in her open thread. Then the student, offline, writes again: the message waits on
// the device « En attente d’envoi » and goes once when the network is back. Messages carry a
// unique suffix, so a reused server does not confuse the checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseUrl, openPhone, TEST_TIMEOUT } from './support.mjs';
import { demoPassword, demoPerson, signedIn } from './demo.mjs';

const SCRIPT = '<script>window.__pwned=1</script>';
const GROUP = 'L1-INFO-TD2';
const suffix = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const pwned = (page) => page.evaluate(() => typeof window.__pwned);

/** Whether the page was loaded again since `mark()` (a live update must not reload it). */
const mark = (page) => page.evaluate(() => (window.__entMark = 'same page'));
const sameDocument = (page) => page.evaluate(() => window.__entMark === 'same page');

/** The bodies of the messages waiting in this page's IndexedDB outbox. */
const storedOutbox = (page) =>
  page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('ent-messages');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('outbox').objectStore('outbox').getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => {
            open.result.close();
            resolve(all.result.map((q) => q.body));
          };
        };
      }),
  );

test('a teacher writes to her group; a student sees it live and answers; the teacher sees the answer live', { timeout: 4 * TEST_TIMEOUT }, async () => {
  const password = await demoPassword();
  const base = baseUrl();
  const teacherLogin = (await demoPerson('T1001')).institutional_email;
  const studentLogin = (await demoPerson('25000002')).institutional_email;
  const tag = suffix();
  const question = `Bonjour ${SCRIPT} le TD est déplacé en B206 ${tag}`;
  const answer = `Merci, bien noté ${tag}`;

  const teacher = await openPhone();
  const student = await openPhone();
  try {
    const t = teacher.page;
    const s = student.page;
    // The student first, with « Messages » open (the stream open before anything is written).
    await signedIn(s, base, studentLogin, password);
    await s.locator('nav.bottom-nav a[data-tab="messages"]').tap();
    await s.waitForURL(`${base}/messages`);
    await s.getByTestId('conv-new').waitFor();
    await mark(s);

    // The teacher starts (or finds) her group's conversation and writes.
    await signedIn(t, base, teacherLogin, password);
    await t.goto(`${base}/messages/new`, { waitUntil: 'load' });
    // « Nouvelle conversation » lists her groups (GET /api/me/correspondents).
    await t.locator(`[data-testid="pick-group"][data-value="${GROUP}"]`).tap();
    await t.waitForURL(/\/messages\/\d+$/);
    const id = Number(new URL(t.url()).pathname.split('/').pop());
    await t.getByTestId('composer').waitFor();
    await mark(t);
    await t.locator('textarea[name="body"]').fill(question);
    await t.getByTestId('composer-send').tap();
    const sent = t.getByTestId('chat-message').filter({ hasText: tag });
    await sent.waitFor();
    assert.equal(await sent.getAttribute('data-side'), 'own');
    assert.equal(await sent.getByTestId('chat-body').textContent(), question, 'the script is shown as text');

    // The student: the conversation comes to the top of the list, with the message, live.
    const row = s.locator(`[data-testid="conv-item"][data-id="${id}"]`);
    await row.filter({ hasText: tag }).waitFor();
    assert.ok(await sameDocument(s), 'the list was updated without reloading');
    assert.equal(await s.getByTestId('conv-item').first().getAttribute('data-id'), String(id));
    assert.match(await row.getByTestId('conv-preview').textContent(), new RegExp(`Isabelle Petit : .*${tag}`));
    await row.locator('a').tap();
    await s.waitForURL(`${base}/messages/${id}`);
    const received = s.getByTestId('chat-message').filter({ hasText: tag });
    await received.waitFor();
    assert.equal(await received.getAttribute('data-side'), 'other');
    assert.equal(await received.getByTestId('chat-author').textContent(), 'Isabelle Petit');
    assert.equal(await received.getByTestId('chat-body').textContent(), question, 'the script is shown as text');
    await mark(s);

    // The student answers; the teacher's open thread shows it live.
    await s.locator('textarea[name="body"]').fill(answer);
    await s.getByTestId('composer-send').tap();
    await s.getByTestId('chat-message').filter({ hasText: answer }).waitFor();
    const arrived = t.getByTestId('chat-message').filter({ hasText: answer });
    await arrived.waitFor();
    assert.equal(await arrived.getAttribute('data-side'), 'other');
    assert.equal(await arrived.getByTestId('chat-author').textContent(), 'Lucas Martin');
    assert.ok(await sameDocument(t), 'the teacher saw the answer without reloading');
    assert.ok(await sameDocument(s), 'the student answered without reloading');
    // Each message once in each thread.
    assert.equal(await t.getByTestId('chat-message').filter({ hasText: tag }).count(), 2);
    assert.equal(await s.getByTestId('chat-message').filter({ hasText: tag }).count(), 2);

    // Offline, the student's next message waits on the device (IndexedDB), « En attente d’envoi »;
    // when the network is back it goes, once, and reaches the teacher live.
    const late = `Écrit hors ligne ${tag}`;
    await student.context.setOffline(true);
    await s.locator('textarea[name="body"]').fill(late);
    await s.getByTestId('composer-send').tap();
    const waiting = s.getByTestId('queued-message').filter({ hasText: late });
    await waiting.waitFor();
    assert.equal(await waiting.getByTestId('queued-state').textContent(), 'En attente d’envoi');
    assert.deepEqual(await storedOutbox(s), [late]);
    await student.context.setOffline(false);
    await s.getByTestId('chat-message').filter({ hasText: late }).waitFor();
    assert.equal(await s.getByTestId('queued-message').count(), 0);
    await t.getByTestId('chat-message').filter({ hasText: late }).waitFor();
    assert.deepEqual(await storedOutbox(s), []);
    assert.equal(await s.getByTestId('chat-message').filter({ hasText: late }).count(), 1);
    assert.equal(await t.getByTestId('chat-message').filter({ hasText: late }).count(), 1);
    assert.ok(await sameDocument(s), 'the queued message went without reloading');

    for (const page of [t, s]) {
      assert.equal(await page.locator('main script').count(), 0);
      assert.equal(await pwned(page), 'undefined');
    }
    assert.deepEqual(teacher.problems([/status of 401/]), [], 'teacher: console errors or CSP violations');
    assert.deepEqual(student.problems([/status of 401/, /ERR_INTERNET_DISCONNECTED/]), [], 'student: console errors or CSP violations');
  } finally {
    await teacher.close();
    await student.close();
  }
});
