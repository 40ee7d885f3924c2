// Post-build step: gives each built page a Content-Security-Policy that forbids inline
// script and foreign origins. trunk writes its start-up script inline; it is moved into a
// content-named file, and the inlined CSS is allowed by its hash.
// usage: node scripts/csp.mjs dist/index.html dist/organizer/index.html
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { minified } from './minify.mjs';

for (const file of process.argv.slice(2)) {
  let html = fs.readFileSync(file, 'utf8');
  if (html.includes('http-equiv="Content-Security-Policy"')) continue;
  for (const [script, body] of [...html.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)]) {
    const code = await minified(body, true);
    const name = `boot-${crypto.createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`;
    fs.writeFileSync(path.join(path.dirname(file), name), code);
    html = html.replace(script, `<script type="module" src="./${name}"></script>`);
  }
  // The static first screen's script (scripts/shell.mjs) stays inline, where it runs as soon
  // as the screen above it has arrived: it is allowed by its hash.
  const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    ([, code]) => `'sha256-${crypto.createHash('sha256').update(code).digest('base64')}'`,
  );
  // Data blocks (the contest and bank as JSON, scripts/inline-contest.mjs; the wasm,
  // scripts/inline-wasm.mjs) are never run, so the policy need not name them.
  if (/<script(?![^>]*\bsrc=)(?![^>]*type="application\/(json|x-kepu-wasm)")[^>]+>/.test(html)) throw new Error(`${file}: an inline script is left`);
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(
    ([, css]) => `'sha256-${crypto.createHash('sha256').update(css).digest('base64')}'`,
  );
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${inline.join(' ')}`.trim(),
    `style-src 'self' ${styles.join(' ')}`.trim(),
    "img-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
  html = html.replace('<head>', `<head>\n  <meta http-equiv="Content-Security-Policy" content="${policy}">`);
  fs.writeFileSync(file, html);
}
