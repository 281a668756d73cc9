// Drives the staff console (web/console.*) in Debian's Chromium against the real rightconv server:
// a practitioner (a raw WebSocket in a page on the chat origin) walks to the East hub outcome and
// asks for a person; a hub worker signs in, sees the request arrive, accepts it, reads the path,
// chats both ways, sees a safety concern flagged and ends with a wrap-up note; an admin sees it
// taken. Also: a bad token, the keyboard alone at 360px, and a reload and a server restart.
// Run: RIGHTCONV_BIN=build/src/rightconv RIGHTCONV_SOURCE_DIR=$PWD node --test tests/browser/console.test.mjs
// Screenshots go to a temporary folder removed at the end; set RIGHTCONV_SCREENSHOT_DIR to keep them
// (or RIGHTCONV_KEEP_TMP=1 to keep the databases too). RIGHTCONV_CHROMIUM overrides /usr/bin/chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addStaff, checkAccessibility, checkSetup, launchBrowser, makeWorkspace, noSidewaysScroll, sqlite, tabTo, waitFor } from './server.mjs';

const STORAGE_KEY = 'rightconv.console.v1';
const EAST_TITLE = 'Early Help Assessment, then a request to the East Early Help Hub: eastearlyhelp@leeds.gov.uk';
// The path to the East hub outcome by option id (or typed text), as in tests/integration/handoff_support.hpp.
const TO_EAST_HUB = [{ option: 'no' }, { option: 'no' }, { option: 'yes' }, { option: 'agree' }, { option: 'no' }, { option: 'multi' },
  { text: 'Needs help with routines' }, { option: 'east' }];

const workspace = makeWorkspace('rightconv-console-');
const screenshot = (page, t, name) => workspace.screenshot(page, t, name);
let browser;
let server;
let staff; // id -> token

// ---------- the practitioner: a WebSocket on the chat origin ----------

// Node 20 has no WebSocket, so the practitioner's socket lives in a page on the chat listener;
// every frame it receives is kept in window.practitioner.frames.
async function openPractitioner(srv) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  await page.goto(srv.chatUrl + '/healthz');
  await page.evaluate(async (url) => {
    const ws = new WebSocket(url);
    window.practitioner = { ws, frames: [] };
    ws.onmessage = (event) => window.practitioner.frames.push(JSON.parse(event.data));
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('WebSocket failed')); });
  }, srv.chatUrl.replace('http:', 'ws:') + '/v1/chat');
  let refs = 0;
  const p = {
    context,
    page,
    send: (message) => page.evaluate((m) => window.practitioner.ws.send(JSON.stringify(m)), message),
    // The first frame (from index `from`) whose fields include all of `match`.
    async next(match, from = 0) {
      const handle = await page.waitForFunction(([m, start]) => {
        const frames = window.practitioner.frames;
        for (let i = start; i < frames.length; i += 1)
          if (Object.entries(m).every(([k, v]) => frames[i][k] === v)) return { index: i, frame: frames[i] };
        return null;
      }, [match, from]);
      return handle.jsonValue();
    },
    count: () => page.evaluate(() => window.practitioner.frames.length),
    // Sends with a ref and resolves with the last frame of the reply (a question, outcome or handoff).
    async request(message) {
      refs += 1;
      const ref = 'p' + refs;
      await p.send({ ...message, ref });
      const handle = await page.waitForFunction((r) => window.practitioner.frames.find((f) => f.ref === r &&
        ['prompt', 'outcome', 'handoff', 'error'].includes(f.type)), ref);
      const frame = await handle.jsonValue();
      if (frame.type === 'error') throw new Error(`${frame.code}: ${frame.message}`);
      return frame;
    },
  };
  return p;
}

// Walks to the East hub outcome (each prompt names its node) and asks for a person; returns the
// handoff reference.
async function askForAPerson(srv, reason) {
  const p = await openPractitioner(srv);
  let last = await p.request({ type: 'start', dialog: 'early-help' });
  for (const answer of TO_EAST_HUB) {
    assert.equal(last.type, 'prompt');
    last = await p.request({ type: 'answer', node: last.node, ...answer });
  }
  assert.equal(last.type, 'outcome');
  assert.equal(last.outcome, 'hub_request_east');
  const handoff = await p.request({ type: 'handoff', reason });
  assert.equal(handoff.status, 'requested');
  p.reference = handoff.reference;
  p.conversationReference = await p.page.evaluate(() => window.practitioner.frames.find((f) => f.type === 'started').reference);
  return p;
}

// ---------- the console page ----------

// Opens the console on the staff listener. `allow` lists patterns of console errors a test expects
// (a server going away); `route` runs before the page loads (to watch its WebSocket).
async function openConsole(srv, { width = 1280, height = 900, allow = [], route } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !allow.some((re) => re.test(m.text()))) problems.push(`console: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
  if (route) await route(page);
  await page.goto(srv.staffUrl + '/console');
  await page.getByRole('heading', { name: 'Sign in', level: 2 }).waitFor();
  return { context, page, problems };
}

async function signIn(page, token, name) {
  await page.getByLabel('Staff token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (name) await page.getByText(`Signed in as ${name}`, { exact: true }).waitFor();
}

const queueItem = (page, reference) => page.locator(`#cs-queue-list > li[data-reference="${reference}"]`);
const messages = (page) => page.locator('#cs-messages > li');

// ---------- setup ----------

before(() => checkSetup('console.html'));

before(async () => {
  browser = await launchBrowser();
  server = await workspace.startServer();
  staff = {
    eve: addStaff(server.db, 'eve', 'hub:east', 'Eve'),
    ada: addStaff(server.db, 'ada', 'admin', 'Ada'),
  };
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

test('a hub worker takes a request from the live queue and chats and ends it with a note', async (t) => {
  const eve = await openConsole(server);
  const { page } = eve;
  await screenshot(page, t, 'signin-desktop.png');
  await signIn(page, staff.eve, 'Eve');
  await page.getByText('(East hub)').waitFor();
  assert.ok(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY), 'the token is kept in sessionStorage');
  assert.equal(await page.evaluate(() => localStorage.length), 0, 'and nowhere else');
  assert.ok(!page.url().includes('rcs_'), 'never in the address');
  await page.locator('#cs-connection', { hasText: /^Connected$/ }).waitFor();

  // The request arrives without a reload, with what the hub needs to decide.
  const p = await askForAPerson(server, 'I would like help filling in the request form');
  const item = queueItem(page, p.reference);
  await item.waitFor();
  assert.equal(await item.getByRole('heading', { level: 3 }).textContent(), EAST_TITLE);
  const facts = await item.locator('.cs-facts').textContent();
  assert.match(facts, /Area\s*East/);
  assert.match(facts, /Consent\s*The family agrees/);
  assert.match(facts, new RegExp(`Reference\\s*${p.reference}`));
  assert.match(p.conversationReference, /^EH-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assert.match(facts, new RegExp(`Practitioner's reference\\s*${p.conversationReference}`));
  await item.getByText('Practitioner online').waitFor();
  await item.locator('.cs-badge-waiting', { hasText: 'Waiting' }).waitFor();
  await page.locator('#cs-queue-news', { hasText: `New request: ${EAST_TITLE} (${p.reference})` }).waitFor();
  assert.equal(await page.locator('#cs-queue-news').getAttribute('aria-live'), 'polite');
  const waited = item.locator('.cs-waiting');
  const firstWait = await waited.textContent();
  assert.match(firstWait, /^\d+ s$/);
  await waitFor('the waiting time to count up', async () => (await waited.textContent()) !== firstWait);

  // An admin in another browser sees it too; their socket is held back from queue updates for a
  // moment, so their Accept comes too late and is refused in plain words.
  let holdQueue = false;
  const ada = await openConsole(server, {
    route: (pg) => pg.routeWebSocket(/\/v1\/staff$/, (ws) => {
      const upstream = ws.connectToServer();
      upstream.onMessage((m) => {
        const frame = JSON.parse(String(m));
        if (holdQueue && !frame.ref && (frame.type === 'queue' || frame.type === 'queue_changed')) return;
        ws.send(m);
      });
    }),
  });
  await signIn(ada.page, staff.ada, 'Ada');
  await queueItem(ada.page, p.reference).getByRole('button', { name: /^Accept/ }).waitFor();
  holdQueue = true;

  // Eve accepts: the path so far, and the practitioner is told who has it.
  assert.equal(await page.locator('#cs-chat').isVisible(), false);
  await item.getByRole('button', { name: new RegExp(`^Accept ${p.reference}`) }).click();
  const title = page.getByRole('heading', { name: `Conversation ${p.reference}`, level: 2 });
  await title.waitFor();
  assert.equal(await title.evaluate((h) => h === document.activeElement), true, 'focus moves to the conversation');
  const accepted = await p.next({ type: 'handoff', status: 'accepted' });
  assert.equal(accepted.frame.name, 'Eve');
  const steps = page.locator('ol.cs-path > li');
  assert.equal(await steps.count(), 9, 'eight answers and the outcome');
  assert.match(await steps.nth(0).textContent(), /Is a child in immediate danger right now\?\s*Answer: No/);
  assert.match(await steps.nth(6).textContent(), /Needs help with routines/);
  assert.match(await steps.nth(7).textContent(), /Answer: East Leeds/);
  assert.match(await steps.nth(8).textContent(), new RegExp(`Outcome: ${EAST_TITLE.replace(/[.]/g, '\\.')}`));
  await page.locator('.cs-reason').getByText('I would like help filling in the request form').waitFor();
  assert.equal(await page.locator('#cs-safety').isVisible(), false, 'no safety banner yet');
  await item.locator('.cs-badge', { hasText: 'Taken by you' }).waitFor();
  await item.getByText('Open in the conversation pane.').waitFor();

  // Ada's Accept is refused, said plainly; her queue then shows who has it.
  await queueItem(ada.page, p.reference).getByRole('button', { name: /^Accept/ }).click();
  await ada.page.getByRole('alert').getByText('Someone else has already taken this handoff (Eve).').waitFor();
  await queueItem(ada.page, p.reference).getByText('Taken by Eve.').waitFor();
  assert.equal(await queueItem(ada.page, p.reference).getByRole('button').count(), 0, 'no Accept on a taken request');
  holdQueue = false;
  await screenshot(ada.page, t, 'queue-taken-admin.png');

  // Practitioner to staff, live.
  const log = page.locator('.cs-log');
  assert.equal(await log.getAttribute('role'), 'log');
  assert.equal(await log.getAttribute('aria-live'), 'polite');
  await p.send({ type: 'message', text: 'Thank you. The family are happy for the hub to call them.' });
  const fromPractitioner = messages(page).filter({ hasText: 'The family are happy for the hub to call them.' });
  await fromPractitioner.waitFor();
  assert.match(await fromPractitioner.textContent(), /^Practitioner/);

  // Staff to practitioner: shown once the server says it was sent.
  await page.getByLabel('Message to the practitioner').fill('Hello, I am Eve from the East hub. I can help with the form.');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const atPractitioner = await p.next({ type: 'message', from: 'staff' });
  assert.equal(atPractitioner.frame.name, 'Eve');
  assert.equal(atPractitioner.frame.text, 'Hello, I am Eve from the East hub. I can help with the form.');
  const mine = messages(page).filter({ hasText: 'I can help with the form.' });
  await mine.waitFor();
  assert.match(await mine.textContent(), /^You \(Eve\)/);
  assert.equal(await page.getByLabel('Message to the practitioner').inputValue(), '', 'the box is cleared');

  // Words that raise the safety check: the message is flagged and the banner is shown.
  await p.send({ type: 'message', text: 'Also his dad hit him last night' });
  const banner = page.locator('#cs-safety');
  await banner.waitFor();
  assert.equal(await banner.getAttribute('role'), 'alert');
  assert.match(await banner.textContent(), /Safety concern raised: consider Duty and Advice \/ 999/);
  const flagged = messages(page).filter({ hasText: 'his dad hit him last night' });
  await flagged.waitFor();
  assert.equal(await flagged.evaluate((li) => li.classList.contains('cs-message-safety')), true);
  assert.match(await flagged.textContent(), /Safety concern/);
  await screenshot(page, t, 'conversation-desktop.png');
  await page.setViewportSize({ width: 360, height: 800 });
  await noSidewaysScroll(page, 'the conversation');
  await screenshot(page, t, 'conversation-360.png');
  await page.setViewportSize({ width: 1280, height: 900 });

  // End needs a wrap-up note.
  const ending = await p.count();
  await page.getByRole('button', { name: 'End the conversation' }).click();
  await page.getByText('Write a wrap-up note before ending the conversation.').waitFor();
  const note = page.getByLabel('Wrap-up note (required)');
  assert.equal(await note.getAttribute('aria-invalid'), 'true');
  assert.equal(await note.evaluate((el) => el === document.activeElement), true, 'focus moves to the note');
  assert.equal(await page.locator('#cs-chat').isVisible(), true, 'still open');
  await note.fill('Talked through the request form. Hub to call the family; D&A advised. Call 07700 900123');
  await page.getByRole('button', { name: 'End the conversation' }).click();
  const ended = await p.next({ type: 'handoff', status: 'ended' }, ending);
  assert.equal(ended.frame.reference, p.reference);
  await page.getByText(`Conversation ${p.reference} ended.`, { exact: false }).waitFor();
  await page.locator('#cs-chat').waitFor({ state: 'hidden' });
  await queueItem(page, p.reference).waitFor({ state: 'detached' });
  await page.getByText('No one is waiting just now.', { exact: false }).waitFor();
  await queueItem(ada.page, p.reference).waitFor({ state: 'detached' });

  // The log: the wrap-up note redacted, and Eve's read audited.
  const wrapUp = sqlite(server.db, `select status || '|' || accepted_by || '|' || wrap_up from handoffs where reference = '${p.reference}'`);
  assert.match(wrapUp, /^ended\|eve\|Talked through the request form\./);
  assert.doesNotMatch(wrapUp, /900123/);
  assert.equal(sqlite(server.db, "select count(*) from audit where actor = 'eve' and action = 'read'"), '1');

  // Signing out forgets the token and what was shown.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in', level: 2 }).waitFor();
  assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY), null);
  assert.equal(await page.locator('#cs-queue-list > li').count(), 0);
  assert.deepEqual(eve.problems, []);
  assert.deepEqual(ada.problems, []);
  await eve.context.close();
  await ada.context.close();
  await p.context.close();
});

// Asks for a person after the first answer, before any outcome; returns the practitioner with
// `reference` and `question` (the words of the question they were at).
async function askEarly(srv) {
  const p = await openPractitioner(srv);
  const first = await p.request({ type: 'start', dialog: 'early-help' });
  const at = await p.request({ type: 'answer', node: first.node, option: 'no' });
  assert.equal(at.type, 'prompt');
  const handoff = await p.request({ type: 'handoff' });
  assert.equal(handoff.status, 'requested');
  p.reference = handoff.reference;
  p.question = at.text;
  return p;
}

test('under pressure: presence from the start, fresh first, panes, typing, ready replies, recently handled, expiry', async (t) => {
  const eve = await openConsole(server, { width: 1280, height: 800 });
  const { page } = eve;
  await signIn(page, staff.eve, 'Eve');
  await page.locator('#cs-connection', { hasText: /^Connected$/ }).waitFor();

  // A request made before an outcome is titled by the question's words, not the node id.
  const early = await askEarly(server);
  const earlyItem = queueItem(page, early.reference);
  await earlyItem.waitFor();
  assert.equal(await earlyItem.getByRole('heading', { level: 3 }).textContent(), `Asked at the question: ${early.question}`);

  // A fresh request comes first; the tab title counts what is waiting.
  const p = await askForAPerson(server, 'Help with the request form please');
  await queueItem(page, p.reference).waitFor();
  await waitFor('the newest request first', async () => (await page.locator('#cs-queue-list > li').first().getAttribute('data-reference')) === p.reference);
  await waitFor('the tab title to count two waiting', async () => (await page.title()) === '(2 waiting) Hub console: practitioners asking for a person');
  await checkAccessibility(page, 'the queue with two requests (desktop)');

  // A console that signs in now knows from its first queue that both practitioners are here.
  const ada = await openConsole(server, { width: 390, height: 844 });
  await signIn(ada.page, staff.ada, 'Ada');
  for (const ref of [early.reference, p.reference]) await queueItem(ada.page, ref).getByText('Practitioner online').waitFor();
  assert.equal(await ada.page.getByText('not known if online').count(), 0);
  await noSidewaysScroll(ada.page, 'the queue on a phone');
  await checkAccessibility(ada.page, 'the queue with two requests (phone)');
  await ada.context.close();

  // Accept: a ready reply fills the message box (its number from content/), and typing is relayed.
  await queueItem(page, p.reference).getByRole('button', { name: new RegExp(`^Accept ${p.reference}`) }).click();
  await page.getByRole('heading', { name: `Conversation ${p.reference}`, level: 2 }).waitFor();
  const ready = page.getByRole('group', { name: /Ready replies/ });
  await ready.getByRole('button', { name: 'Duty and Advice number' }).click();
  const box = page.getByLabel('Message to the practitioner');
  assert.match(await box.inputValue(), /ring Duty and Advice on 0113 376 0336/);
  assert.equal(await box.evaluate((el) => el === document.activeElement), true, 'focus goes to the message box');
  const typingAtPractitioner = await p.next({ type: 'typing' });
  assert.equal(typingAtPractitioner.frame.name, 'Eve');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await p.next({ type: 'message', from: 'staff' });
  await p.send({ type: 'typing' });
  const typing = page.locator('#cs-typing');
  await typing.getByText('The practitioner is typing…').waitFor();
  assert.equal(await typing.getAttribute('aria-live'), 'polite');
  await checkAccessibility(page, 'typing and ready replies');

  // A flagged message: the banner stays pinned in the conversation pane, and the message box on
  // screen, however far the transcript scrolls.
  for (const text of ['One more thing.', 'The school has noticed too.', 'Also his dad hit him last night']) {
    await p.send({ type: 'message', text });
    await messages(page).filter({ hasText: text }).waitFor();
  }
  assert.equal(await typing.textContent(), '', 'their message ends the typing notice');
  await page.locator('#cs-safety').waitFor();
  const layout = await page.evaluate(() => {
    const pane = document.getElementById('cs-transcript');
    pane.scrollTop = pane.scrollHeight;
    const rect = (id) => document.getElementById(id).getBoundingClientRect().toJSON();
    return { scrolls: pane.scrollHeight > pane.clientHeight, pane: rect('cs-transcript'), banner: rect('cs-safety'), box: rect('cs-compose-text'), height: window.innerHeight };
  });
  assert.ok(layout.scrolls, 'the transcript scrolls in its own pane');
  assert.ok(layout.banner.top >= layout.pane.top - 1 && layout.banner.bottom <= layout.height, `the banner stays in view: ${JSON.stringify(layout)}`);
  assert.ok(layout.box.top >= 0 && layout.box.bottom <= layout.height, `the message box stays on screen: ${JSON.stringify(layout)}`);
  await checkAccessibility(page, 'a safety concern with the banner pinned (desktop)');
  await screenshot(page, t, 'pressure-desktop.png');
  await page.setViewportSize({ width: 390, height: 844 });
  await noSidewaysScroll(page, 'the conversation on a phone');
  await checkAccessibility(page, 'a safety concern (phone)');
  await screenshot(page, t, 'pressure-phone.png');
  await page.setViewportSize({ width: 1280, height: 800 });

  // End: the conversation goes to "Recently handled", with a link to it in the review page.
  await page.getByLabel('Wrap-up note (required)').fill('Gave the Duty and Advice number.');
  await page.getByRole('button', { name: 'End the conversation' }).click();
  await page.locator('#cs-chat').waitFor({ state: 'hidden' });
  const recent = page.getByRole('region', { name: 'Recently handled' });
  const link = recent.getByRole('link', { name: `Open ${p.reference} in the review page` });
  await link.waitFor();
  const conversation = sqlite(server.db, `select conversation_id from handoffs where reference = '${p.reference}'`);
  assert.equal(await link.getAttribute('href'), `/review.html#/c/${conversation}`);
  await checkAccessibility(page, 'recently handled (desktop)');
  await page.setViewportSize({ width: 390, height: 844 });
  await checkAccessibility(page, 'recently handled (phone)');
  await page.setViewportSize({ width: 1280, height: 800 });

  // The early practitioner leaves for good: once their link has lapsed, the next queue read
  // expires the request and says why.
  await early.context.close();
  await earlyItem.getByText('Practitioner has left the chat').waitFor();
  // The news line holds only the latest change, and the server's own once-a-minute sweep may expire
  // the request a moment before the third request's queue arrives: keep every line it shows.
  await page.evaluate(() => {
    const news = document.getElementById('cs-queue-news');
    window.rcNewsSeen = [news.textContent];
    new MutationObserver(() => window.rcNewsSeen.push(news.textContent))
      .observe(news, { childList: true, characterData: true, subtree: true });
  });
  sqlite(server.db, `update conversations set started_at = started_at - 90000000 where id = (select conversation_id from handoffs where reference = '${early.reference}')`);
  const third = await askForAPerson(server, 'A different family');
  await queueItem(page, third.reference).waitFor();
  await page.waitForFunction((expired) => window.rcNewsSeen.some((line) => line.includes(expired)),
    `${early.reference} expired: The practitioner left`);
  await earlyItem.waitFor({ state: 'detached' });
  assert.equal(sqlite(server.db, `select status || '|' || ended_by from handoffs where reference = '${early.reference}'`), 'expired|server');
  await waitFor('the tab title to count one waiting', async () => (await page.title()) === '(1 waiting) Hub console: practitioners asking for a person');
  await checkAccessibility(page, 'a request expired');

  // Alerts: the sound is off until asked for, and remembered without personal data.
  const sound = page.getByLabel('Play a sound for a new request or message');
  await page.locator('#cs-alerts > summary').click();
  assert.equal(await sound.isChecked(), false);
  await sound.check();
  assert.equal(await page.evaluate(() => localStorage.getItem('rightconv.console.sound')), 'on');
  await checkAccessibility(page, 'the alerts settings');
  assert.deepEqual(eve.problems, []);
  await third.request({ type: 'handoff', cancel: true }); // leave the queue empty for the next test
  await eve.context.close();
  await p.context.close();
  await third.context.close();
});

test('a token that is not recognised is said so and nothing is stored', async (t) => {
  const { context, page, problems } = await openConsole(server);
  await signIn(page, 'rcs_not-a-real-token-000000');
  await page.getByRole('alert').getByText(/Token not recognised or expired/).waitFor();
  assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY), null);
  await page.getByLabel('Staff token').waitFor();
  await page.setViewportSize({ width: 360, height: 800 });
  await noSidewaysScroll(page, 'sign in');
  await screenshot(page, t, 'signin-bad-token-360.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a request can be accepted and answered and ended with the keyboard alone at 360px', async (t) => {
  const p = await askForAPerson(server, 'Quick question about consent');
  const { context, page, problems } = await openConsole(server, { width: 360, height: 800 });
  await page.getByLabel('Staff token').focus();
  await page.keyboard.type(staff.eve);
  await page.keyboard.press('Enter');
  await queueItem(page, p.reference).waitFor();
  await noSidewaysScroll(page, 'the queue');
  await screenshot(page, t, 'queue-360.png');

  const acceptName = `Accept ${p.reference}`;
  await tabTo(page, `document.activeElement && document.activeElement.textContent.startsWith(${JSON.stringify(acceptName)})`, 'the Accept button');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: `Conversation ${p.reference}`, level: 2 }).waitFor();
  assert.match(await page.evaluate(() => document.activeElement.textContent), /^Conversation HO-/, 'focus moves to the conversation');
  assert.match(await page.locator('#cs-chat').textContent(), new RegExp(`Practitioner's reference\\s*${p.conversationReference}`));
  await p.next({ type: 'handoff', status: 'accepted' });

  await tabTo(page, "document.activeElement && document.activeElement.id === 'cs-compose-text'", 'the message box');
  await page.keyboard.type('Hello from the keyboard');
  await page.keyboard.press('Enter');
  assert.equal((await p.next({ type: 'message', from: 'staff' })).frame.text, 'Hello from the keyboard');
  await messages(page).filter({ hasText: 'Hello from the keyboard' }).waitFor();

  await tabTo(page, "document.activeElement && document.activeElement.id === 'cs-end-note'", 'the wrap-up note');
  await page.keyboard.type('Answered by keyboard');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'End the conversation');
  await page.keyboard.press('Enter');
  await p.next({ type: 'handoff', status: 'ended' });
  await page.locator('#cs-chat').waitFor({ state: 'hidden' });
  await noSidewaysScroll(page, 'the queue after ending');
  assert.deepEqual(problems, []);
  await context.close();
  await p.context.close();
});

test('after a reload and a server restart the console carries on with the open conversation', async () => {
  const first = await workspace.startServer();
  let second;
  try {
    const token = addStaff(first.db, 'eve', 'hub:east', 'Eve');
    const p = await askForAPerson(first, 'Can someone talk this through');
    // While the server is down, Chromium logs the refused connections.
    const { context, page, problems } = await openConsole(first, { allow: [/ERR_CONNECTION_REFUSED|WebSocket connection/] });
    await signIn(page, token, 'Eve');
    await queueItem(page, p.reference).getByRole('button', { name: /^Accept/ }).click();
    await page.getByRole('heading', { name: `Conversation ${p.reference}`, level: 2 }).waitFor();
    await p.send({ type: 'message', text: 'Before the reload' });
    await messages(page).filter({ hasText: 'Before the reload' }).waitFor();

    // A reload signs in again from this tab's storage and reopens the conversation.
    await page.reload();
    await page.getByRole('heading', { name: `Conversation ${p.reference}`, level: 2 }).waitFor();
    await messages(page).filter({ hasText: 'Before the reload' }).waitFor();

    // The server restarts on the same ports: the page reconnects, signs in and reopens it.
    await first.stop();
    await page.locator('#cs-connection', { hasText: 'Reconnecting' }).waitFor();
    // The same ports: another process's outgoing connection can take one in the gap, so try again.
    for (let i = 0; ; i += 1) {
      try {
        second = await workspace.startServer({ port: first.port, staffPort: first.staffPort, consolePort: first.consolePort, db: first.db });
        break;
      } catch (e) {
        if (i === 4) throw e;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    // The page's retries back off to 15 s (±20%): a slow start can put the next one 18 s away.
    await page.locator('#cs-status', { hasText: 'Connected again.' }).waitFor({ timeout: 45000 });
    await page.locator('#cs-connection', { hasText: /^Connected$/ }).waitFor();
    // The heading is still there from before the restart: wait for the server's answer to reopening it.
    await page.locator('#cs-status', { hasText: `Carrying on with ${p.reference}.` }).waitFor();
    await page.getByRole('heading', { name: `Conversation ${p.reference}`, level: 2 }).waitFor();
    assert.equal(await messages(page).filter({ hasText: 'Before the reload' }).count(), 1, 'the messages are not shown twice');
    await page.getByLabel('Message to the practitioner').fill('Still here after the restart');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await messages(page).filter({ hasText: 'Still here after the restart' }).waitFor();
    assert.equal(sqlite(first.db, "select count(*) from turns where message like '%Still here after the restart%'"), '1');
    assert.equal(sqlite(first.db, "select count(*) from audit where actor = 'eve' and action = 'read'"), '3', 'accept, reopen after the reload, reopen after the restart');
    assert.deepEqual(problems, []);
    await context.close();
    await p.context.close();
  } finally {
    await first.stop();
    if (second) await second.stop();
  }
});
