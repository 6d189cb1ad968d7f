// The demo university the browser tests' server is seeded with (api/demo/): its password, its
// people, and signing in as one of them.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

const demo = new URL('../../../api/demo/', import.meta.url);

/** The demo accounts' password, as seed-demo sets it. */
export async function demoPassword() {
  const source = await readFile(new URL('mod.rs', demo), 'utf8');
  const match = /DEMO_PASSWORD: &str = "([^"]+)"/.exec(source);
  assert.ok(match, 'DEMO_PASSWORD not found in api/demo/mod.rs');
  return match[1];
}

/** A demo person's row of api/demo/people.csv. */
export async function demoPerson(number) {
  const csv = await readFile(new URL('people.csv', demo), 'utf8');
  const [header, ...lines] = csv.trim().split('\n');
  const columns = header.split(',');
  const row = lines.map((line) => line.split(',')).find((cells) => cells[0] === number);
  assert.ok(row, `person ${number} is not in api/demo/people.csv`);
  return Object.fromEntries(columns.map((c, i) => [c, row[i]]));
}

/** Submits the login form (whatever the outcome). */
export async function signIn(page, base, identifier, password) {
  await page.goto(`${base}/login`, { waitUntil: 'load' });
  await page.getByTestId('login-form').waitFor();
  await page.locator('input[name="username"]').fill(identifier);
  await page.locator('input[name="password"]').fill(password);
  await page.getByTestId('login-submit').tap();
}

/** Signs in and waits for the app. */
export async function signedIn(page, base, identifier, password) {
  await signIn(page, base, identifier, password);
  await page.locator('nav.bottom-nav').waitFor();
}
