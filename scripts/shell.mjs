// Post-build step: the static first screen. The built app is opened in headless Chromium (a
// fresh phone-sized device) and its home screen and registration form for the default contest
// are put into dist/index.html as they were drawn, with shell/shell.js inline after them: a
// person sees the real start button and form as soon as the first bytes of the page have
// arrived, and can tap and type before the WebAssembly has started (it takes over,
// src/web/browser/shell.rs). Same markup, labels, ids and test hooks as the app's, by construction.
// Run again after changing the default contest in a built site (it replaces the shell), then
// scripts/pwa.mjs. Runs before scripts/csp.mjs, which allows its script by hash.
// usage: node scripts/shell.mjs dist
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from '../e2e/server.mjs';
import { launch, PHONE } from '../e2e/browser.mjs';
import { minified } from './minify.mjs';

const dist = process.argv[2] ?? 'dist';
const file = path.join(dist, 'index.html');
const BEGIN = '<!-- kepu-shell -->';
const END = '<!-- /kepu-shell -->';
const without = fs.readFileSync(file, 'utf8').replace(new RegExp(`${BEGIN}[\\s\\S]*?${END}\\n?`), '');
fs.writeFileSync(file, without);

// The home screen is drawn with the contest open, as the shell is used only then: on a clock
// inside the contest's dates when the build is made before or after them (Asia/Shanghai).
const { rules } = JSON.parse(fs.readFileSync(path.join(dist, 'questions/contest.json'), 'utf8'));
const shanghai = (t) => Date.parse(`${t.replace(' ', 'T')}${t.length === 16 ? ':00' : ''}+08:00`);
const [starts, ends] = [shanghai(rules.starts), shanghai(rules.ends)];
const clock = Date.now() < starts || Date.now() > ends ? starts : null;

const server = await serve({ root: path.resolve(dist) });
const browser = await launch();
let topbar;
let home;
let register;
try {
  const page = await (await browser.newContext(PHONE)).newPage();
  if (clock !== null) await page.clock.install({ time: clock });
  await page.goto(server.url);
  const start = page.getByTestId('start-round');
  await start.waitFor();
  if (await start.isDisabled()) throw new Error(`${file}: the default contest is not open on the page's clock`);
  // The brand only: the language and text-size buttons come with the app.
  topbar = await page.evaluate(() => {
    const bar = document.querySelector('#app header.topbar').cloneNode(true);
    bar.querySelectorAll('button').forEach((b) => b.remove());
    return bar.outerHTML;
  });
  const main = () => page.evaluate(() => document.querySelector('#app main').outerHTML);
  home = await main();
  await start.click();
  await page.getByTestId('reg-name').waitFor();
  if (rules.registration?.region_depth ?? 0) await page.getByTestId('reg-region-1').waitFor();
  register = await main();
} finally {
  await browser.close();
  await server.close();
}

// While the app is on its way, a tap on practice shows the page's own loading line.
const loading = without.match(/<div id="app">[\s\S]*?(<main[\s\S]*?<\/main>)/)?.[1];
if (!loading) throw new Error(`${file}: no loading line in #app`);
const script = await minified(fs.readFileSync('shell/shell.js', 'utf8'), false);
const shell = [
  BEGIN,
  `<div id="kepu-shell" data-screen="home" hidden>${topbar}`,
  `<div data-shell="home">${home}</div>`,
  `<div data-shell="register" hidden>${register}</div>`,
  `<div data-shell="wait" hidden>${loading.replace(/\s*<noscript>[\s\S]*?<\/noscript>/, '')}</div>`,
  '</div>',
  `<script>${script}</script>`,
  END,
].join('\n');
// Right after #app (its loading line has no <div> inside), before the page's data blocks.
const app = without.match(/<div id="app">[\s\S]*?<\/div>\n?/);
if (!app) throw new Error(`${file}: no #app`);
const html = without.replace(app[0], () => `${app[0]}${shell}\n`);
// A page whose policy was written already (a rebuilt shell) must allow this very script.
const hash = `'sha256-${crypto.createHash('sha256').update(script).digest('base64')}'`;
if (html.includes('http-equiv="Content-Security-Policy"') && !html.includes(hash)) {
  throw new Error(`${file}: its Content-Security-Policy does not allow shell/shell.js as it is now; build again`);
}
fs.writeFileSync(file, html);
console.log(`${file}: static first screen, ${shell.length} characters`);
