// End to end: the organizer's workspace in headless Chromium — PIN, importing CSV and XLSX
// banks through `bank-file`, running a round with the imported bank, statistics, the
// region CSV download, and merging a second device's results file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { useHarness, clockedDevice, register as registerAs, answerFirst, download, number, waitText } from './helpers.mjs';

const h = useHarness();
const PIN = '2468';

const device = () => clockedDevice(h.browser);

const register = (page, name, county) =>
  registerAs(page, h.server.url, { name, province: '湖南省', city: '长沙市', county, crowd: '产业工人' });

/** Plays a whole round choosing the first choice each time; returns the question ids seen. */
async function playRound(page) {
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  const ids = [];
  while (!(await page.getByTestId('result-score').count())) {
    ids.push(await page.getByTestId('question').getAttribute('data-qid'));
    await page.clock.fastForward(2000);
    await answerFirst(page);
  }
  return ids;
}

async function openOrganizer(page, pin = PIN) {
  await page.goto(h.server.url);
  await page.getByTestId('organizer-entry').click();
  await page.getByTestId('pin-input').fill(pin);
  await page.getByTestId('pin-submit').click();
}

test('the PIN is set on the first visit, then required; a wrong PIN says so', async () => {
  const page = await device();
  await openOrganizer(page);
  await page.getByTestId('tab-stats').waitFor();
  const stored = await page.evaluate(() => localStorage.getItem('kepu.v1.organizer.pin'));
  assert.ok(stored && !stored.includes(PIN), 'only a salted hash is stored');
  await openOrganizer(page, '1357');
  assert.match(await page.getByTestId('error').textContent(), /密码错误/);
  assert.equal(await page.getByTestId('tab-stats').count(), 0);
  await page.getByTestId('pin-input').fill(PIN);
  await page.getByTestId('pin-submit').click();
  await page.getByTestId('tab-stats').waitFor();
  await page.context().close();
});

test('import a CSV and an XLSX bank, then run a round with the imported bank', async () => {
  const page = await device();
  await openOrganizer(page);
  await page.getByTestId('tab-banks').click();
  await page.getByTestId('bank-file').setInputFiles('tests/fixtures/e2e/bank.csv');
  const report = page.getByTestId('import-report');
  await report.waitFor();
  assert.match(await report.textContent(), /可导入 23 题，拒绝 1 行/);
  const rejected = await page.getByTestId('import-rejected').allTextContents();
  assert.equal(rejected.length, 1);
  assert.match(rejected[0], /第 12 行/);
  assert.match(rejected[0], /答案/);
  await page.getByTestId('import-confirm').click();
  await page.getByTestId('bank-item').waitFor();

  await page.getByTestId('bank-file').setInputFiles('tests/fixtures/e2e/bank.xlsx');
  await page.getByTestId('import-report').waitFor();
  assert.match(await page.getByTestId('import-report').textContent(), /可导入 23 题，拒绝 0 行/);
  await page.getByTestId('bank-title').fill('表格题库');
  await page.getByTestId('import-confirm').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="bank-item"]').length === 2);

  // Use the XLSX bank (the second saved one).
  await page.getByTestId('bank-item').nth(1).getByTestId('bank-use').click();
  await page.getByTestId('flash').waitFor();
  assert.equal(await page.getByTestId('bank-current').textContent(), '表格题库');

  await register(page, '钱九', '岳麓区');
  const ids = await playRound(page);
  assert.equal(ids.length, 20);
  assert.ok(ids.every((id) => id.startsWith('E2E-')), `every question comes from the imported bank: ${ids}`);
  await page.context().close();
});

test('a real-world bank of 2,584 rows: the report groups one repeated problem into one line that fits the screen', async () => {
  // Title and instruction rows above the header, 所属题库, and 难度 in the trainers' own words.
  let csv = '安全生产知识题库（2023 版）\n说明：难度分为 必须掌握、较常见、偶见\n题型,题干,选项A,选项B,选项C,选项D,答案,难度,所属题库\n';
  csv += '单选,第 4 行的题,甲,乙,丙,丁,A,易,通用\n';
  for (let row = 5; row <= 2571; row++) csv += `单选,第 ${row} 行的题,甲,乙,丙,丁,B,必须掌握,通用\n`;
  for (let row = 2572; row <= 2580; row++) csv += `多选,第 ${row} 行的题,甲,乙,丙,丁,AC,较常见,通用\n`;
  csv += '判断,第 2581 行的题,正确,错误,,,A,偶见,通用\n';
  for (let row = 2582; row <= 2584; row++) csv += `单选,第 ${row} 行的题,甲,乙,,,C,易,通用\n`;
  const file = { name: '安全生产题库.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) };
  const page = await device();
  await openOrganizer(page);
  await page.getByTestId('tab-banks').click();
  await page.getByTestId('bank-file').setInputFiles(file);
  const report = page.getByTestId('import-report');
  await report.waitFor();
  assert.match(await report.textContent(), /可导入 2,?578 题，拒绝 3 行/);
  const rejected = await page.getByTestId('import-rejected').allTextContents();
  assert.deepEqual(rejected, ['第 2582–2584 行「答案」列：答案 C 指向不存在的选项，共 3 行']);
  const notes = await page.getByTestId('import-note').allTextContents();
  assert.equal(notes.length, 3);
  assert.match(notes[0], /第 5–2571 行「难度」列：难度“必须掌握”无法识别 → 按中等处理，共 2,567 行/);
  const box = await report.boundingBox();
  assert.ok(box.height <= 844, `the report is ${box.height}px tall on a 390×844 screen`);
  await page.context().close();
});

test('questions pasted as typed text are read', async () => {
  const page = await device();
  await openOrganizer(page);
  await page.getByTestId('tab-banks').click();
  await page.getByTestId('bank-paste').fill(
    '一、单选题\n1. 光年是什么单位？\nA、时间 B、长度 C、速度 D、质量\n答案：B\n解析：光在一年里走过的距离。\n' +
      '二、判断题\n2. 闪电时躲在大树下是安全的。\n答案：×\n三、简答题\n3. 简述垃圾分类的意义。\n答案：略\n',
  );
  await page.getByTestId('bank-paste-import').click();
  const report = page.getByTestId('import-report');
  await report.waitFor();
  assert.match(await report.textContent(), /可导入 2 题，拒绝 0 行/);
  assert.match(await page.getByTestId('import-skipped').textContent(), /简答题/);
  const accept = await page.getByTestId('bank-file').getAttribute('accept');
  for (const extension of ['.xlsx', '.xls', '.xlsb', '.ods', '.docx', '.csv', '.txt']) {
    assert.ok(accept.split(',').includes(extension), `${extension} in ${accept}`);
  }
  await page.context().close();
});

test('a bank that cannot fill the round is refused with the shortfall', async () => {
  const page = await device();
  await openOrganizer(page);
  await page.getByTestId('tab-banks').click();
  await page.getByTestId('bank-file').setInputFiles('tests/fixtures/e2e/small.aiken.txt');
  await page.getByTestId('import-report').waitFor();
  await page.getByTestId('import-confirm').click();
  await page.getByTestId('bank-item').getByTestId('bank-use').click();
  assert.match(await page.getByTestId('error').textContent(), /判断题 需要 7 道，只有 0 道/);
  assert.notEqual(await page.getByTestId('bank-current').textContent(), 'small.aiken.txt');
  await page.context().close();
});

test('statistics, the region CSV, and merging a second device', async () => {
  const a = await device();
  await register(a, '张三', '岳麓区');
  await playRound(a);
  await openOrganizer(a);
  await a.getByTestId('tab-data').click();
  const ledger = await download(a, 'export-ledger');
  assert.match(ledger.name, /kepu-demo/);
  const file = path.resolve('target/e2e-device-a.json');
  fs.mkdirSync('target', { recursive: true });
  fs.writeFileSync(file, ledger.bytes);

  const b = await device();
  await register(b, '李四', '芙蓉区');
  await playRound(b);
  await b.getByText('返回首页').click();
  await playRound(b);
  await openOrganizer(b);
  assert.equal(await number(b.getByTestId('stat-participants')), 1);
  assert.equal(await number(b.getByTestId('stat-participations')), 2);

  await b.getByTestId('tab-data').click();
  await b.getByTestId('ledger-file').setInputFiles(file);
  await waitText(b, 'flash', /新增 1 条/);
  await b.getByTestId('ledger-file').setInputFiles(file);
  await waitText(b, 'flash', /新增 0 条，已有 1 条/);

  // A tampered file is refused and changes nothing.
  const tampered = path.resolve('target/e2e-tampered.json');
  const forged = JSON.parse(ledger.bytes.toString('utf8'));
  const row = forged.ledger.attempts[0].split('.');
  row[7] = (parseInt(row[7], 36) + 5).toString(36); // five more points
  forged.ledger.attempts[0] = row.join('.');
  fs.writeFileSync(tampered, JSON.stringify(forged));
  await b.getByTestId('ledger-file').setInputFiles(tampered);
  await waitText(b, 'error', /校验/);

  await b.getByTestId('tab-stats').click();
  assert.equal(await number(b.getByTestId('stat-participants')), 2);
  assert.equal(await number(b.getByTestId('stat-participations')), 3);
  await b.getByTestId('region-table').waitFor();
  const csv = await download(b, 'export-region-csv');
  assert.match(csv.name, /^kepu-demo_.*\.csv$/);
  assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const lines = csv.bytes.subarray(3).toString('utf8').split('\r\n');
  assert.ok(lines[0].startsWith('地区代码,地区,参赛人数,参赛人次'), lines[0]);
  assert.ok(lines.includes('430102,湖南省 长沙市 芙蓉区,1,2'), lines.join('\n'));
  assert.ok(lines.includes('430104,湖南省 长沙市 岳麓区,1,1'), lines.join('\n'));
  assert.ok(lines.includes(',合计,2,3'), lines.join('\n'));
  // The same rows as an Excel workbook, read back cell by cell with calamine
  // (examples/xlsx-cells.rs): the counts are numbers, the totals row is the CSV's.
  const xlsx = await download(b, 'export-region-xlsx');
  assert.match(xlsx.name, /^kepu-demo_.*\.xlsx$/);
  const saved = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kepu-xlsx-')), xlsx.name);
  fs.writeFileSync(saved, xlsx.bytes);
  const cells = execFileSync('cargo', ['run', '--quiet', '--example', 'xlsx-cells', '--', saved], { encoding: 'utf8' })
    .trimEnd().split('\n');
  assert.deepEqual(cells, lines.filter((l) => l !== '').map((l) => l.replaceAll(',', '\t')));

  // Merged records live in IndexedDB, apart from this device's own ledger, and survive a reload.
  const own = JSON.parse(await b.evaluate(() => localStorage.getItem('kepu.v1.ledger.kepu-demo')));
  assert.equal(own.data.attempts.length, 2, 'the own ledger is not touched by a merge');
  await openOrganizer(b);
  await b.getByTestId('tab-data').click();
  await waitText(b, 'attempt-counts', /本机答题 2 条，合并进来的 1 条，共 3 条/);
  await b.getByTestId('tab-stats').click();
  assert.equal(await number(b.getByTestId('stat-participations')), 3);
  await a.context().close();
  await b.context().close();
});
