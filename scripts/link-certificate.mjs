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
const boot = html.match(/<script type="module">([\s\S]*?)<\/script>/);
if (!boot) throw new Error(`${page}: no inline start-up script (run this before scripts/csp.mjs)`);
if (boot[1].includes('window.kepuDraw')) {
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
// A tap on a result card's button (data-draw) draws into the card's .keepsake-place (its data-*
// attributes say what); its data-busy and data-failed texts are the page's words while drawing
// and on failure. The place is not the app's (Yew renders it empty and leaves it so).
const loader = `
// The certificate and poster's drawing (scripts/link-certificate.mjs), loaded when asked for.
let kepuDrawing;
window.kepuDraw = async (what, request, place) => {
  kepuDrawing ??= import('./certificate/${js}').then(async (m) => {
    await m.default({ module_or_path: new URL('./certificate/${wasm}', import.meta.url) });
    return m;
  });
  try {
    return (await kepuDrawing).draw(what, request, place);
  } catch (e) {
    kepuDrawing = undefined;
    throw e;
  }
};
document.addEventListener('click', async (event) => {
  const button = event.target.closest?.('[data-draw]');
  const card = button?.closest('[data-keepsake]');
  if (!card || card.dataset.drawing) return;
  const place = card.querySelector('.keepsake-place');
  const note = place.querySelector('.keepsake-note') ?? place.insertBefore(document.createElement('p'), place.firstChild);
  note.className = 'keepsake-note';
  note.setAttribute('role', 'status');
  note.removeAttribute('data-testid');
  note.textContent = card.dataset.busy;
  card.dataset.drawing = 1;
  try {
    await window.kepuDraw(button.dataset.draw, card);
    note.remove();
  } catch {
    note.className = 'keepsake-note error';
    note.setAttribute('role', 'alert');
    note.dataset.testid = 'error';
    note.textContent = card.dataset.failed;
  }
  delete card.dataset.drawing;
});
`;
html = html.replace(boot[0], () => `<script type="module">${boot[1]}${loader}</script>`);
fs.writeFileSync(page, html);
const size = (f) => fs.statSync(path.join(dir, f)).size;
console.log(`${page}: certificate linked (${js} ${size(js)} B, ${wasm} ${size(wasm)} B)`);
