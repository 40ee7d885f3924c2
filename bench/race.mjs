// Races our release build against a peer built from npm (React 18, react-dom 18,
// react-quiz-component 0.9.1, vite; bench/race/peer/), both holding the same 60 questions and
// both served by e2e/server.mjs with brotli, on a phone under bench/throttling.mjs's Slow 4G
// and Regular 3G with the CPU slowed 4×. The measure, timed in the page from navigation start:
// the start button is tapped as soon as it is on screen and enabled, and again every 100 ms
// until the next screen shows (a button that does nothing does not count), then the frame that
// paints the next screen (ours: the registration form or a question; the peer's: its first
// question). Runs alternate (ours, peer, ours, …), each in a new browser context (no cache, no
// service worker, empty storage); it prints both medians and ours ÷ peer's.
// usage: node bench/race.mjs [runs]   (runs per app and network, at least 7; default 9)
// Needs dist/ (bash scripts/build) and npm (the peer is installed with `npm ci`). Not part of CI.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { serve } from '../e2e/server.mjs';
import { launch } from '../e2e/browser.mjs';
import { PROFILES, median, throttled } from './throttling.mjs';

const runs = Math.max(7, Number(process.argv[2] ?? 9));
const PEER = path.resolve('bench/race/peer');
const OURS = path.resolve('target/race/ours');
const PER_TYPE = 20;

// RACE_DIST=<folder> races another build of ours (e.g. one made before a change).
const DIST = process.env.RACE_DIST ?? 'dist';
if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error('build first: bash scripts/build');

// The same 60 questions for both: 20 of each type, spread evenly over the default bank in
// its order (a fixed selection).
const bank = JSON.parse(fs.readFileSync('questions/default-bank.json', 'utf8'));
const picked = ['true_false', 'single', 'multiple'].flatMap((type) => {
  const all = bank.questions.filter((q) => q.type === type);
  return Array.from({ length: PER_TYPE }, (_, i) => all[Math.floor((i * all.length) / PER_TYPE)]);
});

// Ours: the release build with these 60 as its default contest's bank, put into the page by
// the build's own steps, the way the default contest travels (the peer's travel in its bundle).
fs.rmSync(OURS, { recursive: true, force: true });
fs.cpSync(DIST, OURS, { recursive: true });
fs.writeFileSync(path.join(OURS, 'questions/default-bank.json'), JSON.stringify({ ...bank, questions: picked }, null, 1));
execFileSync('node', ['scripts/inline-contest.mjs', OURS], { stdio: 'inherit' });
execFileSync('node', ['scripts/pwa.mjs', OURS], { stdio: 'inherit' });

// The peer: react-quiz-component's JSON (answers numbered from 1; 判断 as two answers).
const rules = JSON.parse(fs.readFileSync('questions/contest.json', 'utf8')).rules;
const letters = (answer) => [...answer.replace(/[^A-H]/g, '')].map((l) => l.charCodeAt(0) - 64);
const quiz = {
  quizTitle: rules.title,
  quizSynopsis: `主办：${rules.organizer}`,
  nrOfQuestions: String(rules.round.mix.reduce((n, m) => n + m.count, 0)),
  appLocale: {
    landingHeaderText: '共 <questionLength> 题', question: '题目', startQuizBtn: '开始答题', resultFilterAll: '全部',
    resultFilterCorrect: '答对', resultFilterIncorrect: '答错', prevQuestionBtn: '上一题', nextQuestionBtn: '下一题',
    resultPageHeaderText: '答题完成：<questionLength> 题答对 <correctIndexLength> 题。',
  },
  questions: picked.map((q) => {
    const tf = q.type === 'true_false';
    const right = tf ? [q.answer === '正确' ? 1 : 2] : letters(q.answer);
    return {
      question: q.stem,
      questionType: 'text',
      answerSelectionType: q.type === 'multiple' ? 'multiple' : 'single',
      answers: tf ? ['正确', '错误'] : q.options,
      correctAnswer: q.type === 'multiple' ? right : String(right[0]),
      explanation: q.explanation ?? '',
      point: String(rules.scoring[q.type]),
    };
  }),
};
fs.writeFileSync(path.join(PEER, 'src/quiz.json'), JSON.stringify(quiz));
execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: PEER, stdio: 'inherit' });
execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: PEER, stdio: 'inherit' });

const APPS = {
  // `app`: the next screen drawn by the app itself (ours: not the static one of index.html).
  ours: { root: OURS, start: '[data-testid="start-round"]', next: '[data-testid="reg-name"], [data-testid="question"]', app: '#app [data-testid="reg-name"], #app [data-testid="question"]' },
  peer: { root: path.join(PEER, 'dist'), start: '.startQuizBtn', next: '.questionWrapperBody', app: '.questionWrapperBody' },
};

/** Installed in every page: taps `start` once it is on screen (in the frame after it is, at
 * its centre, with nothing over it) and enabled, again every 100 ms while `next` has not
 * shown, and notes the frame that paints `next`, and the one that paints `app`. Times are
 * from navigation start. */
function racer({ start, next, app }) {
  const race = (window.__race = { taps: 0 });
  const onScreen = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.bottom > innerHeight) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && el.contains(hit);
  };
  let tapping = false;
  const tap = () => {
    if (race.done !== undefined) return;
    const button = document.querySelector(start);
    if (button && !button.disabled && onScreen(button)) {
      race.firstTap ??= performance.now();
      race.taps++;
      button.click();
    }
    setTimeout(tap, 100);
  };
  const check = () => {
    if (race.app === undefined && !race.appSeen && race.seen && document.querySelector(app) && onScreen(document.querySelector(app))) {
      race.appSeen = true;
      requestAnimationFrame(() => { race.app = performance.now(); });
    }
    if (race.done !== undefined || race.seen) return;
    const shown = document.querySelector(next);
    if (shown && onScreen(shown)) {
      race.seen = true;
      requestAnimationFrame(() => { race.done = performance.now(); });
      check();
      return;
    }
    const button = document.querySelector(start);
    if (!tapping && button && !button.disabled && onScreen(button)) {
      tapping = true;
      race.found = performance.now();
      requestAnimationFrame(() => setTimeout(tap, 0));
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
  // For what changes on screen without a change in the document (a style sheet arriving).
  const poll = () => { check(); if (!race.appSeen) setTimeout(poll, 100); };
  poll();
}

/** Every file of `root` once with brotli, so the server has compressed them before the race. */
async function warm(server, root) {
  const files = fs.readdirSync(root, { recursive: true }).filter((f) => fs.statSync(path.join(root, f)).isFile());
  await Promise.all(files.map((f) => new Promise((resolve, reject) => {
    http.get(new URL(f.split(path.sep).map(encodeURIComponent).join('/'), server.url), { headers: { 'accept-encoding': 'br' } }, (res) => res.resume().on('end', resolve)).on('error', reject);
  })));
  server.sent.reset();
}

const servers = {};
for (const [name, app] of Object.entries(APPS)) {
  servers[name] = await serve({ root: app.root });
  await warm(servers[name], app.root);
}
const browser = await launch();

/** One cold run of `name`: { ms, tapAt, taps, bytes } */
async function race(name, profile) {
  const app = APPS[name];
  const server = servers[name];
  const { context, page } = await throttled(browser, profile, [[racer, { start: app.start, next: app.next, app: app.app }]]);
  try {
    server.sent.reset();
    await page.goto(server.url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__race?.done !== undefined, null, { timeout: 60_000, polling: 50 });
    const bytes = server.sent.bytes;
    await page.waitForFunction(() => window.__race.app !== undefined, null, { timeout: 60_000, polling: 50 });
    const r = await page.evaluate(() => window.__race);
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
    return { ms: r.done, tapAt: r.firstTap, found: r.found, fcp, taps: r.taps, bytes, app: r.app };
  } finally {
    await context.close();
  }
}

try {
  const summary = [];
  for (const [network, profile] of Object.entries(PROFILES)) {
    // One run each first, not counted: Chromium's own first start-up of the session.
    await race('ours', profile);
    await race('peer', profile);
    const results = { ours: [], peer: [] };
    for (let i = 0; i < runs; i++) {
      for (const name of ['ours', 'peer']) results[name].push(await race(name, profile));
    }
    const m = (name, key) => median(results[name].map((r) => r[key]));
    const line = (name) => `${name} ${Math.round(m(name, 'ms'))} ms (first paint ${Math.round(m(name, 'fcp'))} ms, start found ${Math.round(m(name, 'found'))} ms, tapped at ${Math.round(m(name, 'tapAt'))} ms, `
      + `taps ${Math.min(...results[name].map((r) => r.taps))}–${Math.max(...results[name].map((r) => r.taps))}, ${Math.round(m(name, 'bytes') / 1024)} KB sent`
      + `${name === 'ours' ? `; the app's own screen ${Math.round(m(name, 'app'))} ms` : ''})`;
    const ratio = m('ours', 'ms') / m('peer', 'ms');
    console.log(`${network.padEnd(11)} ${line('ours')} · ${line('peer')} · ratio ${ratio.toFixed(2)}   (median of ${runs})`);
    console.log(`${''.padEnd(11)} ours: ${results.ours.map((r) => Math.round(r.ms)).join(' ')} · peer: ${results.peer.map((r) => Math.round(r.ms)).join(' ')}`);
    summary.push(`${network} ${ratio.toFixed(2)}`);
  }
  console.log(`ratio (ours ÷ peer): ${summary.join(' · ')}`);
} finally {
  await browser.close();
  for (const s of Object.values(servers)) await s.close();
}
