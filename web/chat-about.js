// "About you", optional and asked once: where the practitioner works and their role or agency.
// It never changes the advice; it lets the hub for their area follow up and review the
// conversation (docs/staff-scope.md). What they choose is kept in this browser (it says nothing
// about a child or family) and sent with each new conversation, so they are not asked again.
import { button, make } from './chat-dom.js';

const KEY = 'rightconv.about.v1';
const AREAS = [['east', 'East Leeds'], ['west', 'West Leeds'], ['south', 'South Leeds'], ['unsaid', 'Prefer not to say']];
const AGENCIES = [['', 'Choose (optional)'], ['school', 'School'], ['early_years', 'Early years'], ['health', 'Health'], ['gp', 'GP'],
  ['police', 'Police'], ['youth_service', 'Youth service'], ['voluntary_sector', 'Voluntary sector'], ['adult_services', 'Adult services'],
  ['other', 'Other'], ['unsaid', 'Prefer not to say']];

function remembered() {
  try {
    const saved = JSON.parse(window.localStorage.getItem(KEY) || 'null');
    return saved && typeof saved === 'object' ? saved : null;
  } catch (e) {
    return null;
  }
}

function remember(about) {
  try {
    window.localStorage.setItem(KEY, JSON.stringify(about));
  } catch (e) {
    // Private browsing: they may be asked again next time; nothing else changes.
  }
}

function labelOf(list, value) {
  const found = list.find(([v]) => v === value);
  return found ? found[1] : value;
}

// `send(message)` sends a protocol message; `where` is the element the panel goes in.
export function createAbout({ send, where }) {
  const panel = make('details', 'rc-about');
  panel.id = 'rc-about';
  const summary = make('summary', 'rc-about-summary');
  panel.appendChild(summary);
  const form = make('form', 'rc-about-form');
  form.noValidate = true;
  const areas = make('fieldset', 'rc-about-areas');
  areas.appendChild(make('legend', null, 'Which area of Leeds do you work in?'));
  AREAS.forEach(([value, label]) => {
    const row = make('div', 'rc-about-choice');
    const input = make('input');
    input.type = 'radio';
    input.name = 'work_area';
    input.value = value;
    input.id = 'rc-about-area-' + value;
    const l = make('label', null, label);
    l.htmlFor = input.id;
    row.append(input, l);
    areas.appendChild(row);
  });
  const agencyLabel = make('label', 'rc-label', 'Your role or agency');
  agencyLabel.htmlFor = 'rc-about-agency';
  const agency = make('select', 'rc-input rc-about-agency');
  agency.id = 'rc-about-agency';
  agency.name = 'agency';
  AGENCIES.forEach(([value, label]) => {
    const o = make('option', null, label);
    o.value = value;
    agency.appendChild(o);
  });
  const note = make('p', 'rc-privacy', 'Optional. This does not change the advice: it lets the Early Help Hub for your area see this conversation. It is kept in this browser so you are asked once.');
  const saved = make('p', 'rc-about-saved');
  saved.setAttribute('role', 'status');
  form.append(areas, agencyLabel, agency, note, button('Save', 'rc-secondary', () => form.requestSubmit()), saved);
  panel.appendChild(form);
  where.appendChild(panel);

  let current = remembered() || {};
  let sentFor = null; // the conversation `current` was last sent with

  function describe() {
    const parts = [];
    if (current.work_area) parts.push(current.work_area === 'unsaid' ? 'area not said' : 'works in ' + labelOf(AREAS, current.work_area));
    if (current.agency) parts.push(current.agency === 'unsaid' ? 'role not said' : labelOf(AGENCIES, current.agency));
    summary.textContent = parts.length ? 'About you: ' + parts.join(', ') + ' (change)' : 'About you (optional): which area do you work in?';
    form.querySelectorAll('input[name=work_area]').forEach((i) => { i.checked = i.value === current.work_area; });
    agency.value = current.agency || '';
  }

  function sendTo(conversation) {
    if (!current.work_area && !current.agency) return;
    if (sentFor === conversation) return;
    const message = { type: 'about' };
    if (current.work_area) message.work_area = current.work_area;
    if (current.agency) message.agency = current.agency;
    if (send(message)) sentFor = conversation;
  }

  let conversation = null;
  let asked = false; // the person pressed Save: the echo says so (sent unasked, it stays quiet)
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const area = form.querySelector('input[name=work_area]:checked');
    current = { work_area: area ? area.value : current.work_area, agency: agency.value || current.agency };
    if (!current.work_area && !current.agency) {
      saved.textContent = 'Choose an area or a role first, or leave this closed.';
      return;
    }
    remember(current);
    sentFor = null;
    asked = true;
    saved.textContent = '';
    sendTo(conversation);
    describe();
  });
  describe();

  return {
    // A new conversation: what was said before goes with it, unasked.
    started(id) {
      conversation = id;
      saved.textContent = '';
      sentFor = null;
      sendTo(id);
    },
    // A resumed one says what it already has; only what it lacks is sent.
    resumed(id, about) {
      conversation = id;
      if (about && (about.work_area || about.agency)) {
        sentFor = id;
        current = { ...current, ...(current.work_area ? {} : { work_area: about.work_area }), ...(current.agency ? {} : { agency: about.agency }) };
        describe();
      } else {
        sentFor = null;
        sendTo(id);
      }
    },
    // The server's echo: what this conversation now holds.
    saved(msg) {
      if (asked) saved.textContent = 'Saved. Thank you.';
      asked = false;
      if (msg.work_area || msg.agency) {
        current = { work_area: msg.work_area || current.work_area, agency: msg.agency || current.agency };
        describe();
      }
    },
  };
}
