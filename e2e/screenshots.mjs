// Takes a phone-sized screenshot of each screen: node e2e/screenshots.mjs [outdir]
import path from 'node:path';
import fs from 'node:fs';
import { serve } from './server.mjs';
import { launch, PHONE } from './browser.mjs';

const out = process.argv[2] ?? 'target/screenshots';
fs.mkdirSync(out, { recursive: true });
const root = path.resolve('dist');
const server = await serve({ root, mounts: { '/e2e/': path.resolve('tests/e2e-contests') } });
const browser = await launch();
const page = await (await browser.newContext(PHONE)).newPage();
const shot = (name) => page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
try {
  await page.goto(server.url);
  await page.getByTestId('start-round').waitFor();
  await shot('1-home');
  await page.getByTestId('start-round').click();
  await page.getByTestId('reg-name').waitFor();
  await page.getByTestId('reg-submit').click();
  await shot('2-register-errors');
  await page.getByTestId('reg-name').fill('王大爷');
  await page.getByTestId('reg-region-1').selectOption({ label: '广东省' });
  await page.getByTestId('reg-region-2').selectOption({ label: '广州市' });
  await page.getByTestId('reg-region-3').selectOption({ label: '天河区' });
  await page.getByTestId('reg-crowd').selectOption('老年人');
  await shot('3-register-filled');
  await page.getByTestId('reg-submit').click();
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  await page.getByTestId('option').first().click();
  await shot('4-question');
  for (let i = 0; i < 20; i++) {
    await page.getByTestId('option').first().click();
    await page.getByTestId('next').click();
  }
  await page.getByTestId('result-score').waitFor();
  await page.screenshot({ path: path.join(out, '5-result.png') });
  await page.getByText('返回首页').first().click();
  await page.getByTestId('start-practice').click();
  await shot('6-practice-pick');
  await page.getByTestId('practice-category').first().click();
  await page.getByTestId('option').first().click();
  await page.getByTestId('next').click();
  await shot('7-practice-feedback');
  await page.getByTestId('large-text').click();
  await page.getByText('退出练习').click();
  await shot('8-home-large-text');
  await page.goto(server.url + '?contest=e2e/missing.json');
  await page.getByTestId('load-error').waitFor();
  await shot('9-load-error');
  await page.goto(server.url);
  await page.getByTestId('organizer-entry').click();
  await page.getByTestId('pin-input').waitFor();
  await shot('10-organizer-pin');
  await page.getByTestId('pin-input').fill('2468');
  await page.getByTestId('pin-submit').click();
  await page.getByTestId('stat-participants').waitFor();
  await page.getByTestId('region-table').waitFor();
  await shot('11-organizer-stats');
  await page.getByTestId('tab-banks').click();
  await page.getByTestId('bank-file').setInputFiles('tests/fixtures/e2e/bank.csv');
  await page.getByTestId('import-report').waitFor();
  await shot('12-organizer-import-report');
  await page.getByTestId('tab-rules').click();
  await shot('13-organizer-rules');
  await page.getByTestId('tab-data').click();
  await shot('14-organizer-data');
} finally {
  await browser.close();
  await server.close();
}
console.log(`screenshots in ${out}`);
