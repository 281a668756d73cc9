// The chat page's layout in Debian's Chromium against the real server: outcomes short enough that
// the next step, its number and Copy / Print / Download fit the first screen (desktop 1280x800 and
// phone 390x844); reflow at 320px with no sideways scrolling; every control a target of at least
// 24x24px (WCAG 2.2 AA 2.5.8) and every answer button 44px high; no sticky hover on touch screens;
// and the page inside the embeddable widget's frame (?embed=1).
// Run: RIGHTCONV_BIN=build/src/rightconv RIGHTCONV_SOURCE_DIR=$PWD node --test tests/browser/chat-layout.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAccessibility, checkSetup, launchBrowser, makeWorkspace, noSidewaysScroll } from './server.mjs';
import { FIRST_QUESTION, HARM_QUESTION, TALKED, THEY_SAID, STEP_DOWN, NEEDS, choose, current, openChatPage, toAreaQuestion } from './chat-steps.mjs';

const WEST = /request to the West Early Help Hub/;

const workspace = makeWorkspace('rightconv-layout-');
const screenshot = (page, t, name) => workspace.screenshot(page, t, name);
let browser;
let server;

async function openChat(options) {
  return openChatPage(browser, server.url, options);
}



async function toWestHub(page) {
  await toAreaQuestion(page, 'Routines at home');
  await choose(page, 'West Leeds', WEST);
}

// Smooth scrolling (focus moving to a new card) has come to rest: the same position over several
// samples a tenth of a second apart (a smooth scroll can take a moment to start). Two frames
// first: the page starts its scroll in a frame callback, which a loaded machine can hold back.
async function scrollSettled(page) {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  let last = -1;
  let same = 0;
  while (same < 5) {
    const y = await page.evaluate(() => window.scrollY);
    same = y === last ? same + 1 : 0;
    last = y;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Controls smaller than 24x24 px (WCAG 2.2 AA, 2.5.8), among the visible ones.
async function smallTargets(page) {
  return page.locator('button, a[href], input, summary').evaluateAll((els) => els
    .filter((el) => el.getClientRects().length && !el.classList.contains('rc-skip'))
    .map((el) => ({ text: (el.textContent || el.getAttribute('aria-label') || el.tagName).trim().slice(0, 40), r: el.getBoundingClientRect() }))
    .filter(({ r }) => r.width < 24 || r.height < 24)
    .map(({ text, r }) => `${text} (${Math.round(r.width)}x${Math.round(r.height)})`));
}

before(() => checkSetup('index.html'));

before(async () => {
  browser = await launchBrowser();
  server = await workspace.startServer();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  workspace.remove();
});

for (const size of [{ name: 'desktop', width: 1280, height: 800 }, { name: 'phone', width: 390, height: 844, touch: true }]) {
  test(`the West hub outcome leads with the next step, its contacts and Copy / Print / Download on the first screen (${size.name})`, async (t) => {
    const { context, page, problems } = await openChat(size);
    await toWestHub(page);
    const card = page.locator('article.rc-outcome');
    await page.waitForFunction(() => document.activeElement && document.activeElement.classList.contains('rc-card-title'));
    await scrollSettled(page);
    await page.screenshot({ path: `${workspace.screenshotDir}/west-hub-first-screen-${size.name}.png` });
    // The page has brought the card's top into view; the actions are on that same screen.
    const screen = await page.evaluate(() => {
      const bottom = (sel) => document.querySelector(sel).getBoundingClientRect().bottom;
      return { height: window.innerHeight, actions: bottom('article.rc-outcome .rc-summary-actions'), reference: bottom('article.rc-outcome .rc-reference'),
        card: document.querySelector('article.rc-outcome').getBoundingClientRect().top, y: window.scrollY, doc: document.documentElement.scrollHeight,
        vv: window.visualViewport && window.visualViewport.offsetTop };
    });
    assert.ok(screen.actions <= screen.height, `Copy / Print / Download are on the first screen (${JSON.stringify(screen)})`);
    assert.ok(screen.reference <= screen.height, 'and the reference');
    assert.match(await card.locator('.rc-reference-code').textContent(), /^EH-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    assert.ok((await card.locator('.rc-points li').count()) <= 3, 'at most three points');
    // Forms, guidance and sources are folded, sources named by their titles (never file names).
    const more = card.locator('details.rc-more');
    assert.equal(await more.evaluate((d) => d.open), false);
    await more.locator('summary').click();
    const sources = await more.locator('.rc-sources li').allTextContents();
    assert.ok(sources.length > 0);
    for (const s of sources) assert.doesNotMatch(s, /\.txt$/, `a source is named by its title: ${s}`);
    assert.ok(sources.some((s) => /One minute guide No\. 33/.test(s)), sources.join('; '));
    for (const text of await more.locator('.rc-items, .rc-sources').allTextContents())
      assert.doesNotMatch(text, /\d{3}_[0-9a-f]{16}\.txt/, 'no file names');
    await more.locator('summary').click();
    const cardHeight = (await card.boundingBox()).height;
    t.diagnostic(`West hub outcome card: ${Math.round(cardHeight)}px high, folded`);
    assert.ok(cardHeight <= 2 * size.height, `the folded outcome is at most two screens high (${cardHeight}px)`);
    assert.deepEqual(await smallTargets(page), [], 'every control is at least 24x24px');
    await checkAccessibility(page, `the West hub outcome (${size.name})`);
    await screenshot(page, t, `west-hub-${size.name}.png`); // the whole page
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('reflow at 320px: no sideways scrolling on a question, an alert and an outcome', async (t) => {
  const { context, page, problems } = await openChat({ width: 320, height: 640, touch: true });
  await noSidewaysScroll(page, 'the first question at 320px');
  await page.getByLabel('Type your answer').fill('she is scared to go home');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.rc-alert').waitFor();
  await noSidewaysScroll(page, 'the alert at 320px');
  await choose(page, 'No', HARM_QUESTION);
  await choose(page, 'Yes, I think so', /Duty and Advice/);
  await noSidewaysScroll(page, 'the Duty and Advice outcome at 320px');
  await page.locator('details.rc-more > summary').click();
  await noSidewaysScroll(page, 'the outcome unfolded at 320px');
  for (const b of await page.locator('.rc-button, .rc-tel, .rc-call-999').evaluateAll((els) => els.filter((e) => e.getClientRects().length)
    .map((e) => ({ text: e.textContent, h: e.getBoundingClientRect().height })))) assert.ok(b.h >= 44, `${b.text} is 44px high (${b.h})`);
  assert.deepEqual(await smallTargets(page), []);
  await checkAccessibility(page, 'the outcome at 320px');
  await screenshot(page, t, 'duty-and-advice-320.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('no sticky hover on a touch screen: the option under the finger on the next question is not shown as chosen', async () => {
  const { context, page, problems } = await openChat({ width: 390, height: 844, touch: true });
  assert.equal(await page.evaluate(() => matchMedia('(hover: hover)').matches), false, 'a touch screen cannot hover');
  const plain = await page.locator('.rc-options .rc-option').first().evaluate((b) => getComputedStyle(b).backgroundColor);
  // Tap "No" on each question. A touch browser leaves its pointer where the finger was, so :hover
  // sticks to whatever comes there next: put the pointer on an option of the next question, as
  // the last tap does, and that option must still look untouched.
  for (const [label, next] of [['No', HARM_QUESTION], ['No', TALKED]]) {
    await choose(page, label, next, true);
    await scrollSettled(page);
    const option = page.locator('.rc-options .rc-option').first();
    const box = await option.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    assert.equal(await option.evaluate((b) => b.matches(':hover')), true, 'the pointer is on the option');
    const looks = await page.locator('.rc-options .rc-option').evaluateAll((els) => els.map((b) => getComputedStyle(b).backgroundColor));
    for (const bg of looks) assert.equal(bg, plain, 'no option looks chosen after a tap');
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('in the widget frame (?embed=1&dialog=...) the page keeps the Call 999 bar and drops the long introduction', async (t) => {
  const { context, page, problems } = await openChat({ width: 400, height: 640, query: '?embed=1&dialog=early-help' });
  assert.equal(await page.locator('#rc-chat').evaluate((el) => el.classList.contains('rc-embedded')), true);
  assert.equal(await page.locator('.rc-intro').evaluate((el) => el.getBoundingClientRect().height <= 1), true, 'the introduction is out of sight');
  assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, 'the page still has its heading for screen readers');
  assert.ok(await page.locator('#rc-urgent-bar a[href="tel:999"]').isVisible());
  await noSidewaysScroll(page, 'the embedded page');
  await checkAccessibility(page, 'the embedded page');
  await screenshot(page, t, 'embedded-400.png');
  // An unknown dialog id in the address is not passed on as anything but an id.
  await page.goto(server.url + '/?embed=1&dialog=%3Cscript%3E');
  await page.getByRole('heading', { name: FIRST_QUESTION }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});
