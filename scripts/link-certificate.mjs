// Post-build step: links the certificate's drawing (dist/certificate/, built by trunk from
// certificate/index.html) to the citizen's page. trunk's page for it is removed (it is never
// served); the citizen's start-up script gets `window.kepuDraw(what, request)`, which imports
// the drawing's module with a dynamic `import()` the first time a person taps 证书 or 分享, so
// none of it is in the first load. The files are content-named, and scripts/pwa.mjs precaches
// them for offline use.
// Runs after scripts/inline-wasm.mjs and before scripts/csp.mjs (which moves the start-up
// script into a file of its own).
// usage: node scripts/link-certificate.mjs dist
import fs from 'node:fs';
import path from 'node:path';
import { minified } from './minify.mjs';

const dist = process.argv[2] ?? 'dist';
const dir = path.join(dist, 'certificate');
const built = path.join(dir, 'index.html');
const page = path.join(dist, 'index.html');
let html = fs.readFileSync(page, 'utf8');
if (html.includes('kepuDraw')) {
  console.log(`${page}: the certificate is linked already`);
  process.exit(0);
}
const trunkPage = fs.readFileSync(built, 'utf8');
const js = trunkPage.match(/from '\.\/(certificate-[0-9a-f]+\.js)'/)?.[1];
const wasm = trunkPage.match(/'\.\/(certificate-[0-9a-f]+_bg\.wasm)'/)?.[1];
if (!js || !wasm) throw new Error(`${built}: names no certificate module and wasm`);
fs.rmSync(built);
const glue = path.join(dir, js);
fs.writeFileSync(glue, await minified(fs.readFileSync(glue, 'utf8'), true));
const loader = `
// The certificate and poster's drawing (scripts/link-certificate.mjs), loaded when asked for.
let kepuDrawing;
window.kepuDraw = async (what, request) => {
  kepuDrawing ??= import('./certificate/${js}').then(async (m) => {
    await m.default({ module_or_path: new URL('./certificate/${wasm}', import.meta.url) });
    return m;
  });
  try {
    return (await kepuDrawing)[what](request);
  } catch (e) {
    kepuDrawing = undefined;
    throw e;
  }
};
`;
const boot = html.match(/<script type="module">([\s\S]*?)<\/script>/);
if (!boot) throw new Error(`${page}: no inline start-up script (run this before scripts/csp.mjs)`);
html = html.replace(boot[0], () => `<script type="module">${boot[1]}${loader}</script>`);
fs.writeFileSync(page, html);
const size = (f) => fs.statSync(path.join(dir, f)).size;
console.log(`${page}: certificate linked (${js} ${size(js)} B, ${wasm} ${size(wasm)} B)`);
