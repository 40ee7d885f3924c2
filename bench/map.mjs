// Map redraw benchmark (#14) in headless Chromium at 1366×768: 100,000 attempts by about
// 30,000 people (20 results files of 5,000 simulated rounds by 1,500 people each, by
// examples/results-file.rs, as bench/stats.mjs makes them) merged on the organizer's page; then
// the map's measure switched and its level changed (drill down to a province, a city, and back
// up), each timed from the input to the frame after the chart has its new option. A level
// change includes the region report at the new level over all attempts.
// usage: node bench/map.mjs [RUNS]   (not part of CI's pass/fail; needs scripts/build)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from '../e2e/server.mjs';
import { launch } from '../e2e/browser.mjs';

const RUNS = Number(process.argv[2] ?? 5);
const DEVICES = 20;
const PER_DEVICE = 5_000;
const dir = path.resolve('target/bench-results');
fs.mkdirSync(dir, { recursive: true });
execFileSync('cargo', ['build', '--release', '--quiet', '--example', 'results-file'], { stdio: 'inherit' });
const files = [];
for (let d = 1; d <= DEVICES; d++) {
  const file = path.join(dir, `device-${d}.json`);
  if (!fs.existsSync(file)) execFileSync('target/release/examples/results-file', [PER_DEVICE, 1_500, d, file]);
  files.push(file);
}

const server = await serve({ root: path.resolve('dist') });
const browser = await launch();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${server.url}organizer/`);
  await page.getByTestId('pin-input').fill('2468');
  await page.getByTestId('pin-submit').click();
  await page.getByTestId('tab-data').click();
  await page.getByTestId('ledger-file').setInputFiles(files);
  await page.getByTestId('flash').filter({ hasText: '合并完成' }).waitFor({ timeout: 600_000 });
  await page.getByTestId('tab-stats').click();
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="stat-participations"]')?.textContent.replace(/\D/g, '')) === 100_000,
    null, { timeout: 300_000 });
  const people = await page.getByTestId('stat-participants').textContent();

  /** Does `act` in the page, then waits until the map shows `area` with `legend` as the legend's
   * title and its figures; ms from the input to the next frame after that. */
  const timed = (act, area, legend) =>
    page.evaluate(async ([act, area, legend]) => {
      // The map's box is replaced by a 'drawing' note while a new level is worked out.
      const chart = () => {
        const el = document.querySelector('[data-testid="map"]');
        return el && window.echarts.getInstanceByDom(el);
      };
      const t0 = performance.now();
      if (act.rank) {
        const s = document.querySelector('[data-testid="stat-rank"]');
        s.value = act.rank;
        s.dispatchEvent(new Event('change', { bubbles: true }));
      } else {
        document.querySelector('[data-testid="map-up"]').click();
      }
      await new Promise((resolve) => {
        const check = () => {
          const o = chart()?.getOption();
          const ready = o && o.series[0].map === area && o.visualMap[0].text[0] === legend && o.series[0].data.some((d) => d.value != null);
          if (ready) requestAnimationFrame(() => resolve());
          else setTimeout(check, 1);
        };
        check();
      });
      return performance.now() - t0;
    }, [act, area, legend]);
  await page.waitForFunction(() => window.echarts?.getInstanceByDom(document.querySelector('[data-testid="map"]'))?.getOption().series[0].map === '100000', null, { timeout: 60_000 });

  /** A real click on the middle of `code`'s shape on the map of `area`, timed from the click
   * (sent from here, so a few ms of the browser's protocol are in it) to the frame after the map
   * of `code` has its figures. */
  const drilled = async (area, code) => {
    const f = JSON.parse(fs.readFileSync(`dist/organizer/maps/${area}.json`, 'utf8')).features.find((x) => x.properties.code === code);
    const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates.sort((a, b) => b[0].length - a[0].length)[0][0];
    const xs = ring.map((p) => p[0]), ys = ring.map((p) => p[1]);
    const centre = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
    await page.evaluate(() => document.querySelector('[data-testid="map"]').scrollIntoView({ block: 'center' }));
    const [x, y] = await page.evaluate((c) => window.echarts.getInstanceByDom(document.querySelector('[data-testid="map"]')).convertToPixel({ seriesIndex: 0 }, c), centre);
    const box = await page.getByTestId('map').boundingBox();
    const t0 = Date.now();
    await page.mouse.click(box.x + x, box.y + y);
    await page.waitForFunction((code) => {
      const el = document.querySelector('[data-testid="map"]');
      const o = el && window.echarts.getInstanceByDom(el)?.getOption();
      return o && o.series[0].map === code && o.series[0].data.some((d) => d.value != null);
    }, code, { polling: 'raf', timeout: 60_000 });
    return Date.now() - t0;
  };
  const measure = [], down = [], up = [];
  const say = (what, ms) => console.log(`  ${what}: ${ms.toFixed(0)} ms`);
  for (let i = 0; i < RUNS; i++) {
    measure.push(await timed({ rank: 'participations' }, '100000', '参赛人次'));
    say('measure → 参赛人次', measure.at(-1));
    measure.push(await timed({ rank: 'participants' }, '100000', '参赛人数'));
    say('measure → 参赛人数', measure.at(-1));
    down.push(await drilled('100000', '430000'));
    say('down to 湖南省', down.at(-1));
    down.push(await drilled('430000', '430100'));
    say('down to 长沙市', down.at(-1));
    up.push(await timed({}, '430000', '参赛人数'));
    say('up to 湖南省', up.at(-1));
    up.push(await timed({}, '100000', '参赛人数'));
    say('up to the country', up.at(-1));
  }
  const ms = (xs) => `median ${median(xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms (${xs.length} runs)`;
  console.log(`map over 100,000 attempts by ${people.trim()} people, 1366×768:`);
  console.log(`  measure switched (参赛人数 ↔ 参赛人次): ${ms(measure)}`);
  console.log(`  level down (country → 湖南省 → 长沙市, report at the new level + boundaries): ${ms(down)}`);
  console.log(`  level up (长沙市 → 湖南省 → country): ${ms(up)}`);
} finally {
  await browser.close();
  server.close();
}
