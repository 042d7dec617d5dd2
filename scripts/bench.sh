#!/usr/bin/env bash
# bench.sh is `make bench`: a standard corpus of 300 documents through
# `shinsei scan`, then the same files dropped into a folder `shinsei watch`
# watches, then put into a MinIO inbox for two `shinsei worker` processes,
# and the first files through ocrmypdf (Debian's package) for comparison.
# It prints pages/min, p50/p95 latency per page and peak RSS, and the
# ratios. 300 documents take about twelve minutes on 2 cores; 100 are
# quicker, but the workers' start (the first put, its event, the first
# download) weighs three times as much in them.
#
#   BENCH_PAGES=300 BENCH_JOBS=2 BENCH_OCRMYPDF_FILES=5 make bench
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export OMP_THREAD_LIMIT=1

pages_wanted="${BENCH_PAGES:-300}"
# nproc would say 1: it honours OMP_THREAD_LIMIT, set above.
jobs="${BENCH_JOBS:-$(getconf _NPROCESSORS_ONLN)}"
# ocrmypdf takes several seconds a page: it reads a sample of the files,
# and its rate is per page all the same.
ocr_files="${BENCH_OCRMYPDF_FILES:-5}"
corpus=".cache/bench/standard-seed9-$pages_wanted"

if ! command -v ocrmypdf >/dev/null || ! command -v /usr/bin/time >/dev/null; then
	echo "bench: installing ocrmypdf and time (Debian packages)"
	sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ocrmypdf time >/dev/null
fi

# Seed 9 is used for nothing else: not calibration (101), not evaluation (7, 8).
if [ ! -f "$corpus/.complete" ]; then
	rm -rf "$corpus"
	bin/shinsei-gen -out "$corpus" -n "$pages_wanted" -mix standard -seed 9 >/dev/null
	touch "$corpus/.complete"
fi
mapfile -t files < <(find "$corpus" -type f ! -name '*.json' ! -name '.complete' | sort)

machine="$(getconf _NPROCESSORS_ONLN) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "machine: $machine; load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# latencies prints the p50 and p95 of the per-page milliseconds that the
# "page read" debug lines of the given logs carry.
latencies() {
	cat "$@" | grep 'msg="page read"' | grep -o 'ms=[0-9]*' | cut -d= -f2 | sort -n |
		awk '{a[NR]=$1} END {i50=int(NR*0.5+0.5); i95=int(NR*0.95+0.5); if (i50<1) i50=1; if (i95<1) i95=1; print a[i50], a[i95]}'
}

# per_min prints the pages per minute of $1 pages from time $2 to $3
# (date +%s.%N); seconds, the time between them; against, rate $1 against
# rate $2 as a signed percentage; peak_rss, the sum in MB of the peak RSS
# the given `/usr/bin/time -v` reports hold.
per_min() { echo "$1 $2 $3" | awk '{printf "%.1f", $1 / (($3 - $2) / 60)}'; }
seconds() { echo "$1 $2" | awk '{printf "%.1f", $2 - $1}'; }
against() { echo "$1 $2" | awk '{printf "%.1f%%", ($1/$2 - 1) * 100}'; }
peak_rss() { cat "$@" | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); s += $2} END {printf "%.0f", s/1024}'; }

log=$(mktemp); tim=$(mktemp); store=$(mktemp -d); work=$(mktemp -d)
watch_pid=""
city_pids=()
cleanup() {
	for pid in "${city_pids[@]}"; do
		kill $(ps -o pid= --ppid "$pid") "$pid" 2>/dev/null || true
	done
	if [ -n "$watch_pid" ]; then
		kill $(ps -o pid= --ppid "$watch_pid") "$watch_pid" 2>/dev/null || true
		wait "$watch_pid" 2>/dev/null || true
	fi
	rm -rf "$log" "$tim" "$store" "$work"
}
trap cleanup EXIT
# A fresh store each run: scan archives every page (and opens and matches
# cases), and a page archived before would be recognised, not written.
start=$(date +%s.%N)
/usr/bin/time -v -o "$tim" bin/shinsei --store "file://$store" scan --json -j "$jobs" --log-level debug "${files[@]}" >/dev/null 2>"$log" || true
end=$(date +%s.%N)
pages=$(grep -c 'msg="page read"' "$log" || true)
rss=$(peak_rss "$tim")
read -r p50 p95 < <(latencies "$log")
rate=$(per_min "$pages" "$start" "$end")
echo "shinsei scan -j $jobs (read, archive, cases): $pages pages in $(seconds "$start" "$end") s = $rate pages/min; per page p50 ${p50} ms, p95 ${p95} ms; peak RSS ${rss} MB"

# bench_watch: `shinsei watch` on a fresh folder and store, started first
# and idle; the clock runs from the moment the files are dropped (hard
# links: each appears whole at once) until every one has left the folder
# for done/ or quarantine/. The --settle wait before a file is taken is
# part of what a station sees, so it is in the time.
bench_watch() {
	local inbox="$work/inbox" wstore="$work/watch-store" wlog="$work/watch.log" wtim="$work/watch.time"
	mkdir -p "$inbox" "$wstore"
	/usr/bin/time -v -o "$wtim" bin/shinsei --store "file://$wstore" --log-level debug watch --json -j "$jobs" \
		--poll 500ms --settle 500ms "$inbox" >/dev/null 2>"$wlog" &
	watch_pid=$!
	for _ in $(seq 1 100); do
		grep -q 'msg=watching' "$wlog" && break
		sleep 0.1
	done
	local wstart wend
	wstart=$(date +%s.%N)
	for f in "${files[@]}"; do
		ln "$f" "$inbox/" 2>/dev/null || cp "$f" "$inbox/"
	done
	# (-quit, not a pipe into grep -q: under pipefail, find killed by the
	# closed pipe would end the wait at once.)
	while [ -n "$(find "$inbox" -maxdepth 1 -type f -print -quit)" ]; do
		sleep 0.1
	done
	wend=$(date +%s.%N)
	# SIGTERM to shinsei itself, the child of time: time would die of it
	# without a report and leave shinsei running.
	kill -TERM $(ps -o pid= --ppid "$watch_pid")
	wait "$watch_pid" || true
	watch_pid=""
	local wpages wrss wp50 wp95
	wpages=$(grep -c 'msg="page read"' "$wlog" || true)
	wrss=$(peak_rss "$wtim")
	read -r wp50 wp95 < <(latencies "$wlog")
	wrate=$(per_min "$wpages" "$wstart" "$wend")
	echo "shinsei watch -j $jobs (dropped to all in done/ or quarantine/): $wpages pages in $(seconds "$wstart" "$wend") s = $wrate pages/min; per page p50 ${wp50} ms, p95 ${wp95} ms; peak RSS ${wrss} MB"
	echo "watch against scan: $(against "$wrate" "$rate") pages/min"
}

# bench_workers: two `shinsei worker` processes (-j $jobs/2 each) on one
# MinIO and one NATS JetStream server started here as scripts/test.sh
# starts them (MinIO's NATS target with JetStream on). The clock runs from
# the first file put under the inbox (curl, signed with SigV4) until the
# workers have read as many pages as scan did; the event's trip through
# MinIO and NATS is in the time. pages/min against scan on the same MinIO
# is the queue's own cost: at most 10% (issue 16).
bench_workers() {
	local bin=".cache/bin" wdir="$work/city" port nats_port access secret bucket="bench" i
	if [ ! -x "$bin/minio" ] || [ ! -x "$bin/nats-server" ]; then
		scripts/setup.sh --test >&2
	fi
	mkdir -p "$wdir"
	nats_port=$((20000 + RANDOM % 20000))
	port=$((nats_port + 1))
	access="bench-$RANDOM$RANDOM"
	secret="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
	"$bin/nats-server" -js -a 127.0.0.1 -p "$nats_port" -sd "$wdir/nats" >"$wdir/nats.log" 2>&1 &
	city_pids+=($!)
	for _ in $(seq 1 100); do grep -q "Server is ready" "$wdir/nats.log" && break; sleep 0.1; done
	MINIO_ROOT_USER="$access" MINIO_ROOT_PASSWORD="$secret" MINIO_BROWSER=off MINIO_UPDATE=off \
		MINIO_NOTIFY_NATS_ENABLE_SHINSEI=on MINIO_NOTIFY_NATS_ADDRESS_SHINSEI="127.0.0.1:$nats_port" \
		MINIO_NOTIFY_NATS_SUBJECT_SHINSEI=shinsei.inbox MINIO_NOTIFY_NATS_JETSTREAM_SHINSEI=on \
		MINIO_NOTIFY_NATS_QUEUE_DIR_SHINSEI="$wdir/events" \
		"$bin/minio" server --quiet --address "127.0.0.1:$port" --console-address "127.0.0.1:$((port + 2))" \
		"$wdir/disk" >"$wdir/minio.log" 2>&1 &
	city_pids+=($!)
	for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$port/minio/health/ready" 2>/dev/null && break; sleep 0.5; done
	local store="s3://$bucket?endpoint=127.0.0.1:$port&secure=false"
	# scan on this MinIO, into buckets of their own, once before the
	# workers and once after: the workers' store costs what it costs scan
	# too (MinIO shares the 2 cores), and the machine's speed drifts
	# during a run (README, Benchmarks), so the queue's own cost is the
	# workers against the mean of the two.
	local srates=()
	scan_s3() {
		local sstart send spages srate sp50 sp95 slog="$wdir/scan-s3-$1.log"
		sstart=$(date +%s.%N)
		AWS_ACCESS_KEY_ID="$access" AWS_SECRET_ACCESS_KEY="$secret" \
			bin/shinsei --store "s3://scanbench$1?endpoint=127.0.0.1:$port&secure=false" scan --json -j "$jobs" \
			--log-level debug "${files[@]}" >/dev/null 2>"$slog" || true
		send=$(date +%s.%N)
		spages=$(grep -c 'msg="page read"' "$slog" || true)
		srate=$(per_min "$spages" "$sstart" "$send")
		read -r sp50 sp95 < <(latencies "$slog")
		srates+=("$srate")
		echo "shinsei scan -j $jobs on the same MinIO store, $2 the workers (no queue): $spages pages in $(seconds "$sstart" "$send") s = $srate pages/min; per page p50 ${sp50} ms, p95 ${sp95} ms"
	}
	scan_s3 1 before
	# The first worker makes the bucket, the stream and the bucket's
	# notification; the second joins them.
	for i in 1 2; do
		AWS_ACCESS_KEY_ID="$access" AWS_SECRET_ACCESS_KEY="$secret" /usr/bin/time -v -o "$wdir/worker$i.time" \
			bin/shinsei --store "$store" --log-level debug worker --queue "nats://127.0.0.1:$nats_port" \
			--notify-arn arn:minio:sqs::SHINSEI:nats --station "bench-$i" -j "$(( jobs > 1 ? jobs / 2 : 1 ))" \
			>/dev/null 2>"$wdir/worker$i.log" &
		city_pids+=($!)
		for _ in $(seq 1 600); do grep -q 'msg="worker started"' "$wdir/worker$i.log" && break; sleep 0.1; done
		if ! grep -q 'msg="worker started"' "$wdir/worker$i.log"; then
			echo "shinsei worker ×2: worker $i did not start:"; tail -n 5 "$wdir/worker$i.log"
			return
		fi
	done
	local kstart kend kpages=0 f puts=()
	# One curl for every file, one after another, as a sync agent would
	# put them: a curl process per file would cost the 2 cores more than
	# the uploads do. (+ becomes _: curl signs a + in the path differently
	# from MinIO.)
	for f in "${files[@]}"; do
		puts+=(-T "$f" "http://127.0.0.1:$port/$bucket/inbox/$(basename "$f" | tr '+' '_')")
	done
	kstart=$(date +%s.%N)
	curl -fsS --aws-sigv4 "aws:amz:us-east-1:s3" --user "$access:$secret" "${puts[@]}" >/dev/null
	# Polled once a second, not faster: each poll forks, and its CPU is
	# taken from the workers. The clock stops at the last page's own log
	# time, not at the poll.
	local deadline=$(( $(date +%s) + 1800 ))
	while [ "$kpages" -lt "$pages" ] && [ "$(date +%s)" -lt "$deadline" ]; do
		sleep 1
		kpages=$(cat "$wdir"/worker*.log | grep -c 'msg="page read"' || true)
	done
	kend=$(cat "$wdir"/worker*.log | grep 'msg="page read"' | sed 's/^time=\([^ ]*\) .*/\1/' | sort | tail -n 1)
	if [ -n "$kend" ]; then kend=$(date -d "$kend" +%s.%N); else kend=$(date +%s.%N); fi
	# SIGTERM to each shinsei, the child of time (see bench_watch).
	for i in 0 1; do
		kill -TERM $(ps -o pid= --ppid "${city_pids[$((2 + i))]}") 2>/dev/null || true
	done
	for i in 2 3; do wait "${city_pids[$i]}" 2>/dev/null || true; done
	local krss kp50 kp95 krate
	krss=$(peak_rss "$wdir"/worker*.time)
	read -r kp50 kp95 < <(latencies "$wdir"/worker*.log)
	krate=$(per_min "$kpages" "$kstart" "$kend")
	echo "shinsei worker ×2, -j $(( jobs > 1 ? jobs / 2 : 1 )) each, on MinIO + NATS JetStream (put to all read): $kpages of $pages pages in $(seconds "$kstart" "$kend") s = $krate pages/min; per page p50 ${kp50} ms, p95 ${kp95} ms; peak RSS of the two ${krss} MB"
	scan_s3 2 after
	local smean
	smean=$(echo "${srates[@]}" | awk '{printf "%.1f", ($1 + $2) / 2}')
	echo "workers against scan: $(against "$krate" "$rate") pages/min; against scan on the same MinIO, mean of before and after, $smean pages/min (the queue's own cost): $(against "$krate" "$smean")"
	for pid in "${city_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${city_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	city_pids=()
}

bench_watch
bench_workers

# ocrmypdf on the first files, the same pages shinsei read. It takes an
# image only with its resolution: the generator scans at the dpi in the
# file, and --image-dpi is used only when the file has none.
tmp="$work/ocrmypdf"; mkdir -p "$tmp"
opages=0
ostart=$(date +%s.%N)
for f in "${files[@]:0:$ocr_files}"; do
	truth="${f%.*}.truth.json"
	n=$(grep -o '"page":' "$truth" | wc -l)
	ocrmypdf --image-dpi 300 --output-type pdf -l jpn --deskew -q "$f" "$tmp/out.pdf" 2>"$tmp/err" ||
		echo "ocrmypdf failed on $f: $(head -c 200 "$tmp/err")"
	opages=$((opages + n))
done
oend=$(date +%s.%N)
orate=$(per_min "$opages" "$ostart" "$oend")
echo "ocrmypdf --deskew -l jpn: $opages pages in $(seconds "$ostart" "$oend") s = $orate pages/min (one file at a time, as it runs)"
echo "ratio: shinsei reads $(echo "$rate $orate" | awk '{printf "%.1f", $1/$2}')× the pages per minute of ocrmypdf"
