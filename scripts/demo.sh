#!/usr/bin/env bash
# demo.sh is the second half of `make demo`: with shinsei built, show what it
# does today on the default store (a local folder), or on --store/SHINSEI_STORE.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export OMP_THREAD_LIMIT=1
shinsei="${SHINSEI_BIN:-bin/shinsei}"

say() { printf '\n== %s\n' "$*"; }

say "shinsei version: what was built, and the Tesseract it reads with"
$shinsei version

say "shinsei store check: the archive store (default: a folder in your home)"
$shinsei --log-level warn store check

say "what shinsei can do (shinsei --help)"
$shinsei --help | sed -n '/^Commands:/,/^$/p'
echo "Commands marked 'not built yet' say so and exit 2."

say "shinsei templates list: the forms shinsei prints and reads"
$shinsei templates list
out="${SHINSEI_DEMO_DIR:-demo-output}"
mkdir -p "$out"
say "shinsei templates render: the three blank forms, as A4 PDFs to print and PNGs to look at"
for t in jpki-application jpki-answer jpki-revocation; do
	$shinsei templates render "$t" --out "$out/$t.pdf"
	$shinsei templates render "$t" --out "$out/$t.png" --dpi 100
done
echo "Open $out/ to see them; print the PDFs at 100% (A4)."

say "shinsei scan: reading synthetic scans from testdata/corpus (made by shinsei-gen)"
set +e
$shinsei scan testdata/corpus/clean/0000-application.png testdata/corpus/standard/0025-revocation.jpg \
	testdata/corpus/hard/0017-application+answer.pdf
code=$?
set -e
echo "(exit status $code: 0 all accepted, 3 some need a person — expected until text fields are read — 1 an error)"
say "the same as JSON Lines, one record per page (docs/records.md), saved to $out/records.jsonl"
set +e
$shinsei scan --json testdata/corpus/clean/0000-application.png testdata/corpus/hard/0017-application+answer.pdf \
	>"$out/records.jsonl" 2>/dev/null
set -e
head -c 900 "$out/records.jsonl"
echo " …"
