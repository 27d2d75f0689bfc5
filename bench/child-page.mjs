// Times the child's page on an emulated 2G link (bench/child-page.md): first load of /c/CODE and
// answer → thank-you, each against its round-trip limit. Not a test: a benchmark, run by hand.
//
//   node bench/child-page.mjs target/release/thamgia     # starts `thamgia demo` on a throwaway SQLite
//   BASE_URL=http://127.0.0.1:8080 node bench/child-page.mjs   # a demo server already running
//
// Env: RUNS (default 5), CHROMIUM (default /usr/bin/chromium), PORT (default 18099), CODE (BANBE7).
// Needs `npm ci` in browser/ (playwright-core drives Debian's Chromium; nothing downloads a browser).
//
// The link: Chrome DevTools' Network.emulateNetworkConditions with 800 ms latency and 250 kbit/s
// both ways, the figures of issue 12. DevTools adds the latency to each request (not to the TCP
// handshake on loopback), so a page of two requests in a row costs two round trips plus transfer.
// The limits are those of the issue: a first load over a new connection needs two round trips
// (handshake, then the page) = 1.6 s; an answer over the kept connection needs one = 0.8 s.
// Each run uses a fresh browser context (empty cache, new connection) with JavaScript off, at
// 360 × 740, as a child's phone would. Medians are printed, then one line per figure:
//   child-page first-load SECONDS RATIO
//   child-page answer-thanks SECONDS RATIO

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, '..', 'browser', 'package.json'));
const { chromium } = require('playwright-core');

const RTT_MS = 800;
const KBITS = 250;
const LIMIT_FIRST_MS = 2 * RTT_MS;
const LIMIT_ANSWER_MS = RTT_MS;
const RUNS = Number(process.env.RUNS || 5);
const CODE = process.env.CODE || 'BANBE7';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function startServer(binary) {
  const port = process.env.PORT || '18099';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'thamgia-bench-'));
  const child = spawn(binary, ['demo', '--listen', `127.0.0.1:${port}`, '--database-url', `sqlite://${dir}/demo.db`], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' },
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${binary} exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.status === 200) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error('the server did not answer /healthz within 180 s');
    await sleep(500);
  }
  return {
    base,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Answers every question of the demo consultation (not timed). */
async function answer(page) {
  const faces = page.locator('.faces');
  const n = await faces.count();
  for (let i = 0; i < n; i += 1) await faces.nth(i).locator('input').last().check();
  const groups = page.locator('.q fieldset');
  for (let i = 0; i < (await groups.count()); i += 1) {
    const g = groups.nth(i);
    if ((await g.locator('table.rk').count()) > 0) {
      const rows = g.locator('table.rk tbody tr');
      for (let r = 0; r < (await rows.count()); r += 1) await rows.nth(r).locator('td label').nth(r).click();
    } else if ((await g.locator('.opt input').count()) > 0) {
      await g.locator('.opt label').first().click();
    }
  }
  const text = page.locator('textarea');
  if ((await text.count()) > 0) await text.first().fill('Em muốn có mái che.');
}

async function run(browser, base) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN', javaScriptEnabled: false });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: RTT_MS,
    downloadThroughput: (KBITS * 1000) / 8,
    uploadThroughput: (KBITS * 1000) / 8,
  });
  // Requests that went over the (emulated) network, not served from the browser's cache.
  let bytes = 0;
  let requests = 0;
  const cached = new Set();
  cdp.on('Network.requestServedFromCache', (e) => cached.add(e.requestId));
  cdp.on('Network.loadingFinished', (e) => {
    if (cached.has(e.requestId)) return;
    bytes += e.encodedDataLength;
    requests += 1;
  });
  const t0 = performance.now();
  const r = await page.goto(`${base}/c/${CODE}`, { waitUntil: 'load', timeout: 60_000 });
  const first = performance.now() - t0;
  if (!r || r.status() !== 200) throw new Error(`GET /c/${CODE}: ${r && r.status()}`);
  const firstBytes = bytes;
  const firstRequests = requests;
  await answer(page);
  bytes = 0;
  requests = 0;
  const t1 = performance.now();
  const [post] = await Promise.all([
    page.waitForResponse((x) => x.request().method() === 'POST', { timeout: 60_000 }),
    page.locator('button.send').click(),
  ]);
  await page.waitForLoadState('load');
  const thanks = performance.now() - t1;
  if (post.status() !== 200) throw new Error(`POST answered ${post.status()}`);
  const h1 = await page.locator('h1').textContent();
  if (!/Cảm ơn|Thank/.test(h1)) throw new Error(`after answering: ${h1}`);
  await context.close();
  return { first, thanks, firstBytes, firstRequests, thanksRequests: requests, thanksBytes: bytes };
}

async function main() {
  const binary = process.argv[2];
  let server = null;
  let base = (process.env.BASE_URL || '').replace(/\/+$/, '');
  if (!base) {
    if (!binary) {
      console.error('usage: node bench/child-page.mjs BINARY   (or BASE_URL=... node bench/child-page.mjs)');
      process.exit(2);
    }
    server = await startServer(path.resolve(binary));
    base = server.base;
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
  try {
    await run(browser, base); // warm-up: the server's first page render, not counted
    const runs = [];
    for (let i = 0; i < RUNS; i += 1) {
      const x = await run(browser, base);
      runs.push(x);
      console.log(
        `# run ${i + 1}: first load ${(x.first / 1000).toFixed(2)} s (${x.firstRequests} requests, ${x.firstBytes} bytes), ` +
          `answer → thanks ${(x.thanks / 1000).toFixed(2)} s (${x.thanksRequests} request${x.thanksRequests === 1 ? '' : 's'}, ${x.thanksBytes} bytes)`,
      );
    }
    const first = median(runs.map((x) => x.first));
    const thanks = median(runs.map((x) => x.thanks));
    console.log(`# ${RUNS} runs, medians; link ${RTT_MS} ms round trip, ${KBITS} kbit/s both ways`);
    console.log(`# first load    ${(first / 1000).toFixed(2)} s, limit ${(LIMIT_FIRST_MS / 1000).toFixed(2)} s (2 round trips)`);
    console.log(`# answer→thanks ${(thanks / 1000).toFixed(2)} s, limit ${(LIMIT_ANSWER_MS / 1000).toFixed(2)} s (1 round trip)`);
    console.log(`child-page first-load ${(first / 1000).toFixed(2)} ${(first / LIMIT_FIRST_MS).toFixed(2)}`);
    console.log(`child-page answer-thanks ${(thanks / 1000).toFixed(2)} ${(thanks / LIMIT_ANSWER_MS).toFixed(2)}`);
  } finally {
    await browser.close().catch(() => {});
    if (server) await server.stop();
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
