// rightconv behind Debian's nginx with TLS, as docs/deployment.md ("TLS with nginx") sets it up:
// the shipped site file (packaging/nginx/rightconv.conf) with only its ports, name, certificate
// and folders substituted, a self-signed certificate made here with the openssl CLI, nginx run in
// the foreground on loopback with everything in a temporary folder. Checks: a conversation to an
// outcome in Chromium over https and wss:// through nginx (axe-core on the outcome); TLS 1.2 and
// 1.3 only; HSTS on every response; plain http redirected; the Origin check behind the proxy
// (nginx passes Origin on; a foreign origin is refused, the configured one accepted); the staff
// listener not reachable through the public site; and limits.max_chats_per_address counting the
// address nginx forwards, believed only because the peer (nginx, 127.0.0.1) is in
// limits.trusted_proxies: a client cannot pose as another address through nginx, nor directly
// from an untrusted address.
// The clients pick their source address in 127.0.0.0/8 (all of it is this machine on Linux).
// Run: RIGHTCONV_BIN=build/src/rightconv RIGHTCONV_SOURCE_DIR=$PWD node --test tests/browser/nginx-tls.test.mjs
// RIGHTCONV_NGINX overrides /usr/sbin/nginx; RIGHTCONV_KEEP_TMP=1 keeps the folder (nginx's logs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import path from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS, SOURCE_DIR, checkAccessibility, checkSetup, chromium, makeWorkspace, sqlite, waitFor } from './server.mjs';
import { FIRST_QUESTION, choose, current, toAreaQuestion } from './chat-steps.mjs';

const NGINX = process.env.RIGHTCONV_NGINX || '/usr/sbin/nginx';
const SITE_FILE = path.join(SOURCE_DIR || '.', 'packaging', 'nginx', 'rightconv.conf');
const SITE = 'chat.rightconv.test';  // Chromium resolves it to 127.0.0.1 (--host-resolver-rules)
const FOREIGN = 'https://evil.example';

const workspace = makeWorkspace('rightconv-nginx-');
const dir = workspace.dir;
let browser, server, nginx, cert, httpsPort, httpPort, origin;
const sockets = [];  // chats held open by the raw clients, closed at the end

// ---------- set-up: certificate, rightconv, nginx ----------

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function makeCertificate() {
  const key = path.join(dir, 'tls', 'key.pem');
  const crt = path.join(dir, 'tls', 'cert.pem');
  mkdirSync(path.dirname(key), { mode: 0o700 });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', `/CN=${SITE}`, '-addext', `subjectAltName=DNS:${SITE}`, '-keyout', key, '-out', crt], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { key, crt, pem: readFileSync(crt, 'utf8') };
}

// The shipped site file with each placeholder replaced; every one must be there, so a change to
// the file that the test does not know about fails here instead of testing something else.
function siteConfig(chatPort) {
  let text = readFileSync(SITE_FILE, 'utf8');
  const acme = path.join(dir, 'acme');
  mkdirSync(path.join(acme, '.well-known', 'acme-challenge'), { recursive: true });
  writeFileSync(path.join(acme, '.well-known', 'acme-challenge', 'probe'), 'challenge answer\n');
  const swaps = [
    ['listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`],
    ['listen [::]:443 ssl http2;', ''],
    ['listen 80;', `listen 127.0.0.1:${httpPort};`],
    ['listen [::]:80;', ''],
    ['/etc/letsencrypt/live/chat.example.org.uk/fullchain.pem', cert.crt],
    ['/etc/letsencrypt/live/chat.example.org.uk/privkey.pem', cert.key],
    ['server_name chat.example.org.uk;', `server_name ${SITE};`],
    ['root /var/www/html;', `root ${acme};`],
    ['server 127.0.0.1:8080;', `server 127.0.0.1:${chatPort};`],
  ];
  for (const [from, to] of swaps) {
    assert.ok(text.includes(from), `packaging/nginx/rightconv.conf has \`${from}\` (the test substitutes it)`);
    text = text.split(from).join(to);
  }
  const left = text.split('\n').filter((l) => !/^\s*#/.test(l) && /example\.org\.uk|\/etc\/|\/var\/|:443|\b80;/.test(l));
  assert.deepEqual(left, [], 'nothing in the site outside the test folder');
  return text;
}

async function startNginx(chatPort) {
  const prefix = path.join(dir, 'nginx');
  mkdirSync(path.join(prefix, 'temp'), { recursive: true });
  writeFileSync(path.join(prefix, 'rightconv.conf'), siteConfig(chatPort));
  const temp = (name) => path.join(prefix, 'temp', name);
  // Debian's own nginx.conf is not used: only what it would wrap around a site, with every path
  // in the test folder. Workers run as the test's user (as root, root: the folder is private).
  writeFileSync(path.join(prefix, 'nginx.conf'), [
    process.getuid() === 0 ? 'user root;' : '',
    'worker_processes 1;',
    `pid ${path.join(prefix, 'nginx.pid')};`,
    `error_log ${path.join(prefix, 'error.log')} info;`,
    'events { worker_connections 256; }',
    'http {',
    `  access_log ${path.join(prefix, 'access.log')};`,
    `  client_body_temp_path ${temp('body')}; proxy_temp_path ${temp('proxy')}; fastcgi_temp_path ${temp('fastcgi')};`,
    `  uwsgi_temp_path ${temp('uwsgi')}; scgi_temp_path ${temp('scgi')};`,
    `  include ${path.join(prefix, 'rightconv.conf')};`,
    '}',
    '',
  ].join('\n'));
  const child = spawn(NGINX, ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-e', path.join(prefix, 'error.log'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  let exit = null;
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => { exit = { code, signal }; resolve(exit); }));
  const log = () => `${output}${existsSync(path.join(prefix, 'error.log')) ? readFileSync(path.join(prefix, 'error.log'), 'utf8') : ''}`;
  try {
    await waitFor('nginx to answer on https', async () => {
      if (exit) throw new Error(`nginx exited (${JSON.stringify(exit)}):\n${log()}`);
      try {
        return (await request({ path: '/healthz' })).status === 200;
      } catch {
        return false;
      }
    });
  } catch (e) {
    if (!exit) child.kill('SIGKILL');
    throw e;
  }
  return {
    accessLog: () => readFileSync(path.join(prefix, 'access.log'), 'utf8'),
    log,
    // SIGTERM: nginx's fast shutdown (open WebSockets are closed); the master waits for its workers.
    async stop() {
      if (!exit) child.kill('SIGTERM');
      let timer;
      const result = await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(resolve, 15000, null); })]);
      clearTimeout(timer);
      if (!result) {
        child.kill('SIGKILL');
        throw new Error(`nginx did not stop on SIGTERM:\n${log()}`);
      }
      return result;
    },
  };
}

// ---------- a raw client: https through nginx, or plain http straight to rightconv ----------

// One request from `localAddress`; with `upgrade`, a WebSocket handshake on /v1/chat, whose open
// connection is kept (a chat held) when it is accepted.
function request({ path: target = '/', headers = {}, localAddress = '127.0.0.1', upgrade = false, direct = false } = {}) {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const h = { Host: direct ? `127.0.0.1:${server.port}` : `${SITE}:${httpsPort}`, ...headers };
    if (upgrade) Object.assign(h, { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key });
    const options = { host: '127.0.0.1', path: upgrade ? '/v1/chat' : target, headers: h, localAddress, agent: false };
    const req = direct
      ? http.request({ ...options, port: server.port })
      : https.request({ ...options, port: httpsPort, servername: SITE, ca: cert.pem });  // verified against the test's certificate
    req.setTimeout(15000, () => req.destroy(new Error(`no answer to ${target}`)));
    req.on('upgrade', (res, socket) => {
      socket.on('error', () => {});
      sockets.push(socket);
      const expected = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
      resolve({ status: res.statusCode, headers: res.headers, accepted: res.headers['sec-websocket-accept'] === expected });
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const chat = (options = {}) => request({ ...options, upgrade: true });

// ---------- the tests ----------

before(async () => {
  checkSetup('index.html');
  assert.ok(existsSync(NGINX), `no nginx at ${NGINX} (apt-get install nginx; scripts/install-browser-deps.sh does it)`);
  assert.ok(existsSync(SITE_FILE), `the site file ${SITE_FILE}`);
  cert = makeCertificate();
  httpsPort = await freePort();
  httpPort = await freePort();
  origin = `https://${SITE}:${httpsPort}`;
  // As docs/deployment.md says: the site's origin allowed, nginx's address the only trusted proxy,
  // and here two chats per address so the limit is quick to reach.
  server = await workspace.startServer({
    config: { limits: { allowed_origins: [origin], trusted_proxies: ['127.0.0.1'], max_chats_per_address: 2 } },
  });
  nginx = await startNginx(server.port);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${SITE} 127.0.0.1`] });
});

after(async () => {
  for (const s of sockets) s.destroy();
  if (browser) await browser.close();
  if (nginx) await nginx.stop().catch(() => {});
  if (server) await server.stop().catch(() => {});
  workspace.remove();
});

test('a practitioner reaches an outcome in the chat page over https and wss:// through nginx', async () => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const problems = [];
  const webSockets = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
  page.on('websocket', (ws) => webSockets.push(ws.url()));

  const response = await page.goto(`${origin}/`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['strict-transport-security'] || '', /^max-age=\d{8,}; includeSubDomains$/, 'HSTS on the chat page');
  assert.match(response.headers()['content-security-policy'] || '', /connect-src 'self' ws: wss:/, "rightconv's own headers pass through");
  await page.getByRole('heading', { name: FIRST_QUESTION }).waitFor();
  assert.deepEqual(webSockets, [`wss://${SITE}:${httpsPort}/v1/chat`]);

  await toAreaQuestion(page, 'Support with school attendance and routines at home');
  await choose(page, 'East Leeds', /Early Help Assessment, then a request to the East Early Help Hub: eastearlyhelp@leeds\.gov\.uk/);
  await checkAccessibility(page, 'the East hub outcome behind nginx');
  const conversation = JSON.parse(await page.evaluate(() => sessionStorage.getItem('rightconv.chat.v1'))).conversation;
  assert.deepEqual(problems, []);
  await context.close();

  // Stored as completed (each turn is committed before its reply is sent).
  assert.equal(sqlite(server.db, `select status, outcome from conversations where id = '${conversation.replace(/'/g, '')}'`), 'completed|hub_request_east');
  // The browser's WebSocket went through nginx: its upgrade is in nginx's access log, answered 101
  // (nginx writes the line when the connection ends, a moment after the context closed).
  await waitFor('the WebSocket in nginx\'s access log', () => /"GET \/v1\/chat HTTP\/1\.1" 101 /.test(nginx.accessLog()));
});

// A TLS handshake with nginx limited to `options` (versions, ciphers): its protocol and cipher, or the error.
function handshake(options) {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port: httpsPort, servername: SITE, ca: cert.pem, ...options }, () => {
      const result = { protocol: socket.getProtocol(), cipher: socket.getCipher().name };
      socket.end();
      resolve(result);
    });
    socket.on('error', (e) => resolve({ error: e.code || e.message }));
  });
}

test('TLS 1.2 and 1.3 only, HSTS on every https response, and plain http redirects to https', async () => {
  assert.equal((await handshake({})).protocol, 'TLSv1.3');
  const tls12 = await handshake({ maxVersion: 'TLSv1.2' });
  assert.equal(tls12.protocol, 'TLSv1.2');
  assert.match(tls12.cipher, /^ECDHE-(ECDSA|RSA)-(AES\d+-GCM-SHA\d+|CHACHA20-POLY1305)$/, 'forward secret and AEAD');
  const old = await handshake({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
  assert.ok(old.error, `TLS 1.0 and 1.1 are refused (${JSON.stringify(old)})`);
  for (const p of ['/', '/chat.js', '/healthz', '/no-such-page']) {
    const r = await request({ path: p });
    assert.match(r.headers['strict-transport-security'] || '', /^max-age=\d{8,}; includeSubDomains$/, `HSTS on ${p} (${r.status})`);
  }
  const plain = await new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: httpPort, path: '/some/where?x=1', headers: { Host: SITE }, agent: false }, (res) => {
      res.resume();
      resolve(res);
    }).on('error', reject);
  });
  assert.equal(plain.statusCode, 301);
  assert.equal(plain.headers.location, `https://${SITE}/some/where?x=1`);
  const challenge = await new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: httpPort, path: '/.well-known/acme-challenge/probe', headers: { Host: SITE }, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
  assert.deepEqual(challenge, { status: 200, body: 'challenge answer\n' }, "Let's Encrypt's challenge is answered on plain http");
});

test('behind nginx the chat WebSocket refuses a foreign Origin and accepts the site', async () => {
  const foreign = await chat({ headers: { Origin: FOREIGN }, localAddress: '127.0.0.10' });
  assert.equal(foreign.status, 403, 'nginx passes Origin on, and rightconv refuses a foreign one');
  assert.equal(foreign.body, 'origin not allowed\n');
  const otherPort = await chat({ headers: { Origin: `https://${SITE}:1` }, localAddress: '127.0.0.10' });
  assert.equal(otherPort.status, 403, 'the same name on another port is another origin');
  const site = await chat({ headers: { Origin: origin }, localAddress: '127.0.0.11' });
  assert.equal(site.status, 101, 'the configured origin (limits.allowed_origins) is accepted');
  assert.ok(site.accepted, 'a real WebSocket handshake came back through nginx');
});

test('the staff listener is not reachable through the public site', async () => {
  // Control: these are the staff listener's, on its own (internal) address.
  assert.equal((await fetch(`${server.staffUrl}/call`)).status, 200);
  for (const p of ['/call', '/review.html', '/call.html', '/metrics', '/v1/conversations', '/v1/me', '/console/config.json']) {
    const r = await request({ path: p });
    assert.equal(r.status, 404, `${p} through nginx`);
  }
  const consoleSocket = await request({ path: '/v1/staff', headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64') } });
  assert.equal(consoleSocket.status, 404, "the console's WebSocket through nginx");
});

test('the per-address limit counts the address nginx forwards, believed only from the trusted proxy', async () => {
  const FULL = 'too many conversations open from your address; close one and try again\n';
  // Two chats from one client through nginx fill its allowance; a third is refused...
  assert.equal((await chat({ localAddress: '127.0.0.2' })).status, 101);
  assert.equal((await chat({ localAddress: '127.0.0.2' })).status, 101);
  const third = await chat({ localAddress: '127.0.0.2' });
  assert.equal(third.status, 503, 'a third chat from 127.0.0.2 through nginx');
  assert.equal(third.body, FULL);
  // ...while another client through the same nginx (the same peer for rightconv) is not.
  assert.equal((await chat({ localAddress: '127.0.0.3' })).status, 101, 'another client through nginx has its own allowance');
  // A client cannot pose as the full address through nginx (which overwrites X-Forwarded-For; an
  // appending proxy would pass here too, as rightconv takes the last entry, the one nginx adds).
  assert.equal((await chat({ localAddress: '127.0.0.5', headers: { 'X-Forwarded-For': '127.0.0.2', 'X-Real-IP': '127.0.0.2' } })).status, 101,
    'a forged X-Forwarded-For through nginx does not count as the address it names');

  // Straight to rightconv from an address not in trusted_proxies, X-Forwarded-For is not believed:
  // naming the full address changes nothing, and naming fresh ones still counts against the peer.
  assert.equal((await chat({ direct: true, localAddress: '127.0.0.4', headers: { 'X-Forwarded-For': '127.0.0.2' } })).status, 101);
  assert.equal((await chat({ direct: true, localAddress: '127.0.0.4', headers: { 'X-Forwarded-For': '127.0.0.6' } })).status, 101);
  const forged = await chat({ direct: true, localAddress: '127.0.0.4', headers: { 'X-Forwarded-For': '127.0.0.7' } });
  assert.equal(forged.status, 503, 'the untrusted peer 127.0.0.4 is counted, whatever it forwards');
  assert.equal(forged.body, FULL);
  // From the trusted proxy's address (127.0.0.1) the same header is believed: 127.0.0.2 is full.
  const trusted = await chat({ direct: true, localAddress: '127.0.0.1', headers: { 'X-Forwarded-For': '127.0.0.2' } });
  assert.equal(trusted.status, 503, 'X-Forwarded-For from 127.0.0.1 (limits.trusted_proxies) is believed');
});

test('nginx and rightconv stop cleanly', async () => {
  for (const s of sockets.splice(0)) s.destroy();
  const nginxExit = await nginx.stop();
  nginx = null;
  assert.deepEqual(nginxExit, { code: 0, signal: null }, 'nginx exits cleanly on SIGTERM');
  const serverExit = await server.stop();
  const output = server.output();
  server = null;
  assert.deepEqual(serverExit, { code: 0, signal: null }, `rightconv exits cleanly on SIGTERM:\n${output}`);
});
