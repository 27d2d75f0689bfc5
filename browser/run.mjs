// Runs every journey in ./journeys against a running Thamgia server, in Debian's headless Chromium.
//
// Why this shape: the browser comes from Debian (`chromium`), never from a tool's own download, so
// only `playwright-core` (the driver, no browsers) and `axe-core` (the accessibility rules) are
// installed from npm. Each journey gets a fresh browser context (no cookies carried over) at a
// 360 x 740 viewport, because the people using Thamgia are mostly on small phones.
//
// Env:
//   BASE_URL   server to test (default http://127.0.0.1:18080)
//   CHROMIUM   browser binary (default /usr/bin/chromium)
//   JOURNEY    optional substring: run only journeys whose file name contains it
//   SERVER_LOG optional file: its last lines are printed when a journey fails
//
// Output: one `ok - name` / `not ok - name: reason` line per journey, `# ...` lines for detail, and a
// closing `N passed, M failed` line (read by CI). Exit 1 if any failed or if none ran.

import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const JOURNEYS_DIR = path.join(HERE, 'journeys');
const ARTIFACTS_DIR = path.join(HERE, 'artifacts');
const AXE_PATH = path.join(HERE, 'node_modules', 'axe-core', 'axe.min.js');

const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:18080').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ONLY = process.env.JOURNEY || '';

const VIEWPORT = { width: 360, height: 740 };
// A journey that hangs must not hold CI for long; each step has its own shorter timeout too.
const JOURNEY_TIMEOUT_MS = 180_000;
const STEP_TIMEOUT_MS = 20_000;
const NAV_TIMEOUT_MS = 30_000;
// Impacts that fail a journey. 'moderate' and 'minor' are printed as notes only.
const FAILING_IMPACTS = new Set(['serious', 'critical']);

class JourneyFailure extends Error {}

/** Whitespace collapsed and Unicode composed, so "Đăng  nhập" matches however the HTML spelled it. */
function normalise(text) {
  return String(text).normalize('NFC').replace(/\s+/g, ' ').trim();
}

function makeContext(page, journeyName, notes, browser) {
  const t = {
    page,
    base: BASE_URL,
    name: journeyName,

    /**
     * Another person in another browser (own cookies), with the same helpers. `opts` go to
     * browser.newContext, e.g. `{ javaScriptEnabled: false }` for a phone with scripts off.
     */
    async actor(opts = {}) {
      const ctx = await browser.newContext({
        viewport: VIEWPORT,
        locale: 'vi-VN',
        timezoneId: 'Asia/Ho_Chi_Minh',
        bypassCSP: true,
        ...opts,
      });
      const p = await ctx.newPage();
      p.setDefaultTimeout(STEP_TIMEOUT_MS);
      p.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
      return makeContext(p, journeyName, notes, browser);
    },

    /** Absolute URL for a path on the server under test. */
    url(p) {
      return new URL(p, BASE_URL + '/').toString();
    },

    /** Fails the journey with `msg` unless `cond` is truthy. */
    ok(cond, msg) {
      if (!cond) throw new JourneyFailure(msg || 'assertion failed');
    },

    /**
     * Navigates to `p`, fails on an HTTP error status (unless `opts.status` names the expected one),
     * then runs the accessibility check on the page it landed on.
     */
    async goto(p, opts = {}) {
      const response = await page.goto(t.url(p), { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
      t.ok(response, `GET ${p}: no response`);
      const status = response.status();
      if (opts.status !== undefined) {
        t.ok(status === opts.status, `GET ${p}: status ${status}, expected ${opts.status}`);
      } else {
        t.ok(status < 400, `GET ${p}: status ${status}`);
      }
      if (opts.a11y !== false) await t.a11y(opts.label || `GET ${p}`);
      return response;
    },

    /**
     * Runs axe-core on the current page. Fails on any 'serious' or 'critical' violation, naming the
     * rule, its help text and the first few elements it found.
     */
    async a11y(label) {
      await page.waitForLoadState('load');
      const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
      if (!hasAxe) await page.addScriptTag({ path: AXE_PATH });
      const violations = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const result = await axe.run(document, { resultTypes: ['violations'] });
        return result.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          targets: v.nodes.map((n) => n.target.join(' ')),
        }));
      });
      const failing = violations.filter((v) => FAILING_IMPACTS.has(v.impact));
      const soft = violations.filter((v) => !FAILING_IMPACTS.has(v.impact));
      if (soft.length > 0) {
        notes.push(`a11y notes on ${label}: ` + soft.map((v) => `${v.id} (${v.impact})`).join(', '));
      }
      if (failing.length > 0) {
        const lines = failing.map((v) => {
          const shown = v.targets.slice(0, 3).join(' | ');
          const more = v.targets.length > 3 ? ` (+${v.targets.length - 3} more)` : '';
          return `[${v.impact}] ${v.id}: ${v.help} — ${shown}${more}`;
        });
        throw new JourneyFailure(
          `accessibility violations on ${label}: ${failing.map((v) => v.id).join(', ')}\n` +
            lines.map((l) => `#   ${l}`).join('\n'),
        );
      }
    },

    /** Fails unless the page body contains `text` (whitespace-collapsed, Unicode NFC). */
    async expectText(text) {
      const want = normalise(text);
      const { visible, all } = await page.evaluate(() => ({
        visible: document.body ? document.body.innerText : '',
        all: document.body ? document.body.textContent : '',
      }));
      const found = normalise(visible).includes(want) || normalise(all).includes(want);
      t.ok(found, `page ${page.url()} does not contain ${JSON.stringify(text)}`);
    },

    /** Fails if the page scrolls sideways at the current viewport width (360 px). */
    async fitsViewport(label) {
      const { scrollWidth, width } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        width: window.innerWidth,
      }));
      t.ok(
        scrollWidth <= VIEWPORT.width,
        `${label || page.url()}: page is ${scrollWidth} px wide at a ${width} px viewport (horizontal scroll)`,
      );
    },

    /** The `lang` attribute of <html> on the current page. */
    async htmlLang() {
      return page.evaluate(() => document.documentElement.getAttribute('lang'));
    },

    /** A free-form note printed as a `#` line under the journey's result. */
    note(msg) {
      notes.push(msg);
    },
  };
  return t;
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new JourneyFailure(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function firstLine(err) {
  const msg = err instanceof Error ? err.message : String(err);
  const [head, ...rest] = msg.split('\n');
  return { head, rest: rest.filter((l) => l.trim() !== '') };
}

async function runJourney(browser, file) {
  const stem = path.basename(file, '.mjs');
  let name = stem;
  const notes = [];
  let context;
  let page;
  try {
    const mod = await import(pathToFileURL(path.join(JOURNEYS_DIR, file)).href);
    if (typeof mod.name === 'string' && mod.name.trim() !== '') name = mod.name;
    if (typeof mod.default !== 'function') {
      throw new JourneyFailure(`${file} has no default export function`);
    }
    context = await browser.newContext({
      viewport: VIEWPORT,
      // The people using Thamgia browse in Vietnamese; the server may also read Accept-Language.
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
      // The server's Content-Security-Policy may forbid inline scripts; axe is injected as one.
      bypassCSP: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
    page.on('pageerror', (e) => notes.push(`page error: ${firstLine(e).head}`));
    page.on('console', (m) => {
      if (m.type() === 'error') notes.push(`console error: ${m.text()}${m.location().url ? ` (${m.location().url})` : ''}`);
    });
    const t = makeContext(page, name, notes, browser);
    await withTimeout(Promise.resolve(mod.default(t)), JOURNEY_TIMEOUT_MS, `journey ${name}`);
    console.log(`ok - ${name}`);
    for (const n of notes) console.log(`# ${n}`);
    return true;
  } catch (err) {
    const { head, rest } = firstLine(err);
    console.log(`not ok - ${name}: ${head}`);
    for (const l of rest) console.log(l.startsWith('#') ? l : `# ${l}`);
    if (!(err instanceof JourneyFailure) && err instanceof Error && err.stack) {
      const frame = err.stack.split('\n').find((l) => l.includes('/journeys/'));
      if (frame) console.log(`#   at ${frame.trim().replace(/^at /, '')}`);
    }
    if (page) {
      console.log(`# url: ${page.url()}`);
      try {
        mkdirSync(ARTIFACTS_DIR, { recursive: true });
        const shot = path.join(ARTIFACTS_DIR, `${stem}.png`);
        await page.screenshot({ path: shot, fullPage: true, timeout: 10_000 });
        console.log(`# screenshot: ${path.relative(process.cwd(), shot) || shot}`);
      } catch (e) {
        console.log(`# screenshot failed: ${firstLine(e).head}`);
      }
    }
    for (const n of notes) console.log(`# ${n}`);
    return false;
  } finally {
    if (context) await context.close().catch(() => {});
  }
}

/** On failure, the tail of the server's log (SERVER_LOG, set by run-against-binary.sh) explains a lot. */
function printServerLog() {
  const file = process.env.SERVER_LOG;
  if (!file || !existsSync(file)) return;
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  console.log(`# --- last ${Math.min(lines.length, 40)} lines of the server's log (${file})`);
  for (const l of lines.slice(-40)) console.log(`# ${l}`);
}

async function main() {
  const files = existsSync(JOURNEYS_DIR)
    ? readdirSync(JOURNEYS_DIR)
        .filter((f) => f.endsWith('.mjs') && f.includes(ONLY))
        .sort()
    : [];
  if (!existsSync(AXE_PATH)) {
    console.log(`# ${AXE_PATH} is missing: run \`npm ci\` in browser/`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  if (!existsSync(CHROMIUM)) {
    console.log(`# no browser at ${CHROMIUM}: apt-get install chromium chromium-driver (or set CHROMIUM)`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  console.log(`# ${files.length} journey(s) against ${BASE_URL} with ${CHROMIUM}`);

  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (err) {
    console.log(`# could not start ${CHROMIUM}: ${firstLine(err).head}`);
    console.log('0 passed, 1 failed');
    return 1;
  }

  let passed = 0;
  let failed = 0;
  try {
    for (const file of files) {
      if (await runJourney(browser, file)) passed += 1;
      else failed += 1;
    }
  } finally {
    await browser.close().catch(() => {});
  }
  if (passed + failed === 0) console.log('# no journey ran');
  if (failed > 0) printServerLog();
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.log(`# runner crashed: ${err && err.stack ? err.stack : err}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
