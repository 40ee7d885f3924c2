// Import benchmark in headless Chromium: a 10,000-question CSV and JSON bank through the
// organizer's `bank-file`, timed from choosing the file to the import report on screen,
// with the longest main-thread task seen meanwhile (the parsing runs in a Web Worker).
// usage: node bench/import.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../e2e/server.mjs';
import { launch } from '../e2e/browser.mjs';

const N = 10_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kepu-bench-'));
const rows = [];
const questions = [];
for (let i = 0; i < N; i++) {
  const a = i % 97;
  const b = (i * 7) % 89;
  const stem = `第${i + 1}题：${a}+${b}等于多少？`;
  const options = [a + b, a + b + 1, a + b + 2, a + b + 3].map(String);
  rows.push(['单选', stem, ...options, 'A', `${a}+${b}=${a + b}`, '数学', '易'].join(','));
  questions.push({ id: `b${i}`, type: 'single', stem, options, answer: 'A', explanation: `${a}+${b}=${a + b}`, category: '数学' });
}
const csv = path.join(dir, 'bank-10000.csv');
fs.writeFileSync(csv, `题型,题干,选项A,选项B,选项C,选项D,答案,解析,分类,难度\r\n${rows.join('\r\n')}\r\n`);
const json = path.join(dir, 'bank-10000.json');
fs.writeFileSync(json, JSON.stringify({ format: 'kepu-bank', version: 1, id: 'bench', title: 'bench', questions }));

const server = await serve({ root: path.resolve('dist') });
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}organizer/`);
  await page.getByTestId('pin-input').fill('2468');
  await page.getByTestId('pin-submit').click();
  await page.getByTestId('tab-banks').click();
  for (const file of [csv, json]) {
    const times = [];
    let longest = 0;
    for (let run = 0; run < 3; run++) {
      await page.evaluate(() => {
        window.longest = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.longest = Math.max(window.longest, e.duration);
        }).observe({ type: 'longtask' });
      });
      const t0 = Date.now();
      await page.getByTestId('bank-file').setInputFiles(file);
      await page.getByTestId('import-report').waitFor({ timeout: 120_000 });
      times.push(Date.now() - t0);
      longest = Math.max(longest, await page.evaluate(() => window.longest));
      await page.getByText('放弃').click();
    }
    times.sort((x, y) => x - y);
    const size = fs.statSync(file).size;
    console.log(`${path.basename(file)} (${size} bytes): report after ${times[1]} ms (median of 3); longest main-thread task ${Math.round(longest)} ms`);
  }
} finally {
  await browser.close();
  await server.close();
  fs.rmSync(dir, { recursive: true });
}
