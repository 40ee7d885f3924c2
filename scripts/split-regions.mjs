// Build step: splits questions/regions.json for the citizen's app, so a phone downloads only
// the regions it shows: questions/regions/index.json (provinces and cities, 2.5 KB brotli)
// and one file of counties per province, questions/regions/<2-digit code>.json (≤ 1.3 KB).
// The organizer's statistics keep reading the whole regions.json.
// usage: node scripts/split-regions.mjs dist/questions
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? 'dist/questions';
const whole = JSON.parse(fs.readFileSync(path.join(dir, 'regions.json'), 'utf8'));
const out = path.join(dir, 'regions');
fs.mkdirSync(out, { recursive: true });
// The parts leave out `source` (a phone never shows it; regions.json and README name it).
const write = (name, regions, extra = {}) => fs.writeFileSync(path.join(out, name),
  JSON.stringify({ format: whole.format, version: whole.version, ...extra, regions }));
const isCounty = ([code]) => !code.endsWith('00');
write('index.json', whole.regions.filter((r) => !isCounty(r)), { split: true });
const provinces = whole.regions.filter(([code]) => code.endsWith('0000')).map(([code]) => code.slice(0, 2));
for (const p of provinces) write(`${p}.json`, whole.regions.filter((r) => isCounty(r) && r[0].startsWith(p)));
console.log(`regions: index and ${provinces.length} county files in ${out}`);
