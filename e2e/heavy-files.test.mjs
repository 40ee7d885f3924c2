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

/** The page never froze: no task of a second or more. The builds before #17.13 froze for
 * 3.1–23 s on these files; how short the tasks are (under 100 ms on a quiet machine, up to
 * 190 ms seen with two builds running) is a figure for the benchmarks, not a CI assertion. */
async function assertNoFreeze(tasks) {
  const longest = await tasks.longest();
  assert.ok(longest < 1000, `the page froze for ${longest} ms`);
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

/** A CSV with `header` and `n` rows made by `row(i)`, written once. */
function csvFile(name, header, n, row) {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    const lines = [header];
    for (let i = 0; i < n; i++) lines.push(row(i));
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
  }
  return file;
}

test('#17.13 300,000 rejected rows: the report comes grouped and bounded, and the page never freezes', async () => {
  const file = csvFile('bad-300k.csv', '题型,题干,选项A,选项B,选项C,选项D,答案,分类', 300_000, (i) => `单选,第${i}题？,甲,乙,丙,丁,Z,数学`);
  const page = await organizer();
  const tasks = await watchLongTasks(page);
  await page.getByTestId('bank-file').setInputFiles(file);
  await page.getByTestId('import-report').waitFor({ timeout: 180_000 });
  const report = await page.getByTestId('import-report').textContent();
  assert.match(report, /拒绝 300000 行/);
  // One line for the one reason, naming its rows as a range.
  const rejected = await page.getByTestId('import-rejected').allTextContents();
  assert.equal(rejected.length, 1, rejected.join('\n'));
  assert.match(rejected[0], /第 2–300001 行「答案」列.*共 300,000 行/);
  await assertNoFreeze(tasks);
  await page.context().close();
});

test('#17.13 1,000,000 valid rows: the report arrives and the page never freezes', async () => {
  const file = csvFile('good-1m.csv', '题型,题干,答案', 1_000_000, (i) => `判断,q${i},对`);
  assert.ok(fs.statSync(file).size < 20 * 1024 * 1024, 'under the import limit');
  const page = await organizer();
  const tasks = await watchLongTasks(page);
  await page.getByTestId('bank-file').setInputFiles(file);
  await page.getByTestId('import-report').waitFor({ timeout: 300_000 });
  assert.match(await page.getByTestId('import-report').textContent(), /可导入 1000000 题/);
  await assertNoFreeze(tasks);
  await page.context().close();
});

/** A results file of `n` copies of one real attempt (each its own id), with its checksum. */
async function resultsFile(n) {
  const file = path.join(dir, `results-${n}.json`);
  if (fs.existsSync(file)) return file;
  const page = await phonePage(h.browser);
  await page.clock.install();
  await page.goto(h.server.url);
  await page.getByTestId('start-round').click();
  await page.getByTestId('reg-name').fill('孙一');
  await page.getByTestId('reg-region-1').selectOption({ label: '湖南省' });
  await page.getByTestId('reg-region-2').selectOption({ label: '长沙市' });
  await page.getByTestId('reg-region-3').selectOption({ label: '岳麓区' });
  await page.getByTestId('reg-crowd').selectOption('农民');
  await page.getByTestId('reg-submit').click();
  await page.getByTestId('start-round').click();
  while (!(await page.getByTestId('result-score').count())) {
    await page.clock.fastForward(3000);
    await page.getByTestId('option').first().click();
    await confirmAndWait(page);
  }
  const ledger = JSON.parse(await page.evaluate(() => localStorage.getItem('kepu.v1.ledger.kepu-demo'))).data;
  await page.context().close();
  const [row] = ledger.attempts;
  ledger.attempts = Array.from({ length: n }, (_, i) => `${row}.copy-${i}`);
  const checksum = crypto.createHash('sha256').update(`kepu-demo\n${JSON.stringify(ledger)}`).digest('hex');
  fs.writeFileSync(file, JSON.stringify({ format: 'kepu-ledger', version: 2, contest_id: 'kepu-demo', device: 'e2e',
    exported_at: Date.now(), count: n, ledger, checksum }));
  return file;
}

test('#17.13 a results file over the size limit is refused before it is read', async () => {
  const file = path.join(dir, 'results-too-large.json');
  fs.writeFileSync(file, `{"format":"kepu-ledger","version":2,"device":"${'x'.repeat(21 * 1024 * 1024)}"}`);
  const page = await organizer('tab-data');
  const tasks = await watchLongTasks(page);
  await page.getByTestId('ledger-file').setInputFiles(file);
  await waitText(page, 'error', /results-too-large\.json.*超过成绩文件 20 MiB 的上限/);
  await assertNoFreeze(tasks);
  await page.context().close();
});

test('#17.13 a results file near the size limit merges and the page never freezes', async () => {
  const file = await resultsFile(100_000);
  assert.ok(fs.statSync(file).size < 20 * 1024 * 1024);
  const page = await organizer('tab-data');
  const tasks = await watchLongTasks(page);
  await page.getByTestId('ledger-file').setInputFiles(file);
  await waitText(page, 'flash', /新增 100000 条/);
  await page.getByTestId('tab-stats').click();
  await waitText(page, 'stat-participations', /^100,000$/);
  await assertNoFreeze(tasks);
  await page.context().close();
});

test('#17.14 a UTF-16 file without a byte-order mark is read as UTF-16', async () => {
  const page = await organizer();
  await page.getByTestId('bank-file').setInputFiles('tests/fixtures/e2e/utf16-no-bom.csv');
  await waitText(page, 'import-report', /可导入 2 题/);
  assert.match(await page.getByTestId('import-report').textContent(), /UTF-16LE/);
  await page.context().close();
});

test('#17.14 a picture renamed .csv is called what it is, not a table missing columns', async () => {
  const page = await organizer();
  await page.getByTestId('bank-file').setInputFiles('tests/fixtures/e2e/image-renamed.csv');
  await page.getByTestId('error').waitFor();
  const text = await errorText(page);
  assert.match(text, /image-renamed\.csv 不是文本文件/);
  assert.doesNotMatch(text, /缺少必填列/);
  await page.context().close();
});

test('#17.14 a contest file the network cannot deliver: a plain reason, no JsValue', async () => {
  const page = await phonePage(h.browser);
  await page.route('**/e2e/dropped.json', (route) => route.abort('connectionreset'));
  await page.goto(`${h.server.url}?contest=e2e/dropped.json`);
  const error = page.getByTestId('load-error');
  await error.waitFor();
  const text = await error.textContent();
  assert.match(text, /e2e\/dropped\.json/);
  assert.match(text, /网络/);
  assert.doesNotMatch(text, /JsValue|TypeError|Failed to fetch/);
  await page.context().close();
});

test('#17.13 a collection an earlier build stored as one envelope still reads, and is stored again in chunks', async () => {
  const { ledger } = JSON.parse(fs.readFileSync(await resultsFile(3_000), 'utf8'));
  const page = await phonePage(h.browser);
  // As earlier builds kept it: one envelope of every merged attempt under the contest's key.
  await page.goto(`${h.server.url}questions/contest.json`);
  await page.evaluate((text) => new Promise((resolve, reject) => {
    const open = indexedDB.open('kepu', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('kv');
    open.onsuccess = () => {
      const tx = open.result.transaction('kv', 'readwrite');
      tx.objectStore('kv').put(text, 'kepu.v1.collected.kepu-demo');
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }), JSON.stringify({ version: 2, data: ledger }));
  await page.goto(`${h.server.url}organizer/`);
  await page.getByTestId('pin-input').fill(PIN);
  await page.getByTestId('pin-submit').click();
  await waitText(page, 'stat-participations', /^3,000$/);
  const stored = await page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open('kepu', 1);
    open.onsuccess = () => {
      const get = open.result.transaction('kv').objectStore('kv').get('kepu.v1.collected.kepu-demo');
      get.onsuccess = () => resolve(Array.isArray(get.result) ? get.result.map((c) => JSON.parse(c).data.attempts.length) : 'one envelope');
    };
  }));
  assert.deepEqual(stored, [2000, 1000]);
  await page.context().close();
});
