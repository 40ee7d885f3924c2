// Post-build step: writes dist/sw.js with the list of files the citizen's app needs
// offline and a version named after their content (a new build = a new cache).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { minified } from './minify.mjs';

const dist = process.argv[2] ?? 'dist';
// The citizen's wasm travels inside index.html when scripts/inline-wasm.mjs ran.
const wasmInPage = fs.readFileSync(path.join(dist, 'index.html'), 'utf8').includes('id="kepu-wasm"');
const top = fs.readdirSync(dist).filter((f) => /\.(html|js|wasm|webmanifest)$/.test(f) && f !== 'sw.js' && !(wasmInPage && f.endsWith('.wasm')));
const files = [
  ...top,
  // The default contest and its bank are inside index.html, the bank's explanations in a
  // file of their own (scripts/inline-contest.mjs).
  ...['questions/default-bank.explanations.json'].filter((f) => fs.existsSync(path.join(dist, f))),
  ...fs.readdirSync(path.join(dist, 'questions/regions')).map((f) => `questions/regions/${f}`),
  // The certificate and poster's drawing (scripts/link-certificate.mjs): not in the first
  // load, but there offline once a person has visited.
  ...(fs.existsSync(path.join(dist, 'certificate')) ? fs.readdirSync(path.join(dist, 'certificate')).map((f) => `certificate/${f}`) : []),
  // The page's own icon; the PNGs are for installing, which needs a connection anyway.
  'icons/icon.svg',
].sort();
const hash = crypto.createHash('sha256');
for (const f of files) hash.update(f).update(fs.readFileSync(path.join(dist, f)));
const version = hash.digest('hex').slice(0, 12);
const template = fs.readFileSync('pwa/sw.js', 'utf8');
fs.writeFileSync(path.join(dist, 'sw.js'),
  await minified(template.replace('__VERSION__', version).replace('__PRECACHE__', JSON.stringify(files)), false));
console.log(`sw.js: version ${version}, ${files.length} files precached`);
