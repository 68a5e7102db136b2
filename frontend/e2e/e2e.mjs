// End-to-end test of the SPA in headless Chromium (playwright-core), against a running
// `ttstats serve` (scripts/e2e.sh starts one on a free loopback port with a fresh data dir).
// Every assertion is on rendered text: a blank page must fail.
//
// Screenshots of the main pages at desktop (1280×800) and phone (390×844) widths are saved to
// E2E_SCREENSHOTS (scripts/e2e.sh: $CARGO_TARGET_DIR/e2e-screenshots); a few of them are
// committed to docs/screenshots/.
//
// env: BASE_URL, ADMIN_USER, ADMIN_PASSWORD, CHROMIUM (default /usr/bin/chromium),
//      E2E_SCREENSHOTS, E2E_ARTIFACTS (screenshots of failures)
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
const shots = process.env.E2E_SCREENSHOTS ?? join(tmpdir(), 'ttstats-e2e-screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
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
  const context = await browser.newContext({ baseURL: BASE, viewport: DESKTOP, ...options });
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

/** Saves `<name>-desktop.png` and `<name>-phone.png` of the page as it is now, scrolled to
 *  the top or to the `at` locator. */
async function screenshot(page, name, at) {
  mkdirSync(shots, { recursive: true });
  const before = page.viewportSize();
  for (const [label, size] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(size);
    await page.locator('.loading').first().waitFor({ state: 'detached' }).catch(() => {});
    await page.evaluate(() => window.scrollTo(0, 0));
    if (at) await at.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: join(shots, `${name}-${label}.png`) });
  }
  if (before) await page.setViewportSize(before);
}

/** Selects the option of `select` (a locator) whose text contains `text`. */
async function choose(select, text) {
  const option = select.locator('option', { hasText: text }).first();
  await option.waitFor({ state: 'attached' });
  await select.selectOption(await option.getAttribute('value'));
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
  await screenshot(alicePage, 'record-match', alicePage.locator('li.game').first());
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
  // Two new players at 1500 (K 48): the record page projects the Elo change before saving.
  await seeText(alicePage, 'Elo if confirmed: side 1 +24, side 2 −24. Win probability 50% – 50%.', '.projection');
  await alicePage.getByRole('button', { name: 'Save match' }).click();
  await alicePage.waitForURL(/\/matches\/\d+$/);
  state.matchPath = new URL(alicePage.url()).pathname;
  await seeText(alicePage, 'Projection now: side 1 +24 (K 48), side 2 −24 (K 48). Your rating: +24.');
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
  await screenshot(alicePage, 'match');
  state.confirmed = true;
}, { needs: ['registered', 'signedIn'] });

await test('the dashboard shows the confirmed match and the rivalry', async () => {
  await alicePage.goto('/');
  await seeText(alicePage, 'Recent matches', 'h2');
  await seeText(alicePage, 'Rivalries', 'h2');
  await seeText(alicePage, bob.username, 'main');
  await screenshot(alicePage, 'dashboard');
}, { needs: ['confirmed'] });

await test('the leaderboard filter changes the table and stays in the URL', async () => {
  const page = await newPage();
  await page.goto('/leaderboard');
  const table = page.locator('table.leaderboard');
  const first = table.locator('tbody tr').first();
  await first.getByText(alice.username).waitFor();
  await table.getByText(bob.username).waitFor();
  await seeText(page, '7 days', 'table.leaderboard th');
  await first.getByText('+24').waitFor();
  await seeText(page, `Biggest mover this week: ${alice.username} +24`);
  await screenshot(page, 'leaderboard');
  await page.getByLabel('Matches').selectOption('singles');
  await page.waitForURL(/kind=singles/);
  await table.getByText(alice.username).waitFor();
  // Only a singles match is confirmed: the doubles table is empty, and says why.
  await page.getByLabel('Matches').selectOption('doubles');
  await page.waitForURL(/kind=doubles/);
  await seeText(page, 'No confirmed matches match these filters.');
  assert.equal(await table.count(), 0, 'the doubles leaderboard should have no table');
  // The filter is read back from the address.
  await page.reload();
  await seeText(page, 'No confirmed matches match these filters.');
  assert.equal(await page.getByLabel('Matches').inputValue(), 'doubles');
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
  state.alicePlayerPath = new URL(alicePage.url()).pathname;
  await screenshot(alicePage, 'player');
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

await test('a player edits their own profile, with errors beside the field; others cannot', async () => {
  await alicePage.goto(state.alicePlayerPath);
  await seeText(alicePage, alice.username, 'h1');
  await alicePage.getByText('Edit profile').click();
  await alicePage.getByLabel('Name', { exact: true }).fill('');
  await seeText(alicePage, 'name is required', '#p-name-error');
  assert.equal(await alicePage.getByRole('button', { name: 'Save profile' }).isDisabled(), false);
  await alicePage.getByLabel('Name', { exact: true }).fill(alice.username);
  await alicePage.getByLabel(/Nickname/).fill('Ace');
  await alicePage.getByRole('button', { name: 'Save profile' }).click();
  await seeText(alicePage, 'Ace', 'h1');
  await alicePage.getByText('Edit profile').click();
  await alicePage.getByLabel(/Nickname/).fill('');
  await alicePage.getByRole('button', { name: 'Save profile' }).click();
  await alicePage.locator('h1', { hasText: 'Ace' }).waitFor({ state: 'detached' });
  await seeText(alicePage, alice.username, 'h1');

  await bobPage.goto(state.alicePlayerPath);
  await seeText(bobPage, alice.username, 'h1');
  await seeText(bobPage, 'Match history', 'h2');
  assert.equal(await bobPage.getByText('Edit profile').count(), 0, 'only the owner edits a profile');
}, { needs: ['confirmed'] });

await test('edit a pending match: a game, the details, then delete the match', async () => {
  await alicePage.goto('/matches/new');
  await choose(alicePage.getByLabel('Side 2 player'), bob.username);
  for (const [i, [a, b]] of [[11, 5], [11, 7], [11, 3]].entries()) {
    await alicePage.getByLabel(`Game ${i + 1}, side 1 points`).fill(String(a));
    await alicePage.getByLabel(`Game ${i + 1}, side 2 points`).fill(String(b));
  }
  await alicePage.getByRole('button', { name: 'Save match' }).click();
  await alicePage.waitForURL(/\/matches\/\d+$/);
  await seeText(alicePage, '3 – 0', '.scoreline');

  // Game 3 becomes a loss; 11-10 is refused as you type, with the API's message.
  await alicePage.getByRole('button', { name: 'Edit game 3' }).click();
  await alicePage.getByLabel('Game 3, side 2 points').fill('10');
  await seeText(alicePage, 'the winner needs a lead of at least 2 points', 'tr.editing .field-error');
  assert.equal(await alicePage.getByRole('button', { name: 'Save game' }).isDisabled(), true);
  await alicePage.getByLabel('Game 3, side 1 points').fill('3');
  await alicePage.getByLabel('Game 3, side 2 points').fill('11');
  await alicePage.getByRole('button', { name: 'Save game' }).click();
  await seeText(alicePage, '2 – 1', '.scoreline');

  // Deleting it leaves the match unfinished, so its details open up.
  await alicePage.getByRole('button', { name: 'Delete game 3' }).click();
  await seeText(alicePage, '2 – 0', '.scoreline');
  await seeText(alicePage, 'In progress: the match has no winner yet.');
  await alicePage.getByText('Edit details').click();
  await alicePage.getByLabel('Type').selectOption('practice');
  await alicePage.getByLabel('Notes').fill('Evening session');
  await alicePage.getByRole('button', { name: 'Save details' }).click();
  await seeText(alicePage, 'Evening session', '.notes');
  await seeText(alicePage, '· practice ·');

  await alicePage.getByLabel('Next game, side 1').fill('11');
  await alicePage.getByLabel('side 2', { exact: true }).fill('9');
  await alicePage.getByRole('button', { name: 'Add game' }).click();
  await seeText(alicePage, '3 – 0', '.scoreline');

  await alicePage.getByRole('button', { name: 'Delete match' }).click();
  await alicePage.getByRole('button', { name: 'Yes, delete' }).click();
  await seeText(alicePage, 'Dashboard', 'h1');
}, { needs: ['registered', 'signedIn'] });

await test('the pair page shows two partners\' doubles record, linked from the player page', async () => {
  const login = async (user) => (await api('POST', '/auth/login', { username: user.username, password: PASSWORD })).access_token;
  const [aliceToken, bobToken] = [await login(alice), await login(bob)];
  const guest = async (name) => (await api('POST', '/players', { name }, aliceToken)).id;
  const [carol, dave] = [await guest(`Carol ${run}`), await guest(`Dave ${run}`)];
  const { id: aliceId } = (await api('GET', '/me', null, aliceToken)).player;
  const { id: bobId } = (await api('GET', '/me', null, bobToken)).player;
  const m = await api('POST', '/matches', {
    side1: [aliceId, carol], side2: [bobId, dave],
    games: [[11, 4], [11, 6], [11, 8]].map(([a, b]) => ({ side1_points: a, side2_points: b })),
  }, aliceToken);
  await api('POST', `/matches/${m.id}/confirm`, null, aliceToken);
  await api('POST', `/matches/${m.id}/confirm`, null, bobToken);

  await alicePage.goto(`/players/${aliceId}`);
  await seeText(alicePage, 'Doubles partners', 'h2');
  await alicePage.getByRole('link', { name: `With Carol ${run}`, exact: true }).click();
  await alicePage.waitForURL(/\/pairs\?player1=\d+&player2=\d+/);
  await seeText(alicePage, 'Doubles pair', 'h1');
  await seeText(alicePage, `Carol ${run}`, 'h2');
  await seeText(alicePage, 'doubles together');
  await seeText(alicePage, '1 – 0', '.facts');
  await seeText(alicePage, '3-0 on', '.facts');
  await screenshot(alicePage, 'pair');
}, { needs: ['registered'] });

await test('score a live match point by point', async () => {
  await alicePage.goto('/matches/new');
  const side2 = alicePage.getByLabel('Side 2 player');
  await side2.locator('option', { hasText: bob.username }).waitFor({ state: 'attached' });
  await side2.selectOption(await side2.locator('option', { hasText: bob.username }).getAttribute('value'));
  await alicePage.getByLabel(/Score it live/).check();
  await alicePage.getByRole('button', { name: 'Save match' }).click();
  await alicePage.waitForURL(/\/matches\/\d+\/live$/);
  await seeText(alicePage, 'Not started yet.');
  // Bob watches: his board follows the event stream, not a reload.
  await bobPage.goto(new URL(alicePage.url()).pathname);
  await seeText(bobPage, 'Live: points appear as they are scored.');
  await seeText(bobPage, 'Not started yet.');
  assert.equal(await bobPage.getByRole('button', { name: /Point/ }).count(), 0, 'only the players score');
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
  const bobPoints = (side) => bobPage.locator('.scoreboard .side').nth(side).locator('.points');
  await bobPoints(0).getByText('2', { exact: true }).waitFor();
  await seeText(bobPage, '● serves', '.scoreboard .side.serving');
  // Win game 1 (11-0 from 2-0), then the score and the game count move on both screens.
  for (let score = 3; score <= 11; score++) {
    await alicePage.getByRole('button', { name: `Point ${alice.username}` }).click();
    await points(0).getByText(score === 11 ? '0' : String(score), { exact: true }).waitFor();
  }
  await seeText(alicePage, 'Game 2 of best of 5');
  await seeText(bobPage, 'Game 2 of best of 5 · games 1 – 0');
  await bobPoints(0).getByText('0', { exact: true }).waitFor();
  await seeText(bobPage, 'Live: points appear as they are scored.');
  await screenshot(bobPage, 'live');
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
  // Alice won the confirmed matches, so she is the favourite of the fixture.
  const odds = alicePage.locator('li', { hasText: `${next} 18:00` }).getByText(/win probability (\d+)% – (\d+)%/);
  const [, p1, p2] = (await odds.first().textContent()).match(/win probability (\d+)% – (\d+)%/);
  assert.ok(Number(p1) > 50 && Number(p1) + Number(p2) === 100, `odds ${p1}–${p2}`);
  await screenshot(alicePage, 'calendar');
}, { needs: ['registered'] });

await test('create a championship, register both players, start it and record a fixture', async () => {
  const day = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  const cup = `Club Cup ${run}`;
  await alicePage.goto('/championships');
  await alicePage.getByText('New championship').click();
  await alicePage.getByLabel('Start date').fill(day(7));
  await alicePage.getByLabel('Registration deadline').fill(day(8));
  await alicePage.getByLabel('Capacity (entries)').fill('4');
  await alicePage.getByRole('button', { name: 'Create championship' }).click();
  await seeText(alicePage, 'name is required', '#c-name-error');
  await seeText(alicePage, 'the registration deadline must be before the start date', '#c-deadline-error');
  await alicePage.getByLabel('Name').fill(cup);
  await alicePage.getByLabel('Registration deadline').fill(day(3));
  await alicePage.locator('#c-deadline-error').getByText('before the start date').waitFor({ state: 'detached' });
  await alicePage.getByRole('button', { name: 'Create championship' }).click();
  await alicePage.waitForURL(/\/championships\/\d+$/);
  await seeText(alicePage, cup, 'h1');
  await seeText(alicePage, 'registration open');
  const cupPath = new URL(alicePage.url()).pathname;

  await alicePage.getByRole('button', { name: 'Register' }).click();
  await seeText(alicePage, 'Withdraw');
  await bobPage.goto(cupPath);
  await bobPage.getByRole('button', { name: 'Register' }).click();
  await seeText(bobPage, '2 of 4 entries');
  await alicePage.reload();
  await alicePage.getByRole('button', { name: 'Start the championship' }).click();
  await seeText(alicePage, 'scheduled');
  await seeText(alicePage, `Round 1 · ${day(7)} 18:00 · ${alice.username} vs ${bob.username}`);
  await seeText(alicePage, `Round 2 · ${day(14)} 18:00 · ${bob.username} vs ${alice.username}`);

  await alicePage.locator('.fixtures li', { hasText: 'Round 1' }).getByRole('button', { name: 'Record result' }).click();
  await alicePage.waitForURL(/\/matches\/\d+$/);
  await seeText(alicePage, 'tournament');
  for (const [n, b] of [[1, 4], [2, 6], [3, 8]]) {
    await alicePage.getByLabel('Next game, side 1').fill('11');
    await alicePage.getByLabel('side 2', { exact: true }).fill(String(b));
    await alicePage.getByRole('button', { name: 'Add game' }).click();
    await seeText(alicePage, `${n} – 0`, '.scoreline');
  }
  await alicePage.getByRole('button', { name: 'Confirm result' }).click();
  await seeText(alicePage, `Waiting for ${bob.username} to confirm`);
  const matchPath = new URL(alicePage.url()).pathname;
  await bobPage.goto(matchPath);
  await bobPage.getByRole('button', { name: 'Confirm result' }).click();
  await seeText(bobPage, 'Confirmed on');

  await alicePage.goto(cupPath);
  await seeText(alicePage, 'in progress');
  const top = alicePage.locator('table.standings tbody tr').first();
  await top.getByText(alice.username).waitFor();
  await top.getByText('+3').waitFor();
  await seeText(alicePage, '3-0', 'table.results');
  await seeText(alicePage, 'Ties are broken by game difference');
  await screenshot(alicePage, 'championship');

  // The return fixture is the last one: once confirmed, the championship completes itself.
  await bobPage.goto(cupPath);
  await bobPage.locator('.fixtures li', { hasText: 'Round 2' }).getByRole('button', { name: 'Record result' }).click();
  await bobPage.waitForURL(/\/matches\/\d+$/);
  for (const [n, a] of [[1, 5], [2, 7], [3, 9]]) {
    await bobPage.getByLabel('Next game, side 1').fill(String(a));
    await bobPage.getByLabel('side 2', { exact: true }).fill('11');
    await bobPage.getByRole('button', { name: 'Add game' }).click();
    await seeText(bobPage, `0 – ${n}`, '.scoreline');
  }
  await bobPage.getByRole('button', { name: 'Confirm result' }).click();
  await seeText(bobPage, `Waiting for ${alice.username} to confirm`);
  await alicePage.goto(new URL(bobPage.url()).pathname);
  await alicePage.getByRole('button', { name: 'Confirm result' }).click();
  await seeText(alicePage, 'Confirmed on');
  await alicePage.goto(cupPath);
  await seeText(alicePage, 'completed');
  await seeText(alicePage, `Champion: ${alice.username}`, '.notice');
  await bobPage.goto('/notifications');
  await seeText(bobPage, `${cup} is complete`);
  await seeText(bobPage, `${cup}: the schedule is out`);
}, { needs: ['registered', 'signedIn'] });

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
console.log(`\n${passed} passed, ${failed} failed; screenshots in ${shots}`);
process.exit(failed ? 1 : 0);
