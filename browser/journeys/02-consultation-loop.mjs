// The heart of Thamgia, as the people involved live it: a school decision in Tam Đường is registered;
// the school's facilitator builds a consultation and prints its poster; a child answers on a 360 px
// phone with JavaScript off; the facilitator types in three paper forms; the district officer
// moderates the free text (approves one, redacts another), closes the consultation and publishes the
// answer; the child's address then shows it, and T2 for unit 106 moves in /api/v1/indicators.

import { ddmmyyyy, signIn, submit } from '../steps.mjs';

export const name = 'consult children on a school decision and answer them back';

async function t2(t, year) {
  const r = await t.page.request.get(t.url(`/api/v1/indicators?unit=106&year=${year}`));
  t.ok(r.status() === 200, `indicators answered ${r.status()}`);
  const list = await r.json();
  // School decisions consulted: T2 in the 2016–2020 plan, TV2 in 2021–2030.
  const row = list.find((i) => i.measure === 'matters_consulted' && i.name.includes('trong nhà trường'));
  t.ok(row, 'the school-decisions figure is in /api/v1/indicators');
  return row;
}

/** Sends the child's form: the thank-you page is the POST's own answer (200, no redirect). */
async function sendChildForm(t) {
  const [response] = await Promise.all([
    t.page.waitForResponse((r) => r.request().method() === 'POST' && /\/c\/[A-Z0-9]{6}$/.test(new URL(r.url()).pathname)),
    t.page.locator('form[action^="/c/"] button[type="submit"]').click(),
  ]);
  t.ok(response.status() === 200, `answering answered ${response.status()}`);
  await t.page.waitForLoadState('load');
  await t.expectText('Cảm ơn em!');
}

export default async function (t) {
  const today = new Date();
  const year = today.getFullYear();
  const stamp = Date.now().toString(36);
  const title = `Giờ ra chơi và sân chơi của trường (${stamp})`;

  // 1. The district officer registers the school's decision (owned by the district education office).
  const officer = t;
  await signIn(officer, 'district106');
  const before = await t2(officer, year);
  await officer.goto('/matters/new');
  await officer.page.selectOption('#kind', 'school_decision');
  await officer.page.fill('#title', title);
  await officer.page.fill('#summary', 'Nhà trường sắp quyết định giờ ra chơi và cách dùng sân chơi.');
  await officer.page.selectOption('#agency', 'PGDDT-106');
  await officer.page.selectOption('#unit', '106-THCS-BANBO');
  await officer.page.fill('#decision_date', ddmmyyyy(today));
  await submit(officer, 'form[action="/matters"]');
  const matterPath = new URL(officer.page.url()).pathname;
  officer.ok(/^\/matters\/\d+$/.test(matterPath), `after registering, at ${matterPath}`);
  await officer.a11y('matter page');
  await officer.expectText(title);
  const during = await t2(officer, year);
  officer.ok(during.denominator === before.denominator + 1, `T2 denominator ${before.denominator} → ${during.denominator}`);

  // 2. The school's facilitator builds the consultation, opens it and prints the poster.
  const fac = await t.actor();
  await signIn(fac, 'facilitator106');
  await fac.goto(matterPath);
  await Promise.all([fac.page.waitForLoadState('load'), fac.page.click(`a[href="${matterPath}/consultations/new"]`)]);
  await fac.a11y('new consultation form');
  await fac.page.fill('#title', `Ý kiến của các em: ${title}`);
  await fac.page.fill('#intro', 'Nhà trường muốn nghe các em trước khi quyết định.');
  await fac.page.selectOption('#method', 'survey');
  await fac.page.fill('#age_min', '6');
  await fac.page.fill('#age_max', '15');
  await fac.page.fill('#opens_on', ddmmyyyy(today));
  await fac.page.fill('#closes_on', ddmmyyyy(new Date(today.getTime() + 7 * 86400000)));
  const audience = fac.page.locator('input[name="audience"][value="106-THCS-BANBO"]');
  if ((await audience.count()) > 0 && !(await audience.isChecked())) await audience.check();
  await submit(fac, 'form[action="/consultations"]');
  const kPath = new URL(fac.page.url()).pathname;
  fac.ok(/^\/consultations\/\d+$/.test(kPath), `after creating, at ${kPath}`);
  await fac.a11y('consultation page (draft)');
  await fac.page.selectOption('#kind', 'single');
  await fac.page.fill('#text_vi', 'Em muốn giờ ra chơi dài bao lâu?');
  // Choices as rows: a label a row (the picture and English label are optional).
  for (const [i, label] of ['15 phút', '20 phút', '30 phút'].entries()) await fac.page.fill(`#o${i + 1}_vi`, label);
  await submit(fac, `form[action="${kPath}/questions"]`);
  await fac.page.selectOption('#kind', 'text');
  await fac.page.fill('#text_vi', 'Em có ý kiến gì về sân chơi?');
  const req = fac.page.locator('#required');
  if ((await req.count()) > 0 && (await req.isChecked())) await req.uncheck();
  await submit(fac, `form[action="${kPath}/questions"]`);
  await submit(fac, `form[action="${kPath}/open"]`);
  await fac.a11y('consultation page (open)');
  await fac.goto(`${kPath}/poster`);
  const poster = await fac.page.content();
  const m = poster.match(/\/c\/([A-HJ-NP-Z2-9]{6})/);
  fac.ok(m, 'the poster shows the /c/CODE address');
  const code = m[1];
  fac.ok(poster.includes('<svg'), 'the poster has a QR code');
  await fac.expectText(code);

  // The child's page passes the accessibility check (axe needs scripts: checked here, scripts on).
  await fac.goto(`/c/${code}`);

  // 3. A child answers on a 360 px phone with JavaScript off.
  const child = await t.actor({ javaScriptEnabled: false });
  await child.goto(`/c/${code}`, { a11y: false });
  // "About you" is optional and folded after the questions: the child opens it to give an age.
  await child.page.locator('details.me summary').click();
  await child.page.selectOption('select[name="age"]', '9');
  await child.page.getByLabel('20 phút').check();
  await child.page.locator('textarea').first().fill('Sân chơi cần có bóng râm. Em là Lò Văn Khánh, gọi 0912 345 678.');
  await sendChildForm(child);
  const width = await child.page.evaluate(() => document.documentElement.scrollWidth).catch(() => 360);
  child.ok(width <= 360, `thank-you page is ${width}px wide`);
  // A second child, from another phone.
  const child2 = await t.actor({ javaScriptEnabled: false });
  await child2.goto(`/c/${code}`, { a11y: false });
  await child2.page.getByLabel('30 phút').check();
  await child2.page.locator('textarea').first().fill('Chúng em muốn có thêm cây xanh ở sân trường.');
  await sendChildForm(child2);

  // 4. The facilitator types in three paper forms, one after another.
  for (const choice of ['15 phút', '20 phút', '20 phút']) {
    await fac.goto(`${kPath}/paper`);
    await fac.page.getByLabel(choice).first().check();
    await submit(fac, `form[action="${kPath}/paper"]`);
  }
  await fac.expectText('3');

  // 5. The district officer moderates: approves one text, redacts the other.
  await officer.goto('/moderation');
  const items = officer.page.locator('section.card', { hasText: stamp.length ? '' : '' });
  const approveForm = officer.page.locator('section.card', { hasText: 'cây xanh' });
  officer.ok((await approveForm.count()) === 1, 'the text about trees waits for moderation');
  await Promise.all([officer.page.waitForLoadState('load'), approveForm.locator('button[value="approve"]').click()]);
  const redactForm = officer.page.locator('section.card', { hasText: 'bóng râm' });
  officer.ok((await redactForm.count()) === 1, 'the text with a name waits for moderation');
  const box = redactForm.locator('textarea[name="text"]');
  await box.fill('Sân chơi cần có bóng râm. Em là [tên], gọi [số điện thoại].');
  await Promise.all([officer.page.waitForLoadState('load'), redactForm.locator('button[value="redact"]').click()]);
  await officer.a11y('moderation after decisions');
  void items;

  // 6. The officer closes the consultation and publishes the answer to the children.
  await officer.goto(`${kPath}/results`);
  await officer.goto(`${kPath}/close`);
  await officer.page.fill('#findings', 'Nhiều em chọn 20 phút; các em muốn sân có bóng râm và cây xanh.');
  await submit(officer, `form[action="${kPath}/close"]`);
  await officer.goto(`${kPath}/answer`);
  await officer.page.fill('#decided', 'Từ tháng sau, giờ ra chơi dài 20 phút.');
  await officer.page.fill('#taken', 'Nhà trường sẽ trồng thêm cây xanh để sân có bóng râm, như các em đề nghị.');
  await officer.page.fill('#not_taken', 'Giờ ra chơi 30 phút chưa làm được vì sẽ thiếu giờ học.');
  await Promise.all([officer.page.waitForLoadState('load'), officer.page.locator(`form[action="${kPath}/answer"] button[value="1"]`).click()]);

  // 7. The child's address now shows the answer.
  await child.goto(`/c/${code}`, { a11y: false });
  await child.expectText('Các em đã nói — chúng tôi đã làm');
  await child.expectText('giờ ra chơi dài 20 phút');
  await fac.goto(`/c/${code}`);

  // 8. T2 for 106 this year counts the matter as consulted.
  const after = await t2(officer, year);
  officer.ok(after.numerator === during.numerator + 1, `T2 numerator ${during.numerator} → ${after.numerator}`);
  officer.ok(after.denominator === during.denominator, 'T2 denominator unchanged');
  // The redacted name appears nowhere in the results.
  await officer.goto(`${kPath}/results`);
  const results = await officer.page.content();
  officer.ok(!results.includes('Khánh') && !results.includes('0912'), 'the child’s name and phone are gone');
  await officer.expectText('[tên]');
}
