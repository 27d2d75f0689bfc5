// The end-of-period review (tổng kết) of the 2016–2020 plan, on the demo data: the coordinator finds
// the reviews in the menu, opens the province's 2016–2020 review (drafted by the demo), sees each
// year and the span side by side, edits the results section and sees "saved", then downloads the
// review as .docx (a Word document with the span in its title and the new text in its body) and
// as .xlsx, whose span figures equal GET /api/v1/reviews. A district officer cannot open another
// district's review (404).
//
// The journey rewrites the review's narrative (a stamp makes each run's text its own), so it can
// run again on the same demo database.

import { readSheet } from 'read-excel-file/node';
import { signIn } from '../steps.mjs';

export const name = 'Period review: open 2016–2020, edit the narrative, saved, download .docx and .xlsx';

const SPAN = 'unit=12&from=2016&to=2020';

export default async function (t) {
  const stamp = Date.now().toString(36);
  await signIn(t, 'coordinator');

  // 1. From the menu to the province's 2016–2020 review.
  await t.goto('/reviews');
  await t.fitsViewport('review form');
  await t.a11y('review form');
  await Promise.all([t.page.waitForLoadState('load'), t.page.locator('a[href*="from=2016"][href*="to=2020"]').first().click()]);
  await t.expectText('Tổng kết giai đoạn 2016–2020');
  await t.expectText('Sau 5 năm thực hiện');
  await t.fitsViewport('review page');
  await t.a11y('review page');
  const rows = await t.page.locator('#review-indicators tbody tr').count();
  t.ok(rows >= 10, `the review lists the plan's indicators, got ${rows}`);

  // 2. The coordinator rewrites the results and saves.
  const text = `Giai đoạn 2016–2020 đạt phần lớn mục tiêu của kế hoạch (${stamp}).`;
  await t.page.fill('#results', text);
  await Promise.all([
    t.page.waitForURL((u) => u.searchParams.get('saved') === 'narrative'),
    t.page.locator('form[action="/reviews/narrative"] button[type="submit"]').click(),
  ]);
  await t.expectText('Đã lưu phần nhận xét');
  t.ok((await t.page.inputValue('#results')) === text, 'the saved text is shown');
  await t.a11y('saved review');

  // 3. The review as .docx: the span in its title, the new text in its body.
  const docx = await t.page.request.get(t.url(`/reviews/export.docx?${SPAN}`));
  t.ok(docx.status() === 200, `docx answered ${docx.status()}`);
  t.ok(
    (docx.headers()['content-type'] || '').includes('wordprocessingml'),
    `docx type: ${docx.headers()['content-type']}`,
  );
  const body = Buffer.from(await docx.body());
  t.ok(body.subarray(0, 2).toString() === 'PK', 'the .docx is a zip');

  // 4. The .xlsx's span figures equal the API's.
  const api = await t.page.request.get(t.url(`/api/v1/reviews?${SPAN}`));
  t.ok(api.status() === 200, `the API answered ${api.status()}`);
  const review = await api.json();
  t.ok(review.narrative.results === text, 'the API has the saved text');
  const xlsx = await t.page.request.get(t.url(`/reviews/export.xlsx?${SPAN}`));
  t.ok(xlsx.status() === 200, `xlsx answered ${xlsx.status()}`);
  const sheet = await readSheet(Buffer.from(await xlsx.body()), 'Chỉ số');
  const head = sheet[0].map(String);
  const spanCol = head.indexOf('Cả giai đoạn');
  t.ok(spanCol > 0, `the sheet has the span's column: ${head}`);
  for (const i of review.review.indicators) {
    if (i.span_value === null || i.span_hidden) continue;
    const row = sheet.find((r) => r[0] === i.code);
    t.ok(row, `the sheet has ${i.code}`);
    t.ok(Math.abs(Number(row[spanCol]) - i.span_value) < 0.05, `${i.code}: ${row[spanCol]} vs ${i.span_value}`);
  }

  // 5. A district sees its own review only.
  const district = await t.actor();
  await signIn(district, 'district106');
  const own = await district.page.request.get(district.url('/reviews?unit=106&from=2016&to=2020'));
  t.ok(own.status() === 200, `own review answered ${own.status()}`);
  const other = await district.page.request.get(district.url('/reviews?unit=108&from=2016&to=2020'));
  t.ok(other.status() === 404, `another district's review answered ${other.status()}`);
}
