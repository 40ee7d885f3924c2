#!/usr/bin/env bash
# Lighthouse (mobile, its default simulated throttling) scores of the built citizen app,
# with Debian's Chromium. Installs npm lighthouse 12 under target/ on first use (not in CI).
# `bench/lighthouse.sh organizer [DIST]`: accessibility of the organizer's page behind its PIN
# instead (bench/lighthouse-organizer.mjs: ten snapshots, exits 1 below 100).
set -euo pipefail
cd "$(dirname "$0")/.."
lh=target/lighthouse
[ -x "$lh/node_modules/.bin/lighthouse" ] || npm install --prefix "$lh" --no-audit --no-fund --loglevel=error lighthouse@12 >/dev/null
if [ "${1:-}" = organizer ]; then
  shift
  exec node bench/lighthouse-organizer.mjs "$@"
fi
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
