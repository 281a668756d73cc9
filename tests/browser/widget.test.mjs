// Drives the chat widget (web/widget.js) the way the partnership's website uses it: a page from
// ANOTHER origin (localhost on a port of its own; rightconv is 127.0.0.1 on another) carries the
// script tag; the launcher opens the chat in an iframe served by rightconv. A site not in
// embed.allowed_sites gets the iframe blocked by the chat page's frame-ancestors.
// Run: RIGHTCONV_BIN=build/src/rightconv RIGHTCONV_SOURCE_DIR=$PWD node --test tests/browser/widget.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { SOURCE_DIR, checkAccessibility, checkSetup, launchBrowser, makeWorkspace, waitFor } from './server.mjs';

const FIRST_QUESTION = 'Is a child in immediate danger right now?';
const HARM_QUESTION = /seriously harmed or neglected/;
const LAUNCHER = 'Worried about a child?';
const TITLE = 'Early help in Leeds, for practitioners';
const COLOUR = '#003078';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

// A site's own styles aimed at everything the widget is made of: none may reach it.
const HOSTILE_CSS = 'button, iframe, dialog { display: none !important; } rightconv-widget { display: none; } * { font-size: 40px !important; }';

const workspace = makeWorkspace('rightconv-widget-');
let browser, server, site, otherSite;

// ---------- the sites that embed the chat ----------

// The demonstration page (web/embed-demo.html) as a site would serve it: its script tag pointing
// at the test's server, given twice (the widget must load once), a hostile style sheet, and a
// strict CSP of its own (scripts and frames from rightconv only, no inline style but its own).
function hostPage(chatUrl, label) {
  const demo = readFileSync(path.join(SOURCE_DIR, 'web', 'embed-demo.html'), 'utf8');
  const style = /<style>([\s\S]*?)<\/style>/.exec(demo)[1];
  const tag = `<script src="${chatUrl}/widget.js" data-dialog="early-help"${label ? ` data-label="${label}"` : ''} async></script>`;
  const html = demo
    .replace('</head>', '  <link rel="stylesheet" href="/hostile.css">\n</head>')
    .replace(/<script src="http:\/\/127\.0\.0\.1:8080\/widget\.js"[^>]*><\/script>/, `${tag}\n  ${tag}`);
  assert.ok(html.includes(`${tag}\n  ${tag}`), 'the demo page has its script tag');
  const csp = `default-src 'none'; script-src ${chatUrl}; frame-src ${chatUrl}; img-src 'self'; ` +
    `style-src 'self' 'sha256-${createHash('sha256').update(style).digest('base64')}'`;
  return { html, csp, plain: html.replaceAll(tag, '') };
}

// A site on its own port; `/` is the page with the widget, `/plain` the same page without it.
async function startSite({ label } = {}) {
  let page;
  const http404 = (res) => { res.writeHead(404); res.end(); };
  const listener = http.createServer((req, res) => {
    if (req.url === '/hostile.css') return res.writeHead(200, { 'content-type': 'text/css' }).end(HOSTILE_CSS);
    if (req.url === '/favicon.ico') return res.writeHead(204).end();
    if (req.url !== '/' && req.url !== '/plain') return http404(res);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': page.csp });
    res.end(req.url === '/' ? page.html : page.plain);
  });
  await new Promise((resolve) => listener.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://localhost:${listener.address().port}`,
    embed(chatUrl) { page = hostPage(chatUrl, label); },
    close() {
      listener.closeAllConnections();
      return new Promise((resolve) => listener.close(resolve));
    },
  };
}

// ---------- the page ----------

// Runs before any page script: counts every use of the site's cookies and storage in the top page.
function recordStorageUse() {
  if (window !== window.top) return;
  const uses = [];
  Object.defineProperty(window, '__storageUses', { value: uses });
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    get() { uses.push('document.cookie read'); return cookie.get.call(this); },
    set(v) { uses.push('document.cookie written'); cookie.set.call(this, v); },
  });
  for (const name of ['localStorage', 'sessionStorage', 'indexedDB', 'caches', 'cookieStore']) {
    const d = Object.getOwnPropertyDescriptor(window, name) || Object.getOwnPropertyDescriptor(Window.prototype, name);
    if (d && d.get) Object.defineProperty(window, name, { configurable: true, get() { uses.push(name); return d.get.call(window); } });
  }
}

async function openSite(url, viewport) {
  const context = await browser.newContext({ viewport });
  await context.addInitScript(recordStorageUse);
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const problems = [], consoleErrors = [], requests = [], sockets = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(url);
  return { context, page, problems, consoleErrors, requests, sockets };
}

// What has focus in the widget: the launcher, close, the iframe... or '' when it is elsewhere.
function focusInWidget(page) {
  return page.evaluate(() => {
    const host = document.querySelector('rightconv-widget');
    const inner = host && document.activeElement === host ? host.shadowRoot.activeElement : null;
    return inner ? inner.className || inner.tagName.toLowerCase() : '';
  });
}

async function waitForFocus(page, where) {
  await waitFor(`focus on the widget's ${where}`, async () => (await focusInWidget(page)) === where);
}

// The chat page's frame (rightconv's origin) in the host page.
function chatFrame(page) {
  return page.frames().find((f) => f.url().startsWith(server.url));
}

function widgetParts(page) {
  return {
    launcher: page.getByRole('button', { name: LAUNCHER }),
    dialog: page.getByRole('dialog', { name: TITLE }),
    chat: page.frameLocator(`iframe[title="${TITLE}: chat"]`),
  };
}

// The chat's first question inside the open panel, then axe-core on the host page around it.
async function checkChatShown(page, t, what, screenshotName) {
  await widgetParts(page).chat.getByRole('heading', { name: FIRST_QUESTION }).waitFor();
  await checkAccessibility(page, what);
  await workspace.screenshot(page, t, screenshotName);
}

// Escape from the panel's title bar closes it, and focus goes back to the launcher.
async function closeWithEscape(page) {
  const { launcher, dialog } = widgetParts(page);
  await dialog.getByRole('button', { name: 'Close' }).focus();
  await page.keyboard.press('Escape');
  await waitForFocus(page, 'launcher');
  assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
  assert.equal(await dialog.count(), 0);
}

// Messages a window posts to itself arrive in order: once this one has, so have those before it.
function messagesHandled(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const probe = `probe-${Math.random()}`;
    window.addEventListener('message', function seen(e) {
      if (e.data !== probe) return;
      window.removeEventListener('message', seen);
      resolve();
    });
    window.postMessage(probe, '*');
  }));
}

// ---------- the tests ----------

before(() => checkSetup('widget.js'));

before(async () => {
  [site, otherSite] = await Promise.all([startSite(), startSite({ label: 'Talk to us about a child' })]);
  server = await workspace.startServer({ config: { embed: { allowed_sites: [site.origin], title: TITLE, colour: COLOUR } } });
  site.embed(server.url);
  otherSite.embed(server.url);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  await Promise.all([site, otherSite].filter(Boolean).map((s) => s.close()));
  workspace.remove();
});

test('on a desktop the keyboard opens the chat in a panel at the bottom right, and Escape and Close return focus to the launcher', async (t) => {
  const { context, page, problems, consoleErrors } = await openSite(site.origin + '/', DESKTOP);
  const { launcher, dialog, chat } = widgetParts(page);
  await launcher.waitFor();
  assert.equal(await page.locator('rightconv-widget').count(), 1, 'the tag is on the page twice, the widget once');
  // Before axe-core adds its own: the widget's one global, against the same page without the tag.
  const plain = await context.newPage();
  await plain.goto(site.origin + '/plain');
  const names = await plain.evaluate(() => Object.getOwnPropertyNames(window));
  await plain.close();
  assert.deepEqual(await page.evaluate((before) => Object.getOwnPropertyNames(window).filter((n) => !before.includes(n)), names), ['RightconvWidget'], 'one global');
  const box = await launcher.boundingBox();
  assert.ok(box.width >= 44 && box.height >= 44, `the launcher is at least 44x44 (${box.width}x${box.height})`);
  assert.ok(box.height < 80, 'the site\'s font-size does not reach the launcher');
  assert.equal(await launcher.evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(0, 48, 120)', 'the configured colour');
  assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
  assert.equal(await dialog.count(), 0, 'closed: no dialog is shown');
  await checkAccessibility(page, 'the host page with the widget closed');
  await workspace.screenshot(page, t, 'widget-closed-desktop.png');

  // Tab to it, like anyone using a keyboard.
  for (let i = 0; i < 40 && (await focusInWidget(page)) !== 'launcher'; i += 1) await page.keyboard.press('Tab');
  assert.equal(await focusInWidget(page), 'launcher', 'Tab reaches the launcher');
  const ring = await launcher.evaluate((b) => `${getComputedStyle(b).outlineStyle} ${getComputedStyle(b).outlineWidth}`);
  assert.equal(ring, 'solid 3px', 'the focused launcher shows a focus outline');

  await page.keyboard.press('Enter');
  await dialog.waitFor();
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
  assert.equal(await dialog.getAttribute('aria-modal'), null, 'beside the page, not modal');
  await waitForFocus(page, 'iframe');
  const panel = await dialog.boundingBox();
  assert.ok(panel.width <= 400 && panel.height <= 640, `at most 400x640 (${panel.width}x${panel.height})`);
  assert.ok(panel.x >= 0 && panel.y >= 0 && panel.x + panel.width <= DESKTOP.width && panel.y + panel.height <= DESKTOP.height, 'within the viewport');
  assert.ok(panel.x + panel.width >= DESKTOP.width - 32 && panel.y + panel.height >= DESKTOP.height - 120, 'at the bottom right');

  assert.equal(await page.locator('iframe').getAttribute('src'), `${server.url}/?embed=1&dialog=early-help`);
  await checkChatShown(page, t, 'the host page with the widget open', 'widget-open-desktop.png');
  await waitFor('the chat page to have the keyboard', () => chatFrame(page).evaluate(() => document.hasFocus()));
  await closeWithEscape(page);

  // Opened again, it is the same conversation; Close returns focus too.
  await page.keyboard.press('Enter');
  await chat.locator('.rc-options').getByRole('button', { name: 'No', exact: true }).click();
  await chat.getByRole('heading', { name: HARM_QUESTION }).waitFor();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await waitForFocus(page, 'launcher');
  await launcher.click();
  await chat.getByRole('heading', { name: HARM_QUESTION }).waitFor();

  // The chat page may ask to close (Escape inside the frame); nobody else may.
  await page.evaluate(() => window.postMessage({ type: 'rightconv:close' }, '*'));
  await messagesHandled(page);
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true', 'the site\'s own message is ignored');
  await chatFrame(page).evaluate(() => window.parent.postMessage({ type: 'rightconv:close' }, '*'));
  await waitForFocus(page, 'launcher');
  assert.equal(await dialog.count(), 0);

  assert.deepEqual(await page.evaluate(() => window.__storageUses), [], 'the widget never touches the site\'s cookies or storage');
  assert.deepEqual(problems, []);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('on a phone the chat fills the screen as a modal dialog', async (t) => {
  const { context, page, problems } = await openSite(site.origin + '/', PHONE);
  const { launcher, dialog } = widgetParts(page);
  const box = await launcher.boundingBox();
  assert.ok(box.width >= 44 && box.height >= 44 && box.x + box.width <= PHONE.width, 'the launcher fits the phone');
  await launcher.click();
  await dialog.waitFor();
  assert.equal(await dialog.getAttribute('aria-modal'), 'true');
  assert.ok(await dialog.evaluate((d) => d.matches(':modal')), 'the page behind is inert');
  assert.deepEqual(await dialog.boundingBox(), { x: 0, y: 0, ...PHONE }, 'full screen');
  await waitForFocus(page, 'iframe');
  await checkChatShown(page, t, 'the host page with the widget open on a phone', 'widget-open-phone.png');
  // Turned to a desktop's width while open: the same panel, now beside the page and not modal.
  await page.setViewportSize(DESKTOP);
  await waitFor('the panel to stop being modal', () => dialog.evaluate((d) => d.open && !d.matches(':modal')));
  assert.equal(await dialog.getAttribute('aria-modal'), null);
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
  assert.equal(await focusInWidget(page), 'iframe', 'focus stays in the chat');
  assert.ok((await dialog.boundingBox()).width <= 400);
  await closeWithEscape(page);

  // Closed by the browser itself (a phone's back gesture closes a modal dialog): the launcher
  // says so and has focus back.
  await page.setViewportSize(PHONE);
  await launcher.click();
  await dialog.waitFor();
  await dialog.evaluate((d) => (d.requestClose ? d.requestClose() : d.close()));
  // The close event comes a task after the dialog closed: wait for what it changes.
  await waitFor('the launcher to say the panel is closed', async () => (await launcher.getAttribute('aria-expanded')) === 'false');
  assert.equal(await focusInWidget(page), 'launcher');
  assert.deepEqual(problems, []);
  await context.close();
});

test('without document.currentScript the widget finds its own tag by its src', async () => {
  const { context, page } = await openSite(site.origin + '/plain', DESKTOP);
  // The tag, inert, and the served script run where document.currentScript is null.
  const script = await (await fetch(`${server.url}/widget.js`)).text();
  await page.evaluate((src) => {
    const tag = document.createElement('script');
    tag.type = 'text/plain';
    tag.src = src;
    tag.dataset.dialog = 'early-help';
    tag.dataset.label = 'Found by its src';
    document.body.appendChild(tag);
  }, `${server.url}/widget.js`);
  await page.evaluate(script);
  await page.getByRole('button', { name: 'Found by its src' }).click();
  await widgetParts(page).chat.getByRole('heading', { name: FIRST_QUESTION }).waitFor();
  await context.close();
});

test('a site not in embed.allowed_sites cannot frame the chat: its content never loads', async (t) => {
  const { context, page, consoleErrors, requests, sockets } = await openSite(otherSite.origin + '/', DESKTOP);
  const launcher = page.getByRole('button', { name: 'Talk to us about a child' });
  await launcher.click();
  const dialog = page.getByRole('dialog', { name: TITLE });
  await dialog.waitFor();
  await waitFor('the browser to refuse the frame', () => consoleErrors.some((m) =>
    m.startsWith(`Framing '${server.url}/' violates the following Content Security Policy directive: "frame-ancestors 'self' ${site.origin}"`)));
  await waitFor('the frame to show the browser\'s error page', () => page.frames().some((f) => f.url() === 'chrome-error://chromewebdata/'));
  assert.equal(await page.frameLocator('iframe').getByRole('heading', { name: FIRST_QUESTION }).count(), 0);
  assert.deepEqual(requests.filter((u) => u.startsWith(server.url) && !u.endsWith('/widget.js') && !u.includes('?embed=1')), [],
    'nothing of the chat page (chat.js, chat.css) was fetched');
  assert.deepEqual(sockets, [], 'no chat was opened');
  // The way out when a site is not (yet) allowed: the chat in a tab of its own.
  assert.equal(await dialog.getByRole('link', { name: 'Open in a new tab' }).getAttribute('href'), `${server.url}/?dialog=early-help`);
  await workspace.screenshot(page, t, 'widget-blocked.png');
  await context.close();
});

test('Escape inside the chat page closes the panel', async () => {
  const { context, page } = await openSite(site.origin + '/', DESKTOP);
  try {
    const { launcher, chat } = widgetParts(page);
    await launcher.click();
    await chat.getByRole('heading', { name: FIRST_QUESTION }).waitFor();
    await waitForFocus(page, 'iframe');
    await waitFor('the chat page to have the keyboard', () => chatFrame(page).evaluate(() => document.hasFocus()));
    await page.keyboard.press('Escape');
    await waitFor('the panel to close', async () => (await launcher.getAttribute('aria-expanded')) === 'false');
  } finally {
    await context.close();
  }
});
