// Drives the call-guidance page (web/call.*, on the staff listener) in Debian's Chromium against the
// real server: a full call through to the wrap-up, the Urgent jump mid-call, and the whole call by
// keyboard alone at 360px. The calls are then checked in the database.
// Run: RIGHTCONV_BIN=build/src/rightconv RIGHTCONV_SOURCE_DIR=$PWD node --test tests/browser/call.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addStaff, checkAccessibility, checkSetup, launchBrowser, makeWorkspace, noSidewaysScroll, sqlite } from './server.mjs';

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

async function signInAndStart(page) {
  await page.getByLabel('Staff token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#cg-who', { hasText: 'Signed in as Pat Line' }).waitFor();
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
    await end.click({ force: true });  // aria-disabled, but still focusable and it says why
    await page.locator('#cg-error', { hasText: 'Wrap up the call before ending it' }).waitFor();
    await page.getByRole('button', { name: 'Save wrap-up' }).click();
    const errors = page.locator('#cg-wrap-errors');
    await errors.waitFor();
    assert.match(await errors.textContent(), /Confirm the outcome.*Choose a wrap-up code.*Write a wrap-up note/);
    assert.ok(await focusedIs(page, '#cg-confirm'), 'focus goes to the first thing missing');

    await page.getByLabel('I confirm the outcome shown is what I told the caller').check();
    await page.getByLabel('Wrap-up code').selectOption({ label: 'Referred to Duty and Advice' });
    await page.getByLabel('Wrap-up note').fill('Caller will ring Duty and Advice now.');
    await page.getByRole('button', { name: 'Save wrap-up' }).click();
    await page.getByText('Wrapped up: Referred to Duty and Advice').waitFor();
    assert.ok(await focusedIs(page, '#cg-end'), 'focus moves to End call');
    await workspace.screenshot(page, t, 'call-wrapped-up.png');

    await page.getByRole('button', { name: 'End call' }).click();
    await page.getByRole('heading', { name: 'Call ended', level: 2 }).waitFor();
    const id = await reference(page);
    assert.equal(callRow(id), 'phone|completed|duty_and_advice|p.line|referred_duty_and_advice|1|Caller will ring Duty and Advice now.');
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
    assert.match(shown, /Wrap-up code\s*referred_duty_and_advice/);
    assert.match(shown, /Caller will ring Duty and Advice now\./);
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

    await page.getByRole('button', { name: 'Urgent' }).click();
    await question(page, FIRST_QUESTION);
    assert.equal(await page.locator('#cg-script .cg-kicker').textContent(), 'Urgent: ask now');
    assert.ok(await focusedIs(page, '#cg-script h3.cg-question'), 'the urgent question takes focus');
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
    await page.keyboard.type('Referred');
    assert.equal(await page.locator('#cg-code').inputValue(), 'referred_duty_and_advice');
    await page.keyboard.press('Tab');
    assert.ok(await focusedIs(page, '#cg-wrap-note'));
    await page.keyboard.type('Talked through by keyboard alone.');
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
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
