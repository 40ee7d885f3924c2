// Lighthouse accessibility of the organizer's page (issue #14) in the states behind the PIN,
// with Lighthouse's user-flow snapshots (the page as it stands, no reload): the PIN screen,
// 导出与合并 after merging a results file, 统计 with the map and the charts drawn, the big screen
// (数据大屏), and 实时; each at a desk (1366×768) and on a phone (390×844). Prints one line per
// snapshot with its score and, below 100, each failing audit with the offending selectors;
// exits 1 if any snapshot scores below 100. Debian's Chromium through puppeteer-core (which
// lighthouse 12 brings); never a downloaded browser. `bench/lighthouse.sh organizer` installs
// lighthouse 12 under target/lighthouse and runs this.
//
//   node bench/lighthouse-organizer.mjs [DIST]      the organizer's page of DIST (default dist)
//   node bench/lighthouse-organizer.mjs --url URL   one snapshot of URL as loaded, per viewport
//                                                   (e.g. a page that must fail, to check this)
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { serve } from '../e2e/server.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const modules = path.join(root, 'target/lighthouse/node_modules');
if (!fs.existsSync(path.join(modules, 'lighthouse'))) {
  console.error('lighthouse 12 is not under target/lighthouse: run bench/lighthouse.sh organizer');
  process.exit(2);
}
const { startFlow } = await import(pathToFileURL(path.join(modules, 'lighthouse/core/index.js')));
const puppeteer = (await import(pathToFileURL(path.join(modules, 'puppeteer-core/lib/esm/puppeteer/puppeteer-core.js')))).default;

const VIEWPORTS = [
  { name: '1366×768', viewport: { width: 1366, height: 768, deviceScaleFactor: 1 }, formFactor: 'desktop' },
  { name: '390×844', viewport: { width: 390, height: 844, deviceScaleFactor: 2, isMobile: true, hasTouch: true }, formFactor: 'mobile' },
];
const PIN = '2468';
const TIMEOUT = 30_000;

const args = process.argv.slice(2);
const urlAt = args.indexOf('--url');
const only = urlAt >= 0 ? args[urlAt + 1] : null;
const dist = path.resolve(root, only ? 'dist' : (args[0] ?? 'dist'));

/** The results file the map test uses (1,500 attempts by 1,200 people), made once. */
function resultsFile() {
  const file = path.join(root, 'target/e2e-map-1500-7.json');
  if (!fs.existsSync(file)) {
    console.error('making a results file (cargo run --release --example results-file)…');
    execFileSync('cargo', ['run', '--release', '--quiet', '--example', 'results-file', '--', '1500', '1200', '7', file],
      { cwd: root, stdio: 'inherit' });
  }
  return file;
}

const byTestId = (id) => `[data-testid="${id}"]`;

/** Waits until the ECharts instance in `testid` has drawn (for the map: the map of `area`). */
async function drawn(page, testid, area) {
  await page.waitForFunction((testid, area) => {
    const el = document.querySelector(`[data-testid="${testid}"]`);
    const chart = el && window.echarts?.getInstanceByDom(el);
    if (!chart) return false;
    return area ? chart.getOption().series?.[0]?.map === area : (chart.getOption().series?.length ?? 0) > 0;
  }, { timeout: TIMEOUT }, testid, area ?? null);
}

async function click(page, testid) {
  await page.waitForSelector(byTestId(testid), { visible: true, timeout: TIMEOUT });
  await page.click(byTestId(testid));
}

/** The organizer's states, in order; each step leaves the page in the state to audit. */
const STATES = [
  ['PIN', async (page, base) => {
    await page.goto(`${base}organizer/`, { waitUntil: 'load' });
    await page.waitForSelector(byTestId('pin-input'), { visible: true, timeout: TIMEOUT });
  }],
  ['导出与合并 (merged)', async (page) => {
    await page.type(byTestId('pin-input'), PIN);
    await click(page, 'pin-submit');
    await click(page, 'tab-data');
    const input = await page.waitForSelector(byTestId('ledger-file'), { timeout: TIMEOUT });
    await input.uploadFile(resultsFile());
    await page.waitForSelector(byTestId('flash'), { visible: true, timeout: TIMEOUT });
  }],
  ['统计 (map, charts)', async (page) => {
    await click(page, 'tab-stats');
    await page.waitForSelector(byTestId('region-table'), { timeout: TIMEOUT });
    await drawn(page, 'map', '100000');
    for (const id of ['chart-days', 'chart-scores', 'chart-crowds', 'chart-top']) await drawn(page, id);
  }],
  ['数据大屏', async (page) => {
    await click(page, 'open-bigscreen');
    await page.waitForSelector(byTestId('bigscreen'), { timeout: TIMEOUT });
    await drawn(page, 'big-map', '100000');
    await drawn(page, 'big-top');
    const box = await page.$eval(byTestId('bigscreen'), (el) => [el.offsetWidth, el.offsetHeight, innerWidth, innerHeight]);
    if (box[0] !== box[2] || box[1] !== box[3]) throw new Error(`the big screen is ${box[0]}×${box[1]} in a ${box[2]}×${box[3]} window`);
  }],
  ['实时', async (page) => {
    await page.keyboard.press('Escape');
    await page.waitForSelector(byTestId('bigscreen'), { hidden: true, timeout: TIMEOUT });
    await click(page, 'tab-live');
    await page.waitForSelector(byTestId('live-address'), { visible: true, timeout: TIMEOUT });
  }],
];

/** One line for a snapshot's accessibility result, and the failing audits under it. */
function describe(label, lhr) {
  const category = lhr.categories.accessibility;
  const score = Math.round(category.score * 100);
  const lines = [`${label.padEnd(34)} accessibility ${score}`];
  if (score < 100) {
    for (const ref of category.auditRefs) {
      const audit = lhr.audits[ref.id];
      if (ref.weight === 0 || audit.score === null || audit.score === 1) continue;
      const selectors = [...new Set((audit.details?.items ?? []).map((i) => i.node?.selector).filter(Boolean))];
      const shown = selectors.slice(0, 8).join(' | ') + (selectors.length > 8 ? ` | … ${selectors.length - 8} more` : '');
      lines.push(`  ✗ ${ref.id}: ${selectors.length ? shown : audit.title}`);
    }
  }
  if (lhr.runtimeError) lines.push(`  runtime error: ${lhr.runtimeError.message}`);
  return { score, text: lines.join('\n') };
}

const server = only ? null : await serve({ root: dist });
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--lang=zh-CN'],
});
const out = path.join(root, 'target/lighthouse');
let worst = 100;
try {
  for (const { name, viewport, formFactor } of VIEWPORTS) {
    // A fresh profile per viewport, so the PIN screen is the first visit's.
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport(viewport);
    const config = {
      extends: 'lighthouse:default',
      settings: { onlyCategories: ['accessibility'], formFactor, screenEmulation: { disabled: true } },
    };
    const flow = await startFlow(page, { config, name: `organizer ${name}` });
    const states = only
      ? [['URL', (p) => p.goto(only, { waitUntil: 'load' })]]
      : STATES;
    for (const [state, reach] of states) {
      await reach(page, server?.url);
      await flow.snapshot({ name: `${state} @ ${name}` });
    }
    const result = await flow.createFlowResult();
    for (const step of result.steps) {
      const { score, text } = describe(step.name, step.lhr);
      worst = Math.min(worst, score);
      console.log(text);
    }
    fs.mkdirSync(out, { recursive: true });
    const report = path.join(out, `organizer-${viewport.width}x${viewport.height}${only ? '-url' : ''}.html`);
    fs.writeFileSync(report, await flow.generateReport());
    await context.close();
  }
} finally {
  await browser.close();
  await server?.close();
}
console.log(`lowest: ${worst}; reports in ${path.relative(root, out)}/organizer-*.html`);
process.exit(worst < 100 ? 1 : 0);
