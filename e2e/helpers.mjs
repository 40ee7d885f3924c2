// Shared pieces of the end-to-end tests: one server and one browser per test file, a
// phone-sized page, registration, and moving through a round.
import { before, after } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from './server.mjs';
import { launch, PHONE } from './browser.mjs';

/** Serves dist/ (or the build named by E2E_DIST, e.g. an older build to compare with) and the
 * test contests under /e2e/, and starts Chromium for this file's tests. */
export function useHarness() {
  const h = {};
  before(async () => {
    h.server = await serve({ root: path.resolve(process.env.E2E_DIST ?? 'dist'), mounts: { '/e2e/': path.resolve('tests/e2e-contests') } });
    h.browser = await launch();
  });
  after(async () => {
    await h.browser?.close();
    await h.server?.close();
  });
  return h;
}

/** A phone-sized page (a fresh device unless a context is given) that records page errors. */
export async function phonePage(browser, context) {
  context ??= await browser.newContext(PHONE);
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) page.problems.push(m.text());
  });
  return page;
}

/** Opens `url`, registers a participant through the form, and waits for the home screen. */
export async function register(page, url, person) {
  await page.goto(url);
  await page.getByTestId('start-round').click();
  await fillRegistration(page, person);
  await page.getByTestId('participant').waitFor();
}

/** A device of its own (so its own localStorage) whose clock the test can move on, so that a
 * round takes a person's time (merging refuses rounds answered impossibly fast). */
export async function clockedDevice(browser) {
  const page = await phonePage(browser);
  await page.clock.install();
  return page;
}

/** Hands the device to the next person (from the result or the home screen) and registers them. */
export async function registerNext(page, person) {
  await page.getByTestId('next-participant').click();
  await fillRegistration(page, person);
  await page.getByTestId('participant').waitFor();
}

/** Fills the open registration form and submits it (what follows is the caller's to wait for). */
export async function fillRegistration(page, { name, phone, province, city = { index: 1 }, county, crowd = '其他' }) {
  await page.getByTestId('reg-name').fill(name);
  if (phone) await page.getByTestId('reg-phone').fill(phone);
  await page.getByTestId('reg-region-1').selectOption({ label: province });
  await page.getByTestId('reg-region-2').selectOption(typeof city === 'string' ? { label: city } : city);
  await page.getByTestId('reg-region-3').selectOption({ label: county });
  await page.getByTestId('reg-crowd').selectOption(crowd);
  await page.getByTestId('reg-submit').click();
}

/** Waits until the element with `testid` has text matching `pattern`. */
export async function waitText(page, testid, pattern) {
  await page.waitForFunction(
    ([id, source]) => new RegExp(source).test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''),
    [testid, pattern.source],
  );
}

/** Clicks `next` and waits until the next question or the result is on screen. */
export async function confirmAndWait(page) {
  const before = await page.getByTestId('progress').textContent();
  await page.getByTestId('next').click();
  await page.waitForFunction(
    (b) => document.querySelector('[data-testid="result-score"]') || document.querySelector('[data-testid="progress"]')?.textContent !== b,
    before,
  );
}

/** Answers with the first choice and goes on. */
export async function answerFirst(page) {
  await page.getByTestId('option').first().click();
  await confirmAndWait(page);
}

/** The first number in an element's text. */
/** The first number in an element, read past its thousands separators (1,234 is 1234). */
export const number = async (locator) => Number((await locator.textContent()).replaceAll(",", "").match(/\d+/)[0]);

/** Clicks the button `testid` and returns the file it downloads: its suggested name and bytes. */
export async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return { name: file.suggestedFilename(), bytes: fs.readFileSync(await file.path()) };
}
