#!/usr/bin/env bash
# testdata-corpus.sh remakes the small corpus committed under testdata/corpus:
# a handful of documents from each mix, chosen to cover every file format
# (PNG, JPEG, TIFF, PDF with Flate and with JPEG pages, a multi-page PDF) and
# a turned page, while staying a few megabytes. The scangen tests check that
# the generator still makes exactly these bytes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
go build -o bin/shinsei-gen ./cmd/shinsei-gen
rm -rf testdata/corpus
# mix seed index...
while read -r mix seed indices; do
	for i in $indices; do
		bin/shinsei-gen -out "testdata/corpus/$mix" -mix "$mix" -seed "$seed" -start "$i" -n 1 >/dev/null
	done
done <<'LIST'
clean 11 0 1 2
standard 12 15 25 26 59 72 77 85
hard 13 3 4 6 17 19
LIST
du -sh testdata/corpus/*
