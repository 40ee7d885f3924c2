// End to end at phone size (390×844): a round that passes the default contest earns a
// 电子证书. Its drawing loads only when asked for (no request to certificate/ before); the PNG
// comes as a data URL, is decoded here (signature, IHDR width and height) and downloads; its
// verification code is read off the page and verified on the organizer's page (a match naming
// the person, and a changed code that matches nothing). The 分享 poster is a PNG of its own
// size with a QR code drawn where it belongs. A certificate for very long texts keeps them
// inside its frame. With KEPU_SAVE_IMAGES=1 the two images are written to docs/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { useHarness, phonePage, register } from './helpers.mjs';

const h = useHarness();
const PIN = '2468';
const CERTIFICATE = { width: 1080, height: 1528 };
const POSTER = { width: 1080, height: 1440 };
const bank = JSON.parse(fs.readFileSync('questions/default-bank.json', 'utf8'));
const byId = new Map(bank.questions.map((q) => [q.id, q]));

/** The texts of the right options of a bank question. */
function rightTexts(q) {
  if (q.type === 'true_false') return [q.answer];
  return [...q.answer.matchAll(/[A-H]/g)].map(([letter]) => q.options[letter.charCodeAt(0) - 65]);
}

/** Answers every question of the round rightly, from the bank. */
async function playPerfectRound(page) {
  await page.getByTestId('start-round').click();
  await page.getByTestId('question').waitFor();
  while (!(await page.getByTestId('result-score').count())) {
    const q = byId.get(await page.getByTestId('question').getAttribute('data-qid'));
    const right = rightTexts(q);
    const options = page.getByTestId('option');
    for (let i = 0; i < (await options.count()); i++) {
      const text = (await options.nth(i).locator('.text').textContent()).trim();
      if (right.includes(text)) await options.nth(i).click();
    }
    const before = await page.getByTestId('progress').textContent();
    await page.getByTestId('next').click();
    await page.waitForFunction(
      (b) => document.querySelector('[data-testid="result-score"]') || document.querySelector('[data-testid="progress"]')?.textContent !== b,
      before,
    );
  }
}

/** The bytes of a `data:image/png;base64,` URL. */
function pngOf(url) {
  assert.match(url, /^data:image\/png;base64,/);
  return Buffer.from(url.slice('data:image/png;base64,'.length), 'base64');
}

/** The PNG's signature checked, and its size from the IHDR chunk. */
function pngSize(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR', 'the first chunk is IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Pixels of an image (a data URL) in a rectangle, read back through a canvas in the page. */
function pixels(page, url, [x, y, w, h]) {
  return page.evaluate(async ([url, x, y, w, h]) => {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    return Array.from(ctx.getImageData(x, y, w, h).data);
  }, [url, x, y, w, h]);
}

const dark = (px) => {
  let n = 0;
  for (let i = 0; i < px.length; i += 4) if (px[i] + px[i + 1] + px[i + 2] < 200) n++;
  return n / (px.length / 4);
};

test('a passing round earns a certificate whose code the organizer verifies; the poster has a QR code', async () => {
  const page = await phonePage(h.browser);
  const drawingRequests = [];
  page.on('request', (r) => new URL(r.url()).pathname.includes('/certificate/') && drawingRequests.push(r.url()));
  await register(page, h.server.url, { name: '王小明', province: '广东省', city: '广州市', county: '天河区', crowd: '老年人' });
  await playPerfectRound(page);
  assert.equal(Number(await page.getByTestId('result-score').textContent()), 100);
  assert.deepEqual(drawingRequests, [], 'nothing of the drawing is downloaded before it is asked for');

  await page.getByTestId('open-certificate').click();
  const certificate = page.getByTestId('certificate');
  await certificate.waitFor();
  assert.ok(drawingRequests.some((u) => u.endsWith('.wasm')), `the drawing's wasm is loaded on demand: ${drawingRequests}`);
  assert.equal(await certificate.evaluate((img) => img.tagName), 'IMG', 'an <img> that can be long-pressed');
  const url = await certificate.getAttribute('src');
  assert.deepEqual(pngSize(pngOf(url)), CERTIFICATE);
  const code = (await page.getByTestId('certificate-code').textContent()).trim();
  assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  // The image as shown fits the phone's width.
  const box = await certificate.boundingBox();
  assert.ok(box.width > 200 && box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box));

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('certificate-download').click()]);
  assert.match(download.suggestedFilename(), /\.png$/);
  assert.deepEqual(pngSize(fs.readFileSync(await download.path())), CERTIFICATE);

  await page.getByTestId('open-poster').click();
  const poster = page.getByTestId('poster');
  await poster.waitFor();
  const posterUrl = await poster.getAttribute('src');
  assert.deepEqual(pngSize(pngOf(posterUrl)), POSTER);
  // The QR code sits bottom left in a 340 px square at (110, 990): about half of it dark, and
  // its top-left finder pattern where it belongs: from the first dark pixel, a dark run of 7
  // modules, a light ring one module in, and a dark centre 3.5 modules in.
  const qr = await pixels(page, posterUrl, [110, 990, 340, 340]);
  const share = dark(qr);
  assert.ok(share > 0.3 && share < 0.7, `dark share of the QR code's square: ${share}`);
  const isDark = (x, y) => { const i = (y * 340 + x) * 4; return qr[i] + qr[i + 1] + qr[i + 2] < 200; };
  let first = null;
  for (let d = 0; d < 340 && !first; d++) if (isDark(d, d)) first = d;
  assert.ok(first !== null && first > 5 && first < 60, `the finder starts after a quiet zone: ${first}`);
  let run = 0;
  while (isDark(first + run, first + 1)) run++;
  const module = run / 7;
  assert.ok(module >= 4, `a module of ${module} px`);
  const at = (m) => Math.round(first + m * module);
  assert.equal(isDark(at(1.5), at(1.5)), false, "the finder's light ring");
  assert.equal(isDark(at(3.5), at(3.5)), true, "the finder's dark centre");
  if (process.env.KEPU_SAVE_IMAGES) {
    fs.writeFileSync('docs/certificate.png', pngOf(url));
    fs.writeFileSync('docs/poster.png', pngOf(posterUrl));
  }

  // The organizer's page (same device) verifies the code, typed loosely, and not a changed one.
  await page.goto(h.server.url);
  await page.getByTestId('organizer-entry').click();
  await page.getByTestId('pin-input').fill(PIN);
  await page.getByTestId('pin-submit').click();
  await page.getByTestId('tab-data').click();
  // Each check below gives a different answer, so a new answer is told by its text.
  const verify = async (typed) => {
    const result = page.getByTestId('verify-result');
    const before = (await result.count()) ? await result.textContent() : null;
    await page.getByTestId('verify-input').fill(typed);
    await page.getByTestId('verify-submit').click();
    await page.waitForFunction((b) => {
      const text = document.querySelector('[data-testid="verify-result"]')?.textContent;
      return text !== undefined && text !== b;
    }, before);
    return { match: await result.getAttribute('data-match'), text: await result.textContent() };
  };
  const found = await verify(` ${code.toLowerCase().replaceAll('-', ' ')} `);
  assert.equal(found.match, 'true', found.text);
  assert.match(found.text, /王小明/);
  assert.match(found.text, /广东省 广州市 天河区/);
  assert.match(found.text, /100 \/ 100 分/);
  assert.match(found.text, /本机成绩/);
  const last = code.at(-1);
  const changed = code.slice(0, -1) + (last === '0' ? '1' : '0');
  const missing = await verify(changed);
  assert.equal(missing.match, 'false', missing.text);
  assert.match(missing.text, /没有找到/);
  const nonsense = await verify('1234');
  assert.equal(nonsense.match, 'false');
  assert.match(nonsense.text, /12 位/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('long names, titles and organizers stay inside the certificate frame', async () => {
  const page = await phonePage(h.browser);
  await page.goto(h.server.url);
  await page.getByTestId('start-round').waitFor();
  const request = {
    lang: 'zh',
    contest_id: 'kepu-demo',
    title: '二〇二六年全省全民科学素质网络知识竞赛暨“科学生活、健康老年”专题答题活动（第一阶段·市县联赛）',
    organizer: '某某省科学技术协会、某某省老龄工作委员会办公室、某某省教育厅、某某省农业农村厅联合主办',
    person: 'r0123456789abcdef',
    name: '欧阳诸葛慕容上官司马长孙皇甫令狐宇文长名字测试一二三四五六七八九十',
    region: '新疆维吾尔自治区 伊犁哈萨克自治州 察布查尔锡伯自治县',
    attempt: 'r0123456789abcdef-18c0f3a1b2c',
    score: 85,
    max_score: 100,
    finished_at: 1796142600000,
    address: 'https://quiz.example.org/?contest=questions/contest.json',
  };
  const drawn = await page.evaluate((r) => window.kepuDraw('certificate', r), request);
  assert.deepEqual(pngSize(pngOf(drawn.image)), CERTIFICATE);
  assert.equal(drawn.code, '473D-EH5Q-K771', 'the code the native tests fix for this input');
  // Between the frame's inner rule (x ≤ 73) and the text's margin (x ≥ 120), and the same on
  // the right, nothing is drawn from top to bottom: no text ran over.
  for (const x of [84, 962]) {
    const strip = await pixels(page, drawn.image, [x, 100, 34, CERTIFICATE.height - 200]);
    let off = 0;
    for (let i = 0; i < strip.length; i += 4) {
      if (Math.abs(strip[i] - 0xfd) + Math.abs(strip[i + 1] - 0xf8) + Math.abs(strip[i + 2] - 0xec) > 24) off++;
    }
    assert.equal(off, 0, `pixels drawn in the margin at x=${x}`);
  }
  await page.context().close();
});
