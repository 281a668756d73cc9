// Talking to a person from the chat page (docs/protocol.md, "Talking to a person"): asking,
// the wait, "Sam (East hub) has joined", messages both ways with names and times, "no one is
// free just now" with the hub's checked contacts, the end, and the way back to the questions.
// While a person has the chat the questions are paused; the safety alert still shows.
// "Eve is typing…" both ways: the page tells the hub (at most every few seconds) while the
// practitioner types, and shows the hub's notice in a polite live region, said once per spell.
import { button, focusOn, make, timeElement } from './chat-dom.js';
import { contactList } from './chat-cards.js';

const TYPING_SEND_EVERY_MS = 3000; // the server relays at most one per 3 s anyway
const TYPING_SHOWN_FOR_MS = 6000; // a notice not renewed by then has stopped

export function createPerson(page) {
  const typing = { sentAt: 0, timer: null, el: make('p', 'rc-typing') };
  typing.el.setAttribute('aria-live', 'polite');
  page.composer.before(typing.el);

  function showTyping(name) {
    const text = `${name || person.name || 'Someone from the hub'} is typing…`;
    if (typing.el.textContent !== text) typing.el.textContent = text; // unchanged text is not said again
    window.clearTimeout(typing.timer);
    typing.timer = window.setTimeout(hideTyping, TYPING_SHOWN_FOR_MS);
  }

  function hideTyping() {
    window.clearTimeout(typing.timer);
    typing.el.textContent = '';
  }

  page.answerBox.addEventListener('input', () => {
    if (person.status !== 'accepted' || !page.answerBox.value.trim()) return;
    const now = Date.now();
    if (now - typing.sentAt < TYPING_SEND_EVERY_MS) return;
    typing.sentAt = now;
    page.sendTyping();
  });

  const person = {
    status: null, // null | 'requested' | 'accepted'
    reference: '',
    name: '',
    waiting: null, // the "Asking..." panel while it waits
    shown: 0, // how many of this handoff's messages are on the page: a resume sends them all again
  };

  function waitText(seconds) {
    const minutes = Math.max(1, Math.round((Number(seconds) || 0) / 60));
    return minutes === 1 ? 'about a minute' : `about ${minutes} minutes`;
  }

  function showWaiting(msg) {
    if (person.waiting && person.waiting.isConnected) return;
    const panel = make('section', 'rc-msg rc-person-panel');
    panel.setAttribute('aria-label', 'Asking for a person');
    panel.appendChild(make('p', 'rc-person-title', 'Asking someone at the Early Help Hub to join this chat…'));
    panel.appendChild(make('p', null, `Reference ${msg.reference}. Someone usually answers within ${waitText(msg.wait_seconds)}. ` +
      'You can carry on with the questions while you wait.'));
    panel.appendChild(button('Stop asking', 'rc-secondary', () => page.cancelPerson()));
    person.waiting = panel;
    page.appendToLog(panel);
  }

  function retireWaiting() {
    if (!person.waiting) return;
    person.waiting.querySelectorAll('button').forEach((b) => b.remove());
    person.waiting = null;
  }

  function note(text, className) {
    const p = make('p', 'rc-msg rc-note ' + (className || ''), text);
    page.appendToLog(p);
    return p;
  }

  function showUnavailable(msg) {
    const card = make('section', 'rc-msg rc-card rc-person-unavailable');
    const heading = make('h2', 'rc-card-title', 'No one is free just now');
    heading.tabIndex = -1;
    card.appendChild(heading);
    card.appendChild(make('p', null, msg.message || 'No one is free to take this just now.'));
    if (Array.isArray(msg.contacts) && msg.contacts.length) card.appendChild(contactList(msg.contacts));
    if (!msg.urgent) card.appendChild(make('p', 'rc-person-still', 'We are still asking: if someone becomes free, they will join here.'));
    page.appendToLog(card);
    focusOn(heading, card);
  }

  function showMessage(msg) {
    person.shown += 1;
    if (msg.from === 'staff') hideTyping();
    const fromStaff = msg.from === 'staff';
    const bubble = make('div', 'rc-msg ' + (fromStaff ? 'rc-them' : 'rc-you'));
    const meta = make('p', 'rc-meta');
    meta.appendChild(make('span', fromStaff ? 'rc-them-name' : 'rc-visually-hidden', fromStaff ? (msg.name || person.name || 'Hub') : 'You said'));
    meta.appendChild(document.createTextNode(' '));
    meta.appendChild(timeElement(msg.at));
    bubble.appendChild(meta);
    bubble.appendChild(make('p', 'rc-bubble-text', msg.text));
    page.appendToLog(bubble);
  }

  function joined(name, team) {
    person.name = name ? (team ? `${name} (${team})` : name) : 'Someone from the hub';
    retireWaiting();
    note(`${person.name} has joined the chat. The questions are paused while you talk.`, 'rc-person-joined');
    page.setMode('message', person.name);
  }

  function finished(text) {
    hideTyping();
    retireWaiting();
    const wasTalking = person.status === 'accepted';
    person.status = null;
    person.name = '';
    note(text, 'rc-person-left');
    page.setMode('answer');
    if (wasTalking) page.showDialogAgain();
  }

  return {
    isOpen: () => person.status !== null,
    isTalking: () => person.status === 'accepted',
    name: () => person.name,

    onHandoff(msg) {
      if (msg.reference !== person.reference) {
        person.shown = 0;
        person.reference = msg.reference;
      }
      switch (msg.status) {
        case 'requested':
          person.status = 'requested';
          showWaiting(msg);
          break;
        case 'accepted':
          if (person.status !== 'accepted') {
            person.status = 'accepted';
            joined(msg.name, msg.team);
          }
          break;
        case 'unavailable':
          person.status = person.status || 'requested';
          retireWaiting();
          showUnavailable(msg);
          break;
        case 'ended':
          finished(`${msg.name || person.name || 'The person from the hub'} has left the chat. You can carry on with the questions where you left them.`);
          break;
        case 'cancelled':
          finished(person.status === 'accepted' ? 'You left the chat with the hub.' : 'You stopped asking for a person.');
          break;
        default:
          break;
      }
      if (Array.isArray(msg.messages)) msg.messages.slice(person.shown).forEach(showMessage);
      page.updateControls();
    },

    onMessage(msg) {
      showMessage(msg);
    },

    onTyping(msg) {
      if (person.status === 'accepted') showTyping(msg.name);
    },

    // A button that asks for a person, for outcomes and for answers the dialog could not take.
    offer() {
      const box = make('div', 'rc-person-offer');
      box.appendChild(make('p', null, 'Not sure what to do? A person at an Early Help Hub can talk it through with you here.'));
      box.appendChild(button('Talk to someone at the hub', 'rc-person', () => page.askForPerson()));
      return box;
    },
  };
}
