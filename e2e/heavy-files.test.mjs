// End to end: the organizer's page under heavy or broken files (issue #17, items 12–14) — the
// import worker crashing or hanging, imports with hundreds of thousands of rows, results files
// at and over their size limit, and files whose trouble must be named truly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { useHarness, phonePage, confirmAndWait, waitText } from './helpers.mjs';

const h = useHarness();
const PIN = '2468';
const dir = path.resolve('target/e2e-heavy');
fs.mkdirSync(dir, { recursive: true });

/** The organizer's page on a device of its own, unlocked, on `tab`. */
async function organizer(tab = 'tab-banks', { init } = {}) {
  const page = await phonePage(h.browser);
  if (init) await page.addInitScript(init);
  await page.clock.install();
  await page.goto(`${h.server.url}organizer/`);
  await page.getByTestId('pin-input').fill(PIN);
  await page.getByTestId('pin-submit').click();
  await page.getByTestId(tab).click();
  return page;
}

/** Starts recording the page's long tasks; `longest()` gives the longest since, in ms. */
async function watchLongTasks(page) {
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => Math.round(e.duration))))
      .observe({ type: 'longtask' });
  });
  return { longest: () => page.evaluate(() => Math.max(0, ...window.longTasks)) };
}

const errorText = (page) => page.getByTestId('error').textContent();

test('#17.12 a crashing import worker becomes a message and is restarted', async () => {
  const page = await organizer();
  // 2 KB, but its shared-string table declares 4,294,967,295 strings.
  await page.getByTestId('bank-file').setInputFiles('tests/fixtures/e2e/unique-count.xlsx');
  await page.getByTestId('error').waitFor({ timeout: 20_000 });
  assert.match(await errorText(page), /unique-count\.xlsx.*导入程序.*已重新启动/s);
  assert.equal(await page.getByTestId('import-progress').count(), 0, 'no endless 正在读取…');
  // The restarted worker reads the next file.
  await page.getByTestId('bank-file').setInputFiles('tests/fixtures/e2e/bank.csv');
  await waitText(page, 'import-report', /可导入 23 题/);
  await page.context().close();
});

test('#17.12 an import worker that never answers is stopped after its time limit', async () => {
  // A worker that says it is ready and then never answers.
  const silent = () => {
    window.Worker = class {
      constructor() { setTimeout(() => this.onmessage?.({ data: 'ready' }), 0); }
      postMessage() { window.__filePosted = true; }
      terminate() {}
    };
  };
  const page = await organizer('tab-banks', { init: silent });
  await page.getByTestId('bank-file').setInputFiles('tests/fixtures/e2e/bank.csv');
  await page.getByTestId('import-progress').waitFor();
  // The time limit starts when the file has been read and handed to the worker.
  await page.waitForFunction(() => window.__filePosted === true, null, { polling: 50 });
  await page.clock.fastForward('05:00');
  await waitText(page, 'error', /bank\.csv.*秒内没有读完.*重新启动导入程序/);
  assert.equal(await page.getByTestId('import-progress').count(), 0);
  await page.context().close();
});
