// Post-build step: gives each built page a Content-Security-Policy that forbids inline
// script and foreign origins. trunk writes its start-up script inline; it is moved into a
// content-named file, and the inlined CSS is allowed by its hash.
// usage: node scripts/csp.mjs dist/index.html dist/organizer/index.html
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { minified } from './minify.mjs';

/** Origins the page may send results to besides its own: the collectors named by absolute
 * address in the contest files built into the site (questions/*.json), and those listed in
 * KEPU_COLLECTOR_ORIGINS (space-separated), for a contest added after the build. */
function collectorOrigins(page) {
  const site = path.dirname(page).endsWith('organizer') ? path.dirname(path.dirname(page)) : path.dirname(page);
  const named = [];
  const dir = path.join(site, 'questions');
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (!name.endsWith('.json')) continue;
    try {
      const contest = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
      if (contest?.format === 'kepu-contest' && contest.rules?.collector) named.push(contest.rules.collector);
    } catch {
      // Not JSON (or not ours): nothing to allow.
    }
  }
  named.push(...(process.env.KEPU_COLLECTOR_ORIGINS ?? '').split(/\s+/));
  const origins = new Set();
  for (const address of named) {
    try {
      const url = new URL(address);
      if (url.protocol === 'https:' || url.protocol === 'http:') origins.add(url.origin);
    } catch {
      // A relative address ('/'): the site itself, already allowed.
    }
  }
  return [...origins].sort();
}

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
    `connect-src 'self' ${collectorOrigins(file).join(' ')}`.trim(),
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
  html = html.replace('<head>', `<head>\n  <meta http-equiv="Content-Security-Policy" content="${policy}">`);
  fs.writeFileSync(file, html);
}
