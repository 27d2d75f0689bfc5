// The annual report chain, end to end on the demo data: Tam Đường's officer opens the 2018 report
// (left as a draft by the demo), writes the narrative and submits it; the coordinator returns it
// with a reason; the officer reads the reason, fixes the text and submits again; the coordinator
// approves it, which locks Tam Đường's 2018 records — the officer's edit of a 2018 activity is
// refused in Vietnamese. The coordinator then opens the province's 2018 report, sees Tam Đường's
// approved figures, downloads the province report as .docx (LibreOffice turns it into a PDF) and as
// .xlsx, whose indicator figures equal /api/v1/indicators?unit=12&year=2018.
//
// The journey changes the demo database for good (the report ends approved), so it runs once per
// fresh demo database, like CI's.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSheet } from 'read-excel-file/node';
import { reportStatus, signIn, submitMove } from '../steps.mjs';

export const name = 'Annual report: write, submit, return, fix, approve, lock, consolidate, export';

const REASON = 'Thiếu số liệu tập huấn theo giới tính; đề nghị bổ sung.';

export default async function (t) {
  const stamp = Date.now().toString(36);
  // 1. Tam Đường writes and submits its 2018 report.
  await signIn(t, 'district106');
  await t.goto('/reports?year=2018');
  await t.fitsViewport('report list');
  await t.goto('/reports/106/2018');
  await t.fitsViewport('report page');
  t.ok((await reportStatus(t)) === 'Đang soạn', `the 2018 report is a draft, got ${await reportStatus(t)}`);
  await t.page.fill('#doc_number', '25/BC-UBND');
  await t.page.fill('#place', 'Tam Đường');
  await t.page.fill('#signer_name', 'Lò Văn Hải');
  await t.page.fill('#signer_title', 'Phó Chủ tịch UBND huyện');
  await t.page.fill('#results', `Năm 2018 huyện tổ chức các lớp tập huấn và diễn đàn trẻ em (${stamp}).`);
  await Promise.all([t.page.waitForLoadState('load'), t.page.locator('form[action$="/narrative"] button[type="submit"]').click()]);
  await t.expectText('Đã lưu nội dung báo cáo.');
  await submitMove(t, 'submit');
  await t.expectText('Đã nộp báo cáo');
  t.ok((await reportStatus(t)) === 'Đã nộp, chờ duyệt', 'submitted');
  await t.a11y('submitted report');

  // 2. The coordinator returns it with a reason.
  const coord = await t.actor();
  await signIn(coord, 'coordinator');
  await coord.goto('/reports?year=2018');
  await coord.expectText('đơn vị đã nộp');
  await coord.goto('/reports/106/2018');
  await submitMove(coord, 'return', REASON);
  await coord.expectText('Đã trả lại báo cáo kèm lý do.');

  // 3. Tam Đường reads the reason, fixes the text and submits again.
  await t.goto('/reports/106/2018');
  await t.expectText(REASON);
  t.ok((await reportStatus(t)) === 'Bị trả lại', 'returned');
  await t.page.fill('#results', `Năm 2018 huyện tập huấn 30 giáo viên (21 nữ, 9 nam) (${stamp}).`);
  await Promise.all([t.page.waitForLoadState('load'), t.page.locator('form[action$="/narrative"] button[type="submit"]').click()]);
  await submitMove(t, 'submit');
  t.ok((await reportStatus(t)) === 'Đã nộp, chờ duyệt', 'submitted again');

  // 4. The coordinator approves: the year is locked.
  await coord.goto('/reports/106/2018');
  await submitMove(coord, 'approve');
  await coord.expectText('số liệu năm của đơn vị đã được khóa');
  t.ok((await reportStatus(coord)) === 'Đã phê duyệt', 'approved');

  // 5. Tam Đường tries to edit one of its 2018 activities and is refused.
  const list = await t.page.request.get(t.url('/api/v1/activities?unit=106&year=2018'));
  t.ok(list.status() === 200, `activities answered ${list.status()}`);
  const acts = await list.json();
  const rows = Array.isArray(acts) ? acts : acts.items || acts.activities || [];
  const a2018 = rows.find((a) => String(a.starts_on || '').startsWith('2018'));
  t.ok(a2018, 'Tam Đường has a 2018 activity');
  await t.goto(`/activities/${a2018.id}/edit`);
  await t.page.fill('#title', `${a2018.title} (sửa)`);
  const [resp] = await Promise.all([
    t.page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes(`/activities/${a2018.id}`)),
    t.page.locator(`form[action="/activities/${a2018.id}/edit"] button[type="submit"]`).first().click(),
  ]);
  t.ok(resp.status() === 409, `the locked edit answered ${resp.status()}`);
  await t.page.waitForLoadState('load');
  await t.expectText('đã được phê duyệt và khóa');

  // 6. The province's 2018 report shows Tam Đường's approved figures.
  await coord.goto('/reports/12/2018');
  await coord.fitsViewport('province report');
  const tam = coord.page.locator('#districts-table tr[data-unit="106"]');
  t.ok((await tam.count()) === 1, 'Tam Đường is listed');
  const tamText = await tam.innerText();
  t.ok(tamText.includes('Đã phê duyệt') && !tamText.includes('Chưa được phê duyệt'), `Tam Đường's figures: ${tamText}`);

  // 7. The province report as .docx, turned into a PDF by LibreOffice.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'thamgia-report-'));
  const docx = await coord.page.request.get(coord.url('/reports/12/2018/export.docx'));
  t.ok(docx.status() === 200, `docx answered ${docx.status()}`);
  const docxPath = path.join(dir, 'bao-cao-12-2018.docx');
  writeFileSync(docxPath, await docx.body());
  const pdfPath = path.join(dir, 'bao-cao-12-2018.pdf');
  // LibreOffice now and then aborts while it creates a fresh profile, before
  // it reads the document; a second start finds the profile made. Three
  // attempts: a document it cannot convert fails all three.
  for (let attempt = 1; attempt <= 3 && !existsSync(pdfPath); attempt++) {
    try {
      execFileSync('libreoffice', ['--headless', '--convert-to', 'pdf', '--outdir', dir, docxPath], {
        timeout: 120_000,
        stdio: 'ignore',
        env: { ...process.env, HOME: dir },
      });
    } catch (e) {
      console.error(`LibreOffice attempt ${attempt} failed: ${e.message}`);
    }
  }
  t.ok(existsSync(pdfPath), 'LibreOffice made a PDF');
  t.ok(readFileSync(pdfPath).subarray(0, 5).toString() === '%PDF-', 'the PDF starts with %PDF-');

  // 8. The .xlsx's indicator figures equal the API's.
  const xlsx = await coord.page.request.get(coord.url('/reports/12/2018/export.xlsx'));
  t.ok(xlsx.status() === 200, `xlsx answered ${xlsx.status()}`);
  const sheet = await readSheet(Buffer.from(await xlsx.body()), 'Chỉ tiêu');
  const api = await coord.page.request.get(coord.url('/api/v1/indicators?unit=12&year=2018'));
  t.ok(api.status() === 200, `indicators answered ${api.status()}`);
  const body = await api.json();
  const indicators = Array.isArray(body) ? body : body.indicators || [];
  t.ok(indicators.length > 0, 'the API lists indicators');
  let compared = 0;
  for (const i of indicators) {
    const row = sheet.find((r) => r[0] === i.code);
    t.ok(row, `${i.code} is in the workbook`);
    t.ok(Number(row[2]) === Number(i.numerator), `${i.code}: workbook ${row[2]}, API ${i.numerator}`);
    compared += 1;
  }
  t.note(`${compared} indicators compared with the API`);
}
