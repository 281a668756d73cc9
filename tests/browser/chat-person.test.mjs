// The chat page's "Talk to someone at the hub", end to end in Debian's Chromium: the practitioner
// in one browser context, a hub worker in the staff console in another, both on the real server.
// Asking, "no one is free just now" with the hub's contacts, being joined later, messages both
// ways with names and times, the safety alert while a person has the chat, a reload that keeps
// the exchange, the person ending it and the questions carrying on; and the same with the
// keyboard alone on a phone, leaving the chat from the page.
// Run: RIGHTCONV_BIN=build/src/rightconv RIGHTCONV_SOURCE_DIR=$PWD node --test tests/browser/chat-person.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addStaff, checkAccessibility, checkSetup, clickUnusable, launchBrowser, makeWorkspace, noSidewaysScroll, tabTo } from './server.mjs';
import { FIRST_QUESTION, HARM_QUESTION, TALKED, THEY_SAID, choose, current, openChatPage } from './chat-steps.mjs';


const workspace = makeWorkspace('rightconv-person-');
const screenshot = (page, t, name) => workspace.screenshot(page, t, name);
let browser;
let server;
let eveToken;

// ---------- the two people ----------

async function openChat(options = {}) {
  return openChatPage(browser, server.url, { timeout: 15000, ...options });
}



async function openConsole() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(server.staffUrl + '/console');
  await page.getByLabel('Staff token').fill(eveToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as Eve', { exact: true }).waitFor();
  return { context, page };
}

// The reference the page shows while it asks ("Reference HO-7KQ2-M9XD.").
async function askingReference(page) {
  const text = await page.locator('.rc-person-panel').last().textContent();
  const m = /Reference (HO-[0-9A-Z]{4}-[0-9A-Z]{4})\./.exec(text);
  assert.ok(m, `the reference is shown: ${text}`);
  return m[1];
}

async function accept(console_, reference) {
  const item = console_.page.locator(`#cs-queue-list > li[data-reference="${reference}"]`);
  await item.getByRole('button', { name: new RegExp(`^Accept ${reference}`) }).click();
  await console_.page.getByRole('heading', { name: `Conversation ${reference}`, level: 2 }).waitFor();
}

async function staffSays(console_, text) {
  await console_.page.getByLabel('Message to the practitioner').fill(text);
  await console_.page.getByRole('button', { name: 'Send', exact: true }).click();
}

async function staffEnds(console_, note) {
  await console_.page.getByRole('button', { name: 'End the conversation' }).click();
  await console_.page.getByLabel('Wrap-up note (required)').fill(note);
  await console_.page.getByRole('button', { name: 'End the conversation' }).click();
}

// ---------- setup ----------

before(() => checkSetup('chat-person.js'));

before(async () => {
  browser = await launchBrowser();
  // No one accepts within 2 seconds here, so "no one is free just now" comes quickly.
  server = await workspace.startServer({ config: { handoff: { accept_timeout_seconds: 2 } } });
  eveToken = addStaff(server.db, 'eve', 'hub:east', 'Eve');
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const exit = await server.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, `clean exit on SIGTERM:\n${server.output()}`);
  }
  workspace.remove();
});

// ---------- the tests ----------

test('a practitioner asks for a person, is told no one is free, is joined later, chats, and carries on', async (t) => {
  const { context, page, problems } = await openChat();
  await choose(page, 'No', HARM_QUESTION);
  await choose(page, 'No', TALKED);

  // Asking: always there, not only at outcomes.
  const control = page.locator('#rc-person');
  assert.equal(await control.textContent(), 'Talk to someone at the hub');
  await control.click();
  await page.getByText('Asking someone at the Early Help Hub to join this chat…').waitFor();
  const reference = await askingReference(page);
  assert.match(await page.locator('.rc-person-panel').textContent(), /Someone usually answers within about (a minute|\d+ minutes)/);
  assert.equal(await control.textContent(), 'Stop asking for a person');
  await checkAccessibility(page, 'asking for a person');
  await screenshot(page, t, 'person-asking-desktop.png');

  // No one accepts in time: the hub's checked contacts, and it goes on asking.
  const unavailable = page.locator('.rc-person-unavailable');
  await unavailable.getByRole('heading', { name: 'No one is free just now' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'No one is free just now', 'focus moves to it');
  assert.ok(await unavailable.locator('a[href^="mailto:"]').count() > 0, 'the hubs\' checked contacts');
  assert.doesNotMatch(await unavailable.textContent(), /0113 ?535 ?899\b/, 'never the unverified East hub phone');
  await unavailable.getByText('We are still asking: if someone becomes free, they will join here.').waitFor();
  await checkAccessibility(page, 'no one is free just now');
  await screenshot(page, t, 'person-unavailable-desktop.png');

  // The questions carry on while it asks.
  await choose(page, 'Yes, we have talked about it', THEY_SAID);

  // Eve joins from the console: named, and the answer box becomes the message box.
  const eve = await openConsole();
  await accept(eve, reference);
  await page.getByText('Eve (East hub) has joined the chat. The questions are paused while you talk.').waitFor();
  await page.getByLabel('Message to Eve').waitFor();
  assert.equal(await control.textContent(), 'Leave the chat with Eve (East hub)');
  const option = page.locator('.rc-options').getByRole('button', { name: 'The child and the family agree', exact: true });
  assert.equal(await option.getAttribute('aria-disabled'), 'true', 'the questions are paused');
  await clickUnusable(option);
  await page.getByText('The questions are paused while you talk with Eve (East hub).').waitFor();

  // Typing both ways: "Eve is typing…" said politely, once per spell.
  await eve.page.getByLabel('Message to the practitioner').fill('Hello');
  const typing = page.locator('.rc-typing');
  await typing.getByText('Eve is typing…').waitFor();
  assert.equal(await typing.getAttribute('aria-live'), 'polite');
  await checkAccessibility(page, 'the hub typing');

  // Messages both ways, with names and times.
  await page.getByLabel('Message to Eve').fill('Thank you. Could you help with the request form?');
  await eve.page.locator('#cs-typing').getByText('The practitioner is typing…').waitFor();
  await page.getByRole('button', { name: 'Send' }).click();
  const mine = page.locator('.rc-you', { hasText: 'Could you help with the request form?' });
  await mine.waitFor();
  assert.match(await mine.locator('time').textContent(), /^\d\d:\d\d$/);
  await eve.page.locator('#cs-messages > li', { hasText: 'Could you help with the request form?' }).waitFor();
  await staffSays(eve, 'Hello, I am Eve from the East hub. Yes, I can.');
  const theirs = page.locator('.rc-them', { hasText: 'Yes, I can.' });
  await theirs.waitFor();
  assert.equal(await typing.textContent(), '', 'their message ends the typing notice');
  assert.match(await theirs.locator('.rc-meta').textContent(), /^Eve \d\d:\d\d$/);
  await checkAccessibility(page, 'talking with a person');
  await screenshot(page, t, 'person-talking-desktop.png');

  // The safety interrupt still runs on what is typed to a person.
  await page.getByLabel('Message to Eve').fill('Also his dad hit him last night');
  await page.getByRole('button', { name: 'Send' }).click();
  const alert = page.getByRole('alert').filter({ hasText: /significant harm|danger/ });
  await alert.waitFor();
  assert.match(await page.evaluate(() => document.activeElement.closest('.rc-alert') ? 'in the alert' : 'elsewhere'), /in the alert/);

  // A reload: the whole exchange comes back from the server (nothing kept in the browser).
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  await page.reload();
  await page.locator('.rc-them', { hasText: 'Yes, I can.' }).waitFor();
  await page.locator('.rc-you', { hasText: 'Could you help with the request form?' }).waitFor();
  await page.getByLabel('Message to Eve').waitFor();

  // Eve ends it: the questions come back where they were, and can be answered.
  await staffEnds(eve, 'Explained the request form.');
  await page.getByText('Eve has left the chat. You can carry on with the questions where you left them.').waitFor();
  await page.getByLabel('Type your answer').waitFor();
  assert.equal(await control.textContent(), 'Talk to someone at the hub');
  await choose(page, 'The child and the family agree', /social worker or specialist service/);
  assert.deepEqual(problems, []);
  await eve.context.close();
  await context.close();
});

test('on a phone, with the keyboard alone: ask for a person, talk, and leave the chat', async (t) => {
  const { context, page, problems } = await openChat({ width: 390, height: 844, touch: true });
  await noSidewaysScroll(page, 'the first question on a phone');

  // Tab to "Talk to someone at the hub" and press Enter.
  await tabTo(page, () => document.activeElement && document.activeElement.id === 'rc-person', 'Talk to someone at the hub');
  await page.keyboard.press('Enter');
  await page.getByText('Asking someone at the Early Help Hub to join this chat…').waitFor();
  const reference = await askingReference(page);
  await screenshot(page, t, 'person-asking-phone.png');

  const eve = await openConsole();
  await accept(eve, reference);
  await page.getByText('Eve (East hub) has joined the chat. The questions are paused while you talk.').waitFor();
  await staffSays(eve, 'Hello from the East hub.');
  await page.locator('.rc-them', { hasText: 'Hello from the East hub.' }).waitFor();

  await tabTo(page, () => document.activeElement && document.activeElement.id === 'rc-answer', 'the message box');
  await page.keyboard.type('Thanks, that helps.');
  await page.keyboard.press('Enter');
  await page.locator('.rc-you', { hasText: 'Thanks, that helps.' }).waitFor();
  await checkAccessibility(page, 'talking with a person on a phone');
  await noSidewaysScroll(page, 'talking with a person on a phone');
  await screenshot(page, t, 'person-talking-phone.png');

  await tabTo(page, () => document.activeElement && document.activeElement.id === 'rc-person', 'Leave the chat with Eve');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Leave the chat with Eve (East hub)');
  await page.keyboard.press('Enter');
  await page.getByText('You left the chat with the hub.').waitFor();
  // The question comes again at the bottom, with focus, ready for the keyboard.
  await current(page, FIRST_QUESTION).waitFor();
  await page.waitForFunction((q) => document.activeElement && document.activeElement.textContent === q, FIRST_QUESTION);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Yes, a child is in immediate danger');
  await eve.page.getByText(`Conversation ${reference}`, { exact: false }).waitFor();
  assert.deepEqual(problems, []);
  await eve.context.close();
  await context.close();
});
