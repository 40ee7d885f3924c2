// End to end for #17's faults that lost or locked a round, and the citizen's page over time:
// a bank changed mid-round, a tap racing a time-out, the clock moved back, the home page
// across the contest's boundaries, storage, focus and announcements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness, clockedDevice, register, waitText } from './helpers.mjs';

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
