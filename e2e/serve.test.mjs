// #17.15: the static server behind scripts/serve answers every request and keeps serving.
// It used to stop on `GET /%E0%A4%A` (a cut percent sequence) and `GET /a%00b` (a NUL).
// Requests are sent as raw bytes, so nothing between the test and the server tidies them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve } from './server.mjs';

let server;
let root;
before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'kepu-serve-'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>ok</title>');
  fs.mkdirSync(path.join(root, 'questions'));
  fs.writeFileSync(path.join(root, 'questions', 'contest.json'), '{}');
  fs.writeFileSync(path.join(os.tmpdir(), 'kepu-serve-secret.txt'), 'secret');
  server = await serve({ root });
});
after(async () => {
  await server?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Sends `target` as the request target of a raw GET; resolves to the status (0 = no answer). */
function get(target) {
  const { port } = new URL(server.url);
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('connect', () => socket.write(Buffer.concat([Buffer.from('GET '), Buffer.from(target, 'latin1'), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')])));
    socket.on('data', (d) => { data = Buffer.concat([data, d]); });
    socket.on('error', () => resolve({ status: 0, body: '' }));
    socket.on('close', () => {
      const text = data.toString('latin1');
      const status = Number(text.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0);
      resolve({ status, body: text.split('\r\n\r\n').slice(1).join('\r\n\r\n') });
    });
  });
}

test('#17.15 the requests that stopped the server get an answer, and it serves on', async () => {
  for (const target of ['/%E0%A4%A', '/a%00b', '/%', '/%zz', '/%C0%AF', '/..%2f..%2fkepu-serve-secret.txt', '/a%5cb']) {
    const { status, body } = await get(target);
    assert.ok(status >= 400 && status < 500, `${target}: ${status}`);
    assert.ok(!body.includes('secret'), `${target} reached outside the site`);
    assert.equal((await get('/')).status, 200, `serving after ${target}`);
  }
});

test('#17.15 URL fuzz: 2,000 random request targets, every one answered, nothing outside the site', async () => {
  let seed = 1;
  const random = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pieces = ['/', '..', '.', '%', '%2e', '%2f', '%5c', '%00', '%0a', '%E0%A4', '%A', '%FF', '%C0%AF', '?', '#', ';', 'questions', 'index.html',
    'kepu-serve-secret.txt', '%25', '\\', '//', 'é', '\u00ff', '~', ' '.trim() || '+', '%20', 'a'.repeat(300)];
  const statuses = new Map();
  for (let i = 0; i < 2000; i++) {
    let target = '/';
    for (let k = random(8); k >= 0; k--) target += random(4) === 0 ? String.fromCharCode(33 + random(94)) : pieces[random(pieces.length)];
    const { status, body } = await get(target);
    assert.ok(status > 0, `no answer to ${JSON.stringify(target)}`);
    assert.ok(status !== 500, `server error on ${JSON.stringify(target)}`);
    assert.ok(!body.includes('secret'), `${JSON.stringify(target)} reached outside the site`);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  assert.equal((await get('/questions/contest.json')).status, 200, `still serving (${[...statuses].join(' ')})`);
});
