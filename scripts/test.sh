#!/usr/bin/env bash
# test.sh is `make test`: install what the tests need, check formatting and
# vet, start a throw-away nats-server (JetStream) and MinIO server on loopback
# ports, MinIO with random credentials and publishing bucket events to NATS,
# run every test (with the race detector, but for the end-to-end
# tests of cmd/shinsei) against it, and stop
# it whatever happens. Any skipped test fails the run: a test that cannot do
# its job here must not pass for done.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
log() { printf 'test: %s\n' "$*" >&2; }

scripts/setup.sh --test
bin="$repo/.cache/bin"
mkdir -p "$repo/.cache"

# Tesseract's OpenMP threads fight the worker pool for the cores.
export OMP_THREAD_LIMIT=1

log "gofmt"
unformatted="$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*'))"
if [ -n "$unformatted" ]; then
	log "these files need gofmt -w:"
	echo "$unformatted" >&2
	exit 1
fi
log "go vet"
go vet ./...

# The demo is the README's first command: cmd/shinsei's TestMakeDemoFreshClone
# runs `make demo` on a fresh clone of this repository, in a scratch HOME,
# with the demo's own defaults, like a new user.

# --- MinIO --------------------------------------------------------------
data="$(mktemp -d "${TMPDIR:-/tmp}/shinsei-minio.XXXXXX")"
minio_pid=""
nats_pid=""
cleanup() {
	for pid in "$minio_pid" "$nats_pid"; do
		if [ -n "$pid" ]; then
			kill "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		fi
	done
	rm -rf "$data"
}
trap cleanup EXIT INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
random_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		if port_free "$p" && port_free "$((p + 1))"; then
			echo "$p"
			return
		fi
	done
}
# nats-server first: MinIO connects to its NATS target when it starts.
# JetStream keeps its streams in this run's scratch folder.
nats_started=0
for attempt in 1 2 3; do
	nats_port="$(random_port)"
	"$bin/nats-server" -js -a 127.0.0.1 -p "$nats_port" -sd "$data/nats" >"$data/nats.log" 2>&1 &
	nats_pid=$!
	for _ in $(seq 1 40); do
		if grep -q "Server is ready" "$data/nats.log" 2>/dev/null; then
			nats_started=1
			break
		fi
		if ! kill -0 "$nats_pid" 2>/dev/null; then
			break
		fi
		sleep 0.25
	done
	[ "$nats_started" -eq 1 ] && break
	log "nats-server did not start on port $nats_port (attempt $attempt):"
	cat "$data/nats.log" >&2 || true
	kill "$nats_pid" 2>/dev/null || true
	wait "$nats_pid" 2>/dev/null || true
	nats_pid=""
done
if [ "$nats_started" -ne 1 ]; then
	log "could not start nats-server"
	exit 1
fi
log "nats-server $(cat "$bin/nats-server.version") listening on 127.0.0.1:$nats_port"
nats_subject="shinsei.test.inbox"

access="test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
secret="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"

started=0
for attempt in 1 2 3; do
	port="$(random_port)"
	# The NATS notification target SHINSEI (README, "A city"): events
	# go to JetStream, and wait in queue_dir while NATS is unreachable.
	MINIO_ROOT_USER="$access" MINIO_ROOT_PASSWORD="$secret" MINIO_BROWSER=off MINIO_UPDATE=off \
		MINIO_NOTIFY_NATS_ENABLE_SHINSEI=on MINIO_NOTIFY_NATS_ADDRESS_SHINSEI="127.0.0.1:$nats_port" \
		MINIO_NOTIFY_NATS_SUBJECT_SHINSEI="$nats_subject" MINIO_NOTIFY_NATS_JETSTREAM_SHINSEI=on \
		MINIO_NOTIFY_NATS_QUEUE_DIR_SHINSEI="$data/minio-events" \
		"$bin/minio" server --quiet --address "127.0.0.1:$port" --console-address "127.0.0.1:$((port + 1))" \
		"$data/disk" >"$data/minio.log" 2>&1 &
	minio_pid=$!
	for _ in $(seq 1 60); do
		if curl -fsS -o /dev/null "http://127.0.0.1:$port/minio/health/live" 2>/dev/null; then
			started=1
			break
		fi
		if ! kill -0 "$minio_pid" 2>/dev/null; then
			break
		fi
		sleep 0.5
	done
	[ "$started" -eq 1 ] && break
	log "MinIO did not start on port $port (attempt $attempt):"
	cat "$data/minio.log" >&2 || true
	kill "$minio_pid" 2>/dev/null || true
	wait "$minio_pid" 2>/dev/null || true
	minio_pid=""
done
if [ "$started" -ne 1 ]; then
	log "could not start MinIO"
	exit 1
fi
log "MinIO $(cat "$bin/minio.version") listening on 127.0.0.1:$port"

export SHINSEI_TEST_S3_ENDPOINT="127.0.0.1:$port"
export SHINSEI_TEST_S3_ACCESS_KEY="$access"
export SHINSEI_TEST_S3_SECRET_KEY="$secret"
export SHINSEI_TEST_REQUIRE_S3=1
# pipeline/worker/workertest reads these; tests that stop servers start
# their own pair from SHINSEI_TEST_BIN.
export SHINSEI_TEST_NATS_URL="nats://127.0.0.1:$nats_port"
export SHINSEI_TEST_NATS_SUBJECT="$nats_subject"
export SHINSEI_TEST_NATS_ARN="arn:minio:sqs::SHINSEI:nats"
export SHINSEI_TEST_BIN="$bin"
# Tests that stop and start a MinIO of their own (the store going down
# under watch) run this binary (store/storetest.StartMinIO).
export SHINSEI_TEST_MINIO_BIN="$bin/minio"

# --- tests --------------------------------------------------------------
report="$repo/.cache/test-report.json"
status=0
# The race detector finds races only where goroutines share memory, and it
# makes instrumented code several times slower: image code, looping over
# every pixel, about nine times (README, "The two commands"). So it runs
# where there is concurrency to find, and not elsewhere:
#   - cmd/shinsei's end-to-end tests drive whole batches through the
#     program (the privacy batch of 52 files through two stores, the demo
#     on a fresh clone): 14 minutes instead of 2 under it. The concurrency
#     they exercise is raced in the packages that own it.
#   - The packages in $serial: their code starts no goroutine and takes no
#     lock (checked below, so one that starts to comes back under it).
#     Their code as several workers run it at once is raced all the same,
#     instrumented inside TestEngineConcurrent's test binary.
#   - pipeline's tests read pages one at a time but TestEngineConcurrent,
#     which reads from several goroutines with one engine: only it runs
#     under the race detector.
#   - pipeline/match's TestProxyConfirmedByCase reads its sheets one at a
#     time into one case store: it runs without; the rest of match (the
#     case store's compare-and-swap, TestDecoys' two readers) with it.
e2e=shinsei/cmd/shinsei
pipe=shinsei/pipeline
match=shinsei/pipeline/match
serial="shinsei/pipeline/marks shinsei/pipeline/decode shinsei/pipeline/deskew shinsei/pipeline/register shinsei/templates shinsei/internal/scangen shinsei/internal/scanfx"
race_only='^TestEngineConcurrent$'     # of pipeline
norace_only='^TestProxyConfirmedByCase$' # of pipeline/match
for p in $serial; do
	files="$(go list -f '{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}} {{end}}{{range .CgoFiles}}{{$d}}/{{.}} {{end}}' "$p")"
	[ -n "$files" ] || { log "$p: no Go files (moved? see \$serial in scripts/test.sh)"; exit 1; }
	if found="$(grep -nE '(^|[^[:alnum:]_.])go (func|[[:alnum:]_.]+\()|"sync(/atomic)?"' $files)"; then
		log "$p runs without the race detector because its code had no goroutine and no lock; now it has:"
		echo "$found" >&2
		log "take it out of \$serial in scripts/test.sh"
		exit 1
	fi
done
others="$(go list ./... | grep -vx -e "$e2e" -e "$pipe" $(printf -- '-e %s ' $serial))"
"$bin/gotestsum" --format testname --jsonfile "$report" -- -race -count=1 -timeout 20m -skip "$norace_only" $others || status=$?
"$bin/gotestsum" --format testname --jsonfile "$report.race" -- -race -count=1 -timeout 20m -run "$race_only" "$pipe" || status=$?
"$bin/gotestsum" --format testname --jsonfile "$report.plain" -- -count=1 -timeout 20m -skip "$race_only" "$pipe" $serial "$e2e" || status=$?
"$bin/gotestsum" --format testname --jsonfile "$report.match" -- -count=1 -timeout 20m -run "$norace_only" "$match" || status=$?
cat "$report.race" "$report.plain" "$report.match" >>"$report"
# A test renamed would leave its -run pattern matching nothing, and go test
# passes a run of no tests.
for t in TestEngineConcurrent TestProxyConfirmedByCase; do
	if ! grep -q "\"Action\":\"pass\",.*\"Test\":\"$t\"" "$report"; then
		log "$t did not pass (renamed? scripts/test.sh runs it by name)"
		status=1
	fi
done

# --- fuzzing ------------------------------------------------------------
# The decoders' fuzz targets (pipeline/decode/fuzz_test.go) each run for
# FUZZ_TIME (go test takes one -fuzz target at a time), from their seeds:
# the committed scans, generated broken files and testdata/fuzz/. Two
# choices keep the time spent fuzzing. Minimising each new input would
# spend it re-decoding the big seeds (the real scans), so it is off, and a
# crash is written as found, to pipeline/decode/testdata/fuzz/FuzzX/, where
# committing it with the fix makes every later go test check it. And each
# run starts afresh: the inputs earlier runs found, unminimised, pile up
# in Go's fuzz cache, and replaying a thousand of them took a whole 20 s
# before any fuzzing; -test.fuzzcachedir (the test binary's flag for the
# cache the go command names) points it at this run's scratch directory.
fuzztime="${FUZZ_TIME:-20s}"
# Go 1.26's fuzz coordinator can fail a target with a bare "context
# deadline exceeded" at the end of -fuzztime, no failing input written:
# its own stop races the deadline on a busy machine (golang/go#75804,
# fixed in Go 1.27; seen here once, in FuzzJPEG). Such a failure is run
# again, once; a failure that writes an input, or fails twice, fails.
# inputs_of counts the failing inputs written for a target.
inputs_of() { { ls "pipeline/decode/testdata/fuzz/$1" 2>/dev/null || true; } | wc -l; }
fuzz_one() {
	target="$1" out="$2"
	go test -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" -fuzzminimizetime 0 \
		-parallel "${FUZZ_PARALLEL:-2}" ./pipeline/decode/ -args -test.fuzzcachedir="$data/fuzzcache" >"$out" 2>&1
}
for target in FuzzPNG FuzzJPEG FuzzTIFF FuzzPDF; do
	out="$data/fuzz-$target.log"
	before="$(inputs_of "$target")"
	ok=0
	if fuzz_one "$target" "$out"; then
		ok=1
	elif [ "$(inputs_of "$target")" = "$before" ] && tail -n 5 "$out" >"$out.end" && grep -qx '    context deadline exceeded' "$out.end"; then
		log "$target: Go's fuzz coordinator stopped on its own deadline with no failing input (golang/go#75804): running it again"
		if fuzz_one "$target" "$out"; then
			ok=1
		fi
	fi
	if [ "$ok" = 1 ]; then
		log "$target: $(grep '^fuzz: elapsed' "$out" | tail -n 1 | sed 's/^fuzz: //')"
	else
		log "$target failed:"
		tail -n 30 "$out" >&2
		status=1
	fi
done

# test2json marks a skipped test as "Action":"skip" with a "Test" field
# (a package without tests has none).
skipped="$(grep '"Action":"skip"' "$report" | grep '"Test":' | sed -E 's/.*"Package":"([^"]*)","Test":"([^"]*)".*/\1 \2/' || true)"
if [ -n "$skipped" ]; then
	log "these tests skipped, which make test does not allow:"
	echo "$skipped" >&2
	status=1
fi
exit "$status"
