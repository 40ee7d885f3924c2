// End to end: nothing lost, nothing injected — storage full, unreadable stored data, two
// tabs on one device, hostile content, bad contest files, and the Content-Security-Policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { useHarness, phonePage as newPage, register as registerAs, answerFirst as next } from './helpers.mjs';
import { PHONE } from './browser.mjs';
import { encode } from '../scripts/inline-wasm.mjs';

const h = useHarness();
const phonePage = (context) => newPage(h.browser, context);
const register = (page, url, name) => registerAs(page, url, { name, province: '上海市', county: '浦东新区' });

test('the built pages carry a CSP without inline script but the static screen\'s, allowed by its hash, and the app runs under it', async () => {
  for (const [file, shell] of [['dist/index.html', 1], ['dist/organizer/index.html', 0]]) {
    const html = fs.readFileSync(file, 'utf8');
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1];
    assert.ok(csp, `${file} has a CSP`);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(csp, /unsafe-inline|\*/);
    // Only data blocks, which never run (the default contest and bank as JSON, the citizen's
    // wasm), and the static first screen's one script (scripts/shell.mjs), named by its hash.
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)(?![^>]*type="application\/(json|x-kepu-wasm)")[^>]+>/, `${file}: no other inline script`);
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(([, code]) => code);
    assert.equal(inline.length, shell, `${file}: inline scripts`);
    const scriptSrc = csp.match(/script-src ([^;]+)/)[1].split(' ');
    const hashes = scriptSrc.filter((s) => s.startsWith("'sha256-"));
    assert.deepEqual(hashes, inline.map((code) => `'sha256-${crypto.createHash('sha256').update(code).digest('base64')}'`), `${file}: the policy names that script and no other`);
  }
  const page = await phonePage();
  await register(page, `${h.server.url}?contest=e2e/limit.json`, '甲');
  await page.getByTestId('start-round').click();
  for (let i = 0; i < 3; i++) await next(page);
  await page.getByTestId('result-score').waitFor();
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('every byte value survives the page: the wasm block read back by a real HTML parser', async () => {
  // All 256 values, and the sequences HTML treats specially: CR LF, a closing script tag, a comment.
  const tricky = new TextEncoder().encode('\r\n\r</script><!--<script>\0');
  const bytes = Uint8Array.from([...Array.from({ length: 256 }, (_, i) => i), ...tricky, 255, 0]);
  const { text, decoder } = encode(bytes);
  const html = `<!doctype html><meta charset="utf-8"><p>x</p><script type="application/x-kepu-wasm" id="kepu-wasm">${text}</script>`;
  const page = await phonePage();
  await page.route('http://inline.test/', (route) => route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' }));
  await page.goto('http://inline.test/');
  const read = await page.evaluate(() => document.getElementById('kepu-wasm').textContent);
  assert.ok(read === text, 'the parser hands back every character as written');
  const back = await page.evaluate(`${decoder}; Array.from(kepuWasm('unused'))`);
  assert.deepEqual(back, Array.from(bytes));
  assert.equal(await page.evaluate(() => document.getElementById('kepu-wasm')), null, 'the block is dropped once read');
  await page.context().close();
});

test('storage full when a round ends: a clear message, the result offered as a file, old data intact', async () => {
  const page = await phonePage();
  await register(page, `${h.server.url}?contest=e2e/fast-timer.json`, '乙');
  // One finished attempt first, so there is something that must not be lost.
  await page.getByTestId('start-round').click();
  await page.getByTestId('result-score').waitFor({ timeout: 15_000 });
  await page.getByText('返回首页').click();
  const ledgerBefore = await page.evaluate(() => localStorage.getItem('kepu.v1.ledger.e2e-timer'));
  assert.match(ledgerBefore, /"attempts":\["/, "the compact ledger holds the attempt");
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  const filled = await page.evaluate(() => {
    const chunk = 'x'.repeat(64 * 1024);
    let i = 0;
    try {
      for (; i < 1000; i++) localStorage.setItem(`filler.${i}`, chunk);
    } catch { /* full */ }
    try {
      for (let j = 0; j < 10000; j++) localStorage.setItem(`filler.small.${j}`, 'x'.repeat(64));
    } catch { /* full to the last bytes */ }
    return i;
  });
  assert.ok(filled > 10 && filled < 1000, `localStorage filled after ${filled} chunks`);
  await page.getByTestId('unsaved').waitFor({ timeout: 15_000 });
  assert.match(await page.getByTestId('error').textContent(), /存储空间已满/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-unsaved').click()]);
  const file = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.equal(file.format, 'kepu-ledger');
  assert.equal(file.ledger.attempts.length, 1);
  assert.equal(await page.evaluate(() => localStorage.getItem('kepu.v1.ledger.e2e-timer')), ledgerBefore, 'no half-written key');
  // Space freed and the page reloaded: the finished round is recorded after all.
  await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('filler.')).forEach((k) => localStorage.removeItem(k)));
  await page.reload();
  await page.getByTestId('result-score').waitFor();
  const ledger = JSON.parse(await page.evaluate(() => localStorage.getItem('kepu.v1.ledger.e2e-timer')));
  assert.equal(ledger.data.attempts.length, 2);
  await page.context().close();
});

for (const [label, raw, message] of [
  ['truncated JSON', '{"version":1,"data":{"attempts":[{"id"', /无法读取/],
  ['a wrong type', '{"version":1,"data":{"attempts":5}}', /无法读取/],
  ['a newer version', '{"version":9,"data":{"attempts":[]}}', /更新版本/],
]) {
  test(`stored data with ${label} is reported, kept aside, and the app still works`, async () => {
    const page = await phonePage();
    // Write the bad data from a page of the same origin that does not run the app.
    await page.goto(`${h.server.url}questions/contest.json`);
    await page.evaluate((raw) => localStorage.setItem('kepu.v1.ledger.kepu-demo', raw), raw);
    await page.goto(h.server.url);
    await page.getByTestId('start-round').waitFor();
    assert.match(await page.getByTestId('error').textContent(), message);
    const kept = await page.evaluate(() =>
      Object.keys(localStorage).filter((k) => k.startsWith('kepu.v1.ledger.kepu-demo.unreadable.')).map((k) => localStorage.getItem(k)));
    assert.deepEqual(kept, [raw], 'the raw data is kept aside byte for byte');
    // The organizer can download it as it was.
    await page.getByTestId('organizer-entry').click();
    await page.getByTestId('pin-input').fill('2468');
    await page.getByTestId('pin-submit').click();
    await page.getByTestId('tab-data').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-set-aside').click()]);
    assert.equal(fs.readFileSync(await download.path(), 'utf8'), raw);
    await page.context().close();
  });
}

test('two tabs: both see new attempts and a round is never answered twice in parallel', async () => {
  const context = await h.browser.newContext(PHONE);
  const one = await phonePage(context);
  await register(one, `${h.server.url}?contest=e2e/limit.json`, '丙');
  const two = await phonePage(context);
  await two.goto(`${h.server.url}?contest=e2e/limit.json`);
  assert.match(await two.getByTestId('participant').textContent(), /丙/);
  await one.getByTestId('start-round').click();
  const qid = await one.getByTestId('question').getAttribute('data-qid');
  // The other tab follows the round in progress instead of starting a second one.
  await two.getByTestId('question').waitFor();
  assert.equal(await two.getByTestId('question').getAttribute('data-qid'), qid);
  for (let i = 0; i < 3; i++) await next(one);
  await one.getByTestId('result-score').waitFor();
  await two.getByTestId('start-round').waitFor();
  assert.match(await two.getByTestId('attempts-left').textContent(), /0/);
  await two.getByTestId('start-round').click();
  assert.match(await two.getByTestId('error').textContent(), /今天的 1 次答题机会已用完/);
  const ledger = JSON.parse(await one.evaluate(() => localStorage.getItem('kepu.v1.ledger.e2e-limit')));
  assert.equal(ledger.data.attempts.length, 1);
  await context.close();
});

test('HTML in a contest file is shown as text, never run', async () => {
  const page = await phonePage();
  await register(page, `${h.server.url}?contest=e2e/hostile.json`, '丁');
  assert.match(await page.getByTestId('contest-title').textContent(), /<b>标题<\/b><script>/);
  await page.getByTestId('start-round').click();
  const question = page.getByTestId('question');
  await question.waitFor();
  assert.match(await question.textContent(), /<img src=x onerror=/);
  assert.equal(await question.locator('img, b, script').count(), 0);
  await next(page);
  assert.match(await page.getByTestId('review-item').textContent(), /<i>解析<\/i>/);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await page.context().close();
});

test('a bad ?contest= leaves what is stored untouched', async () => {
  const page = await phonePage();
  await register(page, h.server.url, '戊');
  const before = await page.evaluate(() => JSON.stringify(localStorage));
  for (const [file, reason] of [['e2e/newer.json', /比本程序新/], ['e2e/broken.json', /JSON/], ['e2e/missing.json', /404/]]) {
    await page.goto(`${h.server.url}?contest=${file}`);
    assert.match(await page.getByTestId('load-error').textContent(), reason);
  }
  assert.equal(await page.evaluate(() => JSON.stringify(localStorage)), before);
  await page.context().close();
});
