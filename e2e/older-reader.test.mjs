// 长辈模式 with 大字 at 200 %: nothing on the question and result screens is cut off or
// overlaps, every target is at least 56 px high. Checked at 200 % zoom (a 390×844 phone leaves
// 195×422 CSS pixels) and at 200 % text size (the phone's font scaling: the root font doubled
// at 390 px). With SHOTS=dir set it also saves 390×844 screenshots of the two screens there
// (docs/older-reader-question.png and docs/older-reader-result.png come from it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useHarness, phonePage, fillRegistration } from './helpers.mjs';
import { PHONE } from './browser.mjs';
import { installFakeSpeech } from './fake-speech.mjs';

const h = useHarness();

/** Every visible interactive element's box (page coordinates), and whether its text is cut. */
async function layout(page) {
  return page.evaluate(() => {
    const visible = (e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden' && !e.closest('.visually-hidden');
    };
    const box = (e) => {
      const r = e.getBoundingClientRect();
      return {
        name: e.dataset.testid ?? e.textContent.trim().slice(0, 24),
        left: r.left, right: r.right, top: r.top + scrollY, bottom: r.bottom + scrollY, height: r.height,
        cut: e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1,
      };
    };
    const targets = [...document.querySelectorAll('button, a[href], input, select')].filter(visible).map(box);
    const texts = [...document.querySelectorAll('main h1, main h2, main p, main li, main span, .topbar *')].filter(visible).map(box);
    return { width: innerWidth, scroll: document.documentElement.scrollWidth, targets, texts };
  });
}

function assertFits(m, where) {
  assert.ok(m.scroll <= m.width, `${where}: the page scrolls sideways (${m.scroll} > ${m.width})`);
  assert.ok(m.targets.length >= 3, `${where}: targets found`);
  for (const t of m.targets) {
    assert.ok(t.left >= -0.5 && t.right <= m.width + 0.5, `${where}: "${t.name}" spans ${t.left}–${t.right} of ${m.width}`);
    assert.ok(t.height >= 56 - 0.5, `${where}: "${t.name}" is ${t.height} px high`);
    assert.ok(!t.cut, `${where}: the text of "${t.name}" is cut off`);
  }
  for (const t of m.texts) {
    assert.ok(t.left >= -0.5 && t.right <= m.width + 0.5, `${where}: text "${t.name}" spans ${t.left}–${t.right} of ${m.width}`);
  }
  for (let i = 0; i < m.targets.length; i++) {
    for (let j = i + 1; j < m.targets.length; j++) {
      const [a, b] = [m.targets[i], m.targets[j]];
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const hgt = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      assert.ok(w <= 0.5 || hgt <= 0.5, `${where}: "${a.name}" and "${b.name}" overlap (${w.toFixed(1)}×${hgt.toFixed(1)})`);
    }
  }
}

const sizes = [
  { name: '200 % zoom', viewport: { width: 195, height: 422 }, font: null },
  { name: '200 % text size', viewport: PHONE.viewport, font: '44px' },
  { name: 'phone', viewport: PHONE.viewport, font: null, shots: process.env.SHOTS },
];

for (const size of sizes) {
  test(`长辈模式 + 大字 at ${size.name}: the question, result and review screens fit`, async () => {
    const context = await h.browser.newContext({ ...PHONE, viewport: size.viewport });
    await installFakeSpeech(context);
    if (size.font) {
      // The phone's text size at 200 %: every rem and em doubles, the width does not.
      // Through the CSSOM, which the page's Content-Security-Policy allows (a <style> it does not).
      await context.addInitScript((font) => {
        const grow = () => document.documentElement?.style.setProperty('font-size', font, 'important');
        if (document.documentElement) grow(); else document.addEventListener('DOMContentLoaded', grow);
      }, size.font);
    }
    const page = await phonePage(h.browser, context);
    await page.goto(`${h.server.url}?contest=e2e/voice.json`);
    await page.getByTestId('large-text').click();
    await page.getByTestId('older-reader').click();
    assert.equal(await page.getByTestId('older-reader').getAttribute('aria-pressed'), 'true');
    assert.match(await page.evaluate(() => document.documentElement.className), /\blarge\b.*\bolder\b/);
    if (size.font) assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), size.font);
    await page.getByTestId('start-round').click();
    await fillRegistration(page, { name: '欧阳奶奶', province: '湖南省', city: '长沙市', county: '岳麓区', crowd: '老年人' });
    await page.getByTestId('participant').waitFor();
    await page.getByTestId('start-round').click();
    await page.getByTestId('question').waitFor();
    await page.getByTestId('option').nth(1).click();
    assertFits(await layout(page), `${size.name}, question`);
    if (size.shots) {
      await page.evaluate(() => scrollTo(0, 0));
      await page.screenshot({ path: path.join(size.shots, 'older-reader-question.png') });
    }
    for (let i = 0; i < 3; i++) {
      const before = await page.getByTestId('progress').textContent();
      if (i > 0) await page.getByTestId('option').first().click();
      await page.getByTestId('next').click();
      await page.waitForFunction((b) => document.querySelector('[data-testid="result-score"]') || document.querySelector('[data-testid="progress"]')?.textContent !== b, before);
    }
    await page.getByTestId('result-score').waitFor();
    // One thing per screen: the score; the review behind a button, one question at a time.
    assert.equal(await page.getByTestId('review-item').count(), 0);
    assertFits(await layout(page), `${size.name}, result`);
    if (size.shots) {
      await page.evaluate(() => scrollTo(0, 0));
      await page.screenshot({ path: path.join(size.shots, 'older-reader-result.png') });
    }
    await page.getByTestId('open-review').click();
    assert.equal(await page.getByTestId('review-item').count(), 1);
    assertFits(await layout(page), `${size.name}, review`);
    await page.getByTestId('review-next').click();
    await page.getByTestId('review-close').click();
    await page.getByTestId('result-score').waitFor();
    assert.deepEqual(page.problems, []);
    await context.close();
  });
}
