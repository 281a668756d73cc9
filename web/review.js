// The hub review page: signs in with a staff token and drives the staff API
// (docs/staff-api.openapi.yaml). Server text is only ever set with textContent (HTML and SVG alike),
// never parsed as HTML. Charts are inline SVG built with DOM calls; each has a table of its data.
(function () {
  'use strict';

  const STORAGE_KEY = 'rightconv.review.v1';
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const CONVERSATION_ID = /^[0-9a-f]{28}$/;
  const FILTER_KEYS = ['from', 'to', 'outcome', 'area', 'channel', 'status', 'review', 'alert_category', 'wrapped_up', 'q'];

  // The early-help dialog's outcome codes, in the order the dialog checks them. The API has no list
  // of them, so a code not named here is still shown (as itself) wherever the server returns it.
  const OUTCOMES = [
    ['emergency_999', 'Call 999'],
    ['danger_unsure', 'Not sure about danger: 999 or Duty and Advice'],
    ['duty_and_advice', 'Duty and Advice'],
    ['talk_to_lead', 'Talk to the Safeguarding Lead first'],
    ['seek_consent', 'Talk with the family first'],
    ['refusal_guidance', 'Family refused or not taking part'],
    ['universal_signpost', 'Universal services'],
    ['register_single_agency', 'Single agency plan'],
    ['hub_request_east', 'Request to East hub'],
    ['hub_request_west', 'Request to West hub'],
    ['hub_request_south', 'Request to South hub'],
    ['hub_request_area_unknown', 'Hub request, area not known'],
  ];
  const OUTCOME_LABEL = new Map(OUTCOMES);
  const STATUS_LABEL = new Map([['active', 'Active'], ['completed', 'Completed'], ['abandoned', 'Abandoned'], ['handed_off', 'Handed off']]);
  const REVIEW_LABEL = new Map([['new', 'New'], ['in_progress', 'In progress'], ['reviewed', 'Reviewed'], ['needs_follow_up', 'Needs follow-up']]);
  const CHANNEL_LABEL = new Map([['web', 'Web chat'], ['phone', 'Phone'], ['voice', 'Voice']]);
  const LEVEL_LABEL = new Map([['immediate_danger', 'Immediate danger'], ['significant_harm', 'Significant harm']]);
  const SOURCE_LABEL = new Map([
    ['answer', 'an answer'], ['handoff_reason', 'a request for a person'], ['message', 'a message to a person'],
    ['note', 'a phone note'], ['wrap_up', 'a wrap-up note'], ['speech', 'words said on a call'],
  ]);
  // Harm categories by id, from /v1/safety/categories (content/safety/detector.yaml).
  const CATEGORY_LABEL = new Map();
  // From /v1/labels: wrap-up codes by label, and each dialog's questions in the order it asks them.
  const WRAP_UP_LABEL = new Map();
  const QUESTIONS = new Map(); // node -> { text, order }
  const HUB_LABEL = new Map([['east', 'East hub'], ['west', 'West hub'], ['south', 'South hub']]);
  const WHY_LABEL = new Map([['area', 'the practitioner gave the area'], ['work_area', 'the practitioner works there'],
    ['call_taker', 'the hub took the call'], ['handoff', 'the hub took the handoff']]);
  const WORK_AREA_LABEL = new Map([['east', 'East Leeds'], ['west', 'West Leeds'], ['south', 'South Leeds'], ['unsaid', 'Preferred not to say']]);
  const AGENCY_LABEL = new Map([['school', 'School'], ['early_years', 'Early years'], ['health', 'Health'], ['gp', 'GP'], ['police', 'Police'],
    ['youth_service', 'Youth service'], ['voluntary_sector', 'Voluntary sector'], ['adult_services', 'Adult services'], ['other', 'Other'],
    ['unsaid', 'Preferred not to say']]);
  const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const SERIES_COUNT = 13; // colour classes rv-s0..rv-s12 in review.css; rv-s-none for "no outcome"

  const $ = (id) => document.getElementById(id);
  const ui = {
    signout: $('rv-signout'),
    nav: $('rv-nav'),
    navAudit: $('rv-nav-audit'),
    main: $('rv-main'),
    status: $('rv-status'),
    error: $('rv-error'),
    views: {
      signin: $('rv-view-signin'),
      list: $('rv-view-list'),
      conversation: $('rv-view-conversation'),
      stats: $('rv-view-stats'),
      audit: $('rv-view-audit'),
    },
    signinForm: $('rv-signin'),
    token: $('rv-token'),
    filters: $('rv-filters'),
    clear: $('rv-f-clear'),
    outcomeSelect: $('rv-f-outcome'),
    alertSelect: $('rv-f-alert-category'),
    exportTurns: $('rv-export-turns'),
    exportButton: $('rv-export'),
    listBody: $('rv-list-body'),
    listCaption: $('rv-list-caption'),
    listEmpty: $('rv-list-empty'),
    listCount: $('rv-list-count'),
    more: $('rv-more'),
    convTitle: $('rv-conv-title'),
    convBody: $('rv-conv-body'),
    statsFilter: $('rv-stats-filter'),
    statsBody: $('rv-stats-body'),
    auditBody: $('rv-audit-body'),
    auditMore: $('rv-audit-more'),
  };
  if (!ui.main) return;

  const session = { token: null, isAdmin: false };
  // The list as last fetched; kept so going back from a transcript neither refetches nor re-audits.
  const list = { filter: {}, rows: [], cursor: null, loaded: false, busy: false };
  const audit = { before: null, loaded: false, busy: false };
  let idCounter = 0;

  // ---------- small DOM helpers ----------

  function make(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined && text !== null) el.textContent = String(text);
    return el;
  }

  function svg(tag, attrs, text) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    if (text !== undefined && text !== null) el.textContent = String(text);
    return el;
  }

  function newId(prefix) {
    idCounter += 1;
    return prefix + '-' + idCounter;
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

  function heading(level, text, className) {
    return make('h' + level, className, text);
  }

  // A definition list of [term, value] pairs; a value may be a node.
  function details(pairs) {
    const dl = make('dl', 'rv-summary');
    pairs.forEach(([term, value]) => {
      const wrap = make('div', 'rv-summary-row');
      wrap.appendChild(make('dt', null, term));
      const dd = make('dd');
      if (value instanceof Node) dd.appendChild(value);
      else dd.textContent = value === null || value === undefined || value === '' ? '—' : String(value);
      wrap.appendChild(dd);
      dl.appendChild(wrap);
    });
    return dl;
  }

  // A table with a caption, column headers and rows of cells (text or nodes); the first cell of a
  // row is its header. Every cell carries its column's name for the narrow, stacked layout.
  // `scrollable`: a wide table scrolls inside its own box (focusable, so the keyboard can scroll it).
  function dataTable(caption, columns, rows, className, scrollable) {
    const table = make('table', 'rv-table' + (className ? ' ' + className : ''));
    const cap = make('caption', null, caption);
    cap.id = newId('rv-caption');
    table.appendChild(cap);
    const thead = make('thead');
    const headRow = make('tr');
    columns.forEach((c) => {
      const th = make('th', null, c);
      th.scope = 'col';
      headRow.appendChild(th);
    });
    thead.appendChild(headRow);
    table.appendChild(thead);
    const tbody = make('tbody');
    rows.forEach((cells) => {
      const tr = make('tr');
      cells.forEach((cell, i) => {
        const el = make(i === 0 ? 'th' : 'td');
        if (i === 0) el.scope = 'row';
        el.dataset.label = columns[i];
        if (cell instanceof Node) el.appendChild(cell);
        else el.textContent = cell === null || cell === undefined ? '' : String(cell);
        tr.appendChild(el);
      });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    const wrap = make('div', 'rv-table-wrap');
    if (scrollable) {
      wrap.tabIndex = 0;
      wrap.setAttribute('role', 'region');
      wrap.setAttribute('aria-labelledby', cap.id);
    }
    wrap.appendChild(table);
    return wrap;
  }

  // ---------- words for codes and times ----------

  function outcomeLabel(code) {
    if (code === null || code === undefined || code === 'none') return 'No outcome yet';
    return OUTCOME_LABEL.get(code) || code;
  }

  function labelFrom(map, value, fallback) {
    if (value === null || value === undefined || value === '') return fallback;
    return map.get(value) || value;
  }

  function areaLabel(area) {
    if (!area || area === 'none') return 'Not given';
    return area.charAt(0).toUpperCase() + area.slice(1);
  }

  let timeFormat;
  try {
    timeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'Europe/London' });
  } catch (e) {
    timeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
  }

  function formatTime(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? String(iso) : timeFormat.format(d);
  }

  function timeElement(iso) {
    const t = make('time', null, formatTime(iso));
    if (iso) t.dateTime = iso;
    return t;
  }

  const dayLabel = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

  function formatDuration(ms) {
    if (ms === null || ms === undefined) return 'Not enough data';
    const seconds = Math.round(ms / 1000);
    if (seconds < 60) return seconds + ' s';
    const minutes = Math.floor(seconds / 60);
    return minutes + ' min ' + (seconds % 60) + ' s';
  }

  // ---------- talking to the staff API ----------

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  function messageFor(status, body) {
    if (status === 401) return 'Token not recognised or expired. Please sign in again.';
    if (status === 404) return 'Not found or not in your area.';
    const detail = body && typeof body.message === 'string' ? body.message : '';
    if (status === 400) return 'That request was not accepted' + (detail ? ': ' + detail : '.');
    if (status === 503) return detail || 'The review service is not available just now. Please try again shortly.';
    return 'Something went wrong (HTTP ' + status + ')' + (detail ? ': ' + detail : '.');
  }

  async function api(path, { method = 'GET', body } = {}) {
    const token = session.token;
    const headers = { Authorization: 'Bearer ' + token };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (e) {
      throw new ApiError(0, 'network', 'Could not reach the review service. Check the connection and try again.');
    }
    // Signed out (or in as someone else) while this was on its way: show nothing of it.
    if (session.token !== token) throw new ApiError(0, 'stale', '');
    if (res.ok) return res;
    let payload = null;
    try {
      payload = await res.json();
    } catch (e) {
      // not JSON: the status says enough
    }
    throw new ApiError(res.status, payload && payload.error, messageFor(res.status, payload));
  }

  async function apiJson(path, options) {
    return (await api(path, options)).json();
  }

  // A failed call: a 401 signs out (the token is no use any more); anything else is shown.
  function failed(e) {
    if (e instanceof ApiError && e.code === 'stale') return;
    if (e instanceof ApiError && e.status === 401) {
      signOut(e.message);
      return;
    }
    setStatus('');
    showError(e instanceof ApiError ? e.message : 'Something went wrong: ' + (e && e.message));
    ui.error.scrollIntoView({ block: 'nearest' });
  }

  // ---------- signing in and out ----------

  function loadSession() {
    try {
      const saved = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || 'null');
      if (saved && typeof saved.token === 'string' && saved.token) {
        session.token = saved.token;
        session.isAdmin = saved.admin === true;
      }
    } catch (e) {
      // storage blocked or corrupt: sign in again
    }
  }

  function saveSession() {
    try {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ token: session.token, admin: session.isAdmin }));
    } catch (e) {
      // storage blocked: signed in until the page is reloaded
    }
  }

  function forgetData() {
    list.rows = [];
    list.cursor = null;
    list.loaded = false;
    audit.before = null;
    audit.loaded = false;
    ui.listBody.replaceChildren();
    ui.listCount.textContent = '';
    ui.listEmpty.hidden = true;
    ui.more.hidden = true;
    ui.convBody.replaceChildren();
    ui.statsBody.replaceChildren();
    ui.statsFilter.textContent = '';
    statsShown = null;
    ui.auditBody.replaceChildren();
    ui.auditMore.hidden = true;
  }

  function signOut(message) {
    session.token = null;
    session.isAdmin = false;
    try {
      window.sessionStorage.removeItem(STORAGE_KEY);
    } catch (e) {
      // nothing stored
    }
    forgetData();
    ui.filters.reset();
    ui.token.value = '';
    clearError();
    if (message) showError(message);
    setStatus(message ? '' : 'You have signed out.');
    if (window.location.hash && window.location.hash !== '#/list') history.replaceState(null, '', '#/list');
    route();
  }

  // /v1/me checks the token (401 when bad) and says who it is and whether to offer the admin views.
  async function signIn(event) {
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
    try {
      const me = await apiJson('/v1/me');
      session.isAdmin = me.role === 'admin';
    } catch (e) {
      session.token = null;
      setStatus('');
      showError(e instanceof ApiError && e.status === 401 ? 'Token not recognised or expired. Check the token and try again.' : e.message);
      ui.token.focus();
      return;
    }
    ui.token.value = '';
    saveSession();
    setStatus('Signed in.');
    route(); // to the view in the address, if one was asked for before signing in
  }

  // ---------- views ----------

  function currentRoute() {
    const hash = window.location.hash.replace(/^#\/?/, '');
    const [view, arg] = hash.split('/');
    if (view === 'c' && CONVERSATION_ID.test(arg || '')) return { view: 'conversation', id: arg };
    if (view === 'stats' || view === 'audit') return { view };
    return { view: 'list' };
  }

  function show(name) {
    for (const [key, el] of Object.entries(ui.views)) el.hidden = key !== name;
    const signedIn = !!session.token;
    ui.nav.hidden = !signedIn;
    ui.signout.hidden = !signedIn;
    ui.navAudit.hidden = !session.isAdmin;
    ui.nav.querySelectorAll('a').forEach((a) => {
      if (a.dataset.view === name || (name === 'conversation' && a.dataset.view === 'list')) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
  }

  function focusHeading(name) {
    const h = ui.views[name].querySelector('h2');
    if (h) h.focus({ preventScroll: false });
  }

  let firstRoute = true;
  function route() {
    const wasFirst = firstRoute;
    firstRoute = false;
    if (!session.token) {
      show('signin');
      document.title = 'Sign in: hub review';
      if (!wasFirst) ui.token.focus();
      return;
    }
    const r = currentRoute();
    if (r.view === 'audit' && !session.isAdmin) {
      history.replaceState(null, '', '#/list');
      return route();
    }
    clearError();
    if (!CATEGORY_LABEL.size) loadCategories();
    if (!labelsReady) labelsReady = loadLabels();
    show(r.view);
    if (!wasFirst) focusHeading(r.view);
    if (r.view === 'list') {
      document.title = 'Conversations: hub review';
      if (!list.loaded) loadList(false);
    } else if (r.view === 'conversation') {
      document.title = 'Conversation: hub review';
      loadConversation(r.id);
    } else if (r.view === 'stats') {
      document.title = 'Stats: hub review';
      loadStats();
    } else if (r.view === 'audit') {
      document.title = 'Audit log: hub review';
      loadAudit(false);
    }
  }

  // ---------- the list ----------

  function addDay(date) {
    const d = new Date(date + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  }

  function readFilter() {
    const data = new FormData(ui.filters);
    const f = {};
    FILTER_KEYS.forEach((k) => {
      const v = String(data.get(k) || '').trim();
      if (v) f[k] = v;
    });
    return f;
  }

  // "to" is exclusive in the API; the form's date means "up to the end of that day". The
  // safety alert control is one select: "any" is alert=yes, a category is alert_category.
  function filterParams(f) {
    const p = new URLSearchParams();
    FILTER_KEYS.forEach((k) => {
      if (!f[k]) return;
      if (k === 'alert_category' && f[k] === 'any') p.set('alert', 'yes');
      else p.set(k, k === 'to' ? addDay(f[k]) : f[k]);
    });
    return p;
  }

  function categoryLabel(id) {
    return CATEGORY_LABEL.get(id) || id;
  }

  function alertSummary(alert) {
    if (!alert) return 'None';
    return labelFrom(LEVEL_LABEL, alert.level, 'Alert') + ': ' + (alert.categories || []).map(categoryLabel).join(', ');
  }

  function describeFilter(f) {
    const parts = [];
    if (f.from) parts.push('from ' + f.from);
    if (f.to) parts.push('to ' + f.to);
    if (f.outcome) parts.push('outcome: ' + outcomeLabel(f.outcome));
    if (f.area) parts.push('area: ' + areaLabel(f.area));
    if (f.channel) parts.push('channel: ' + labelFrom(CHANNEL_LABEL, f.channel));
    if (f.status) parts.push('status: ' + labelFrom(STATUS_LABEL, f.status));
    if (f.review) parts.push('review: ' + labelFrom(REVIEW_LABEL, f.review));
    if (f.alert_category) parts.push(f.alert_category === 'any' ? 'a safety alert fired' : 'safety alert: ' + categoryLabel(f.alert_category));
    if (f.wrapped_up) parts.push(f.wrapped_up === 'no' ? 'calls not wrapped up' : 'calls wrapped up');
    if (f.q) parts.push('typed words: "' + f.q + '"');
    return parts.length ? parts.join('; ') : 'all conversations you can see';
  }

  function listRow(item) {
    const tr = make('tr');
    tr.dataset.id = item.id;
    const started = make('th');
    started.scope = 'row';
    started.dataset.label = 'Started';
    const link = make('a', 'rv-open');
    link.href = '#/c/' + item.id;
    link.appendChild(timeElement(item.started_at));
    link.appendChild(make('span', 'rv-visually-hidden', ', open conversation'));
    started.appendChild(link);
    tr.appendChild(started);
    const cells = [
      ['Outcome', outcomeLabel(item.outcome)],
      ['Area', areaLabel(item.area)],
      ['Channel', labelFrom(CHANNEL_LABEL, item.channel, '—')],
      ['Status', labelFrom(STATUS_LABEL, item.status, '—')],
    ];
    cells.forEach(([label, text]) => {
      const td = make('td', null, text);
      td.dataset.label = label;
      if (label === 'Channel' && item.call) appendCallBrief(td, item.call);
      tr.appendChild(td);
    });
    const alert = make('td');
    alert.dataset.label = 'Safety alert';
    if (item.alert) alert.appendChild(make('span', 'rv-badge rv-alert-' + item.alert.level, alertSummary(item.alert)));
    else alert.textContent = 'None';
    tr.appendChild(alert);
    const review = make('td');
    review.dataset.label = 'Review';
    review.appendChild(make('span', 'rv-badge rv-review-' + item.review_state, labelFrom(REVIEW_LABEL, item.review_state, 'New')));
    if (item.legal_hold) review.appendChild(make('span', 'rv-badge rv-hold', 'Legal hold'));
    tr.appendChild(review);
    return tr;
  }

  // A phone call in the list: who took it, and whether it was wrapped up.
  function appendCallBrief(td, c) {
    td.appendChild(make('span', 'rv-call-by', 'Taken by ' + (c.staff_name || c.staff_id)));
    if (!c.wrapped_up) td.appendChild(make('span', 'rv-badge rv-unwrapped', 'Not wrapped up'));
  }

  function callDetails(c) {
    const pairs = [['Taken by', (c.staff_name || c.staff_id) + ' (' + c.staff_id + ')']];
    if (!c.wrap_up) {
      pairs.push(['Wrap-up', 'Not wrapped up: the call page closed before the wrap-up.']);
      return details(pairs);
    }
    pairs.push(['Wrap-up code', labelFrom(WRAP_UP_LABEL, c.wrap_up.code, c.wrap_up.code)]);
    pairs.push(['Outcome confirmed', c.wrap_up.outcome ? (c.wrap_up.outcome_confirmed ? 'Yes: ' : 'No: ') + outcomeLabel(c.wrap_up.outcome) : 'No outcome (the call ended early)']);
    pairs.push(['Wrap-up note', c.wrap_up.note]);
    if (c.wrap_up.caller_role) pairs.push(['Caller', labelFrom(AGENCY_LABEL, c.wrap_up.caller_role, c.wrap_up.caller_role)]);
    if (typeof c.wrap_up.callback_promised === 'boolean') pairs.push(['Call-back promised', c.wrap_up.callback_promised ? 'Yes' : 'No']);
    pairs.push(['Wrapped up', timeElement(c.wrap_up.at)]);
    return details(pairs);
  }

  function updateListCount() {
    const n = list.rows.length;
    ui.listEmpty.hidden = n > 0;
    ui.listCaption.textContent = 'Conversations, newest first (' + n + ' shown)';
    ui.listCount.textContent = n === 0 ? '' : 'Showing ' + n + (n === 1 ? ' conversation' : ' conversations') +
      (list.cursor ? '. There are more: choose "Load more".' : '. That is all of them.');
    ui.more.hidden = !list.cursor;
  }

  async function loadList(more) {
    if (list.busy) return;
    list.busy = true;
    ui.views.list.setAttribute('aria-busy', 'true');
    setStatus(more ? 'Loading more conversations…' : 'Loading conversations…');
    clearError();
    try {
      const p = filterParams(list.filter);
      if (more && list.cursor) p.set('cursor', list.cursor);
      const page = await apiJson('/v1/conversations?' + p.toString());
      if (!more) {
        list.rows = [];
        ui.listBody.replaceChildren();
      }
      const firstNew = list.rows.length;
      page.items.forEach((item) => {
        list.rows.push(item);
        ui.listBody.appendChild(listRow(item));
      });
      list.cursor = page.next_cursor || null;
      list.loaded = true;
      updateListCount();
      setStatus(ui.listCount.textContent || 'No conversations match these filters.');
      // After "Load more", carry on from the first new conversation.
      if (more && list.rows.length > firstNew) ui.listBody.children[firstNew].querySelector('a').focus();
    } catch (e) {
      failed(e);
    } finally {
      list.busy = false;
      ui.views.list.removeAttribute('aria-busy');
    }
  }

  function applyFilters(event) {
    event.preventDefault();
    const f = readFilter();
    if (f.from && f.to && f.to < f.from) {
      showError('"Started on or before" must not be earlier than "Started on or after".');
      $('rv-f-to').focus();
      return;
    }
    list.filter = f;
    list.cursor = null;
    loadList(false);
  }

  // One click to a common question: each sets the whole filter (the form shows it) and applies it.
  function quickView(name) {
    ui.filters.reset();
    const set = (id, value) => { $(id).value = value; };
    if (name === 'today') {
      const today = new Date().toLocaleDateString('en-CA'); // YYYY-MM-DD in the local time zone
      set('rv-f-from', today);
      set('rv-f-to', today);
    } else if (name === 'follow_up') set('rv-f-review', 'needs_follow_up');
    else if (name === 'alert') set('rv-f-alert-category', 'any');
    else if (name === 'not_wrapped_up') set('rv-f-wrapped-up', 'no');
    list.filter = readFilter();
    list.cursor = null;
    loadList(false);
  }

  function clearFilters() {
    ui.filters.reset();
    list.filter = {};
    list.cursor = null;
    loadList(false);
  }

  async function exportCsv() {
    clearError();
    const p = filterParams(list.filter);
    if (ui.exportTurns.checked) p.set('turns', '1');
    ui.exportButton.setAttribute('aria-disabled', 'true');
    setStatus('Preparing the CSV file…');
    try {
      const res = await api('/v1/conversations.csv?' + p.toString());
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const a = make('a');
      a.href = url;
      a.download = 'conversations-' + new Date().toISOString().slice(0, 10) + '.csv';
      a.hidden = true;
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10000);
      setStatus('The CSV file has been downloaded (' + describeFilter(list.filter) + ').');
    } catch (e) {
      failed(e);
    } finally {
      ui.exportButton.removeAttribute('aria-disabled');
    }
  }

  // ---------- one conversation ----------

  // Question text and option labels from what the server sent, so a path of node and option ids
  // reads as the practitioner saw it (the API returns ids only).
  function readTurns(turns) {
    const prompts = new Map();
    const alerts = [];
    let outcome = null;
    turns.forEach((turn) => {
      if (turn.direction !== 'out' || !Array.isArray(turn.message)) return;
      turn.message.forEach((m) => {
        if (!m || typeof m !== 'object') return;
        if (m.type === 'prompt' && m.node) prompts.set(m.node, m);
        else if (m.type === 'outcome') outcome = m;
        else if (m.type === 'alert') alerts.push({ at: turn.at, alert: m });
      });
    });
    return { prompts, alerts, outcome };
  }

  function pathList(t, seen) {
    const ol = make('ol', 'rv-path');
    (t.path || []).forEach((step) => {
      const li = make('li', 'rv-step');
      const prompt = seen.prompts.get(step.node);
      if (step.urgent) { // a phone call's Urgent: the place it left, not an answer
        li.classList.add('rv-step-urgent');
        li.appendChild(make('p', 'rv-step-q', 'Urgent pressed at: ' + (prompt ? prompt.text : step.node)));
        li.appendChild(make('p', 'rv-hint', 'The call went to the immediate danger question from here.'));
        ol.appendChild(li);
        return;
      }
      li.appendChild(make('p', 'rv-step-q', prompt ? prompt.text : step.node));
      const answer = make('p', 'rv-step-a');
      answer.appendChild(make('span', 'rv-step-label', 'Answer: '));
      if (step.option !== undefined) {
        const option = prompt && Array.isArray(prompt.options) ? prompt.options.find((o) => o.id === step.option) : null;
        answer.appendChild(document.createTextNode(option ? option.label : step.option));
      } else {
        answer.appendChild(make('q', 'rv-typed', step.text || ''));
        answer.appendChild(make('span', 'rv-hint', ' (typed, personal details removed)'));
      }
      li.appendChild(answer);
      li.appendChild(make('p', 'rv-node', 'Node: ' + step.node));
      ol.appendChild(li);
    });
    const end = make('li', 'rv-step rv-step-end');
    if (t.outcome) {
      end.appendChild(make('p', 'rv-step-q', 'Outcome: ' + (seen.outcome && seen.outcome.title ? seen.outcome.title : outcomeLabel(t.outcome))));
      end.appendChild(make('p', 'rv-node', 'Outcome code: ' + t.outcome + (t.current_node ? ', node: ' + t.current_node : '')));
    } else {
      const prompt = seen.prompts.get(t.current_node);
      end.appendChild(make('p', 'rv-step-q', (t.status === 'abandoned' ? 'Stopped at: ' : 'Waiting at: ') + (prompt ? prompt.text : t.current_node || 'the start')));
      if (t.current_node) end.appendChild(make('p', 'rv-node', 'Node: ' + t.current_node));
    }
    ol.appendChild(end);
    return ol;
  }

  function contactsList(contacts) {
    const seen = new Set();
    const ul = make('ul', 'rv-contacts');
    contacts.forEach((c) => {
      const key = c.id || c.name;
      if (seen.has(key)) return;
      seen.add(key);
      const li = make('li', 'rv-contact');
      li.appendChild(make('p', 'rv-contact-name', c.name || c.id));
      if (c.phone) li.appendChild(make('p', null, 'Phone: ' + c.phone));
      if (c.email) li.appendChild(make('p', null, 'Email: ' + c.email));
      if (c.source) li.appendChild(make('p', 'rv-hint', 'Source: ' + c.source));
      ul.appendChild(li);
    });
    return ul;
  }

  // contacts_shown mixes the outcome's contacts with any alert's; the turns say which was which.
  function contactsShown(t, seen) {
    const fromOutcome = seen.outcome && Array.isArray(seen.outcome.contacts) ? seen.outcome.contacts : [];
    const fromAlerts = [].concat(...seen.alerts.map(({ alert }) => (Array.isArray(alert.contacts) ? alert.contacts : [])));
    if (!fromOutcome.length && !fromAlerts.length) {
      const all = Array.isArray(t.contacts_shown) ? t.contacts_shown : [];
      return [all.length ? contactsList(all) : make('p', 'rv-empty', 'No contacts were shown.')];
    }
    const parts = [];
    if (fromOutcome.length) parts.push(heading(4, 'With the outcome', 'rv-subhead'), contactsList(fromOutcome));
    if (fromAlerts.length) parts.push(heading(4, 'With a safety alert', 'rv-subhead'), contactsList(fromAlerts));
    return parts;
  }

  function turnSummary(turn) {
    const m = turn.message;
    if (turn.direction === 'in') {
      if (!m || typeof m !== 'object') return 'Unreadable message';
      if (m.type === 'answer') return 'Answered ' + (m.option !== undefined ? 'option "' + m.option + '"' : 'by typing "' + (m.text || '') + '"');
      if (m.type === 'start') return 'Started (' + (m.channel || 'web') + ')';
      if (m.type === 'urgent') return 'Pressed Urgent';
      if (m.type === 'note') return 'Call note: "' + (m.text || '') + '"';
      if (m.type === 'wrap_up') return 'Wrap-up: ' + labelFrom(WRAP_UP_LABEL, m.code, m.code || '') + (m.note ? ' "' + m.note + '"' : '');
      if (m.type === 'handoff') return m.cancel ? 'Stopped asking for a person' : 'Asked for a person' + (m.reason ? ': "' + m.reason + '"' : '');
      if (m.type === 'message') return 'Message to the person: "' + (m.text || '') + '"';
      if (m.type === 'about') return 'About themselves: ' + [m.work_area && 'works in ' + labelFrom(WORK_AREA_LABEL, m.work_area), m.agency && labelFrom(AGENCY_LABEL, m.agency)].filter(Boolean).join(', ');
      return String(m.type || 'message');
    }
    if (!Array.isArray(m)) return 'Reply';
    return m.map((x) => {
      if (!x || typeof x !== 'object') return '?';
      if (x.type === 'prompt') return 'Asked: ' + (x.text || x.node);
      if (x.type === 'outcome') return 'Outcome: ' + (x.title || x.outcome);
      if (x.type === 'alert') return 'URGENT ALERT (' + (x.category || 'safety') + ')';
      if (x.type === 'error') return 'Error: ' + (x.code || '');
      if (x.type === 'info') return 'Information: ' + (x.text || x.node);
      if (x.type === 'matched') return 'Typed answer taken as: ' + (x.label || x.option);
      if (x.type === 'started') return 'Conversation started';
      if (x.type === 'ended') return 'Ended (' + (x.status || '') + ')';
      if (x.type === 'note') return 'Note saved';
      if (x.type === 'wrapped_up') return 'Wrapped up (' + labelFrom(WRAP_UP_LABEL, x.code, x.code || '') + ')';
      if (x.type === 'message') return (x.from === 'staff' ? (x.name || 'Hub staff') : 'Practitioner') + ': "' + (x.text || '') + '"';
      if (x.type === 'about') return 'Noted';
      if (x.type === 'handoff') {
        if (x.status === 'requested') return 'Asked the hub (' + x.reference + ')';
        if (x.status === 'accepted') return (x.name || 'Someone') + (x.team ? ' (' + x.team + ')' : '') + ' joined';
        if (x.status === 'ended') return 'Ended by ' + (x.name || 'the hub');
        if (x.status === 'unavailable') return 'Told no one was free, with the contacts';
        if (x.status === 'cancelled') return 'The practitioner stopped asking';
        return 'Handoff: ' + (x.status || '');
      }
      return x.type;
    }).join(' · ');
  }

  function notesList(notes) {
    if (!notes.length) return make('p', 'rv-empty', 'No notes yet.');
    const ol = make('ol', 'rv-notes');
    notes.forEach((n) => ol.appendChild(noteItem(n)));
    return ol;
  }

  function noteItem(n) {
    const li = make('li', 'rv-note');
    const meta = make('p', 'rv-note-meta');
    meta.appendChild(make('strong', null, n.author));
    meta.appendChild(document.createTextNode(', '));
    meta.appendChild(timeElement(n.at));
    meta.appendChild(document.createTextNode(': set to ' + labelFrom(REVIEW_LABEL, n.state, n.state)));
    li.appendChild(meta);
    if (n.note) li.appendChild(make('p', 'rv-note-text', n.note));
    return li;
  }

  function reviewForm(t, notesBox, stateValue) {
    const form = make('form', 'rv-form rv-review-form');
    form.noValidate = true;
    const fs = make('fieldset');
    fs.appendChild(make('legend', null, 'Update the review'));
    const stateId = newId('rv-state');
    const stateLabel = make('label', null, 'Review state');
    stateLabel.htmlFor = stateId;
    const select = make('select');
    select.id = stateId;
    select.name = 'state';
    for (const [value, label] of REVIEW_LABEL) {
      const o = make('option', null, label);
      o.value = value;
      if (value === t.review_state) o.selected = true;
      select.appendChild(o);
    }
    const noteId = newId('rv-note');
    const hintId = newId('rv-note-hint');
    const noteLabel = make('label', null, 'Note (optional)');
    noteLabel.htmlFor = noteId;
    const hint = make('p', 'rv-hint', 'At most 4000 characters. Notes are kept with your name and the time, and cannot be changed later. Do not add names or other details that identify the family.');
    hint.id = hintId;
    const textarea = make('textarea', 'rv-input');
    textarea.id = noteId;
    textarea.name = 'note';
    textarea.rows = 4;
    textarea.maxLength = 4000;
    textarea.setAttribute('aria-describedby', hintId);
    const button = make('button', 'rv-button rv-primary', 'Save review');
    button.type = 'submit';
    [stateLabel, select, noteLabel, hint, textarea].forEach((el) => fs.appendChild(el));
    const actions = make('div', 'rv-actions');
    actions.appendChild(button);
    fs.appendChild(actions);
    form.appendChild(fs);

    let saving = false;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (saving) return;
      clearError();
      saving = true;
      button.setAttribute('aria-disabled', 'true');
      setStatus('Saving the review…');
      try {
        const saved = await apiJson('/v1/conversations/' + t.id + '/review', { method: 'POST', body: { state: select.value, note: textarea.value } });
        t.review_state = saved.state;
        stateValue.textContent = labelFrom(REVIEW_LABEL, saved.state, saved.state);
        let ol = notesBox.querySelector('ol.rv-notes');
        if (!ol) {
          notesBox.replaceChildren();
          ol = make('ol', 'rv-notes');
          notesBox.appendChild(ol);
        }
        const li = noteItem(saved);
        li.tabIndex = -1;
        ol.appendChild(li);
        textarea.value = '';
        const row = list.rows.find((r) => r.id === t.id);
        if (row) {
          row.review_state = saved.state;
          const tr = ui.listBody.querySelector('tr[data-id="' + t.id + '"]');
          if (tr) tr.replaceWith(listRow(row));
        }
        setStatus('Review saved: ' + labelFrom(REVIEW_LABEL, saved.state, saved.state) + '.');
        li.focus();
      } catch (e) {
        failed(e);
      } finally {
        saving = false;
        button.removeAttribute('aria-disabled');
      }
    });
    return form;
  }

  function holdControl(t, holdValue) {
    const wrap = make('div', 'rv-actions');
    const button = make('button', 'rv-button rv-secondary');
    button.type = 'button';
    const label = () => { button.textContent = t.legal_hold ? 'Release the legal hold' : 'Place a legal hold'; };
    label();
    button.addEventListener('click', async () => {
      clearError();
      try {
        const saved = await apiJson('/v1/conversations/' + t.id + '/hold', { method: 'POST', body: { hold: !t.legal_hold } });
        t.legal_hold = saved.legal_hold;
        holdValue.textContent = t.legal_hold ? 'Yes: kept past the retention period' : 'No';
        const row = list.rows.find((r) => r.id === t.id);
        if (row) row.legal_hold = t.legal_hold;
        label();
        setStatus(t.legal_hold ? 'Legal hold placed.' : 'Legal hold released.');
      } catch (e) {
        failed(e);
      }
    });
    wrap.appendChild(button);
    return wrap;
  }

  function section(title, parts) {
    const s = make('section', 'rv-panel');
    const h = heading(3, title);
    h.id = newId('rv-h');
    s.setAttribute('aria-labelledby', h.id);
    s.appendChild(h);
    parts.forEach((p) => p && s.appendChild(p));
    return s;
  }

  // A handed-off conversation has no end of its own: its last handoff's end stands for it.
  function endedValue(t) {
    if (t.ended_at) return timeElement(t.ended_at);
    const ended = (t.handoffs || []).filter((h) => h.ended_at).pop();
    if (ended) {
      const span = make('span', null, 'The chat with ' + (ended.accepted_by || ended.ended_by || 'the hub') + ' ended ');
      span.appendChild(timeElement(ended.ended_at));
      return span;
    }
    return t.status === 'active' ? 'Still open' : 'Not recorded';
  }

  // Which hubs see this conversation, and why (docs/staff-scope.md).
  function hubsValue(hubs) {
    if (!Array.isArray(hubs) || !hubs.length) return 'Leeds-wide and admin only: no hub was given';
    const byHub = new Map();
    hubs.forEach((h) => byHub.set(h.hub, (byHub.get(h.hub) || []).concat(labelFrom(WHY_LABEL, h.why, h.why))));
    return [...byHub].map(([hub, why]) => labelFrom(HUB_LABEL, hub, hub) + ' (' + why.join(', ') + ')').join('; ');
  }

  // The chat with a person, in order: who asked, who joined, every message with names and
  // times, the end and the wrap-up note.
  function handoffSection(t) {
    const handoffs = Array.isArray(t.handoffs) ? t.handoffs : [];
    if (!handoffs.length) return null;
    const parts = [];
    handoffs.forEach((h) => {
      const facts = [['Reference', h.reference], ['Asked', timeElement(h.requested_at)], ['Why they asked', h.reason || 'No reason given']];
      if (h.told_unavailable_at) facts.push(['Told no one was free', timeElement(h.told_unavailable_at)]);
      facts.push(['Taken by', h.accepted_by ? h.accepted_by : 'No one']);
      if (h.accepted_at) facts.push(['Taken', timeElement(h.accepted_at)]);
      facts.push(['Ended', h.ended_at ? timeElement(h.ended_at) : labelFrom(new Map([['cancelled', 'The practitioner stopped asking']]), h.status, 'Still open')]);
      if (h.wrap_up) facts.push(['Wrap-up note', h.wrap_up]);
      parts.push(heading(4, 'Handoff ' + h.reference + (h.urgent ? ' (urgent)' : ''), 'rv-subhead'), details(facts));
    });
    const ol = make('ol', 'rv-chat');
    (t.turns || []).forEach((turn) => {
      if (turn.direction !== 'out' || !Array.isArray(turn.message)) return;
      turn.message.forEach((m) => {
        if (!m || m.type !== 'message') return;
        const li = make('li', 'rv-chat-message ' + (m.from === 'staff' ? 'rv-chat-staff' : 'rv-chat-practitioner'));
        const meta = make('p', 'rv-note-meta');
        meta.appendChild(make('strong', null, m.from === 'staff' ? (m.name || 'Hub staff') : 'Practitioner'));
        meta.appendChild(document.createTextNode(', '));
        meta.appendChild(timeElement(m.at || turn.at));
        li.appendChild(meta);
        li.appendChild(make('p', 'rv-note-text', m.text || ''));
        ol.appendChild(li);
      });
    });
    parts.push(heading(4, 'Messages', 'rv-subhead'));
    parts.push(ol.childNodes.length ? ol : make('p', 'rv-empty', 'No messages were sent.'));
    parts.push(make('p', 'rv-hint', 'Personal details are removed from messages before they are stored.'));
    return section('Talking to a person', parts);
  }

  function renderConversation(t) {
    const seen = readTurns(t.turns || []);
    ui.convTitle.textContent = 'Conversation started ' + formatTime(t.started_at);
    const stateValue = make('span', null, labelFrom(REVIEW_LABEL, t.review_state, 'New'));
    const holdValue = make('span', null, t.legal_hold ? 'Yes: kept past the retention period' : 'No');
    const body = [];

    body.push(details([
      ['Outcome', outcomeLabel(t.outcome)],
      ['Status', labelFrom(STATUS_LABEL, t.status, '—')],
      ['Area', areaLabel(t.area)],
      ['Channel', labelFrom(CHANNEL_LABEL, t.channel, '—')],
      ['Started', timeElement(t.started_at)],
      ['Last activity', timeElement(t.updated_at)],
      ['Ended', endedValue(t)],
      ['Works in', labelFrom(WORK_AREA_LABEL, t.work_area, 'Not asked')],
      ['Role or agency', labelFrom(AGENCY_LABEL, t.agency, 'Not asked')],
      ['Seen by', hubsValue(t.hubs)],
      ['Review state', stateValue],
      ['Legal hold', holdValue],
      ['Dialog', t.dialog + ' (version ' + t.dialog_version + ')'],
      // The reference the practitioner's summary names (an older conversation's is its id).
      ['Reference', t.reference || t.id],
      ...(t.reference && t.reference !== t.id ? [['Conversation id', t.id]] : []),
    ]));

    const alerts = Array.isArray(t.safety_alerts) ? t.safety_alerts : [];
    if (alerts.length) {
      // Why each alert fired: the kind of harm and the words that raised it (never shown to the practitioner).
      const rows = alerts.map((a) => [
        timeElement(a.at),
        labelFrom(LEVEL_LABEL, a.level, a.level),
        categoryLabel(a.category),
        a.words ? a.words.join(' ') : '(removed with the free text)',
        labelFrom(SOURCE_LABEL, a.source, a.source) + (a.node ? ' at ' + a.node : ''),
        a.rule_line ? 'detector.yaml line ' + a.rule_line : '',
      ]);
      body.push(section('Safety alerts', [
        make('p', null, 'Something typed in this conversation raised the urgent alert: the practitioner was shown 999 and Duty and Advice, and every later outcome said so.'),
        dataTable('Why each alert fired', ['Time', 'Level', 'Kind of harm', 'Words that raised it', 'Typed in', 'Rule'], rows, 'rv-alert-table', true),
      ]));
    }

    if (t.call) {
      // The worker's notes during the call (stored redacted), from the logged turns.
      const callNotes = (t.turns || []).filter((turn) => turn.direction === 'in' && turn.message && turn.message.type === 'note');
      const notesPart = callNotes.length ? make('ol', 'rv-notes') : make('p', 'rv-empty', 'No notes during the call.');
      callNotes.forEach((turn) => {
        const li = make('li', 'rv-note');
        const meta = make('p', 'rv-note-meta');
        meta.appendChild(timeElement(turn.at));
        li.appendChild(meta);
        li.appendChild(make('p', 'rv-note-text', turn.message.text || ''));
        notesPart.appendChild(li);
      });
      body.push(section('Phone call', [callDetails(t.call), heading(4, 'Notes during the call', 'rv-subhead'), notesPart]));
    }

    body.push(section('Path through the questions', [pathList(t, seen)]));

    const chat = handoffSection(t);
    if (chat) body.push(chat);

    body.push(section('Contacts shown', contactsShown(t, seen)));

    const notesBox = make('div', 'rv-notes-box');
    notesBox.appendChild(notesList(Array.isArray(t.notes) ? t.notes : []));
    body.push(section('Review notes', [notesBox, reviewForm(t, notesBox, stateValue), session.isAdmin ? holdControl(t, holdValue) : null]));

    const turns = Array.isArray(t.turns) ? t.turns : [];
    const all = make('details', 'rv-turns');
    all.appendChild(make('summary', null, 'Every message (' + turns.length + ')'));
    all.appendChild(dataTable('Every message in order', ['#', 'Time', 'Direction', 'Node', 'What'], turns.map((turn) => [
      String(turn.seq), timeElement(turn.at), turn.direction === 'in' ? (t.call ? 'Phone-line staff' : 'Practitioner') : turn.node === 'handoff' ? 'Hub staff' : 'Service',
      turn.node || '', turnSummary(turn),
    ]), 'rv-turn-table', true));
    body.push(all);

    ui.convBody.replaceChildren(...body);
  }

  let conversationRequest = 0;
  async function loadConversation(id) {
    const mine = ++conversationRequest;
    ui.convTitle.textContent = 'Conversation';
    ui.convBody.replaceChildren();
    setStatus('Loading the conversation…');
    try {
      const t = await apiJson('/v1/conversations/' + id);
      await labelsReady;
      if (mine !== conversationRequest) return;
      renderConversation(t);
      setStatus('');
    } catch (e) {
      if (mine === conversationRequest) failed(e);
    }
  }

  // ---------- stats ----------

  function sortedCounts(obj) {
    return Object.entries(obj || {}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  }

  // Horizontal bars, one row per node: how many conversations reached it, and how many of the
  // abandoned ones stopped there. Labels sit above their bars so it stays legible when narrow.
  function funnelChart(funnel, width) {
    const reached = funnel.reached || {};
    const stopped = funnel.abandoned_at || {};
    // The questions in the order the dialog asks them, then the outcomes by how many reached them.
    const nodes = sortedCounts(reached).map(([n]) => n);
    Object.keys(stopped).forEach((n) => { if (!nodes.includes(n)) nodes.push(n); });
    const order = (n) => (QUESTIONS.has(n) ? QUESTIONS.get(n).order : Number.MAX_SAFE_INTEGER);
    nodes.sort((a, b) => order(a) - order(b));
    const max = Math.max(1, ...nodes.map((n) => reached[n] || 0));
    const rowH = 46;
    const barW = width - 8;
    const height = nodes.length * rowH + 8;
    const titleId = newId('rv-svg-title');
    const descId = newId('rv-svg-desc');
    const root = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, class: 'rv-chart rv-funnel', role: 'img', 'aria-labelledby': titleId + ' ' + descId, focusable: 'false' });
    root.appendChild(svg('title', { id: titleId }, 'Funnel: conversations that reached each node'));
    root.appendChild(svg('desc', { id: descId }, 'Bars show how many conversations reached each node; the red part shows how many abandoned conversations stopped there. The same numbers are in the table that follows.'));
    nodes.forEach((node, i) => {
      const y = i * rowH + 4;
      const n = reached[node] || 0;
      const s = stopped[node] || 0;
      const g = svg('g', { class: 'rv-funnel-row' });
      g.appendChild(svg('text', { x: 0, y: y + 14, class: 'rv-chart-label' }, shortText(questionLabel(node), 60) + ': ' + n + ' reached' + (s ? ', ' + s + ' stopped here' : '')));
      g.appendChild(svg('rect', { x: 0, y: y + 20, width: barW, height: 18, class: 'rv-bar-track' }));
      if (n) g.appendChild(svg('rect', { x: 0, y: y + 20, width: Math.max(2, (n / max) * barW), height: 18, class: 'rv-bar-reached' }));
      if (s) g.appendChild(svg('rect', { x: 0, y: y + 20, width: Math.max(2, (s / max) * barW), height: 18, class: 'rv-bar-stopped' }));
      root.appendChild(g);
    });
    // Drop-off: how many fewer reached a question than the question asked before it.
    const questions = nodes.filter((n) => QUESTIONS.has(n));
    const dropOff = (n) => {
      const i = questions.indexOf(n);
      if (i <= 0) return '—';
      const before = reached[questions[i - 1]] || 0;
      const lost = before - (reached[n] || 0);
      return before && lost > 0 ? lost + ' (' + Math.round((lost / before) * 100) + '%)' : '0';
    };
    return { chart: root, rows: nodes.map((n) => [questionLabel(n), String(reached[n] || 0), dropOff(n), String(stopped[n] || 0)]) };
  }

  function daysBetween(first, last) {
    const out = [];
    const d = new Date(first + 'T00:00:00Z');
    const end = new Date(last + 'T00:00:00Z');
    while (d <= end && out.length <= 366) {
      out.push(d.toISOString().slice(0, 10));
      d.setUTCDate(d.getUTCDate() + 1);
    }
    return out;
  }

  function seriesClass(code) {
    if (code === 'none') return 'rv-s-none';
    const i = OUTCOMES.findIndex(([c]) => c === code);
    return 'rv-s' + ((i < 0 ? OUTCOMES.length : i) % SERIES_COUNT);
  }

  // Stacked columns: conversations started each day, split by outcome.
  function dayChart(byDay, series, width) {
    const present = Object.keys(byDay).sort();
    let days = present.length ? daysBetween(present[0], present[present.length - 1]) : [];
    if (days.length > 366) days = present; // a long range: only the days with conversations
    const totals = days.map((d) => byDay[d] || 0);
    const max = Math.max(1, ...totals);
    const step = max <= 5 ? 1 : Math.ceil(max / 4);
    const top = Math.ceil(max / step) * step;
    const height = 220;
    const left = 30;
    const bottom = 28;
    const plotW = width - left - 4;
    const plotH = height - bottom - 8;
    const colW = Math.min(48, plotW / Math.max(1, days.length));
    const titleId = newId('rv-svg-title');
    const descId = newId('rv-svg-desc');
    const root = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, class: 'rv-chart rv-days', role: 'img', 'aria-labelledby': titleId + ' ' + descId, focusable: 'false' });
    root.appendChild(svg('title', { id: titleId }, 'Outcomes by the day the conversation started'));
    root.appendChild(svg('desc', { id: descId }, days.length + ' days from ' + (days[0] || '—') + ' to ' + (days[days.length - 1] || '—') + '; at most ' + max + ' in a day. The same numbers are in the table that follows.'));
    for (let v = 0; v <= top; v += step) {
      const y = 8 + plotH - (v / top) * plotH;
      root.appendChild(svg('line', { x1: left, x2: width - 4, y1: y, y2: y, class: 'rv-grid-line' }));
      root.appendChild(svg('text', { x: left - 4, y: y + 4, class: 'rv-axis-label', 'text-anchor': 'end' }, v));
    }
    days.forEach((day, i) => {
      const x = left + i * colW + Math.min(2, colW * 0.15);
      const w = Math.max(1, colW - 2 * Math.min(2, colW * 0.15));
      let y = 8 + plotH;
      series.forEach((s) => {
        const n = s.byDay[day] || 0;
        if (!n) return;
        const h = (n / top) * plotH;
        y -= h;
        const rect = svg('rect', { x, y, width: w, height: h, class: 'rv-seg ' + seriesClass(s.code) });
        rect.appendChild(svg('title', {}, day + ': ' + n + ' ' + s.label));
        root.appendChild(rect);
      });
    });
    const labelEvery = Math.max(1, Math.ceil(days.length / 6));
    days.forEach((day, i) => {
      if (i % labelEvery !== 0 && i !== days.length - 1) return;
      if (i === days.length - 1 && i % labelEvery !== 0 && i - Math.floor(i / labelEvery) * labelEvery < labelEvery / 2) return;
      root.appendChild(svg('text', { x: left + (i + 0.5) * colW, y: height - 10, class: 'rv-axis-label', 'text-anchor': 'middle' }, dayLabel.format(new Date(day + 'T00:00:00Z'))));
    });
    return { chart: root, days };
  }

  function legend(series) {
    const ul = make('ul', 'rv-legend');
    ul.setAttribute('aria-label', 'Key');
    series.forEach((s) => {
      const li = make('li');
      li.appendChild(make('span', 'rv-swatch ' + seriesClass(s.code)));
      li.appendChild(document.createTextNode(s.label));
      ul.appendChild(li);
    });
    return ul;
  }

  function countTable(caption, title, obj, label) {
    const rows = sortedCounts(obj).map(([k, v]) => [label(k), String(v)]);
    if (!rows.length) rows.push(['None', '0']);
    return dataTable(caption, [title, 'Conversations'], rows, 'rv-count-table');
  }

  // The API counts by day and by outcome separately; one more read per outcome gives the split
  // by day (each is audited like any other read).
  async function outcomeSeries(stats, filter) {
    const codes = Object.keys(stats.by_outcome || {}).filter((c) => c !== 'none');
    const byDay = stats.by_day || {};
    if (filter.outcome) return [{ code: filter.outcome, label: outcomeLabel(filter.outcome), byDay }];
    const order = (c) => { const i = OUTCOMES.findIndex(([x]) => x === c); return i < 0 ? OUTCOMES.length : i; };
    codes.sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1));
    const parts = await Promise.all(codes.map(async (code) => {
      const p = filterParams(filter);
      p.set('outcome', code);
      const s = await apiJson('/v1/stats?' + p.toString());
      return { code, label: outcomeLabel(code), byDay: s.by_day || {} };
    }));
    const none = {};
    Object.entries(byDay).forEach(([day, total]) => {
      const counted = parts.reduce((sum, s) => sum + (s.byDay[day] || 0), 0);
      if (total - counted > 0) none[day] = total - counted;
    });
    if (Object.keys(none).length) parts.push({ code: 'none', label: 'No outcome yet', byDay: none });
    return parts;
  }

  let statsRequest = 0;
  let statsShown = null; // { stats, series } as last drawn, to redraw at a new width

  // Charts are drawn one SVG unit to a CSS pixel of the space they have, so their text stays
  // readable at any width; a resize redraws them.
  function chartWidth() {
    return Math.max(280, Math.min(640, ui.statsBody.clientWidth || 640));
  }

  async function loadStats() {
    const mine = ++statsRequest;
    const filter = list.filter;
    ui.statsFilter.textContent = 'For ' + describeFilter(filter) + '. Change the filter on the Conversations page.';
    ui.statsBody.replaceChildren();
    statsShown = null;
    ui.views.stats.setAttribute('aria-busy', 'true');
    setStatus('Loading stats…');
    try {
      const stats = await apiJson('/v1/stats?' + filterParams(filter).toString());
      const series = await outcomeSeries(stats, filter);
      await labelsReady;
      if (mine !== statsRequest) return;
      statsShown = { stats, series };
      renderStats();
      setStatus('Stats loaded: ' + stats.total + ' conversations.');
    } catch (e) {
      if (mine === statsRequest) failed(e);
    } finally {
      if (mine === statsRequest) ui.views.stats.removeAttribute('aria-busy');
    }
  }

  function shortText(text, most) {
    return text.length > most ? text.slice(0, most - 1) + '…' : text;
  }

  // Handoffs, the phone line, when it is used and who uses it: tables a hub manager can read.
  function moreStats(stats) {
    const h = stats.handoffs || {};
    const handoffs = section('Talking to a person', [details([
      ['Asked for a person', String(h.asked || 0)],
      ['Taken by someone', String(h.accepted || 0)],
      ['Typical time to be taken (median)', formatDuration(h.median_ms_to_accept)],
      ['Told no one was free', String(h.told_unavailable || 0)],
    ])]);
    const p = stats.phone || {};
    const phoneGrid = make('div', 'rv-count-grid');
    phoneGrid.appendChild(countTable('Calls by worker', 'Worker', p.by_worker || {}, (k) => k));
    phoneGrid.appendChild(countTable('Calls by wrap-up code', 'Wrap-up code', p.by_wrap_up_code || {}, (k) => labelFrom(WRAP_UP_LABEL, k, k)));
    const phone = section('The phone line', [details([
      ['Calls', String(p.calls || 0)],
      ['Typical call length (median)', formatDuration(p.median_ms_length)],
      ['Calls not wrapped up', String(p.not_wrapped_up || 0)],
    ]), phoneGrid]);
    const byHour = stats.by_hour || {};
    const hours = Array.from({ length: 24 }, (_, i) => String(i).padStart(2, '0')).filter((hh) => byHour[hh]);
    const whenGrid = make('div', 'rv-count-grid');
    whenGrid.appendChild(dataTable('By hour of the day (UK time)', ['Hour', 'Conversations'], hours.length ? hours.map((hh) => [hh + ':00 to ' + hh + ':59', String(byHour[hh])]) : [['None', '0']], 'rv-count-table'));
    const byDay = stats.by_weekday || {};
    whenGrid.appendChild(dataTable('By day of the week', ['Day', 'Conversations'], WEEKDAYS.map((d, i) => [d, String(byDay[String(i)] || 0)]), 'rv-count-table'));
    const when = section('When it is used', [details([['Outside office hours (before 9:00, from 17:00, or at a weekend)', String(stats.out_of_hours || 0)]]), whenGrid]);
    const whoGrid = make('div', 'rv-count-grid');
    whoGrid.appendChild(countTable('By role or agency', 'Role or agency', stats.by_agency || {}, (k) => (k === 'none' ? 'Not asked' : labelFrom(AGENCY_LABEL, k, k))));
    whoGrid.appendChild(countTable('By the area they work in', 'Works in', stats.by_work_area || {}, (k) => (k === 'none' ? 'Not asked' : labelFrom(WORK_AREA_LABEL, k, k))));
    const who = section('Who uses it', [make('p', 'rv-hint', 'Practitioners may say where they work and their role or agency; both are optional.'), whoGrid]);
    return [handoffs, phone, when, who];
  }

  function renderStats() {
    const { stats, series } = statsShown;
    const width = chartWidth();
    const body = [];
    body.push(details([
      ['Conversations', String(stats.total)],
      ['Typical time to an outcome (median)', formatDuration(stats.median_ms_to_outcome)],
      ['Conversations in which a safety alert fired', String(stats.with_alert || 0)],
    ]));

    const funnel = funnelChart(stats.funnel || {}, width);
    const funnelParts = [make('p', 'rv-hint', 'How many conversations reached each question or outcome, and where abandoned conversations stopped. Questions are in the order the dialog asks them, then the outcomes.')];
    if (funnel.rows.length) {
      const key = make('ul', 'rv-legend');
      key.setAttribute('aria-label', 'Key');
      [['rv-bar-reached', 'Reached'], ['rv-bar-stopped', 'Abandoned here']].forEach(([cls, text]) => {
        const li = make('li');
        li.appendChild(make('span', 'rv-swatch ' + cls));
        li.appendChild(document.createTextNode(text));
        key.appendChild(li);
      });
      funnelParts.push(make('div', 'rv-chart-box'));
      funnelParts[1].appendChild(funnel.chart);
      funnelParts.push(key);
      funnelParts.push(dataTable('Funnel data', ['Question or outcome', 'Reached', 'Fewer than the question before', 'Abandoned here'], funnel.rows, 'rv-funnel-table'));
    } else {
      funnelParts.push(make('p', 'rv-empty', 'No conversations to show.'));
    }
    body.push(section('Funnel', funnelParts));

    const days = dayChart(stats.by_day || {}, series, width);
    const dayParts = [];
    if (days.days.length) {
      dayParts.push(make('div', 'rv-chart-box'));
      dayParts[0].appendChild(days.chart);
      dayParts.push(legend(series));
      const columns = ['Day', ...series.map((s) => s.label), 'Total'];
      const rows = days.days.map((d) => [d, ...series.map((s) => String(s.byDay[d] || 0)), String((stats.by_day || {})[d] || 0)]);
      dayParts.push(dataTable('Conversations started each day, by outcome', columns, rows, 'rv-days-table', true));
    } else {
      dayParts.push(make('p', 'rv-empty', 'No conversations to show.'));
    }
    body.push(section('Outcomes over time', dayParts));

    const grid = make('div', 'rv-count-grid');
    grid.appendChild(countTable('By outcome', 'Outcome', stats.by_outcome, outcomeLabel));
    grid.appendChild(countTable('By status', 'Status', stats.by_status, (k) => labelFrom(STATUS_LABEL, k, k)));
    grid.appendChild(countTable('By area', 'Area', stats.by_area, areaLabel));
    grid.appendChild(countTable('By channel', 'Channel', stats.by_channel, (k) => labelFrom(CHANNEL_LABEL, k, k)));
    grid.appendChild(countTable('With a safety alert, by kind of harm', 'Kind of harm', stats.by_alert_category || {}, categoryLabel));
    body.push(section('Breakdown', [grid]));
    body.push(...moreStats(stats));

    ui.statsBody.replaceChildren(...body);
  }

  let resizeTimer = 0;
  window.addEventListener('resize', () => {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(() => {
      if (statsShown && !ui.views.stats.hidden && !ui.statsBody.contains(document.activeElement)) renderStats();
    }, 150);
  });

  // ---------- audit log ----------

  function auditWhat(target) {
    if (!target || typeof target !== 'object') return document.createTextNode(String(target));
    const box = make('span', 'rv-audit-what');
    const add = (text) => box.appendChild(make('span', 'rv-audit-part', text));
    if (typeof target.conversation === 'string') {
      const a = make('a', null, 'Conversation ' + target.conversation);
      a.href = '#/c/' + target.conversation;
      box.appendChild(a);
      if (target.state) add('state: ' + labelFrom(REVIEW_LABEL, target.state, target.state));
    }
    if (Array.isArray(target.conversations)) add(target.conversations.length + (target.conversations.length === 1 ? ' conversation' : ' conversations'));
    if (target.filter && typeof target.filter === 'object') {
      const keys = Object.entries(target.filter).map(([k, v]) => k + '=' + v);
      add(keys.length ? 'filter: ' + keys.join(', ') : 'no filter');
    }
    if (target.turns) add('with paths');
    if (typeof target.staff === 'string') add('staff: ' + target.staff);
    const known = new Set(['conversation', 'state', 'conversations', 'filter', 'turns', 'staff']);
    const rest = Object.keys(target).filter((k) => !known.has(k));
    if (rest.length) {
      const extra = {};
      rest.forEach((k) => { extra[k] = target[k]; });
      add(JSON.stringify(extra));
    }
    return box;
  }

  async function loadAudit(more) {
    if (audit.busy) return;
    audit.busy = true;
    clearError();
    setStatus(more ? 'Loading older records…' : 'Loading the audit log…');
    try {
      const path = '/v1/audit' + (more && audit.before ? '?before=' + encodeURIComponent(audit.before) : '');
      const page = await apiJson(path);
      if (!more) ui.auditBody.replaceChildren();
      const firstNew = ui.auditBody.children.length;
      page.items.forEach((e) => {
        const tr = make('tr');
        tr.dataset.action = e.action;
        const id = make('th', null, String(e.id));
        id.scope = 'row';
        id.dataset.label = 'Record';
        tr.appendChild(id);
        [['Time', timeElement(e.at)], ['Who', e.actor], ['Action', e.action], ['What', auditWhat(e.target)], ['From', e.address]].forEach(([label, value]) => {
          const td = make('td');
          td.dataset.label = label;
          if (value instanceof Node) td.appendChild(value);
          else td.textContent = value;
          tr.appendChild(td);
        });
        ui.auditBody.appendChild(tr);
      });
      audit.before = page.next_before === null || page.next_before === undefined ? null : page.next_before;
      audit.loaded = true;
      ui.auditMore.hidden = audit.before === null;
      setStatus('Showing ' + ui.auditBody.children.length + ' audit records' + (audit.before === null ? '.' : '; older ones are available.'));
      if (more && ui.auditBody.children.length > firstNew) {
        const th = ui.auditBody.children[firstNew].firstChild;
        th.tabIndex = -1;
        th.focus();
      }
    } catch (e) {
      failed(e);
    } finally {
      audit.busy = false;
    }
  }

  // ---------- start ----------

  OUTCOMES.forEach(([code, label]) => {
    const o = make('option', null, label);
    o.value = code;
    ui.outcomeSelect.appendChild(o);
  });

  // Wrap-up codes and question texts come from the server's content and dialogs.
  async function loadLabels() {
    try {
      const body = await apiJson('/v1/labels');
      (body.wrap_up_codes || []).forEach((c) => WRAP_UP_LABEL.set(c.id, c.label));
      (body.questions || []).forEach((q, i) => { if (!QUESTIONS.has(q.node)) QUESTIONS.set(q.node, { text: q.text, order: i }); });
    } catch (e) {
      // Not fatal: codes and nodes show as their ids.
    }
  }

  let labelsReady = null; // the /v1/labels read, awaited before a conversation or the stats are drawn

  function questionLabel(node) {
    const q = QUESTIONS.get(node);
    return q ? q.text : node;
  }

  // The harm categories come from the server's content; the select keeps "any" without them.
  async function loadCategories() {
    try {
      const body = await apiJson('/v1/safety/categories');
      (body.categories || []).forEach((c) => {
        if (CATEGORY_LABEL.has(c.id)) return;
        CATEGORY_LABEL.set(c.id, c.label);
        const o = make('option', null, c.label);
        o.value = c.id;
        ui.alertSelect.appendChild(o);
      });
    } catch (e) {
      // Not fatal: the list still works, and categories show as their ids.
    }
  }

  ui.signinForm.addEventListener('submit', signIn);
  ui.signout.addEventListener('click', () => signOut(null));
  ui.filters.addEventListener('submit', applyFilters);
  document.querySelectorAll('[data-quick]').forEach((b) => b.addEventListener('click', () => quickView(b.dataset.quick)));
  ui.clear.addEventListener('click', clearFilters);
  ui.more.addEventListener('click', () => loadList(true));
  ui.exportButton.addEventListener('click', () => {
    if (ui.exportButton.getAttribute('aria-disabled') !== 'true') exportCsv();
  });
  ui.auditMore.addEventListener('click', () => loadAudit(true));
  window.addEventListener('hashchange', route);

  loadSession();
  route();
})();
