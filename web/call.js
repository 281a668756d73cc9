// Call guidance for phone-line staff: signs in with a staff token (this tab only), then runs the
// early help dialog over the chat protocol with channel "phone" (docs/protocol.md, "Phone calls").
// The server keeps the call: after a reload, a crash or in a new tab the page asks it for this
// staff member's open calls (GET /v1/me/calls) and resumes one with the staff token; a dropped
// socket reconnects by itself, backing off.
// Server text is only ever set with textContent, never parsed as HTML. Keys: 1-9 answer, b back,
// u Urgent; none of them act while typing in a field.

const STORAGE_KEY = 'rightconv.call.v1';
const DIALOG = 'early-help';
// Replies that finish what a click or key asked for (an error about an answer is followed by the
// question again, which carries the same ref and is harmless).
const FINISHING = new Set(['prompt', 'outcome', 'error', 'note', 'wrapped_up', 'ended']);
const SIGN_IN_AGAIN = new Set(['bad_token', 'staff_token_required']);
// Waits before each reconnection attempt: doubling from 1 s up to 15 s, then every 15 s.
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 15000;

const $ = (id) => document.getElementById(id);
const ui = {
  who: $('cg-who'),
  signout: $('cg-signout'),
  status: $('cg-status'),
  error: $('cg-error'),
  views: { signin: $('cg-view-signin'), ready: $('cg-view-ready'), call: $('cg-view-call'), ended: $('cg-view-ended') },
  signinForm: $('cg-signin'),
  token: $('cg-token'),
  start: $('cg-start'),
  timer: $('cg-timer'),
  urgent: $('cg-urgent'),
  pinned: $('cg-pinned'),
  link: $('cg-link'),
  reconnect: $('cg-reconnect'),
  alerts: $('cg-alerts'),
  open: $('cg-open'),
  openList: $('cg-open-list'),
  script: $('cg-script'),
  noteForm: $('cg-note-form'),
  note: $('cg-note'),
  noteList: $('cg-note-list'),
  wrapTitle: $('cg-wrap-title'),
  wrapIntro: $('cg-wrap-intro'),
  wrapForm: $('cg-wrap-form'),
  wrapErrors: $('cg-wrap-errors'),
  confirmRow: $('cg-confirm-row'),
  confirm: $('cg-confirm'),
  code: $('cg-code'),
  codeHint: $('cg-code-hint'),
  role: $('cg-role'),
  callback: $('cg-callback'),
  wrapNote: $('cg-wrap-note'),
  wrapped: $('cg-wrapped'),
  end: $('cg-end'),
  endedTitle: $('cg-ended-title'),
  endedBody: $('cg-ended-body'),
  again: $('cg-again'),
};

const session = { token: null, name: '' };
let call = null; // the call in progress: see newCall()
let idCounter = 0;
let chatAddress = null; // the chat WebSocket's URL, asked once: the server may be down when it is needed again

function newCall() {
  return {
    ws: null,
    nextRef: 1,
    awaiting: null, // the ref of an answer, back or start not yet answered
    conversation: null,
    codes: [],
    callerRoles: [],
    urgentContacts: [], // 999 and Duty and Advice, from content/ via the server
    outcome: null, // the outcome code on screen, for the suggested wrap-up code
    codeSuggested: false, // the code shown was suggested, not chosen by the worker
    resuming: false, // a resume is on its way
    retry: 0, // reconnection attempts since the socket dropped
    retryTimer: 0,
    startedAt: 0,
    timer: 0,
    prompt: null, // the question on screen, or null
    atOutcome: false,
    wrappedUp: false,
    wrapCode: '',
    ended: false,
    infos: [], // info messages to show with the next question or outcome
    urgentRef: null, // the ref of the last Urgent: its question is marked as the urgent one
  };
}

// ---------- small helpers ----------

function make(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined && text !== null) el.textContent = String(text);
  return el;
}

function newId(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

function setStatus(text) {
  ui.status.textContent = text || '';
}

function showError(text) {
  ui.error.textContent = text;
  ui.error.hidden = false;
}

function clearError() {
  ui.error.textContent = '';
  ui.error.hidden = true;
}

function show(name) {
  for (const [key, el] of Object.entries(ui.views)) el.hidden = key !== name;
  const signedIn = !!session.token;
  ui.who.hidden = !signedIn;
  ui.who.textContent = signedIn ? `Signed in as ${session.name}` : '';
  ui.signout.hidden = !signedIn || name === 'call'; // signing out would drop the call
}

function focusOn(el) {
  if (!el) return;
  el.focus({ preventScroll: true });
  el.scrollIntoView({ block: 'nearest' });
}

// The words to read aloud, marked as such: `say` where the dialog has it, else the text.
function sayBlock(words) {
  const box = make('div', 'cg-say');
  box.appendChild(make('p', 'cg-say-label', 'Say:'));
  box.appendChild(make('p', 'cg-say-text', words));
  return box;
}

// Notes for the worker, never read out.
function forYou(text) {
  const box = make('div', 'cg-help');
  box.appendChild(make('p', 'cg-help-label', 'For you:'));
  box.appendChild(make('p', null, text));
  return box;
}

function contactList(contacts) {
  const ul = make('ul', 'rv-contacts cg-contacts');
  (contacts || []).forEach((c) => {
    const li = make('li', 'rv-contact');
    li.appendChild(make('p', 'rv-contact-name', c.name || c.id));
    if (c.phone) {
      const p = make('p', 'cg-phone');
      p.appendChild(document.createTextNode('Phone: '));
      const a = make('a', null, c.phone);
      a.href = `tel:${c.phone.replace(/\s+/g, '')}`;
      p.appendChild(a);
      li.appendChild(p);
    }
    if (c.email) li.appendChild(make('p', null, `Email: ${c.email}`));
    if (c.hours) li.appendChild(make('p', null, `Hours: ${c.hours}`));
    if (c.note) li.appendChild(make('p', 'rv-hint', c.note));
    ul.appendChild(li);
  });
  return ul;
}

function formatDuration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n) => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

// ---------- signing in ----------

function loadSession() {
  try {
    const saved = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || 'null');
    if (saved && typeof saved.token === 'string' && saved.token) {
      session.token = saved.token;
      session.name = typeof saved.name === 'string' ? saved.name : '';
    }
  } catch (e) {
    // storage blocked or corrupt: sign in again
  }
}

function saveSession() {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ token: session.token, name: session.name }));
  } catch (e) {
    // storage blocked: signed in until the page is reloaded
  }
}

function signOut(message) {
  session.token = null;
  session.name = '';
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch (e) {
    // nothing stored
  }
  ui.token.value = '';
  clearError();
  if (message) showError(message);
  setStatus(message ? '' : 'You have signed out.');
  show('signin');
  focusOn(message ? ui.token : $('cg-signin-title'));
}

// /v1/me on the staff API checks the token and says whose it is.
async function signIn(event) {
  event.preventDefault();
  clearError();
  const token = ui.token.value.trim();
  if (!token) {
    showError('Enter your staff token.');
    ui.token.focus();
    return;
  }
  setStatus('Signing in…');
  let me;
  try {
    const res = await fetch('/v1/me', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store', credentials: 'omit' });
    if (res.status === 401) throw new Error('Token not recognised or expired. Check the token and try again.');
    if (!res.ok) throw new Error(`The staff service answered ${res.status}. Please try again shortly.`);
    me = await res.json();
  } catch (e) {
    setStatus('');
    showError(e instanceof TypeError ? 'Could not reach the staff service. Check the connection and try again.' : e.message);
    ui.token.focus();
    return;
  }
  session.token = token;
  session.name = me.name || me.id;
  ui.token.value = '';
  saveSession();
  setStatus(`Signed in as ${session.name}.`);
  showReady();
  focusOn($('cg-ready-title'));
}

// ---------- calls still open on the server ----------

function showReady() {
  show('ready');
  listOpenCalls();
}

async function listOpenCalls() {
  ui.open.hidden = true;
  ui.openList.replaceChildren();
  let body;
  try {
    const res = await fetch('/v1/me/calls', { headers: { Authorization: `Bearer ${session.token}` }, cache: 'no-store', credentials: 'omit' });
    if (res.status === 401) {
      signOut('Your staff token is no longer accepted (it may have expired). Sign in again.');
      return;
    }
    if (!res.ok) throw new Error(String(res.status));
    body = await res.json();
  } catch (e) {
    showError('Could not ask the server for your open calls. Reload the page to try again.');
    return;
  }
  const calls = Array.isArray(body.calls) ? body.calls : [];
  calls.forEach((c) => ui.openList.appendChild(openCallItem(c)));
  if (!calls.length) ui.openList.appendChild(make('li', 'cg-open-none', 'You have no calls still open.'));
  ui.open.hidden = ui.views.ready.hidden;
  if (calls.length) setStatus(calls.length === 1 ? 'You have a call still open.' : `You have ${calls.length} calls still open.`);
}

function openCallItem(c) {
  const li = make('li', 'cg-open-call');
  const about = make('p', 'cg-open-about');
  about.id = newId('cg-open');
  const started = new Date(c.started_at);
  about.appendChild(make('strong', null, `Started ${started.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}`));
  about.appendChild(document.createTextNode(` on ${started.toLocaleDateString('en-GB', { day: 'numeric', month: 'long' })}. `));
  about.appendChild(document.createTextNode(c.question ? `At: ${c.question}. ` : 'The guidance has changed since: it cannot carry on. '));
  about.appendChild(document.createTextNode(`Reference ${c.reference}.`));
  li.appendChild(about);
  if (c.resumable) {
    const b = make('button', 'rv-button rv-primary', 'Resume the call in progress');
    b.type = 'button';
    b.setAttribute('aria-describedby', about.id);
    b.addEventListener('click', () => resumeCall(c));
    li.appendChild(b);
  }
  return li;
}

// ---------- the connection ----------

async function chatUrl() {
  if (chatAddress) return chatAddress;
  const res = await fetch('/call/config.json', { cache: 'no-store', credentials: 'omit' });
  if (!res.ok) throw new Error('config');
  const config = await res.json();
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  chatAddress = `${scheme}//${window.location.hostname}:${config.chat_port}${config.path || '/v1/chat'}`;
  return chatAddress;
}

async function connect() {
  const url = await chatUrl();
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let open = false;
    ws.onopen = () => {
      open = true;
      resolve(ws);
    };
    ws.onerror = () => {
      if (!open) reject(new Error('socket'));
    };
    ws.onmessage = (event) => {
      let m;
      try {
        m = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (call && call.ws === ws) handle(m);
    };
    ws.onclose = () => {
      if (open && call && call.ws === ws) lost();
    };
  });
}

function send(message, { engine = false } = {}) {
  if (!call || !call.ws || call.ws.readyState !== WebSocket.OPEN) {
    showError('Not connected to the server just now: it reconnects by itself, then try again.');
    return null;
  }
  const ref = `c${call.nextRef++}`;
  if (engine) call.awaiting = ref;
  call.ws.send(JSON.stringify({ ...message, ref }));
  return ref;
}

function showLink(text) {
  ui.link.textContent = text;
  ui.link.classList.toggle('cg-link-down', text !== 'Connected');
}

// The socket dropped (the network, a server restart, a closed laptop): the call is kept on the
// server, so reconnect by itself, waiting longer after each failed attempt.
function lost() {
  call.ws = null;
  call.awaiting = null;
  if (call.ended) return;
  showLink('Reconnecting…');
  setStatus('The connection to the server was lost. Reconnecting: the call is kept.');
  ui.reconnect.hidden = false;
  scheduleReconnect();
}

function scheduleReconnect() {
  window.clearTimeout(call.retryTimer);
  const wait = Math.min(RETRY_FIRST_MS * 2 ** call.retry, RETRY_MAX_MS);
  call.retry += 1;
  call.retryTimer = window.setTimeout(reconnect, wait);
}

async function reconnect() {
  if (!call || call.ended || call.ws) return;
  window.clearTimeout(call.retryTimer);
  const mine = call;
  let ws;
  try {
    ws = await connect();
  } catch (e) {
    if (call === mine && !mine.ended) scheduleReconnect();
    return;
  }
  if (call !== mine || mine.ws) {
    ws.close();
    return;
  }
  mine.ws = ws;
  sendResume();
}

// The staff token, not a token kept in the browser: the server hands a call back only to whoever took it.
function sendResume() {
  call.resuming = true;
  send({ type: 'resume', conversation: call.conversation, staff_token: session.token }, { engine: true });
}

async function resumeCall(open) {
  clearError();
  if (call && call.ws) call.ws.close();
  call = newCall();
  call.conversation = open.conversation;
  call.startedAt = Date.parse(open.started_at) || Date.now();
  resetCallView();
  setStatus('Resuming the call…');
  try {
    call.ws = await connect();
  } catch (e) {
    setStatus('');
    showError('Could not reach the chat server, so the call could not be resumed. Try again in a moment.');
    return;
  }
  sendResume();
}

// ---------- a call ----------

async function startCall() {
  clearError();
  if (call && call.ws) call.ws.close();
  call = newCall();
  resetCallView();
  setStatus('Starting the call…');
  try {
    call.ws = await connect();
  } catch (e) {
    setStatus('');
    showError('Could not reach the chat server, so the call could not start. Try again in a moment.');
    return;
  }
  send({ type: 'start', dialog: DIALOG, channel: 'phone', staff_token: session.token }, { engine: true });
}

function resetCallView() {
  ui.alerts.replaceChildren();
  ui.script.replaceChildren();
  ui.noteList.replaceChildren();
  ui.note.value = '';
  ui.wrapForm.reset();
  ui.wrapped.hidden = true;
  ui.wrapped.replaceChildren();
  ui.timer.textContent = '00:00';
  ui.reconnect.hidden = true;
}

function startTimer() {
  window.clearInterval(call.timer);
  const tick = () => { ui.timer.textContent = formatDuration(Date.now() - call.startedAt); };
  tick();
  call.timer = window.setInterval(tick, 1000);
}

function handle(m) {
  if (m.ref && m.ref === call.awaiting && FINISHING.has(m.type)) call.awaiting = null;
  switch (m.type) {
    case 'started':
    case 'resumed':
      onStarted(m);
      break;
    case 'info':
      call.infos.push(m);
      break;
    case 'prompt':
      renderPrompt(m);
      break;
    case 'outcome':
      renderOutcome(m);
      break;
    case 'alert':
      renderAlert(m);
      break;
    case 'note':
      onNote(m);
      break;
    case 'wrapped_up':
      onWrappedUp(m);
      break;
    case 'ended':
      onEnded(m);
      break;
    case 'error':
      onError(m);
      break;
    default:
      break;
  }
}

function onStarted(m) {
  if (m.type === 'started') {
    call.conversation = m.conversation;
    call.startedAt = Date.now();
  }
  call.resuming = false;
  call.retry = 0;
  call.codes = Array.isArray(m.wrap_up_codes) ? m.wrap_up_codes : [];
  call.urgentContacts = Array.isArray(m.urgent_contacts) ? m.urgent_contacts : [];
  call.wrappedUp = m.wrapped_up === true;
  if (Array.isArray(m.caller_roles)) setCallerRoles(m.caller_roles);
  clearError();
  showLink('Connected');
  ui.reconnect.hidden = true;
  setStatus(m.type === 'started' ? 'Call started.' : 'Reconnected: the call carries on.');
  show('call');
  startTimer();
  updateWrap();
}

function setCallerRoles(roles) {
  const chosen = ui.role.value;
  const options = [make('option', null, 'Unknown')];
  options[0].value = '';
  roles.forEach((r) => {
    const o = make('option', null, r.label);
    o.value = r.id;
    options.push(o);
  });
  ui.role.replaceChildren(...options);
  if (roles.some((r) => r.id === chosen)) ui.role.value = chosen;
  call.callerRoles = roles;
}

function stepHeading(kicker, text) {
  const wrap = document.createDocumentFragment();
  wrap.appendChild(make('p', 'cg-kicker', kicker));
  const h = make('h3', 'cg-question', text);
  h.id = newId('cg-q');
  h.tabIndex = -1;
  wrap.appendChild(h);
  return { wrap, heading: h };
}

function infoBlocks(article) {
  call.infos.forEach((info) => {
    const box = make('div', 'cg-info');
    box.appendChild(sayBlock(info.say || info.text));
    article.appendChild(box);
  });
  call.infos = [];
}

function backButton(canGoBack) {
  if (!canGoBack) return null;
  const b = make('button', 'rv-button rv-secondary cg-back');
  b.type = 'button';
  b.setAttribute('aria-keyshortcuts', 'b');
  b.appendChild(document.createTextNode('Back '));
  b.appendChild(make('kbd', null, 'b'));
  b.addEventListener('click', goBack);
  return b;
}

// 999 and Duty and Advice, shown the moment Urgent is pressed (before the question comes back).
function urgentNumbers() {
  const box = make('div', 'cg-urgent-numbers');
  const title = make('p', 'cg-urgent-title', 'Urgent: the numbers to give now');
  title.id = newId('cg-urgent-title');
  title.tabIndex = -1;
  box.appendChild(title);
  box.appendChild(contactList(call.urgentContacts));
  return box;
}

function renderPrompt(m) {
  call.prompt = m;
  call.atOutcome = false;
  call.outcome = null;
  const article = make('article', 'cg-step');
  infoBlocks(article);
  const fromUrgent = !!m.ref && m.ref === call.urgentRef;
  if (fromUrgent) article.appendChild(urgentNumbers());
  const { wrap, heading } = stepHeading(fromUrgent ? 'Urgent: ask now' : 'Ask the caller', m.text);
  if (fromUrgent) article.classList.add('cg-step-urgent');
  article.setAttribute('aria-labelledby', heading.id);
  article.appendChild(wrap);
  article.appendChild(sayBlock(m.say || m.text));
  if (m.help) article.appendChild(forYou(m.help));
  if (m.input === 'text') article.appendChild(textAnswer(m));
  else article.appendChild(choiceList(m));
  const back = backButton(m.can_go_back);
  if (back) {
    const actions = make('div', 'rv-actions');
    actions.appendChild(back);
    article.appendChild(actions);
  }
  ui.script.replaceChildren(article);
  updateWrap();
  focusOn(heading);
}

function choiceList(m) {
  const ol = make('ol', 'cg-options');
  ol.setAttribute('aria-label', 'The caller\'s answer');
  m.options.forEach((o, i) => {
    const li = make('li');
    const b = make('button', 'rv-button cg-option');
    b.type = 'button';
    b.dataset.option = o.id;
    if (i < 9) {
      b.setAttribute('aria-keyshortcuts', String(i + 1));
      b.appendChild(make('kbd', null, String(i + 1)));
    }
    b.appendChild(make('span', null, o.label));
    b.addEventListener('click', () => choose(i));
    li.appendChild(b);
    ol.appendChild(li);
  });
  return ol;
}

function textAnswer(m) {
  const form = make('form', 'rv-form cg-text-answer');
  form.noValidate = true;
  const id = newId('cg-answer');
  const label = make('label', null, 'The caller\'s answer');
  label.htmlFor = id;
  const hint = make('p', 'rv-hint', 'Personal details are removed before it is stored.');
  hint.id = newId('cg-answer-hint');
  const box = make('textarea');
  box.id = id;
  box.rows = 3;
  box.maxLength = 2000;
  box.setAttribute('aria-describedby', hint.id);
  const button = make('button', 'rv-button rv-primary', 'Record answer');
  button.type = 'submit';
  const actions = make('div', 'rv-actions');
  actions.appendChild(button);
  [label, hint, box, actions].forEach((el) => form.appendChild(el));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (call.awaiting) return;
    ui.alerts.replaceChildren();
    send({ type: 'answer', node: m.node, text: box.value }, { engine: true });
  });
  return form;
}

function renderOutcome(m) {
  call.prompt = null;
  call.atOutcome = true;
  call.outcome = m.outcome || null;
  const article = make('article', 'cg-step cg-outcome');
  infoBlocks(article);
  const { wrap, heading } = stepHeading('Outcome', m.title);
  article.setAttribute('aria-labelledby', heading.id);
  article.appendChild(wrap);
  if (m.alert_fired && m.alert_note) article.appendChild(make('p', 'cg-outcome-alert', 'Safety alert earlier in this call: ' + m.alert_note));
  article.appendChild(sayBlock(m.say || m.text));
  if (Array.isArray(m.points) && m.points.length) {
    article.appendChild(make('h4', 'cg-subhead', 'Points to give the caller'));
    const points = make('ul', 'cg-points');
    m.points.forEach((p) => points.appendChild(make('li', null, p)));
    article.appendChild(points);
  }
  if (Array.isArray(m.contacts) && m.contacts.length) {
    article.appendChild(make('h4', 'cg-subhead', 'Numbers to give the caller'));
    article.appendChild(contactList(m.contacts));
  }
  const notes = [...(m.forms || []).map((f) => `${f.name}: ${f.text}`), ...(m.guidance || []).map((g) => `${g.title}: ${g.text}`)];
  if (notes.length) {
    const more = make('details', 'cg-more');
    more.appendChild(make('summary', null, 'More about this: forms and guidance (for you)'));
    const ul = make('ul');
    notes.forEach((n) => ul.appendChild(make('li', null, n)));
    more.appendChild(ul);
    article.appendChild(more);
  }
  const back = backButton(!call.wrappedUp);
  if (back) {
    const actions = make('div', 'rv-actions');
    actions.appendChild(back);
    article.appendChild(actions);
  }
  ui.script.replaceChildren(article);
  updateWrap();
  setStatus(`Outcome: ${m.title}. Give the caller the next step, then wrap up the call.`);
  focusOn(heading);
}

// Pinned under the call bar, so it is in view wherever the worker was on the page, and focused.
function renderAlert(m) {
  const box = make('div', 'cg-alert');
  box.setAttribute('role', 'alert');
  box.tabIndex = -1;
  box.appendChild(make('p', 'cg-alert-title', 'Urgent: safety words'));
  box.appendChild(sayBlock(m.say || m.text));
  box.appendChild(contactList(m.contacts));
  ui.alerts.replaceChildren(box);
  box.focus({ preventScroll: true });
}

// ---------- the worker's actions ----------

function choose(index) {
  const p = call && call.prompt;
  if (!p || p.input !== 'choice' || !p.options[index] || call.awaiting || call.wrappedUp) return;
  clearError();
  ui.alerts.replaceChildren();
  send({ type: 'answer', node: p.node, option: p.options[index].id }, { engine: true });
}

function goBack() {
  if (!call || call.awaiting || call.wrappedUp) return;
  const canGoBack = call.atOutcome || (call.prompt && call.prompt.can_go_back);
  if (!canGoBack) return;
  clearError();
  ui.alerts.replaceChildren();
  send({ type: 'back' }, { engine: true });
}

// Never held back by a reply on its way: Urgent always goes.
function urgent() {
  if (!call || call.ended) return;
  if (call.wrappedUp) {
    showError('This call is wrapped up. End it, then start a new call for a new concern.');
    return;
  }
  clearError();
  ui.alerts.replaceChildren();
  // The numbers first, at once, even with the line to the server down; the question follows under them.
  const article = make('article', 'cg-step cg-step-urgent');
  const numbers = urgentNumbers();
  article.setAttribute('aria-labelledby', numbers.firstChild.id);
  article.appendChild(numbers);
  ui.script.replaceChildren(article);
  focusOn(numbers.firstChild);
  if (!call.ws || call.ws.readyState !== WebSocket.OPEN) {
    article.appendChild(make('p', 'rv-hint', 'The line to the server is down: give these numbers now. The question comes back when it reconnects.'));
    setStatus('Urgent: give 999 or Duty and Advice now.');
    return;
  }
  call.urgentRef = send({ type: 'urgent' }, { engine: true });
  setStatus('Urgent: 999 and Duty and Advice, then the immediate danger question.');
}

function saveNote(event) {
  event.preventDefault();
  const text = ui.note.value;
  if (!text.trim()) {
    showError('Write something in the note first.');
    ui.note.focus();
    return;
  }
  clearError();
  send({ type: 'note', text });
}

function onNote(m) {
  const li = make('li', 'rv-note');
  li.appendChild(make('p', 'rv-note-text', m.text));
  ui.noteList.appendChild(li);
  ui.note.value = '';
  setStatus('Note saved.');
}

// ---------- wrap-up and end ----------

function codesNow() {
  return call.codes.filter((c) => call.atOutcome || c.needs_outcome === false);
}

function updateWrap() {
  if (!call) return;
  ui.wrapForm.hidden = call.wrappedUp;
  ui.wrapped.hidden = !call.wrappedUp;
  ui.wrapIntro.hidden = call.wrappedUp;
  ui.confirmRow.hidden = !call.atOutcome;
  ui.wrapIntro.textContent = call.atOutcome
    ? 'Before ending the call: confirm the outcome, choose a wrap-up code and write a note.'
    : 'If the call ends before an outcome (the caller rang off, or it was not about a child), wrap it up here.';
  const chosen = ui.code.value;
  const options = [make('option', null, 'Choose a code')];
  options[0].value = '';
  codesNow().forEach((c) => {
    const o = make('option', null, c.label);
    o.value = c.code;
    options.push(o);
  });
  ui.code.replaceChildren(...options);
  if (codesNow().some((c) => c.code === chosen)) ui.code.value = chosen;
  suggestCode();
  describeCode();
  ui.end.setAttribute('aria-disabled', call.wrappedUp ? 'false' : 'true');
  $('cg-end-hint').textContent = call.wrappedUp ? 'The call is wrapped up: you can end it.' : 'The call can end once it is wrapped up.';
}

// The code that fits the outcome, unless the worker chose one themselves.
function suggestCode() {
  if (ui.code.value && !call.codeSuggested) return;
  const fits = call.atOutcome && codesNow().find((c) => Array.isArray(c.suggested_for) && c.suggested_for.includes(call.outcome));
  ui.code.value = fits ? fits.code : '';
  call.codeSuggested = !!fits;
}

function describeCode() {
  const c = call && call.codes.find((x) => x.code === ui.code.value);
  const suggested = c && call.codeSuggested ? 'Suggested from the outcome: change it if it does not fit. ' : '';
  ui.codeHint.textContent = c ? suggested + c.text : '';
}

function markInvalid(el, bad) {
  if (bad) el.setAttribute('aria-invalid', 'true');
  else el.removeAttribute('aria-invalid');
}

function showWrapErrors(messages, firstBad) {
  ui.wrapErrors.replaceChildren();
  if (!messages.length) {
    ui.wrapErrors.hidden = true;
    return;
  }
  ui.wrapErrors.appendChild(make('p', null, 'The wrap-up is not complete:'));
  const ul = make('ul');
  messages.forEach((t) => ul.appendChild(make('li', null, t)));
  ui.wrapErrors.appendChild(ul);
  ui.wrapErrors.hidden = false;
  if (firstBad) firstBad.focus();
}

function submitWrap(event) {
  event.preventDefault();
  if (!call || call.wrappedUp) return;
  const problems = [];
  let first = null;
  const needConfirm = call.atOutcome && !ui.confirm.checked;
  const needCode = !ui.code.value;
  const needNote = !ui.wrapNote.value.trim();
  markInvalid(ui.confirm, needConfirm);
  markInvalid(ui.code, needCode);
  markInvalid(ui.wrapNote, needNote);
  if (needConfirm) {
    problems.push('Confirm the outcome you gave the caller.');
    first = first || ui.confirm;
  }
  if (needCode) {
    problems.push('Choose a wrap-up code.');
    first = first || ui.code;
  }
  if (needNote) {
    problems.push('Write a wrap-up note.');
    first = first || ui.wrapNote;
  }
  showWrapErrors(problems, first);
  if (problems.length) return;
  call.wrapCode = ui.code.value;
  const wrap = { type: 'wrap_up', outcome_confirmed: call.atOutcome && ui.confirm.checked, code: ui.code.value, note: ui.wrapNote.value };
  if (ui.role.value) wrap.caller_role = ui.role.value;
  if (ui.callback.value) wrap.callback_promised = ui.callback.value === 'yes';
  send(wrap);
}

function onWrappedUp(m) {
  call.wrappedUp = true;
  const code = call.codes.find((c) => c.code === m.code);
  const role = call.callerRoles.find((r) => r.id === m.caller_role);
  ui.wrapped.replaceChildren(
    make('p', 'cg-wrapped-title', `Wrapped up: ${code ? code.label : m.code}`),
    make('p', 'rv-note-text', m.note || ''),
  );
  if (role) ui.wrapped.appendChild(make('p', null, `Caller: ${role.label}`));
  if (typeof m.callback_promised === 'boolean') ui.wrapped.appendChild(make('p', null, `Call-back promised: ${m.callback_promised ? 'yes' : 'no'}`));
  showWrapErrors([]);
  updateWrap();
  if (call.atOutcome) {
    const back = ui.script.querySelector('.cg-back');
    if (back) back.remove();
  }
  setStatus('Wrap-up saved. You can end the call.');
  focusOn(ui.end);
}

function endCall() {
  if (!call || call.ended) return;
  if (!call.wrappedUp) {
    showError('Wrap up the call before ending it: confirm the outcome, choose a code and write a note.');
    focusOn(ui.wrapTitle);
    return;
  }
  send({ type: 'end' });
}

function onEnded(m) {
  call.ended = true;
  window.clearInterval(call.timer);
  window.clearTimeout(call.retryTimer);
  const duration = formatDuration(Date.now() - call.startedAt);
  const code = call.codes.find((c) => c.code === call.wrapCode);
  ui.endedBody.replaceChildren(
    make('p', null, `The call lasted ${duration} and is logged for the hub to review.`),
    make('p', null, `Wrap-up: ${code ? code.label : 'saved'}.`),
    make('p', 'rv-hint', `Reference: ${m.conversation || call.conversation}`),
  );
  if (call.ws) call.ws.close();
  call.ws = null;
  clearError();
  setStatus('Call ended.');
  show('ended');
  focusOn(ui.endedTitle);
}

// A resume refused: the call has ended elsewhere, the guidance changed, or the token is no longer good.
function resumeRefused(m) {
  const signInAgain = m.code === 'bad_token';
  if (call.ws) call.ws.close();
  window.clearInterval(call.timer);
  call = null;
  if (signInAgain) {
    signOut('The call could not be resumed with your staff token (it may have expired). Sign in again.');
    return;
  }
  showReady();
  showError(m.message || 'The call could not be resumed.');
}

function onError(m) {
  const wrapCodes = ['unknown_wrap_up_code', 'outcome_not_reached', 'outcome_not_confirmed', 'note_required', 'already_wrapped_up'];
  if (call.resuming) {
    call.resuming = false;
    resumeRefused(m);
    return;
  }
  if (SIGN_IN_AGAIN.has(m.code) && !call.conversation) {
    if (call.ws) call.ws.close();
    call = null;
    signOut('Your staff token was not accepted for a call (it may have expired). Sign in again.');
    return;
  }
  if (wrapCodes.includes(m.code)) {
    showWrapErrors([m.message], ui.wrapTitle);
    return;
  }
  if (m.code === 'wrap_up_required') {
    showError(m.message);
    focusOn(ui.wrapTitle);
    return;
  }
  if (!call.conversation) {
    // The start itself failed: back to waiting for a call.
    showError(m.message || 'The call could not start.');
    if (call.ws) call.ws.close();
    call = null;
    showReady();
    return;
  }
  // An answer error: the question comes again straight after.
  showError(m.message || 'That was not taken.');
}

// ---------- keys ----------

function onKey(event) {
  if (!call || call.ended || ui.views.call.hidden) return;
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
  const t = event.target;
  if (t instanceof Element && t.closest('input, textarea, select, [contenteditable="true"]')) return;
  const key = event.key;
  if (/^[1-9]$/.test(key)) {
    if (call.prompt && call.prompt.input === 'choice') {
      event.preventDefault();
      choose(Number(key) - 1);
    }
  } else if (key === 'b' || key === 'B') {
    event.preventDefault();
    goBack();
  } else if (key === 'u' || key === 'U') {
    event.preventDefault();
    urgent();
  }
}

// ---------- start ----------

ui.signinForm.addEventListener('submit', signIn);
ui.signout.addEventListener('click', () => signOut());
ui.start.addEventListener('click', startCall);
ui.again.addEventListener('click', startCall);
ui.urgent.addEventListener('click', urgent);
ui.noteForm.addEventListener('submit', saveNote);
ui.wrapForm.addEventListener('submit', submitWrap);
ui.code.addEventListener('change', () => {
  call.codeSuggested = false;
  describeCode();
});
ui.reconnect.addEventListener('click', reconnect);
// Whatever takes focus scrolls clear of the pinned bar and any alert under it.
new ResizeObserver(() => {
  document.documentElement.style.setProperty('--cg-pinned-height', `${ui.pinned.offsetHeight}px`);
}).observe(ui.pinned);
ui.end.addEventListener('click', endCall);
document.addEventListener('keydown', onKey);

loadSession();
if (session.token) showReady();
else show('signin');
