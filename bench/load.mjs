// Load-time benchmark of the citizen's path in headless Chromium with Lighthouse's mobile
// throttling applied through the DevTools protocol. Serves dist/ on 127.0.0.1 with brotli.
// usage: node bench/load.mjs [runs] [--no-tablet]   (median of the runs; not part of CI's pass/fail;
// --no-tablet leaves out the tablet with 10,000 attempts, which builds an example natively first)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from '../e2e/server.mjs';
import { launch, PHONE } from '../e2e/browser.mjs';
import { PROFILES, median, throttled } from './throttling.mjs';

const runs = Number(process.argv[2] ?? 5);
const tablet = !process.argv.includes('--no-tablet');
const ROSTER = JSON.stringify({ version: 1, data: { people: [{ id: 'pbench', name: '测速', region: '110101', crowd: '其他' }], current: 'pbench' } });
/** Installed in every page: someone is registered on the device already. */
const registered = (r) => localStorage.getItem('kepu.v1.roster') || localStorage.setItem('kepu.v1.roster', r);

/** Installed in every page: notes when start-round is first in the page and enabled, at
 * the next animation frame (the frame that paints it). Timed in the page, so the figure
 * does not include the automation's own round trips (about 0.1 s with the CPU slowed). */
function watchStartRound() {
  // Main-thread tasks over 50 ms before start-round is ready (start-up: the wasm, the contest
  // and the bank read, the first screen).
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    if (window.__startRoundReady === undefined) window.__longTasks.push(...list.getEntries().map((e) => e.duration));
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver((_, observer) => {
    // The app's own button: not the static first screen's, in the page (hidden) until its
    // script sees that someone is registered and removes it.
    const b = document.querySelector('#app [data-testid="start-round"]');
    if (!b || b.disabled || b.offsetParent === null) return;
    observer.disconnect();
    requestAnimationFrame(() => { window.__startRoundReady = performance.now(); });
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
}

/** Milliseconds from navigation start until start-round is on screen and enabled, and FCP. */
async function startRoundReady(page) {
  await page.waitForFunction(() => window.__startRoundReady !== undefined, null, { timeout: 60_000, polling: 20 });
  return page.evaluate(() => ({
    ready: window.__startRoundReady,
    longest: Math.max(0, ...window.__longTasks),
    readBank: performance.getEntriesByName('kepu:read-bank')[0]?.duration ?? NaN,
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
  }));
}

/** Milliseconds from the tap on start-round until the first question is shown (measured in the page). */
function tapToQuestion(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const t0 = performance.now();
    const done = () => document.querySelector('[data-testid="question"]') && (resolve(performance.now() - t0), true);
    new MutationObserver((_, o) => done() && o.disconnect()).observe(document.body, { childList: true, subtree: true });
    document.querySelector('[data-testid="start-round"]').click();
  }));
}

const server = await serve({ root: path.resolve('dist') });
const browser = await launch();
try {
  for (const [name, profile] of Object.entries(PROFILES)) {
    const cold = [];
    const fcp = [];
    const tap = [];
    const repeat = [];
    const firstVisit = [];
    const longest = [];
    const readBank = [];
    for (let i = 0; i < runs; i++) {
      const { context, page } = await throttled(browser, profile, [[watchStartRound], [registered, ROSTER]]);
      server.sent.reset();
      await page.goto(server.url);
      const first = await startRoundReady(page);
      cold.push(first.ready);
      fcp.push(first.fcp);
      longest.push(first.longest);
      readBank.push(first.readBank);
      tap.push(await tapToQuestion(page));
      // Repeat visit: the service worker answers from its cache.
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
      firstVisit.push(server.sent.bytes);
      await page.evaluate(() => localStorage.removeItem('kepu.v1.round.kepu-demo'));
      await page.goto('about:blank');
      await page.goto(server.url);
      repeat.push((await startRoundReady(page)).ready);
      await context.close();
    }
    const f = (xs) => `${Math.round(median(xs))} ms`;
    console.log(`${name.padEnd(11)} cold start-round ready ${f(cold)} · first contentful paint ${f(fcp)} · tap→first question ${f(tap)} · repeat visit (service worker) ${f(repeat)}   (median of ${runs})`);
    console.log(`${''.padEnd(11)} longest main-thread task before start-round is ready: ${f(longest)} · reading the default bank: ${f(readBank)}`);
    console.log(`${''.padEnd(11)} first visit, everything sent until the service worker is in control (its precache included): ${Math.round(median(firstVisit) / 1024)} KB`);
  }

  // An event tablet that has served a long queue: 10,000 attempts stored (simulated rounds
  // by examples/results-file.rs), CPU slowed 4×, network not throttled.
  if (tablet) {
    const dir = path.resolve('target/bench-results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'tablet-10000.json');
    execFileSync('cargo', ['run', '--release', '--quiet', '--example', 'results-file', '--', '10000', '3400', '99', file]);
    const stored = JSON.stringify({ version: 2, data: JSON.parse(fs.readFileSync(file, 'utf8')).ledger });
    const ready = [];
    const tap = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext(PHONE);
      await context.addInitScript(watchStartRound);
      await context.addInitScript(([r, l]) => {
        if (!localStorage.getItem('kepu.v1.roster')) localStorage.setItem('kepu.v1.roster', r);
        if (!localStorage.getItem('kepu.v1.ledger.kepu-demo')) localStorage.setItem('kepu.v1.ledger.kepu-demo', l);
      }, [ROSTER, stored]);
      const page = await context.newPage();
      await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await page.goto(server.url);
      ready.push((await startRoundReady(page)).ready);
      tap.push(await tapToQuestion(page));
      await context.close();
    }
    console.log(`Tablet      10,000 attempts stored (${Math.round(stored.length / 1024)} KB), CPU 4×: start-round ready ${Math.round(median(ready))} ms · tap→first question ${Math.round(median(tap))} ms   (median of ${runs})`);
  }
} finally {
  await browser.close();
  await server.close();
}
