// The chat widget for other sites: one script tag adds a launcher button that opens the chat, served
// by rightconv, in an iframe, so the site's scripts and styles cannot reach it (README, "Embedding
// the chat on another site"; docs/security.md, "Embedding the chat").
//   <script src="https://HOST/widget.js" data-dialog="early-help" data-label="..." async></script>
// This file is one function expression. The server serves it followed by "(SETTINGS);" with the
// deployment's embed settings (src/server/widget_script.cpp), so it must not end in a semicolon.
// It adds one global, window.RightconvWidget, which also keeps a second copy of the tag from adding
// a second launcher, and it never reads or writes the site's cookies or storage.
(function (settings) {
  'use strict';
  if (window.RightconvWidget) return;

  const DEFAULTS = { launcher_label: 'Worried about a child?', title: 'Early help in Leeds', colour: '#1d70b8', text_colour: '#ffffff' };
  const PHONE = '(max-width: 640px)';
  const CLOSE_MESSAGE = 'rightconv:close';

  // An async script is still document.currentScript while it runs; the search is for browsers
  // or loaders that leave it unset.
  function ownScript() {
    if (document.currentScript && document.currentScript.src) return document.currentScript;
    const scripts = Array.from(document.querySelectorAll('script[src]'));
    return scripts.find((s) => /\/widget\.js(?:[?#]|$)/.test(s.src) && s.hasAttribute('data-dialog')) ||
      scripts.find((s) => /\/widget\.js(?:[?#]|$)/.test(s.src)) || null;
  }

  function setting(name) {
    const value = settings && typeof settings[name] === 'string' ? settings[name] : '';
    if (name.endsWith('colour')) return /^#[0-9a-f]{6}$/i.test(value) ? value : DEFAULTS[name];
    return value || DEFAULTS[name];
  }

  const script = ownScript();
  if (!script) {
    console.warn('rightconv widget: cannot find its own script tag, so cannot tell where the chat is');
    return;
  }
  const scriptUrl = new URL(script.src, document.baseURI);
  const chatOrigin = scriptUrl.origin;
  const dialogId = script.getAttribute('data-dialog') || 'early-help';  // the chat page checks it
  const label = (script.getAttribute('data-label') || '').trim() || setting('launcher_label');
  const title = setting('title');
  // Relative to the script, so a rightconv served under a path prefix works too.
  const chatUrl = (embed) => new URL('./?' + (embed ? 'embed=1&' : '') + 'dialog=' + encodeURIComponent(dialogId), scriptUrl).href;

  const CSS = `
    :host { all: initial; }
    * { box-sizing: border-box; }
    .launcher, .panel { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 16px; line-height: 1.25; }
    .launcher {
      position: fixed; right: 16px; bottom: 16px; z-index: 2147483646;
      display: inline-flex; align-items: center; gap: 8px; min-width: 48px; min-height: 48px; max-width: calc(100vw - 32px);
      margin: 0; padding: 12px 20px; border: 2px solid transparent; border-radius: 24px; cursor: pointer;
      background: ${setting('colour')}; color: ${setting('text_colour')}; font-weight: 600;
      box-shadow: 0 2px 8px rgba(0, 0, 0, 0.3);
    }
    .launcher svg { flex: none; width: 20px; height: 20px; fill: currentColor; }
    .panel {
      position: fixed; inset: auto 16px 80px auto; z-index: 2147483647;
      width: min(400px, calc(100vw - 32px)); height: min(640px, calc(100vh - 96px)); max-width: none; max-height: none;
      margin: 0; padding: 0; border: 1px solid #505a5f; border-radius: 8px; overflow: hidden;
      background: #fff; color: #0b0c0c; box-shadow: 0 4px 24px rgba(0, 0, 0, 0.35);
    }
    .panel[open] { display: flex; flex-direction: column; }
    .bar { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 12px; padding: 8px 8px 8px 16px; background: ${setting('colour')}; color: ${setting('text_colour')}; }
    .bar h2 { flex: 1 1 auto; margin: 0; font-size: 18px; font-weight: 700; }
    .bar a, .bar a:visited { color: inherit; text-decoration: underline; text-underline-offset: 0.15em; }
    .close {
      min-width: 44px; min-height: 44px; margin: 0; padding: 8px 12px; cursor: pointer;
      border: 2px solid currentColor; border-radius: 4px; background: transparent; color: inherit; font: inherit; font-weight: 600;
    }
    iframe { display: block; flex: 1 1 auto; width: 100%; min-height: 0; border: 0; background: #fff; }
    /* Focus: a black outline with a yellow ring, seen on any site's colours and on the title bar. */
    .launcher:focus-visible, .close:focus-visible, .bar a:focus-visible {
      outline: 3px solid #0b0c0c; outline-offset: 2px; box-shadow: 0 0 0 2px #ffdd00;
    }
    @media ${PHONE} {
      .panel { inset: 0; width: 100%; height: 100%; border: 0; border-radius: 0; }
    }
    .panel::backdrop { background: rgba(0, 0, 0, 0.4); }
    @media print { :host { display: none; } }
  `;

  let root, launcher, panel, frame;
  const phone = window.matchMedia(PHONE);

  function element(tag, attributes, text) {
    const e = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) e.setAttribute(name, value);
    if (text) e.textContent = text;
    return e;
  }

  function chatBubble() {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z');
    svg.appendChild(path);
    return svg;
  }

  // A constructed style sheet is not inline style, so a site whose CSP refuses inline styles
  // still shows the widget; older browsers get a <style> element.
  function addStyles(root) {
    if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(element('style', {}, CSS));
    }
  }

  // The chat page is loaded on the first opening only, and kept, so closing and opening again
  // returns to the same conversation.
  function ensureFrame() {
    if (frame) return;
    frame = element('iframe', { src: chatUrl(true), title: title + ': chat', referrerpolicy: 'no-referrer' });
    // Focus given to the frame before its page arrives stays with this page in Chromium (keys
    // would not reach the chat): once the chat has loaded, focus it again if it still should be.
    frame.addEventListener('load', () => {
      if (panel.open && root.activeElement === frame) frame.contentWindow.focus();
    });
    panel.appendChild(frame);
  }

  // Modal (the rest of the page inert) when it fills a phone's screen; beside the page otherwise.
  function show() {
    if (phone.matches) {
      panel.setAttribute('aria-modal', 'true');
      panel.showModal();
    } else {
      panel.removeAttribute('aria-modal');
      panel.show();
    }
    frame.focus();
  }

  function open() {
    if (!panel || panel.open) return;
    ensureFrame();
    launcher.setAttribute('aria-expanded', 'true');
    show();
  }

  // Every way the panel closes (Close, Escape, the chat asking, the launcher) comes here. The
  // state and focus change at once, not on the close event, which comes a task later.
  function close() {
    if (!panel || !panel.open) return;
    panel.close();
    closed();
  }

  function closed() {
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  }

  // Only for a modal panel the browser closed by itself: the ones closed above are marked closed
  // already, and one open again was only changing between modal and not.
  function closedByBrowser() {
    if (!panel.open && launcher.getAttribute('aria-expanded') === 'true') closed();
  }

  function mount() {
    const host = document.createElement('rightconv-widget');
    // Set through the CSSOM, which a site's CSP allows, unlike a style attribute.
    host.style.setProperty('all', 'initial', 'important');
    host.style.setProperty('display', 'contents', 'important');
    // Open, so accessibility checkers and tests can read it; the chat itself is behind the iframe.
    root = host.attachShadow({ mode: 'open' });
    addStyles(root);

    launcher = element('button', { type: 'button', class: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'rc-panel' });
    launcher.append(chatBubble(), element('span', {}, label));
    panel = element('dialog', { class: 'panel', id: 'rc-panel', 'aria-labelledby': 'rc-title' });
    const bar = element('div', { class: 'bar' });
    const newTab = element('a', { href: chatUrl(false), target: '_blank', rel: 'noopener noreferrer' }, 'Open in a new tab');
    const closeButton = element('button', { type: 'button', class: 'close' }, 'Close');
    bar.append(element('h2', { id: 'rc-title' }, title), newTab, closeButton);
    panel.appendChild(bar);
    root.append(launcher, panel);

    launcher.addEventListener('click', () => (panel.open ? close() : open()));
    closeButton.addEventListener('click', close);
    panel.addEventListener('close', closedByBrowser);
    // Escape while focus is on the launcher or in the title bar. Inside the iframe the key goes to
    // the chat page, which asks by message.
    root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && panel.open) {
        e.preventDefault();
        close();
      }
    });
    window.addEventListener('message', (e) => {
      if (e.origin === chatOrigin && frame && e.source === frame.contentWindow && e.data && e.data.type === CLOSE_MESSAGE) close();
    });
    // The width crossed PHONE while open: the same panel again, modal or not as it now should be.
    phone.addEventListener('change', () => {
      if (!panel.open) return;
      panel.close();
      show();
    });
    document.body.appendChild(host);
  }

  window.RightconvWidget = Object.freeze({ open, close });
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });
})
// No semicolon above: the server adds the call with the settings.
