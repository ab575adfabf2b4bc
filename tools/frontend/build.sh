#!/usr/bin/env bash
# Build workbench/static/page.js and page.css: the dashboards' front end (entry.js), in place of
# Voilà's JupyterLab front end (see workbench/serve.py).
#
# Why: Voilà's front end is about 1.5 MB gzipped, and Chromium's main thread is busy with it for
# the whole load; the pages use only a kernel connection, the widget manager with the standard
# controls, and anywidget's render protocol for the charts (issue 7, `make bench`). Rebuild after
# upgrading ipywidgets (the versions are pinned in package.json) or after a page uses a new icon
# (icons.json).
#
# Needs Node.js and npm (the npm registry). Usage: tools/frontend/build.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../workbench/static/page.js"
cd "$here"
npm ci --no-audit --no-fund --ignore-scripts --silent 2>/dev/null || npm install --no-audit --no-fund --ignore-scripts --silent
node icons.js
# esbuild's own binary (its postinstall is skipped by --ignore-scripts)
node node_modules/esbuild/install.js >/dev/null 2>&1 || true
widgets="$(node -p "require('@jupyter-widgets/controls/package.json').version")"
npx --no-install esbuild entry.js --bundle --minify --format=iife --platform=browser \
    --target=es2020 --legal-comments=none --define:global=globalThis \
    --alias:sanitize-html=./sanitize.js \
    --banner:js="/* The workbench's front end: @jupyter-widgets/controls $widgets, @jupyterlab/services, @lumino (BSD-3-Clause, Jupyter Development Team), backbone, underscore, jquery, nouislider, d3 (MIT/ISC). Built by tools/frontend/build.sh */" \
    --log-level=warning --outfile="$out"
echo "wrote $out ($(wc -c <"$out") bytes) and ${out%.js}.css ($(wc -c <"${out%.js}.css") bytes)"
