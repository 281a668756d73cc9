// The chat page's behaviour: speaks protocol v1 to /v1/chat and shows the dialog as a conversation.
// Server text is only ever set with textContent, never parsed as HTML.
(function () {
  'use strict';

  const STORAGE_KEY = 'rightconv.chat.v1';
  const RESUME_FAILURES = new Set(['bad_token', 'no_conversation', 'dialog_changed']);
  const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];

  const root = document.getElementById('rc-chat');
  if (!root) return;
  const dialogId = root.dataset.dialog || 'early-help';
  const ui = {
    log: document.getElementById('rc-log'),
    status: document.getElementById('rc-status'),
    composer: document.getElementById('rc-composer'),
    answer: document.getElementById('rc-answer'),
    send: document.getElementById('rc-send'),
    back: document.getElementById('rc-back'),
    restart: document.getElementById('rc-restart'),
  };

  const chat = {
    ws: null,
    ready: false, // the socket is open and has a started or resumed conversation
    attempts: 0,
    reconnectTimer: 0,
    pausedForIdle: false,
    wasDisconnected: false,
    nextRef: 1,
    awaitingRef: null, // a user action not yet answered
    resumeRef: null,
    restartRef: null,
    actions: new Map(), // ref -> 'click' | 'typed' | 'back' | 'restart' | 'resync' (replies may move focus)
    group: { ref: undefined, error: false, alert: false, resumed: false }, // the frames of one reply share its ref
    active: null, // what waits for the user: { node, kind, entry, heading, options, canGoBack, input }
    idCounter: 0,
  };

  // ---------- small DOM helpers ----------

  function make(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined && text !== null) el.textContent = String(text);
    return el;
  }

  function newId(prefix) {
    chat.idCounter += 1;
    return prefix + '-' + chat.idCounter;
  }

  function prefersReducedMotion() {
    return window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  }

  // Moves focus to `el` and brings `view` (the whole message, by default the element) into sight.
  function focusOn(el, view) {
    if (!el) return;
    el.focus({ preventScroll: true });
    (view || el).scrollIntoView({ block: 'start', behavior: prefersReducedMotion() ? 'auto' : 'smooth' });
  }

  function appendToLog(el) {
    ui.log.appendChild(el);
    return el;
  }

  function setStatus(text) {
    ui.status.textContent = text || '';
  }

  function setUsable(button, usable) {
    button.setAttribute('aria-disabled', usable ? 'false' : 'true');
  }

  function isUsable(button) {
    return button.getAttribute('aria-disabled') !== 'true';
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
    setStatus(chat.attempts === 0 && !chat.active ? 'Connecting…' : 'Reconnecting…');
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
      updateControls();
      if (event.reason === 'idle timeout') pauseUntilActivity();
      else scheduleReconnect();
    });
  }

  function scheduleReconnect() {
    const base = BACKOFF_MS[Math.min(chat.attempts, BACKOFF_MS.length - 1)];
    const delay = Math.round(base * (1 + Math.random() * 0.3));
    chat.attempts += 1;
    const seconds = Math.max(1, Math.round(delay / 1000));
    setStatus('The connection was lost. Trying again in ' + seconds + (seconds === 1 ? ' second…' : ' seconds…'));
    window.clearTimeout(chat.reconnectTimer);
    chat.reconnectTimer = window.setTimeout(connect, delay);
  }

  // The server closes quiet connections; reconnect when the person comes back, not in a loop.
  function pauseUntilActivity() {
    chat.pausedForIdle = true;
    setStatus('Paused after a while without activity. It will carry on when you continue.');
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
    if (!chat.ws || chat.ws.readyState !== WebSocket.OPEN) return null;
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
      case 'prompt': showPrompt(msg); break;
      case 'info': showInfo(msg); break;
      case 'outcome': showOutcome(msg); break;
      case 'alert': showAlert(msg); break;
      case 'ended': onEnded(msg); break;
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
      appendToLog(make('p', 'rc-note', 'You started again.'));
    }
  }

  function onResumed() {
    chat.ready = true;
    chat.resumeRef = null;
    chat.group.resumed = true;
    if (ui.log.hasChildNodes()) {
      if (chat.wasDisconnected) setStatus('Connected again.');
    } else {
      setStatus('');
      appendToLog(make('p', 'rc-note', 'Carrying on where you left off. You can start again at any time.'));
    }
    chat.wasDisconnected = false;
  }

  function onEnded() {
    forget();
    chat.ready = false;
    retireActive();
    chat.active = null;
    appendToLog(make('p', 'rc-note', 'This conversation has ended. Choose "Start again" to begin a new one.'));
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
    appendToLog(make('p', 'rc-msg rc-error', msg.message || 'Sorry, something went wrong. Please try again.'));
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
  // or on resume after a reconnect), unless an alert has come between.
  function isAlreadyShown(msg, kind) {
    const a = chat.active;
    if (!a || a.kind !== kind || a.node !== msg.node || chat.group.alert) return false;
    return chat.group.error || chat.group.resumed || !actionOf(chat.group.ref);
  }

  function retireActive() {
    const a = chat.active;
    if (a && a.options) {
      a.options.remove();
      a.options = null;
    }
  }

  function showPrompt(msg) {
    if (isAlreadyShown(msg, 'prompt')) {
      chat.active.canGoBack = !!msg.can_go_back;
      return;
    }
    retireActive();
    const entry = make('section', 'rc-msg rc-prompt');
    const heading = make('h2', 'rc-question', msg.text);
    heading.id = newId('rc-q');
    heading.tabIndex = -1;
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
        const button = make('button', 'rc-button rc-option', option.label);
        button.type = 'button';
        button.addEventListener('click', () => chooseOption(msg.node, option, button));
        options.appendChild(button);
      });
      entry.appendChild(options);
    } else if (!isChoice) {
      entry.appendChild(make('p', 'rc-hint', 'Type your answer in the box below, then choose Send.'));
    }
    appendToLog(entry);
    setPrintTarget(null);
    chat.active = { node: msg.node, kind: 'prompt', entry, heading, options, canGoBack: !!msg.can_go_back, input: msg.input };

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

  function telHref(phone) {
    return 'tel:' + String(phone).replace(/\s+/g, '');
  }

  function contactList(contacts) {
    const list = make('ul', 'rc-contacts');
    contacts.forEach((c) => {
      const item = make('li', 'rc-contact');
      item.appendChild(make('p', 'rc-contact-name', c.name));
      if (c.phone) {
        const line = make('p', 'rc-contact-line', 'Phone: ');
        const link = make('a', 'rc-phone', c.phone);
        link.href = telHref(c.phone);
        line.appendChild(link);
        item.appendChild(line);
      }
      if (c.email) {
        const line = make('p', 'rc-contact-line', 'Email: ');
        const link = make('a', 'rc-email', c.email);
        link.href = 'mailto:' + c.email;
        line.appendChild(link);
        item.appendChild(line);
      }
      if (c.hours) item.appendChild(make('p', 'rc-contact-line', 'Hours: ' + c.hours));
      if (c.note) item.appendChild(make('p', 'rc-contact-note', c.note));
      list.appendChild(item);
    });
    return list;
  }

  function section(card, title, items, render) {
    if (!Array.isArray(items) || !items.length) return;
    card.appendChild(make('h3', 'rc-card-subhead', title));
    const list = make('ul', 'rc-items');
    items.forEach((item) => list.appendChild(render(item)));
    card.appendChild(list);
  }

  function titledItem(title, text) {
    const li = make('li', 'rc-item');
    li.appendChild(make('p', 'rc-item-title', title));
    if (text) li.appendChild(make('p', 'rc-item-text', text));
    return li;
  }

  // ---------- panels on an outcome card ----------

  // A section named by its heading, for the come-back link and the summary.
  function headedPanel(panelClass, headingClass, title, idPrefix) {
    const panel = make('section', panelClass);
    const heading = make('h3', headingClass, title);
    heading.id = newId(idPrefix);
    panel.setAttribute('aria-labelledby', heading.id);
    panel.appendChild(heading);
    return panel;
  }

  // Copies `text`; where the browser refuses, selects it (`select`) and says how to copy it.
  function copyWithFallback(text, status, copied, what, select) {
    copyText(text).then(
      () => { status.textContent = copied; },
      () => {
        select();
        status.textContent = `Copying was not allowed: ${what} is selected, so copy it with Ctrl+C (or Cmd+C).`;
      });
  }

  // ---------- coming back to the same point later ----------

  // A stop such as "talk to your Safeguarding Lead now": a link that reopens this conversation
  // here, in any browser, while its resume token lasts. The token rides in the fragment, which
  // browsers never send to a server, and is taken out of the address bar as soon as it is read.
  function comeBackLink() {
    const saved = loadSaved();
    if (!saved) return '';
    return window.location.origin + window.location.pathname + '#resume=' + encodeURIComponent(saved.conversation) + '.' +
      encodeURIComponent(saved.token);
  }

  function comeBackPanel() {
    const panel = headedPanel('rc-come-back', 'rc-card-subhead', 'Coming back to this point', 'rc-cb');
    panel.appendChild(make('p', 'rc-come-back-hint',
      'Keep this link to come back here afterwards, then choose "Back" to give your new answer. ' +
      'Anyone with the link can open this conversation, so keep it to yourself. It works for a limited time; ' +
      'after that, start again.'));
    const link = comeBackLink();
    const field = make('input', 'rc-come-back-link');
    field.type = 'text';
    field.readOnly = true;
    field.value = link;
    field.id = newId('rc-cbl');
    const label = make('label', 'rc-visually-hidden', 'Link to come back to this conversation');
    label.htmlFor = field.id;
    panel.appendChild(label);
    panel.appendChild(field);
    const status = make('p', 'rc-come-back-status');
    status.setAttribute('role', 'status');
    const copy = make('button', 'rc-button rc-secondary', 'Copy the link');
    copy.type = 'button';
    copy.addEventListener('click', () => copyWithFallback(link, status, 'Link copied.', 'the link', () => field.select()));
    const actions = make('div', 'rc-summary-actions');
    actions.appendChild(copy);
    panel.appendChild(actions);
    panel.appendChild(status);
    return panel;
  }

  // "#resume=<conversation>.<token>" from a come-back link: remembered for this tab, then
  // removed from the address so it is not left in history or shared by accident.
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

  // ---------- the outcome summary: copy, print, download ----------

  function summaryReference(msg) {
    const fields = msg.summary_fields || {};
    return String(fields.reference || '').replace(/[^A-Za-z0-9-]/g, '') || 'summary';
  }

  // The card whose summary prints (the page prints just that summary, nothing else).
  function setPrintTarget(card) {
    ui.log.querySelectorAll('.rc-print-target').forEach((el) => el.classList.remove('rc-print-target'));
    if (card) card.classList.add('rc-print-target');
    root.classList.toggle('rc-print-summary', !!card);
  }

  // The Clipboard API needs a secure context (https or localhost); otherwise select and copy.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text).catch(() => copyBySelection(text));
    return copyBySelection(text);
  }

  function copyBySelection(text) {
    const area = make('textarea', 'rc-visually-hidden');
    area.value = text;
    area.setAttribute('readonly', '');
    area.setAttribute('aria-hidden', 'true');
    document.body.appendChild(area);
    area.select();
    let copied = false;
    try {
      copied = document.execCommand('copy');
    } catch (e) {
      copied = false;
    }
    area.remove();
    return copied ? Promise.resolve() : Promise.reject(new Error('copy refused'));
  }

  function selectContents(el) {
    const range = document.createRange();
    range.selectNodeContents(el);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function downloadText(text, fileName) {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const link = make('a');
    link.href = url;
    link.download = fileName;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function summaryPanel(msg, card) {
    const panel = headedPanel('rc-summary', 'rc-card-subhead rc-summary-title', 'Summary to copy, print or save', 'rc-s');
    panel.appendChild(make('p', 'rc-summary-hint',
      'Keep it with your notes. Typed answers are shown with details such as phone numbers, NHS numbers and dates taken out.'));
    const text = make('pre', 'rc-summary-text', msg.summary);
    text.tabIndex = 0; // it scrolls: reachable by keyboard
    text.setAttribute('aria-label', 'Summary');
    panel.appendChild(text);

    const status = make('p', 'rc-summary-status');
    status.setAttribute('role', 'status');
    const actions = make('div', 'rc-summary-actions');
    const button = (label, onClick) => {
      const b = make('button', 'rc-button rc-secondary', label);
      b.type = 'button';
      b.addEventListener('click', onClick);
      actions.appendChild(b);
      return b;
    };
    button('Copy', () => copyWithFallback(msg.summary, status, 'Summary copied.', 'the summary', () => selectContents(text)));
    button('Print', () => {
      setPrintTarget(card);
      status.textContent = '';
      window.print();
    });
    const fileName = 'early-help-summary-' + summaryReference(msg) + '.txt';
    button('Download', () => {
      downloadText(msg.summary, fileName);
      status.textContent = 'Summary downloaded as ' + fileName + '.';
    });
    panel.appendChild(actions);
    panel.appendChild(status);
    return panel;
  }

  function showOutcome(msg) {
    if (isAlreadyShown(msg, 'outcome')) return;
    retireActive();
    const card = make('article', 'rc-msg rc-card rc-outcome');
    const heading = make('h2', 'rc-card-title', msg.title);
    heading.id = newId('rc-o');
    heading.tabIndex = -1;
    card.setAttribute('aria-labelledby', heading.id);
    card.appendChild(make('p', 'rc-kicker', 'Your next step'));
    card.appendChild(heading);
    if (msg.alert_fired && msg.alert_note) {
      // A safety alert fired earlier in this conversation: that comes before anything else here.
      const note = make('p', 'rc-outcome-alert', msg.alert_note);
      card.appendChild(note);
    }
    if (msg.text) card.appendChild(make('p', 'rc-card-text', msg.text));
    if (Array.isArray(msg.points) && msg.points.length) {
      const points = make('ul', 'rc-points');
      msg.points.forEach((p) => points.appendChild(make('li', null, p)));
      card.appendChild(points);
    }
    if (Array.isArray(msg.contacts) && msg.contacts.length) {
      card.appendChild(make('h3', 'rc-card-subhead', 'Who to contact'));
      card.appendChild(contactList(msg.contacts));
    }
    if (msg.come_back) card.appendChild(comeBackPanel());
    // The next step and its numbers come first; the rest is there for whoever wants it.
    const hasMore = (Array.isArray(msg.forms) && msg.forms.length) || (Array.isArray(msg.guidance) && msg.guidance.length);
    if (hasMore) {
      const more = make('details', 'rc-more');
      more.appendChild(make('summary', 'rc-more-summary', 'More about this'));
      section(more, 'Forms', msg.forms, (f) => titledItem(f.name, f.text));
      section(more, 'Guidance', msg.guidance, (g) => titledItem(g.title, g.text));
      card.appendChild(more);
    }

    if (typeof msg.summary === 'string' && msg.summary) {
      card.appendChild(summaryPanel(msg, card));
    } else {
      const actions = make('div', 'rc-card-actions');
      const print = make('button', 'rc-button rc-secondary', 'Print or save this page');
      print.type = 'button';
      print.addEventListener('click', () => window.print());
      actions.appendChild(print);
      card.appendChild(actions);
    }

    appendToLog(card);
    setPrintTarget(card.querySelector('.rc-summary') ? card : null);
    chat.active = { node: msg.node, kind: 'outcome', entry: card, heading, options: null, canGoBack: msg.can_go_back !== false, input: 'none' };
    if (actionOf(chat.group.ref) && !chat.group.alert) focusOn(heading, card);
  }

  function showAlert(msg) {
    chat.group.alert = true;
    // The question comes again after the alert: retire it first, so nothing above the alert
    // changes height while it scrolls into view.
    retireActive();
    const card = make('div', 'rc-msg rc-card rc-alert');
    card.setAttribute('role', 'alert');
    const heading = make('h2', 'rc-card-title',
      msg.category === 'immediate_danger' ? 'A child may be in danger' : 'A child may be at risk of significant harm');
    heading.tabIndex = -1;
    card.appendChild(heading);
    card.appendChild(make('p', 'rc-card-text', msg.text));
    const contacts = Array.isArray(msg.contacts) ? msg.contacts.slice() : [];
    if (!contacts.some((c) => c.phone && c.phone.replace(/\s+/g, '') === '999'))
      contacts.unshift({ name: 'Emergency services', phone: '999', note: 'If a child is in immediate danger, call 999.' });
    card.appendChild(contactList(contacts));
    appendToLog(card);
    focusOn(heading, card);
  }

  // ---------- what the person does ----------

  function canAct() {
    if (chat.ready && !chat.awaitingRef) return true;
    if (chat.awaitingRef) return false; // the reply to the last answer is on its way
    if (!chat.ws) connect();
    setStatus('Still connecting. Please try again in a moment.');
    return false;
  }

  function addYou(text) {
    const bubble = make('p', 'rc-msg rc-you');
    bubble.appendChild(make('span', 'rc-visually-hidden', 'You answered: '));
    bubble.appendChild(document.createTextNode(text));
    appendToLog(bubble);
  }

  function chooseOption(node, option, button) {
    const a = chat.active;
    if (!a || a.node !== node || !a.options || !a.options.contains(button)) return;
    if (!canAct()) return;
    addYou(option.label);
    send({ type: 'answer', node, option: option.id }, 'click');
  }

  function submitTyped(event) {
    event.preventDefault();
    const text = ui.answer.value.trim();
    if (!text) {
      setStatus('Please type an answer first.');
      return;
    }
    if (!chat.active || !canAct()) return;
    addYou(text);
    ui.answer.value = '';
    setStatus('');
    send({ type: 'answer', node: chat.active.node, text }, 'typed');
  }

  function goBack() {
    if (!isUsable(ui.back) || !canAct()) return;
    appendToLog(make('p', 'rc-note', 'You went back to the previous question.'));
    send({ type: 'back' }, 'back');
  }

  function startAgain() {
    if (!chat.ws || chat.ws.readyState !== WebSocket.OPEN) {
      forget();
      ui.log.replaceChildren();
      chat.active = null;
      connect();
      return;
    }
    if (chat.awaitingRef) return;
    startConversation('restart');
  }

  function updateControls() {
    const live = chat.ready && !chat.awaitingRef;
    setUsable(ui.send, live);
    setUsable(ui.back, live && !!chat.active && chat.active.canGoBack);
    setUsable(ui.restart, !chat.awaitingRef);
    root.classList.toggle('rc-busy', !!chat.awaitingRef);
  }

  // Print on an earlier card prints that summary once; afterwards the page prints what is current.
  window.addEventListener('afterprint', () => {
    const a = chat.active;
    setPrintTarget(a && a.kind === 'outcome' && a.entry.querySelector('.rc-summary') ? a.entry : null);
  });
  ui.composer.addEventListener('submit', submitTyped);
  ui.back.addEventListener('click', goBack);
  ui.restart.addEventListener('click', startAgain);
  setStatus('');
  updateControls();
  takeResumeLink();
  connect();
})();
