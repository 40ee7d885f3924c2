// Post-build step: puts the default contest and its bank into dist/index.html as JSON data
// blocks, so a phone gets them with the page instead of in two more downloads, each a round
// trip on a slow network (scripts/inline-wasm.mjs does the same for the wasm). The app reads a
// block in place of the file it names; the files stay in questions/ for the organizer and for
// builds without this step.
// Run again after changing questions/ in a built site (it replaces the blocks).
// usage: node scripts/inline-contest.mjs dist
import fs from 'node:fs';
import path from 'node:path';

const dist = process.argv[2] ?? 'dist';
// The element ids are the ones src/web/loader.rs looks for.
const FILES = { 'questions/contest.json': 'kepu-default-contest', 'questions/default-bank.json': 'kepu-default-bank' };
const page = path.join(dist, 'index.html');
let html = fs.readFileSync(page, 'utf8');
// Blocks already in the page (a built site whose contest changed) are replaced where they are.
const block = (id) => new RegExp(`<script type="application/json" id="${id}"[^>]*>[^<]*</script>\\n?`);
const MARK = '<!-- kepu-contest -->';
for (const id of Object.values(FILES)) {
  html = html.replace(block(id), MARK);
}
const at = html.includes(MARK) ? MARK : '</body>';
// What the citizen's app never shows stays in the file only (the organizer reads the file):
// the bank's description and source list, and each question's source and review date.
const CITIZEN_SKIPS = { bank: ['description', 'sources'], question: ['source', 'reviewed'] };
const forCitizen = (value) => {
  if (value.format !== 'kepu-bank') return value;
  for (const key of CITIZEN_SKIPS.bank) delete value[key];
  for (const q of value.questions) for (const key of CITIZEN_SKIPS.question) delete q[key];
  return value;
};
// The explanations are shown only after a question is answered: they are 37 KB of the 80 KB
// bank after brotli, so the page's copy leaves them out and they go into a file of their own
// (EXPLANATIONS, precached by scripts/pwa.mjs) that the app reads once it runs
// (core::bank::Explanations). A question without an id keeps its explanation in the page.
const EXPLANATIONS = 'questions/default-bank.explanations.json';
const explanationsApart = (bank) => {
  const questions = bank.questions.filter((q) => q.id && q.explanation).map((q) => ({ id: q.id, explanation: q.explanation }));
  for (const q of bank.questions) if (q.id) delete q.explanation;
  return { bank: `${bank.id}@${bank.revision}`, questions };
};
// JSON has "<" only inside strings, where \u003c means the same: no "</script" can end a block early.
const blocks = Object.entries(FILES).map(([file, id]) => {
  const value = forCitizen(JSON.parse(fs.readFileSync(path.join(dist, file), 'utf8')));
  let attributes = '';
  if (value.format === 'kepu-bank') {
    fs.writeFileSync(path.join(dist, EXPLANATIONS), JSON.stringify(explanationsApart(value)));
    attributes = ` data-explanations="${EXPLANATIONS}"`;
  }
  const json = JSON.stringify(value).replaceAll('<', '\\u003c');
  return `<script type="application/json" id="${id}"${attributes}>${json}</script>\n`;
});
if (!html.includes(at)) throw new Error(`${page}: no </body>`);
html = html.replace(at, () => `${blocks.join('')}${at === MARK ? '' : at}`).replaceAll(MARK, '');
fs.writeFileSync(page, html);
