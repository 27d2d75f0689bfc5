// Sìn Hồ's district officer opens the Excel import page, downloads the template (an .xlsx), uploads a
// CSV of three activities with a bad date and an unknown agency, reads both errors in Vietnamese by
// row and column with nothing imported, uploads the fixed file and sees the counts, uploads it again
// and sees 0 created (no duplicates). Every page passes the accessibility check at 360 px.

export const name = 'Excel import: template, errors by row and column, import, import again';

const PASSWORD = 'laichau2016';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function signIn(t, username) {
  await t.goto('/login');
  await t.page.fill('#username', username);
  await t.page.fill('#password', PASSWORD);
  await Promise.all([t.page.waitForURL((u) => !u.pathname.startsWith('/login')), t.page.click('form[action="/login"] button[type="submit"]')]);
}

function csv(stamp, broken) {
  const head = ['Đơn vị (mã)', 'Mã hoạt động', 'Dự án', 'Loại hoạt động', 'Tên hoạt động', 'Từ ngày (dd/mm/yyyy)', 'Cơ quan chủ trì (mã)', 'Giáo viên – Nữ', 'Giáo viên – Nam'];
  const rows = [
    ['108', `J-${stamp}-1`, 'DA2', 'Tập huấn', 'Tập huấn kỹ năng tham vấn trẻ em cho giáo viên', '12/03/2019', 'PLDTBXH-108', '21', '9'],
    ['108', `J-${stamp}-2`, 'DA1', 'Sự kiện', 'Ngày hội quyền tham gia của trẻ em', broken ? '31/02/2019' : '01/06/2019', 'PGDDT-108', '4', '2'],
    ['108', `J-${stamp}-3`, 'DA1', 'Bài viết', 'Bài viết trên trang tin của huyện', '15/07/2019', broken ? 'PGDDT-999' : 'UBND-108', '', ''],
  ];
  // Semicolons, as Excel saves CSV on a Vietnamese computer, and a byte-order mark.
  return '\ufeff' + [head, ...rows].map((r) => r.join(';')).join('\r\n') + '\r\n';
}

async function upload(t, fileName, text) {
  await t.page.setInputFiles('#file', { name: fileName, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
  await Promise.all([t.page.waitForLoadState('load'), t.page.locator('form[action="/imports"] button[type="submit"]').click()]);
  await t.page.waitForLoadState('load');
}

export default async function (t) {
  const stamp = Date.now().toString(36);
  await signIn(t, 'district108');

  // 1. The import page and its template.
  await t.goto('/imports');
  await t.fitsViewport('import page');
  const link = t.page.locator('a[href="/activities/template.xlsx"]');
  t.ok((await link.count()) === 1, 'the page links the template');
  const r = await t.page.request.get(t.url('/activities/template.xlsx'));
  t.ok(r.status() === 200, `template answered ${r.status()}`);
  t.ok(r.headers()['content-type'] === XLSX, `template type ${r.headers()['content-type']}`);
  const body = await r.body();
  t.ok(body.length > 1000 && body[0] === 0x50 && body[1] === 0x4b, 'the template is an .xlsx (zip) file');

  // 2. A file with a bad date (row 3, column F) and an unknown agency (row 4, column G).
  await upload(t, 'hoat-dong-loi.csv', csv(stamp, true));
  await t.a11y('import errors');
  await t.fitsViewport('import errors');
  await t.expectText('Tệp có lỗi nên chưa nhập dòng nào');
  await t.expectText('F – Từ ngày (dd/mm/yyyy)');
  await t.expectText('Ngày không hợp lệ; hãy ghi dạng dd/mm/yyyy');
  await t.expectText('G – Cơ quan chủ trì (mã)');
  await t.expectText('Không có cơ quan mang mã này trong phạm vi của bạn');
  const rows = await t.page.locator('table.import-errors tbody tr').allInnerTexts();
  t.ok(rows.length === 2, `two errors listed, got ${rows.length}`);
  t.ok(/\b3\b/.test(rows[0]) && /\b4\b/.test(rows[1]), `errors on rows 3 and 4: ${JSON.stringify(rows)}`);
  const api = await t.page.request.get(t.url('/api/v1/activities?unit=108&year=2019'));
  const before = (await api.json()).filter((a) => a.code.startsWith(`J-${stamp}`)).length;
  t.ok(before === 0, `nothing imported, found ${before}`);

  // 3. Fixed: imported, the counts shown.
  await upload(t, 'hoat-dong.csv', csv(stamp, false));
  t.ok(/^\/imports\/jobs\/[0-9a-f]+$/.test(new URL(t.page.url()).pathname), `after import, at ${t.page.url()}`);
  await t.a11y('import result');
  await t.expectText('Đã nhập xong toàn bộ tệp');
  const count = async (label) => {
    const cell = t.page.locator('table.import-counts tr', { hasText: label }).locator('td');
    return (await cell.innerText()).trim();
  };
  t.ok((await count('Hoạt động mới')) === '3', `3 created, got ${await count('Hoạt động mới')}`);

  // 4. The same file again: nothing new.
  await t.goto('/imports');
  await upload(t, 'hoat-dong.csv', csv(stamp, false));
  await t.expectText('Đã nhập xong toàn bộ tệp');
  t.ok((await count('Hoạt động mới')) === '0', `0 created the second time, got ${await count('Hoạt động mới')}`);
  t.ok((await count('Hoạt động đã có, không đổi')) === '3', 'the 3 activities are unchanged');
  const after = await t.page.request.get(t.url('/api/v1/activities?unit=108&year=2019'));
  const mine = (await after.json()).filter((a) => a.code.startsWith(`J-${stamp}`)).length;
  t.ok(mine === 3, `3 activities stored, found ${mine}`);
}
