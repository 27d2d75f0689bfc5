// The official's day: a district officer, a commune officer and the coordinator sign in on their
// inbox and reach each item of it in one click; the district officer builds a consultation from
// the question templates, previews the child's page, edits a question and moves it, then opens it;
// a child answers, and the officer moderates the consultation's texts from its own page.
// "Choose up to three" is a limit: the builder keeps it, the child's page says it, and a fourth
// choice is refused by the server (no JavaScript). The moderation queue narrows by date (a bad
// date is named), and the paged people list passes the accessibility check on its second page.

import { ddmmyyyy, signIn, submit } from '../steps.mjs';

export const name = "official's day: inbox, building from templates, preview, moderation by consultation";

async function click(t, selector) {
  await Promise.all([t.page.waitForLoadState('load'), t.page.locator(selector).first().click()]);
  await t.page.waitForLoadState('load');
}

/** Signs in, lands on the inbox, and follows each of its links in one click (200, no error page). */
async function inboxDay(t, username) {
  await signIn(t, username);
  t.ok(new URL(t.page.url()).pathname === '/', `${username} lands on the inbox, not ${t.page.url()}`);
  await t.a11y(`inbox of ${username}`);
  const hrefs = await t.page.locator('section.inbox li a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  if (hrefs.length === 0) await t.expectText('Không có việc');
  for (const href of [...new Set(hrefs)].slice(0, 12)) {
    await t.goto('/');
    const [response] = await Promise.all([
      t.page.waitForResponse((r) => r.request().method() === 'GET' && r.request().isNavigationRequest()),
      t.page.locator(`section.inbox li a[href="${href}"]`).first().click(),
    ]);
    await t.page.waitForLoadState('load');
    t.ok(response.status() === 200, `${username}: ${href} answered ${response.status()} in one click`);
  }
  return hrefs;
}

export default async function (t) {
  const today = new Date();
  const stamp = Date.now().toString(36);
  const title = `Sân chơi của bản (${stamp})`;

  // 1. Three officials start from their inbox.
  const officer = t;
  await inboxDay(officer, 'district106');
  const commune = await t.actor();
  await inboxDay(commune, 'banbo03424');
  const coord = await t.actor();
  await inboxDay(coord, 'coordinator');

  // 2. The district officer registers a matter and builds a consultation from templates.
  await officer.goto('/matters/new');
  await officer.page.selectOption('#kind', 'school_decision');
  await officer.page.fill('#title', title);
  await officer.page.fill('#summary', 'Nhà trường sắp quyết định cách dùng sân chơi.');
  await officer.page.selectOption('#agency', 'PGDDT-106');
  await officer.page.selectOption('#unit', '106-THCS-BANBO');
  await submit(officer, 'form[action="/matters"]');
  const matterPath = new URL(officer.page.url()).pathname;
  await click(officer, `a[href="${matterPath}/consultations/new"]`);
  await officer.page.fill('#title', `Ý kiến của các em: ${title}`);
  await officer.page.fill('#opens_on', ddmmyyyy(today));
  await officer.page.fill('#closes_on', ddmmyyyy(new Date(today.getTime() + 7 * 86400000)));
  await submit(officer, 'form[action="/consultations"]');
  const kPath = new URL(officer.page.url()).pathname;
  officer.ok(/^\/consultations\/\d+$/.test(kPath), `after creating, at ${kPath}`);

  // Yes / no: the template fills the text and two rows with the library's pictures.
  await click(officer, `a[href="${kPath}?template=yes_no#add"]`);
  officer.ok((await officer.page.inputValue('#o1_vi')) === 'Có', 'the yes/no template fills the first row');
  officer.ok((await officer.page.inputValue('#o2_pic')) === 'no', 'the second row has the "no" picture');
  await officer.a11y('question builder (template)');
  await submit(officer, `form[action="${kPath}/questions"]`);
  await officer.expectText('Đã lưu.');
  // Faces.
  await click(officer, `a[href="${kPath}?template=faces#add"]`);
  await submit(officer, `form[action="${kPath}/questions"]`);
  // Rank three: the rows are typed in, one choice a row.
  await click(officer, `a[href="${kPath}?template=rank_three#add"]`);
  for (const [i, [label, pic]] of [['Sân chơi', 'play'], ['Thư viện', 'book'], ['Vườn cây', 'tree']].entries()) {
    await officer.page.fill(`#o${i + 1}_vi`, label);
    await officer.page.selectOption(`#o${i + 1}_pic`, pic);
  }
  await submit(officer, `form[action="${kPath}/questions"]`);
  // A short text, for the children's own words.
  await officer.page.selectOption('#kind', 'text');
  await officer.page.fill('#text_vi', 'Em muốn nói gì thêm về sân chơi?');
  await submit(officer, `form[action="${kPath}/questions"]`);
  // Choose up to three: the template sets the limit; four choices typed as rows.
  await click(officer, `a[href="${kPath}?template=choose_three#add"]`);
  officer.ok((await officer.page.inputValue('#max_choices')) === '3', 'the template limits to three');
  for (const [i, [label, pic]] of [['Xích đu', 'play'], ['Cây xanh', 'tree'], ['Nước uống', 'water'], ['Sách', 'book']].entries()) {
    await officer.page.fill(`#o${i + 1}_vi`, label);
    await officer.page.selectOption(`#o${i + 1}_pic`, pic);
  }
  await submit(officer, `form[action="${kPath}/questions"]`);
  await officer.expectText('Chọn tối đa 3');
  officer.ok((await officer.page.locator('ol.questions > li').count()) === 5, 'five questions');

  // The preview: the child's page with a banner, nothing to send.
  await click(officer, `a[href="${kPath}/preview"]`);
  await officer.expectText('Bản xem trước');
  await officer.expectText('Em có đồng ý không?');
  officer.ok((await officer.page.locator('form[action^="/c/"]').count()) === 0, 'the preview cannot be sent');
  officer.ok(await officer.page.locator('button.send').isDisabled(), 'the send button is disabled');
  await officer.a11y('preview of the child page');
  await click(officer, `a[href="${kPath}"]`);

  // Edit the first question, then move it down one place.
  const first = officer.page.locator('ol.questions > li').first();
  await Promise.all([officer.page.waitForLoadState('load'), first.locator('a.button').first().click()]);
  await officer.page.fill('#text_vi', 'Em có muốn sân chơi mới không?');
  await submit(officer, 'form[action*="/questions/"]');
  await officer.expectText('Đã lưu.');
  await officer.expectText('Em có muốn sân chơi mới không?');
  await Promise.all([
    officer.page.waitForLoadState('load'),
    officer.page.locator('ol.questions > li').first().locator('button[value="down"]').click(),
  ]);
  const second = await officer.page.locator('ol.questions > li').nth(1).textContent();
  officer.ok(second.includes('Em có muốn sân chơi mới không?'), 'the edited question moved down one place');

  // Open it.
  await submit(officer, `form[action="${kPath}/open"]`);
  await officer.expectText('Đang mở');
  const code = (await officer.page.locator('p.code').textContent()).trim();

  // 3. A child answers every question, with a few words at the end.
  const child = await t.actor({ javaScriptEnabled: false });
  await child.goto(`/c/${code}`, { a11y: false });
  const qs = child.page.locator('div.q');
  await qs.nth(0).locator('input[type="radio"]').first().check({ force: true });
  await qs.nth(1).locator('input[type="radio"]').first().check({ force: true });
  const ranks = qs.nth(2).locator('table.rk tbody tr');
  for (let i = 0; i < 3; i++) await ranks.nth(i).locator(`input[value="${i + 1}"]`).check({ force: true });
  await qs.nth(3).locator('textarea').fill('Chúng em muốn có xích đu và bóng râm.');
  await child.expectText('Chọn tối đa 3');
  const boxes = qs.nth(4).locator('input[type="checkbox"]');
  for (let i = 0; i < 4; i++) await boxes.nth(i).check({ force: true });
  await Promise.all([child.page.waitForLoadState('load'), child.page.locator('form[action^="/c/"] button[type="submit"]').click()]);
  await child.expectText('Em chọn nhiều quá');
  await child.fitsViewport('the child page refusing a fourth choice');
  await child.page.locator('div.q').nth(4).locator('input[type="checkbox"]').nth(3).uncheck({ force: true });
  await Promise.all([child.page.waitForLoadState('load'), child.page.locator('form[action^="/c/"] button[type="submit"]').click()]);
  await child.expectText('Cảm ơn em!');

  // 4. The officer moderates this consultation's texts from its page.
  await officer.goto(kPath);
  await click(officer, `a[href="/moderation?consultation=${kPath.split('/').pop()}"]`);
  const cards = officer.page.locator('section.card');
  officer.ok((await cards.count()) === 1, 'only this consultation\'s text waits here');
  await officer.expectText('xích đu');
  await Promise.all([officer.page.waitForLoadState('load'), cards.first().locator('button[value="approve"]').click()]);
  await officer.a11y('moderation of one consultation');
  officer.ok((await officer.page.locator('section.card').count()) === 0, 'nothing of it waits any more');

  // 5. The queue by date: today's texts, and a date that is no date named in Vietnamese.
  await officer.goto(`/moderation?from=${ddmmyyyy(today)}`);
  await officer.fitsViewport('moderation from today');
  await officer.goto('/moderation?from=31/02/2026', { status: 422, label: 'moderation with a bad date' });
  await officer.expectText('Từ ngày: ngày không hợp lệ');

  // 6. The paged people list, second page.
  await coord.goto('/people?page=2');
  await coord.fitsViewport('people, page 2');
  await officer.goto('/people?page=2');
}
