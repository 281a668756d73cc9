// The chat page's cards: an outcome (the next step and its number first, then Copy / Print /
// Download and the reference, then at most three points, the rest folded under "More about
// this") and the safety alert. `page` gives what a card needs from the page around it.
import { button, focusableHeading, make, newId, phoneLink } from './chat-dom.js';

const URGENT_OUTCOMES = new Set(['emergency_999', 'danger_unsure']);

// ---------- contacts ----------

export function contactList(contacts) {
  const list = make('ul', 'rc-contacts');
  contacts.forEach((c) => {
    const item = make('li', 'rc-contact');
    item.appendChild(make('p', 'rc-contact-name', c.name));
    if (c.phone) item.appendChild(phoneLink(c.phone));
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

// The red full-width "Call 999" (a tel: link, at least 44px high).
function call999Button() {
  const link = make('a', 'rc-call-999 rc-call-999-wide', 'Call 999');
  link.href = 'tel:999';
  return link;
}

// ---------- copying, printing, downloading ----------

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

// Copies `text`; where the browser refuses, selects it (`select`) and says how to copy it.
export function copyWithFallback(text, status, copied, what, select) {
  copyText(text).then(
    () => { status.textContent = copied; },
    () => {
      select();
      status.textContent = `Copying was not allowed: ${what} is selected, so copy it with Ctrl+C (or Cmd+C).`;
    });
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

function summaryReference(msg) {
  const fields = msg.summary_fields || {};
  return String(fields.reference || '').replace(/[^A-Za-z0-9-]/g, '');
}

// Copy / Print / Download and the reference, right under the next step. The summary text itself
// is printed (and read under "More about this"); on screen it does not push the advice down.
function summaryActions(msg, card, page, summaryText) {
  const panel = make('div', 'rc-summary');
  const reference = summaryReference(msg);
  if (reference) {
    const ref = make('p', 'rc-reference', 'Reference: ');
    ref.appendChild(make('strong', 'rc-reference-code', reference));
    panel.appendChild(ref);
  }
  const status = make('p', 'rc-summary-status');
  status.setAttribute('role', 'status');
  const actions = make('div', 'rc-summary-actions');
  actions.setAttribute('role', 'group');
  actions.setAttribute('aria-label', 'Keep a summary of this');
  actions.appendChild(button('Copy summary', 'rc-secondary', () =>
    copyWithFallback(msg.summary, status, 'Summary copied.', 'the summary', () => {
      card.querySelector('.rc-more').open = true;
      selectContents(summaryText);
    })));
  actions.appendChild(button('Print', 'rc-secondary', () => {
    page.setPrintTarget(card);
    status.textContent = '';
    window.print();
  }));
  const fileName = 'early-help-summary-' + (reference || 'summary') + '.txt';
  actions.appendChild(button('Download', 'rc-secondary', () => {
    downloadText(msg.summary, fileName);
    status.textContent = 'Summary downloaded as ' + fileName + '.';
  }));
  panel.appendChild(actions);
  panel.appendChild(status);
  return panel;
}

// ---------- coming back to the same point later ----------

function comeBackPanel(page) {
  const panel = make('section', 'rc-come-back');
  const heading = make('h3', 'rc-card-subhead', 'Coming back to this point');
  heading.id = newId('rc-cb');
  panel.setAttribute('aria-labelledby', heading.id);
  panel.appendChild(heading);
  panel.appendChild(make('p', 'rc-come-back-hint',
    'Keep this link to come back here afterwards, then choose "Back" to give your new answer. ' +
    'Anyone with the link can open this conversation, so keep it to yourself. It works for a limited time; ' +
    'after that, start again.'));
  const link = page.comeBackLink();
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
  const actions = make('div', 'rc-summary-actions');
  actions.appendChild(button('Copy the link', 'rc-secondary', () =>
    copyWithFallback(link, status, 'Link copied.', 'the link', () => field.select())));
  panel.appendChild(actions);
  panel.appendChild(status);
  return panel;
}

// ---------- "More about this" ----------

function sourceTitles(msg) {
  const titles = new Map();
  const fields = msg.summary_fields || {};
  (Array.isArray(fields.sources) ? fields.sources : []).forEach((s) => titles.set(s.id, s.title));
  return titles;
}

// A form or a piece of guidance: a link where the content gives one, and the document it is from.
function moreItem(title, text, url, source, titles) {
  const li = make('li', 'rc-item');
  const name = make('p', 'rc-item-title');
  if (url && /^https:\/\//.test(url)) {
    const link = make('a', null, title);
    link.href = url;
    link.rel = 'noopener';
    link.target = '_blank';
    name.appendChild(link);
    name.appendChild(make('span', 'rc-visually-hidden', ' (opens in a new tab)'));
  } else {
    name.textContent = title;
  }
  li.appendChild(name);
  if (text) li.appendChild(make('p', 'rc-item-text', text));
  if (source && titles.has(source)) li.appendChild(make('p', 'rc-item-source', 'From: ' + titles.get(source)));
  return li;
}

function moreSection(parent, title, items, render) {
  if (!Array.isArray(items) || !items.length) return;
  parent.appendChild(make('h3', 'rc-card-subhead', title));
  const list = make('ul', 'rc-items');
  items.forEach((item) => list.appendChild(render(item)));
  parent.appendChild(list);
}

function morePanel(msg, summaryText) {
  const titles = sourceTitles(msg);
  const more = make('details', 'rc-more');
  more.appendChild(make('summary', 'rc-more-summary', 'More about this'));
  if (msg.text) more.appendChild(make('p', 'rc-card-text', msg.text));
  moreSection(more, 'Forms', msg.forms, (f) => moreItem(f.name, f.text, f.url, f.source, titles));
  moreSection(more, 'Guidance', msg.guidance, (g) => moreItem(g.title, g.text, g.url, g.source, titles));
  if (titles.size) {
    more.appendChild(make('h3', 'rc-card-subhead', 'Where this advice comes from'));
    const list = make('ul', 'rc-sources');
    titles.forEach((title) => list.appendChild(make('li', null, title)));
    more.appendChild(list);
  }
  if (summaryText) {
    more.appendChild(make('h3', 'rc-card-subhead', 'The summary'));
    summaryText.tabIndex = 0; // it scrolls: reachable by keyboard
    more.appendChild(summaryText);
  }
  return more;
}

// ---------- the outcome ----------

export function outcomeCard(msg, page) {
  const urgent = URGENT_OUTCOMES.has(msg.outcome);
  const card = make('article', 'rc-msg rc-card rc-outcome' + (urgent ? ' rc-outcome-urgent' : ''));
  const heading = focusableHeading('h2', 'rc-card-title', msg.title, 'rc-o');
  card.setAttribute('aria-labelledby', heading.id);
  card.appendChild(make('p', 'rc-kicker', urgent ? 'Act now' : 'Your next step'));
  card.appendChild(heading);
  if (msg.alert_fired && msg.alert_note) card.appendChild(make('p', 'rc-outcome-alert', msg.alert_note));
  let contacts = Array.isArray(msg.contacts) ? msg.contacts : [];
  if (msg.outcome === 'emergency_999') {
    card.appendChild(call999Button());
    contacts = contacts.filter((c) => !c.phone || c.phone.replace(/\s+/g, '') !== '999'); // the button above
  }
  if (contacts.length) card.appendChild(contactList(contacts));

  const summaryText = typeof msg.summary === 'string' && msg.summary ? make('pre', 'rc-summary-text', msg.summary) : null;
  if (summaryText) {
    summaryText.setAttribute('aria-label', 'Summary');
    card.appendChild(summaryActions(msg, card, page, summaryText));
  }
  if (Array.isArray(msg.points) && msg.points.length) {
    const points = make('ul', 'rc-points');
    msg.points.slice(0, 3).forEach((p) => points.appendChild(make('li', null, p)));
    card.appendChild(points);
  }
  if (msg.come_back) card.appendChild(comeBackPanel(page));
  if (msg.handoff_available) card.appendChild(page.personOffer());
  card.appendChild(morePanel(msg, summaryText));
  return { card, heading };
}

// ---------- the safety alert ----------

// `earlier` (from the server): answers to the safety questions that what was typed may change.
function changeAnswerNote(earlier, page) {
  const box = make('div', 'rc-alert-change');
  earlier.forEach((a) => {
    box.appendChild(make('p', null, `You answered "${a.answer}" to "${a.question}" earlier: if what you typed changes that, choose Change my answer.`));
  });
  box.appendChild(button('Change my answer', 'rc-secondary', () => page.changeSafetyAnswer()));
  return box;
}

export function alertCard(msg, page) {
  const card = make('div', 'rc-msg rc-card rc-alert');
  card.setAttribute('role', 'alert');
  const heading = focusableHeading('h2', 'rc-card-title',
    msg.category === 'immediate_danger' ? 'A child may be in danger' : 'A child may be at risk of significant harm', 'rc-a');
  card.setAttribute('aria-labelledby', heading.id);
  card.appendChild(heading);
  card.appendChild(make('p', 'rc-card-text', msg.text));
  card.appendChild(call999Button());
  // 999 is the button above; the other safety contacts (Duty and Advice) follow.
  const others = (Array.isArray(msg.contacts) ? msg.contacts : []).filter((c) => !c.phone || c.phone.replace(/\s+/g, '') !== '999');
  if (others.length) card.appendChild(contactList(others));
  if (Array.isArray(msg.earlier_answers) && msg.earlier_answers.length) card.appendChild(changeAnswerNote(msg.earlier_answers, page));
  return { card, heading };
}
