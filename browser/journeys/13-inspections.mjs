// Inspections (kiểm tra): the demo coordinator opens the year's plan, plans an inspection of Tam
// Đường's education office, records the visit with its findings and a recommendation due in a week;
// the office's officer finds the follow-up due in the inbox, one click away, and notes it is done;
// the coordinator closes the recommendation and the inspection reads closed. Every page passes the
// accessibility check and fits a 360 px screen.

import { signIn, ddmmyyyy, submit } from '../steps.mjs';

export const name = 'Inspections: plan, visit, recommendation, the party\'s follow-up, closed';

export default async function (t) {
  await signIn(t, 'coordinator');
  await t.goto('/inspections?year=2019');
  await t.fitsViewport('inspection plan 2019');
  await t.expectText('Kế hoạch kiểm tra, giám sát');
  await t.goto('/inspections/new');
  await t.fitsViewport('plan an inspection');
  await t.page.selectOption('#kind', 'inspection');
  await t.page.selectOption('#agency', 'PGDDT-106');
  await t.page.selectOption('#inspector_agency', 'SLDTBXH');
  await t.page.fill('#team', 'Phòng Bảo vệ, chăm sóc trẻ em (2 cán bộ)');
  await t.page.fill('#subject', 'Quyền tham gia của trẻ em trong trường học');
  await t.page.fill('#planned_on', '14/05/2019');
  await submit(t, 'form[action="/inspections"]');
  t.ok(/^\/inspections\/\d+$/.test(new URL(t.page.url()).pathname), 'the inspection page opens');
  const path = new URL(t.page.url()).pathname;
  await t.a11y('inspection planned');
  await t.fitsViewport('inspection planned');

  await t.page.fill('#visited_on', '15/05/2019');
  await t.page.fill('#findings', 'Phòng đã lồng ghép quyền tham gia trong 12 trường; chưa có sổ theo dõi.');
  await t.page.fill('#participants', 'Bà Vàng Thị Mai, Phòng GD&ĐT huyện');
  await submit(t, `form[action="${path}/visit"]`);
  await t.expectText('Đã lưu.');
  const week = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  await t.page.fill('#rec-text', 'Lập sổ theo dõi câu lạc bộ quyền trẻ em');
  await t.page.fill('#rec-deadline', ddmmyyyy(week));
  await submit(t, `form[action="${path}/recommendations"]`, 'button[type="submit"]');
  await t.expectText('Lập sổ theo dõi câu lạc bộ quyền trẻ em');
  await t.a11y('visit and recommendation');
  await t.fitsViewport('visit and recommendation');

  const party = await t.actor();
  await signIn(party, 'agency106');
  await party.goto('/');
  await party.expectText('Kiến nghị sau kiểm tra đến hạn');
  await party.fitsViewport('inbox with a follow-up due');
  const link = party.page.locator(`a[href^="${path}#rec-"]`);
  t.ok((await link.count()) === 1, 'the follow-up is one click from the inbox');
  await Promise.all([party.page.waitForURL((u) => u.pathname === path), link.click()]);
  await party.a11y('the inspected party\'s view');
  const note = party.page.locator('form[action$="/follow-ups"]').first();
  await note.locator('textarea[name="note"]').fill('Đã lập sổ ở 12 trường.');
  await note.locator('input[name="done"]').check();
  await submit(party, 'form[action$="/follow-ups"]', 'button[type="submit"]');
  await party.expectText('Đơn vị báo đã thực hiện');
  t.ok((await party.page.locator('form[action$="/close"]').count()) === 0, 'the party cannot close');
  await party.fitsViewport('follow-up noted');

  await t.goto(path);
  await t.page.locator('form[action$="/close"] input[name="note"]').first().fill('Đã kiểm tra sổ.');
  await submit(t, 'form[action$="/close"]', 'button[type="submit"]');
  await t.expectText('Đã kết thúc');
  await t.a11y('inspection closed');
  await t.fitsViewport('inspection closed');
  const docx = await t.page.request.get(t.url(`${path}/minutes.docx`));
  t.ok(docx.status() === 200, `the minutes answered ${docx.status()}`);
  const bytes = await docx.body();
  t.ok(bytes.length > 1000 && bytes[0] === 0x50 && bytes[1] === 0x4b, 'the minutes are a .docx (zip)');
}
