// The chat page's behaviour: speaks protocol v1 to /v1/chat and shows the dialog as a
// conversation. The cards (outcome, alert) are in chat-cards.js, talking to a person in
// chat-person.js. Nothing personal is kept in the browser: only the conversation id and its
// resume token (sessionStorage); after a reload the server sends the conversation back.
import { button, focusOn, focusableHeading, isUsable, make, setUsable, timeElement } from './chat-dom.js';
import { alertCard, outcomeCard } from './chat-cards.js';
import { createPerson } from './chat-person.js';
import { createAbout } from './chat-about.js';

const STORAGE_KEY = 'rightconv.chat.v1';
const RESUME_FAILURES = new Set(['bad_token', 'no_conversation', 'dialog_changed']);
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];

const root = document.getElementById('rc-chat');
const params = new URLSearchParams(window.location.search);
// In the widget's frame (web/widget.js): /?embed=1&dialog=ID.
const embedded = params.get('embed') === '1';
const askedDialog = params.get('dialog');
const dialogId = askedDialog && /^[a-z0-9][a-z0-9_-]{0,63}$/.test(askedDialog) ? askedDialog : root.dataset.dialog || 'early-help';
if (embedded) root.classList.add('rc-embedded');

const ui = {
  log: document.getElementById('rc-log'),
  status: document.getElementById('rc-status'),
  offline: document.getElementById('rc-offline'),
  composer: document.getElementById('rc-composer'),
  answerLabel: document.getElementById('rc-answer-label'),
  answer: document.getElementById('rc-answer'),
  send: document.getElementById('rc-send'),
  person: document.getElementById('rc-person'),
  back: document.getElementById('rc-back'),
  restart: document.getElementById('rc-restart'),
};

const chat = {
  ws: null,
  ready: false, // the socket is open and has a started or resumed conversation
  attempts: 0,
  reconnectTimer: 0,
  pausedForIdle: false,
  progressShown: false, // the status line says "Connecting…" or "Reconnecting…"
  wasDisconnected: false,
  nextRef: 1,
  awaitingRef: null, // a user action not yet answered
  resumeRef: null,
  restartRef: null,
  actions: new Map(), // ref -> 'click' | 'typed' | 'back' | 'restart' | 'resync' | 'person' (replies may move focus)
  group: { ref: undefined, error: false, alert: false, resumed: false }, // the frames of one reply share its ref
  active: null, // what waits for the user: { node, kind, entry, heading, options, canGoBack, input, help }
  showAgain: false, // after a person leaves, the question comes again at the bottom
  mode: 'answer', // 'answer' (the dialog) or 'message' (to the person who has the chat)
  lastTyped: null, // the "You" bubble of the last typed answer, for "I took that as"
  confirmation: null, // the last "I took that as ... Change" box
};

// ---------- small helpers ----------

function appendToLog(el) {
  ui.log.appendChild(el);
  return el;
}

function setStatus(text) {
  ui.status.textContent = text || '';
}

function isOnline() {
  return !!chat.ws && chat.ws.readyState === WebSocket.OPEN;
}

// ---------- remembering the conversation across reconnects and reloads ----------

function loadSaved() {
  try {
    const saved = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || 'null');
    if (saved && typeof saved.conversation === 'string' && typeof saved.token === 'string') return saved;
  } catch (e) {
    // storage blocked or corrupt: carry on without it
  }
  return null;
}

function save(conversation, token) {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ conversation, token }));
  } catch (e) {
    // storage blocked: a reload will start afresh
  }
}

function forget() {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch (e) {
    // nothing to forget
  }
}

// A stop such as "talk to your Safeguarding Lead now": a link that reopens this conversation
// here, in any browser, while its resume token lasts. The token rides in the fragment, which
// browsers never send to a server, and is taken out of the address bar as soon as it is read.
function comeBackLink() {
  const saved = loadSaved();
  if (!saved) return '';
  return window.location.origin + window.location.pathname + '#resume=' + encodeURIComponent(saved.conversation) + '.' +
    encodeURIComponent(saved.token);
}

function takeResumeLink() {
  const m = /^#resume=([0-9a-f]{28})\.([0-9a-f]{32})$/.exec(window.location.hash || '');
  if (!m) return;
  save(m[1], m[2]);
  try {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  } catch (e) {
    window.location.hash = '';
  }
}

// ---------- the connection ----------

function chatUrl() {
  if (root.dataset.chatUrl) return root.dataset.chatUrl;
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return scheme + '//' + window.location.host + '/v1/chat';
}

function connect() {
  window.clearTimeout(chat.reconnectTimer);
  chat.pausedForIdle = false;
  if (chat.ws && (chat.ws.readyState === WebSocket.CONNECTING || chat.ws.readyState === WebSocket.OPEN)) return;
  // While offline the banner says it is trying again; the status line keeps what it told the
  // person about their own last click ("that was not sent"), which a retry must not wipe.
  if (!ui.offline.hidden) chat.progressShown = false;
  else {
    setStatus(chat.attempts === 0 && !chat.active ? 'Connecting…' : 'Reconnecting…');
    chat.progressShown = true;
  }
  let socket;
  try {
    socket = new WebSocket(chatUrl());
  } catch (e) {
    scheduleReconnect();
    return;
  }
  chat.ws = socket;
  socket.addEventListener('open', () => {
    if (socket !== chat.ws) return;
    chat.attempts = 0;
    showOffline(false);
    openConversation(null);
  });
  socket.addEventListener('message', (event) => {
    if (socket === chat.ws) receive(event.data);
  });
  socket.addEventListener('close', (event) => {
    if (socket !== chat.ws) return;
    chat.ws = null;
    chat.ready = false;
    chat.wasDisconnected = true;
    chat.awaitingRef = null;
    if (event.reason === 'idle timeout') pauseUntilActivity();
    else scheduleReconnect();
    updateControls();
  });
}

// While the connection is down every control says so and does nothing: no click is dropped silently.
function showOffline(offline, text) {
  root.classList.toggle('rc-offline', offline);
  ui.offline.hidden = !offline;
  ui.offline.textContent = offline ? text : '';
}

function scheduleReconnect() {
  const base = BACKOFF_MS[Math.min(chat.attempts, BACKOFF_MS.length - 1)];
  const delay = Math.round(base * (1 + Math.random() * 0.3));
  chat.attempts += 1;
  const seconds = Math.max(1, Math.round(delay / 1000));
  if (chat.progressShown) setStatus('');
  chat.progressShown = false;
  showOffline(true, 'You are offline: the connection was lost. Your answers so far are kept. Trying again in ' + seconds +
    (seconds === 1 ? ' second…' : ' seconds…'));
  window.clearTimeout(chat.reconnectTimer);
  chat.reconnectTimer = window.setTimeout(connect, delay);
}

// The server closes quiet connections; reconnect when the person comes back, not in a loop.
function pauseUntilActivity() {
  chat.pausedForIdle = true;
  showOffline(true, 'Paused after a while without activity. It will carry on when you continue.');
  const wake = () => {
    ['pointerdown', 'keydown', 'focusin'].forEach((t) => document.removeEventListener(t, wake, true));
    document.removeEventListener('visibilitychange', onVisible);
    if (chat.pausedForIdle) connect();
  };
  const onVisible = () => {
    if (document.visibilityState === 'visible') wake();
  };
  ['pointerdown', 'keydown', 'focusin'].forEach((t) => document.addEventListener(t, wake, true));
  document.addEventListener('visibilitychange', onVisible);
}

function send(message, action) {
  if (!isOnline()) return null;
  const ref = 'r' + chat.nextRef++;
  message.ref = ref;
  if (action) {
    chat.actions.set(ref, action);
    chat.awaitingRef = ref;
  }
  chat.ws.send(JSON.stringify(message));
  updateControls();
  return ref;
}

// `action` is set when the person's own step led here, so the reply may move focus.
function openConversation(action) {
  const saved = loadSaved();
  if (saved) {
    if (!action) setStatus('Carrying on where you left off…');
    chat.resumeRef = send({ type: 'resume', conversation: saved.conversation, token: saved.token }, action);
  } else {
    startConversation(null);
  }
}

function startConversation(action) {
  const ref = send({ type: 'start', dialog: dialogId, channel: 'web' }, action);
  if (action === 'restart') chat.restartRef = ref;
}

// ---------- what the server sends ----------

function receive(data) {
  let msg;
  try {
    msg = JSON.parse(data);
  } catch (e) {
    return;
  }
  if (!msg || typeof msg !== 'object') return;
  if (msg.ref !== chat.group.ref || msg.ref === undefined) chat.group = { ref: msg.ref, error: false, alert: false, resumed: false };
  if (msg.ref !== undefined && msg.ref === chat.awaitingRef) chat.awaitingRef = null;

  switch (msg.type) {
    case 'started': onStarted(msg); break;
    case 'resumed': onResumed(msg); break;
    case 'matched': showMatched(msg); break;
    case 'prompt': showPrompt(msg); break;
    case 'info': showInfo(msg); break;
    case 'outcome': showOutcome(msg); break;
    case 'alert': showAlert(msg); break;
    case 'handoff': person.onHandoff(msg); break;
    case 'message': person.onMessage(msg); break;
    case 'typing': person.onTyping(msg); break;
    case 'ended': onEnded(msg); break;
    case 'about': about.saved(msg); break;
    case 'error': onError(msg); break;
    default: break; // a newer server may send more; ignore what we do not know
  }
  updateControls();
}

function onStarted(msg) {
  save(msg.conversation, msg.token);
  chat.ready = true;
  chat.wasDisconnected = false;
  setStatus('');
  if (msg.ref !== undefined && msg.ref === chat.restartRef) {
    chat.restartRef = null;
    ui.log.replaceChildren();
    chat.active = null;
    setMode('answer');
    appendToLog(make('p', 'rc-note', 'You started again.'));
  }
  about.started(msg.conversation);
}

// After a reload the page is empty: the server's history puts the earlier answers back.
function showHistory(history) {
  const earlier = make('section', 'rc-history');
  earlier.setAttribute('aria-label', 'Earlier in this conversation');
  earlier.appendChild(make('p', 'rc-note', 'Carrying on where you left off. Your earlier answers:'));
  history.forEach((h) => {
    earlier.appendChild(make('p', 'rc-history-question', h.question));
    const text = h.withheld ? '(what you typed raised the safety alert; it is kept for the hub, not shown here)' : h.answer;
    earlier.appendChild(youBubble(text, h.at || null));
  });
  appendToLog(earlier);
}

function onResumed(msg) {
  chat.ready = true;
  chat.resumeRef = null;
  chat.group.resumed = true;
  if (ui.log.hasChildNodes()) {
    if (chat.wasDisconnected) setStatus('Connected again.');
  } else {
    setStatus('');
    if (Array.isArray(msg.history) && msg.history.length) showHistory(msg.history);
    else appendToLog(make('p', 'rc-note', 'Carrying on where you left off. You can start again at any time.'));
  }
  chat.wasDisconnected = false;
  about.resumed(msg.conversation, msg.about);
}

function onEnded() {
  forget();
  chat.ready = false;
  retireActive();
  chat.active = null;
  appendToLog(make('p', 'rc-note', 'This conversation has ended. Choose "Start again" to begin a new one.'));
}

// An answer the dialog could not take: its message, the question's help, and a person to ask.
function showNoMatch(msg) {
  const box = make('div', 'rc-msg rc-error');
  box.appendChild(make('p', null, msg.message || 'Sorry, that did not match any of the answers.'));
  const help = msg.help || (chat.active && chat.active.help);
  if (help && (msg.reason === 'negated' || msg.reason === 'question')) box.appendChild(make('p', 'rc-help', help));
  if (msg.handoff_available || msg.reason) box.appendChild(person.offer());
  appendToLog(box);
}

function onError(msg) {
  if (msg.ref === undefined) chat.awaitingRef = null; // e.g. rate_limited: no other reply will come
  if (msg.ref !== undefined && msg.ref === chat.resumeRef) {
    chat.resumeRef = null;
    if (RESUME_FAILURES.has(msg.code)) {
      forget();
      if (ui.log.hasChildNodes())
        appendToLog(make('p', 'rc-note', 'The earlier conversation could not be carried on, so a new one has started.'));
      startConversation(null);
    } else {
      setStatus('Waiting for the service to be ready…');
      chat.reconnectTimer = window.setTimeout(() => openConversation(null), 2000);
    }
    return;
  }
  chat.group.error = true;
  if (msg.code === 'no_match') showNoMatch(msg);
  else appendToLog(make('p', 'rc-msg rc-error', msg.message || 'Sorry, something went wrong. Please try again.'));
  if (msg.code === 'no_conversation' && chat.ws) {
    chat.ready = false;
    openConversation(null);
  } else if (msg.code === 'server_busy' && actionOf(msg.ref) && msg.ref !== chat.restartRef && loadSaved()) {
    // The answer was not saved. Resuming reloads the saved place, so a retry lines up with it
    // (this also recovers when another tab moved the same conversation on).
    openConversation('resync');
  }
}

function actionOf(ref) {
  return ref === undefined ? undefined : chat.actions.get(ref);
}

// A question or outcome the person is already looking at is not shown twice (after an error,
// or on resume after a reconnect), unless an alert has come between or a person has left.
function isAlreadyShown(msg, kind) {
  const a = chat.active;
  if (chat.showAgain || !a || a.kind !== kind || a.node !== msg.node || chat.group.alert) return false;
  const action = actionOf(chat.group.ref);
  return chat.group.error || chat.group.resumed || !action || action === 'person' || action === 'message';
}

function retireActive() {
  const a = chat.active;
  if (a && a.options) {
    a.options.remove();
    a.options = null;
  }
}

function retireConfirmation() {
  if (chat.confirmation) chat.confirmation.querySelectorAll('button').forEach((b) => b.remove());
  chat.confirmation = null;
}

// "I took that as: Yes, I think so - Change": typed text is never taken silently.
function showMatched(msg) {
  retireConfirmation();
  const box = make('p', 'rc-msg rc-matched');
  box.appendChild(document.createTextNode('I took that as: '));
  box.appendChild(make('strong', null, msg.label));
  box.appendChild(document.createTextNode(' '));
  box.appendChild(button('Change', 'rc-secondary rc-change', () => {
    if (!canAct()) return;
    appendToLog(make('p', 'rc-note', 'You chose to change that answer.'));
    retireConfirmation();
    send({ type: 'back' }, 'back');
  }));
  chat.confirmation = box;
  appendToLog(box);
}

function showPrompt(msg) {
  if (isAlreadyShown(msg, 'prompt')) {
    chat.active.canGoBack = !!msg.can_go_back;
    return;
  }
  chat.showAgain = false;
  retireActive();
  const entry = make('section', 'rc-msg rc-prompt');
  const heading = focusableHeading('h2', 'rc-question', msg.text, 'rc-q');
  entry.setAttribute('aria-labelledby', heading.id);
  entry.appendChild(heading);
  if (msg.help) entry.appendChild(make('p', 'rc-help', msg.help));

  let options = null;
  const isChoice = msg.input !== 'text';
  if (isChoice && Array.isArray(msg.options) && msg.options.length) {
    options = make('div', 'rc-options');
    options.setAttribute('role', 'group');
    options.setAttribute('aria-labelledby', heading.id);
    msg.options.forEach((option) => {
      const b = button(option.label, 'rc-option');
      b.addEventListener('click', () => chooseOption(msg.node, option, b));
      options.appendChild(b);
    });
    entry.appendChild(options);
  } else if (!isChoice) {
    entry.appendChild(make('p', 'rc-hint', 'Type your answer in the box below, then choose Send.'));
  }
  appendToLog(entry);
  setPrintTarget(null);
  chat.active = { node: msg.node, kind: 'prompt', entry, heading, options, canGoBack: !!msg.can_go_back, input: msg.input, help: msg.help };

  const action = actionOf(chat.group.ref);
  if (!action || chat.group.alert) return;
  if (action === 'typed' || !isChoice) focusOn(ui.answer, entry);
  else focusOn(heading, entry);
}

function showInfo(msg) {
  const entry = make('div', 'rc-msg rc-info');
  entry.appendChild(make('p', null, msg.text));
  appendToLog(entry);
}

// The card whose summary prints (the page prints just that summary, nothing else).
function setPrintTarget(card) {
  ui.log.querySelectorAll('.rc-print-target').forEach((el) => el.classList.remove('rc-print-target'));
  if (card) card.classList.add('rc-print-target');
  root.classList.toggle('rc-print-summary', !!card);
}

function showOutcome(msg) {
  if (isAlreadyShown(msg, 'outcome')) return;
  chat.showAgain = false;
  retireActive();
  const { card, heading } = outcomeCard(msg, cardPage);
  appendToLog(card);
  setPrintTarget(card.querySelector('.rc-summary') ? card : null);
  chat.active = { node: msg.node, kind: 'outcome', entry: card, heading, options: null, canGoBack: msg.can_go_back !== false, input: 'none' };
  if (actionOf(chat.group.ref) && !chat.group.alert) focusOn(heading, card);
}

// The alert appears at the bottom, where the person is looking (after what they typed), takes
// focus and is announced (role=alert). The question it interrupted comes again after it.
function showAlert(msg) {
  chat.group.alert = true;
  retireActive();
  const { card, heading } = alertCard(msg, cardPage);
  appendToLog(card);
  focusOn(heading, card);
}

// ---------- what the person does ----------

function canAct() {
  if (!isOnline()) {
    if (chat.pausedForIdle) connect();
    setStatus('You are offline, so that was not sent. It will work again once the connection is back.');
    return false;
  }
  if (chat.ready && !chat.awaitingRef) return true;
  if (chat.awaitingRef) return false; // the reply to the last answer is on its way
  setStatus('Still connecting. Please try again in a moment.');
  return false;
}

// `at`: when the server logged it (ISO); now for what is being sent; null when not known.
function youBubble(text, at) {
  const bubble = make('div', 'rc-msg rc-you');
  const meta = make('p', 'rc-meta');
  meta.appendChild(make('span', 'rc-visually-hidden', 'You answered'));
  meta.appendChild(document.createTextNode(' '));
  if (at !== null) meta.appendChild(timeElement(at));
  bubble.appendChild(meta);
  bubble.appendChild(make('p', 'rc-bubble-text', text));
  return bubble;
}

function chooseOption(node, option, b) {
  const a = chat.active;
  if (!a || a.node !== node || !a.options || !a.options.contains(b)) return;
  if (person.isTalking()) {
    setStatus(`The questions are paused while you talk with ${person.name()}.`);
    return;
  }
  if (!canAct()) return;
  retireConfirmation();
  appendToLog(youBubble(option.label));
  send({ type: 'answer', node, option: option.id }, 'click');
}

function submitTyped(event) {
  event.preventDefault();
  const text = ui.answer.value.trim();
  if (!text) {
    setStatus(chat.mode === 'message' ? 'Please type a message first.' : 'Please type an answer first.');
    return;
  }
  if (!canAct()) return;
  ui.answer.value = '';
  setStatus('');
  if (chat.mode === 'message') {
    // Shown when the server echoes it back, logged and with any personal details taken out.
    send({ type: 'message', text }, 'message');
    return;
  }
  if (!chat.active) return;
  retireConfirmation();
  appendToLog(youBubble(text));
  send({ type: 'answer', node: chat.active.node, text }, 'typed');
}

function goBack() {
  if (!isUsable(ui.back)) {
    if (!isOnline()) canAct();
    return;
  }
  if (!canAct()) return;
  retireConfirmation();
  appendToLog(make('p', 'rc-note', 'You went back to the previous question.'));
  send({ type: 'back' }, 'back');
}

function startAgain() {
  if (!isOnline()) {
    forget();
    ui.log.replaceChildren();
    chat.active = null;
    setMode('answer');
    connect();
    return;
  }
  if (chat.awaitingRef) return;
  startConversation('restart');
}

function askForPerson() {
  if (!canAct()) return;
  if (person.isOpen()) {
    setStatus(person.isTalking() ? `You are talking with ${person.name()}.` : 'We are already asking for someone to join.');
    return;
  }
  send({ type: 'handoff' }, 'person');
}

function cancelPerson() {
  if (!canAct()) return;
  send({ type: 'handoff', cancel: true }, 'person');
}

function personControl() {
  if (person.isTalking()) cancelPerson();
  else if (person.isOpen()) cancelPerson();
  else askForPerson();
}

// The answer box becomes the message box while a person has the chat.
function setMode(mode, name) {
  chat.mode = mode;
  root.classList.toggle('rc-talking', mode === 'message');
  ui.answerLabel.textContent = mode === 'message' ? `Message to ${name}` : 'Type your answer';
  if (mode === 'message' && (document.activeElement === document.body || !document.activeElement)) ui.answer.focus();
  updateControls();
}

function updateControls() {
  const online = isOnline();
  const live = online && chat.ready && !chat.awaitingRef;
  const talking = person.isTalking();
  setUsable(ui.send, live);
  setUsable(ui.back, live && !talking && !!chat.active && chat.active.canGoBack);
  setUsable(ui.restart, !chat.awaitingRef);
  setUsable(ui.person, live);
  ui.person.textContent = talking ? `Leave the chat with ${person.name()}` : person.isOpen() ? 'Stop asking for a person' : 'Talk to someone at the hub';
  ui.log.querySelectorAll('.rc-option, .rc-change, .rc-person-offer .rc-button, .rc-person-panel .rc-button, .rc-alert-change .rc-button')
    .forEach((b) => setUsable(b, live && !(talking && b.classList.contains('rc-option'))));
  root.classList.toggle('rc-busy', !!chat.awaitingRef);
  // An outcome takes no typed answer: the box comes back for a question, or to talk to a person.
  ui.composer.hidden = chat.mode === 'answer' && !!chat.active && chat.active.kind === 'outcome';
}

// What the cards and the person module need from the page.
const cardPage = {
  setPrintTarget,
  comeBackLink,
  personOffer: () => person.offer(),
  // After an alert: back to the safety questions (the dialog's urgent question); Back returns here.
  changeSafetyAnswer() {
    if (!canAct()) return;
    appendToLog(make('p', 'rc-note', 'You chose to change your answer to the safety questions.'));
    send({ type: 'urgent' }, 'click');
  },
};

// Optional, asked once, below the controls: never in the way of the questions.
const about = createAbout({ send: (message) => send(message), where: document.querySelector('.rc-main') });

const person = createPerson({
  appendToLog,
  composer: ui.composer,
  answerBox: ui.answer,
  sendTyping: () => isOnline() && chat.ws.send(JSON.stringify({ type: 'typing' })),
  setMode,
  updateControls,
  askForPerson,
  cancelPerson,
  showDialogAgain() {
    chat.showAgain = true;
  },
});

// The summary is under "More about this": open for the print, closed again after.
let openedForPrint = null;
window.addEventListener('beforeprint', () => {
  const more = ui.log.querySelector('.rc-print-target .rc-more');
  if (more && !more.open) {
    more.open = true;
    openedForPrint = more;
  }
});
// Print on an earlier card prints that summary once; afterwards the page prints what is current.
window.addEventListener('afterprint', () => {
  if (openedForPrint) openedForPrint.open = false;
  openedForPrint = null;
  const a = chat.active;
  setPrintTarget(a && a.kind === 'outcome' && a.entry.querySelector('.rc-summary') ? a.entry : null);
});
// In the widget's frame a key pressed here never reaches the host page: Escape asks the widget
// (web/widget.js, which listens only to its own frame) to close the panel.
if (embedded && window.parent !== window) {
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !event.defaultPrevented) window.parent.postMessage({ type: 'rightconv:close' }, '*');
  });
}
ui.composer.addEventListener('submit', submitTyped);
ui.back.addEventListener('click', goBack);
ui.restart.addEventListener('click', startAgain);
ui.person.addEventListener('click', personControl);
setStatus('');
updateControls();
takeResumeLink();
connect();
