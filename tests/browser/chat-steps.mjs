// Shared by the chat page's browser tests: the early-help questions by their words, and the two
// steps every test takes (find the question or outcome now waiting; choose an option and wait for
// what follows).
export const FIRST_QUESTION = 'Is a child in immediate danger right now?';
export const HARM_QUESTION = /seriously harmed or neglected/;
export const TALKED = 'Have you talked with the child or young person and their family about extra help?';
export const THEY_SAID = 'What did they say about extra help?';
export const STEP_DOWN = 'Is a social worker or specialist service about to stop working with the child, or has one just stopped?';
export const NEEDS = 'Which best describes the help the child and family need?';

// The question or outcome now waiting for the person (earlier ones stay in the transcript).
export function current(page, name) {
  return page.locator('#rc-log > :is(.rc-prompt, .rc-outcome)').last().getByRole('heading', { name, level: 2 });
}

// Clicks (or taps) an option of the question being asked and waits for the next question or outcome.
export async function choose(page, label, next, tap = false) {
  const b = page.locator('.rc-options').getByRole('button', { name: label, exact: true });
  if (tap) await b.tap();
  else await b.click();
  await current(page, next).waitFor();
}

// Opens the chat page in a new browser context and waits for the first question. Collects page
// errors and console errors in `problems`, which each test expects to stay empty.
// From the harm question to the area question, on the way to a hub request: no to harm, the
// family agree, more than one agency, `notes` typed for the hub.
export async function toAreaQuestion(page, notes) {
  await choose(page, 'No', HARM_QUESTION);
  await choose(page, 'No', TALKED);
  await choose(page, 'Yes, we have talked about it', THEY_SAID);
  await choose(page, 'The child and the family agree', STEP_DOWN);
  await choose(page, 'No', NEEDS);
  await choose(page, 'Support from more than one agency', /anything the Early Help Hub should know/);
  await page.getByLabel('Type your answer').fill(notes);
  await page.getByRole('button', { name: 'Send' }).click();
  await current(page, 'Which area of Leeds does the family live in?').waitFor();
}

export async function openChatPage(browser, url, { width = 1280, height = 900, touch = false, query = '', timeout = 10000 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, hasTouch: touch, isMobile: touch, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(url + '/' + query);
  await page.getByRole('heading', { name: FIRST_QUESTION }).waitFor();
  return { context, page, problems };
}
