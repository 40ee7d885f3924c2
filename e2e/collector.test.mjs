// End to end with the results collector (#15): the built app, a real kepu-collector and a
// real PostgreSQL (a throw-away cluster from scripts/pg-temp.sh). The site forwards /v1/ to the
// collector, as nginx does (the contest names its collector as "/"). A round played offline is
// counted once when the phone comes back online; resending it is not counted again; a tampered
// score is refused with the reason; the organizer's counts show what was counted; the phones'
// results files carry the collector's receipts, and the organizer, merging them in another
// browser, sees as many valid receipts as the collector counted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';
import { clockedDevice, phonePage, fillRegistration, confirmAndWait, download, waitText } from './helpers.mjs';

const TOKEN = 'e2e-organizer-token';
const CONTEST = 'e2e-collect';
const PERSON = { province: '河南省', city: '郑州市', county: '中原区', crowd: '农民' };
const h = {};

function pg(script) {
  return execFileSync('bash', ['-c', `. scripts/pg-temp.sh && ${script}`], { encoding: 'utf8', env: { ...process.env, ...h.pgEnv } });
}

before(async () => {
  // The collector's contests: this test's package, its bank beside it as the site has it.
  h.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kepu-e2e-collector-'));
  fs.mkdirSync(path.join(h.dir, 'e2e'));
  fs.mkdirSync(path.join(h.dir, 'questions'));
  fs.copyFileSync('tests/e2e-contests/collected.json', path.join(h.dir, 'e2e', 'collected.json'));
  fs.copyFileSync('questions/default-bank.json', path.join(h.dir, 'questions', 'default-bank.json'));
  const [url, dir, port] = pg('pg_temp_start && echo "$DATABASE_URL $PG_TEMP_DIR $PG_TEMP_PORT"').trim().split(' ');
  h.pgEnv = { PG_TEMP_DIR: dir, PG_TEMP_PORT: port };
  execFileSync('cargo', ['build', '-q', '-p', 'kepu-collector'], { stdio: 'inherit' });
  h.collector = spawn('target/debug/kepu-collector', ['--listen', '127.0.0.1:0', '--contests', path.join(h.dir, 'e2e'), '--regions', 'questions/regions.json'], {
    env: { ...process.env, DATABASE_URL: url, KEPU_ORGANIZER_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  h.collectorUrl = await new Promise((resolve, reject) => {
    let out = '';
    h.collector.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^/\s]+\/)/);
      if (m) resolve(m[1]);
    });
    h.collector.on('exit', (code) => reject(new Error(`kepu-collector exited ${code}`)));
  });
  h.server = await serve({
    root: path.resolve(process.env.E2E_DIST ?? 'dist'),
    mounts: { '/e2e/': path.resolve('tests/e2e-contests') },
    proxy: { '/v1/': h.collectorUrl },
  });
  h.browser = await launch();
});

after(async () => {
  await h.browser?.close();
  await h.server?.close();
  h.collector?.kill('SIGTERM');
  if (h.pgEnv) pg('pg_temp_stop');
  fs.rmSync(h.dir, { recursive: true, force: true });
});

async function counts(level = 'county') {
  const r = await fetch(`${h.collectorUrl}v1/contests/${CONTEST}/counts?level=${level}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(r.status, 200);
  return r.json();
}

/** Registers on a fresh device (online), then plays a round offline; returns the page. */
async function playOffline(name) {
  const page = await clockedDevice(h.browser);
  h.sent = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/v1/attempts')) h.sent.push(r.postData());
  });
  await page.goto(`${h.server.url}?contest=e2e/collected.json`);
  await page.getByTestId('start-round').click();
  await fillRegistration(page, { name, ...PERSON });
  await page.getByTestId('participant').waitFor();
  await page.context().setOffline(true);
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  while (!(await page.getByTestId('result-score').count())) {
    await page.clock.fastForward(3000);
    await page.getByTestId('option').first().click();
    await confirmAndWait(page);
  }
  await waitText(page, 'submit-status', /待提交.*1/);
  return page;
}

/** The device's results file, downloaded from the 数据 tab of its organizer page. */
async function phoneResultsFile(page) {
  const file = await download(page, 'export-ledger');
  assert.match(file.name, /\.json$/);
  return file;
}

/** Opens the organizer's page of the contest on `page` and connects 实时 to the collector. */
async function connectOrganizer(page, token = TOKEN) {
  await page.goto(`${h.server.url}?contest=e2e/collected.json`);
  await page.getByTestId('organizer-entry').click();
  await page.getByTestId('pin-input').fill('1357');
  await page.getByTestId('pin-submit').click();
  await page.getByTestId('tab-live').click();
  await page.getByTestId('live-address').fill('/');
  await page.getByTestId('live-token').fill(token);
  await page.getByTestId('live-connect').click();
}

const outboxOf = (page) => page.evaluate((key) => JSON.parse(localStorage.getItem(key)), `kepu.v1.outbox.${CONTEST}`);

test('a round played offline is counted once when the phone is back online, and a resend is not counted again', async () => {
  const page = await playOffline('王芳');
  const waiting = (await outboxOf(page)).data.waiting;
  assert.equal(waiting.length, 1, 'the attempt id waits; the attempt itself is in the ledger');
  assert.equal((await counts()).participations, 0, 'nothing arrived while offline');

  await page.context().setOffline(false);
  await waitText(page, 'submit-status', /已提交/);
  const settled = (await outboxOf(page)).data;
  assert.equal(settled.waiting.length, 0);
  assert.match(settled.settled[0].receipt, /^[0-9a-f]{128}$/, 'the receipt is kept');
  let c = await counts();
  assert.deepEqual([c.participants, c.participations], [1, 1]);
  assert.deepEqual(c.regions.map((r) => [r.code, r.participants, r.participations]), [['410102', 1, 1]]);

  // The same attempt again, straight to the collector (as the phone sent it: no name travels):
  // a duplicate, not counted.
  assert.ok(!JSON.stringify(h.sent).includes('王芳'));
  const again = await fetch(`${h.server.url}v1/attempts`, { method: 'POST', body: h.sent[0] });
  assert.equal((await again.json()).results[0].status, 'duplicate');
  // And a reload of the app sends nothing more.
  await page.reload();
  await page.getByTestId('start-round').waitFor();
  c = await counts();
  assert.deepEqual([c.participants, c.participations], [1, 1]);

  // The organizer's page on this device checks the receipt with the collector's public key.
  await connectOrganizer(page);
  await waitText(page, 'receipt-own', /有效 1 条，无回执 0 条/);
  await waitText(page, 'receipt-result', /带有效回执 1 条，收集服务器计 1 人次（一致）/);
  await page.getByTestId('receipt-check').click();
  await waitText(page, 'receipt-merged', /有效 0 条，无回执 0 条/);
  // The phone's results file (导出成绩文件 of its organizer page) carries the receipt; the
  // organizer merges it in the last test.
  await page.getByTestId('tab-data').click();
  h.files = [await phoneResultsFile(page)];
  assert.equal(JSON.parse(h.files[0].bytes.toString('utf8')).ledger.r[0], settled.settled[0].receipt);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a tampered score is refused with the reason, and the organizer counts only what is true', async () => {
  const page = await playOffline('李强');
  // Someone raises the finished attempt's score in the phone's storage (the compact ledger:
  // fields joined by ".", the eighth is the score in base 36); the outbox sends it as stored.
  const raised = await page.evaluate((key) => {
    const stored = JSON.parse(localStorage.getItem(key));
    const fields = stored.data.attempts[0].split('.');
    fields[7] = (parseInt(fields[7], 36) + 5).toString(36);
    stored.data.attempts[0] = fields.join('.');
    localStorage.setItem(key, JSON.stringify(stored));
    return stored.data.attempts[0];
  }, `kepu.v1.ledger.${CONTEST}`);
  assert.ok(raised);
  await page.context().setOffline(false);
  await waitText(page, 'submit-status', /未被接受：与按题库重新计算的得分不符/);
  const c = await counts('province');
  assert.deepEqual([c.participants, c.participations], [1, 1], 'only the honest attempt of the first test');
  assert.deepEqual(c.regions.map((r) => [r.code, r.name]), [['410000', '河南省']]);
  const csv = await fetch(`${h.collectorUrl}v1/contests/${CONTEST}/counts.csv?level=province`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  // Bytes, not text(): a decoder would drop the BOM.
  const bytes = Buffer.from(await csv.arrayBuffer());
  assert.equal(bytes.toString('utf8'), '\ufeff地区代码,地区,参赛人数,参赛人次\r\n410000,河南省,1,1\r\n,合计,1,1\r\n');
  assert.equal((await fetch(`${h.collectorUrl}v1/contests/${CONTEST}/counts?level=province`)).status, 401);
  await page.context().close();
});

test("the organizer's live view shows the collector's counts beside the device's own", async () => {
  const page = await clockedDevice(h.browser);
  await connectOrganizer(page, 'wrong');
  await waitText(page, 'live-error', /401/);
  await page.getByTestId('live-token').fill(TOKEN);
  await page.getByTestId('live-connect').click();
  // Collected: the one honest attempt (河南省); this device: none.
  await waitText(page, 'live-total', /^合计1100$/);
  assert.equal(await page.locator('[data-testid="live-table"] tr[data-code="410000"]').textContent(), '河南省1100');
  // The collected counts download as the organizer's own region report does.
  const csv = await download(page, 'export-collected-csv');
  assert.match(csv.name, /\.csv$/);
  assert.equal(csv.bytes.toString('utf8'), '\ufeff地区代码,地区,参赛人数,参赛人次\r\n410000,河南省,1,1\r\n,合计,1,1\r\n');
  await page.getByTestId('live-level').selectOption('3');
  await page.locator('[data-testid="live-table"] tr[data-code="410102"]').waitFor();
  // Entered once: kept for the next visit.
  await page.reload();
  await page.getByTestId('pin-input').fill('1357');
  await page.getByTestId('pin-submit').click();
  await page.getByTestId('tab-live').click();
  await waitText(page, 'live-total', /^合计1100$/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

/** Registers on a fresh device and plays a round online: submitted at once. Returns the page. */
async function playOnline(name, county) {
  const phone = await clockedDevice(h.browser);
  await phone.goto(`${h.server.url}?contest=e2e/collected.json`);
  await phone.getByTestId('start-round').click();
  await fillRegistration(phone, { name, ...PERSON, county });
  await phone.getByTestId('participant').waitFor();
  await phone.getByTestId('start-round').click();
  await phone.getByTestId('question').waitFor();
  while (!(await phone.getByTestId('result-score').count())) {
    await phone.clock.fastForward(3000);
    await phone.getByTestId('option').first().click();
    await confirmAndWait(phone);
  }
  await waitText(phone, 'submit-status', /已提交/);
  return phone;
}

test("a phone's results file carries its receipt, and the organizer's valid receipts equal the collector's count", async () => {
  // A second phone plays online: submitted at once, and its results file carries the receipt.
  const phone = await playOnline('赵敏', '金水区');
  await phone.getByText('返回首页').click();
  await phone.getByTestId('organizer-entry').click();
  await phone.getByTestId('pin-input').fill('1357');
  await phone.getByTestId('pin-submit').click();
  await phone.getByTestId('tab-data').click();
  const file = await phoneResultsFile(phone);
  const written = JSON.parse(file.bytes.toString('utf8'));
  assert.equal(written.count, 1);
  assert.match(written.ledger.r[0], /^[0-9a-f]{128}$/, 'the receipt travels inside the results file');
  h.files.push(file);
  await phone.context().close();
  const counted = (await counts()).participations;
  assert.equal(counted, 2, 'the first phone\'s attempt and this one');

  // The organizer, in another browser: connects (the receipt key is read from the collector and
  // kept), then merges both phones' files.
  const org = await clockedDevice(h.browser);
  await connectOrganizer(org);
  await waitText(org, 'receipt-key', /收集服务器公布的公钥，已保存/);
  await org.getByTestId('tab-data').click();
  await org.getByTestId('ledger-file').setInputFiles(h.files.map((f, i) => ({ name: `phone-${i + 1}.json`, mimeType: 'application/json', buffer: f.bytes })));
  await waitText(org, 'flash', /phone-1\.json：新增 1 条.*回执：有效 1 条，无回执 0 条.*phone-2\.json：新增 1 条.*回执：有效 1 条，无回执 0 条/);

  // Beside the collector's count: every attempt it counted is in the merged files with a valid
  // receipt.
  await org.getByTestId('tab-live').click();
  await waitText(org, 'receipt-merged', /有效 2 条，无回执 0 条/);
  await waitText(org, 'receipt-result', new RegExp(`带有效回执 ${counted} 条，收集服务器计 ${counted} 人次（一致）`));
  assert.equal(await org.getByTestId('receipt-result').getAttribute('data-valid'), String(counted));
  assert.deepEqual(org.problems, []);
  await org.context().close();
});

test("the big screen shows the collector's counts when one is set, refreshed without a reload, and this device's when it is removed", async () => {
  // A real clock: the screen refreshes on a timer. A desk's screen, as for a projector.
  const org = await phonePage(h.browser, await h.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' }));
  await connectOrganizer(org);
  await org.getByTestId('live-total').waitFor();
  if ((await counts()).participations === 0) await (await playOnline('孙丽', '惠济区')).context().close();
  const before = (await counts()).participations;
  await org.getByTestId('tab-stats').click();
  await org.getByTestId('open-bigscreen').click();
  await waitText(org, 'big-source', /^数据来源：汇总服务器$/);
  await waitText(org, 'big-participations', new RegExp(`^${before}$`));
  assert.equal(await org.getByTestId('big-average').count(), 0, 'the collector counts no scores');
  assert.equal(await org.getByTestId('big-participants').textContent(), String((await counts()).participants));
  await org.waitForFunction(() => {
    const chart = window.echarts?.getInstanceByDom(document.querySelector('[data-testid="big-map"]'));
    return chart && chart.getOption().series[0].data.some((d) => d.value != null);
  }, null, { timeout: 20_000 });
  await org.screenshot({ path: 'docs/dashboard-bigscreen-collector.png' });

  // A phone plays now: the screen counts it without a reload.
  await (await playOnline('钱进', '二七区')).context().close();
  assert.equal((await counts()).participations, before + 1);
  await waitText(org, 'big-participations', new RegExp(`^${before + 1}$`));

  // The collector's settings removed (as a PIN reset does): back to this device's own data.
  await org.evaluate(() => localStorage.removeItem('kepu.v1.organizer.collector'));
  await waitText(org, 'big-source', /^数据来源：本机数据$/);
  assert.equal(await org.getByTestId('big-participations').textContent(), '0');
  assert.equal(await org.getByTestId('big-average').count(), 1);
  assert.deepEqual(org.problems, []);
  await org.context().close();
});
