// A facilitator's tablet in a village with no signal. The device signs in to the offline app
// (/facilitator/) while the server runs; then the server is STOPPED (the browser's offline switch
// does not cut a service worker's requests, so the journey cuts the real thing), the app reloads
// from its service worker, 30 children answer in turn (kiosk mode: each screen resets for the next),
// the browser is closed and reopened and finds the 30 answers waiting; the server comes back, the
// first sync is cut after the server stored it (the answer never reaches the app), and the app sends
// again: 30 responses stored once, the consultation's results and C1 move by exactly 30, and a
// replayed batch stores nothing.
//
// This journey runs its own server (THAMGIA_BIN, exported by run-against-binary.sh) on its own port
// and its own SQLite file — a copy of the runner's demo database when THAMGIA_DEMO_DB names it,
// else a fresh `demo` — so stopping it disturbs no other journey. The browser is a persistent
// Chromium profile (userDataDir), closed and reopened like a phone's.

import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'a facilitator collects 30 answers with the server stopped, and they sync once';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const AXE_PATH = path.join(HERE, '..', 'node_modules', 'axe-core', 'axe.min.js');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PORT = Number(process.env.OFFLINE_PORT || 18097);
const BASE = `http://127.0.0.1:${PORT}`;
const CODE = 'BANBE7';
const PASSWORD = 'laichau2016';
const CHILDREN = 30;
// The children's answers and one group tally.
const ITEMS = CHILDREN + 1;
// The children the tally counts (6 girls, 4 boys).
const TALLIED = 10;

function sleep(ms) {
  return new Promise((ok) => setTimeout(ok, ms));
}

async function healthy() {
  try {
    const r = await fetch(`${BASE}/healthz`, { signal: AbortSignal.timeout(1000) });
    return r.status === 200;
  } catch {
    return false;
  }
}

/** Starts `thamgia ARGS` and waits for /healthz; returns the child process. */
async function startServer(t, bin, args, dir) {
  const log = path.join(dir, `server-${Date.now()}.log`);
  const child = spawn('sh', ['-c', `exec "$0" "$@" >>"${log}" 2>&1`, bin, ...args], { stdio: 'ignore' });
  const deadline = Date.now() + 120_000;
  while (!(await healthy())) {
    t.ok(child.exitCode === null, `the journey's server exited (${args[0]}); log: ${log}`);
    t.ok(Date.now() < deadline, `the journey's server did not answer within 120 s; log: ${log}`);
    await sleep(300);
  }
  return child;
}

async function stopServer(child) {
  if (child.exitCode !== null) return;
  const done = new Promise((ok) => child.once('exit', ok));
  child.kill('SIGTERM');
  await Promise.race([done, sleep(10_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
  await done;
}

async function launch(userDir) {
  const ctx = await chromium.launchPersistentContext(userDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
    viewport: { width: 360, height: 740 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    // axe-core is injected inline; the app itself needs no exception.
    bypassCSP: true,
  });
  const page = ctx.pages()[0] || (await ctx.newPage());
  page.setDefaultTimeout(20_000);
  return { ctx, page };
}

/** axe-core on the page: no serious or critical violation. */
async function a11y(t, page, label) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ path: AXE_PATH });
  const bad = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  });
  t.ok(bad.length === 0, `accessibility violations on ${label}: ${bad.join('; ')}`);
}

async function waiting(page) {
  return Number(await page.locator('#n-waiting').textContent());
}

/** One child answers every question (choices vary with `i`) and sends. */
async function answer(page, i) {
  const qs = page.locator('fieldset.q');
  const n = await qs.count();
  for (let q = 0; q < n; q += 1) {
    const f = qs.nth(q);
    const kind = await f.getAttribute('data-kind');
    if (kind === 'single' || kind === 'faces3' || kind === 'faces5' || kind === 'multiple') {
      const inputs = f.locator('input');
      await inputs.nth(i % (await inputs.count())).check();
    } else if (kind === 'ranking') {
      const sels = f.locator('select');
      const k = await sels.count();
      for (let s = 0; s < k; s += 1) await sels.nth(s).selectOption(String(((s + i) % k) + 1));
    } else if (kind === 'text' && i % 5 === 0) {
      await f.locator('textarea').fill(`Ý kiến số ${i + 1}: em muốn có mái che.`);
    }
  }
  await page.locator('details.about summary').click();
  await page.selectOption('#p-age', String(9 + (i % 6)));
  await page.selectOption('#p-sex', i % 2 ? 'boy' : 'girl');
  await page.getByRole('button', { name: 'Gửi ý kiến' }).click();
  await page.locator('#next').waitFor();
}

/** Server-side figures, read with an officer's API token. */
async function figures(token) {
  const get = async (p) => {
    const r = await fetch(`${BASE}${p}`, { headers: { authorization: `Bearer ${token}` } });
    if (!r.ok) throw new Error(`GET ${p}: ${r.status}`);
    return r.json();
  };
  const list = await get('/api/v1/consultations?per_page=1000');
  const k = list.find((c) => c.join_code === CODE);
  const results = await get(`/api/v1/consultations/${k.id}/results`);
  const year = new Date().getUTCFullYear();
  const ind = await get(`/api/v1/indicators?unit=03424&year=${year}`);
  const c1 = ind.find((f) => f.code === 'C1');
  return { children: results.results.children.count, c1: c1 ? c1.numerator : null, suppressed: c1 && c1.suppressed };
}

export default async function journey(t) {
  const bin = process.env.THAMGIA_BIN;
  t.ok(bin && existsSync(bin), 'THAMGIA_BIN must name the thamgia binary (run-against-binary.sh exports it)');
  t.ok(!(await healthy()), `something already answers on ${BASE}; set OFFLINE_PORT`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'thamgia-offline-'));
  const db = `sqlite://${path.join(dir, 'offline.db')}`;
  const serveArgs = ['serve', '--listen', `127.0.0.1:${PORT}`, '--database-url', db];
  let server = null;
  let browser = null;
  try {
    const demoDb = process.env.THAMGIA_DEMO_DB;
    if (demoDb && existsSync(demoDb)) {
      // A consistent copy of the runner's demo database (seconds, not a new demo fill).
      execFileSync(bin, ['backup', path.join(dir, 'offline.db'), '--database-url', `sqlite://${demoDb}`], { stdio: 'ignore' });
      server = await startServer(t, bin, serveArgs, dir);
    } else {
      server = await startServer(t, bin, ['demo', ...serveArgs.slice(1)], dir);
    }
    // C1 is listed for the years a plan covers; the demo plan ends in 2020, so this server gets
    // the same plan again for the years around today.
    const year = new Date().getUTCFullYear();
    const plan = readFileSync(path.join(HERE, '..', '..', 'plans', 'lai-chau-2016-2020.toml'), 'utf8')
      .replace(/^code = ".*"$/m, 'code = "offline-journey"')
      .replace(/^period_start = \d+$/m, `period_start = ${year}`)
      .replace(/^period_end = \d+$/m, `period_end = ${year + 4}`);
    writeFileSync(path.join(dir, 'plan.toml'), plan);
    execFileSync(bin, ['plan', 'import', path.join(dir, 'plan.toml'), '--database-url', db], { stdio: 'ignore' });
    const cli = execFileSync(bin, ['token', 'create', '--username', 'banbo03424', '--label', 'journey 07', '--database-url', db], { encoding: 'utf8' });
    const officer = cli.trim().split('\n').pop().trim();
    const before = await figures(officer);
    t.note(`before: results ${before.children}, C1 ${before.c1}`);

    // Sign the device in, online.
    const userDir = path.join(dir, 'chromium-profile');
    browser = await launch(userDir);
    let { page } = browser;
    await page.goto(`${BASE}/facilitator/`);
    await page.locator('#signin').waitFor();
    await a11y(t, page, 'the sign-in screen');
    await page.fill('#u', 'facilitator03424');
    await page.fill('#p', PASSWORD);
    await page.fill('#l', 'Máy tính bảng điểm trường Bản Bo');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.locator('#counts').waitFor();
    const card = () => page.locator('section.card', { hasText: CODE });
    await card().waitFor();
    await a11y(t, page, 'the device home');
    const cached = await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      const c = await caches.open('thamgia-facilitator-v1');
      return (await c.keys()).length;
    });
    t.ok(cached >= 5, `the service worker cached ${cached} shell files`);

    // The server goes away; the app reloads from its service worker.
    await stopServer(server);
    server = null;
    t.ok(!(await healthy()), 'the server is still answering');
    await page.reload();
    await card().waitFor();
    // The app says the server cannot be reached (the device's own network may well be up).
    await page.locator('#net', { hasText: 'Không kết nối được máy chủ' }).waitFor();

    // 30 children in turn on the one device.
    await card().getByRole('button', { name: 'Cho trẻ em trả lời' }).click();
    for (let i = 0; i < CHILDREN; i += 1) {
      if (i > 0) {
        await page.locator('#next').click();
      }
      await page.locator('#answer').waitFor();
      // Nothing of the previous child is left on the fresh form.
      t.ok((await page.locator('#answer input:checked').count()) === 0, `child ${i + 1} sees a choice already made`);
      if (i === 0) await a11y(t, page, 'the kiosk form');
      await answer(page, i);
      if (i === 0) await a11y(t, page, 'the thank-you screen');
      await page.getByText('Cảm ơn em đã chia sẻ ý kiến!').waitFor();
    }
    await page.getByRole('button', { name: 'Về danh sách' }).click();
    await page.locator('#counts').waitFor();
    t.ok((await waiting(page)) === CHILDREN, `${await waiting(page)} answers waiting, not ${CHILDREN}`);

    // A group discussion, tallied on the same device: counts only, no name.
    await card().getByRole('button', { name: 'Nhập kết quả nhóm' }).click();
    await page.locator('#tally').waitFor();
    await a11y(t, page, 'the tally form');
    await page.fill('#t-label', 'Lớp 7A, nhóm 2');
    await page.fill('#t-girls', '6');
    await page.fill('#t-boys', '4');
    await page.fill('#t-young', '4');
    await page.fill('#t-old', '6');
    await page.getByRole('button', { name: 'Lưu kết quả nhóm' }).click();
    await page.getByText('Đã lưu kết quả nhóm.').waitFor();
    await page.getByRole('button', { name: 'Về danh sách' }).click();
    await page.locator('#counts').waitFor();
    t.ok((await waiting(page)) === ITEMS, `${await waiting(page)} items waiting, not ${ITEMS}`);

    // The browser is closed and opened again (the phone restarted): the answers are still there.
    await browser.ctx.close();
    browser = await launch(userDir);
    page = browser.page;
    await page.goto(`${BASE}/facilitator/`);
    await page.locator('#counts').waitFor();
    t.ok((await waiting(page)) === ITEMS, `after reopening: ${await waiting(page)} waiting`);
    // The device keeps no child's name: nothing of the kind is asked, nothing stored.
    const kept = await page.evaluate(async () => {
      const db = await new Promise((ok) => { const r = indexedDB.open('thamgia-facilitator', 1); r.onsuccess = () => ok(r.result); });
      const all = await new Promise((ok) => { const r = db.transaction('outbox').objectStore('outbox').getAll(); r.onsuccess = () => ok(r.result); });
      return all.map((x) => Object.keys(x.profile || x).join(',')).join(';');
    });
    t.ok(!kept.includes('name'), `a stored answer carries a name field: ${kept}`);

    // The first sync is cut after the server stored its batch: the app never hears back.
    let syncs = 0;
    let replay = null;
    const told = {};
    const toldTallies = {};
    await browser.ctx.route('**/api/v1/device/sync', async (route) => {
      syncs += 1;
      const response = await route.fetch();
      const answered = await response.json();
      for (const r of answered.results || []) told[r.status] = (told[r.status] || 0) + 1;
      for (const r of answered.tallies || []) toldTallies[r.status] = (toldTallies[r.status] || 0) + 1;
      if (syncs === 1) {
        replay = { body: route.request().postData(), auth: route.request().headers().authorization };
        await route.abort('connectionreset');
      } else {
        await route.fulfill({ response });
      }
    });

    // The server comes back; the facilitator sends.
    server = await startServer(t, bin, serveArgs, dir);
    const deadline = Date.now() + 90_000;
    while ((await waiting(page).catch(() => -1)) !== 0) {
      t.ok(Date.now() < deadline, `still ${await waiting(page)} waiting after 90 s`);
      const button = page.locator('#sync');
      if (await button.isEnabled().catch(() => false)) await button.click().catch(() => {});
      await sleep(1500);
    }
    t.ok(syncs >= 2, `only ${syncs} sync request(s): the cut one was not sent again`);
    t.ok((await page.locator('#n-sent').textContent()) === String(ITEMS), 'sent count');
    t.ok((await page.locator('#n-refused').textContent()) === '0', 'some answers were refused');

    // What the server answered, the cut answer included: each of the 30 stored once, the cut
    // batch's answers acknowledged again as duplicates.
    t.note(`sync answers: ${JSON.stringify(told)} over ${syncs} requests`);
    t.ok(told.stored === CHILDREN, `${told.stored} stored, not ${CHILDREN}`);
    t.ok(told.duplicate > 0 && !told.refused && !told.invalid, `sync answers ${JSON.stringify(told)}`);
    t.note(`sync tallies: ${JSON.stringify(toldTallies)}`);
    t.ok(toldTallies.stored === 1 && !toldTallies.refused && !toldTallies.invalid, `sync tallies ${JSON.stringify(toldTallies)}`);
    const after = await figures(officer);
    t.note(`after: results ${after.children}, C1 ${after.c1}`);
    // A figure of 1–4 children is hidden ("<5"): then the baseline lies between 1 and 4.
    const moved = (b, a, n) => (b == null ? a >= n + 1 && a <= n + 4 : a === b + n);
    // The results count the tally's children too; C1 counts the children's own responses.
    t.ok(moved(before.children, after.children, CHILDREN + TALLIED), `results moved from ${before.children} to ${after.children}`);
    t.ok(before.suppressed ? moved(null, after.c1, CHILDREN) : moved(before.c1, after.c1, CHILDREN), `C1 moved from ${before.c1} to ${after.c1}`);

    // The officer sees the device, and what it reported.
    const devices = await (await fetch(`${BASE}/api/v1/devices`, { headers: { authorization: `Bearer ${officer}` } })).json();
    const d = devices.find((x) => x.label === 'Máy tính bảng điểm trường Bản Bo');
    t.ok(d && d.last_unsent === 0 && d.last_sync_at, `the officer sees ${JSON.stringify(d)}`);

    // The cut batch sent once more, and a sync with nothing left: nothing is stored twice.
    const again = await fetch(`${BASE}/api/v1/device/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: replay.auth },
      body: replay.body,
    });
    t.ok(again.status === 200, `replay: ${again.status}`);
    const statuses = new Set((await again.json()).results.map((r) => r.status));
    t.ok(statuses.size === 1 && statuses.has('duplicate'), `replay answered ${[...statuses]}`);
    await page.locator('#sync').click();
    await sleep(1500);
    const last = await figures(officer);
    t.ok(last.children === after.children && last.c1 === after.c1, 'a second sync stored something');
    await a11y(t, page, 'the device home after sync');

    // The officers' page lists the device with a way to revoke it.
    const office = await browser.ctx.newPage();
    await office.goto(`${BASE}/login`);
    await office.fill('#username', 'banbo03424');
    await office.fill('#password', PASSWORD);
    await office.locator('form:has(#username) button[type=submit]').click();
    await office.waitForLoadState('load');
    await office.goto(`${BASE}/devices`);
    await office.getByText('Máy tính bảng điểm trường Bản Bo').waitFor();
    await office.getByRole('button', { name: /Thu hồi/ }).first().waitFor();
    await a11y(t, office, '/devices');

  } finally {
    if (browser) await browser.ctx.close().catch(() => {});
    if (server) await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}
