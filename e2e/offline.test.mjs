// End to end: after one visit, the whole contest (app, bank, region data) works offline
// through the service worker, and the app asks for persistent storage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from './server.mjs';
import { useHarness, phonePage, register, answerFirst } from './helpers.mjs';

const h = useHarness();

test('after one visit the contest works in airplane mode', async () => {
  const page = await phonePage(h.browser);
  const context = page.context();
  const wasmFetched = [];
  page.on('request', (r) => r.url().endsWith('.wasm') && wasmFetched.push(r.url()));
  await page.goto(h.server.url);
  await page.getByTestId('start-round').waitFor();
  // The service worker installs, precaches, and takes control of the page.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  const cached = await page.evaluate(async () => {
    const names = await caches.keys();
    const cache = await caches.open(names.find((n) => n.startsWith('kepu-app-')));
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
  for (const file of ['/index.html', '/questions/default-bank.explanations.json', '/questions/regions/index.json', '/questions/regions/54.json', '/manifest.webmanifest']) {
    assert.ok(cached.includes(file), `${file} is precached: ${cached}`);
  }
  // The certificate and poster's drawing is not in the first load, but is cached for offline.
  assert.ok(cached.some((f) => /^\/certificate\/certificate-[0-9a-f]+_bg\.wasm$/.test(f)), `the drawing's wasm is precached: ${cached}`);
  assert.ok(cached.some((f) => /^\/certificate\/certificate-[0-9a-f]+\.js$/.test(f)), `the drawing's module is precached: ${cached}`);
  // The app, the default contest and its bank travel inside the page, so they are not downloaded twice.
  const inPage = await page.evaluate(async () => {
    const html = await (await caches.match('index.html')).text();
    return [
      html.includes('<script type="application/json" id="kepu-default-contest">'),
      html.includes('<script type="application/json" id="kepu-default-bank" data-explanations="questions/default-bank.explanations.json">'),
      !/"explanation":/.test(html),
      html.includes('<script type="application/x-kepu-wasm" id="kepu-wasm">'),
    ];
  });
  assert.deepEqual(inPage, [true, true, true, true], 'the cached page holds the default contest, its bank without explanations, and the app');
  assert.deepEqual(wasmFetched, [], 'the wasm came with the page, not as a file');

  await context.setOffline(true);
  await register(page, h.server.url, { name: '离线', province: '西藏自治区', city: '拉萨市', county: '城关区', crowd: '农民' });
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  await page.getByTestId('option').first().click();
  await page.getByTestId('next').click();
  assert.equal(await page.getByTestId('progress').textContent(), '2/20');
  // A link with ?contest= to the default package also opens offline, and the round, finished
  // there, shows the explanations (their file comes from the service worker's cache).
  await page.goto(`${h.server.url}?contest=questions/contest.json`);
  await page.getByTestId('question').waitFor();
  while (await page.getByTestId('progress').count()) await answerFirst(page);
  await page.getByTestId('review-item').first().waitFor();
  assert.equal(await page.locator('[data-testid="review-item"] .explanation').count(), 20);
  // The 分享 poster is drawn offline too (its wasm comes from the service worker's cache).
  await page.getByTestId('open-poster').click();
  await page.getByTestId('poster').waitFor();
  assert.match(await page.getByTestId('poster').getAttribute('src'), /^data:image\/png;base64,/);
  await context.close();
});

test('the manifest makes the app installable with a name and icons', async () => {
  const page = await phonePage(h.browser);
  await page.goto(h.server.url);
  const manifest = await page.evaluate(async () => {
    const href = document.querySelector('link[rel="manifest"]').href;
    return (await fetch(href)).json();
  });
  assert.equal(manifest.name, '科普答题');
  assert.equal(manifest.display, 'standalone');
  for (const icon of manifest.icons) {
    const status = await page.evaluate(async (src) => (await fetch(src)).status, icon.src);
    assert.equal(status, 200, icon.src);
  }
  await page.context().close();
});

test('a new version is announced, and after 更新 the whole app is the new one', async () => {
  // A site of our own, so a new build can be put in place while the page is open.
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'kepu-update-'));
  fs.cpSync('dist', site, { recursive: true });
  const server = await serve({ root: site });
  const page = await phonePage(h.browser);
  try {
    await page.goto(server.url);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    const title = (await page.getByTestId('contest-title').textContent()).trim();
    const cacheNames = () => page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('kepu-app-')));
    const [before] = await cacheNames();

    // The next build: the contest changed, so the service worker has a new version.
    const contestFile = path.join(site, 'questions/contest.json');
    const contest = JSON.parse(fs.readFileSync(contestFile, 'utf8'));
    contest.rules.title = `${title}（新版）`;
    fs.writeFileSync(contestFile, JSON.stringify(contest));
    execFileSync('node', ['scripts/inline-contest.mjs', site]);
    execFileSync('node', ['scripts/pwa.mjs', site]);

    await page.reload();
    await page.getByTestId('update-ready').waitFor({ timeout: 30_000 });
    // Until the person chooses, the open page stays wholly on the old version.
    assert.equal((await page.getByTestId('contest-title').textContent()).trim(), title);
    await Promise.all([page.waitForEvent('load'), page.getByTestId('update-ready').getByRole('button').click()]);
    await page.waitForFunction((t) => document.querySelector('[data-testid="contest-title"]')?.textContent.trim() === t,
      `${title}（新版）`);
    const after = await cacheNames();
    assert.equal(after.length, 1, `one app cache left: ${after}`);
    assert.notEqual(after[0], before, 'the old version is gone');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
    await server.close();
    fs.rmSync(site, { recursive: true, force: true });
  }
});
