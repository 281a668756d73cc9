// Drives the chat page (web/) in Debian's Chromium against the real rightconv server: a path to an
// outcome, Back, typed answers, the safety alert, resume, and the conversation in the database.
// Run: RIGHTCONV_BIN=build/src/rightconv RIGHTCONV_SOURCE_DIR=$PWD node --test tests/browser/chat.test.mjs
// Screenshots go to a temporary folder removed at the end; set RIGHTCONV_SCREENSHOT_DIR to keep them
// (or RIGHTCONV_KEEP_TMP=1 to keep the databases too). RIGHTCONV_CHROMIUM overrides /usr/bin/chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkAccessibility, checkSetup, clickUnusable, launchBrowser, makeWorkspace, noSidewaysScroll, sqlite, tabTo, waitFor } from './server.mjs';
import { FIRST_QUESTION, HARM_QUESTION, NEEDS, STEP_DOWN, TALKED, THEY_SAID, choose, current } from './chat-steps.mjs';

const STORAGE_KEY = 'rightconv.chat.v1';
const LEAD = /Have you been able to talk to them about this child\?/;

const workspace = makeWorkspace('rightconv-browser-');
const screenshotDir = workspace.screenshotDir;
const startServer = (options) => workspace.startServer(options);
const screenshot = (page, t, name) => workspace.screenshot(page, t, name);
let browser;

// ---------- the server ----------

async function withServer(fn) {
  const server = await startServer();
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

// ---------- the page ----------

async function openChat(server, { width = 1280, height = 900, before } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
  if (before) await before(context);
  await page.goto(server.url + '/');
  await page.getByRole('heading', { name: FIRST_QUESTION }).waitFor();
  return { context, page, problems };
}

async function type(page, text) {
  await page.getByLabel('Type your answer').fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

async function focusedText(page) {
  return page.evaluate(() => document.activeElement && document.activeElement.textContent);
}

// ---------- the tests ----------

before(() => checkSetup('index.html'));

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  workspace.remove();
});

test('a practitioner reaches the East hub outcome, and the conversation is stored', async (t) => {
  const server = await startServer();
  let conversation;
  try {
    const { context, page, problems } = await openChat(server);
    assert.equal(await page.getAttribute('#rc-log', 'aria-live'), 'polite');
    assert.match(await page.locator('#rc-privacy').textContent(), /do not type names/);

    await choose(page, 'No', HARM_QUESTION);
    assert.match(await focusedText(page), HARM_QUESTION, 'focus moves to the new question');
    await choose(page, 'No', TALKED);
    await choose(page, 'Yes, we have talked about it', THEY_SAID);
    await choose(page, 'The child and the family agree', STEP_DOWN);
    await choose(page, 'No', NEEDS);
    await choose(page, 'Support from more than one agency', /anything the Early Help Hub should know/);
    await page.getByText(/When several agencies are needed, the plan rests on an Early Help Assessment/).waitFor();
    await type(page, 'Support with school attendance and routines at home');
    await current(page, 'Which area of Leeds does the family live in?').waitFor();
    await choose(page, 'East Leeds', /Early Help Assessment, then a request to the East Early Help Hub: eastearlyhelp@leeds\.gov\.uk/);

    const card = page.locator('article.rc-outcome');
    assert.equal(await card.count(), 1);
    assert.match(await focusedText(page), /East Early Help Hub/, 'focus moves to the outcome');
    const email = card.locator('a[href="mailto:eastearlyhelp@leeds.gov.uk"]');
    assert.equal(await email.textContent(), 'eastearlyhelp@leeds.gov.uk');
    const hub = card.locator('.rc-contact', { hasText: 'East Early Help Hub' });
    assert.equal(await hub.locator('a[href^="tel:"]').count(), 0, 'the unverified East hub phone is not shown');
    assert.doesNotMatch(await hub.textContent(), /\d{5}|Phone/);
    assert.doesNotMatch(await card.textContent(), /0113 ?535 ?899\b/);
    const support = card.locator('a[href="tel:01133781840"]');
    assert.equal(await support.textContent(), 'Call 0113 378 1840');
    // The next step and its number first, then at most three points; the rest folded.
    const points = await card.locator('.rc-points li').allTextContents();
    assert.equal(points.length, 3);
    assert.match(points[0], /^Register the activity: on Mosaic if you have access .* Families First on 0113 378 1840, option 1\.$/);
    assert.match(points[1], /Targeted Service Leader or Cluster Manager/);
    const more = card.locator('details.rc-more');
    assert.equal(await more.evaluate((d) => d.open), false, 'forms and guidance start folded');
    assert.equal(await card.getByRole('heading', { name: 'Guidance', level: 3 }).count(), 0, 'folded guidance is not shown');
    await checkAccessibility(page, 'the East hub outcome, folded');
    await more.getByText('More about this').click();
    for (const heading of ['Forms', 'Guidance']) await card.getByRole('heading', { name: heading, level: 3 }).waitFor();
    await card.getByText('Early Help Request Form', { exact: true }).waitFor();
    await card.getByText('Lead Practitioner and Team around the Family', { exact: true }).waitFor();
    await card.getByText('Think Family, Work Family', { exact: true }).waitFor();
    await checkAccessibility(page, 'the East hub outcome, unfolded');
    assert.equal(await page.locator('.rc-options').count(), 0, 'answered questions keep no buttons');

    await screenshot(page, t, 'east-hub-desktop.png');
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at 360px (overflow ${overflow}px)`);
    await screenshot(page, t, 'east-hub-360.png');
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, t, 'east-hub-print.png');

    conversation = JSON.parse(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY)).conversation;
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    const exit = await server.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, `clean exit on SIGTERM:\n${server.output()}`);
  }
  assert.equal(sqlite(server.db, 'select status, outcome from conversations'), 'completed|hub_request_east');
  assert.equal(sqlite(server.db, `select area from conversations where id = '${conversation.replace(/'/g, '')}'`), 'east');
});

test('the outcome summary is shown and can be copied - downloaded and printed on its own', async (t) => {
  await withServer(async (server) => {
    const { context, page, problems } = await openChat(server, {
      before: (ctx) => ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url }),
    });
    await choose(page, 'No', HARM_QUESTION);
    await choose(page, 'No', TALKED);
    await choose(page, 'Yes, we have talked about it', THEY_SAID);
    await choose(page, 'The child and the family agree', STEP_DOWN);
    // Stepping down goes to planned, multi-agency support.
    await choose(page, 'Yes', /anything the Early Help Hub should know/);
    await page.getByText(/Then the child needs proactive, planned support/).waitFor();
    await type(page, 'Routines at home. NHS number 943 476 5919');
    await current(page, 'Which area of Leeds does the family live in?').waitFor();
    await choose(page, 'East Leeds', /Early Help Assessment, then a request to the East Early Help Hub/);
    const conversation = JSON.parse(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY)).conversation;
    // The summary names the conversation's readable reference (EH-XXXX-XXXX), not its id.
    const reference = sqlite(server.db, `select reference from conversations where id = '${conversation.replace(/'/g, '')}'`);
    assert.match(reference, /^EH-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);

    // Under the next step: Copy / Print / Download and a reference that can be read out; the
    // summary itself (the request form's sections, the typed note redacted) under "More about this".
    const card = page.locator('article.rc-outcome');
    const summary = card.locator('.rc-summary');
    assert.equal(await summary.locator('.rc-reference-code').textContent(), reference, 'the reference is shown under the next step');
    await card.locator('details.rc-more > summary').click();
    const summaryText = card.locator('.rc-summary-text');
    const shown = await summaryText.textContent();
    assert.match(shown, new RegExp(`^Reference: ${reference}$`, 'm'));
    assert.match(shown, /^Date: \w+day \d{1,2} \w+ \d{4}, \d\d:\d\d \(UK time\)$/m);
    assert.match(shown, /Early Help Request Form: sections to complete/);
    assert.match(shown, /- Stepping down from social work or specialist care: Yes\./);
    assert.match(shown, /- Notes for the hub: Routines at home\. NHS number \[nhs_number\]/);
    assert.match(shown, /- Send it to: East Early Help Hub \(email eastearlyhelp@leeds\.gov\.uk\)/);
    assert.doesNotMatch(shown, /943 ?476 ?5919/);
    assert.doesNotMatch(shown, /0113 ?535 ?899\b/, 'the unverified East hub phone is not in the summary');
    await screenshot(page, t, 'summary-desktop.png');
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at 360px (overflow ${overflow}px)`);
    await card.screenshot({ path: path.join(screenshotDir, 'summary-360.png') });
    t.diagnostic(`screenshot: ${path.join(screenshotDir, 'summary-360.png')}`);
    await page.setViewportSize({ width: 1280, height: 900 });

    // Copy puts exactly the summary on the clipboard.
    await summary.getByRole('button', { name: 'Copy summary', exact: true }).click();
    await summary.getByText('Summary copied.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), shown);

    // Download gives a .txt named with the reference.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      summary.getByRole('button', { name: 'Download', exact: true }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `early-help-summary-${reference}.txt`);
    const saved = readFileSync(await download.path(), 'utf8');
    assert.equal(saved, shown);
    assert.match(saved, new RegExp(`Reference: ${reference}`));

    // Print asks the browser to print, with this summary as what prints.
    await page.evaluate(() => { window.print = () => { window.rcPrinted = (window.rcPrinted || 0) + 1; }; });
    await summary.getByRole('button', { name: 'Print', exact: true }).click();
    assert.equal(await page.evaluate(() => window.rcPrinted), 1);

    // The print view shows just the summary, whole (even with "More about this" folded): no
    // controls, no conversation, no buttons.
    await card.locator('details.rc-more > summary').click();
    assert.equal(await card.locator('details.rc-more').evaluate((d) => d.open), false);
    await page.emulateMedia({ media: 'print' });
    assert.ok(await summaryText.isVisible(), 'the summary prints');
    const box = await summaryText.evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
    assert.ok(box.scroll <= box.client + 1, `the summary prints whole, not in a scroll box (${JSON.stringify(box)})`);
    for (const hidden of ['.rc-summary-actions', '.rc-summary-status', '.rc-reference', '.rc-controls', '.rc-composer', '.rc-urgent-bar',
      '.rc-header', '#rc-log > .rc-prompt', 'article.rc-outcome .rc-contacts', 'article.rc-outcome .rc-card-title', '.rc-more > summary']) {
      const shownCount = await page.locator(hidden).evaluateAll((els) => els.filter((el) => el.getClientRects().length > 0).length);
      assert.equal(shownCount, 0, `${hidden} is hidden in print`);
    }
    await screenshot(page, t, 'summary-print.png');
    await page.emulateMedia({ media: 'screen' });

    // Back to a question: the page prints the conversation again.
    await page.getByRole('button', { name: 'Back' }).click();
    await current(page, 'Which area of Leeds does the family live in?').waitFor();
    assert.equal(await page.evaluate(() => document.getElementById('rc-chat').classList.contains('rc-print-summary')), false);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test('Back returns to the previous question and focuses it', async () => {
  await withServer(async (server) => {
    const { context, page, problems } = await openChat(server);
    const back = page.getByRole('button', { name: 'Back' });
    assert.equal(await back.getAttribute('aria-disabled'), 'true', 'nothing to go back to at the first question');
    await choose(page, 'No', HARM_QUESTION);
    assert.equal(await back.getAttribute('aria-disabled'), 'false');
    await back.click();
    await page.getByText('You went back to the previous question.').waitFor();
    await current(page, FIRST_QUESTION).waitFor();
    assert.equal(await focusedText(page), FIRST_QUESTION);
    await page.waitForFunction(() => document.getElementById('rc-back').getAttribute('aria-disabled') === 'true');
    await choose(page, 'No', HARM_QUESTION);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test('typing "yes" at the first question reaches the 999 outcome', async (t) => {
  await withServer(async (server) => {
    const { context, page, problems } = await openChat(server, { width: 360, height: 800 });
    await type(page, 'yes');
    await current(page, 'Call 999 now').waitFor();
    // Not a calm card: red, with a full-width "Call 999" button at least 44px high.
    const card = page.locator('article.rc-outcome.rc-outcome-urgent');
    const call = card.locator('a[href="tel:999"]');
    assert.equal(await call.count(), 1);
    assert.equal(await call.textContent(), 'Call 999');
    const [button, box] = await Promise.all([call.boundingBox(), card.boundingBox()]);
    assert.ok(button.height >= 44, `Call 999 is at least 44px high (${button.height})`);
    assert.ok(button.width >= box.width - 40, `Call 999 is full width (${button.width} of ${box.width})`);
    // The pointer is left wherever Send was clicked, and the card may have scrolled under it: rest
    // it on the card's own corner first (Playwright waits for the card to be still), so the resting
    // colour is read, then hover the button.
    await card.hover({ position: { x: 2, y: 2 } });
    assert.deepEqual(await call.evaluate((a) => [a.matches(':hover'), getComputedStyle(a).backgroundColor]), [false, 'rgb(170, 42, 22)']);
    await call.hover();
    assert.equal(await call.evaluate((a) => getComputedStyle(a).backgroundColor), 'rgb(110, 22, 9)');
    await card.hover({ position: { x: 2, y: 2 } });
    assert.equal(await card.locator('a[href="tel:01133760336"]').textContent(), 'Call 0113 376 0336');
    await checkAccessibility(page, 'the 999 outcome');
    await screenshot(page, t, 'call-999-360.png');
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test('a safety phrase shows the urgent alert and keeps the place', async (t) => {
  await withServer(async (server) => {
    const { context, page, problems } = await openChat(server);
    await type(page, 'she is scared to go home');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const said = await alert.textContent();
    assert.match(said, /call 999 now/);
    assert.match(said, /contact Duty and Advice on 0113 376 0336/, 'the number in its words, from content');
    assert.doesNotMatch(said, /[{}]/, 'no placeholder left unfilled');
    assert.equal(await alert.locator('a[href="tel:999"]').count(), 1);
    assert.equal(await alert.locator('a[href="tel:01133760336"]').count(), 1, 'Duty and Advice');
    assert.match(await focusedText(page), /A child may be in danger/, 'focus moves to the alert');
    // The question is asked again below the alert, and answering it carries on.
    await page.locator('.rc-alert + .rc-prompt').getByRole('heading', { name: FIRST_QUESTION }).waitFor();
    assert.equal(await page.locator('.rc-options').count(), 1);
    await screenshot(page, t, 'alert-desktop.png');
    await checkAccessibility(page, 'the urgent alert with the question again');
    await choose(page, 'No', HARM_QUESTION);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test('an answer that matches nothing is met with a polite message', async () => {
  await withServer(async (server) => {
    const { context, page, problems } = await openChat(server);
    await type(page, 'purple elephant');
    await page.locator('.rc-error').getByText(/did not match any of the answers/).waitFor();
    assert.equal(await page.locator('.rc-prompt').count(), 1, 'the question is not repeated');
    await type(page, 'no');
    await current(page, HARM_QUESTION).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test('a reload carries on the same conversation; a stale token starts afresh', async () => {
  await withServer(async (server) => {
    const { context, page, problems } = await openChat(server);
    await choose(page, 'No', HARM_QUESTION);
    await choose(page, 'No', TALKED);
    await type(page, 'yes');
    await current(page, THEY_SAID).waitFor();
    const saved = await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY);
    await page.reload();
    await current(page, THEY_SAID).waitFor();
    await page.getByText('Carrying on where you left off').first().waitFor();
    // The browser keeps nothing but the conversation's id and resume token.
    assert.equal(await page.evaluate(() => localStorage.length), 0);
    assert.deepEqual(await page.evaluate(() => Object.keys(sessionStorage)), [STORAGE_KEY]);
    assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY), saved);
    await checkAccessibility(page, 'a reloaded conversation');
    await page.getByRole('button', { name: 'Back' }).click();
    await current(page, TALKED).waitFor();
    await page.getByRole('button', { name: 'Back' }).click();
    await current(page, HARM_QUESTION).waitFor();
    await page.getByRole('button', { name: 'Back' }).click();
    await current(page, FIRST_QUESTION).waitFor();

    await page.evaluate((k) => sessionStorage.setItem(k, JSON.stringify({ conversation: 'nope', token: 'nope' })), STORAGE_KEY);
    await page.reload();
    await current(page, FIRST_QUESTION).waitFor();
    await page.waitForFunction((k) => !sessionStorage.getItem(k).includes('nope'), STORAGE_KEY);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test('a reload shows the earlier answers, with their times, from the server', async () => {
  await withServer(async (server) => {
    const { context, page } = await openChat(server);
    await choose(page, 'No', HARM_QUESTION);
    await choose(page, 'No', TALKED);
    await type(page, 'yes');
    await current(page, THEY_SAID).waitFor();
    await page.reload();
    await current(page, THEY_SAID).waitFor();
    const earlier = page.locator('.rc-history');
    await earlier.getByText('Carrying on where you left off. Your earlier answers:').waitFor();
    const questions = await earlier.locator('.rc-history-question').allTextContents();
    assert.equal(questions.length, 3);
    assert.equal(questions[0], FIRST_QUESTION);
    assert.match(questions[1], HARM_QUESTION);
    assert.equal(questions[2], TALKED);
    assert.deepEqual(await earlier.locator('.rc-you .rc-bubble-text').allTextContents(), ['No', 'No', 'Yes, we have talked about it']);
    assert.match(await earlier.locator('.rc-you time').first().textContent(), /^\d\d:\d\d$/);
    await context.close();
  });
});

test('with the keyboard alone: answer by button and by typing, reach an outcome, copy its summary', async () => {
  await withServer(async (server) => {
    const { context, page, problems } = await openChat(server, {
      before: (ctx) => ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url }),
    });
    const isOption = (label) => `(() => { const a = document.activeElement; return !!a && a.textContent === ${JSON.stringify(label)} && !!a.closest('#rc-log > .rc-prompt:last-of-type .rc-options'); })()`;
    await tabTo(page, isOption('No'), 'the No answer to the first question');
    await page.keyboard.press('Enter');
    await current(page, HARM_QUESTION).waitFor();
    // Focus moves to the new question, so the next answer is a few Tabs away, not back at the top.
    await page.waitForFunction(() => document.activeElement && /seriously harmed/.test(document.activeElement.textContent));
    await tabTo(page, "document.activeElement && document.activeElement.id === 'rc-answer'", 'the answer box', 12);
    await page.keyboard.type('yes I think so');
    await page.keyboard.press('Enter');
    await current(page, 'Ring Duty and Advice now: 0113 376 0336').waitFor();
    assert.match(await page.locator('.rc-matched').last().textContent(), /^I took that as: Yes, I think so/);
    await tabTo(page, "document.activeElement && document.activeElement.textContent === 'Copy summary'", 'Copy summary', 30);
    await page.keyboard.press('Enter');
    await page.getByText('Summary copied.').waitFor();
    assert.match(await page.evaluate(() => navigator.clipboard.readText()), /Duty and Advice/);
    await checkAccessibility(page, 'an outcome reached by keyboard');
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test('a typed answer is confirmed - I took that as - and can be changed', async (t) => {
  await withServer(async (server) => {
    const { context, page, problems } = await openChat(server);
    await type(page, 'no');
    await current(page, HARM_QUESTION).waitFor();
    const took = page.locator('.rc-matched').last();
    assert.equal(await took.textContent(), 'I took that as: No Change');
    // It comes before the next question.
    assert.equal(await page.locator('.rc-matched + .rc-prompt').count(), 1);
    await type(page, 'I think so, yes');
    await current(page, 'Ring Duty and Advice now: 0113 376 0336').waitFor();
    assert.match(await page.locator('.rc-matched').last().textContent(), /^I took that as: Yes, I think so Change$/);
    assert.equal(await page.locator('.rc-matched button').count(), 1, 'only the last one can be changed');
    await checkAccessibility(page, 'a typed answer confirmed');
    await screenshot(page, t, 'typed-confirmed-desktop.png');
    await page.locator('.rc-matched').last().getByRole('button', { name: 'Change' }).click();
    await current(page, HARM_QUESTION).waitFor();
    await choose(page, 'No', TALKED);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test('a negated or questioning answer is never taken as an option: help and a person instead', async (t) => {
  await withServer(async (server) => {
    const { context, page, problems } = await openChat(server);
    await choose(page, 'No', HARM_QUESTION);
    for (const text of ["I don't think it is significant harm", 'what counts as a child in need?']) {
      const before = await page.locator('.rc-error').count();
      await type(page, text);
      await page.locator('.rc-error').nth(before).waitFor();
      const box = page.locator('.rc-error').nth(before);
      await box.locator('.rc-help').getByText(/Section 17 of the Children Act 1989/).waitFor();
      await box.getByRole('button', { name: 'Talk to someone at the hub' }).waitFor();
      assert.equal(await page.locator('.rc-matched').count(), 0, `"${text}" is not taken as an option`);
      assert.equal(await page.locator('article.rc-outcome').count(), 0, `"${text}" leads nowhere`);
    }
    await checkAccessibility(page, 'a negated answer');
    await screenshot(page, t, 'negated-answer-desktop.png');
    await choose(page, 'No', TALKED);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test('Start again begins a new conversation', async () => {
  await withServer(async (server) => {
    const { context, page, problems } = await openChat(server);
    await choose(page, 'No', HARM_QUESTION);
    const first = JSON.parse(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY)).conversation;
    await page.getByRole('button', { name: 'Start again' }).click();
    await page.getByText('You started again.').waitFor();
    await current(page, FIRST_QUESTION).waitFor();
    assert.equal(await page.getByRole('heading', { name: HARM_QUESTION }).count(), 0, 'the old transcript is cleared');
    const second = JSON.parse(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY)).conversation;
    assert.notEqual(second, first);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test('About you: optional, asked once, kept with the conversation, and sent with the next one unasked', async (t) => {
  await withServer(async (server) => {
    const { context, page, problems } = await openChat(server);
    const about = page.locator('#rc-about');
    assert.equal(await about.locator('summary').textContent(), 'About you (optional): which area do you work in?');
    assert.equal(await about.evaluate((d) => d.open), false, 'folded: the questions come first');
    await choose(page, 'No', HARM_QUESTION);
    await about.locator('summary').click();
    await page.getByLabel('East Leeds').check();
    await page.getByLabel('Your role or agency').selectOption('school');
    await checkAccessibility(page, 'About you, open');
    await screenshot(page, t, 'about-you-desktop.png');
    await page.setViewportSize({ width: 390, height: 844 });
    await noSidewaysScroll(page, 'About you on a phone');
    await checkAccessibility(page, 'About you, open, on a phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    await about.getByRole('button', { name: 'Save' }).click();
    await about.getByText('Saved. Thank you.').waitFor();
    assert.equal(await about.locator('summary').textContent(), 'About you: works in East Leeds, School (change)');
    const first = JSON.parse(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY)).conversation;
    assert.equal(sqlite(server.db, `select work_area || '|' || agency from conversations where id = '${first}'`), 'east|school');
    // The answer did not change the route: the harm question is still the one asked.
    await current(page, HARM_QUESTION).waitFor();

    // A new conversation carries it without asking again.
    await page.getByRole('button', { name: 'Start again' }).click();
    await page.getByText('You started again.').waitFor();
    const second = JSON.parse(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY)).conversation;
    assert.notEqual(second, first);
    await waitFor('the second conversation to hold what was said', () =>
      sqlite(server.db, `select work_area || '|' || agency from conversations where id = '${second}'`) === 'east|school');
    assert.equal(await about.locator('.rc-about-saved').textContent(), '', 'sent quietly');
    assert.equal(await about.locator('summary').textContent(), 'About you: works in East Leeds, School (change)');
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test('after the server restarts, the page reconnects and carries on', async () => {
  const first = await startServer();
  let second;
  try {
    const { context, page, problems } = await openChat(first);
    await choose(page, 'No', HARM_QUESTION);
    await first.stop();
    // Offline: said plainly, every control marked unusable, and a click says why instead of vanishing.
    const banner = page.locator('#rc-offline');
    await banner.getByText(/You are offline: the connection was lost\. Your answers so far are kept\./).waitFor();
    for (const control of ['#rc-send', '#rc-back', '#rc-person', '.rc-options .rc-option'])
      assert.equal(await page.locator(control).first().getAttribute('aria-disabled'), 'true', `${control} is marked unusable`);
    const bubbles = await page.locator('.rc-you').count();
    await clickUnusable(page.locator('.rc-options').getByRole('button', { name: 'No', exact: true }));
    await page.locator('#rc-status').getByText('You are offline, so that was not sent.', { exact: false }).waitFor();
    assert.equal(await page.locator('.rc-you').count(), bubbles, 'nothing is shown as sent');
    await checkAccessibility(page, 'the offline state');
    second = await startServer({ port: first.port, db: first.db });
    await page.getByText('Connected again.').waitFor({ timeout: 20000 });
    assert.equal(await banner.isVisible(), false, 'the offline note goes');
    assert.equal(await page.locator('.rc-options .rc-option').first().getAttribute('aria-disabled'), 'false');
    assert.equal(await page.getByRole('heading', { name: HARM_QUESTION }).count(), 1, 'the question is not shown twice');
    await choose(page, 'No', TALKED);
    assert.deepEqual(problems.filter((p) => !/WebSocket/.test(p)), []);
    await context.close();
  } finally {
    await first.stop();
    if (second) await second.stop();
  }
});

test('the dialog can be answered with the keyboard alone', async () => {
  await withServer(async (server) => {
    const { context, page, problems } = await openChat(server);
    await choose(page, 'No', HARM_QUESTION);
    await page.keyboard.press('Tab');
    assert.equal(await focusedText(page), 'Yes, I think so', 'Tab goes from the question to its first option');
    await page.keyboard.press('Enter');
    await current(page, 'Ring Duty and Advice now: 0113 376 0336').waitFor();
    assert.equal(await focusedText(page), 'Ring Duty and Advice now: 0113 376 0336');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), 'tel:01133760336');
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test('a second tab on the same conversation can carry on after the first moved it on', async () => {
  await withServer(async (server) => {
    const one = await openChat(server);
    const saved = await one.page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY);
    // A duplicated tab copies sessionStorage, so both tabs hold the same conversation.
    const two = await openChat(server, {
      before: (context) => context.addInitScript(([k, v]) => { if (!sessionStorage.getItem(k)) sessionStorage.setItem(k, v); }, [STORAGE_KEY, saved]),
    });
    assert.equal(await two.page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY), saved);
    await choose(one.page, 'No', HARM_QUESTION);
    // Tab two still shows the first question. Its answer cannot follow tab one's, so the page
    // says so and picks up the conversation where tab one left it.
    await two.page.locator('.rc-options').getByRole('button', { name: 'Yes, a child is in immediate danger' }).click();
    await two.page.locator('.rc-error').waitFor();
    await current(two.page, HARM_QUESTION).waitFor();
    assert.match(await focusedText(two.page), HARM_QUESTION);
    await choose(two.page, 'No', TALKED);
    assert.deepEqual(one.problems, []);
    assert.deepEqual(two.problems, []);
    await one.context.close();
    await two.context.close();
  });
});

test('not sure about harm stops at the Safeguarding Lead, with a link that comes back to the same point', async (t) => {
  await withServer(async (server) => {
    const { context, page, problems } = await openChat(server, {
      before: (ctx) => ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url }),
    });
    await choose(page, 'No', HARM_QUESTION);
    await choose(page, "I'm not sure", LEAD);
    await choose(page, 'Not yet', 'Talk to your Safeguarding Lead or line manager now');
    const card = page.locator('article.rc-outcome');
    assert.match(await card.locator('.rc-points').textContent(), /Ring Duty and Advice on 0113 376 0336/);
    assert.match(await card.locator('.rc-summary-text').textContent(), /Points to take to your Safeguarding Lead or line manager/);
    const panel = card.locator('.rc-come-back');
    await panel.getByRole('heading', { name: 'Coming back to this point', level: 3 }).waitFor();
    const link = await panel.getByLabel('Link to come back to this conversation').inputValue();
    assert.match(link, /#resume=[0-9a-f]{28}\.[0-9a-f]{32}$/);
    await panel.getByRole('button', { name: 'Copy the link' }).click();
    await panel.getByText('Link copied.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    await checkAccessibility(page, 'the Safeguarding Lead stop with its come-back link');
    await screenshot(page, t, 'talk-to-lead-desktop.png');
    assert.deepEqual(problems, []);
    await context.close();

    // Later, in another browser: the link opens the same point, out of the address bar at once.
    const later = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const again = await later.newPage();
    const laterProblems = [];
    again.on('pageerror', (e) => laterProblems.push(`page error: ${e.message}`));
    await again.goto(link);
    await current(again, 'Talk to your Safeguarding Lead or line manager now').waitFor();
    assert.equal(new URL(again.url()).hash, '', 'the token is taken out of the address');
    await again.getByRole('button', { name: 'Back' }).click();
    await current(again, LEAD).waitFor();
    await choose(again, 'Yes: we think it may be significant harm, or a child in need', 'Ring Duty and Advice now: 0113 376 0336');
    await checkAccessibility(again, 'Duty and Advice after coming back, at 360px');
    assert.deepEqual(laterProblems, []);
    await later.close();
  });
});

test('not sure about danger gets 999-or-Duty-and-Advice at once', async () => {
  await withServer(async (server) => {
    const { context, page, problems } = await openChat(server);
    await checkAccessibility(page, 'the first question');
    await choose(page, "I'm not sure", /If the child could be hurt before anyone can act, call 999/);
    const card = page.locator('article.rc-outcome');
    assert.equal(await card.locator('a[href="tel:999"]').count(), 1);
    assert.equal(await card.locator('a[href="tel:01133760336"]').count(), 1);
    await checkAccessibility(page, 'the not-sure-about-danger outcome');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
