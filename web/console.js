// The hub staff console: signs in over the console WebSocket (docs/staff-console.md) with a staff
// token, shows the live queue of practitioners asking for a person, and lets one member of staff
// take a request, read the conversation so far, chat, and end it with a wrap-up note. Server text is
// only ever set with textContent, never parsed as HTML. The token stays in sessionStorage and in
// the first WebSocket message: never in a URL, never logged.

const STORAGE_KEY = 'rightconv.console.v1';
// Only whether to play a sound: no personal data, so kept across tabs and visits.
const SOUND_KEY = 'rightconv.console.sound';
const TYPING_SEND_EVERY_MS = 3000; // the server relays at most one per 3 s anyway
const TYPING_SHOWN_FOR_MS = 6000; // a notice not renewed by then has stopped
const RECENT_KEPT = 5;
const PAGE_TITLE = 'Hub console: practitioners asking for a person';
const MAX_TEXT = 4000;
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];
// A live message that repeats the last one in a just-read transcript is the same message (it was
// logged just before the transcript was read, and pushed just after).
const DUPLICATE_WINDOW_MS = 1500;

const AREA_LABEL = new Map([['east', 'East'], ['west', 'West'], ['south', 'South']]);
const CONSENT_LABEL = new Map([['yes', 'The family agrees'], ['not_asked', 'Not asked yet'], ['refused', 'The family refused']]);
const CHANNEL_LABEL = new Map([['web', 'Web chat'], ['phone', 'Phone'], ['voice', 'Voice']]);
const ROLE_LABEL = new Map([['hub:east', 'East hub'], ['hub:west', 'West hub'], ['hub:south', 'South hub'], ['admin', 'Admin: every hub']]);

const $ = (id) => document.getElementById(id);
const ui = {
  who: $('cs-who'),
  whoName: $('cs-who-name'),
  whoRole: $('cs-who-role'),
  connection: $('cs-connection'),
  signout: $('cs-signout'),
  status: $('cs-status'),
  error: $('cs-error'),
  signinView: $('cs-view-signin'),
  consoleView: $('cs-view-console'),
  signinForm: $('cs-signin'),
  token: $('cs-token'),
  queueTitle: $('cs-queue-title'),
  queueNews: $('cs-queue-news'),
  queueEmpty: $('cs-queue-empty'),
  queueList: $('cs-queue-list'),
  chat: $('cs-chat'),
  chatTitle: $('cs-chat-title'),
  chatState: $('cs-chat-state'),
  chatSummary: $('cs-chat-summary'),
  safety: $('cs-safety'),
  sofarBody: $('cs-sofar-body'),
  messages: $('cs-messages'),
  messagesEmpty: $('cs-messages-empty'),
  compose: $('cs-compose'),
  composeText: $('cs-compose-text'),
  send: $('cs-send'),
  endForm: $('cs-end'),
  endNote: $('cs-end-note'),
  endError: $('cs-end-error'),
  endButton: $('cs-end-button'),
  closed: $('cs-closed'),
  close: $('cs-close'),
  typing: $('cs-typing'),
  canned: $('cs-canned'),
  cannedList: $('cs-canned-list'),
  recent: $('cs-recent'),
  recentList: $('cs-recent-list'),
  sound: $('cs-sound'),
  notify: $('cs-notify'),
  notifyState: $('cs-notify-state'),
};

// `restored`: the token came from this tab's storage (a reload), so a failed connection is retried.
const session = { token: null, staff: null, restored: false };
// The socket and its state: `wanted` is false after signing out, so a close is not retried.
const link = { ws: null, wanted: false, ready: false, attempt: 0, timer: null, refs: 0, pending: new Map(), everReady: false };
// The queue as last received, by reference, and what we know that the queue does not say.
const queue = { items: new Map(), order: [], cards: new Map(), presence: new Map(), unread: new Set(), received: false, expired: new Map() };
// Conversations this member of staff ended from this tab, newest first: { reference, conversation, title, at }.
let recent = [];
// Messages that arrived in the open conversation while the tab was hidden (for the tab title).
let unseenInActive = 0;
const typingState = { sentAt: 0, timer: null };
// The handoff open in the chat pane: null, or { reference, conversation, status, open, renderedAt, lastPractitioner }.
let active = null;

// ---------- small helpers ----------

function make(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined && text !== null) el.textContent = String(text);
  return el;
}

function labelFrom(map, value, fallback) {
  if (value === null || value === undefined || value === '') return fallback;
  return map.get(value) || String(value);
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

const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

function timeElement(iso, format) {
  const date = iso ? new Date(iso) : new Date();
  const t = make('time', null, Number.isNaN(date.getTime()) ? String(iso || '') : (format || timeFormat).format(date));
  if (!Number.isNaN(date.getTime())) t.dateTime = date.toISOString();
  return t;
}

function waitedFor(sinceMs) {
  const seconds = Math.max(0, Math.floor((Date.now() - sinceMs) / 1000));
  if (seconds < 60) return seconds + ' s';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return minutes + ' min ' + String(seconds % 60).padStart(2, '0') + ' s';
  return Math.floor(minutes / 60) + ' h ' + String(minutes % 60).padStart(2, '0') + ' min';
}

function details(pairs) {
  const dl = make('dl', 'cs-summary');
  pairs.forEach(([term, value]) => {
    const row = make('div', 'cs-summary-row');
    row.appendChild(make('dt', null, term));
    const dd = make('dd');
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = value === null || value === undefined || value === '' ? '—' : String(value);
    row.appendChild(dd);
    dl.appendChild(row);
  });
  return dl;
}

function outcomeTitle(item) {
  const facts = item.item || {};
  if (facts.outcome_title) return facts.outcome_title;
  if (facts.outcome) return facts.outcome;
  // Before an outcome: the question they were at, as they saw it (requests from before the
  // server sent it have only the node id, which means nothing to staff).
  if (facts.at_question) return 'Asked at the question: ' + facts.at_question;
  return 'Asked during the questions';
}

// "A. Khan (East hub)" once: a name that already says the hub gets no second one.
function nameWithTeam(name, team) {
  if (!team || String(name).includes(team)) return String(name);
  return name + ' (' + team + ')';
}

// ---------- signing in and out ----------

function loadSession() {
  try {
    const saved = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || 'null');
    if (saved && typeof saved.token === 'string' && saved.token) {
      session.token = saved.token;
      if (Array.isArray(saved.recent)) recent = saved.recent.filter((r) => r && typeof r.reference === 'string').slice(0, RECENT_KEPT);
      return typeof saved.active === 'string' ? saved.active : null;
    }
  } catch (e) {
    // storage blocked or corrupt: sign in again
  }
  return null;
}

function saveSession() {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ token: session.token, active: active && active.open ? active.reference : null, recent }));
  } catch (e) {
    // storage blocked: signed in until the page is reloaded
  }
}

function showView() {
  const signedIn = !!session.staff;
  ui.signinView.hidden = signedIn;
  ui.consoleView.hidden = !signedIn;
  ui.who.hidden = !signedIn;
  updateTitle();
}

// The tab title counts what needs someone: requests waiting, and messages not yet read.
function updateTitle() {
  if (!session.staff) {
    document.title = 'Sign in: hub console';
    return;
  }
  const waiting = [...queue.items.values()].filter((i) => i.status === 'requested').length;
  const unread = queue.unread.size + unseenInActive;
  const counts = [];
  if (waiting) counts.push(waiting + ' waiting');
  if (unread) counts.push(unread + ' unread');
  document.title = (counts.length ? '(' + counts.join(', ') + ') ' : '') + PAGE_TITLE;
}

function signIn(event) {
  event.preventDefault();
  const token = ui.token.value.trim();
  clearError();
  if (!token) {
    showError('Enter your staff token.');
    ui.token.focus();
    return;
  }
  session.token = token;
  setStatus('Signing in…');
  connect();
}

function forget() {
  session.token = null;
  session.staff = null;
  session.restored = false;
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch (e) {
    // nothing stored
  }
  queue.items.clear();
  queue.order = [];
  queue.cards.clear();
  queue.presence.clear();
  queue.unread.clear();
  queue.received = false;
  recent = [];
  unseenInActive = 0;
  renderRecent();
  ui.queueList.replaceChildren();
  ui.queueNews.textContent = '';
  ui.queueEmpty.hidden = true;
  closeChat();
}

// Signs out here (the token, the queue and the conversation shown are forgotten). `message`, when
// given, says why (a token that stopped working).
function signOut(message) {
  disconnect();
  forget();
  ui.token.value = '';
  clearError();
  if (message) showError(message);
  setStatus(message ? '' : 'You have signed out.');
  showView();
  ui.token.focus();
}

function showWho(staff) {
  const role = labelFrom(ROLE_LABEL, staff.role, staff.role);
  ui.whoName.textContent = 'Signed in as ' + staff.name;
  // Said once: a display name that already names the hub needs no second "(East hub)".
  ui.whoRole.textContent = staff.name.includes(role) ? '' : '(' + role + ')';
}

function setConnection(state, text) {
  ui.connection.dataset.state = state;
  ui.connection.textContent = text;
}

// ---------- the socket ----------

async function consoleUrl() {
  const res = await fetch('/console/config.json', { cache: 'no-store', credentials: 'omit' });
  if (!res.ok) throw new Error('config ' + res.status);
  const config = await res.json();
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return scheme + '//' + window.location.hostname + ':' + Number(config.console_port) + String(config.path || '/v1/staff');
}

async function connect() {
  link.wanted = true;
  window.clearTimeout(link.timer);
  link.timer = null;
  if (link.ws) return;
  setConnection('connecting', 'Connecting…');
  let url;
  try {
    url = await consoleUrl();
  } catch (e) {
    return connectionLost(null);
  }
  if (!link.wanted || link.ws) return;
  const ws = new WebSocket(url);
  link.ws = ws;
  ws.addEventListener('open', () => {
    if (link.ws !== ws) return;
    ws.send(JSON.stringify({ type: 'auth', token: session.token, ref: nextRef({ type: 'auth' }) }));
  });
  ws.addEventListener('message', (event) => {
    if (link.ws !== ws) return;
    let msg;
    try {
      msg = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    if (msg && typeof msg === 'object') receive(msg);
  });
  ws.addEventListener('close', () => {
    if (link.ws !== ws) return;
    connectionLost(ws);
  });
}

function disconnect() {
  link.wanted = false;
  window.clearTimeout(link.timer);
  link.timer = null;
  const ws = link.ws;
  link.ws = null;
  link.ready = false;
  link.pending.clear();
  link.attempt = 0;
  link.everReady = false;
  if (ws) ws.close(1000, 'signed out');
  setConnection('offline', 'Not connected');
  updateChatControls();
}

// The socket closed (or could not open): try again, waiting longer each time, unless signed out.
function connectionLost(ws) {
  if (ws && link.ws !== ws) return;
  link.ws = null;
  link.ready = false;
  const lostSends = [...link.pending.values()].filter((p) => p.type === 'message');
  link.pending.clear();
  updateChatControls();
  if (!link.wanted) return;
  if (!session.staff && !link.everReady && !session.restored) {
    // Never got in: there is nothing to reconnect to; say so at the sign-in form.
    link.wanted = false;
    session.token = null;
    setConnection('offline', 'Not connected');
    setStatus('');
    showError('Could not reach the console service. Check the connection and try again.');
    showView();
    ui.token.focus();
    return;
  }
  const wait = BACKOFF_MS[Math.min(link.attempt, BACKOFF_MS.length - 1)];
  const jittered = Math.round(wait * (0.8 + Math.random() * 0.4));
  link.attempt += 1;
  setConnection('reconnecting', 'Reconnecting…');
  setStatus('The connection was lost. Trying again in ' + Math.max(1, Math.round(jittered / 1000)) + ' s…');
  if (lostSends.length) showError('The connection dropped before your last message was confirmed. Check the messages once reconnected before sending it again.');
  link.timer = window.setTimeout(() => {
    link.timer = null;
    connect();
  }, jittered);
}

function nextRef(what) {
  link.refs += 1;
  const ref = 'c' + link.refs;
  link.pending.set(ref, what);
  return ref;
}

// Sends a request; false (and a message) when not connected.
function request(msg, what) {
  if (!link.ws || !link.ready) {
    showError('Not connected just now, so that was not sent. The page is reconnecting; try again in a moment.');
    return false;
  }
  link.ws.send(JSON.stringify({ ...msg, ref: nextRef({ type: msg.type, reference: msg.reference, ...what }) }));
  return true;
}

function receive(msg) {
  const asked = msg.ref ? link.pending.get(msg.ref) : undefined;
  if (msg.ref) link.pending.delete(msg.ref);
  switch (msg.type) {
    case 'ready': return onReady(msg);
    case 'queue': return onQueue(msg.items);
    case 'queue_changed': return onQueueChanged(msg);
    case 'presence': return onPresence(msg);
    case 'message': return onPractitionerMessage(msg);
    case 'typing': return onPractitionerTyping(msg);
    case 'accepted':
    case 'opened': return onOpened(msg, msg.type === 'accepted');
    case 'sent': return onSent(asked);
    case 'ended': return onEnded(asked);
    case 'error': return onError(msg, asked);
    default: return undefined;
  }
}

function onReady(msg) {
  const firstTime = !session.staff;
  const reconnected = link.everReady;
  session.staff = msg.staff || { id: '', name: 'staff', role: '' };
  renderCanned(Array.isArray(msg.canned_replies) ? msg.canned_replies : []);
  link.ready = true;
  link.attempt = 0;
  link.everReady = true;
  ui.token.value = '';
  showWho(session.staff);
  setConnection('online', 'Connected');
  saveSession();
  showView();
  link.reconnected = reconnected;
  if (reconnected) {
    setStatus('Connected again.');
    if (ui.error.textContent.startsWith('Not connected') || ui.error.textContent.startsWith('The connection dropped')) clearError();
  } else {
    setStatus('Signed in as ' + session.staff.name + '.');
    if (firstTime && !active) ui.queueTitle.focus();
  }
  // Carry on with the conversation that was open before the reload or the drop.
  if (active && active.open) request({ type: 'open', reference: active.reference });
  updateChatControls();
}

function onError(msg, asked) {
  const code = msg.code || '';
  const text = typeof msg.message === 'string' ? msg.message : '';
  if (code === 'bad_token') {
    // The server closes the socket after this: do not retry with the same token.
    const during = link.everReady;
    link.wanted = false;
    signOut(during ? 'Your token is no longer valid (expired or disabled). Please sign in again.'
      : 'Token not recognised or expired. Check the token and try again.');
    return;
  }
  if (code === 'not_signed_in') {
    // The server forgot who we are (it should not): sign in again on a fresh socket.
    if (link.ws) link.ws.close();
    return;
  }
  const what = asked ? asked.type : '';
  if (what === 'open' && active && asked.reference === active.reference) {
    // The handoff we had open has moved on (ended elsewhere, or someone else has it).
    if (ui.chat.hidden) {
      // Only remembered from before a reload: nothing shown yet, so nothing to keep.
      closeChat();
      updateChatControls();
      setStatus('The conversation you had open (' + asked.reference + ') is no longer open.');
      return;
    }
    active.open = false;
    saveSession();
    setChatState(code === 'unknown_reference' ? 'This conversation is no longer open: it has ended or is not in your hub.' : plainError(code, text));
    updateChatControls();
    return;
  }
  if (what === 'message' && asked.text && !ui.composeText.value) ui.composeText.value = asked.text;
  showError(plainError(code, text, what));
  if (what === 'accept' || what === 'open') setStatus('');
  if (what === 'accept') {
    // Whatever happened, show the queue as it is now.
    request({ type: 'queue' });
    ui.queueTitle.focus();
  }
}

function plainError(code, text, what) {
  switch (code) {
    case 'not_waiting': return text || 'Someone else has already taken this handoff.';
    case 'unknown_reference': return 'That request is no longer in your queue: it may have ended, or belong to another hub.';
    case 'not_active': return text || 'This conversation is not yours, or it has ended, so that was not done.';
    case 'rate_limited': return 'That was too fast: wait a moment and try again.';
    case 'server_busy': return text || 'The service is busy just now; try again in a moment.';
    case 'bad_message':
    case 'bad_request': return 'That was not accepted' + (text ? ': ' + text : '.');
    case 'handoff_unavailable': return 'Talking to practitioners is not switched on for this server.';
    default: return (what ? 'That did not work' : 'Something went wrong') + (text ? ': ' + text : '.');
  }
}

// ---------- the queue ----------

function onQueue(items) {
  if (!Array.isArray(items)) return;
  const before = queue.items;
  const firstQueue = !queue.received;
  const news = [];
  const next = new Map();
  items.forEach((item) => {
    if (!item || typeof item.reference !== 'string') return;
    next.set(item.reference, item);
    // Whether the practitioner is connected, from the first queue on; presence frames keep it current.
    if (typeof item.online === 'boolean') queue.presence.set(item.reference, item.online);
    const old = before.get(item.reference);
    if (!firstQueue && !old) {
      news.push((item.urgent ? 'Urgent new request: ' : 'New request: ') + outcomeTitle(item) + ' (' + item.reference + ').');
      if (item.status === 'requested') attention((item.urgent ? 'Urgent new request ' : 'New request ') + item.reference, outcomeTitle(item));
    }
    else if (old && old.status !== 'accepted' && item.status === 'accepted' && item.accepted && item.accepted.by !== (session.staff && session.staff.id))
      news.push(item.reference + ' was taken by ' + item.accepted.name + '.');
  });
  if (!firstQueue)
    for (const ref of before.keys())
      if (!next.has(ref) && !(active && active.reference === ref)) news.push(queue.expired.get(ref) || ref + ' is no longer waiting.');
  queue.expired.clear();
  for (const ref of queue.unread) if (!next.has(ref)) queue.unread.delete(ref);
  queue.items = next;
  queue.received = true;
  renderQueue();
  const waiting = [...next.values()].filter((i) => i.status === 'requested').length;
  const count = waiting === 0 ? 'No one waiting.' : waiting === 1 ? '1 waiting.' : waiting + ' waiting.';
  if (news.length) ui.queueNews.textContent = news.join(' ') + ' ' + count;
  else if (firstQueue) ui.queueNews.textContent = count;
  updateTitle();
}

function onQueueChanged(msg) {
  // A fresh queue follows; what matters here is the conversation open in the chat pane, and why
  // a request the server closed went.
  if (msg.event === 'expired') queue.expired.set(msg.reference, msg.reference + ' expired: ' + (msg.reason || 'the practitioner has gone.'));
  if (!active || msg.reference !== active.reference) return;
  if (msg.event === 'expired') {
    active.open = false;
    saveSession();
    setChatState('This request expired: ' + (msg.reason || 'the practitioner has gone.'));
    updateChatControls();
    return;
  }
  if (msg.event === 'cancelled') {
    active.open = false;
    saveSession();
    setChatState('The practitioner left this conversation (they cancelled it). There is nothing more to send.');
    addSystemMessage('The practitioner cancelled the conversation.');
    updateChatControls();
  } else if (msg.event === 'ended' && !active.ending) {
    active.open = false;
    saveSession();
    setChatState('This conversation was ended elsewhere.');
    updateChatControls();
  }
}

function onPresence(msg) {
  if (typeof msg.reference !== 'string') return;
  queue.presence.set(msg.reference, msg.online === true);
  const card = queue.cards.get(msg.reference);
  if (card) updatePresence(card.presence, msg.reference);
  if (active && active.reference === msg.reference) {
    renderChatPresence();
    addSystemMessage(msg.online ? 'The practitioner is back online.' : 'The practitioner has left the chat (they may come back).');
  }
}

function presenceText(reference) {
  if (!queue.presence.has(reference)) return 'Practitioner: not known if online';
  return queue.presence.get(reference) ? 'Practitioner online' : 'Practitioner has left the chat';
}

function updatePresence(el, reference) {
  el.textContent = presenceText(reference);
  el.dataset.online = queue.presence.has(reference) ? String(queue.presence.get(reference)) : 'unknown';
}

function isMine(item) {
  return item.status === 'accepted' && item.accepted && session.staff && item.accepted.by === session.staff.id;
}

// One card per request, kept (not rebuilt) across updates so focus stays where it is.
function queueCard(reference) {
  const li = make('li', 'cs-item');
  li.dataset.reference = reference;
  const head = make('div', 'cs-item-head');
  const title = make('h3', 'cs-item-title');
  const badges = make('p', 'cs-badges');
  head.appendChild(title);
  head.appendChild(badges);
  li.appendChild(head);
  const facts = make('dl', 'cs-facts');
  li.appendChild(facts);
  const presence = make('p', 'cs-presence');
  li.appendChild(presence);
  const actions = make('div', 'cs-item-actions');
  li.appendChild(actions);
  return { li, title, badges, facts, presence, actions, state: '' };
}

function fact(dl, term, value, className) {
  const row = make('div', 'cs-fact');
  row.appendChild(make('dt', null, term));
  const dd = make('dd', className);
  if (value instanceof Node) dd.appendChild(value);
  else dd.textContent = value;
  row.appendChild(dd);
  dl.appendChild(row);
  return dd;
}

function fillCard(card, item) {
  const facts = item.item || {};
  card.title.textContent = outcomeTitle(item);
  card.badges.replaceChildren();
  if (item.urgent) card.badges.appendChild(make('span', 'cs-badge cs-badge-urgent', 'Urgent'));
  if (item.status === 'accepted') card.badges.appendChild(make('span', 'cs-badge cs-badge-taken', isMine(item) ? 'Taken by you' : 'Taken by ' + ((item.accepted && item.accepted.name) || 'someone else')));
  else card.badges.appendChild(make('span', 'cs-badge cs-badge-waiting', 'Waiting'));
  if (item.told_unavailable) card.badges.appendChild(make('span', 'cs-badge cs-badge-told', 'Told no one was free'));
  if (queue.unread.has(item.reference)) card.badges.appendChild(make('span', 'cs-badge cs-badge-unread', 'New message'));
  card.li.classList.toggle('cs-item-urgent', !!item.urgent);
  card.li.classList.toggle('cs-item-taken', item.status === 'accepted');

  card.facts.replaceChildren();
  fact(card.facts, 'Reference', item.reference, 'cs-ref');
  // The EH- reference on the practitioner's summary: what they read out on the phone.
  if (typeof item.conversation_reference === 'string') fact(card.facts, "Practitioner's reference", item.conversation_reference, 'cs-ref');
  fact(card.facts, 'Area', labelFrom(AREA_LABEL, facts.area, 'Not known'));
  fact(card.facts, 'Consent', labelFrom(CONSENT_LABEL, facts.consent, 'Not asked'));
  fact(card.facts, 'Channel', labelFrom(CHANNEL_LABEL, facts.channel, '—'));
  const waited = make('span', 'cs-waiting', waitedFor(item.waiting_since_ms));
  waited.dataset.since = String(item.waiting_since_ms);
  fact(card.facts, item.status === 'accepted' ? 'Since asking' : 'Waiting', waited);
  fact(card.facts, 'Asked at', timeElement(item.requested_at, dateTimeFormat));
  updatePresence(card.presence, item.reference);

  // The button changes only when what it does changes, so a focused button keeps focus.
  const shown = !!(active && active.reference === item.reference && !ui.chat.hidden);
  const state = item.status === 'requested' ? 'accept' : isMine(item) ? (shown ? 'shown' : 'open') : 'taken';
  if (state === card.state) return;
  card.state = state;
  card.actions.replaceChildren();
  if (state === 'shown') {
    card.actions.appendChild(make('p', 'cs-taken', 'Open in the conversation pane.'));
    return;
  }
  if (state === 'taken') {
    card.actions.appendChild(make('p', 'cs-taken', 'Taken by ' + ((item.accepted && item.accepted.name) || 'someone else') + '.'));
    return;
  }
  const button = make('button', 'cs-button ' + (state === 'accept' ? 'cs-primary' : 'cs-secondary'));
  button.type = 'button';
  button.appendChild(document.createTextNode(state === 'accept' ? 'Accept' : 'Open'));
  button.appendChild(make('span', 'cs-visually-hidden', ' ' + item.reference + ': ' + outcomeTitle(item)));
  button.addEventListener('click', () => (state === 'accept' ? accept(item.reference) : openHandoff(item.reference)));
  card.actions.appendChild(button);
}

function renderQueue() {
  const focused = document.activeElement;
  const refs = [...queue.items.keys()];
  for (const [ref, card] of queue.cards)
    if (!queue.items.has(ref)) {
      card.li.remove();
      queue.cards.delete(ref);
    }
  refs.forEach((ref, index) => {
    let card = queue.cards.get(ref);
    if (!card) {
      card = queueCard(ref);
      queue.cards.set(ref, card);
    }
    fillCard(card, queue.items.get(ref));
    // Move only what is out of place (moving a node loses its focus).
    if (ui.queueList.children[index] !== card.li) ui.queueList.insertBefore(card.li, ui.queueList.children[index] || null);
  });
  if (focused && focused !== document.activeElement && document.contains(focused)) focused.focus();
  ui.queueEmpty.hidden = refs.length > 0;
}

function tick() {
  ui.queueList.querySelectorAll('.cs-waiting').forEach((el) => {
    const since = Number(el.dataset.since);
    if (Number.isFinite(since)) el.textContent = waitedFor(since);
  });
}

// ---------- one conversation ----------

function accept(reference) {
  clearError();
  if (request({ type: 'accept', reference })) setStatus('Accepting ' + reference + '…');
}

function openHandoff(reference) {
  clearError();
  if (request({ type: 'open', reference })) setStatus('Opening ' + reference + '…');
}

// Question text and option labels from what the server sent, so a path of ids reads as the
// practitioner saw it; and the live part of the conversation (handoff notices and messages).
function readTranscript(t) {
  const prompts = new Map();
  let outcome = null;
  let alerted = false;
  let reason = null;
  const messages = [];
  (Array.isArray(t.turns) ? t.turns : []).forEach((turn) => {
    const m = turn.message;
    if (turn.direction === 'in') {
      if (m && typeof m === 'object' && m.type === 'handoff' && typeof m.reason === 'string' && m.reason) reason = m.reason;
      return;
    }
    if (!Array.isArray(m)) return;
    const frameAlert = m.some((f) => f && f.type === 'alert');
    alerted = alerted || frameAlert;
    m.forEach((f) => {
      if (!f || typeof f !== 'object') return;
      if (f.type === 'prompt' && f.node) prompts.set(f.node, f);
      else if (f.type === 'outcome') outcome = f;
      else if (f.type === 'message') {
        messages.push({ from: f.from, name: f.name, text: f.text, at: turn.at, safety: f.from === 'practitioner' && frameAlert });
      } else if (f.type === 'handoff') {
        const note = handoffNote(f);
        if (note) messages.push({ system: note, at: turn.at });
      }
    });
  });
  return { prompts, outcome, alerted, reason, messages };
}

function handoffNote(f) {
  switch (f.status) {
    case 'requested': return 'The practitioner asked for a person (' + (f.reference || '') + ').';
    case 'accepted': return 'Taken by ' + (f.name || 'a member of staff') + '.';
    case 'unavailable': return 'The practitioner was told no one was free, and given the contacts.';
    case 'ended': return 'Ended by ' + (f.name || 'staff') + '.';
    case 'cancelled': return 'The practitioner cancelled.';
    case 'expired': return 'The request expired' + (f.reason ? ': ' + f.reason : '.');
    default: return null;
  }
}

function pathList(t, seen) {
  const ol = make('ol', 'cs-path');
  (Array.isArray(t.path) ? t.path : []).forEach((step) => {
    const li = make('li', 'cs-step');
    const prompt = seen.prompts.get(step.node);
    li.appendChild(make('p', 'cs-step-q', prompt ? prompt.text : step.node));
    const answer = make('p', 'cs-step-a');
    answer.appendChild(make('span', 'cs-step-label', 'Answer: '));
    if (step.option !== undefined) {
      const option = prompt && Array.isArray(prompt.options) ? prompt.options.find((o) => o.id === step.option) : null;
      answer.appendChild(document.createTextNode(option ? option.label : step.option));
    } else {
      answer.appendChild(make('q', 'cs-typed', step.text || ''));
      answer.appendChild(make('span', 'cs-hint', ' (typed, personal details removed)'));
    }
    li.appendChild(answer);
    ol.appendChild(li);
  });
  const end = make('li', 'cs-step cs-step-end');
  if (t.outcome) {
    end.appendChild(make('p', 'cs-step-q', 'Outcome: ' + (seen.outcome && seen.outcome.title ? seen.outcome.title : t.outcome)));
  } else {
    const prompt = seen.prompts.get(t.current_node);
    end.appendChild(make('p', 'cs-step-q', 'Asked for a person at: ' + (prompt ? prompt.text : t.current_node || 'the start')));
  }
  ol.appendChild(end);
  return ol;
}

function onOpened(msg, accepted) {
  const reference = msg.reference;
  const t = msg.transcript && typeof msg.transcript === 'object' ? msg.transcript : {};
  const status = accepted ? 'accepted' : msg.status;
  const mine = accepted || (queue.items.get(reference) ? isMine(queue.items.get(reference)) : status === 'accepted');
  const wasActive = active && active.reference === reference;
  active = { reference, conversation: msg.conversation, status, open: status === 'accepted' && mine, renderedAt: Date.now(), lastPractitioner: null, ending: false };
  queue.unread.delete(reference);
  saveSession();
  renderChat(t);
  ui.chat.hidden = false;
  clearError();
  if (accepted) {
    setStatus('You have taken ' + reference + '. The practitioner has been told.');
    ui.chatTitle.focus();
  } else if (wasActive) {
    setStatus((link.reconnected ? 'Connected again. ' : '') + 'Carrying on with ' + reference + '.');
  } else {
    setStatus('Opened ' + reference + '.');
    ui.chatTitle.focus();
  }
  if (!active.open) setChatState(status === 'accepted' ? 'Someone else has this conversation: you can read it but not reply.' : 'This conversation is ' + status + ': there is nothing to send.');
  const item = queue.items.get(reference);
  const card = queue.cards.get(reference);
  if (item && card) fillCard(card, item);
  updateChatControls();
}

function renderChat(t) {
  const item = queue.items.get(active.reference);
  const facts = (item && item.item) || {};
  ui.chatTitle.textContent = 'Conversation ' + active.reference;
  setChatState('');
  const presence = make('span', 'cs-presence-inline');
  ui.chatSummary.replaceChildren(details([
    ['Outcome', facts.outcome_title || t.outcome || (facts.at_question ? 'None yet: asked at "' + facts.at_question + '"' : 'Asked during the questions')],
    ["Practitioner's reference", (item && item.conversation_reference) || '—'],
    ['Area', labelFrom(AREA_LABEL, facts.area || t.area, 'Not known')],
    ['Consent', labelFrom(CONSENT_LABEL, facts.consent, 'Not asked')],
    ['Channel', labelFrom(CHANNEL_LABEL, facts.channel || t.channel, '—')],
    ['Practitioner', presence],
  ]));
  active.presenceEl = presence;
  renderChatPresence();

  const seen = readTranscript(t);
  const body = [];
  if (seen.reason) {
    const reason = make('div', 'cs-reason');
    reason.appendChild(make('h4', 'cs-subhead', 'Why they asked for a person'));
    reason.appendChild(make('p', 'cs-typed', seen.reason));
    reason.appendChild(make('p', 'cs-hint', 'Personal details are removed before anything typed is stored.'));
    body.push(reason);
  }
  body.push(make('h4', 'cs-subhead', 'Questions and answers'));
  body.push(pathList(t, seen));
  ui.sofarBody.replaceChildren(...body);

  ui.messages.replaceChildren();
  seen.messages.forEach((m) => (m.system ? addSystemMessage(m.system, m.at, true) : addMessage(m, true)));
  active.lastPractitioner = [...seen.messages].reverse().find((m) => m.from === 'practitioner') || null;
  ui.safety.hidden = !seen.alerted;
  ui.endError.hidden = true;
  ui.endNote.removeAttribute('aria-invalid');
}

function renderChatPresence() {
  if (active && active.presenceEl) updatePresence(active.presenceEl, active.reference);
}

function setChatState(text) {
  ui.chatState.textContent = text;
  ui.chatState.hidden = !text;
}

function addMessage(m, fromTranscript) {
  const mine = m.from === 'staff' && session.staff && m.name === session.staff.name;
  const li = make('li', 'cs-message cs-from-' + (m.from === 'staff' ? 'staff' : 'practitioner') + (m.safety ? ' cs-message-safety' : ''));
  const meta = make('p', 'cs-message-meta');
  meta.appendChild(make('strong', null, m.from === 'staff' ? (mine ? 'You (' + m.name + ')' : m.name || 'Staff') : 'Practitioner'));
  meta.appendChild(document.createTextNode(', '));
  meta.appendChild(timeElement(m.at));
  if (m.safety) meta.appendChild(make('span', 'cs-badge cs-badge-urgent', 'Safety concern'));
  li.appendChild(meta);
  li.appendChild(make('p', 'cs-message-text', m.text || ''));
  ui.messages.appendChild(li);
  ui.messagesEmpty.hidden = true;
  if (!fromTranscript) li.scrollIntoView({ block: 'nearest' });
}

function addSystemMessage(text, at, fromTranscript) {
  const li = make('li', 'cs-message cs-system');
  const p = make('p', 'cs-message-text');
  p.appendChild(timeElement(at));
  p.appendChild(document.createTextNode(' ' + text));
  li.appendChild(p);
  ui.messages.appendChild(li);
  ui.messagesEmpty.hidden = true;
  if (!fromTranscript) li.scrollIntoView({ block: 'nearest' });
}

function onPractitionerMessage(msg) {
  if (typeof msg.reference !== 'string') return;
  if (!active || active.reference !== msg.reference) {
    queue.unread.add(msg.reference);
    const item = queue.items.get(msg.reference);
    const card = queue.cards.get(msg.reference);
    if (item && card) fillCard(card, item);
    ui.queueNews.textContent = 'New message from the practitioner in ' + msg.reference + (msg.safety_alert ? ': it raised a safety concern.' : '.');
    updateTitle();
    attention('New message in ' + msg.reference, msg.safety_alert ? 'It raised a safety concern.' : 'Open the console to read it.');
    return;
  }
  const last = active.lastPractitioner;
  if (last && last.text === msg.text && Date.now() - active.renderedAt < DUPLICATE_WINDOW_MS) {
    active.lastPractitioner = null;
    return;
  }
  const m = { from: 'practitioner', text: msg.text, safety: msg.safety_alert === true, at: msg.at };
  hideTyping();
  addMessage(m, false);
  if (m.safety) ui.safety.hidden = false;  // pinned at the top of the conversation pane
  if (document.hidden) {
    unseenInActive += 1;
    updateTitle();
    attention('New message in ' + msg.reference, m.safety ? 'It raised a safety concern.' : 'Open the console to read it.');
  }
}

// ---------- typing, both ways ----------

function onPractitionerTyping(msg) {
  if (!active || !active.open || msg.reference !== active.reference) return;
  const text = 'The practitioner is typing…';
  if (ui.typing.textContent !== text) ui.typing.textContent = text; // said once per spell, not per notice
  window.clearTimeout(typingState.timer);
  typingState.timer = window.setTimeout(hideTyping, TYPING_SHOWN_FOR_MS);
}

function hideTyping() {
  window.clearTimeout(typingState.timer);
  ui.typing.textContent = '';
}

function sendTyping() {
  if (!active || !active.open || !link.ready || !ui.composeText.value.trim()) return;
  const now = Date.now();
  if (now - typingState.sentAt < TYPING_SEND_EVERY_MS) return;
  typingState.sentAt = now;
  link.ws.send(JSON.stringify({ type: 'typing', reference: active.reference })); // no ref: never answered
}

// ---------- canned replies ----------

function renderCanned(replies) {
  ui.cannedList.replaceChildren();
  replies.forEach((r) => {
    if (!r || typeof r.text !== 'string' || typeof r.label !== 'string') return;
    const li = make('li');
    const b = make('button', 'cs-button cs-secondary cs-canned-button', r.label);
    b.type = 'button';
    b.addEventListener('click', () => {
      ui.composeText.value = r.text;
      ui.composeText.focus();
      sendTyping();
    });
    li.appendChild(b);
    ui.cannedList.appendChild(li);
  });
  ui.canned.hidden = ui.cannedList.children.length === 0;
}

// ---------- recently handled ----------

function reviewLink(conversation) {
  return '/review.html#/c/' + encodeURIComponent(conversation);
}

function renderRecent() {
  ui.recentList.replaceChildren();
  recent.forEach((r) => {
    const li = make('li', 'cs-recent-item');
    li.appendChild(make('p', 'cs-recent-title', r.title));
    const line = make('p');
    line.appendChild(document.createTextNode('Ended '));
    line.appendChild(timeElement(r.at, dateTimeFormat));
    line.appendChild(document.createTextNode('. '));
    if (r.conversation) {
      const a = make('a', null, 'Open ' + r.reference + ' in the review page');
      a.href = reviewLink(r.conversation);
      line.appendChild(a);
    }
    li.appendChild(line);
    ui.recentList.appendChild(li);
  });
  ui.recent.hidden = recent.length === 0;
}

function remember(reference) {
  const item = queue.items.get(reference);
  const entry = { reference, conversation: active && active.conversation, title: item ? outcomeTitle(item) : 'Conversation ' + reference, at: new Date().toISOString() };
  recent = [entry, ...recent.filter((r) => r.reference !== reference)].slice(0, RECENT_KEPT);
  renderRecent();
}

// ---------- attention: sound and browser notifications ----------

let audio = null;
function beep() {
  try {
    audio = audio || new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 660;
    gain.gain.value = 0.1;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.2);
  } catch (e) {
    // no audio here: the title still counts
  }
}

// A new request or message: a sound when asked for, and a notification when permitted and the
// tab is not in front. Never the message's words: a notification can show on a locked screen.
function attention(title, body) {
  if (ui.sound.checked) beep();
  if (!('Notification' in window) || Notification.permission !== 'granted' || !document.hidden) return;
  try {
    new Notification(title, { body, tag: 'rightconv-console' });
  } catch (e) {
    // some browsers allow notifications only from a service worker
  }
}

function showNotifyState() {
  if (!('Notification' in window)) {
    ui.notifyState.textContent = 'This browser cannot show notifications.';
    ui.notify.hidden = true;
    return;
  }
  const p = Notification.permission;
  ui.notifyState.textContent = p === 'granted' ? 'Browser notifications are on while this tab is in the background.'
    : p === 'denied' ? 'Browser notifications are blocked for this page (change it in the browser settings).'
      : 'Browser notifications are off.';
  ui.notify.hidden = p !== 'default';
}

async function askToNotify() {
  try {
    await Notification.requestPermission();
  } catch (e) {
    // older browsers take a callback; the state below says what happened
  }
  showNotifyState();
}

function sendMessage(event) {
  event.preventDefault();
  if (!active || !active.open) return;
  const text = ui.composeText.value.trim();
  if (!text) {
    ui.composeText.focus();
    return;
  }
  if (text.length > MAX_TEXT) {
    showError('A message can be at most ' + MAX_TEXT + ' characters.');
    return;
  }
  clearError();
  if (request({ type: 'message', reference: active.reference, text }, { text })) {
    ui.composeText.value = '';
    setStatus('Sending…');
  }
}

// The reply carries no text or reference: what was asked (kept by its ref) says which.
function onSent(asked) {
  setStatus('');
  if (!active || !asked || asked.reference !== active.reference || !asked.text) return;
  addMessage({ from: 'staff', name: session.staff ? session.staff.name : 'You', text: asked.text }, false);
}

function endHandoff(event) {
  event.preventDefault();
  if (!active || !active.open) return;
  const note = ui.endNote.value.trim();
  if (!note) {
    ui.endError.textContent = 'Write a wrap-up note before ending the conversation.';
    ui.endError.hidden = false;
    ui.endNote.setAttribute('aria-invalid', 'true');
    ui.endNote.focus();
    return;
  }
  ui.endError.hidden = true;
  ui.endNote.removeAttribute('aria-invalid');
  clearError();
  if (request({ type: 'end', reference: active.reference, note })) {
    active.ending = true;
    setStatus('Ending ' + active.reference + '…');
  }
}

function onEnded(asked) {
  if (!active || !asked || asked.reference !== active.reference) return;
  const reference = active.reference;
  remember(reference);
  closeChat();
  ui.endNote.value = '';
  setStatus('Conversation ' + reference + ' ended. Your wrap-up note has been saved and the practitioner has been told.');
  ui.queueTitle.focus();
}

function closeChat() {
  const was = active && active.reference;
  active = null;
  if (session.token) saveSession();
  ui.chat.hidden = true;
  ui.messages.replaceChildren();
  ui.messagesEmpty.hidden = false;
  ui.sofarBody.replaceChildren();
  ui.chatSummary.replaceChildren();
  ui.safety.hidden = true;
  ui.composeText.value = '';
  ui.endNote.value = '';
  ui.endError.hidden = true;
  hideTyping();
  unseenInActive = 0;
  updateTitle();
  setChatState('');
  const card = was && queue.cards.get(was);
  if (card && queue.items.has(was)) fillCard(card, queue.items.get(was));
}

// Sending and ending need the socket and a conversation that is ours and open.
function updateChatControls() {
  const canAct = !!(active && active.open);
  ui.compose.hidden = !canAct;
  ui.endForm.hidden = !canAct;
  ui.closed.hidden = canAct || !active;
  const offline = !link.ready;
  ui.send.setAttribute('aria-disabled', String(offline));
  ui.endButton.setAttribute('aria-disabled', String(offline));
}

// ---------- start ----------

ui.signinForm.addEventListener('submit', signIn);
ui.signout.addEventListener('click', () => signOut(null));
ui.compose.addEventListener('submit', sendMessage);
ui.composeText.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.compose.requestSubmit();
  }
});
ui.endForm.addEventListener('submit', endHandoff);
ui.endNote.addEventListener('input', () => {
  if (ui.endNote.value.trim()) {
    ui.endError.hidden = true;
    ui.endNote.removeAttribute('aria-invalid');
  }
});
ui.close.addEventListener('click', () => {
  closeChat();
  updateChatControls();
  ui.queueTitle.focus();
});
ui.composeText.addEventListener('input', sendTyping);
try {
  ui.sound.checked = window.localStorage.getItem(SOUND_KEY) === 'on';
} catch (e) {
  // storage blocked: off
}
ui.sound.addEventListener('change', () => {
  try {
    window.localStorage.setItem(SOUND_KEY, ui.sound.checked ? 'on' : 'off');
  } catch (e) {
    // storage blocked: on for this page only
  }
  if (ui.sound.checked) beep(); // so they hear what it sounds like
});
ui.notify.addEventListener('click', askToNotify);
showNotifyState();
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && unseenInActive) {
    unseenInActive = 0;
    updateTitle();
  }
});
window.setInterval(tick, 1000);

const resume = loadSession();
if (session.token) {
  session.restored = true;
  if (resume) active = { reference: resume, open: true, renderedAt: 0, lastPractitioner: null, ending: false };
  setStatus('Signing in…');
  connect();
} else {
  showView();
}
renderRecent();
updateChatControls();
