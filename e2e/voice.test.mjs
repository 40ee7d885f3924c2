// Read aloud (朗读) and 长辈模式 at a 390×844 phone viewport, against the release build in dist/.
// speechSynthesis is a stand-in (e2e/fake-speech.mjs) that records what it is asked to say.
// Nothing here asserts wall-clock time: the timer is compared with itself before and after a
// reading the stand-in holds for as long as the test wants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { useHarness, phonePage, fillRegistration, number } from './helpers.mjs';
import { PHONE } from './browser.mjs';
import { installFakeSpeech } from './fake-speech.mjs';

const bank = new Map(JSON.parse(fs.readFileSync('questions/default-bank.json', 'utf8')).questions.map((q) => [q.id, q]));
const h = useHarness();
const contest = () => `${h.server.url}?contest=e2e/voice.json`;

/** A phone with the stand-in speech installed, a person of `crowd` registered, a round started. */
async function inRound({ crowd = '老年人', voices, late, viewport } = {}) {
  const context = await h.browser.newContext({ ...PHONE, ...(viewport ? { viewport } : {}) });
  await installFakeSpeech(context, { voices, late });
  const page = await phonePage(h.browser, context);
  await page.goto(contest());
  await page.getByTestId('start-round').click();
  await fillRegistration(page, { name: '王阿姨', province: '湖南省', city: '长沙市', county: '岳麓区', crowd });
  await page.getByTestId('participant').waitFor();
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  return page;
}

const spoken = (page) => page.evaluate(() => window.__spoken);

/** What 朗读 must say for the question on screen, from the bank and the order shown. */
async function expectedSpeech(page) {
  const q = bank.get(await page.getByTestId('question').getAttribute('data-qid'));
  assert.ok(q, 'the question on screen is in the bank');
  const parts = [q.stem];
  for (const option of await page.getByTestId('option').all()) {
    const key = await option.getAttribute('data-key');
    const text = (await option.locator('.text').textContent()).trim();
    if (q.type === 'true_false') {
      parts.push(text);
    } else {
      assert.ok(q.options.includes(text), `"${text}" is an option of ${q.id}`);
      parts.push(`${key}、${text}`);
    }
  }
  return { q, parts };
}

async function waitSpoken(page, count) {
  await page.waitForFunction((n) => window.__spoken.length >= n, count);
}

async function nextQuestion(page) {
  const before = await page.getByTestId('progress').textContent();
  await page.getByTestId('option').first().click();
  await page.getByTestId('next').click();
  await page.waitForFunction((b) => document.querySelector('[data-testid="result-score"]') || document.querySelector('[data-testid="progress"]')?.textContent !== b, before);
}

test('朗读 reads the stem, then each option with its letter, in zh-CN; the result reads each explanation', async () => {
  const page = await inRound();
  const button = page.getByTestId('read-aloud');
  assert.equal((await button.textContent()).trim(), '朗读');
  assert.ok((await button.boundingBox()).height >= 56, 'a big button');
  const single = await expectedSpeech(page);
  assert.equal(single.q.type, 'single');
  await button.click();
  await waitSpoken(page, single.parts.length);
  // The stand-in "speaks" them one after another; the button offers to stop meanwhile or after.
  assert.deepEqual(await spoken(page), single.parts.map((text) => ({ text, lang: 'zh-CN' })));
  assert.match(single.parts[1], /^A、/);
  assert.match(single.parts.at(-1), /^[C-H]、/);
  await page.waitForFunction(() => document.querySelector('[data-testid="read-aloud"]').getAttribute('aria-pressed') === 'false');

  await nextQuestion(page);
  const tf = await expectedSpeech(page);
  assert.equal(tf.q.type, 'true_false');
  await page.getByTestId('read-aloud').click();
  await waitSpoken(page, single.parts.length + 3);
  assert.deepEqual((await spoken(page)).slice(single.parts.length).map((s) => s.text), [tf.q.stem, '正确', '错误']);

  await nextQuestion(page);
  await nextQuestion(page);
  await page.getByTestId('result-score').waitFor();
  const items = page.getByTestId('review-item');
  assert.equal(await items.count(), 3);
  for (let i = 0; i < 3; i++) {
    const q = bank.get(await items.nth(i).getAttribute('data-qid'));
    const before = (await spoken(page)).length;
    await items.nth(i).getByTestId('read-aloud').click();
    await waitSpoken(page, before + 1);
    assert.deepEqual((await spoken(page)).slice(before), [{ text: q.explanation, lang: 'zh-CN' }]);
  }
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

/** Seconds shown by the timer. */
const shown = (page) => number(page.getByTestId('timer'));

test('the clock stands still while an older person listens, and runs for others', async () => {
  const page = await inRound({ crowd: '老年人' });
  await page.evaluate(() => { window.__holdSpeech = true; });
  await page.getByTestId('read-aloud').click();
  await page.getByTestId('timer-paused').waitFor();
  const during = await shown(page);
  // A long utterance: the stand-in keeps speaking the stem while time passes.
  await page.waitForTimeout(2_500);
  assert.equal(await shown(page), during, 'the timer did not run down while reading');
  assert.equal((await spoken(page))[0].text, bank.get(await page.getByTestId('question').getAttribute('data-qid')).stem);
  await page.evaluate(() => window.__releaseSpeech());
  await page.getByTestId('timer-paused').waitFor({ state: 'detached' });
  await page.waitForFunction((d) => Number(document.querySelector('[data-testid="timer"]').textContent.match(/\d+/)[0]) < d, during);
  await page.context().close();

  // The rule's default applies to 老年人 only: for 农民 the clock runs while reading.
  const other = await inRound({ crowd: '农民' });
  await other.evaluate(() => { window.__holdSpeech = true; });
  const before = await shown(other);
  await other.getByTestId('read-aloud').click();
  await other.waitForFunction(() => window.__spoken.length > 0);
  await other.waitForFunction((b) => Number(document.querySelector('[data-testid="timer"]').textContent.match(/\d+/)[0]) < b - 1, before);
  assert.equal(await other.getByTestId('timer-paused').count(), 0);
  await other.context().close();
});

test('a phone without a Chinese voice says so plainly, and voices that load late are waited for', async () => {
  for (const voices of [['en-US', 'fr-FR'], null]) {
    const page = await inRound({ voices });
    const button = page.getByTestId('read-aloud');
    await page.waitForFunction(() => /不能朗读/.test(document.querySelector('[data-testid="read-aloud"]').textContent), null, { timeout: 10_000 });
    assert.equal((await button.textContent()).trim(), '这部手机不能朗读（没有中文语音）');
    assert.ok(await button.isDisabled());
    assert.equal(await page.getByTestId('auto-read').count(), 0, 'no 自动朗读 switch without a voice');
    // The rest of the question works as always.
    await nextQuestion(page);
    assert.match(await page.getByTestId('progress').textContent(), /2\/3/);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
  const late = await inRound({ late: true });
  await late.waitForFunction(() => document.querySelector('[data-testid="read-aloud"]').textContent.trim() === '朗读');
  assert.ok(!(await late.getByTestId('read-aloud').isDisabled()));
  await late.context().close();
});

test('自动朗读 reads every question when it appears, and is kept with the preferences', async () => {
  const page = await inRound();
  const auto = page.getByTestId('auto-read');
  assert.equal(await auto.getAttribute('aria-pressed'), 'false');
  assert.deepEqual(await spoken(page), [], 'nothing is read unasked');
  await auto.click();
  assert.equal(await auto.getAttribute('aria-pressed'), 'true');
  const first = await expectedSpeech(page);
  await waitSpoken(page, first.parts.length);
  assert.deepEqual((await spoken(page)).map((s) => s.text), first.parts);
  await nextQuestion(page);
  const second = await expectedSpeech(page);
  await waitSpoken(page, first.parts.length + second.parts.length);
  assert.deepEqual((await spoken(page)).slice(first.parts.length).map((s) => s.text), second.parts);
  // Kept on this device: after a reload the round goes on and the question is read again.
  await page.reload();
  await page.getByTestId('question').waitFor();
  assert.equal(await page.getByTestId('auto-read').getAttribute('aria-pressed'), 'true');
  await waitSpoken(page, second.parts.length);
  assert.deepEqual((await spoken(page)).map((s) => s.text), second.parts);
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('kepu.v1.prefs')));
  assert.equal(stored.data.auto_read, true);
  await page.context().close();
});

test('长辈模式 counts the last 5 seconds down on screen and aloud', async () => {
  const context = await h.browser.newContext(PHONE);
  await installFakeSpeech(context);
  const page = await phonePage(h.browser, context);
  await page.clock.install();
  await page.goto(contest());
  await page.getByTestId('older-reader').click();
  await page.getByTestId('start-round').click();
  await fillRegistration(page, { name: '李大爷', province: '湖南省', city: '长沙市', county: '岳麓区', crowd: '农民' });
  await page.getByTestId('participant').waitFor();
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  await page.getByTestId('auto-read').click();
  await page.clock.runFor(1_000);
  assert.equal(await page.getByTestId('countdown').count(), 0, 'no countdown with time to spare');
  await page.clock.runFor(24_500);
  await page.getByTestId('countdown').waitFor();
  assert.match(await page.getByTestId('countdown').textContent(), /^还剩 [1-5] 秒$/);
  const box = await page.getByTestId('countdown').boundingBox();
  assert.ok(box.height >= 40 && box.width > 300, 'large and across the screen');
  await page.clock.runFor(1_000);
  const said = (await spoken(page)).map((s) => s.text).filter((t) => /^[1-5]$/.test(t));
  assert.ok(said.length >= 1, `the seconds are said: ${JSON.stringify(await spoken(page))}`);
  await page.context().close();
});
