// The annual report chain after the 2025 reform, on the demo data: the 38 communes report to the
// province. The Department of Health's coordinator (the 2021–2030 plan's coordinating agency) sees
// the communes' 2026 reports, returns Bản Bo's with a reason; Bản Bo's officer reads it, fixes the
// text and submits again; the coordinator approves it, and the province's 2026 report lists Bản Bo
// among the units below it, with no district. The dashboard opens on 2026 with the 2021–2030 plan's
// figures (CT22: answers of children aged 7+ as a share of the child population, demo figures).
// District → province for 2018 is journey 05.
//
// The journey changes the demo database for good (the report ends approved), so it runs once per
// fresh demo database, like CI's.

import { reportStatus, signIn, submitMove } from '../steps.mjs';

export const name = 'Report chain 2026: commune → province, return, fix, approve; dashboard on 2026';

const REASON = 'Thiếu số liệu câu lạc bộ theo giới tính; đề nghị bổ sung.';

export default async function (t) {
  const stamp = Date.now().toString(36);
  // 1. The coordinator sees the communes' 2026 reports and returns Bản Bo's.
  const coord = await t.actor();
  await signIn(coord, 'soyte');
  await coord.goto('/reports?year=2026');
  await coord.fitsViewport('2026 report list');
  await coord.expectText('đơn vị đã nộp');
  await coord.expectText('Xã Bản Bo');
  await coord.goto('/reports/03424/2026');
  t.ok((await reportStatus(coord)) === 'Đã nộp, chờ duyệt', `Bản Bo's 2026 report waits, got ${await reportStatus(coord)}`);
  await submitMove(coord, 'return', REASON);
  await coord.expectText('Đã trả lại báo cáo kèm lý do.');

  // 2. Bản Bo's officer reads the reason, fixes the text and submits again.
  await signIn(t, 'banbo03424');
  await t.goto('/reports/03424/2026');
  await t.expectText(REASON);
  t.ok((await reportStatus(t)) === 'Bị trả lại', 'returned');
  await t.page.fill('#results', `Năm 2026 xã duy trì 2 câu lạc bộ quyền tham gia (31 em gái, 27 em trai) (${stamp}).`);
  await Promise.all([t.page.waitForLoadState('load'), t.page.locator('form[action$="/narrative"] button[type="submit"]').click()]);
  await t.expectText('Đã lưu nội dung báo cáo.');
  await submitMove(t, 'submit');
  t.ok((await reportStatus(t)) === 'Đã nộp, chờ duyệt', 'submitted again');
  await t.a11y('commune report, submitted');

  // 3. The coordinator approves it.
  await coord.goto('/reports/03424/2026');
  await submitMove(coord, 'approve');
  t.ok((await reportStatus(coord)) === 'Đã phê duyệt', 'approved');

  // 4. The province's 2026 report lists Bản Bo, approved, and no district.
  await coord.goto('/reports/12/2026');
  await coord.fitsViewport('province report 2026');
  const row = coord.page.locator('#districts-table tr[data-unit="03424"]');
  t.ok((await row.count()) === 1, 'Bản Bo is listed');
  t.ok((await row.innerText()).includes('Đã phê duyệt'), 'with its approved figures');
  t.ok((await coord.page.locator('#districts-table tr[data-unit="106"]').count()) === 0, 'no district in 2026');

  // 5. The dashboard opens on 2026 with the 2021–2030 plan's figures.
  await coord.goto('/dashboard');
  const year = await coord.page.locator('select#d-year option[selected]').first().innerText();
  t.ok(year.trim() === '2026', `the dashboard opens on 2026, got ${year}`);
  await coord.expectText('CT22');
  await coord.expectText('theo số liệu minh họa');
  await coord.a11y('dashboard 2026');
  const api = await coord.page.request.get(coord.url('/api/v1/indicators?unit=12&year=2026'));
  t.ok(api.status() === 200, `indicators answered ${api.status()}`);
  const figures = await api.json();
  const ct22 = figures.find((f) => f.code === 'CT22');
  t.ok(ct22 && ct22.denominator > 0 && ct22.population_demo === true, `CT22 has a demo population denominator: ${JSON.stringify(ct22)}`);
}
