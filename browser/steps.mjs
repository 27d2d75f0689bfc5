// Steps several journeys share: signing in with the demo password, a date as people type it, sending
// a form by its primary button, and moving an annual report along its chain (submit, return with a
// reason, approve) from its page.

export const PASSWORD = 'laichau2016';

export async function signIn(t, username) {
  await t.goto('/login');
  await t.page.fill('#username', username);
  await t.page.fill('#password', PASSWORD);
  await Promise.all([
    t.page.waitForURL((u) => !u.pathname.startsWith('/login')),
    t.page.click('form[action="/login"] button[type="submit"]'),
  ]);
}

export async function submitMove(t, action, reason) {
  const form = t.page.locator(`form.rp-move:has(input[name="action"][value="${action}"])`);
  t.ok((await form.count()) === 1, `a ${action} button is offered`);
  if (reason !== undefined) await form.locator('textarea[name="reason"]').fill(reason);
  await Promise.all([t.page.waitForLoadState('load'), form.locator('button[type="submit"]').click()]);
  await t.page.waitForLoadState('load');
}

export async function reportStatus(t) {
  return (await t.page.locator('#report-status').innerText()).trim();
}

/** A date as people type it: dd/mm/yyyy. */
export function ddmmyyyy(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()}`;
}

/** Sends the form `form` with its (first) primary button and waits for the next page. */
export async function submit(t, form, button = 'button[type="submit"].primary') {
  await Promise.all([t.page.waitForLoadState('load'), t.page.locator(form).locator(button).first().click()]);
  await t.page.waitForLoadState('load');
}
