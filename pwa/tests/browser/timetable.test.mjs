// The timetable against a real server with the demo university (api/demo/timetable.rs: a
// weekly timetable from September 1st to June 30th): the staff member P2001 (permission
// "timetable") moves one of L1-INFO-TD2's coming classes to another room with a reason; the
// student 25000002 (L1-INFO, L1-INFO-TD2) sees it marked in the day view, reads the week again
// offline from the stored copy with « Hors ligne — mis à jour le … », and makes the calendar
// feed link, whose file is iCalendar. The server's clock is the real one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEST_TIMEOUT, waitForController, within, withPhone } from './support.mjs';
import { demoPassword, demoPerson, signedIn } from './demo.mjs';

const GROUP = 'L1-INFO-TD2';
const REASON = 'Vidéoprojecteur en panne en salle habituelle';


/** The university's local date of an instant (YYYY-MM-DD). */
const parisDay = (iso) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(iso));

/** Chromium logs the requests that fail while offline. */
const OFFLINE_NOISE = [/ERR_INTERNET_DISCONNECTED/, /Failed to load resource/, /Failed to fetch/];

test('staff move a class to another room; the student sees it changed, reads the week offline, and subscribes to the calendar feed', { timeout: 3 * TEST_TIMEOUT }, async (t) => {
  const password = await demoPassword();
  const staffEmail = (await demoPerson('P2001')).institutional_email;
  const studentEmail = (await demoPerson('25000002')).institutional_email;
  /** The class moved: its id, day and room before. */
  let moved = null;

  await withPhone(async ({ page, base }) => {
    await signedIn(page, base, staffEmail, password);
    await page.locator('nav.bottom-nav a[data-tab="more"]').tap();
    await page.getByTestId('timetable-groups-link').tap();
    await page.waitForURL(`${base}/more/timetable-groups`);
    await page.getByTestId('group-select').selectOption(GROUP);
    // A class at least two hours ahead, this week or the next (the demo has classes each week).
    for (let week = 0; week < 2 && !moved; week++) {
      if (week > 0) await page.getByTestId('week-next').tap();
      await page.getByTestId('group-week').waitFor();
      const cards = page.getByTestId('class');
      for (let i = 0; i < (await cards.count()); i++) {
        const card = cards.nth(i);
        const startsAt = await card.locator('time').first().getAttribute('datetime');
        if (Date.parse(startsAt) < Date.now() + 2 * 3_600_000) continue;
        moved = {
          id: await card.getAttribute('data-event-id'),
          day: parisDay(startsAt),
          where: (await card.getByTestId('class-where').textContent()) ?? '',
        };
        await card.getByTestId('class-edit').tap();
        break;
      }
    }
    if (!moved) {
      t.skip('no class of the demo timetable in the next two weeks (summer break)');
      return;
    }
    const dialog = page.getByTestId('edit-dialog');
    const rooms = dialog.locator('input[name="rooms"]');
    const before = await rooms.inputValue();
    assert.ok(before !== '' && moved.where.startsWith(before), `rooms shown in the form: ${before}`);
    moved.room = before;
    // (a second run against the same server finds the room of the first)
    moved.newRoom = before === 'B112' ? 'B113' : 'B112';
    await rooms.fill(moved.newRoom);
    await dialog.locator('textarea[name="reason"]').fill(REASON);
    await dialog.getByTestId('edit-next').tap();
    const summary = await dialog.getByTestId('edit-summary').textContent();
    assert.match(summary, new RegExp(`Salles : ${moved.newRoom}`));
    assert.match(summary, new RegExp(REASON));
    await dialog.getByTestId('edit-confirm').tap();
    const saved = page.getByTestId('edit-saved');
    await saved.waitFor();
    assert.match(await saved.getByTestId('class-where').textContent(), new RegExp(moved.newRoom));
    assert.match(await saved.getByTestId('class-changes').textContent(), new RegExp(`Salle modifiée — était ${moved.room}`));
    // The list shows the updated class too.
    const listed = page.getByTestId('group-week').locator(`[data-event-id="${moved.id}"]`);
    assert.match(await listed.getByTestId('class-where').textContent(), new RegExp(moved.newRoom));
  });
  if (!moved) return;

  await withPhone(
    async ({ page, context, base }) => {
      await signedIn(page, base, studentEmail, password);
      await waitForController(page);
      await page.getByTestId('next-class').waitFor();

      // The timetable notification of the change (as the server words it), tapped: the day opens.
      await context.grantPermissions(['notifications'], { origin: base });
      const cdp = await context.newCDPSession(page);
      const registration = new Promise((resolve) => {
        cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
          const found = registrations.find((r) => r.scopeURL === `${base}/` && !r.isDeleted);
          if (found) resolve(found.registrationId);
        });
      });
      await cdp.send('ServiceWorker.enable');
      const registrationId = await within(10_000, 'the service worker registration', registration);
      const tag = `timetable-${moved.id}`;
      const payload = { title: 'Salle modifiée', body: `Programmation : salle ${moved.newRoom}`, url: `/timetable?day=${moved.day}`, category: 'timetable', tag };
      const shown = (t) =>
        page.evaluate(async (tag) => {
          const ready = await navigator.serviceWorker.ready;
          for (let i = 0; i < 30; i++) {
            if ((await ready.getNotifications({ tag })).length > 0) return true;
            await new Promise((r) => setTimeout(r, 100));
          }
          return false;
        }, t);
      // A busy machine sometimes drops a push delivered over the DevTools protocol: deliver again.
      let delivered = false;
      for (let attempt = 0; attempt < 3 && !delivered; attempt++) {
        await cdp.send('ServiceWorker.deliverPushMessage', { origin: base, registrationId, data: JSON.stringify(payload) });
        delivered = await shown(tag);
      }
      assert.ok(delivered, 'the worker showed the timetable notification');
      const outcome = await page.evaluate(async (t) => {
        const ready = await navigator.serviceWorker.ready;
        const channel = new MessageChannel();
        const answer = new Promise((resolve) => {
          channel.port1.onmessage = (event) => resolve(event.data.outcome);
        });
        ready.active.postMessage({ type: 'ent:activate-notification', tag: t }, [channel.port2]);
        return Promise.race([answer, new Promise((resolve) => setTimeout(() => resolve('no answer'), 10_000))]);
      }, tag);
      assert.equal(outcome, 'routed');
      await page.waitForURL(`${base}/timetable?day=${moved.day}`);
      assert.equal(await page.getByTestId('day-view').getAttribute('data-day'), moved.day);
      const card = page.getByTestId('day-view').locator(`[data-event-id="${moved.id}"]`);
      await card.waitFor();
      assert.equal(await card.getAttribute('data-changed'), 'true');
      assert.match(await card.getByTestId('class-where').textContent(), new RegExp(moved.newRoom));
      assert.match(await card.getByTestId('class-changes').textContent(), new RegExp(`Salle modifiée — était ${moved.room}`));
      assert.equal(await card.getByTestId('class-reason').textContent(), `Motif : ${REASON}`);

      // The week is kept on the device (IndexedDB) with its ETag, then read offline.
      await page.waitForFunction(
        (monday) =>
          new Promise((resolve) => {
            const open = indexedDB.open('ent-timetable');
            open.onsuccess = () => {
              const db = open.result;
              if (!db.objectStoreNames.contains('weeks')) return resolve(false);
              const get = db.transaction('weeks').objectStore('weeks').get(monday);
              get.onsuccess = () => resolve(Boolean(get.result?.etag));
              get.onerror = () => resolve(false);
            };
            open.onerror = () => resolve(false);
          }),
        mondayOf(moved.day),
      );
      await context.setOffline(true);
      await page.reload({ waitUntil: 'load' });
      const offlineCard = page.getByTestId('day-view').locator(`[data-event-id="${moved.id}"]`);
      await offlineCard.waitFor();
      assert.match(await offlineCard.getByTestId('class-where').textContent(), new RegExp(moved.newRoom));
      assert.match(await page.getByTestId('timetable-offline').textContent(), /^Hors ligne — mis à jour le \d{1,2} \S+ à \d{2}:\d{2}$/);
      await page.getByTestId('view-week').tap();
      await page.getByTestId('week-view').locator(`[data-event-id="${moved.id}"]`).waitFor();
      assert.ok((await page.getByTestId('week-day').count()) >= 5, 'the whole week is there offline');
      await context.setOffline(false);

      // The calendar feed: made on demand, iCalendar at its secret URL.
      await page.getByTestId('view-day').tap();
      await page.reload({ waitUntil: 'load' });
      await page.getByTestId('calendar-feed').locator('button, input').first().waitFor();
      if (await page.getByTestId('feed-create').isVisible()) await page.getByTestId('feed-create').tap();
      const url = await page.getByTestId('feed-url').inputValue();
      assert.match(url, /\/api\/calendar\/[^/]+$/);
      assert.match(await page.getByTestId('feed-open').getAttribute('href'), /^webcal:\/\/.+\/api\/calendar\//);
      // The link names the configured public address; this test's server listens elsewhere.
      const ics = await page.request.get(base + new URL(url).pathname);
      assert.equal(ics.status(), 200);
      assert.match(ics.headers()['content-type'], /^text\/calendar/);
      const body = await ics.text();
      assert.match(body, /^BEGIN:VCALENDAR\r?\n/);
      assert.ok(body.includes(moved.newRoom), 'the feed has the new room');

      // A new link: the old one stops working.
      await page.getByTestId('feed-renew').tap();
      await page.getByTestId('feed-renew-confirm').tap();
      await page.getByTestId('feed-renew-dialog').waitFor({ state: 'detached' });
      const renewed = await page.getByTestId('feed-url').inputValue();
      assert.notEqual(renewed, url);
      assert.equal((await page.request.get(base + new URL(url).pathname)).status(), 404);

      // Signing out forgets the stored timetable.
      await page.locator('nav.bottom-nav a[data-tab="more"]').tap();
      await page.getByRole('button', { name: 'Se déconnecter' }).tap();
      await page.waitForURL(`${base}/login`);
      const left = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const open = indexedDB.open('ent-timetable');
            open.onsuccess = () => {
              const db = open.result;
              if (!db.objectStoreNames.contains('weeks')) return resolve(0);
              const count = db.transaction('weeks').objectStore('weeks').count();
              count.onsuccess = () => resolve(count.result);
            };
          }),
      );
      assert.equal(left, 0, 'no week left on the device after signing out');
    },
    { ignore: [...OFFLINE_NOISE, /404/] },
  );
});

/** The Monday of a YYYY-MM-DD date. */
function mondayOf(day) {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}
