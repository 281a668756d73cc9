// Urgent first, on the chat page in Debian's Chromium against the real server, on a desktop
// (1280x800) and a phone (390x844): the "Call 999" bar stays on screen however far the
// conversation scrolls and never hides what has focus; every phone number is a tel: button at
// least 44px high; the safety alert appears where the practitioner is looking, takes focus, is
// announced, and offers to change an earlier "No".
// Run: RIGHTCONV_BIN=build/src/rightconv RIGHTCONV_SOURCE_DIR=$PWD node --test tests/browser/chat-urgent.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { animationsSettled, checkAccessibility, checkSetup, launchBrowser, makeWorkspace } from './server.mjs';
import { FIRST_QUESTION, HARM_QUESTION, TALKED, THEY_SAID, STEP_DOWN, NEEDS, choose, current, openChatPage } from './chat-steps.mjs';

const SIZES = [{ name: 'desktop', width: 1280, height: 800 }, { name: 'phone', width: 390, height: 844, touch: true }];

const workspace = makeWorkspace('rightconv-urgent-');
const screenshot = (page, t, name) => workspace.screenshot(page, t, name);
let browser;
let server;

async function openChat(options) {
  return openChatPage(browser, server.url, options);
}



// The urgent bar's box, and whether it is inside the viewport.
async function barOnScreen(page) {
  return page.locator('#rc-urgent-bar').evaluate((bar) => {
    const r = bar.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, visible: r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0 };
  });
}

// Every tel: link on the page is at least 44px high (and wide).
// Measured once the outcome card has finished coming in (a box mid-animation read 43.9999px).
async function telTargets(page) {
  await animationsSettled(page);
  return page.locator('a[href^="tel:"]').evaluateAll((links) => links.filter((a) => a.getClientRects().length)
    .map((a) => ({ text: a.textContent, width: a.getBoundingClientRect().width, height: a.getBoundingClientRect().height })));
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

for (const size of SIZES) {
  test(`the Call 999 bar stays on screen and never hides the focused control (${size.name})`, async (t) => {
    const { context, page, problems } = await openChat(size);
    const call = page.locator('#rc-urgent-bar a[href="tel:999"]');
    assert.equal(await call.textContent(), 'Call 999');
    const box = await call.boundingBox();
    assert.ok(box.height >= 44 && box.width >= 44, `the bar's Call 999 is at least 44x44 (${box.width}x${box.height})`);

    // A long conversation: the page scrolls, the bar stays.
    await choose(page, 'No', HARM_QUESTION);
    await choose(page, 'No', TALKED);
    await choose(page, 'Yes, we have talked about it', THEY_SAID);
    await choose(page, 'The child and the family agree', STEP_DOWN);
    await choose(page, 'No', NEEDS);
    const scrolled = await page.evaluate(() => window.scrollY);
    assert.ok(scrolled > 0 || size.name === 'desktop', 'the phone has scrolled');
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const bar = await barOnScreen(page);
    assert.ok(bar.visible, `the bar is on screen after scrolling (${JSON.stringify(bar)})`);

    // Focus not obscured: Tab down through every control, then Shift+Tab back up (which scrolls
    // controls into view at the top, where the bar is); none ends up under the bar.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('body').focus();
    for (let i = 0; i < 60; i += 1) {
      await page.keyboard.press(i < 30 ? 'Tab' : 'Shift+Tab');
      const hidden = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body || el.closest('#rc-urgent-bar')) return null;
        const r = el.getBoundingClientRect();
        const bar = document.getElementById('rc-urgent-bar').getBoundingClientRect();
        // What is drawn at the middle of the focused control: the control itself, or the bar.
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 10));
        const covered = !hit || (hit !== el && !el.contains(hit) && !(el.labels && [...el.labels].includes(hit)));
        return covered ? `${el.tagName} "${el.textContent.trim().slice(0, 40)}" (${r.top}-${r.bottom}, bar ${bar.top}-${bar.bottom}, drawn: ${hit && hit.className})` : null;
      });
      assert.equal(hidden, null, 'the focused control is not under the urgent bar');
    }
    // The hard case: a control sitting just under the bar, reached by Shift+Tab from the one after
    // it. The browser must bring it out from under the bar (scroll-padding in chat.css).
    const placed = await page.evaluate(() => {
      const options = [...document.querySelectorAll('.rc-options .rc-option')];
      const target = options[options.length - 2];
      const next = options[options.length - 1];
      document.body.style.paddingBottom = window.innerHeight + 'px'; // room to scroll it up under the bar
      window.scrollBy(0, target.getBoundingClientRect().top - 8);
      next.focus({ preventScroll: true });
      return document.getElementById('rc-urgent-bar').getBoundingClientRect().bottom > target.getBoundingClientRect().top + 10;
    });
    assert.ok(placed, 'the control starts under the bar');
    await page.keyboard.press('Shift+Tab');
    const uncovered = await page.evaluate(() => {
      const r = document.activeElement.getBoundingClientRect();
      return r.top >= document.getElementById('rc-urgent-bar').getBoundingClientRect().bottom - 1;
    });
    assert.ok(uncovered, 'Shift+Tab brings the control out from under the bar');
    await screenshot(page, t, `urgent-bar-${size.name}.png`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`the safety alert appears where the practitioner is looking, takes focus, and offers to change an earlier No (${size.name})`, async (t) => {
    const { context, page, problems } = await openChat(size);
    await choose(page, 'No', HARM_QUESTION);
    await choose(page, 'No', TALKED);
    await page.getByLabel('Type your answer').fill('yes, and his dad hit him last night');
    await page.getByRole('button', { name: 'Send' }).click();

    const alert = page.locator('.rc-alert');
    await alert.waitFor();
    assert.equal(await alert.getAttribute('role'), 'alert', 'announced to screen readers');
    await page.waitForFunction(() => document.activeElement && document.activeElement.closest('.rc-alert'));
    const inView = await alert.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.top < window.innerHeight;
    });
    assert.ok(inView, 'the alert is in view');
    // It comes after what was typed (the bottom of the conversation), not at the top of the page.
    const order = await page.evaluate(() => {
      const log = [...document.querySelectorAll('#rc-log > *')];
      return { alert: log.findIndex((el) => el.classList.contains('rc-alert')), typed: log.findIndex((el) => el.textContent.includes('his dad hit him')) };
    });
    assert.ok(order.alert > order.typed, 'the alert follows the typed text');

    const call = alert.locator('a[href="tel:999"]');
    assert.equal(await call.textContent(), 'Call 999');
    assert.ok((await call.boundingBox()).height >= 44);
    assert.equal(await alert.locator('a[href="tel:01133760336"]').textContent(), 'Call 0113 376 0336');
    const earlier = await alert.locator('.rc-alert-change').textContent();
    assert.match(earlier, /You answered "No" to "Is a child in immediate danger right now\?" earlier: if what you typed changes that, choose Change my answer\./);
    assert.match(earlier, /You answered "No" to "Do you think the child \(or unborn baby\) is being, or has been, seriously harmed/);
    await checkAccessibility(page, 'the safety alert');
    await screenshot(page, t, `alert-${size.name}.png`);
    for (const target of await telTargets(page)) assert.ok(target.height >= 44, `${target.text} is at least 44px high (${target.height})`);

    // Change my answer: back to the danger question; Back returns to where it was.
    await alert.getByRole('button', { name: 'Change my answer' }).click();
    await current(page, FIRST_QUESTION).waitFor();
    await page.waitForFunction((q) => document.activeElement && document.activeElement.textContent === q, FIRST_QUESTION);
    await choose(page, 'No', HARM_QUESTION);
    await choose(page, 'Yes, I think so', /Duty and Advice/);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('every phone number on an outcome is a tel: button at least 44px high', async (t) => {
  const { context, page, problems } = await openChat(SIZES[1]);
  await choose(page, "I'm not sure", /Not sure\?/);
  const targets = await telTargets(page);
  assert.ok(targets.some((x) => x.text === 'Call 0113 376 0336'), JSON.stringify(targets));
  for (const target of targets) assert.ok(target.height >= 44 && target.width >= 44, `${target.text} is at least 44x44 (${target.width}x${target.height})`);
  assert.equal(await page.locator('article.rc-outcome-urgent').count(), 1, 'not sure about danger is an urgent card');
  await checkAccessibility(page, 'not sure about danger, on a phone');
  await screenshot(page, t, 'danger-unsure-phone.png');
  assert.deepEqual(problems, []);
  await context.close();
});
