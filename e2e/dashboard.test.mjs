// End to end: the organizer's dashboard (issue #14) at a desk (1366×768) and on a phone
// (390×844): real tabs driven by the keyboard, empty states, file buttons that name the chosen
// file, thousands separators, and the desk layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { useHarness, phonePage } from './helpers.mjs';

const h = useHarness();
const PIN = '2468';
export const DESK = { viewport: { width: 1366, height: 768 }, locale: 'zh-CN' };

async function organizer({ desk = true, lang } = {}) {
  const page = await phonePage(h.browser, desk ? await h.browser.newContext(DESK) : undefined);
  await page.goto(h.server.url);
  if (lang === 'en') await page.getByTestId('lang').click();
  await page.goto(`${h.server.url}organizer/`);
  await page.getByTestId('pin-input').fill(PIN);
  await page.getByTestId('pin-submit').click();
  await page.getByTestId('tab-stats').waitFor();
  return page;
}

const selected = (page) =>
  page.evaluate(() => [...document.querySelectorAll('[role="tab"][aria-selected="true"]')].map((t) => t.id));
const focused = (page) => page.evaluate(() => document.activeElement?.id);

test('the tabs are real tabs: one tab stop, arrow keys, Home and End, a labelled panel', async () => {
  const page = await organizer();
  assert.equal(await page.locator('[role="tablist"] [role="tab"]').count(), 5);
  assert.deepEqual(await selected(page), ['tab-stats']);
  const stops = await page.evaluate(() => [...document.querySelectorAll('[role="tab"]')].map((t) => t.tabIndex));
  assert.deepEqual(stops, [0, -1, -1, -1, -1], 'only the current tab is in the Tab order');
  await page.getByTestId('tab-stats').focus();
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await selected(page), ['tab-banks']);
  assert.equal(await focused(page), 'tab-banks');
  await page.getByTestId('bank-file').waitFor({ state: 'attached' });
  await page.keyboard.press('ArrowDown');
  assert.deepEqual(await selected(page), ['tab-rules']);
  await page.keyboard.press('End');
  assert.deepEqual(await selected(page), ['tab-live']);
  assert.equal(await focused(page), 'tab-live');
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await selected(page), ['tab-stats'], 'wraps from the last to the first');
  await page.keyboard.press('ArrowLeft');
  assert.deepEqual(await selected(page), ['tab-live'], 'and from the first to the last');
  await page.keyboard.press('Home');
  assert.deepEqual(await selected(page), ['tab-stats']);
  const panel = page.getByRole('tabpanel');
  assert.equal(await panel.getAttribute('aria-labelledby'), 'tab-stats');
  assert.equal(await page.getByTestId('tab-stats').getAttribute('aria-controls'), await panel.getAttribute('id'));
  // Tab leaves the list for the panel.
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'desk-panel');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('an empty contest says what to do next; file buttons name the chosen file', async () => {
  for (const desk of [true, false]) {
    const page = await organizer({ desk });
    const empty = page.getByTestId('stats-empty');
    await empty.waitFor();
    assert.match(await empty.textContent(), /暂无参赛数据 · 导入成绩文件或等待答题/);
    assert.equal(await page.getByTestId('region-table').count(), 0, 'no empty tables');
    await page.getByTestId('stats-empty-import').click();
    assert.deepEqual(await selected(page), ['tab-data']);
    assert.equal(await page.getByTestId('ledger-file-name').textContent(), '未选择文件');
    await page.getByTestId('tab-banks').click();
    assert.match(await page.getByTestId('banks-empty').textContent(), /还没有导入的题库/);
    const button = page.locator('label.file-button').first();
    assert.match(await button.textContent(), /选择文件/);
    await page.getByTestId('bank-file').setInputFiles('tests/fixtures/e2e/bank.csv');
    assert.equal(await page.getByTestId('bank-file-name').textContent(), 'bank.csv');
    await page.getByTestId('import-report').waitFor();
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
  const en = await organizer({ lang: 'en' });
  await en.getByTestId('stats-empty').waitFor();
  assert.match(await en.getByTestId('stats-empty').textContent(), /No results yet/);
  await en.getByTestId('tab-banks').click();
  assert.match(await en.locator('label.file-button').first().textContent(), /Choose a file/);
  assert.equal(await en.getByTestId('bank-file-name').textContent(), 'No file chosen');
  await en.context().close();
});

test('at a desk: navigation at the side, the headline figures in one row, figures with separators', async () => {
  const file = path.resolve('target/e2e-dashboard-1500.json');
  fs.mkdirSync('target', { recursive: true });
  if (!fs.existsSync(file)) {
    execFileSync('cargo', ['run', '--release', '--quiet', '--example', 'results-file', '--', '1500', '1200', '7', file]);
  }
  const page = await organizer();
  await page.getByTestId('tab-data').click();
  await page.getByTestId('ledger-file').setInputFiles(file);
  assert.equal(await page.getByTestId('ledger-file-name').textContent(), path.basename(file));
  await page.getByTestId('flash').waitFor();
  await page.getByTestId('tab-stats').click();
  await page.getByTestId('region-table').waitFor();
  assert.equal(await page.getByTestId('stat-participations').textContent(), '1,500');
  assert.match(await page.getByTestId('stat-participants').textContent(), /^1,\d{3}$/);

  const box = (sel) => page.locator(sel).first().boundingBox();
  const [list, panel] = [await box('[role="tablist"]'), await box('[role="tabpanel"]')];
  assert.ok(list.x + list.width <= panel.x, `the tabs sit left of the panel: ${JSON.stringify({ list, panel })}`);
  const tops = await page.locator('.kpi').evaluateAll((ks) => ks.map((k) => Math.round(k.getBoundingClientRect().top)));
  assert.equal(new Set(tops).size, 1, `one row of headline figures: ${tops}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `nothing wider than the window (${overflow}px)`);
  fs.mkdirSync('docs', { recursive: true });
  await page.screenshot({ path: 'docs/dashboard-desk.png' });
  await page.getByText('按人群').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -16));
  await page.screenshot({ path: 'docs/dashboard-desk-groups.png' });
  assert.deepEqual(page.problems, []);
  await page.context().close();

  // The phone keeps its column: tabs above the panel.
  const phone = await organizer({ desk: false });
  const [plist, ppanel] = [
    await phone.locator('[role="tablist"]').boundingBox(),
    await phone.locator('[role="tabpanel"]').boundingBox(),
  ];
  assert.ok(plist.y + plist.height <= ppanel.y, 'on a phone the tabs are above the panel');
  await phone.context().close();
});
