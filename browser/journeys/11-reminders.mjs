// Reminders (đôn đốc): the demo coordinator opens "Nhắc việc", sees what is overdue in the province
// and the reminders the demo already sent, reminds every overdue party at once and gets the batch's
// official letter (.docx); Tam Đường's district officer finds the reminder in the inbox. Every page
// passes the accessibility check and fits a 360 px screen. "Nhắc việc" is in the menu of those who
// remind, and the page lists what falls due soon beside what is overdue.

import { signIn } from '../steps.mjs';

export const name = 'Reminders: remind all overdue parties, the letter, the inbox of the reminded';

export default async function (t) {
  await signIn(t, 'coordinator');
  await t.goto('/');
  await t.expectText('Nhắc việc các đơn vị, cơ quan');
  await t.goto('/reminders');
  await t.fitsViewport('reminders');
  await t.expectText('Việc quá hạn');
  await t.expectText('Đã nhắc trong 90 ngày qua');
  await t.expectText('Việc sắp đến hạn');
  t.ok((await t.page.locator('nav.menu a[href="/reminders"]').count()) === 1, '"Nhắc việc" is in the menu');
  const boxes = await t.page.locator('input[type="checkbox"][name^="item."]').count();
  t.ok(boxes > 0, 'the demo has overdue work to remind of');
  await Promise.all([
    t.page.waitForURL((u) => u.pathname === '/reminders' && u.searchParams.has('sent')),
    t.page.click('button[name="all"]'),
  ]);
  await t.expectText('Đã gửi nhắc việc.');
  await t.a11y('reminders sent');
  await t.fitsViewport('reminders sent');
  const letter = t.page.locator('p.ok a[href$="/letter.docx"]');
  t.ok((await letter.count()) === 1, 'the letter of the batch is offered');
  const href = await letter.getAttribute('href');
  const docx = await t.page.request.get(t.url(href));
  t.ok(docx.status() === 200, `the letter answered ${docx.status()}`);
  const bytes = await docx.body();
  t.ok(bytes.length > 1000 && bytes[0] === 0x50 && bytes[1] === 0x4b, 'the letter is a .docx (zip)');

  const district = await t.actor();
  await signIn(district, 'district106');
  await district.goto('/');
  await district.expectText('Nhắc việc đã nhận');
  await district.fitsViewport('inbox with reminders');
  district.ok((await district.page.locator('nav.menu a[href="/reminders"]').count()) === 1, 'a district reminds its units');

  const viewer = await t.actor();
  await signIn(viewer, 'viewer');
  viewer.ok((await viewer.page.locator('nav.menu a[href="/reminders"]').count()) === 0, 'no "Nhắc việc" for who does not remind');
}
