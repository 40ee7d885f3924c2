// A small static server for the built app (dist/) and the end-to-end test contests
// (tests/e2e-contests/ under /e2e/). Used by the browser tests and the benchmark.
import crypto from 'node:crypto';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.webmanifest': 'application/manifest+json', '.txt': 'text/plain; charset=utf-8',
};

const COMPRESSIBLE = /\.(html|js|mjs|wasm|json|css|svg|webmanifest|txt)$/;
const compressed = new Map();

/** Brotli or gzip as the browser accepts, the way a CDN serves the build (cached per content). */
function encode(file, body, hash, accept) {
  const kind = /\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : null;
  if (!kind || !COMPRESSIBLE.test(file)) return { body };
  const key = `${kind}:${hash}`;
  if (!compressed.has(key)) {
    compressed.set(key, kind === 'br'
      ? zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } })
      : zlib.gzipSync(body, { level: 9 }));
  }
  return { body: compressed.get(key), encoding: kind };
}

/** Starts serving; resolves to { url, close, sent } where `sent` counts the response bytes
 * (as sent, compressed) since the last reset: `sent.bytes`, `sent.reset()`. Port 0 picks a
 * free port on 127.0.0.1. */
export function serve({ root, mounts = {}, proxy = {}, port = 0, host = '127.0.0.1' }) {
  const sent = { bytes: 0, reset() { this.bytes = 0; } };
  const server = http.createServer((req, res) => {
    // Whatever a request holds, it gets an answer and the server goes on (a bad percent
    // sequence or a NUL once stopped it: #17.15).
    try {
      answer(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('server error');
    }
  });
  const answer = (req, res) => {
    // `proxy: { '/v1/': 'http://127.0.0.1:8090' }` forwards those paths as they are, any
    // method, the way nginx forwards /v1/ to the results collector on the app's own site.
    const target = Object.entries(proxy).find(([prefix]) => req.url.startsWith(prefix))?.[1];
    if (target) {
      const upstream = http.request(new URL(req.url, target), { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed');
      return;
    }
    const bad = () => res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
    let url;
    let rel;
    try {
      url = new URL(req.url, 'http://x');
      rel = decodeURIComponent(url.pathname);
    } catch {
      return bad();
    }
    // No control characters (NUL above all) and no backslashes in a path to a file.
    if (/[\u0000-\u001f\u007f\\]/.test(rel)) return bad();
    let base = root;
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (rel.startsWith(prefix)) { base = dir; rel = rel.slice(prefix.length - 1); break; }
    }
    if (rel.endsWith('/')) rel += 'index.html';
    const top = path.resolve(base);
    const file = path.join(top, path.normalize(rel));
    if (file !== top && !file.startsWith(top + path.sep)) { res.writeHead(403).end(); return; }
    fs.readFile(file, (err, body) => {
      if (err) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
      const hash = crypto.createHash('sha1').update(body).digest('hex').slice(0, 16);
      const out = encode(file, body, hash, req.headers['accept-encoding'] ?? '');
      // Revalidated on every use, answered with 304 when unchanged, as nginx and CDNs do.
      const etag = `"${hash}${out.encoding ? `-${out.encoding}` : ''}"`;
      const headers = {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
        etag,
        ...(out.encoding ? { 'content-encoding': out.encoding, vary: 'accept-encoding' } : {}),
      };
      if (req.headers['if-none-match'] === etag) { res.writeHead(304, headers).end(); return; }
      res.writeHead(200, headers);
      if (req.method === 'HEAD') { res.end(); return; }
      sent.bytes += out.body.length;
      res.end(out.body);
    });
  };
  return new Promise((resolve) => {
    server.listen(port, host, () => {
      const { port } = server.address();
      resolve({ url: `http://${host}:${port}/`, close: () => new Promise((r) => server.close(r)), sent });
    });
  });
}

// As a command: node e2e/server.mjs DIR [ADDRESS] [PORT]
if (import.meta.url === `file://${process.argv[1]}`) {
  const [root = 'dist', host = '127.0.0.1', port = '8080'] = process.argv.slice(2);
  const { url } = await serve({ root: path.resolve(root), host, port: Number(port) });
  console.log(`serving ${root} at ${url}`);
}
