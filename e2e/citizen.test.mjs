// End to end: the citizen's path in a real headless Chromium at a 390×844 phone viewport,
// against the release build in dist/. Waits on conditions only, never on fixed sleeps
// (except where time passing is the point: the countdown and the reload-resume check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { useHarness, phonePage as newPage, register as registerAs, registerNext, confirmAndWait, number as digits, waitText } from './helpers.mjs';

const bank = new Map(JSON.parse(fs.readFileSync('questions/default-bank.json', 'utf8')).questions.map((q) => [q.id, q]));
const h = useHarness();
const phonePage = () => newPage(h.browser);
const register = (page, url, name) =>
  registerAs(page, url, { name, province: '湖南省', city: '长沙市', county: '岳麓区', crowd: '农民' });

/** The keys (A, B, …) of the right and of one wrong choice for the question on screen. */
async function keysFor(page) {
  const q = page.getByTestId('question');
  const question = bank.get(await q.getAttribute('data-qid'));
  assert.ok(question, 'the question on screen is in the bank');
  assert.equal(await q.getAttribute('data-qtype'), question.type);
  if (question.type === 'true_false') {
    const right = question.answer === '正确' ? 'A' : 'B';
    return { question, right: [right], wrong: [right === 'A' ? 'B' : 'A'] };
  }
  const right = [];
  const wrong = [];
  for (const option of await page.getByTestId('option').all()) {
    const key = await option.getAttribute('data-key');
    const text = (await option.locator('.text').textContent()).trim();
    const index = question.options.indexOf(text);
    assert.ok(index >= 0, `option "${text}" belongs to ${question.id}`);
    (question.answer.includes(String.fromCharCode(65 + index)) ? right : wrong).push(key);
  }
  return { question, right, wrong: wrong.slice(0, 1) };
}

/** Answers the question on screen, right or wrong, and confirms it. */
async function answer(page, beRight) {
  const { question, right, wrong } = await keysFor(page);
  for (const key of beRight ? right : wrong) {
    const option = page.locator(`[data-testid="option"][data-key="${key}"]`);
    await option.click();
    assert.equal(await option.getAttribute('aria-pressed'), 'true');
  }
  await confirmAndWait(page);
  return question;
}

test('register, answer a full round, and the score shown equals the expected score', async () => {
  const page = await phonePage();
  await register(page, h.server.url, '李四');
  // Only the regions shown were downloaded: provinces and cities, then Hunan's counties. The
  // default contest and its bank came inside the page, so neither file was downloaded.
  const dataFiles = await page.evaluate(() => performance.getEntriesByType('resource')
    .map((e) => new URL(e.name).pathname).filter((p) => p.startsWith('/questions/')));
  assert.deepEqual(dataFiles.sort(), ['/questions/regions/43.json', '/questions/regions/index.json']);
  assert.match(await page.getByTestId('participant').textContent(), /湖南省 长沙市 岳麓区/);
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  let expected = 0;
  let right = 0;
  const seen = new Set();
  for (let i = 0; i < 20; i++) {
    assert.equal(await page.getByTestId('progress').textContent(), `${i + 1}/20`);
    const beRight = i % 3 !== 0;
    const q = await answer(page, beRight);
    assert.ok(!seen.has(q.id), 'no question twice in a round');
    seen.add(q.id);
    if (beRight) {
      right += 1;
      expected += q.points ?? 5;
    }
  }
  assert.equal(await digits(page.getByTestId('result-score')), expected);
  assert.equal(await digits(page.getByTestId('result-correct')), right);
  assert.ok((await digits(page.getByTestId('result-time'))) <= 20 * 30);
  assert.equal(await page.getByTestId('review-item').count(), 20);
  // The rank on this device and the leaderboard reflect the attempt.
  assert.match(await page.getByTestId('result-rank').textContent(), /第 1 名/);
  await page.getByText('返回首页').click();
  assert.match(await page.getByTestId('attempts-left').textContent(), /2/);
  assert.match(await page.getByTestId('leaderboard').textContent(), new RegExp(`李四.*${expected}`));
  // The English switch changes the interface and is remembered.
  await page.getByTestId('lang').click();
  assert.equal((await page.getByTestId('start-round').textContent()).trim(), 'Start the quiz');
  await page.reload();
  assert.equal((await page.getByTestId('start-round').textContent()).trim(), 'Start the quiz');
  // A returning participant's region is named again (from the two small region files).
  await waitText(page, 'participant', /岳麓区/);
  await page.context().close();
});

test('reloading mid-round resumes the same question with the time that really remains', async () => {
  const page = await phonePage();
  await register(page, h.server.url, '王五');
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  for (let i = 0; i < 3; i++) await answer(page, true);
  const qid = await page.getByTestId('question').getAttribute('data-qid');
  const { right } = await keysFor(page);
  await page.locator(`[data-testid="option"][data-key="${right[0]}"]`).click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="timer"]').textContent.match(/\d+/)[0]) <= 28);
  await page.reload();
  await page.getByTestId('question').waitFor();
  assert.equal(await page.getByTestId('question').getAttribute('data-qid'), qid);
  assert.equal(await page.getByTestId('progress').textContent(), '4/20');
  const left = await digits(page.getByTestId('timer'));
  assert.ok(left <= 28 && left > 0, `the clock kept running: ${left} s left`);
  assert.equal(await page.locator(`[data-testid="option"][data-key="${right[0]}"]`).getAttribute('aria-pressed'), 'true', 'the choice survives the reload');
  await page.context().close();
});

test('time-outs advance unanswered questions and submit the round', async () => {
  const page = await phonePage();
  await register(page, `${h.server.url}?contest=e2e/fast-timer.json`, '赵六');
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  await page.getByTestId('result-score').waitFor({ timeout: 15_000 });
  assert.equal(await digits(page.getByTestId('result-score')), 0);
  assert.equal(await digits(page.getByTestId('result-correct')), 0);
  assert.equal(await page.getByTestId('review-item').count(), 3);
  assert.match(await page.getByTestId('review-item').first().textContent(), /未作答/);
  await page.context().close();
});

test('the daily attempt limit is enforced with a clear message', async () => {
  const page = await phonePage();
  await register(page, `${h.server.url}?contest=e2e/limit.json`, '孙七');
  assert.match(await page.getByTestId('attempts-left').textContent(), /1/);
  await page.getByTestId('start-round').click();
  for (let i = 0; i < 3; i++) await answer(page, true);
  await page.getByTestId('result-score').waitFor();
  await page.getByText('返回首页').click();
  assert.match(await page.getByTestId('attempts-left').textContent(), /0/);
  await page.getByTestId('start-round').click();
  await page.getByTestId('error').waitFor();
  assert.match(await page.getByTestId('error').textContent(), /今天的 1 次答题机会已用完/);
  assert.equal(await page.getByTestId('question').count(), 0);
  // Handing the device on: the next person registers and may answer.
  await registerNext(page, { name: '周八', province: '北京市', county: '东城区', crowd: '青少年' });
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  await page.context().close();
});

/** Answers a whole round with the first choice each time; returns the question ids asked. */
async function roundIds(page) {
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  const ids = [];
  while (await page.getByTestId('result-score').count() === 0) {
    ids.push(await page.getByTestId('question').getAttribute('data-qid'));
    await page.getByTestId('option').first().click();
    await confirmAndWait(page);
  }
  return ids;
}

test('the default contest draws about half of each type from the questions for the person\'s crowd', async () => {
  const contest = JSON.parse(fs.readFileSync('questions/contest.json', 'utf8'));
  const percent = contest.rules.round.crowd_first.percent;
  const page = await phonePage();
  const people = [
    { name: '农民丙', province: '湖南省', city: '长沙市', county: '岳麓区', crowd: '农民' },
    { name: '工人丁', province: '北京市', city: { index: 1 }, county: '东城区', crowd: '产业工人' },
  ];
  for (const [i, person] of people.entries()) {
    await (i === 0 ? registerAs(page, h.server.url, person) : registerNext(page, person));
    const ids = await roundIds(page);
    for (const item of contest.rules.round.mix) {
      const asked = ids.map((id) => bank.get(id)).filter((q) => q.type === item.type);
      assert.equal(asked.length, item.count, `${item.type}: ${asked.length}`);
      const forCrowd = asked.filter((q) => (q.crowds ?? []).includes(person.crowd)).length;
      assert.ok(forCrowd >= Math.round((item.count * percent) / 100), `${person.crowd} ${item.type}: ${forCrowd} of ${item.count}`);
    }
  }
  await page.context().close();
});

test("with crowd_first at 100 %, each person's round holds only their own crowd's questions", async () => {
  const page = await phonePage();
  const url = `${h.server.url}?contest=e2e/crowd.json`;
  await registerAs(page, url, { name: '农民甲', province: '湖南省', city: '长沙市', county: '岳麓区', crowd: '农民' });
  assert.match(await page.locator('main').textContent(), /约 100% 选自适合您所在人群的题目/);
  const farmer = await roundIds(page);
  assert.equal(farmer.length, 3);
  assert.equal(new Set(farmer).size, 3, 'no question twice');
  assert.ok(farmer.every((id) => id.startsWith('farm')), `农民 drew ${farmer}`);
  // Handing the device to an older person: the next round is drawn for their crowd.
  await registerNext(page, { name: '老人乙', province: '北京市', county: '东城区', crowd: '老年人' });
  const elder = await roundIds(page);
  assert.equal(new Set(elder).size, 3);
  assert.ok(elder.every((id) => id.startsWith('elder')), `老年人 drew ${elder}`);

  // The organizer's item analysis of one crowd shows only the questions that crowd answered.
  await page.getByText('返回首页').click();
  await page.getByTestId('organizer-entry').click();
  await page.getByTestId('pin-input').fill('2468');
  await page.getByTestId('pin-submit').click();
  const rows = page.getByTestId('item-table').locator('tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="item-table"] tbody tr').length === 6);
  await page.getByTestId('item-crowd').selectOption('农民');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="item-table"] tbody tr').length === 3);
  const contest = JSON.parse(fs.readFileSync('tests/e2e-contests/crowd.json', 'utf8'));
  const stems = new Map(contest.bank.questions.map((q) => [q.stem, q.id]));
  for (const text of await rows.locator('td:first-child').allTextContents()) {
    assert.ok(farmer.includes(stems.get(text.trim())), `${text} is one of 农民's questions`);
  }
  // The rules editor shows the share and warns about the crowds without tagged questions.
  await page.getByTestId('tab-rules').click();
  assert.equal(await page.getByTestId('rule-crowd-percent').inputValue(), '100');
  const warnings = await page.getByTestId('crowd-warnings').textContent();
  assert.match(warnings, /适合“青少年”的判断题每轮应有 3 道，题库只有 0 道，其余从全部题目中补足/);
  assert.doesNotMatch(warnings, /农民|老年人/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('registration refuses bad input with messages in plain words', async () => {
  const page = await phonePage();
  await page.goto(h.server.url);
  await page.getByTestId('start-round').click();
  await page.getByTestId('reg-phone').fill('12345');
  await page.getByTestId('reg-submit').click();
  // Registering runs in a task of its own (the person key), so wait for its messages.
  await page.getByTestId('error').first().waitFor();
  const errors = await page.getByTestId('error').allTextContents();
  assert.deepEqual(errors, ['请填写姓名或昵称', '手机号应为 11 位数字，以 1 开头', '请选择所在地区', '请选择人群类别']);
  await page.context().close();
});

for (const [file, reason] of [
  ['e2e/missing.json', /404/],
  ['e2e/broken.json', /JSON/],
  ['e2e/shortfall.json', /题库不够组卷：判断题 需要 500 道/],
  ['https://example.com/contest.json', /只能打开本站点/],
]) {
  test(`a bad ?contest= (${file}) shows load-error naming the file and the reason`, async () => {
    const page = await phonePage();
    await page.goto(`${h.server.url}?contest=${encodeURIComponent(file)}`);
    const error = page.getByTestId('load-error');
    await error.waitFor();
    const text = await error.textContent();
    assert.match(text, reason);
    assert.ok(text.includes(file) || text.includes('default-bank.json'), text);
    await page.context().close();
  });
}
