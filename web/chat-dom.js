// Small DOM pieces the chat page's modules share. Server text is only ever set with
// textContent, never parsed as HTML.

export function make(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined && text !== null) el.textContent = String(text);
  return el;
}

let idCounter = 0;
export function newId(prefix) {
  idCounter += 1;
  return prefix + '-' + idCounter;
}

export function button(label, className, onClick) {
  const b = make('button', 'rc-button ' + (className || 'rc-secondary'), label);
  b.type = 'button';
  if (onClick) b.addEventListener('click', onClick);
  return b;
}

// aria-disabled rather than disabled: a control keeps its focus (and its place in the tab
// order) while the connection is down or a reply is on its way, and says why when pressed.
export function setUsable(control, usable) {
  control.setAttribute('aria-disabled', usable ? 'false' : 'true');
}

export function isUsable(control) {
  return control.getAttribute('aria-disabled') !== 'true';
}

function prefersReducedMotion() {
  return window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

// Moves focus to `el` and brings `view` (the whole message, by default the element) into sight,
// below the urgent bar that stays at the top (scroll-margin in chat.css).
export function focusOn(el, view) {
  if (!el) return;
  el.focus({ preventScroll: true });
  // After this reply's other changes (the answer box hides at an outcome): a smooth scroll aims
  // where the element was when it started, and stops short if the page changes under it.
  window.requestAnimationFrame(() =>
    (view || el).scrollIntoView({ block: 'start', behavior: prefersReducedMotion() ? 'auto' : 'smooth' }));
}

// "10:32", on the person's own clock, from an ISO time or now.
export function clockTime(iso) {
  const d = iso ? new Date(iso) : new Date();
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

export function timeElement(iso) {
  const t = make('time', 'rc-time', clockTime(iso));
  t.dateTime = iso || new Date().toISOString();
  return t;
}

// A phone number as a button-sized tel: link (44px high in chat.css); only numbers the server
// sent, which passed the content check.
export function phoneLink(phone) {
  const link = make('a', 'rc-tel', 'Call ' + phone);
  link.href = 'tel:' + String(phone).replace(/\s+/g, '');
  return link;
}

// A heading that scripts move focus to, with an id for aria-labelledby.
export function focusableHeading(tag, className, text, idPrefix) {
  const h = make(tag, className, text);
  h.id = newId(idPrefix);
  h.tabIndex = -1;
  return h;
}
