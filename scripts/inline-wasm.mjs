// Post-build step: puts the citizen's wasm into dist/index.html as a data block, so a phone
// gets the app with the page in one response. Otherwise the wasm request can only go out once
// the page has arrived and been read, and waits a round trip of its own (0.56 s on Slow 4G)
// while the connection sits idle.
//
// One character per byte, U+0000–U+00FF. Three bytes would not survive HTML as themselves: NUL
// (read as U+FFFD), CR (read as LF) and "<" (markup). They are carried by the three rarest
// bytes that are one-byte characters, and those rare bytes by U+0100–U+0102. brotli packs that
// about 2 % larger than the file; escaping the three to U+0100–U+0102 directly made NUL, the
// commonest byte of wasm, a two-byte character (+4 %), and base64 would cost 30 %.
// The start-up script decodes the block (`kepuWasm`, written here with this build's table) and
// asks for the file when there is no block (builds without this step).
// Runs before scripts/csp.mjs, which moves the start-up script into a file of its own.
// usage: node scripts/inline-wasm.mjs dist
import fs from 'node:fs';
import path from 'node:path';

const SPECIAL = [0x00, 0x0d, 0x3c];

/** The block's text for `bytes`, and the start-up code (`kepuWasm`) that reads it back. */
export function encode(bytes) {
  const count = new Array(256).fill(0);
  for (const b of bytes) count[b]++;
  // One-byte characters the HTML parser leaves alone; ties go to the lower value.
  const carriers = Array.from({ length: 127 }, (_, i) => i + 1)
    .filter((c) => !SPECIAL.includes(c))
    .sort((a, b) => count[a] - count[b] || a - b)
    .slice(0, SPECIAL.length);
  const charOf = Array.from({ length: 256 }, (_, b) => b);
  SPECIAL.forEach((special, k) => {
    charOf[special] = carriers[k];
    charOf[carriers[k]] = 0x100 + k;
  });
  const chars = new Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) chars[i] = String.fromCharCode(charOf[bytes[i]]);
  const decoder = `
// The app's wasm comes inside the page (scripts/inline-wasm.mjs), one character per byte.
const kepuWasm = (file) => {
  const block = document.getElementById('kepu-wasm');
  if (!block) return file;
  const text = block.textContent;
  block.remove();
  const byteOf = new Uint8Array(0x103).map((_, c) => c);
  ${SPECIAL.map((special, k) => `byteOf[${carriers[k]}] = ${special}; byteOf[${0x100 + k}] = ${carriers[k]};`).join('\n  ')}
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = byteOf[text.charCodeAt(i)];
  return bytes;
};
`;
  return { text: chars.join(''), decoder };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = process.argv[2] ?? 'dist';
  const page = path.join(dist, 'index.html');
  let html = fs.readFileSync(page, 'utf8');
  if (html.includes('id="kepu-wasm"')) {
    console.log(`${page}: the wasm is inside already`);
    process.exit(0);
  }
  const boot = html.match(/<script type="module">([\s\S]*?)<\/script>/);
  if (!boot) throw new Error(`${page}: no inline start-up script (run this before scripts/csp.mjs)`);
  const name = boot[1].match(/module_or_path: '\.\/([^']+_bg\.wasm)'/)?.[1];
  if (!name) throw new Error(`${page}: the start-up script names no wasm`);
  const { text, decoder } = encode(fs.readFileSync(path.join(dist, name)));
  const script = boot[1].replace(`module_or_path: './${name}'`, `module_or_path: kepuWasm('./${name}')`);
  html = html.replace(boot[0], () => `<script type="module">${decoder}${script}</script>`);
  // The page carries the bytes, so trunk's preload of the file would fetch them a second time.
  const preload = new RegExp(`<link rel="preload" href="\\./${name.replaceAll('.', '\\.')}"[^>]*>\\n?`);
  if (!preload.test(html)) throw new Error(`${page}: no preload link of ${name}`);
  html = html.replace(preload, '');
  if (!html.includes('</body>')) throw new Error(`${page}: no </body>`);
  html = html.replace('</body>', () => `<script type="application/x-kepu-wasm" id="kepu-wasm">${text}</script>\n</body>`);
  fs.writeFileSync(page, html);
  console.log(`${page}: ${name} inside (${text.length} characters)`);
}
