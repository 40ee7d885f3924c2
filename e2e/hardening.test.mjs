// End to end for #17's faults that lost or locked a round, and the citizen's page over time:
// a bank changed mid-round, a tap racing a time-out, the clock moved back, the home page
// across the contest's boundaries, storage, focus and announcements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness, clockedDevice, phonePage, register, fillRegistration, answerFirst, waitText } from './helpers.mjs';
import { PHONE } from './browser.mjs';

const h = useHarness();
const PIN = '2468';
const person = (name) => ({ name, province: '湖南省', city: '长沙市', county: '岳麓区', crowd: '农民' });

/** The organizer's page of this device in a tab of its own, PIN set. */
async function organizerTab(page) {
  const org = await page.context().newPage();
  await org.goto(`${h.server.url}organizer/`);
  await org.getByTestId('pin-input').fill(PIN);
  await org.getByTestId('pin-submit').click();
  await org.getByTestId('tab-banks').click();
  return org;
}

test('#17.6 a bank changed mid-round closes the round with a message naming the change, never a dead screen', async () => {
  const page = await clockedDevice(h.browser);
  await register(page, h.server.url, person('周六'));
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  // On the same device the organizer imports a bank and chooses it for the contest.
  const org = await organizerTab(page);
  await org.getByTestId('bank-file').setInputFiles('tests/fixtures/e2e/bank.csv');
  await org.getByTestId('import-confirm').click();
  await org.getByTestId('bank-item').getByTestId('bank-use').click();
  await waitText(org, 'flash', /改用/);
  await org.close();
  await page.reload();
  await waitText(page, 'error', /进行中的一轮已关闭：本机的题库已更换.*bank\.csv.*这一轮有 \d+ 道题不在现在的题库里/);
  assert.equal(await page.getByTestId('question').count(), 0, 'no question without its bank');
  assert.ok(await page.getByTestId('start-round').isEnabled());
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('kepu.v1.round.')).length), 0);
  // A new round draws from the bank in force.
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  assert.match(await page.getByTestId('question').getAttribute('data-qid'), /^E2E-/);
  await page.context().close();
});

test('#17.8 a tap that lands just after a time-out never answers the next, unseen question', async () => {
  const page = await phonePage(h.browser);
  await register(page, `${h.server.url}?contest=e2e/fast-timer.json`, person('吴七'));
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  // The race as a person meets it: the question times out, and the tap arrives before the
  // page has drawn the next one. The page is held busy until 30 ms past the deadline, then
  // the first choice of the question on screen is tapped, all in one task.
  const tapped = await page.evaluate(() => {
    const round = JSON.parse(localStorage.getItem('kepu.v1.round.e2e-timer')).data;
    const deadline = round.question_started_at + round.per_question_ms;
    while (Date.now() < deadline + 30) {
      /* the page is busy */
    }
    document.querySelector('[data-testid="option"]').click();
    return round.current;
  });
  assert.equal(tapped, 0);
  await waitText(page, 'progress', /^2\/3$/);
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('kepu.v1.round.e2e-timer'))?.data.current === 1);
  const answers = await page.evaluate(() => JSON.parse(localStorage.getItem('kepu.v1.round.e2e-timer')).data.answers);
  assert.deepEqual(answers.slice(0, 2), [0, 0], 'neither the timed-out question nor the unseen one is answered');
  assert.equal(await page.locator('[data-testid="option"][aria-pressed="true"]').count(), 0);
  await page.context().close();
});

test('#17.10 the device clock moved back mid-round: the timer runs on and the time used is the time spent', async () => {
  const page = await clockedDevice(h.browser);
  await register(page, h.server.url, person('郑八'));
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  let answered = 0;
  while (!(await page.getByTestId('result-score').count())) {
    await page.clock.fastForward(2000);
    if (answered === 5) {
      // An hour back, as someone would do to look fast.
      await page.clock.setSystemTime(Date.now() - 3_600_000);
      const before = await page.getByTestId('timer').textContent();
      await page.clock.fastForward(3000);
      await page.waitForFunction((b) => document.querySelector('[data-testid="timer"]').textContent !== b, before);
    }
    await page.getByTestId('option').first().click();
    const progress = await page.getByTestId('progress').textContent();
    await page.getByTestId('next').click();
    await page.waitForFunction(
      (p) => document.querySelector('[data-testid="result-score"]') || document.querySelector('[data-testid="progress"]')?.textContent !== p,
      progress,
    );
    answered++;
  }
  const used = Number(await page.getByTestId('result-time').textContent());
  assert.ok(used >= answered * 2 + 3, `time used ${used} s for ${answered} questions of at least 2 s each`);
  await page.context().close();
});

test('#17.11 the home page left open changes at the start, at midnight and after the last minute', async () => {
  const page = await phonePage(h.browser);
  await page.clock.install({ time: new Date('2027-03-01T08:59:00+08:00') });
  await page.goto(`${h.server.url}?contest=e2e/window.json`);
  await waitText(page, 'contest-status', /尚未开始/);
  assert.ok(await page.getByTestId('start-round').isDisabled());
  // 09:00: open, without a reload.
  await page.clock.fastForward('01:01');
  await waitText(page, 'contest-status', /进行中/);
  await page.getByTestId('start-round').click();
  await fillRegistration(page, person('冯九'));
  await waitText(page, 'attempts-left', /还可答 1 次/);
  await page.getByTestId('start-round').click();
  while (!(await page.getByTestId('result-score').count())) {
    await page.clock.fastForward(2000);
    await answerFirst(page);
  }
  await page.getByText('返回首页').click();
  await waitText(page, 'attempts-left', /还可答 0 次/);
  // Past midnight the day's attempt is there again.
  await page.clock.fastForward('15:00:00');
  await waitText(page, 'attempts-left', /还可答 1 次/);
  // "ends": "2027-03-02 23:59" includes 23:59:30 …
  await page.clock.setSystemTime(new Date('2027-03-02T23:59:30+08:00'));
  await page.clock.fastForward(100);
  await page.reload();
  await waitText(page, 'contest-status', /进行中/);
  assert.ok(await page.getByTestId('start-round').isEnabled());
  // … and the page closes the contest when that minute is over.
  await page.clock.fastForward(31_000);
  await waitText(page, 'contest-status', /已结束/);
  assert.ok(await page.getByTestId('start-round').isDisabled());
  await page.context().close();
});

test('#17.7 a round edited into nonsense is set aside with a message; the app starts', async () => {
  for (const [field, value] of [['current', 99], ['answers', []], ['questions', []]]) {
    const page = await clockedDevice(h.browser);
    await register(page, h.server.url, person('陈十'));
    await page.getByTestId('start-round').click();
    await page.getByTestId('question').waitFor();
    const tampered = await page.evaluate(([f, v]) => {
      const round = JSON.parse(localStorage.getItem('kepu.v1.round.kepu-demo'));
      round.data[f] = v;
      localStorage.setItem('kepu.v1.round.kepu-demo', JSON.stringify(round));
      return localStorage.getItem('kepu.v1.round.kepu-demo');
    }, [field, value]);
    await page.reload();
    await waitText(page, 'error', new RegExp(`无法读取.*data\\.${field}.*原数据已保留`));
    assert.equal(await page.getByTestId('question').count(), 0, field);
    assert.ok(await page.getByTestId('start-round').isEnabled(), field);
    const aside = await page.evaluate(() =>
      Object.keys(localStorage).filter((k) => k.startsWith('kepu.v1.round.kepu-demo.unreadable.')).map((k) => localStorage.getItem(k)));
    assert.deepEqual(aside, [tampered], `${field}: kept aside byte for byte`);
    assert.deepEqual(page.problems, [], field);
    await page.context().close();
  }
});

/** Fills this origin's localStorage to its last bytes; returns a function that empties it again. */
async function fillStorage(page) {
  await page.evaluate(() => {
    const chunk = 'x'.repeat(64 * 1024);
    try {
      for (let i = 0; i < 1000; i++) localStorage.setItem(`filler.${i}`, chunk);
    } catch { /* full */ }
    try {
      for (let j = 0; j < 10000; j++) localStorage.setItem(`filler.small.${j}`, 'x'.repeat(64));
    } catch { /* full to the last bytes */ }
  });
}

test('#17.9 storage full before a round: it does not start, and says so (not "成绩未能保存")', async () => {
  const page = await clockedDevice(h.browser);
  await register(page, `${h.server.url}?contest=e2e/limit.json`, person('褚一'));
  await fillStorage(page);
  await page.getByTestId('start-round').click();
  await waitText(page, 'error', /存储空间已满，无法开始答题/);
  assert.doesNotMatch(await page.getByTestId('error').textContent(), /成绩未能保存/);
  assert.equal(await page.getByTestId('question').count(), 0);
  // The day's one attempt is still there once space is freed.
  await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('filler.')).forEach((k) => localStorage.removeItem(k)));
  await page.reload();
  await waitText(page, 'attempts-left', /还可答 1 次/);
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  await page.context().close();
});

test('#17.9 storage that takes nothing (a private window) is not called full', async () => {
  const page = await phonePage(h.browser);
  await page.addInitScript(() => {
    Storage.prototype.setItem = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await register(page, h.server.url, person('卫二'));
  await waitText(page, 'error', /不允许本网站保存数据/);
  assert.doesNotMatch(await page.getByTestId('error').textContent(), /已满|成绩/);
  await page.context().close();
});

test('#17.9 a bank too big for the storage left says so and keeps its import report', async () => {
  const page = await phonePage(h.browser);
  await page.goto(h.server.url);
  const org = await organizerTab(page);
  await org.getByTestId('bank-file').setInputFiles('tests/fixtures/e2e/bank.csv');
  await org.getByTestId('import-report').waitFor();
  await fillStorage(org);
  await org.getByTestId('import-confirm').click();
  await waitText(org, 'error', /题库太大.*未能保存/);
  assert.doesNotMatch(await org.getByTestId('error').textContent(), /成绩未能保存/);
  assert.equal(await org.getByTestId('import-report').count(), 1, 'the report stays');
  assert.equal(await org.getByTestId('bank-item').count(), 0);
  await page.context().close();
});

test('#17.16 focus moves to each new question and to the result; the time warning and the result are announced', async () => {
  const page = await phonePage(h.browser);
  await register(page, `${h.server.url}?contest=e2e/limit.json`, person('蒋三'));
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  const focused = () => page.evaluate(() => document.activeElement?.closest('[data-testid="question"]') ? document.activeElement.tagName + ':' + document.activeElement.textContent : document.activeElement?.tagName);
  const stem = async () => 'H1:' + (await page.locator('[data-testid="question"] h1').textContent());
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
  assert.equal(await focused(), await stem(), 'the first question');
  await page.getByTestId('option').first().click();
  await page.getByTestId('next').click();
  await waitText(page, 'progress', /^2\/3$/);
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
  assert.equal(await focused(), await stem(), 'the next question, not <body>');
  // The time warning goes to a live region that was there before it.
  const live = page.getByTestId('time-warning');
  assert.equal(await live.getAttribute('aria-live'), 'assertive');
  assert.equal((await live.textContent()).trim(), '');
  // Real timers and 60 s a question: the question is made 56 s old.
  await page.evaluate(() => {
    const round = JSON.parse(localStorage.getItem('kepu.v1.round.e2e-limit'));
    round.data.question_started_at -= 56_000;
    localStorage.setItem('kepu.v1.round.e2e-limit', JSON.stringify(round));
  });
  await page.reload();
  await page.getByTestId('question').waitFor();
  await waitText(page, 'time-warning', /还剩不到 5 秒/);
  // The result: announced through the page's live region, and focused.
  await page.getByTestId('option').first().click();
  await page.getByTestId('next').click();
  await page.getByTestId('option').first().click();
  await page.getByTestId('next').click();
  await page.getByTestId('result-score').waitFor();
  const announce = page.getByTestId('announce');
  assert.equal(await announce.getAttribute('aria-live'), 'polite');
  await waitText(page, 'announce', /本轮成绩 \d+ 分/);
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '本轮成绩');
  await page.context().close();
});

test('#17.16 at 200 % zoom with 大字, in Chinese and in English, nothing is clipped and nothing scrolls sideways', async () => {
  // 200 % zoom on a 390×844 phone leaves 195×422 CSS pixels.
  const context = await h.browser.newContext({ ...PHONE, viewport: { width: 195, height: 422 } });
  const page = await phonePage(h.browser, context);
  await page.goto(`${h.server.url}?contest=e2e/limit.json`);
  await page.getByTestId('large-text').click();
  const fits = async (where) => {
    const m = await page.evaluate(() => {
      const right = Math.max(...[...document.querySelectorAll('button, a, input, select, h1, h2, p, li')].map((e) => e.getBoundingClientRect().right));
      const lang = document.querySelector('[data-testid="lang"]').getBoundingClientRect();
      return { scroll: document.documentElement.scrollWidth, width: window.innerWidth, right, lang: lang.right, langWidth: lang.width, langText: document.querySelector('[data-testid="lang"]').scrollWidth };
    });
    assert.ok(m.scroll <= m.width, `${where}: the page scrolls sideways (${m.scroll} > ${m.width})`);
    assert.ok(m.right <= m.width + 0.5, `${where}: something reaches ${m.right} px of ${m.width}`);
    assert.ok(m.lang <= m.width && m.langText <= m.langWidth + 1, `${where}: the language button is clipped`);
  };
  await fits('home, in Chinese (the button says English)');
  await page.getByTestId('lang').click();
  await waitText(page, 'lang', /中文/);
  await fits('home');
  await page.getByTestId('start-round').click();
  await page.getByTestId('reg-name').waitFor();
  await fits('registration');
  await fillRegistration(page, person('沈四'));
  await page.getByTestId('participant').waitFor();
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  await fits('question');
  for (let i = 0; i < 3; i++) {
    await page.getByTestId('option').first().click();
    await page.getByTestId('next').click();
    await page.waitForFunction((n) => document.querySelector('[data-testid="result-score"]') || document.querySelector('[data-testid="progress"]')?.textContent === `${n}/3`, i + 2);
  }
  await page.getByTestId('result-score').waitFor();
  await fits('result');
  await context.close();
});
