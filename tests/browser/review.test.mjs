// Drives the hub review page (web/review.*) in Debian's Chromium against the real rightconv server:
// conversations are seeded through the chat WebSocket, staff are made with `rightconv staff add`,
// then a hub reviewer signs in, filters, reads a transcript and adds a note, and an admin finds
// that note and the reads in the audit log. Also: stats charts, CSV export, errors, narrow screens.
// Run: RIGHTCONV_BIN=build/src/rightconv RIGHTCONV_SOURCE_DIR=$PWD node --test tests/browser/review.test.mjs
// Screenshots go to a temporary folder removed at the end; set RIGHTCONV_SCREENSHOT_DIR to keep them
// (or RIGHTCONV_KEEP_TMP=1 to keep the database too). RIGHTCONV_CHROMIUM overrides /usr/bin/chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BIN, addStaff as addStaffTo, checkAccessibility, checkSetup, launchBrowser, makeWorkspace, noSidewaysScroll, sqlite as sqliteAt } from './server.mjs';

const STORAGE_KEY = 'rightconv.review.v1';

const workspace = makeWorkspace('rightconv-review-');
const screenshot = (page, t, name) => workspace.screenshot(page, t, name);
let browser;
let server;
let staff; // id -> token
let seeded; // name -> conversation id

// ---------- the server ----------

function addStaff(id, role) {
  return addStaffTo(server.db, id, role);
}

function sqlite(sql) {
  return sqliteAt(server.db, sql);
}

// ---------- seeding conversations through the chat WebSocket ----------

// Each script is a list of answers ({option} or {text}) for the questions in turn; `end: true`
// sends `end` afterwards (the conversation becomes abandoned); otherwise the socket just closes.
// Runs in a page on the chat origin (Node 20 has no WebSocket), one socket per conversation.
async function seed(scripts) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.chatUrl + '/healthz');
  const ids = await page.evaluate(async ({ url, scripts }) => {
    async function run(script) {
      const ws = new WebSocket(url);
      await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('WebSocket failed')); });
      let refs = 0;
      let waiting = null;
      const frames = [];
      ws.onmessage = (event) => {
        const m = JSON.parse(event.data);
        frames.push(m);
        if (waiting && m.ref === waiting.ref && ['prompt', 'outcome', 'ended', 'error', 'about'].includes(m.type)) {
          const w = waiting;
          waiting = null;
          if (m.type === 'error') w.reject(new Error(`${m.code}: ${m.message}`));
          else w.resolve(m);
        }
      };
      const send = (message) => new Promise((resolve, reject) => {
        const ref = 'r' + ++refs;
        waiting = { ref, resolve, reject };
        ws.send(JSON.stringify({ ...message, ref }));
      });
      let last = await send({ type: 'start', dialog: 'early-help', channel: script.channel || 'web', ...(script.staff_token ? { staff_token: script.staff_token } : {}) });
      const conversation = frames.find((f) => f.type === 'started').conversation;
      for (const answer of script.answers) {
        if (answer.back) {
          last = await send({ type: 'back' });
          continue;
        }
        if (last.type !== 'prompt') throw new Error(`no question to answer in ${JSON.stringify(script)}`);
        last = await send({ type: 'answer', node: last.node, ...answer });
      }
      if (script.about) await send({ type: 'about', ...script.about });
      if (script.end) await send({ type: 'end' });
      ws.close();
      return conversation;
    }
    const out = {};
    for (const [name, script] of Object.entries(scripts)) out[name] = await run(script);
    return out;
  }, { url: server.chatUrl.replace('http:', 'ws:') + '/v1/chat', scripts });
  await context.close();
  return ids;
}

const toHub = (notes, area) => [
  { option: 'no' }, { option: 'no' }, { option: 'yes' }, { option: 'agree' }, { option: 'no' }, { option: 'multi' }, { text: notes }, { option: area },
];

// ---------- the page ----------

// Opens the review page on the staff listener. `allow` lists patterns ("STATUS URL") of the HTTP
// errors a test expects (a 401 for a bad token, a 404 the page turns into a message).
async function openReview({ width = 1280, height = 900, allow = [] } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const problems = [];
  const allowed = (text) => allow.some((re) => re.test(text));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // Chromium logs every 4xx fetch as a console error; the responses are checked just below.
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => { if (r.status() >= 400 && !allowed(`${r.status()} ${r.url()}`)) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
  await page.goto(server.staffUrl + '/');
  await page.getByRole('heading', { name: 'Sign in', level: 2 }).waitFor();
  return { context, page, problems };
}

// The filters are folded under "All filters" so the list starts on the first screen.
async function openFilters(page) {
  const box = page.locator('#rv-filters-box');
  if (!(await box.evaluate((d) => d.open))) await box.locator('summary').click();
}

async function signIn(page, token) {
  await page.getByLabel('Staff token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// The ids of the conversations listed, read from each row's link.
async function listedIds(page) {
  return page.locator('#rv-list-body tr').evaluateAll((rows) => rows.map((r) => r.dataset.id));
}

// Fills the words box, applies the filters and waits for `count` rows.
async function searchWords(page, words, count) {
  await openFilters(page);
  await page.getByLabel('Words typed by the practitioner').fill(words);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await waitForListed(page, count);
}

async function waitForListed(page, count) {
  await page.waitForFunction((n) => !document.getElementById('rv-view-list').hasAttribute('aria-busy') &&
    document.querySelectorAll('#rv-list-body tr').length === n, count);
}

// ---------- setup ----------

before(() => checkSetup('review.html'));

before(async () => {
  browser = await launchBrowser();
  server = await workspace.startServer();
  seeded = await seed({
    eastSchool: { answers: toHub('Support with school attendance and routines at home', 'east') },
    // A disclosure in the hub notes goes to the Safeguarding Lead check; here they agreed it is early help.
    eastHousing: { answers: [{ option: 'no' }, { option: 'no' }, { option: 'yes' }, { option: 'agree' }, { option: 'no' }, { option: 'multi' },
      { text: 'Worries about housing; she is scared to go home' }, { option: 'agreed_early_help' }, { option: 'east' }] },
    west: { answers: toHub('Help with school attendance', 'west') },
    south: { answers: toHub('Parenting support', 'south') },
    dutyAndAdvice: { answers: [{ option: 'no' }, { option: 'yes' }] },
    stoppedAtConsent: { answers: [{ option: 'no' }, { option: 'no' }], end: true },
    stoppedAtHarm: { answers: [{ option: 'no' }], end: true },
  });
  staff = { 'e.hub': addStaff('e.hub', 'hub:east'), 'w.hub': addStaff('w.hub', 'hub:west'), 'a.admin': addStaff('a.admin', 'admin') };
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

test('the seeded conversations are in the log as expected', () => {
  const rows = sqlite("select status || '|' || coalesce(outcome, '') || '|' || coalesce(area, '') from conversations order by started_at, rowid");
  assert.deepEqual(rows.split('\n'), [
    'completed|hub_request_east|east', 'completed|hub_request_east|east', 'completed|hub_request_west|west',
    'completed|hub_request_south|south', 'completed|duty_and_advice|', 'abandoned||', 'abandoned||',
  ]);
});

test('an East hub reviewer sees only East, filters, reads a transcript and adds a note; an admin finds it in the audit log', async (t) => {
  const hub = await openReview();
  const { page } = hub;
  await screenshot(page, t, 'signin-desktop.png');
  await signIn(page, staff['e.hub']);
  await page.getByRole('heading', { name: 'Conversations', level: 2 }).waitFor();
  await waitForListed(page, 2);
  assert.deepEqual((await listedIds(page)).sort(), [seeded.eastHousing, seeded.eastSchool].sort(), 'only the East conversations');
  assert.equal(await page.getByRole('link', { name: 'Audit log' }).count(), 0, 'no audit log for a hub');
  assert.ok(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY), 'the token is kept in sessionStorage');
  assert.equal(await page.evaluate(() => localStorage.length), 0, 'and nowhere else');
  await page.getByRole('row', { name: /Request to East hub/ }).first().waitFor();
  await screenshot(page, t, 'list-east-desktop.png');

  // Filters: free text (the same box finds a conversation by the reference its summary gave), then status.
  await searchWords(page, 'housing', 1);
  assert.deepEqual(await listedIds(page), [seeded.eastHousing]);
  const reference = sqlite(`select reference from conversations where id = '${seeded.eastHousing}'`);
  assert.match(reference, /^EH-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  await searchWords(page, reference.toLowerCase().replace(/-/g, ' '), 1);
  assert.deepEqual(await listedIds(page), [seeded.eastHousing], 'the reference, however it is read out');
  await searchWords(page, 'school', 1);
  assert.deepEqual(await listedIds(page), [seeded.eastSchool], 'the West conversation that also says "school" stays hidden');
  await screenshot(page, t, 'list-east-filtered.png');
  await page.getByLabel('Status').selectOption('abandoned');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.locator('#rv-list-empty').getByText('No conversations match these filters.').waitFor();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await waitForListed(page, 2);

  // Safety alerts: any, then one kind of harm; the list says which.
  await page.getByLabel('Safety alert').selectOption('any');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await waitForListed(page, 1);
  assert.deepEqual(await listedIds(page), [seeded.eastHousing]);
  assert.match(await page.locator(`#rv-list-body tr[data-id="${seeded.eastHousing}"] td[data-label="Safety alert"]`).textContent(),
    /Immediate danger: A child in danger now/);
  await checkAccessibility(page, 'the list filtered by a safety alert');
  await page.getByLabel('Safety alert').selectOption({ label: 'Neglect' });
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.locator('#rv-list-empty').getByText('No conversations match these filters.').waitFor();
  await page.getByLabel('Safety alert').selectOption({ label: 'A child in danger now' });
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await waitForListed(page, 1);
  await screenshot(page, t, 'list-east-alert-filter.png');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await waitForListed(page, 2);

  // The transcript: the path as the practitioner saw it, the outcome, contacts, the alert.
  await page.locator(`#rv-list-body tr[data-id="${seeded.eastHousing}"] a`).click();
  await page.getByRole('heading', { name: /^Conversation started/, level: 2 }).waitFor();
  const body = page.locator('#rv-conv-body');
  const path_ = body.locator('ol.rv-path > li');
  await path_.first().waitFor();
  assert.equal(await path_.count(), 10, 'nine answers and the outcome');
  assert.match(await path_.nth(0).textContent(), /Is a child in immediate danger right now\?\s*Answer: No/);
  assert.match(await path_.nth(5).textContent(), /Which best describes the help.*Answer: Support from more than one agency/);
  assert.match(await path_.nth(6).textContent(), /Worries about housing; she is scared to go home/);
  assert.match(await path_.nth(7).textContent(), /Have you talked to your Safeguarding Lead.*Answer: Yes: we agreed it is neither significant harm nor a child in need/);
  assert.match(await path_.nth(8).textContent(), /Which area of Leeds.*Answer: East Leeds/);
  assert.match(await path_.nth(9).textContent(), /Outcome: Early Help Assessment, then a request to the East Early Help Hub/);
  await body.getByRole('heading', { name: 'Safety alerts' }).waitFor();
  await body.getByText(reference, { exact: true }).waitFor();  // the reference the practitioner's summary names
  const why = body.locator('table.rv-alert-table tbody tr');
  assert.equal(await why.count(), 1);
  assert.match(await why.first().textContent(), /Immediate danger.*A child in danger now.*scared.*go.*home.*an answer at hub_notes/);
  await checkAccessibility(page, 'a transcript with a safety alert');
  const contacts = body.locator('.rv-contacts');
  assert.match(await contacts.first().textContent(), /East Early Help Hub.*eastearlyhelp@leeds\.gov\.uk/, 'the outcome\'s contacts first');
  assert.match(await contacts.nth(1).textContent(), /Phone: 999/, 'then the alert\'s');
  assert.match(await body.textContent(), /No notes yet\./);

  // A note, then it is listed with its author.
  await body.getByLabel('Review state').selectOption('needs_follow_up');
  await body.getByLabel('Note (optional)').fill('Rang the practitioner; <b>follow up</b> on Friday.');
  await body.getByRole('button', { name: 'Save review' }).click();
  const note = body.locator('.rv-note').last();
  await note.getByText('Rang the practitioner; <b>follow up</b> on Friday.', { exact: true }).waitFor();
  assert.match(await note.textContent(), /^e\.hub, .*set to Needs follow-up/);
  assert.equal(await body.locator('.rv-note b').count(), 0, 'the note is shown as text, never as HTML');
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('rv-note')), true, 'focus moves to the new note');
  await body.locator('details.rv-turns summary').click();
  await screenshot(page, t, 'transcript-east-desktop.png');
  await page.setViewportSize({ width: 360, height: 800 });
  await noSidewaysScroll(page, 'the transcript');
  await screenshot(page, t, 'transcript-east-360.png');
  await page.setViewportSize({ width: 1280, height: 900 });

  // Back to the list: the row shows the new review state.
  await page.getByRole('link', { name: 'Back to the list' }).click();
  await page.locator(`#rv-list-body tr[data-id="${seeded.eastHousing}"]`).getByText('Needs follow-up').waitFor();
  assert.deepEqual(hub.problems, []);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in', level: 2 }).waitFor();
  assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY), null, 'signing out forgets the token');
  assert.equal(await page.locator('#rv-list-body tr').count(), 0, 'and the conversations shown');
  await hub.context.close();

  // The admin sees everything, and the hub's review and reads in the audit log.
  const admin = await openReview();
  await signIn(admin.page, staff['a.admin']);
  await waitForListed(admin.page, 7);
  await admin.page.getByRole('link', { name: 'Audit log' }).click();
  await admin.page.getByRole('heading', { name: 'Audit log', level: 2 }).waitFor();
  const rows = admin.page.locator('#rv-audit-body tr');
  await rows.first().waitFor();
  const review = rows.filter({ has: admin.page.locator('td', { hasText: /^review$/ }) });
  assert.equal(await review.count(), 1);
  assert.match(await review.textContent(), new RegExp(`e\\.hub.*Conversation ${seeded.eastHousing}.*Needs follow-up`));
  const reads = rows.filter({ has: admin.page.locator('td', { hasText: /^read$/ }) });
  assert.match(await reads.first().textContent(), new RegExp(`e\\.hub.*Conversation ${seeded.eastHousing}`));
  const lists = rows.filter({ has: admin.page.locator('td', { hasText: /^list$/ }) }).filter({ hasText: 'e.hub' });
  assert.ok(await lists.count() >= 4, 'each list the hub loaded is recorded');
  await lists.filter({ hasText: 'filter: q=housing' }).first().waitFor();
  await screenshot(admin.page, t, 'audit-admin-desktop.png');
  await admin.page.setViewportSize({ width: 360, height: 800 });
  await noSidewaysScroll(admin.page, 'the audit log');
  await screenshot(admin.page, t, 'audit-admin-360.png');

  // The note is there when the admin opens the conversation from the audit log.
  await admin.page.setViewportSize({ width: 1280, height: 900 });
  await review.getByRole('link').click();
  await admin.page.locator('#rv-conv-body .rv-note').getByText('Rang the practitioner', { exact: false }).waitFor();
  assert.deepEqual(admin.problems, []);
  await admin.context.close();
});

test('stats show the funnel and outcomes by day as SVG, with the numbers in tables', async (t) => {
  const { context, page, problems } = await openReview();
  await signIn(page, staff['a.admin']);
  await waitForListed(page, 7);
  await page.getByRole('link', { name: 'Stats' }).click();
  const funnel = page.locator('svg.rv-funnel');
  await funnel.waitFor();
  assert.equal(await funnel.getAttribute('role'), 'img');
  assert.match(await funnel.locator('title').textContent(), /Funnel/);
  assert.ok(await funnel.locator('rect.rv-bar-reached').count() >= 5, 'a bar for each node reached');
  assert.equal(await funnel.locator('rect.rv-bar-stopped').count(), 2, 'abandoned at consent and at harm');
  const table = page.getByRole('table', { name: 'Funnel data' });
  // Questions by their words, in the order the dialog asks them; the first is the danger question.
  assert.match(await table.locator('tbody tr').first().textContent(), /^Is a child in immediate danger right now\?\s*7\s*—\s*0$/);
  assert.match(await table.getByRole('row', { name: /^Have you talked with the child/ }).textContent(), /5\s*0\s*1$/);
  assert.match(await table.getByRole('row', { name: /^Do you think the child/ }).textContent(), /seriously harmed.*7\s*0\s*1$/);
  assert.equal(await table.getByRole('row', { name: /^handoff/ }).count(), 0, 'no pseudo-node');
  const days = page.locator('svg.rv-days');
  assert.ok(await days.locator('rect.rv-seg').count() >= 5, 'a segment per outcome');
  const byDay = page.getByRole('table', { name: 'Conversations started each day, by outcome' });
  const today = new Date().toISOString().slice(0, 10);
  assert.match(await byDay.getByRole('row', { name: new RegExp(`^${today}`) }).textContent(), /7$/, 'seven started today');
  await screenshot(page, t, 'stats-admin-desktop.png');
  await page.setViewportSize({ width: 360, height: 800 });
  // The charts are redrawn for the narrower space, so their text stays the same size.
  await page.waitForFunction(() => Number(document.querySelector('svg.rv-funnel').getAttribute('viewBox').split(' ')[2]) <= 340);
  await noSidewaysScroll(page, 'the stats');
  await screenshot(page, t, 'stats-admin-360.png');
  assert.deepEqual(problems, []);
  await context.close();

  // A hub's stats count only its area.
  const hub = await openReview();
  await signIn(hub.page, staff['w.hub']);
  await waitForListed(hub.page, 1);
  await hub.page.getByRole('link', { name: 'Stats' }).click();
  await hub.page.locator('svg.rv-funnel').waitFor();
  assert.match(await hub.page.getByRole('table', { name: 'Funnel data' }).locator('tbody tr').first().textContent(), /right now\?\s*1\s*—\s*0$/);
  await screenshot(hub.page, t, 'stats-west-desktop.png');
  assert.deepEqual(hub.problems, []);
  await hub.context.close();
});

test('the CSV of the current filter downloads with the token, with paths when asked', async () => {
  const { context, page, problems } = await openReview();
  await signIn(page, staff['e.hub']);
  await waitForListed(page, 2);
  await openFilters(page);
  await page.getByLabel('Words typed by the practitioner').fill('school');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await waitForListed(page, 1);
  await page.getByLabel("Include each conversation's path through the questions").check();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download CSV of this filter' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^conversations-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
  assert.equal(csv.length, 2, 'the header and the one East conversation that mentions school');
  assert.match(csv[0], /^id,started_at,.*,review_state,alert_categories,reference,path$/);
  assert.ok(csv[1].startsWith(seeded.eastSchool + ','));
  assert.match(csv[1], /area=east/);
  await page.getByText(/The CSV file has been downloaded/).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a token that is not recognised is said so, and nothing is stored', async (t) => {
  const { context, page, problems } = await openReview({ allow: [/^401 .*\/v1\/me/] });
  await signIn(page, 'rcs_not-a-real-token-000000');
  const alert = page.getByRole('alert');
  await alert.getByText(/Token not recognised or expired/).waitFor();
  assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY), null);
  await page.setViewportSize({ width: 360, height: 800 });
  await noSidewaysScroll(page, 'sign in');
  await screenshot(page, t, 'signin-bad-token-360.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a conversation in another area is "not found or not in your area"', async () => {
  const { context, page, problems } = await openReview({ allow: [/^404 .*\/v1\/conversations\/[0-9a-f]{28}$/] });
  await signIn(page, staff['e.hub']);
  await waitForListed(page, 2);
  await page.evaluate((id) => { window.location.hash = '#/c/' + id; }, seeded.west);
  await page.getByRole('alert').getByText('Not found or not in your area.').waitFor();
  assert.equal(await page.locator('#rv-conv-body').textContent(), '');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a revoked token mid-session signs out with the reason', async () => {
  const token = addStaff('s.hub', 'hub:south');
  const { context, page, problems } = await openReview({ allow: [/^401 .*\/v1\/conversations\?/] });
  await signIn(page, token);
  await waitForListed(page, 1);
  execFileSync(BIN, ['staff', 'disable', 's.hub', '--db', server.db], { stdio: 'ignore' });
  await openFilters(page);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.getByRole('heading', { name: 'Sign in', level: 2 }).waitFor();
  await page.getByRole('alert').getByText(/Token not recognised or expired/).waitFor();
  assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY), null);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the list works at 360px and with the keyboard alone', async (t) => {
  const { context, page, problems } = await openReview({ width: 360, height: 800 });
  await page.getByLabel('Staff token').focus();
  await page.keyboard.type(staff['a.admin']);
  await page.keyboard.press('Enter');
  await waitForListed(page, 7);
  await noSidewaysScroll(page, 'the list');
  await screenshot(page, t, 'list-admin-360.png');
  // Tab to the first conversation's link and open it with Enter.
  const first = page.locator('#rv-list-body tr a').first();
  for (let i = 0; i < 40 && !(await first.evaluate((a) => a === document.activeElement)); i += 1) await page.keyboard.press('Tab');
  assert.ok(await first.evaluate((a) => a === document.activeElement), 'the first conversation can be reached with Tab');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /^Conversation started/, level: 2 }).waitFor();
  assert.match(await page.evaluate(() => document.activeElement.textContent), /^Conversation/, 'focus moves to the heading');
  assert.deepEqual(problems, []);
  await context.close();
});

// A practitioner at the harm question asks for a person; `token`'s console accepts,
// they exchange a message each way and the staff member ends it with a note. Returns the
// conversation id.
async function handoffChat(token) {
  const context = await browser.newContext();
  const practitioner = await context.newPage();
  await practitioner.goto(server.chatUrl + '/healthz');
  const reference = await practitioner.evaluate(async (url) => {
    const ws = new WebSocket(url);
    window.p = { ws, frames: [] };
    ws.onmessage = (e) => window.p.frames.push(JSON.parse(e.data));
    await new Promise((resolve) => { ws.onopen = resolve; });
    const next = (test) => new Promise((resolve) => {
      const t = setInterval(() => { const f = window.p.frames.find(test); if (f) { clearInterval(t); resolve(f); } }, 20);
    });
    ws.send(JSON.stringify({ type: 'start', dialog: 'early-help' }));
    await next((f) => f.type === 'prompt' && f.node === 'danger');
    ws.send(JSON.stringify({ type: 'answer', node: 'danger', option: 'no' }));
    await next((f) => f.type === 'prompt' && f.node === 'harm');
    // Asked at the harm question, before any area: the "any" queue every hub sees.
    ws.send(JSON.stringify({ type: 'handoff', reason: 'Can someone talk this through with me?' }));
    return (await next((f) => f.type === 'handoff' && f.status === 'requested')).reference;
  }, server.chatUrl.replace('http:', 'ws:') + '/v1/chat');
  const staffPage = await context.newPage();
  await staffPage.goto(server.staffUrl + '/healthz');
  await staffPage.evaluate(async ({ url, token, reference }) => {
    const ws = new WebSocket(url);
    const frames = [];
    ws.onmessage = (e) => frames.push(JSON.parse(e.data));
    await new Promise((resolve) => { ws.onopen = resolve; });
    const reply = (ref) => new Promise((resolve) => {
      const t = setInterval(() => { const f = frames.find((x) => x.ref === ref); if (f) { clearInterval(t); resolve(f); } }, 20);
    });
    ws.send(JSON.stringify({ type: 'auth', token }));
    await new Promise((resolve) => { const t = setInterval(() => { if (frames.some((f) => f.type === 'queue')) { clearInterval(t); resolve(); } }, 20); });
    ws.send(JSON.stringify({ type: 'accept', reference, ref: 'a' }));
    await reply('a');
    ws.send(JSON.stringify({ type: 'message', reference, text: 'Hello, I can help: ring Duty and Advice first.', ref: 'm' }));
    await reply('m');
    window.staff = { ws, frames, reply };
  }, { url: `ws://127.0.0.1:${server.consolePort}/v1/staff`, token, reference });
  await practitioner.evaluate(async () => {
    window.p.ws.send(JSON.stringify({ type: 'message', text: 'Thank you, I will ring them now.' }));
    await new Promise((resolve) => { const t = setInterval(() => { if (window.p.frames.some((f) => f.type === 'message' && f.from === 'practitioner')) { clearInterval(t); resolve(); } }, 20); });
  });
  await staffPage.evaluate(async (reference) => {
    window.staff.ws.send(JSON.stringify({ type: 'end', reference, note: 'Advised to ring Duty and Advice.', ref: 'e' }));
    await window.staff.reply('e');
  }, reference);
  const id = sqlite(`select conversation_id from handoffs where reference = '${reference}'`);
  await context.close();
  return id;
}

test('each hub sees its whole picture: a West chat that went back, a call East took, "I work in East", a handoff chat in the transcript, and the stats a manager needs', async (t) => {
  const first = server;
  server = await workspace.startServer();
  try {
    const eastPhone = addStaff('p.east', 'hub:east');
    const eastHub = addStaff('e2.hub', 'hub:east');
    const westHub = addStaff('w2.hub', 'hub:west');
    const ids = await seed({
      westBack: { answers: [...toHub('Help with routines', 'west'), { back: true }] },
      eastCall: { channel: 'phone', staff_token: eastPhone, answers: [{ option: 'yes' }] },
      aboutEast: { answers: [{ option: 'no' }, { option: 'yes' }], about: { work_area: 'east', agency: 'school' } },
    });
    const chatId = await handoffChat(eastHub);

    // West: the chat that went back from the West outcome, and nothing else.
    const west = await openReview();
    await signIn(west.page, westHub);
    await waitForListed(west.page, 1);
    assert.deepEqual(await listedIds(west.page), [ids.westBack]);
    await west.page.locator('#rv-list-body a').first().click();
    await west.page.getByText('West hub (the practitioner gave the area)').waitFor();
    await checkAccessibility(west.page, 'a West reviewer reading the conversation that went back');
    assert.deepEqual(west.problems, []);
    await west.context.close();

    // East: the call its phone line took, the Duty and Advice chat of a practitioner who works in East, and its handoff.
    const east = await openReview();
    const { page } = east;
    await signIn(page, eastHub);
    await waitForListed(page, 3);
    assert.deepEqual((await listedIds(page)).sort(), [ids.eastCall, ids.aboutEast, chatId].sort());
    // The first row is on the first screen at 1280x800: the filters are folded.
    await page.setViewportSize({ width: 1280, height: 800 });
    const firstRow = await page.locator('#rv-list-body tr').first().boundingBox();
    assert.ok(firstRow.y + firstRow.height <= 800, `the first row ends at ${firstRow.y + firstRow.height}px`);
    await checkAccessibility(page, 'the list with the filters folded');
    await screenshot(page, t, 'list-quick-views-desktop.png');

    // Quick view: calls not wrapped up.
    await page.getByRole('button', { name: 'Calls not wrapped up' }).click();
    await waitForListed(page, 1);
    assert.deepEqual(await listedIds(page), [ids.eastCall]);
    await page.getByRole('button', { name: 'Today' }).click();
    await waitForListed(page, 3);

    // The handoff chat, in order, with names and times, the wrap-up note and the end.
    await page.goto(server.staffUrl + '/#/c/' + chatId);
    const chat = page.getByRole('region', { name: 'Talking to a person' });
    await chat.waitFor();
    const messages = await chat.locator('.rv-chat-message').allTextContents();
    assert.equal(messages.length, 2);
    assert.match(messages[0], /^e2\.hub, \d{1,2} \w{3} \d{4}, \d\d:\d\d:\d\dHello, I can help: ring Duty and Advice first\.$/);
    assert.match(messages[1], /^Practitioner, .*Thank you, I will ring them now\.$/);
    assert.match(await chat.textContent(), /Wrap-up note\s*Advised to ring Duty and Advice\./);
    assert.match(await chat.textContent(), /Why they asked\s*Can someone talk this through with me\?/);
    assert.match(await page.locator('#rv-conv-body').textContent(), /Seen by\s*East hub \(the hub took the handoff\)/);
    assert.match(await page.locator('#rv-conv-body').textContent(), /Ended\s*The chat with .* ended/);
    await checkAccessibility(page, 'a transcript with a handoff chat');
    await screenshot(page, t, 'transcript-handoff-desktop.png');
    await page.setViewportSize({ width: 390, height: 844 });
    await noSidewaysScroll(page, 'a transcript with a handoff chat on a phone');
    await checkAccessibility(page, 'a transcript with a handoff chat on a phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Stats a hub manager expects.
    await page.goto(server.staffUrl + '/#/stats');
    const handoffs = page.getByRole('region', { name: 'Talking to a person' });
    await handoffs.waitFor();
    assert.match(await handoffs.textContent(), /Asked for a person\s*1.*Taken by someone\s*1.*Told no one was free\s*0/s);
    const phone = page.getByRole('region', { name: 'The phone line' });
    assert.match(await phone.textContent(), /Calls\s*1.*Calls not wrapped up\s*1/s);
    assert.match(await page.getByRole('table', { name: 'By role or agency' }).textContent(), /School\s*1/);
    assert.match(await page.getByRole('table', { name: 'By the area they work in' }).textContent(), /East Leeds\s*1/);
    assert.match(await page.getByRole('table', { name: 'By day of the week' }).textContent(), /Sunday/);
    await checkAccessibility(page, 'the stats with handoffs, the phone line, when and who');
    await page.setViewportSize({ width: 390, height: 844 });
    await noSidewaysScroll(page, 'the stats on a phone');
    await screenshot(page, t, 'stats-east-phone.png');
    assert.deepEqual(east.problems, []);
    await east.context.close();
  } finally {
    await server.stop();
    server = first;
  }
});
