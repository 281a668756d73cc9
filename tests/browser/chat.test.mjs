// Drives the chat page (web/) in Debian's Chromium against the real rightconv server: a path to an
// outcome, Back, typed answers, the safety alert, resume, and the conversation in the database.
// Run: RIGHTCONV_BIN=build/src/rightconv RIGHTCONV_SOURCE_DIR=$PWD node --test tests/browser/chat.test.mjs
// Screenshots go to a temporary folder removed at the end; set RIGHTCONV_SCREENSHOT_DIR to keep them
// (or RIGHTCONV_KEEP_TMP=1 to keep the databases too). RIGHTCONV_CHROMIUM overrides /usr/bin/chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkAccessibility, checkSetup, launchBrowser, makeWorkspace, sqlite } from './server.mjs';

const STORAGE_KEY = 'rightconv.chat.v1';
const FIRST_QUESTION = 'Is a child in immediate danger right now?';
const HARM_QUESTION = /seriously harmed or neglected/;
const TALKED = 'Have you talked with the child or young person and their family about extra help?';
const THEY_SAID = 'What did they say about extra help?';
const STEP_DOWN = 'Is a social worker or specialist service about to stop working with the child, or has one just stopped?';
const NEEDS = 'Which best describes the help the child and family need?';
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

// The question or outcome now waiting for the person (earlier ones stay in the transcript).
function question(page, name) {
  return page.locator('#rc-log > :is(.rc-prompt, .rc-outcome)').last().getByRole('heading', { name, level: 2 });
}

// Clicks an option of the question being asked and waits for the next question or outcome.
async function choose(page, label, next) {
  await page.locator('.rc-options').getByRole('button', { name: label, exact: true }).click();
  await question(page, next).waitFor();
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
    await question(page, 'Which area of Leeds does the family live in?').waitFor();
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
    assert.equal(await support.textContent(), '0113 378 1840');
    // The next step and its number first, then at most three points; the rest folded.
    const points = await card.locator('.rc-points li').allTextContents();
    assert.equal(points.length, 3);
    assert.match(points[0], /^Register the activity: on Mosaic if you have access .* Families First on 0113 378 1840, option 1\.$/);
    assert.match(points[1], /Targeted Service Leader or Cluster Manager/);
    await card.getByRole('heading', { name: 'Who to contact', level: 3 }).waitFor();
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
    await question(page, 'Which area of Leeds does the family live in?').waitFor();
    await choose(page, 'East Leeds', /Early Help Assessment, then a request to the East Early Help Hub/);
    const conversation = JSON.parse(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY)).conversation;

    // Shown on the card: the reference, the request form's sections, the typed note redacted.
    const card = page.locator('article.rc-outcome');
    const summary = card.locator('.rc-summary');
    await summary.getByRole('heading', { name: 'Summary to copy, print or save', level: 3 }).waitFor();
    const shown = await summary.locator('.rc-summary-text').textContent();
    assert.match(shown, new RegExp(`^Reference: ${conversation}$`, 'm'));
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
    await summary.screenshot({ path: path.join(screenshotDir, 'summary-360.png') });
    t.diagnostic(`screenshot: ${path.join(screenshotDir, 'summary-360.png')}`);
    await page.setViewportSize({ width: 1280, height: 900 });

    // Copy puts exactly the summary on the clipboard.
    await summary.getByRole('button', { name: 'Copy', exact: true }).click();
    await summary.getByText('Summary copied.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), shown);

    // Download gives a .txt named with the reference.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      summary.getByRole('button', { name: 'Download', exact: true }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `early-help-summary-${conversation}.txt`);
    const saved = readFileSync(await download.path(), 'utf8');
    assert.equal(saved, shown);
    assert.match(saved, new RegExp(`Reference: ${conversation}`));

    // Print asks the browser to print, with this summary as what prints.
    await page.evaluate(() => { window.print = () => { window.rcPrinted = (window.rcPrinted || 0) + 1; }; });
    await summary.getByRole('button', { name: 'Print', exact: true }).click();
    assert.equal(await page.evaluate(() => window.rcPrinted), 1);

    // The print view shows just the summary, whole: no controls, no conversation, no buttons.
    await page.emulateMedia({ media: 'print' });
    assert.ok(await summary.locator('.rc-summary-text').isVisible(), 'the summary prints');
    const box = await summary.locator('.rc-summary-text').evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
    assert.ok(box.scroll <= box.client + 1, `the summary prints whole, not in a scroll box (${JSON.stringify(box)})`);
    for (const hidden of ['.rc-summary-actions', '.rc-summary-status', '.rc-summary-title', '.rc-controls', '.rc-composer',
      '.rc-header', '#rc-log > .rc-prompt', 'article.rc-outcome .rc-contacts', 'article.rc-outcome .rc-card-title']) {
      const shownCount = await page.locator(hidden).evaluateAll((els) => els.filter((el) => el.getClientRects().length > 0).length);
      assert.equal(shownCount, 0, `${hidden} is hidden in print`);
    }
    await screenshot(page, t, 'summary-print.png');
    await page.emulateMedia({ media: 'screen' });

    // Back to a question: the page prints the conversation again.
    await page.getByRole('button', { name: 'Back' }).click();
    await question(page, 'Which area of Leeds does the family live in?').waitFor();
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
    await question(page, FIRST_QUESTION).waitFor();
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
    await question(page, 'Call 999 now').waitFor();
    const card = page.locator('article.rc-outcome');
    assert.equal(await card.locator('a[href="tel:999"]').textContent(), '999');
    assert.equal(await card.locator('a[href="tel:01133760336"]').textContent(), '0113 376 0336');
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
    assert.match(await alert.textContent(), /call 999 now/);
    assert.equal(await alert.locator('a[href="tel:999"]').count(), 1);
    assert.equal(await alert.locator('a[href="tel:01133760336"]').count(), 1, 'Duty and Advice');
    assert.match(await focusedText(page), /A child may be in danger/, 'focus moves to the alert');
    // The question is asked again below the alert, and answering it carries on.
    await page.locator('.rc-alert + .rc-prompt').getByRole('heading', { name: FIRST_QUESTION }).waitFor();
    assert.equal(await page.locator('.rc-options').count(), 1);
    await screenshot(page, t, 'alert-desktop.png');
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
    await question(page, HARM_QUESTION).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test('a reload carries on the same conversation; a stale token starts afresh', async () => {
  await withServer(async (server) => {
    const { context, page, problems } = await openChat(server);
    await choose(page, 'No', HARM_QUESTION);
    const saved = await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY);
    await page.reload();
    await question(page, HARM_QUESTION).waitFor();
    await page.getByText('Carrying on where you left off').waitFor();
    assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY), saved);
    await page.getByRole('button', { name: 'Back' }).click();
    await question(page, FIRST_QUESTION).waitFor();

    await page.evaluate((k) => sessionStorage.setItem(k, JSON.stringify({ conversation: 'nope', token: 'nope' })), STORAGE_KEY);
    await page.reload();
    await question(page, FIRST_QUESTION).waitFor();
    await page.waitForFunction((k) => !sessionStorage.getItem(k).includes('nope'), STORAGE_KEY);
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
    await question(page, FIRST_QUESTION).waitFor();
    assert.equal(await page.getByRole('heading', { name: HARM_QUESTION }).count(), 0, 'the old transcript is cleared');
    const second = JSON.parse(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY)).conversation;
    assert.notEqual(second, first);
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
    await page.getByText(/connection was lost/).waitFor();
    second = await startServer({ port: first.port, db: first.db });
    await page.getByText('Connected again.').waitFor({ timeout: 20000 });
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
    await question(page, 'Ring Duty and Advice now: 0113 376 0336').waitFor();
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
    await question(two.page, HARM_QUESTION).waitFor();
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
    await question(again, 'Talk to your Safeguarding Lead or line manager now').waitFor();
    assert.equal(new URL(again.url()).hash, '', 'the token is taken out of the address');
    await again.getByRole('button', { name: 'Back' }).click();
    await question(again, LEAD).waitFor();
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
