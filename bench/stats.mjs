// Statistics benchmark in headless Chromium: 100,000 attempts from 20 devices' results files
// (5,000 real simulated rounds each, by examples/results-file.rs) merged on the organizer's
// page, then the statistics tab computed over all of them, then the same after a reload
// (read back from IndexedDB). usage: node bench/stats.mjs   (not part of CI's pass/fail)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from '../e2e/server.mjs';
import { launch } from '../e2e/browser.mjs';

const DEVICES = 20;
const PER_DEVICE = 5_000;
const TOTAL = DEVICES * PER_DEVICE;
const dir = path.resolve('target/bench-results');
fs.mkdirSync(dir, { recursive: true });
execFileSync('cargo', ['build', '--release', '--quiet', '--example', 'results-file'], { stdio: 'inherit' });
const files = [];
for (let d = 1; d <= DEVICES; d++) {
  const file = path.join(dir, `device-${d}.json`);
  const line = execFileSync('target/release/examples/results-file', [PER_DEVICE, 1_500, d, file]).toString();
  if (d === 1) console.log(`each file: ${line.trim()}`);
  files.push(file);
}
const mb = files.reduce((n, f) => n + fs.statSync(f).size, 0) / 1e6;

const server = await serve({ root: path.resolve('dist') });
const browser = await launch();
const participations = (page) => page.getByTestId('stat-participations').textContent().then((t) => Number(t.replace(/\D/g, '')));
async function statsShowAll(page) {
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid="stat-participations"]')?.textContent.replace(/\D/g, '')) === n,
    TOTAL, { timeout: 300_000, polling: 20 });
}
async function unlock(page) {
  await page.goto(`${server.url}organizer/`);
  await page.getByTestId('pin-input').fill('2468');
  const t0 = Date.now();
  await page.getByTestId('pin-submit').click();
  return t0;
}
try {
  const page = await browser.newPage();
  await unlock(page);
  await page.getByTestId('tab-data').click();
  let t0 = Date.now();
  await page.getByTestId('ledger-file').setInputFiles(files);
  await page.getByTestId('flash').filter({ hasText: '合并完成' }).waitFor({ timeout: 600_000 });
  const merge = Date.now() - t0;

  t0 = Date.now();
  await page.getByTestId('tab-stats').click();
  await statsShowAll(page);
  const stats = Date.now() - t0;
  const people = await page.getByTestId('stat-participants').textContent();

  t0 = await unlock(page);
  await statsShowAll(page);
  const reopen = Date.now() - t0;
  console.log(`merge ${DEVICES} results files (${mb.toFixed(1)} MB, ${TOTAL} attempts, read + checksum + merge + IndexedDB write): ${merge} ms`);
  console.log(`statistics tab over ${await participations(page)} attempts by ${people.trim()} people: ${stats} ms`);
  console.log(`reopen the organizer (IndexedDB read + decode + statistics): ${reopen} ms`);
} finally {
  await browser.close();
  server.close();
}
