#!/usr/bin/env bash
# Build workbench/static/plotly-workbench.min.js: plotly.js (the version plotly.py ships, pinned in
# package.json) with only the trace kinds the workbench's charts draw (entry.js).
#
# Why: Chromium spends ~1.4 s on this machine running the full 4.8 MB plotly.min.js on every page
# load (cached or not); this bundle takes ~0.3 s and is 0.44 MB gzipped instead of 1.47 MB
# (issue 7, `make bench`). Rebuild after upgrading plotly (the server falls back to plotly.py's
# full bundle, and a test fails, while the versions differ) or after adding a trace kind.
#
# Needs Node.js and npm (the npm registry). Usage: tools/plotly_bundle/build.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../workbench/static/plotly-workbench.min.js"
cd "$here"
npm ci --no-audit --no-fund --ignore-scripts --silent 2>/dev/null || npm install --no-audit --no-fund --ignore-scripts --silent
version="$(node -p "require('plotly.js/package.json').version")"
traces="$(grep -o "lib/[a-z0-9]*')" entry.js | sed "s#lib/##; s#')##" | grep -v core | paste -sd, -)"
# esbuild's own binary (its postinstall is skipped by --ignore-scripts)
node node_modules/esbuild/install.js >/dev/null 2>&1 || true
npx --no-install esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
    --platform=browser --target=es2018 --legal-comments=none --define:global=globalThis \
    --banner:js="/* plotly.js v$version (MIT, Plotly, Inc.): the workbench's partial bundle, scatter + $traces. Built by tools/plotly_bundle/build.sh */" \
    --log-level=warning --outfile="$out"
# plotly's registry requires maplibre's stylesheet for map traces, which this bundle leaves out:
# esbuild writes it beside the script; nothing loads it
rm -f "${out%.js}.css"
echo "wrote $out ($(wc -c <"$out") bytes, plotly.js $version)"
