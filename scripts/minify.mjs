// Post-build step: minifies the citizen page's JavaScript with terser (npm, pinned in
// package.json), updating the page's integrity hashes to match, and its inlined CSS.
// trunk's own minifier is not used: it also rewrites the HTML, whose start-up script
// scripts/csp.mjs moves out.
// usage: node scripts/minify.mjs dist      (run before scripts/csp.mjs, which hashes the CSS)
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { minify } from 'terser';

/** Minified source; `module` for ES modules (their top-level names are private too). */
export async function minified(code, module) {
  const { code: out } = await minify(code, { module, compress: true, mangle: true });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = process.argv[2] ?? 'dist';
  const page = path.join(dist, 'index.html');
  let html = fs.readFileSync(page, 'utf8');
  for (const name of fs.readdirSync(dist).filter((f) => f.endsWith('.js') && f !== 'sw.js')) {
    const file = path.join(dist, name);
    // trunk's start-up script and wasm-bindgen's glue are modules; the rest are classic.
    const module = html.includes(`type="module" src="./${name}"`) || html.includes(`rel="modulepreload" href="./${name}"`);
    const before = fs.readFileSync(file);
    const after = await minified(before.toString('utf8'), module);
    fs.writeFileSync(file, after);
    const sri = (bytes) => `sha384-${crypto.createHash('sha384').update(bytes).digest('base64')}`;
    html = html.replaceAll(`integrity="${sri(before)}"`, `integrity="${sri(after)}"`);
  }
  // CSS: comments and the spaces that never matter (around braces and semicolons, after
  // colons and commas) go.
  html = html.replace(/<style>([\s\S]*?)<\/style>/g, (_, css) => `<style>${css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};])\s*/g, '$1')
    .replace(/([:,])\s+/g, '$1')
    .replace(/;}/g, '}')
    .trim()}</style>`);
  fs.writeFileSync(page, html);
}
