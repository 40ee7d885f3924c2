// The page's Content-Security-Policy lets results go to the collectors a site's contests name
// (scripts/csp.mjs), and to no other origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

test('connect-src names the collectors of the contests built into the site, and only them', () => {
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'kepu-csp-'));
  fs.mkdirSync(path.join(site, 'questions'));
  fs.mkdirSync(path.join(site, 'organizer'));
  const page = '<!doctype html><html><head></head><body></body></html>';
  fs.writeFileSync(path.join(site, 'index.html'), page);
  fs.writeFileSync(path.join(site, 'organizer', 'index.html'), page);
  const contest = (collector) => JSON.stringify({ format: 'kepu-contest', rules: { collector } });
  fs.writeFileSync(path.join(site, 'questions', 'province.json'), contest('https://collect.example.org/kepu/'));
  fs.writeFileSync(path.join(site, 'questions', 'same-site.json'), contest('/'));
  fs.writeFileSync(path.join(site, 'questions', 'bank.json'), JSON.stringify({ format: 'kepu-bank', rules: { collector: 'https://not.a.contest/' } }));
  execFileSync('node', ['scripts/csp.mjs', path.join(site, 'index.html'), path.join(site, 'organizer', 'index.html')], {
    env: { ...process.env, KEPU_COLLECTOR_ORIGINS: 'https://later.example.cn/x not-a-url' },
  });
  for (const file of ['index.html', 'organizer/index.html']) {
    const html = fs.readFileSync(path.join(site, file), 'utf8');
    const connect = html.match(/connect-src ([^;"]*)/)[1];
    assert.equal(connect, "'self' https://collect.example.org https://later.example.cn", file);
  }
  fs.rmSync(site, { recursive: true });
});
