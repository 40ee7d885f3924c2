// End to end at 390×844: a contest in two stages (tests/e2e-contests/stages.json: 每日一题 on
// 2027-04-01 08:00–11:59, one 判断 once a day; 决赛 from 14:00, two 单选 and a 多选 twice a day)
// with the page's clock moved: home shows the stage open and the next one, switches at each
// boundary without a reload, a round in each stage has that stage's questions and daily limit,
// and the organizer's statistics filtered per stage count each stage's attempts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useHarness, phonePage, fillRegistration, answerFirst, waitText, number } from './helpers.mjs';

const h = useHarness();
const PIN = '2468';
const shots = process.env.SCREENSHOTS ?? 'target/screenshots';

/** Plays a round choosing the first choice each time, two seconds a question; returns how
 * many questions it had, and goes back home. */
async function playRound(page) {
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  let questions = 0;
  while (!(await page.getByTestId('result-score').count())) {
    await page.clock.fastForward(2000);
    await answerFirst(page);
    questions++;
  }
  await page.getByText('返回首页').first().click();
  return questions;
}

/** From the citizen's page, opens the organizer's page (the PIN set or entered). */
async function openOrganizer(page) {
  await page.getByTestId('organizer-entry').click();
  await page.getByTestId('pin-input').fill(PIN);
  await page.getByTestId('pin-submit').click();
}

test('two stages switch at their boundaries with their own rounds and limits; statistics per stage', async () => {
  fs.mkdirSync(shots, { recursive: true });
  const page = await phonePage(h.browser);
  await page.clock.install({ time: new Date('2027-04-01T07:59:00+08:00') });
  await page.goto(`${h.server.url}?contest=e2e/stages.json`);
  await waitText(page, 'stage-open', /现在没有进行中的阶段/);
  await waitText(page, 'stage-next', /下一阶段：每日一题，2027-04-01 08:00 开始/);
  assert.ok(await page.getByTestId('start-round').isDisabled(), 'no stage open: no round');

  // 08:00: 每日一题 opens while the page stays open.
  await page.clock.fastForward('01:01');
  await waitText(page, 'stage-open', /当前阶段：每日一题（2027-04-01 08:00 至 2027-04-01 11:59）/);
  await waitText(page, 'stage-next', /下一阶段：决赛，2027-04-01 14:00 开始/);
  await page.getByTestId('start-round').click();
  await fillRegistration(page, { name: '钱阶段', province: '湖南省', city: '长沙市', county: '岳麓区' });
  await waitText(page, 'attempts-left', /今天还可答 1 次/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shots, 'stages-open-and-next.png') });
  assert.equal(await playRound(page), 1, '每日一题 asks one question');
  await waitText(page, 'attempts-left', /今天还可答 0 次/);
  await waitText(page, 'leaderboard', /钱阶段/);

  // The stage includes its last minute, 11:59, and closes after it.
  await page.clock.setSystemTime(new Date('2027-04-01T11:59:30+08:00'));
  await page.clock.fastForward(100);
  await page.reload();
  await waitText(page, 'stage-open', /当前阶段：每日一题/);
  await page.clock.fastForward(31_000);
  await waitText(page, 'stage-open', /现在没有进行中的阶段/);
  await waitText(page, 'stage-next', /下一阶段：决赛，2027-04-01 14:00 开始/);
  assert.ok(await page.getByTestId('start-round').isDisabled(), 'between the stages: no round');
  assert.equal(await page.getByTestId('attempts-left').count(), 0);
  await page.screenshot({ path: path.join(shots, 'stages-between.png') });

  // 14:00: 决赛, with its own two attempts a day and its own mix; it is the last stage.
  await page.clock.fastForward('02:00:00');
  await waitText(page, 'stage-open', /当前阶段：决赛/);
  assert.equal(await page.getByTestId('stage-next').count(), 0);
  await waitText(page, 'attempts-left', /今天还可答 2 次/);
  assert.equal(await playRound(page), 3, '决赛 asks two 单选 and a 多选');
  await waitText(page, 'attempts-left', /今天还可答 1 次/);
  assert.equal(await playRound(page), 3);
  await waitText(page, 'attempts-left', /今天还可答 0 次/);

  // The organizer's statistics: all stages, then each.
  await openOrganizer(page);
  await page.getByTestId('tab-stats').waitFor();
  const counts = async () => [
    await number(page.getByTestId('stat-participants')),
    await number(page.getByTestId('stat-participations')),
  ];
  await page.getByTestId('stat-participations').waitFor();
  await waitText(page, 'stat-participations', /^3$/);
  assert.deepEqual(await counts(), [1, 3]);
  await page.getByTestId('stat-stage').selectOption('final');
  await waitText(page, 'stat-participations', /^2$/);
  assert.deepEqual(await counts(), [1, 2]);
  await page.getByTestId('stat-stage').selectOption('daily-1');
  await waitText(page, 'stat-participations', /^1$/);
  assert.deepEqual(await counts(), [1, 1]);
  await page.getByTestId('stat-stage').selectOption('');
  await waitText(page, 'stat-participations', /^3$/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the organizer adds stages in the rules form; an overlap is refused with its reason, and home shows the stage', async () => {
  const page = await phonePage(h.browser);
  await page.clock.install({ time: new Date('2027-04-03T09:00:00+08:00') });
  await page.goto(h.server.url);
  await page.getByTestId('start-round').waitFor();
  assert.equal(await page.getByTestId('stage-open').count(), 0, 'the default contest has no stages');
  await openOrganizer(page);
  await page.getByTestId('tab-rules').click();
  const rows = page.getByTestId('stage-row');
  const field = (i, id) => rows.nth(i).getByTestId(id);
  const fill = async (i, id, value) => {
    await field(i, id).fill(value);
    await field(i, id).dispatchEvent('change');
  };

  /** Adds 第一周 (the contest's start to 2027-04-07) and 决赛 (after it, once a day). */
  const addTwoStages = async () => {
    await page.getByTestId('stage-add').click();
    await fill(0, 'stage-title', '第一周');
    await fill(0, 'stage-ends', '2027-04-07 23:59');
    await page.getByTestId('stage-add').click();
    await fill(1, 'stage-title', '决赛');
    await fill(1, 'stage-attempts', '1');
  };

  // The first stage spans the contest; the next starts where the last one ends.
  await page.getByTestId('stage-add').click();
  assert.equal(await rows.count(), 1);
  assert.deepEqual(
    [await field(0, 'stage-title').inputValue(), await field(0, 'stage-starts').inputValue(), await field(0, 'stage-ends').inputValue()],
    ['第 1 阶段', '2026-01-01 00:00', '2030-12-31 23:59'],
  );
  await rows.first().getByTestId('stage-remove').click();
  await addTwoStages();
  assert.equal(await rows.count(), 2);
  assert.equal(await field(1, 'stage-starts').inputValue(), '2027-04-08 00:00');

  // An overlap is refused, naming both stages, and nothing is saved.
  await fill(1, 'stage-starts', '2027-04-07 12:00');
  await page.getByTestId('rules-save').click();
  await waitText(page, 'error', /阶段“stage-1”与阶段“stage-2”的时间重叠/);
  await page.goto(h.server.url);
  await page.getByTestId('start-round').waitFor();
  assert.equal(await page.getByTestId('stage-open').count(), 0, 'the refused stages were not saved');

  // Fixed and saved: home shows the stage open now and the next one.
  await openOrganizer(page);
  await page.getByTestId('tab-rules').click();
  await addTwoStages();
  await page.getByTestId('rules-save').click();
  await waitText(page, 'flash', /规则已保存/);
  await page.goto(h.server.url);
  await waitText(page, 'stage-open', /当前阶段：第一周（2026-01-01 00:00 至 2027-04-07 23:59）/);
  await waitText(page, 'stage-next', /下一阶段：决赛，2027-04-08 00:00 开始/);
  // 决赛 with its own daily limit once it opens.
  await page.clock.setSystemTime(new Date('2027-04-08T09:00:00+08:00'));
  await page.reload();
  await waitText(page, 'stage-open', /当前阶段：决赛/);
  await page.getByTestId('start-round').click();
  await fillRegistration(page, { name: '孙阶段', province: '湖南省', city: '长沙市', county: '岳麓区' });
  await waitText(page, 'attempts-left', /今天还可答 1 次/);
  // Removed again: the stage lines go.
  await openOrganizer(page);
  await page.getByTestId('tab-rules').click();
  await rows.first().getByTestId('stage-remove').click();
  await rows.first().getByTestId('stage-remove').click();
  assert.equal(await rows.count(), 0);
  await page.getByTestId('rules-save').click();
  await waitText(page, 'flash', /规则已保存/);
  await page.goto(h.server.url);
  await page.getByTestId('start-round').waitFor();
  assert.equal(await page.getByTestId('stage-open').count(), 0);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
