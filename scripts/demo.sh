#!/usr/bin/env bash
# demo.sh is the second half of `make demo`: with shinsei built, show what it
# does today on the default store (a local folder), or on --store/SHINSEI_STORE.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export OMP_THREAD_LIMIT=1
shinsei="${SHINSEI_BIN:-bin/shinsei}"
gen_bin="${SHINSEI_GEN_BIN:-bin/shinsei-gen}"

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

say "a filled form: templates render --fill writes an application as a person would, in print"
cat >"$out/filled-application.json" <<'JSON'
{"fields": {"cert_signature": true, "cert_user": true, "action_new": true,
  "applicant_kana": "ヤマダ マコト", "applicant_name": "山田 誠", "applicant_birth_date": "昭和60年4月12日",
  "applicant_sex_male": true, "applicant_address": "東京都練馬区豊玉北6丁目12番1号",
  "applicant_phone": "03-3993-1111", "application_date": "令和8年11月2日"}}
JSON
$shinsei templates render jpki-application --fill "$out/filled-application.json" --out "$out/filled-application.png"
echo "wrote $out/filled-application.png (no signature: shinsei never forges one)"

say "shinsei scan: reading it back — every field, then the rules (a missing signature needs a person)"
set +e
$shinsei scan --json "$out/filled-application.png" >"$out/filled-application.jsonl"
set -e
# The record's fields, one a line, then its status and issues (docs/records.md).
grep -o '"[a-z_]*":{"value":[^}]*}' "$out/filled-application.jsonl"
grep -o '"status":"[a-z_]*"' "$out/filled-application.jsonl" | head -1
grep -o '"issues":\[.*\]' "$out/filled-application.jsonl" | head -c 600; echo

say "handwritten forms: shinsei-gen fills and scans three (ground truth beside each), shinsei scan reads them"
gen="$out/handwritten"
rm -rf "$gen"
$gen_bin -out "$gen" -n 3 -mix standard -seed 2026 >/dev/null
set +e
mapfile -t made < <(find "$gen" -type f ! -name '*.json' | sort)
$shinsei scan "${made[@]}" 2>/dev/null
code=$?
set -e
echo "(exit status $code: 0 all accepted, 3 some need a person, 1 an error)"
echo "What a person must look at is named per field; --json has the messages in Japanese and English."

say "shinsei scan on the committed corpus's damaged scans: what a clerk is told"
set +e
$shinsei scan testdata/corpus/hard/0017-application+answer.pdf testdata/corpus/standard/0025-revocation.jpg
set -e

# The proxy procedure, in a store of its own so every demo starts afresh.
pstore="$out/proxy-store"
rm -rf "$pstore" "$out/returned"
ps() { $shinsei --store "$pstore" --log-level warn "$@"; }

say "the proxy procedure, 1: a proxy (代理人) brings the application — scanning it opens a pending case"
cat >"$out/proxy-application.json" <<'JSON'
{"fields": {"cert_signature": true, "cert_user": true, "action_new": true,
  "applicant_kana": "ヤマダ マコト", "applicant_name": "山田 誠", "applicant_birth_date": "昭和60年4月12日",
  "applicant_sex_male": true, "applicant_address": "東京都練馬区豊玉北6丁目12番1号",
  "application_date": "令和8年11月2日", "applicant_signature": "山田 誠",
  "proxy_kana": "ヤマダ ハナコ", "proxy_name": "山田 花子", "proxy_address": "東京都練馬区豊玉北6丁目12番1号",
  "proxy_relationship": "妻", "proxy_id_license": true, "proxy_signature": "山田 花子"}}
JSON
$shinsei templates render jpki-application --fill "$out/proxy-application.json" --out "$out/proxy-application.png" >/dev/null
set +e
ps scan --station 本庁1番 "$out/proxy-application.png"
set -e
id="$(ps cases list --json --user demo --reason "make demo" | grep -o '"id":"[0-9-]*"' | head -1 | cut -d'"' -f4)"
if [ -z "$id" ]; then
	echo "no case was opened (the application was not read surely enough); see the table above"
	exit 0
fi
ps cases show "$id" --user demo --reason "make demo"

say "the proxy procedure, 2: the answer sheet to mail to the person (case reference printed and in the QR code)"
ps cases sheet "$id" --out "$out/answer-sheet-$id.pdf" --user demo
ps cases sheet "$id" --out "$out/answer-sheet-$id.png" --dpi 100 --user demo

say "the proxy procedure, 3: the person fills it in (shinsei-gen's hand, synthetic PINs) and the proxy brings it back"
ps cases show "$id" --json --user demo --reason "make demo" >"$out/case-$id.json"
returned="$($gen_bin -out "$out/returned" -answer "$out/case-$id.json" -mix standard -seed 7)"
echo "scanned: $returned"
set +e
ps scan --station 本庁2番 "$returned"
set -e

say "the proxy procedure, 4: the case is answered, and the archive holds both pages (PIN cells blacked out)"
ps cases show "$id" --user demo --reason "make demo"
ps archive search --case "$id" --user demo --reason "make demo"
