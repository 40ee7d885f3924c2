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
for (const id of Object.values(FILES)) {
  html = html.replace(new RegExp(`<script type="application/json" id="${id}">[^<]*</script>\\n?`), '');
}
// What the citizen's app never shows stays in the file only (the organizer reads the file):
// the bank's description and source list, and each question's source and review date.
const CITIZEN_SKIPS = { bank: ['description', 'sources'], question: ['source', 'reviewed'] };
const forCitizen = (value) => {
  if (value.format !== 'kepu-bank') return value;
  for (const key of CITIZEN_SKIPS.bank) delete value[key];
  for (const q of value.questions) for (const key of CITIZEN_SKIPS.question) delete q[key];
  return value;
};
// JSON has "<" only inside strings, where \u003c means the same: no "</script" can end a block early.
const blocks = Object.entries(FILES).map(([file, id]) => {
  const value = forCitizen(JSON.parse(fs.readFileSync(path.join(dist, file), 'utf8')));
  const json = JSON.stringify(value).replaceAll('<', '\\u003c');
  return `<script type="application/json" id="${id}">${json}</script>\n`;
});
if (!html.includes('</body>')) throw new Error(`${page}: no </body>`);
html = html.replace('</body>', `${blocks.join('')}</body>`);
fs.writeFileSync(page, html);
