// End-to-end test of the SPA in headless Chromium (playwright-core), against a running
// `ttstats serve` (scripts/e2e.sh starts one on a free loopback port with a fresh data dir).
// Every assertion is on rendered text: a blank page must fail.
//
// env: BASE_URL, ADMIN_USER, ADMIN_PASSWORD, CHROMIUM (default /usr/bin/chromium)
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const ADMIN = { username: process.env.ADMIN_USER ?? 'admin', password: process.env.ADMIN_PASSWORD ?? '' };
const TIMEOUT = 15_000;
const PASSWORD = 'table-tennis-rally-42';
const run = Date.now().toString(36);
const alice = { username: `alice${run}`, email: `alice${run}@example.org` };
const bob = { username: `bob${run}`, email: `bob${run}@example.org` };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});

const results = [];
const openPages = new Set();
const artifacts = process.env.E2E_ARTIFACTS ?? join(tmpdir(), 'ttstats-e2e');
const state = {};
async function test(name, fn, { needs = [] } = {}) {
  const missing = needs.filter((n) => !state[n]);
  if (missing.length) {
    results.push({ name, ok: false, error: `skipped: needs ${missing.join(', ')}` });
    console.log(`FAIL ${name} (needs ${missing.join(', ')})`);
    return;
  }
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push({ name, ok: false, error });
    console.log(`FAIL ${name}\n     ${String(error?.message ?? error).split('\n').slice(0, 6).join('\n     ')}`);
    mkdirSync(artifacts, { recursive: true });
    let i = 0;
    for (const page of openPages) {
      if (page.isClosed()) continue;
      const file = join(artifacts, `${results.length}-${++i}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => {});
      console.log(`     screenshot of ${page.url()}: ${file}`);
    }
  }
}

async function newPage(options = {}) {
  const context = await browser.newContext({ baseURL: BASE, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  openPages.add(page);
  page.on('pageerror', (e) => console.log(`     page error: ${e.message}`));
  return page;
}

/** Waits until `text` is rendered visibly somewhere in the page. */
async function seeText(page, text, scope = 'body') {
  await page.locator(scope).getByText(text).first().waitFor({ state: 'visible' });
}

async function api(method, path, body, token) {
  const response = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function register(page, user) {
  await page.goto('/register');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await seeText(page, 'Account created');
  await seeText(page, user.email);
}

/** The verification link's path, read from the outbox as the admin. */
async function verificationPath(email) {
  const { access_token } = await api('POST', '/auth/login', ADMIN);
  const outbox = await api('GET', '/admin/outbox?per_page=100', null, access_token);
  const mail = outbox.items.find((m) => m.to_address === email && m.kind === 'verify_email');
  assert.ok(mail, `no verification e-mail for ${email} in the outbox`);
  const link = mail.body_text.match(/https?:\/\/\S+\/verify-email\/\S+/);
  assert.ok(link, `no link in: ${mail.body_text}`);
  return new URL(link[0]).pathname;
}

let alicePage;
let bobPage;

await test('the app renders the dashboard shell', async () => {
  const page = await newPage();
  await page.goto('/');
  await seeText(page, 'Dashboard', 'h1');
  await seeText(page, 'Leaderboard', 'nav');
  assert.match(await page.title(), /ttstats/);
  await page.context().close();
});

await test('an unknown address shows the 404 page', async () => {
  const page = await newPage();
  await page.goto('/no/such/page');
  await seeText(page, 'Page not found', 'h1');
  await seeText(page, 'Back to the dashboard');
  await page.context().close();
});

await test('register and verify two players through the e-mailed link', async () => {
  alicePage = await newPage();
  bobPage = await newPage();
  await register(alicePage, alice);
  await register(bobPage, bob);
  await alicePage.goto(await verificationPath(alice.email));
  await seeText(alicePage, 'your e-mail address is verified');
  await bobPage.goto(await verificationPath(bob.email));
  await seeText(bobPage, 'your e-mail address is verified');
  state.registered = true;
});

await test('sign out and sign in again', async () => {
  await bobPage.goto('/');
  await bobPage.getByRole('button', { name: 'Sign out' }).click();
  await seeText(bobPage, 'Sign in', 'h1');
  await bobPage.getByLabel('Username or e-mail').fill(bob.username);
  await bobPage.getByLabel('Password').fill('wrong-password-123');
  await bobPage.getByRole('button', { name: 'Sign in' }).click();
  await seeText(bobPage, 'wrong username or password');
  await bobPage.getByLabel('Password').fill(PASSWORD);
  await bobPage.getByRole('button', { name: 'Sign in' }).click();
  await seeText(bobPage, 'Dashboard', 'h1');
  await seeText(bobPage, bob.username, 'nav');
  state.signedIn = true;
}, { needs: ['registered'] });

await test('a score the rules refuse is explained beside the score field as you type', async () => {
  await alicePage.goto('/matches/new');
  await seeText(alicePage, 'Record a match', 'h1');
  await alicePage.getByLabel('Game 1, side 1 points').fill('11');
  await alicePage.getByLabel('Game 1, side 2 points').fill('11');
  const message = alicePage.locator('li.game').first().locator('.field-error');
  await message.getByText('a game cannot end in a tie').waitFor();
  await alicePage.getByLabel('Game 1, side 2 points').fill('10');
  await message.getByText('the winner needs a lead of at least 2 points').waitFor();
  await alicePage.getByLabel('Game 1, side 2 points').fill('5');
  await alicePage.waitForFunction(() => !document.querySelector('li.game .field-error')?.textContent);
}, { needs: ['registered'] });

await test('record a match, see it pending, confirm it from the other account', async () => {
  await alicePage.goto('/matches/new');
  await seeText(alicePage, 'Record a match', 'h1');
  const side2 = alicePage.getByLabel('Side 2 player');
  await side2.locator('option', { hasText: bob.username }).waitFor({ state: 'attached' });
  const bobOption = await side2.locator('option', { hasText: bob.username }).getAttribute('value');
  await side2.selectOption(bobOption);
  for (const [i, [a, b]] of [[11, 5], [11, 7], [9, 11]].entries()) {
    await alicePage.getByLabel(`Game ${i + 1}, side 1 points`).fill(String(a));
    await alicePage.getByLabel(`Game ${i + 1}, side 2 points`).fill(String(b));
  }
  // Three rows by default: add the fourth game.
  await alicePage.getByRole('button', { name: 'Add game' }).click();
  await alicePage.getByLabel('Game 4, side 1 points').fill('11');
  await alicePage.getByLabel('Game 4, side 2 points').fill('8');
  await seeText(alicePage, 'Games 3 – 1');
  await alicePage.getByRole('button', { name: 'Save match' }).click();
  await alicePage.waitForURL(/\/matches\/\d+$/);
  state.matchPath = new URL(alicePage.url()).pathname;
  // Every verified player confirms, the one who recorded it too.
  await seeText(alicePage, `Waiting for ${alice.username}, ${bob.username} to confirm`);
  await seeText(alicePage, '1', 'nav .badge');
  await alicePage.getByRole('button', { name: 'Confirm result' }).click();
  await seeText(alicePage, `Waiting for ${bob.username} to confirm`);
  await alicePage.locator('nav .badge').waitFor({ state: 'detached' });
  await seeText(alicePage, '3 – 1');
  await seeText(alicePage, 'Win probability');

  await bobPage.goto('/');
  await seeText(bobPage, '1', 'nav .badge');
  await bobPage.getByRole('link', { name: /Pending/ }).click();
  await seeText(bobPage, 'Pending confirmations', 'h1');
  await seeText(bobPage, alice.username, '.pending-list');
  await bobPage.getByRole('button', { name: 'Confirm' }).click();
  await seeText(bobPage, 'Nothing waits for your confirmation');

  await alicePage.goto(state.matchPath);
  await seeText(alicePage, 'Confirmed on');
  state.confirmed = true;
}, { needs: ['registered', 'signedIn'] });

await test('the leaderboard shows the confirmed result', async () => {
  const page = await newPage();
  await page.goto('/leaderboard');
  const first = page.locator('table.leaderboard tbody tr').first();
  await first.getByText(alice.username).waitFor();
  await page.locator('table.leaderboard').getByText(bob.username).waitFor();
  await page.getByLabel('Matches').selectOption('singles');
  await page.waitForURL(/kind=singles/);
  await page.locator('table.leaderboard').getByText(alice.username).waitFor();
  await page.context().close();
}, { needs: ['confirmed'] });

await test('the player page shows rating, streak and the Elo chart', async () => {
  await alicePage.goto('/players');
  await alicePage.getByRole('link', { name: alice.username }).click();
  await seeText(alicePage, alice.username, 'h1');
  await seeText(alicePage, 'rating');
  await alicePage.locator('figure.chart svg polyline').waitFor();
  await seeText(alicePage, 'Rating after each rated match');
  await seeText(alicePage, 'Current streak');
  await seeText(alicePage, '1 win', '.facts');
  await seeText(alicePage, `Won 3–1 vs ${bob.username}`);
}, { needs: ['confirmed'] });

await test('the player page shows the earned achievement and progress to the next tier', async () => {
  await alicePage.goto('/players');
  await alicePage.getByRole('link', { name: alice.username }).click();
  await seeText(alicePage, 'Achievements', 'h2');
  await seeText(alicePage, 'First Blood', '.achievements-earned');
  await seeText(alicePage, 'Matches played → bronze', '.achievement-progress');
  await seeText(alicePage, '1 / 10', '.achievement-progress');
}, { needs: ['confirmed'] });

await test('the notifications page lists the result, counts unread ones and marks them read', async () => {
  await bobPage.goto('/');
  await seeText(bobPage, '2', 'nav .unread-count');
  await bobPage.getByRole('link', { name: /Notifications/ }).click();
  await seeText(bobPage, 'Notifications', 'h1');
  await seeText(bobPage, '2 unread');
  const result = bobPage.locator('li.notification.unread', { hasText: 'Match confirmed' });
  await result.getByText(`You lost 1-3 against ${alice.username}`).waitFor();
  await result.getByRole('button', { name: 'Mark read' }).click();
  await seeText(bobPage, '1 unread');
  await seeText(bobPage, '1', 'nav .unread-count');
  await bobPage.getByRole('button', { name: 'Mark all read' }).click();
  await seeText(bobPage, 'Nothing unread.');
  await bobPage.locator('nav .unread-count').waitFor({ state: 'detached' });
  const overtake = bobPage.getByLabel('Overtaken on the leaderboard');
  assert.equal(await overtake.isChecked(), false, 'overtakes are off by default');
  await overtake.check();
  await bobPage.reload();
  await bobPage.getByLabel('Overtaken on the leaderboard').waitFor();
  assert.equal(await bobPage.getByLabel('Overtaken on the leaderboard').isChecked(), true);
}, { needs: ['confirmed'] });

await test('score a live match point by point', async () => {
  await alicePage.goto('/matches/new');
  const side2 = alicePage.getByLabel('Side 2 player');
  await side2.locator('option', { hasText: bob.username }).waitFor({ state: 'attached' });
  await side2.selectOption(await side2.locator('option', { hasText: bob.username }).getAttribute('value'));
  await alicePage.getByLabel(/Score it live/).check();
  await alicePage.getByRole('button', { name: 'Save match' }).click();
  await alicePage.waitForURL(/\/matches\/\d+\/live$/);
  await seeText(alicePage, 'Not started yet.');
  await alicePage.getByRole('button', { name: `Start, ${alice.username} serves` }).click();
  await seeText(alicePage, 'Game 1 of best of 5');
  const points = (side) => alicePage.locator('.scoreboard .side').nth(side).locator('.points');
  await alicePage.getByRole('button', { name: `Point ${alice.username}` }).click();
  await points(0).getByText('1', { exact: true }).waitFor();
  await alicePage.getByRole('button', { name: `Point ${alice.username}` }).click();
  await points(0).getByText('2', { exact: true }).waitFor();
  await alicePage.getByRole('button', { name: `Point ${bob.username}` }).click();
  await points(1).getByText('1', { exact: true }).waitFor();
  await alicePage.getByRole('button', { name: 'Undo' }).click();
  await points(1).getByText('0', { exact: true }).waitFor();
  await points(0).getByText('2', { exact: true }).waitFor();
}, { needs: ['registered'] });

await test('the calendar shows the month and a newly scheduled fixture', async () => {
  await alicePage.goto('/calendar');
  const month = new Date().toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' });
  await seeText(alicePage, month, 'h2');
  const next = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  await alicePage.getByLabel('Date').fill(next);
  const side2 = alicePage.getByLabel('Side 2');
  await side2.locator('option', { hasText: bob.username }).waitFor({ state: 'attached' });
  await side2.selectOption(await side2.locator('option', { hasText: bob.username }).getAttribute('value'));
  await alicePage.getByRole('button', { name: 'Schedule' }).click();
  await seeText(alicePage, `${next} 18:00 · ${alice.username} vs ${bob.username}`);
}, { needs: ['registered'] });

await test('on a phone-sized screen the menu folds and nothing overflows', async () => {
  const page = await newPage({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
  await page.goto('/leaderboard');
  await seeText(page, 'Leaderboard', 'h1');
  const nav = page.locator('#main-nav');
  assert.equal(await nav.isVisible(), false, 'the nav should fold behind the menu button');
  await page.getByRole('button', { name: 'Menu' }).click();
  await nav.getByText('Players').waitFor({ state: 'visible' });
  await nav.getByText('Players').click();
  await seeText(page, 'Players', 'h1');
  await nav.waitFor({ state: 'hidden' }); // the menu closes after navigating
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`);
  await page.context().close();
});

await browser.close();
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
