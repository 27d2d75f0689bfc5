// A 6-year-old answers the demo's open consultation (/c/BANBE7: faces 3 and 5, single, multiple,
// ranking and text) on a 360 px phone with JavaScript off and no emoji font. The pictures must be
// there anyway — drawn as SVG, visible, not typed — and the thank-you page must come back as the
// answer to the POST itself (one round trip). Screenshots land in browser/artifacts/06-child-*.png.
//
// "No emoji font" is made real: this journey starts its own Chromium with a fontconfig file that
// rejects every colour and emoji font, and checks with fc-list that none is left. Accessibility
// (axe needs scripts) is checked on the same pages in the runner's browser, scripts on.

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'a child answers every kind of question with pictures, no JavaScript, no emoji font';

const CODE = 'BANBE7';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.join(HERE, '..', 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Emoji drawn by a font: none of these may stand in for a picture.
const EMOJI = /\p{Extended_Pictographic}/u;

const FONTS_CONF = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont>
    <rejectfont>
      <glob>*[Ee]moji*</glob>
      <pattern><patelt name="color"><bool>true</bool></patelt></pattern>
      <pattern><patelt name="family"><string>Noto Color Emoji</string></patelt></pattern>
      <pattern><patelt name="family"><string>Symbola</string></patelt></pattern>
    </rejectfont>
  </selectfont>
</fontconfig>
`;

/** Answers every question of the demo consultation on `page`. */
async function answer(page) {
  const faces = page.locator('.faces');
  // Faces 3: "Thích" (3 of 3); faces 5: "Rất thích" (5 of 5). The radio lies, transparent, over
  // its picture, so a tap anywhere on the face chooses it.
  await faces.nth(0).locator('input').nth(2).check();
  await faces.nth(1).locator('input').nth(4).check();
  await page.getByLabel('Vườn cây').check();
  await page.getByLabel('Chỗ chơi').check();
  await page.getByLabel('Nước uống').check();
  // Ranking, a row per option and a column per place: the roof first, then trees, then the fence.
  const rows = page.locator('table.rk tbody tr');
  for (const [row, place] of [[0, 2], [1, 1], [2, 3]]) {
    await rows.nth(row).locator('td label').nth(place - 1).click();
  }
  await page.locator('textarea').first().fill('Em muốn có mái che để chơi khi trời mưa.');
}

/** Every picture in the answers' labels is an SVG <use> of a symbol on the page, drawn at a real size. */
async function picturesShow(t, page, where) {
  const pics = page.locator('main label svg.pic, main th svg.pic');
  const n = await pics.count();
  // Faces 3 and 5, three options each for single, multiple and ranking, girl/boy/other.
  t.ok(n === 3 + 5 + 3 + 3 + 3 + 3, `${where}: ${n} pictures`);
  for (let i = 0; i < n; i += 1) {
    const pic = pics.nth(i);
    const box = await pic.boundingBox();
    t.ok(box && box.width >= 24 && box.height >= 24, `${where}: picture ${i} is ${box ? `${box.width}×${box.height}` : 'not laid out'}`);
    const href = await pic.locator('use').getAttribute('href');
    t.ok(href && href.startsWith('#p-'), `${where}: picture ${i} is no <use> (${href})`);
    t.ok((await page.locator(`symbol${href}`).count()) === 1, `${where}: no symbol ${href}`);
  }
  // Faces and girl/boy/other carry no emoji at all: the word and the drawing only.
  for (const sel of ['.face label', 'label[for^="sex_"]']) {
    for (const text of await page.locator(sel).allTextContents()) {
      t.ok(!EMOJI.test(text), `${where}: ${sel} shows an emoji: ${text}`);
    }
  }
  return n;
}

export default async function (t) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'thamgia-fonts-'));
  const conf = path.join(dir, 'fonts.conf');
  writeFileSync(conf, FONTS_CONF);
  const env = { ...process.env, FONTCONFIG_FILE: conf };
  try {
    const colour = execFileSync('fc-list', [':color=true', 'family'], { env, encoding: 'utf8' }).trim();
    const emoji = execFileSync('fc-list', ['family'], { env, encoding: 'utf8' })
      .split('\n')
      .filter((f) => /emoji/i.test(f));
    t.ok(colour === '' && emoji.length === 0, `fonts left that draw emoji: ${colour} ${emoji.join(', ')}`);
  } catch (e) {
    if (e && e.code === 'ENOENT') t.note('fc-list is not installed: the font check relies on the pictures being SVG');
    else throw e;
  }

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    env,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const first = await page.goto(t.url(`/c/${CODE}`), { waitUntil: 'load' });
    t.ok(first && first.status() === 200, `GET /c/${CODE}: ${first && first.status()}`);
    t.ok((await page.locator('script').count()) === 0, 'the child page has no script');

    // The questions come first; "about you" is folded away after them.
    const details = page.locator('details.me');
    t.ok((await details.count()) === 1, 'an "about you" part');
    t.ok((await details.getAttribute('open')) === null, '"about you" starts folded');
    const lastQ = await page.locator('main .q').last().boundingBox();
    const about = await details.boundingBox();
    t.ok(lastQ && about && about.y > lastQ.y, '"about you" comes after the questions');

    await details.locator('summary').click();
    const n = await picturesShow(t, page, 'the form');
    t.note(`${n} pictures drawn as SVG on the form`);
    await page.screenshot({ path: path.join(ARTIFACTS, '06-child-form.png'), fullPage: true });

    // Sending nothing: each message sits beside its question, and the banner links to each.
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.locator('button.send').click()]);
    await page.waitForLoadState('load');
    const links = page.locator('[role="alert"] a[href^="#q"]');
    t.ok((await links.count()) === 5, `the banner links to the 5 required questions, not ${await links.count()}`);
    const target = await links.first().getAttribute('href');
    t.ok((await page.locator(`${target}.err`).count()) === 1, `the banner's first link ${target} points at a message`);
    await page.screenshot({ path: path.join(ARTIFACTS, '06-child-errors.png'), fullPage: true });

    await answer(page);
    await details.locator('summary').click();
    await page.getByLabel('Bạn gái').check();
    await page.screenshot({ path: path.join(ARTIFACTS, '06-child-answered.png'), fullPage: true });
    const [post] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.locator('button.send').click(),
    ]);
    t.ok(post.status() === 200, `answering answered ${post.status()}, not the thank-you page itself`);
    t.ok(post.request().redirectedFrom() === null, 'no redirect');
    await page.waitForLoadState('load');
    t.ok(new URL(page.url()).pathname === `/c/${CODE}`, `after answering, at ${page.url()}`);
    const thanks = await page.locator('h1').textContent();
    t.ok(thanks.includes('Cảm ơn em!'), `thank-you heading: ${thanks}`);
    const star = await page.locator('main svg.pic').first().boundingBox();
    t.ok(star && star.width >= 48, 'the thank-you picture shows');
    await page.screenshot({ path: path.join(ARTIFACTS, '06-child-thanks.png'), fullPage: true });
    await context.close();
  } finally {
    await browser.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }

  // Accessibility, scripts on (axe is a script): the form, its errors and the thank-you page.
  await t.goto(`/c/${CODE}`, { label: 'child form' });
  await t.fitsViewport('child form');
  await Promise.all([t.page.waitForResponse((r) => r.request().method() === 'POST'), t.page.locator('button.send').click()]);
  await t.page.waitForLoadState('load');
  await t.a11y('child form with errors');
  await t.fitsViewport('child form with errors');
  await answer(t.page);
  await Promise.all([t.page.waitForResponse((r) => r.request().method() === 'POST'), t.page.locator('button.send').click()]);
  await t.page.waitForLoadState('load');
  await t.expectText('Cảm ơn em!');
  await t.a11y('thank-you page');
}
