// End to end: privacy and integrity (issue #17, items 1–5) — what is stored and exported about
// a phone number, an organizer PIN reset at a kiosk, rules changed on a device, forged results
// files, and namesakes registering on one device.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { useHarness, clockedDevice, fillRegistration as fillForm, register as registerAt, confirmAndWait, download, number, waitText } from './helpers.mjs';

const h = useHarness();
const PIN = '2468';

const device = () => clockedDevice(h.browser);

/** Everyone here registers in 湖南省长沙市 as 农民 (岳麓区 unless another county is given). */
const IN_CHANGSHA = { province: '湖南省', city: '长沙市', county: '岳麓区', crowd: '农民' };
const fillRegistration = (page, person) => fillForm(page, { ...IN_CHANGSHA, ...person });
const register = (page, url, person) => registerAt(page, url, { ...IN_CHANGSHA, ...person });

/** Plays a round choosing the first choice, `think` ms of the page's clock on each question. */
async function playRound(page, think = 3000) {
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  while (!(await page.getByTestId('result-score').count())) {
    await page.clock.fastForward(think);
    await page.getByTestId('option').first().click();
    await confirmAndWait(page);
  }
  return number(page.getByTestId('result-score'));
}

async function openOrganizer(page, pin = PIN) {
  await page.goto(h.server.url);
  await page.getByTestId('organizer-entry').click();
  await page.getByTestId('pin-input').fill(pin);
  await page.getByTestId('pin-submit').click();
  await page.getByTestId('tab-stats').waitFor();
}

const downloadText = async (page, testid) => (await download(page, testid)).bytes.toString('utf8');

const storedText = (page) =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('kepu.')).map((k) => `${k}=${localStorage.getItem(k)}`).join('\n'));

test('#17.1 nothing stored or exported carries a phone number or a part of one', async () => {
  const page = await device();
  await register(page, h.server.url, { name: '王芳', phone: '138 1234 5678' });
  await playRound(page);
  const stored = await storedText(page);
  assert.match(stored, /王芳/, 'the person is stored');
  // Neither the number nor its masked form (138****5678), nor its first seven digits.
  assert.doesNotMatch(stored, /\*\*\*\*|13812345678|1381234/, 'no phone, masked or whole, is stored');
  await openOrganizer(page);
  await page.getByTestId('tab-data').click();
  const results = await downloadText(page, 'export-ledger');
  assert.doesNotMatch(results, /\*\*\*\*|13812345678|1381234/, 'the results file carries no phone');
  await page.getByTestId('export-attempts-csv').waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="export-attempts-csv"]').disabled);
  const attempts = await downloadText(page, 'export-attempts-csv');
  assert.match(attempts, /王芳/);
  assert.doesNotMatch(attempts, /\*\*\*\*|13812345678|1381234/, 'the attempt list carries no phone');
  await page.context().close();
});

test('#17.2 a PIN reset wipes the banks and rules, and attempts under changed rules are flagged', async () => {
  const page = await device();
  await register(page, h.server.url, { name: '赵敏' });
  await playRound(page); // under the package's rules
  await openOrganizer(page);
  // The organizer changes the bank and the rules on this device.
  await page.getByTestId('tab-banks').click();
  await page.getByTestId('bank-file').setInputFiles('tests/fixtures/e2e/bank.csv');
  await page.getByTestId('import-confirm').click();
  await page.getByTestId('bank-item').getByTestId('bank-use').click();
  await waitText(page, 'flash', /改用/);
  await page.getByTestId('tab-rules').click();
  await page.getByTestId('rule-attempts').fill('0');
  await page.getByTestId('rule-attempts').dispatchEvent('change');
  await page.getByTestId('rules-save').click();
  await waitText(page, 'flash', /规则已保存/);
  await page.goto(h.server.url);
  await playRound(page); // under the changed rules and bank
  // Someone at the kiosk resets the PIN.
  await page.getByText('返回首页').click();
  await page.getByTestId('organizer-entry').click();
  await page.getByText('忘记密码？').click();
  await page.getByTestId('pin-reset').click();
  await page.getByTestId('pin-input').fill('9999');
  await page.getByTestId('pin-submit').click();
  await page.getByTestId('tab-stats').waitFor();
  // Nothing of the previous organizer's is inherited.
  await page.getByTestId('tab-banks').click();
  assert.equal(await page.getByTestId('bank-item').count(), 0, 'the saved banks are gone');
  assert.equal(await page.getByTestId('bank-current').textContent(), '科普答题默认题库');
  await page.getByTestId('tab-rules').click();
  assert.equal(await page.getByTestId('rule-attempts').inputValue(), '3', 'the package rules are back');
  // The attempt played under the changed rules is flagged, the other one is not.
  await page.getByTestId('tab-stats').click();
  assert.equal(await number(page.getByTestId('stat-participations')), 2);
  await waitText(page, 'stat-modified', /本机修改过规则.*1/);
  await page.getByTestId('tab-data').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="export-attempts-csv"]').disabled);
  const rows = (await downloadText(page, 'export-attempts-csv')).split('\r\n').filter((l) => l.includes('赵敏'));
  assert.equal(rows.length, 2);
  assert.equal(rows.filter((l) => l.includes('本机修改过规则')).length, 1, rows.join('\n'));
  // The citizen's page draws from the package again.
  await page.goto(h.server.url);
  await page.getByTestId('start-round').click();
  assert.doesNotMatch(await page.getByTestId('question').getAttribute('data-qid'), /^E2E-/);
  await page.context().close();
});

/** The ledger rows of a results file edited as a forger would, with a recomputed checksum. */
function forge(text, rows) {
  const file = JSON.parse(text);
  file.ledger.attempts = rows;
  file.count = rows.length;
  file.checksum = crypto.createHash('sha256').update(`${file.contest_id}\n${JSON.stringify(file.ledger)}`).digest('hex');
  return JSON.stringify(file);
}

test('#17.3 a forged results file: impossible and recomputed-wrong records are refused and counted', async () => {
  const a = await device();
  await register(a, h.server.url, { name: '钱一' });
  const score = await playRound(a);
  await openOrganizer(a);
  await a.getByTestId('tab-data').click();
  const text = await downloadText(a, 'export-ledger');
  const [row] = JSON.parse(text).ledger.attempts;
  const edit = (i, value, id) => {
    const fields = row.split('.');
    fields[i] = value;
    return `${fields.slice(0, 13).join('.')}.${id}`;
  };
  const b36 = (n) => n.toString(36);
  const forged = forge(text, [
    edit(7, row.split('.')[7], 'honest-copy'),
    edit(7, b36(999), 'over-max'),
    edit(4, b36(Date.UTC(2099, 0, 1)), 'in-2099'),
    edit(5, `-${b36(60_000)}`, 'finish-before-start'),
    edit(7, b36(score <= 90 ? score + 5 : score - 5), 'wrong-score'),
  ]);
  const file = path.resolve('target/e2e-forged.json');
  fs.mkdirSync('target', { recursive: true });
  fs.writeFileSync(file, forged);

  const b = await device();
  await openOrganizer(b);
  await b.getByTestId('tab-data').click();
  await b.getByTestId('ledger-file').setInputFiles(file);
  await waitText(b, 'flash', /新增 1 条/);
  const flash = await b.getByTestId('flash').textContent();
  assert.match(flash, /拒绝 4 条/);
  assert.match(flash, /得分超过满分/);
  assert.match(flash, /竞赛时间之外/);
  assert.match(flash, /交卷时间早于开始时间/);
  assert.match(flash, /与按题库重新计算的得分不符/);
  await b.getByTestId('tab-stats').click();
  assert.equal(await number(b.getByTestId('stat-participations')), 1);
  await a.context().close();
  await b.context().close();
});

test('#17.4 a namesake in the same county is asked about, and a new person gets their own identity', async () => {
  const page = await device();
  const url = `${h.server.url}?contest=e2e/limit.json`; // one attempt a day
  await register(page, url, { name: '张伟' });
  await playRound(page);
  await page.getByText('返回首页').click();
  // A second 张伟 from the same county registers on this device.
  await page.getByTestId('next-participant').click();
  await fillRegistration(page, { name: '张伟' });
  await waitText(page, 'namesake', /是同一个人吗？/);
  await page.getByTestId('namesake-new').click();
  await page.getByTestId('participant').waitFor();
  assert.match(await page.getByTestId('attempts-left').textContent(), /1/, 'the new person has their own attempt');
  await playRound(page);
  await page.getByText('返回首页').click();
  // The first 张伟 comes back: the same person, so today's attempt is used up.
  await page.getByTestId('next-participant').click();
  await fillRegistration(page, { name: '张伟' });
  await waitText(page, 'namesake', /是同一个人吗？/);
  await page.getByTestId('namesake-same').first().click();
  await page.getByTestId('participant').waitFor();
  assert.match(await page.getByTestId('attempts-left').textContent(), /0/);
  await page.getByTestId('organizer-entry').click();
  await page.getByTestId('pin-input').fill(PIN);
  await page.getByTestId('pin-submit').click();
  assert.equal(await number(page.getByTestId('stat-participants')), 2, 'two people, not one');
  await page.context().close();
});

test('#17.5 a name of only invisible characters is refused', async () => {
  const page = await device();
  await page.goto(h.server.url);
  for (const name of ['\u200b\u200b', '\ufeff', '\u200d \u2060', '\u3164']) {
    // A fresh form each time, so the message seen is this name's (registering takes a task).
    await page.reload();
    await page.getByTestId('start-round').click();
    await page.getByTestId('reg-name').fill(name);
    await page.getByTestId('reg-submit').click();
    await page.getByTestId('error').filter({ hasText: '请填写姓名或昵称' }).first().waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('participant').count(), 0, `${JSON.stringify(name)} registered no one`);
  }
  await page.context().close();
});
