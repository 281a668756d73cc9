// Drives the call-guidance page (web/call.*, on the staff listener) in Debian's Chromium against the
// real server: a full call through to the wrap-up, the Urgent jump mid-call, and the whole call by
// keyboard alone at 360px; under pressure: an alert pinned in view, the two columns at desktop
// widths, a call resumed in a new tab from the server's open calls, and a reconnect after the
// server restarts. The calls are then checked in the database.
// Run: RIGHTCONV_BIN=build/src/rightconv RIGHTCONV_SOURCE_DIR=$PWD node --test tests/browser/call.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addStaff, checkAccessibility, checkSetup, clickUnusable, launchBrowser, makeWorkspace, noSidewaysScroll, sqlite, waitFor } from './server.mjs';

const FIRST_SAY = 'First, is the child in immediate danger right now?';
const FIRST_QUESTION = 'Is a child in immediate danger right now?';
const HARM_QUESTION = /seriously harmed or neglected/;
const DUTY_AND_ADVICE = 'Ring Duty and Advice now: 0113 376 0336';

let browser;
let server;
let workspace;
let token;

before(async () => {
  checkSetup('call.html');
  workspace = makeWorkspace('rightconv-call-');
  browser = await launchBrowser();
  server = await workspace.startServer();
  token = addStaff(server.db, 'p.line', 'hub:south', 'Pat Line');
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const exit = await server.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, `clean exit on SIGTERM:\n${server.output()}`);
  }
  if (workspace) workspace.remove();
});

// ---------- helpers ----------

async function openCall({ width = 1024, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'en-GB' });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
  await page.goto(`${server.staffUrl}/call`);
  await page.getByRole('heading', { name: 'Sign in', level: 2 }).waitFor();
  return { context, page, problems };
}

async function signIn(page, as = token) {
  await page.getByLabel('Staff token').fill(as);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#cg-who', { hasText: 'Signed in as' }).waitFor();
}

async function signInAndStart(page) {
  await signIn(page);
  await page.getByRole('button', { name: 'Start call' }).click();
  await question(page, FIRST_QUESTION);
}

// The question (or outcome) heading now on screen.
async function question(page, text) {
  const h = page.locator('#cg-script h3.cg-question', { hasText: text });
  await h.waitFor();
  return h;
}

async function focusedIs(page, selector) {
  return page.evaluate((sel) => !!document.activeElement && document.activeElement.matches(sel), selector);
}

// Presses Tab until the element matching `selector` has focus: proves it can be reached by keyboard.
async function tabTo(page, selector) {
  for (let i = 0; i < 40; i += 1) {
    if (await focusedIs(page, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`could not reach ${selector} with Tab`);
}

function callRow(conversation) {
  return sqlite(server.db, `select c.channel || '|' || c.status || '|' || coalesce(c.outcome, '') || '|' || p.staff_id || '|' || coalesce(p.wrap_up_code, '') || '|' ||
    coalesce(p.outcome_confirmed, '') || '|' || coalesce(p.wrap_up_note, '') from conversations c join phone_calls p on p.conversation_id = c.id where c.id = '${conversation}'`);
}

function callerRow(conversation) {
  return sqlite(server.db, `select coalesce(caller_role, '-') || '|' || coalesce(callback_promised, '-') from phone_calls where conversation_id = '${conversation}'`);
}

// Where an element is drawn now, in the viewport's pixels.
async function box(page, selector) {
  return page.locator(selector).boundingBox();
}

// Wraps up at the Duty and Advice outcome (the suggested code) and ends the call; returns its id.
async function wrapUpAndEnd(page, note) {
  await page.getByLabel('I confirm the outcome shown is what I told the caller').check();
  assert.equal(await page.locator('#cg-code').inputValue(), 'referred_duty_and_advice', 'the code suggested from the outcome');
  await page.getByLabel('Wrap-up note').fill(note);
  await page.getByRole('button', { name: 'Save wrap-up' }).click();
  await page.getByText('Wrapped up: Referred to Duty and Advice').waitFor();
  await page.getByRole('button', { name: 'End call' }).click();
  await page.getByRole('heading', { name: 'Call ended', level: 2 }).waitFor();
  return reference(page);
}

async function reference(page) {
  return (await page.locator('#cg-ended-body .rv-hint').textContent()).replace('Reference: ', '').trim();
}

// ---------- the tests ----------

test('a full call through to the wrap-up', async (t) => {
  const { context, page, problems } = await openCall();
  try {
    await signInAndStart(page);
    const script = page.locator('#cg-script');
    assert.equal(await script.locator('.cg-say-label').first().textContent(), 'Say:');
    assert.equal(await script.locator('.cg-say-text').first().textContent(), FIRST_SAY, 'the read-aloud wording, not the web text');
    assert.match(await script.locator('.cg-help').textContent(), /^For you:.*being hurt/, 'help is marked for the worker');
    assert.ok(await focusedIs(page, '#cg-script h3.cg-question'), 'the question takes focus');
    assert.match(await page.locator('#cg-timer').textContent(), /^\d\d:\d\d$/);

    await page.getByRole('button', { name: /No$/ }).click();
    await question(page, HARM_QUESTION);
    await page.getByRole('button', { name: /Yes, I think so/ }).click();
    await question(page, DUTY_AND_ADVICE);
    const phone = script.locator('a[href="tel:01133760336"]');
    assert.equal(await phone.textContent(), '0113 376 0336', 'the checked Duty and Advice number');
    await script.getByRole('heading', { name: 'Points to give the caller', level: 4 }).waitFor();
    assert.match(await script.locator('.cg-points').textContent(), /If a child is in immediate danger, call 999/);
    await checkAccessibility(page, 'the call page at the Duty and Advice outcome');

    // A note, redacted by the server.
    await page.getByLabel('Note', { exact: true }).fill('Caller is on 07700 900123');
    await page.getByRole('button', { name: 'Save note' }).click();
    await page.locator('#cg-note-list li', { hasText: 'Caller is on [phone]' }).waitFor();

    // End is held back until the wrap-up, and the form says what is missing.
    const end = page.getByRole('button', { name: 'End call' });
    assert.equal(await end.getAttribute('aria-disabled'), 'true');
    await clickUnusable(end);
    await page.locator('#cg-error', { hasText: 'Wrap up the call before ending it' }).waitFor();
    // The code comes suggested from the outcome; the worker can change it.
    assert.equal(await page.locator('#cg-code').inputValue(), 'referred_duty_and_advice');
    assert.match(await page.locator('#cg-code-hint').textContent(), /^Suggested from the outcome/);
    await page.getByRole('button', { name: 'Save wrap-up' }).click();
    const errors = page.locator('#cg-wrap-errors');
    await errors.waitFor();
    assert.match(await errors.textContent(), /Confirm the outcome.*Write a wrap-up note/);
    assert.doesNotMatch(await errors.textContent(), /Choose a wrap-up code/);
    assert.ok(await focusedIs(page, '#cg-confirm'), 'focus goes to the first thing missing');

    await page.getByLabel('I confirm the outcome shown is what I told the caller').check();
    await page.getByLabel('Wrap-up code').selectOption({ label: 'Advice given from the guidance' });
    assert.doesNotMatch(await page.locator('#cg-code-hint').textContent(), /Suggested/, 'the worker chose this one');
    await page.getByLabel('Wrap-up code').selectOption({ label: 'Referred to Duty and Advice' });
    await page.getByLabel('Wrap-up note').fill('Caller will ring Duty and Advice now.');
    await page.getByLabel(/Caller's role or agency/).selectOption({ label: 'School' });
    await page.getByLabel(/Call-back promised/).selectOption({ label: 'Yes' });
    await checkAccessibility(page, 'the wrap-up form with the caller fields');
    await page.getByRole('button', { name: 'Save wrap-up' }).click();
    await page.getByText('Wrapped up: Referred to Duty and Advice').waitFor();
    assert.match(await page.locator('#cg-wrapped').textContent(), /Caller: School.*Call-back promised: yes/);
    assert.ok(await focusedIs(page, '#cg-end'), 'focus moves to End call');
    await workspace.screenshot(page, t, 'call-wrapped-up.png');

    await page.getByRole('button', { name: 'End call' }).click();
    await page.getByRole('heading', { name: 'Call ended', level: 2 }).waitFor();
    const id = await reference(page);
    assert.equal(callRow(id), 'phone|completed|duty_and_advice|p.line|referred_duty_and_advice|1|Caller will ring Duty and Advice now.');
    assert.equal(callerRow(id), 'school|1');
    assert.equal(sqlite(server.db, `select count(*) from turns where conversation_id = '${id}' and message like '%07700%'`), '0');
    assert.deepEqual(problems, []);

    // The call in the hub review: who took it and how it was wrapped up.
    const review = await context.newPage();
    await review.goto(`${server.staffUrl}/#/c/${id}`);
    await review.getByLabel('Staff token').fill(addStaff(server.db, 'r.admin', 'admin', 'Rev Admin'));
    await review.getByRole('button', { name: 'Sign in' }).click();
    const call = review.getByRole('region', { name: 'Phone call' });
    await call.waitFor();
    const shown = await call.textContent();
    assert.match(shown, /Taken by\s*Pat Line \(p\.line\)/);
    assert.match(shown, /Wrap-up code\s*Referred to Duty and Advice/, "the code by its label");
    assert.match(shown, /Caller will ring Duty and Advice now\./);
    assert.match(shown, /Caller\s*School/);
    assert.match(shown, /Call-back promised\s*Yes/);
    assert.match(shown, /Notes during the call.*Caller is on \[phone\]/s);
    await workspace.screenshot(review, t, 'review-call.png');
  } finally {
    await context.close();
  }
});

test('the Urgent jump mid-call', async (t) => {
  const { context, page, problems } = await openCall();
  try {
    await signInAndStart(page);
    await page.getByRole('button', { name: /No$/ }).click();
    await question(page, HARM_QUESTION);
    await page.getByRole('button', { name: /No$/ }).click();
    const stepDown = await question(page, /talked with the child or young person and their family/);
    const stepDownText = await stepDown.textContent();

    const urgentAt = await box(page, '#cg-urgent');
    await page.getByRole('button', { name: 'Urgent' }).click();
    await question(page, FIRST_QUESTION);
    assert.equal(await page.locator('#cg-script .cg-kicker').textContent(), 'Urgent: ask now');
    assert.ok(await focusedIs(page, '#cg-script h3.cg-question'), 'the urgent question takes focus');
    // 999 and Duty and Advice at once, the urgent question under them.
    const numbers = page.locator('#cg-script .cg-urgent-numbers');
    assert.equal(await numbers.locator('a[href="tel:999"]').textContent(), '999');
    assert.equal(await numbers.locator('a[href="tel:01133760336"]').textContent(), '0113 376 0336');
    const numbersBox = await numbers.boundingBox();
    const questionBox = await page.locator('#cg-script h3.cg-question').boundingBox();
    assert.ok(numbersBox.y + numbersBox.height <= questionBox.y, 'the question comes under the numbers');
    assert.deepEqual(await box(page, '#cg-urgent'), urgentAt, 'Urgent stays in its place on the bar');
    await checkAccessibility(page, 'the Urgent numbers and question');
    await workspace.screenshot(page, t, 'call-urgent.png');

    await page.getByRole('button', { name: /^Back/ }).click();
    await question(page, stepDownText);
    assert.equal(await page.locator('#cg-script .cg-kicker').textContent(), 'Ask the caller');

    await page.getByRole('button', { name: 'Urgent' }).click();
    await question(page, FIRST_QUESTION);
    await page.getByRole('button', { name: /Yes, a child is in immediate danger/ }).click();
    await question(page, 'Call 999 now');
    assert.equal(await page.locator('#cg-script a[href="tel:999"]').textContent(), '999');

    await page.getByLabel('I confirm the outcome shown is what I told the caller').check();
    await page.getByLabel('Wrap-up code').selectOption('referred_999');
    await page.getByLabel('Wrap-up note').fill('Caller rang 999.');
    await page.getByRole('button', { name: 'Save wrap-up' }).click();
    await page.getByText('Wrapped up: Told to call 999').waitFor();
    await page.getByRole('button', { name: 'End call' }).click();
    await page.getByRole('heading', { name: 'Call ended', level: 2 }).waitFor();
    const id = await reference(page);
    assert.equal(callRow(id), 'phone|completed|emergency_999|p.line|referred_999|1|Caller rang 999.');
    assert.equal(sqlite(server.db, `select count(*) from turns where conversation_id = '${id}' and direction = 'in' and message like '%"type":"urgent"%'`), '2');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('keyboard-only use at 360px', async (t) => {
  const { context, page, problems } = await openCall({ width: 360, height: 740 });
  try {
    await tabTo(page, '#cg-token');
    await page.keyboard.type(token);
    await page.keyboard.press('Enter');
    await page.locator('#cg-who', { hasText: 'Signed in as Pat Line' }).waitFor();
    await tabTo(page, '#cg-start');
    await page.keyboard.press('Enter');
    await question(page, FIRST_QUESTION);
    await noSidewaysScroll(page, 'the first question');

    await page.keyboard.press('3');
    await question(page, HARM_QUESTION);
    assert.ok(await focusedIs(page, '#cg-script h3.cg-question'));

    // Number keys typed into a note are words, not answers.
    await tabTo(page, '#cg-note');
    await page.keyboard.type('2 children, u and b are initials');
    assert.equal(await page.locator('#cg-note').inputValue(), '2 children, u and b are initials');
    await question(page, HARM_QUESTION);
    await page.keyboard.press('Shift+Tab');  // back out of the note, onto the question's Back button
    assert.ok(await focusedIs(page, '#cg-script .cg-back'));

    await page.keyboard.press('u');
    await question(page, FIRST_QUESTION);
    assert.equal(await page.locator('#cg-script .cg-kicker').textContent(), 'Urgent: ask now');
    await page.keyboard.press('b');
    await question(page, HARM_QUESTION);
    await page.keyboard.press('1');
    await question(page, DUTY_AND_ADVICE);
    await noSidewaysScroll(page, 'the outcome');

    await tabTo(page, '#cg-confirm');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    assert.ok(await focusedIs(page, '#cg-code'));
    assert.equal(await page.locator('#cg-code').inputValue(), 'referred_duty_and_advice', 'suggested from the outcome');
    await page.keyboard.press('Tab');
    assert.ok(await focusedIs(page, '#cg-wrap-note'));
    await page.keyboard.type('Talked through by keyboard alone.');
    await page.keyboard.press('Tab');
    assert.ok(await focusedIs(page, '#cg-role'));
    await page.keyboard.press('p'); // Police: one key, as a select's type-ahead forgets after a second
    await page.keyboard.press('Tab');
    assert.ok(await focusedIs(page, '#cg-callback'));
    await page.keyboard.press('n'); // No
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Wrapped up: Referred to Duty and Advice').waitFor();
    assert.ok(await focusedIs(page, '#cg-end'));
    await noSidewaysScroll(page, 'the wrap-up');
    await workspace.screenshot(page, t, 'call-keyboard-360.png');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Call ended', level: 2 }).waitFor();
    assert.ok(await focusedIs(page, '#cg-ended-title'));
    const id = await reference(page);
    assert.equal(callRow(id), 'phone|completed|duty_and_advice|p.line|referred_duty_and_advice|1|Talked through by keyboard alone.');
    assert.equal(callerRow(id), 'police|0');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

for (const size of [{ name: 'desktop', width: 1280, height: 800 }, { name: 'phone', width: 390, height: 844 }]) {
  test(`an alert is pinned under the call bar, in view and focused, wherever the page was scrolled (${size.name})`, async (t) => {
    const { context, page, problems } = await openCall(size);
    try {
      await signInAndStart(page);
      const urgentAt = await box(page, '#cg-urgent');
      // Scrolled down to the notes, as a worker writing one is (at desktop widths they are beside the script).
      await page.locator('#cg-end').scrollIntoViewIfNeeded();
      const scrolls = await page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight);
      await page.getByLabel('Note', { exact: true }).fill('Caller says his dad hit him last night');
      await page.getByRole('button', { name: 'Save note' }).click();
      const alert = page.locator('#cg-alerts .cg-alert');
      await alert.waitFor();
      assert.equal(await alert.getAttribute('role'), 'alert');
      await page.waitForFunction(() => document.activeElement && document.activeElement.matches('.cg-alert'));
      const bar = await box(page, '.cg-bar');
      const shown = await alert.boundingBox();
      assert.ok(bar.y >= 0, `the call bar is on screen (top ${bar.y})`);
      assert.ok(shown.y >= bar.y + bar.height - 1, `the alert is under the bar (alert top ${shown.y}, bar bottom ${bar.y + bar.height})`);
      assert.ok(shown.y < size.height, 'the alert is in view');
      if (scrolls) assert.ok(await page.evaluate(() => window.scrollY > 0), 'the page stayed scrolled: the alert came to the worker');
      assert.equal(scrolls, size.name === 'phone', 'the phone page scrolls; the desktop one fits');
      assert.match(await alert.textContent(), /999/);
      assert.equal((await box(page, '#cg-urgent')).x, urgentAt.x, 'Urgent stays in its place on the bar');
      await workspace.screenshot(page, t, `call-alert-${size.name}.png`);
      await checkAccessibility(page, `the pinned alert (${size.name})`);
      if (size.name === 'phone') await noSidewaysScroll(page, 'the pinned alert');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

test('two columns at 1366x768: the script beside notes and wrap-up, the whole call on one screen', async (t) => {
  const { context, page, problems } = await openCall({ width: 1366, height: 768 });
  try {
    await signInAndStart(page);
    const fitsOneScreen = () => page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight);
    const script = await box(page, '#cg-script');
    const side = await box(page, '.cg-side');
    assert.ok(script.x + script.width <= side.x, 'the script is left of the notes and wrap-up');
    assert.ok(Math.abs(script.y - side.y) < 2, 'side by side');
    assert.ok(await fitsOneScreen(), 'the first question fits the screen');
    await checkAccessibility(page, 'the two columns at 1366x768');
    await page.getByRole('button', { name: /No$/ }).click();
    await question(page, HARM_QUESTION);
    await page.getByRole('button', { name: /Yes, I think so/ }).click();
    await question(page, DUTY_AND_ADVICE);
    assert.ok(await fitsOneScreen(), 'the outcome and the wrap-up fit the screen');
    await workspace.screenshot(page, t, 'call-two-columns-1366.png');
    await checkAccessibility(page, 'the outcome in two columns at 1366x768');
    await wrapUpAndEnd(page, 'Two columns.');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a closed tab loses no call: a new tab offers "Resume the call in progress" from the server, for its taker only', async (t) => {
  // A member of staff of their own, so the calls other tests leave open are not theirs.
  const mine = addStaff(server.db, 'r.esume', 'hub:west', 'Robin Esume');
  const first = await openCall({ width: 1280, height: 800 });
  try {
    await signIn(first.page, mine);
    await first.page.getByRole('button', { name: 'Start call' }).click();
    await question(first.page, FIRST_QUESTION);
    await first.page.getByRole('button', { name: /No$/ }).click();
    await question(first.page, HARM_QUESTION);
  } finally {
    await first.context.close();  // the tab closes mid-call: its sessionStorage goes with it
  }

  // Someone else signing in is not offered Robin's call.
  const other = await openCall({ width: 390, height: 844 });
  try {
    await signIn(other.page, addStaff(server.db, 'o.ther', 'hub:east', 'Olu Ther'));
    await other.page.getByText('You have no calls still open.').waitFor();
    assert.equal(await other.page.getByRole('button', { name: 'Resume the call in progress' }).count(), 0);
    await checkAccessibility(other.page, 'no calls still open (phone)');
    assert.deepEqual(other.problems, []);
  } finally {
    await other.context.close();
  }

  const { context, page, problems } = await openCall({ width: 1280, height: 800 });
  try {
    await signIn(page, mine);
    const open = page.getByRole('region', { name: 'Calls still open' });
    const resume = open.getByRole('button', { name: 'Resume the call in progress' });
    await resume.waitFor();
    assert.equal(await resume.count(), 1);
    const about = await open.locator('.cg-open-about').textContent();
    assert.match(about, /^Started \d\d:\d\d on .*At: .*seriously harmed or neglected.*Reference EH-/);
    await checkAccessibility(page, 'the calls still open');
    await workspace.screenshot(page, t, 'call-resume-offer.png');
    await resume.click();
    await question(page, HARM_QUESTION);
    assert.match(await page.locator('#cg-status').textContent(), /Reconnected: the call carries on/);
    await page.getByRole('button', { name: /Yes, I think so/ }).click();
    await question(page, DUTY_AND_ADVICE);
    const id = await wrapUpAndEnd(page, 'Resumed in a new tab.');
    assert.equal(callRow(id), 'phone|completed|duty_and_advice|r.esume|referred_duty_and_advice|1|Resumed in a new tab.');
    assert.equal(sqlite(server.db, `select count(*) from audit where actor = 'r.esume' and action = 'resume_call' and target like '%${id}%'`), '1', 'the read is audited');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a dropped line reconnects by itself after the server restarts, and Urgent works meanwhile', async (t) => {
  const { context, page, problems } = await openCall({ width: 1280, height: 800 });
  try {
    await signInAndStart(page);
    await page.getByRole('button', { name: /No$/ }).click();
    await question(page, HARM_QUESTION);
    await page.locator('#cg-link', { hasText: 'Connected' }).waitFor();
    const urgentAt = await box(page, '#cg-urgent');

    const stopped = await server.stop();
    assert.deepEqual(stopped, { code: 0, signal: null });
    await page.locator('#cg-link', { hasText: 'Reconnecting' }).waitFor();
    assert.deepEqual(await box(page, '#cg-urgent'), urgentAt, 'Urgent stays in its place while reconnecting');
    await checkAccessibility(page, 'the call while reconnecting');
    // Urgent with the line down: the numbers at once, from what the server sent at the start.
    await page.keyboard.press('u');
    const numbers = page.locator('#cg-script .cg-urgent-numbers');
    await numbers.locator('a[href="tel:999"]').waitFor();
    await numbers.locator('a[href="tel:01133760336"]').waitFor();
    await page.getByText('The line to the server is down').waitFor();
    await workspace.screenshot(page, t, 'call-reconnecting.png');

    server = await workspace.startServer({ port: server.port, staffPort: server.staffPort, consolePort: server.consolePort, db: server.db });
    await page.locator('#cg-link', { hasText: 'Connected' }).waitFor({ timeout: 40000 });
    await question(page, HARM_QUESTION);  // where the call was
    await page.getByRole('button', { name: /Yes, I think so/ }).click();
    await question(page, DUTY_AND_ADVICE);
    const id = await wrapUpAndEnd(page, 'Carried on after a restart.');
    assert.equal(callRow(id), 'phone|completed|duty_and_advice|p.line|referred_duty_and_advice|1|Carried on after a restart.');
    // The browser reports the refused connections while the server was down; nothing else.
    assert.deepEqual(problems.filter((p) => !/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/.test(p)), []);
  } finally {
    await context.close();
  }
});
