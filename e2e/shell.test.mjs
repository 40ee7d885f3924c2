// End to end: the static first screen (scripts/shell.mjs, shell/shell.js, src/web/browser/shell.rs).
// The app's start-up script is held back, so what is tested is the page before the
// WebAssembly has started, and then the app taking it over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness, phonePage as newPage, register, waitText } from './helpers.mjs';

const h = useHarness();
const person = { name: '钱一', province: '湖南省', city: '长沙市', county: '岳麓区', crowd: '农民' };

/** A fresh device whose app does not start until `release()` is called. */
async function heldBack() {
  const page = await newPage(h.browser);
  let release;
  const released = new Promise((r) => { release = r; });
  await page.route(/\/boot-[0-9a-f]+\.js$/, async (route) => { await released; await route.continue(); });
  const started = () => page.evaluate(() => window.wasmBindings !== undefined);
  // Not until `load`, nor DOMContentLoaded: both wait for the start-up script.
  const open = async (url) => {
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => document.readyState !== 'loading');
  };
  return { page, release, started, open };
}

/** The fields of the registration form on screen: label text, control, id and test hook. */
const fields = (page) => page.evaluate(() => [...document.querySelectorAll('form label')]
  .filter((l) => l.offsetParent !== null)
  .map((l) => {
    const c = l.querySelector('input, select');
    return { label: l.firstChild.textContent.trim(), tag: c.tagName, type: c.type, id: c.id, testid: c.dataset.testid, options: c.tagName === 'SELECT' ? c.options.length : 0 };
  }));

test('before the app has started, start shows the real registration form; the app takes it over keeping what was typed and the focus', async () => {
  const { page, release, started, open } = await heldBack();
  await open(h.server.url);
  await page.getByTestId('start-round').click();
  await page.getByTestId('reg-name').fill(person.name);
  await page.getByTestId('reg-region-1').selectOption({ label: person.province });
  await page.getByTestId('reg-crowd').selectOption(person.crowd);
  await page.getByTestId('reg-name').focus();
  assert.equal(await started(), false, 'the app has not started');
  const before = await fields(page);
  assert.deepEqual(before.map((f) => f.testid), ['reg-name', 'reg-phone', 'reg-region-1', 'reg-crowd']);
  assert.ok(before.find((f) => f.testid === 'reg-region-1').options > 31, 'every province to choose from');
  // The app starts and draws the same form with what was typed and chosen, the focus where it was.
  release();
  await page.getByTestId('reg-region-2').waitFor();
  assert.equal(await page.locator('#kepu-shell').count(), 0, 'the static screen is gone');
  assert.equal(await page.getByTestId('reg-name').inputValue(), person.name);
  assert.equal(await page.getByTestId('reg-region-1').inputValue(), '430000');
  assert.equal(await page.getByTestId('reg-crowd').inputValue(), person.crowd);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'reg-name');
  const after = await fields(page);
  assert.deepEqual(after.filter((f) => before.some((b) => b.testid === f.testid)), before, 'the same labels, controls, ids and choices');
  // The rest of the form is the app's: cities and counties, then the home screen.
  await page.getByTestId('reg-region-2').selectOption({ label: person.city });
  await page.getByTestId('reg-region-3').selectOption({ label: person.county });
  await page.getByTestId('reg-submit').click();
  await waitText(page, 'participant', /钱一/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a form sent before the app has started waits for it, and is then checked and sent by the app', async () => {
  const { page, release, open } = await heldBack();
  await open(h.server.url);
  await page.getByTestId('start-round').click();
  await page.getByTestId('reg-region-1').selectOption({ label: person.province });
  await page.getByTestId('reg-submit').click();
  await waitText(page, 'reg-submit', /正在登记/);
  assert.equal(await page.getByTestId('reg-submit').getAttribute('aria-busy'), 'true');
  assert.equal(await page.getByTestId('error').count(), 0, 'nothing checked before the app runs');
  release();
  // Sent by the app: no name given, so the app's own check says so, on the app's form.
  await waitText(page, 'error', /姓名/);
  assert.equal(await page.locator('#kepu-shell').count(), 0);
  assert.equal(await page.getByTestId('reg-submit').getAttribute('aria-busy'), 'false');
  await page.getByTestId('reg-name').fill(person.name);
  await page.getByTestId('reg-region-2').selectOption({ label: person.city });
  await page.getByTestId('reg-region-3').selectOption({ label: person.county });
  await page.getByTestId('reg-crowd').selectOption(person.crowd);
  await page.getByTestId('reg-submit').click();
  await waitText(page, 'participant', /钱一/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('返回 and practice on the static screen; the app takes over on the screen the person is on', async () => {
  const { page, release, open } = await heldBack();
  await open(h.server.url);
  await page.getByTestId('start-round').click();
  await page.getByText('返回').click();
  await page.getByTestId('start-practice').click();
  assert.match(await page.locator('#kepu-shell [role="status"]:visible').textContent(), /正在加载/);
  release();
  await page.getByRole('heading', { name: '练习', exact: true }).waitFor();
  assert.equal(await page.locator('#kepu-shell').count(), 0);
  assert.equal(await page.getByTestId('reg-name').count(), 0);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('no static screen where it would not be the app\'s: someone registered, another contest, a closed contest', async () => {
  const page = await newPage(h.browser);
  await register(page, h.server.url, person);
  await page.reload();
  await page.getByTestId('participant').waitFor();
  assert.equal(await page.locator('#kepu-shell').count(), 0, 'someone registered');
  await page.context().close();
  for (const [url, clock] of [[`${h.server.url}?contest=e2e/limit.json`, null], [h.server.url, new Date('2031-01-01T00:00:00+08:00')]]) {
    const { page: fresh, release, open } = await heldBack();
    if (clock) await fresh.clock.install({ time: clock });
    await open(url);
    assert.equal(await fresh.locator('#kepu-shell').count(), 0, url);
    assert.ok(await fresh.locator('#app .loading').isVisible(), `${url}: the page's loading line`);
    release();
    await fresh.getByTestId('start-round').waitFor();
    await fresh.context().close();
  }
});
