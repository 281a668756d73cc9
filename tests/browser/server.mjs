// Shared by the browser tests: the environment they need (the rightconv binary, the source tree,
// Debian's Chromium, playwright-core), a temporary workspace per test file, and the real server
// started on port 0 with its own database (chat, staff and console listeners), stopped with SIGTERM.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

// playwright-core comes from `npm ci` in this folder; say so plainly when it has not been run.
export const { chromium } = await import('playwright-core').catch((e) => {
  throw new Error(`playwright-core is not installed: run \`npm ci\` in tests/browser (scripts/install-browser-deps.sh does it). ${e.message}`);
});

export const BIN = process.env.RIGHTCONV_BIN;
export const SOURCE_DIR = process.env.RIGHTCONV_SOURCE_DIR;
export const CHROMIUM = process.env.RIGHTCONV_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Fails early, with the fix, when the binary, the source tree (checked by one of its web/ files)
// or Chromium is missing.
export function checkSetup(webFile) {
  assert.ok(BIN && existsSync(BIN), 'set RIGHTCONV_BIN to the rightconv binary');
  assert.ok(SOURCE_DIR && existsSync(path.join(SOURCE_DIR, 'web', webFile)), 'set RIGHTCONV_SOURCE_DIR to the source tree');
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install chromium)`);
}

// axe-core (from npm, pinned in package-lock.json) checks a page state against WCAG 2.2 AA, the
// standard UK public sector sites must meet. It is evaluated through the DevTools protocol, so the
// page's strict Content-Security-Policy stays on.
const AXE_SOURCE = readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// Every running animation finished: a card fading or sliding in is measured at its final state
// (its colours for contrast, its size for target checks), not half-way.
export async function animationsSettled(page) {
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null))));
}

export async function checkAccessibility(page, what) {
  await animationsSettled(page);
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(`${AXE_SOURCE}\n;0`);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), WCAG_TAGS);
  const problems = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(problems, [], `axe-core found WCAG 2.2 AA problems in ${what}`);
}

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export async function waitFor(what, check, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(25);
  }
}

// `rightconv staff add` prints the new token once, on the first line of stdout.
export function addStaff(db, id, role, name) {
  const args = ['staff', 'add', id, '--role', role, '--db', db];
  if (name) args.push('--name', name);
  const token = execFileSync(BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0].trim();
  assert.match(token, /^rcs_\S+$/);
  return token;
}

// Waits up to 10 s for the server's write lock (the sqlite3 shell waits none by default, and the
// server's writer and checkpointer hold it briefly after every batch).
export function sqlite(db, sql) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 10000', db, sql], { encoding: 'utf8' }).trim();
}

// Presses Tab until `isTarget` (run in the page) is true: a control reached by keyboard alone.
export async function tabTo(page, isTarget, what, limit = 60) {
  for (let i = 0; i < limit; i += 1) {
    if (await page.evaluate(isTarget)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`${what} can be reached with Tab`);
}

// Clicks a control marked aria-disabled, which still takes clicks so it can say why it did nothing.
// Playwright's forced click measures the box, then moves the mouse: a smooth scroll or a banner
// changing height in between sends the click elsewhere. Here the hit test and the click happen in
// one task, so nothing moves between them, and a control that ignored the pointer still fails.
export async function clickUnusable(locator) {
  const hit = await locator.evaluate((el) => {
    el.scrollIntoView({ block: 'center', behavior: 'instant' });
    const box = el.getBoundingClientRect();
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    if (!top || !el.contains(top)) return top ? top.outerHTML.slice(0, 120) : 'nothing';
    el.click();
    return '';
  });
  assert.equal(hit, '', 'the control itself is under the pointer');
}

export async function noSidewaysScroll(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at 360px on ${what} (overflow ${overflow}px)`);
}

// A temporary folder for one test file: servers' databases and screenshots. Screenshots go to
// RIGHTCONV_SCREENSHOT_DIR when set; the folder is kept when that or RIGHTCONV_KEEP_TMP is set.
export function makeWorkspace(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const screenshotDir = process.env.RIGHTCONV_SCREENSHOT_DIR || path.join(dir, 'screenshots');
  mkdirSync(screenshotDir, { recursive: true });
  let serverCount = 0;
  return {
    dir,
    screenshotDir,
    // Starts `rightconv serve` in its own folder, on port 0 unless given (`port` is the chat
    // listener's), with its own database unless `db` is given; resolves once every listener's
    // /healthz answers.
    // `config` (an object) is laid over config/rightconv.json, key by key, into a config file.
    startServer({ port = 0, staffPort = 0, consolePort = 0, db, config } = {}) {
      serverCount += 1;
      const serverDir = path.join(dir, `server-${serverCount}`);
      mkdirSync(serverDir);
      let configFile;
      if (config) {
        configFile = path.join(serverDir, 'rightconv.json');
        const base = JSON.parse(readFileSync(path.join(SOURCE_DIR, 'config', 'rightconv.json'), 'utf8'));
        writeFileSync(configFile, JSON.stringify(overlay(base, config), null, 2));
      }
      return startServer({ dir: serverDir, port, staffPort, consolePort, db: db || path.join(serverDir, 't.db'), configFile });
    },
    async screenshot(page, t, name) {
      const file = path.join(screenshotDir, name);
      // The whole page, or (RIGHTCONV_SCREENSHOT_VIEWPORT, for docs/screens) the screen as seen.
      await page.screenshot({ path: file, fullPage: !process.env.RIGHTCONV_SCREENSHOT_VIEWPORT });
      t.diagnostic(`screenshot: ${file}`);
    },
    remove() {
      if (!process.env.RIGHTCONV_SCREENSHOT_DIR && !process.env.RIGHTCONV_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// `over` laid on `base`: objects merge key by key, anything else replaces.
function overlay(base, over) {
  if (!base || typeof base !== 'object' || Array.isArray(base) || !over || typeof over !== 'object' || Array.isArray(over)) return over;
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = overlay(base[k], v);
  return out;
}

async function startServer({ dir, port, staffPort, consolePort, db, configFile }) {
  const portFile = path.join(dir, 'ports');
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--staff-listen', `127.0.0.1:${staffPort}`,
    '--console-listen', `127.0.0.1:${consolePort}`, '--port-file', portFile, '--db', db];
  if (configFile) args.push('--config', configFile);
  const child = spawn(BIN, args, { cwd: SOURCE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let exit = null;
  exited.then((e) => { exit = e; });

  let ports;
  try {
    // The port file has three lines: chat, staff and console ports.
    ports = await waitFor('the port file', () => {
      if (exit) throw new Error(`rightconv serve exited early (${JSON.stringify(exit)}):\n${output}`);
      if (!existsSync(portFile)) return null;
      const lines = readFileSync(portFile, 'utf8').trim().split('\n');
      return lines.length === 3 && lines.every((l) => /^\d+$/.test(l)) ? lines.map(Number) : null;
    });
    for (const p of ports) {
      await waitFor(`/healthz on ${p}`, async () => {
        if (exit) throw new Error(`rightconv serve exited (${JSON.stringify(exit)}):\n${output}`);
        try {
          return (await fetch(`http://127.0.0.1:${p}/healthz`)).ok;
        } catch {
          return false;
        }
      });
    }
  } catch (e) {
    if (!exit) child.kill('SIGKILL');
    throw e;
  }

  const [chatPort, staffListenPort, consoleListenPort] = ports;
  return {
    url: `http://127.0.0.1:${chatPort}`,
    chatUrl: `http://127.0.0.1:${chatPort}`,
    staffUrl: `http://127.0.0.1:${staffListenPort}`,
    port: chatPort,
    staffPort: staffListenPort,
    consolePort: consoleListenPort,
    db,
    output: () => output,
    // SIGTERM, then waits for the clean exit that commits everything queued.
    async stop() {
      if (!exit) child.kill('SIGTERM');
      let timer;
      const timeout = new Promise((resolve) => { timer = setTimeout(resolve, 15000, null); });
      const result = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (!result) {
        child.kill('SIGKILL');
        throw new Error(`rightconv serve did not stop on SIGTERM:\n${output}`);
      }
      return result;
    },
  };
}
