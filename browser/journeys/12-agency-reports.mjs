// Every agency reports: the demo coordinator opens the 2019 state of every unit and agency (the
// reports list and its "who has not reported" table), opens the Department of Education's page
// (its duties under the plan and what it recorded against each), returns the Youth Union's 2019
// report with a reason and approves the Women's Union's. Tam Đường's education office (agency106),
// which has not reported 2019, drafts a narrative on one of its duties and submits. Every page
// passes the accessibility check and fits a 360 px screen.

import { signIn, submitMove, reportStatus } from '../steps.mjs';

export const name = 'Agency reports: who has not reported, duties, return, approve, draft and submit';

export default async function (t) {
  await signIn(t, 'coordinator');
  await t.goto('/reports?year=2019');
  await t.fitsViewport('reports 2019');
  await t.expectText('Báo cáo năm của các sở, ban, ngành, đoàn thể');
  await t.expectText('Ai chưa báo cáo, năm 2019');
  const missing = t.page.locator('#not-reported-table');
  t.ok((await missing.count()) === 1, 'the coordinator sees who has not reported');
  const text = await missing.innerText();
  t.ok(text.includes('Phòng Giáo dục và Đào tạo huyện Tam Đường'), 'the office with no 2019 report is listed');
  t.ok(text.includes('Quá hạn'), 'an overdue mark');

  await t.goto('/agencies/SGDDT?year=2019');
  await t.fitsViewport('agency page');
  await t.expectText('Nhiệm vụ theo kế hoạch, năm 2019');
  await t.expectText('SGDDT-1');
  await t.expectText('Cơ quan đã ghi nhận trong năm 2019');
  await t.expectText('Đã phê duyệt');

  await t.goto('/agency-reports/TDTN/2019');
  await t.fitsViewport('agency report');
  t.ok((await reportStatus(t)) === 'Đã nộp, chờ duyệt', `the Youth Union's report waits, got ${await reportStatus(t)}`);
  await submitMove(t, 'return', 'Đề nghị bổ sung số hội đồng trẻ em đã đối thoại trong năm.');
  t.ok((await reportStatus(t)) === 'Bị trả lại', `returned, got ${await reportStatus(t)}`);
  await t.a11y('agency report returned');
  await t.goto('/agency-reports/HLHPN/2019');
  await submitMove(t, 'approve');
  t.ok((await reportStatus(t)) === 'Đã phê duyệt', `approved, got ${await reportStatus(t)}`);
  await t.a11y('agency report approved');

  const officer = await t.actor();
  await signIn(officer, 'agency106');
  await officer.goto('/agency-reports/PGDDT-106/2019');
  await officer.fitsViewport('own agency report');
  t.ok((await reportStatus(officer)) === 'Chưa có báo cáo', `no report yet, got ${await reportStatus(officer)}`);
  await officer.page.fill('#n-HUYEN-2', 'Phòng đã tập huấn giáo viên về kỹ năng tham vấn trẻ em và lồng ghép vào hoạt động ngoại khóa.');
  await Promise.all([
    officer.page.waitForURL((u) => u.searchParams.get('saved') === 'narrative'),
    officer.page.click('form[action="/agency-reports/PGDDT-106/2019"] button[type="submit"]'),
  ]);
  await officer.expectText('Phòng đã tập huấn giáo viên');
  t.ok((await reportStatus(officer)) === 'Đang soạn', `a draft, got ${await reportStatus(officer)}`);
  await submitMove(officer, 'submit');
  t.ok((await reportStatus(officer)) === 'Đã nộp, chờ duyệt', `submitted, got ${await reportStatus(officer)}`);
  await officer.a11y('own agency report submitted');
  await officer.fitsViewport('own agency report submitted');
  // Another agency's report is not the officer's to write.
  const other = await officer.page.request.get(officer.url('/agency-reports/PGDDT-107/2019'));
  t.ok(other.status() === 404, `another district's agency answered ${other.status()}`);
}
