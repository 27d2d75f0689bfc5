// The first thing anyone does: sign in, open the province's plan, read it in English, and find the
// choice of language remembered. Every page on the way passes the accessibility check and fits a
// 360 px phone screen.

export const name = 'sign in, read the plan, switch language';

const DISTRICTS = [
  'Thành phố Lai Châu',
  'Huyện Tam Đường',
  'Huyện Mường Tè',
  'Huyện Sìn Hồ',
  'Huyện Phong Thổ',
  'Huyện Than Uyên',
  'Huyện Tân Uyên',
  'Huyện Nậm Nhùn',
];
// The newest plan's (2021–2030): /plan shows the plan in force.
const INDICATORS = ['CT22', 'CT23', 'CT24', 'TV1', 'TV2', 'TV3', 'MHX'];

/**
 * Every page carries a language switch: a POST form to /lang with the CSRF token, the current path
 * to come back to, and one button offering the other language.
 */
async function checkLanguageSwitch(t, offered) {
  const form = t.page.locator('form[action="/lang"][method="post" i]');
  t.ok((await form.count()) === 1, `expected one form[action="/lang"][method="post"], found ${await form.count()}`);
  const csrf = form.locator('input[type="hidden"][name="csrf"]');
  t.ok((await csrf.count()) === 1, 'language form has no hidden csrf input');
  t.ok(((await csrf.getAttribute('value')) || '') !== '', 'language form csrf value is empty');
  const next = form.locator('input[type="hidden"][name="next"]');
  t.ok((await next.count()) === 1, 'language form has no hidden next input');
  const here = new URL(t.page.url()).pathname;
  const nextValue = await next.getAttribute('value');
  t.ok(nextValue === here, `language form next=${JSON.stringify(nextValue)}, expected ${JSON.stringify(here)}`);
  const button = form.locator(`button[name="lang"][value="${offered}"]`);
  t.ok((await button.count()) === 1, `language form has no button[name="lang"][value="${offered}"]`);
  return button;
}

/** Clicks the language button and waits for the page to come back in `lang`. */
async function switchLanguage(t, button, lang) {
  const posted = t.page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/lang',
  );
  // The redirect may land on the very URL we are on, so wait for a new document, not a new URL.
  await t.page.evaluate(() => {
    window.__thamgiaOldDocument = true;
  });
  await button.click();
  const response = await posted;
  t.ok(response.status() < 400, `POST /lang answered ${response.status()}`);
  await t.page.waitForFunction(() => window.__thamgiaOldDocument !== true);
  await t.page.waitForLoadState('load');
  const now = await t.htmlLang();
  t.ok(now === lang, `after choosing "${lang}": <html lang="${now}"> on ${t.page.url()}`);
}

export default async function (t) {
  const { page } = t;

  // --- the sign-in page, in Vietnamese
  await t.goto('/login');
  t.ok((await t.htmlLang()) === 'vi', `/login: <html lang="${await t.htmlLang()}">, expected "vi"`);
  await t.expectText('Đăng nhập');
  await t.fitsViewport('/login');

  const form = page.locator('form[action="/login"][method="post" i]');
  t.ok((await form.count()) === 1, `/login: expected one form[action="/login"][method="post"], found ${await form.count()}`);
  t.ok((await form.locator('input[name="username"]').count()) === 1, '/login: no input[name="username"]');
  t.ok(
    (await form.locator('input[name="password"]').getAttribute('type')) === 'password',
    '/login: input[name="password"] is not type="password"',
  );
  const csrf = form.locator('input[type="hidden"][name="csrf"]');
  t.ok((await csrf.count()) === 1, '/login: no hidden input[name="csrf"]');
  t.ok(((await csrf.getAttribute('value')) || '') !== '', '/login: csrf value is empty');
  t.ok((await form.locator('button[type="submit"]').count()) >= 1, '/login: no button[type="submit"]');

  // Every visible input is named by a <label for=...> (axe accepts aria-label too; we ask for more).
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input:not([type="hidden"]), select, textarea')]
      .filter((el) => !el.id || !document.querySelector(`label[for="${CSS.escape(el.id)}"]`))
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  t.ok(unlabelled.length === 0, `/login: inputs without <label for>: ${unlabelled.join(' ')}`);

  await checkLanguageSwitch(t, 'en');

  // --- sign in: the server sends us to the inbox
  await form.locator('input[name="username"]').fill('admin');
  await form.locator('input[name="password"]').fill('laichau2016');
  const posted = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login',
  );
  await form.locator('button[type="submit"]').first().click();
  const signIn = await posted;
  t.ok(
    signIn.status() >= 300 && signIn.status() < 400,
    `POST /login answered ${signIn.status()}, expected a redirect to /`,
  );
  await page.waitForURL((u) => u.pathname === '/', { waitUntil: 'load' });
  await t.a11y('home after sign-in');
  await t.fitsViewport('/');
  await checkLanguageSwitch(t, 'en');
  const planLink = page.locator('nav a[href="/plan"]');
  t.ok((await planLink.count()) >= 1, 'home: no link a[href="/plan"] in the menu');
  // The menu groups the work: the plan sits under "figures and reports".
  await planLink.first().locator('xpath=ancestor::details[1]/summary').click();

  // --- the plan, in Vietnamese
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/plan', { waitUntil: 'load' }),
    planLink.first().click(),
  ]);
  await t.a11y('plan (vi)');
  t.ok((await t.htmlLang()) === 'vi', `/plan: <html lang="${await t.htmlLang()}">, expected "vi"`);
  await t.expectText('quyền tham gia của trẻ em');
  await t.expectText('100%');
  await t.expectText('90%');
  for (const code of INDICATORS) await t.expectText(code);
  for (const district of DISTRICTS) await t.expectText(district);
  await t.fitsViewport('/plan');

  // --- switch to English: back on /plan, in English
  const toEnglish = await checkLanguageSwitch(t, 'en');
  await switchLanguage(t, toEnglish, 'en');
  t.ok(new URL(page.url()).pathname === '/plan', `after switching language landed on ${page.url()}, expected /plan`);
  await t.a11y('plan (en)');
  await t.expectText("Children's Participation");
  await t.expectText('Tam Đường district');
  await t.fitsViewport('/plan (en)');

  // --- the choice is remembered
  await page.reload({ waitUntil: 'load' });
  t.ok((await t.htmlLang()) === 'en', `/plan after reload: <html lang="${await t.htmlLang()}">, expected "en"`);
  await t.expectText("Children's Participation");
  const toVietnamese = await checkLanguageSwitch(t, 'vi');

  // --- and can be switched back
  await switchLanguage(t, toVietnamese, 'vi');
  t.ok(new URL(page.url()).pathname === '/plan', `after switching back landed on ${page.url()}, expected /plan`);
  await t.expectText('quyền tham gia của trẻ em');
}
