#!/usr/bin/env bash
# Lighthouse (mobile, its default simulated throttling) scores of the built citizen app,
# with Debian's Chromium. Installs npm lighthouse 12 under target/ on first use (not in CI).
set -euo pipefail
cd "$(dirname "$0")/.."
lh=target/lighthouse
[ -x "$lh/node_modules/.bin/lighthouse" ] || npm install --prefix "$lh" --no-audit --no-fund --loglevel=error lighthouse@12 >/dev/null
port=8099
node e2e/server.mjs dist 127.0.0.1 "$port" >/dev/null &
server=$!
trap 'kill $server' EXIT
sleep 1
CHROME_PATH=/usr/bin/chromium "$lh/node_modules/.bin/lighthouse" "http://127.0.0.1:$port/" --quiet \
  --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync" \
  --only-categories=performance,accessibility,best-practices,seo --output=json --output-path="$lh/report.json"
node -e '
const r = require(process.argv[1]);
const s = Object.entries(r.categories).map(([k, v]) => `${v.title} ${Math.round(v.score * 100)}`).join(" · ");
const m = ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift"]
  .map((id) => `${r.audits[id].title} ${r.audits[id].displayValue}`).join(" · ");
console.log(`Lighthouse mobile: ${s}\n  ${m}`);' "$PWD/$lh/report.json"
