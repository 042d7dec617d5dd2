#!/usr/bin/env bash
# demo.sh is the second half of `make demo`: with shinsei built, show what it
# does today on the default store (a local folder), or on --store/SHINSEI_STORE.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export OMP_THREAD_LIMIT=1
shinsei=bin/shinsei

say() { printf '\n== %s\n' "$*"; }

say "shinsei version: what was built, and the Tesseract it reads with"
$shinsei version

say "shinsei store check: the archive store (default: a folder in your home)"
$shinsei --log-level warn store check

say "what shinsei can do (shinsei --help)"
$shinsei --help | sed -n '/^Commands:/,/^$/p'
echo "Commands marked 'not built yet' say so and exit 2."
