// Sìn Hồ's district officer records the 2019 district forum (35 children: under Circular 29's 40,
// so a warning), adds two recommendations for the district education office; the office's officer
// answers one; the public page, without sign-in, shows both and one answered; M1 and T4 for 108 in
// 2019 count the forum in /api/v1/indicators.

export const name = 'a district forum, its recommendations, the answer and the public page';

const PASSWORD = 'laichau2016';

async function signIn(t, username) {
  await t.goto('/login');
  await t.page.fill('#username', username);
  await t.page.fill('#password', PASSWORD);
  await Promise.all([t.page.waitForURL((u) => !u.pathname.startsWith('/login')), t.page.click('form[action="/login"] button[type="submit"]')]);
}

async function indicators(t) {
  const r = await t.page.request.get(t.url('/api/v1/indicators?unit=108&year=2019'));
  t.ok(r.status() === 200, `indicators answered ${r.status()}`);
  const list = await r.json();
  const get = (code) => {
    const row = list.find((i) => i.code === code);
    t.ok(row, `${code} is in /api/v1/indicators`);
    return row;
  };
  return { m1: get('M1'), t4: get('T4') };
}

export default async function (t) {
  const stamp = Date.now().toString(36);
  const officer = t;
  await signIn(officer, 'district108');
  const before = await indicators(officer);
  officer.ok(before.m1.numerator === 0, `M1 for 108 in 2019 starts at ${before.m1.numerator}`);

  // 1. The 2019 district forum with 35 children.
  await officer.goto('/forums/new');
  await officer.page.selectOption('#level', 'district');
  await officer.page.selectOption('#unit', '108');
  await officer.page.fill('#year', '2019');
  await officer.page.fill('#theme', `Trẻ em Sìn Hồ nói về an toàn trên đường đến trường (${stamp})`);
  await officer.page.fill('#starts_on', '01/06/2019');
  await officer.page.fill('#ends_on', '01/06/2019');
  await officer.page.fill('#venue', 'Hội trường UBND huyện Sìn Hồ');
  await officer.page.selectOption('#agency', 'PLDTBXH-108');
  for (const [id, v] of [['girls', 18], ['boys', 17], ['age_6_10', 15], ['age_11_15', 20], ['eth_08', 18], ['eth_03', 12], ['with_disability', 1], ['adults_in_charge', 7], ['volunteers', 2], ['guests', 8]]) {
    await officer.page.fill(`#${id}`, String(v));
  }
  await Promise.all([officer.page.waitForLoadState('load'), officer.page.locator('form[action="/forums/new"] button[type="submit"]').click()]);
  const forumPath = new URL(officer.page.url()).pathname;
  officer.ok(/^\/forums\/\d+$/.test(forumPath), `after recording, at ${forumPath}`);
  await officer.a11y('forum page');
  await officer.expectText('40');
  await officer.expectText('35');

  // 2. Two recommendations for the district education office.
  const texts = [`Làm mái che ở điểm chờ xe cho học sinh (${stamp})`, `Có người hướng dẫn qua suối mùa lũ (${stamp})`];
  const topics = [`Điểm chờ xe (${stamp})`, `Qua suối mùa lũ (${stamp})`];
  for (const [i, text] of texts.entries()) {
    await officer.page.fill('#r-text', text);
    await officer.page.fill('#r-topic', topics[i]);
    await officer.page.selectOption('#r-agency', 'PGDDT-108');
    await officer.page.fill('#r-deadline', '30/09/2019');
    await Promise.all([officer.page.waitForLoadState('load'), officer.page.locator(`form[action="${forumPath}/recommendations"] button[type="submit"]`).click()]);
    await officer.expectText(text);
  }

  // 3. The education office answers one.
  const agency = await t.actor();
  await signIn(agency, 'agency108');
  await agency.goto('/recommendations');
  const link = agency.page.locator('a', { hasText: topics[0] });
  agency.ok((await link.count()) >= 1, 'the agency officer sees the recommendation addressed to the office');
  await Promise.all([agency.page.waitForLoadState('load'), link.first().click()]);
  await agency.a11y('recommendation page');
  await agency.page.locator('input[name="outcome"][value="accepted"]').check();
  await agency.page.fill('#answer', 'Phòng đã làm mái che ở hai điểm chờ xe trước năm học mới.');
  const recPath = new URL(agency.page.url()).pathname;
  await Promise.all([agency.page.waitForLoadState('load'), agency.page.locator(`form[action="${recPath}/answer"] button[type="submit"]`).click()]);
  await agency.expectText('Phòng đã làm mái che');

  // 4. The public sees both, one answered, without signing in.
  const visitor = await t.actor();
  await visitor.goto('/public/recommendations?unit=108&year=2019');
  for (const text of texts) await visitor.expectText(text);
  await visitor.expectText('Phòng đã làm mái che');
  const html = await visitor.page.content();
  visitor.ok(!html.includes('district108') && !html.includes('Giàng Thị Dợ'), 'no account or person name on the public page');

  // 5. M1 and T4 for 108 in 2019 count the forum.
  const after = await indicators(officer);
  officer.ok(after.m1.numerator === before.m1.numerator + 1, `M1 ${before.m1.numerator} → ${after.m1.numerator}`);
  // The demo's Sìn Hồ council held a dialogue and a club was active in 2019: the forum completes all three.
  officer.ok(before.t4.numerator === 0 && after.t4.numerator === 1, `T4 ${before.t4.numerator} → ${after.t4.numerator}`);
}
