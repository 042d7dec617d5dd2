#!/usr/bin/env bash
# soak.sh is `make soak`: SOAK_PAGES pages (10,000 unless set) through
# `shinsei scan` in batches of SOAK_BATCH pages (2,500), one process a
# batch, all into one local store, with the resident memory (RSS) of the
# shinsei processes sampled every second. It prints the RSS for every
# SOAK_WINDOW pages (1,000) and fails unless memory stays flat: the last
# window's RSS may be at most SOAK_MAX_GROWTH percent (10) above the first
# window's.
#
#   SOAK_PAGES=10000 SOAK_BATCH=2500 SOAK_WINDOW=1000 SOAK_DOCS=300 SOAK_JOBS=2 make soak
#
# With the defaults, the first thousand pages are the first process's
# first thousand, on an empty store, and the last thousand are the last
# process's 1,501st to 2,500th, on a store of 7,500 pages: memory that grows
# with the pages one process has read, or with the size of the store,
# shows in the comparison.
#
# The archive is content-addressed and skips a file it has seen, so every
# page must be a new file. SOAK_DOCS documents are generated once (seed 17,
# used for nothing else) and each batch is made of copies of them by
# bin/shinsei-variants (a few pixels changed, re-encoded in the same
# format), written just before the batch is read and deleted after it.
# Making the copies is not sampled: only a running `shinsei scan` is.
#
# A window's RSS is the 90th percentile of its one-second samples of the
# scan process and its children, summed: robust to one sample at a garbage
# collector's peak, and to a window that starts with a process starting.
# The peak is reported beside it.
#
# It writes its samples and report to .cache/soak/ (SOAK_DIR) and deletes
# the store unless SOAK_KEEP=1: 10,000 archived pages take several GB.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export OMP_THREAD_LIMIT=1

pages_wanted="${SOAK_PAGES:-10000}"
batch="${SOAK_BATCH:-2500}"
window="${SOAK_WINDOW:-1000}"
docs="${SOAK_DOCS:-300}"
# nproc would say 1: it honours OMP_THREAD_LIMIT, set above.
jobs="${SOAK_JOBS:-$(getconf _NPROCESSORS_ONLN)}"
max_growth="${SOAK_MAX_GROWTH:-10}"
work="${SOAK_DIR:-.cache/soak}"
log() { printf 'soak: %s\n' "$*" >&2; }

for v in pages_wanted batch window docs jobs max_growth; do
	if ! [[ "${!v}" =~ ^[0-9]+$ ]] || [ "${!v}" -lt 1 ]; then
		log "$v must be a whole number of at least 1 (got '${!v}')"
		exit 2
	fi
done
if [ "$pages_wanted" -lt "$((2 * window))" ]; then
	log "SOAK_PAGES ($pages_wanted) must be at least two windows (SOAK_WINDOW=$window) to compare the first with the last"
	exit 2
fi
for b in bin/shinsei bin/shinsei-gen bin/shinsei-variants; do
	[ -x "$b" ] || { log "$b is missing: run make soak, which builds it"; exit 2; }
done

base="$work/base-standard-seed17-$docs"
if [ ! -f "$base/.complete" ]; then
	rm -rf "$base"
	log "generating $docs documents into $base (once)"
	bin/shinsei-gen -out "$base" -n "$docs" -mix standard -seed 17 -j "$jobs" >/dev/null
	touch "$base/.complete"
fi

run="$work/run"
rm -rf "$run"
mkdir -p "$run"
run="$(cd "$run" && pwd)"
store="$run/store"
samples="$work/samples.tsv"
report="$work/report.txt"
sampler_pid=""
cleanup() {
	rm -f "$run/sampling"
	if [ -n "$sampler_pid" ]; then
		wait "$sampler_pid" 2>/dev/null || true
	fi
	rm -rf "$run/batch"
	if [ "${SOAK_KEEP:-0}" != 1 ]; then
		rm -rf "$store"
	fi
}
trap cleanup EXIT

# tree_rss PID: the RSS in KB of PID and all its descendants (a renderer
# or any other child shinsei starts counts as shinsei's memory).
tree_rss() {
	ps -e -o pid=,ppid=,rss= | awk -v root="$1" '
		{ parent[$1] = $2; rss[$1] = $3 }
		END {
			for (p in rss) {
				for (q = p; q != "" && q != 0; q = parent[q]) {
					if (q == root) { sum += rss[p]; break }
				}
			}
			print sum + 0
		}'
}

# The sampler writes "seconds pages rss_kb" every second while a scan runs:
# pages is the pages read so far in the whole run, the batch's from the
# JSON lines it has printed.
touch "$run/sampling"
echo "0" >"$run/before"
: >"$run/scan.pid"
printf 'seconds\tpages\trss_kb\n' >"$samples"
(
	t0=$(date +%s)
	while [ -e "$run/sampling" ]; do
		pid="$(cat "$run/scan.pid" 2>/dev/null || true)"
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			before="$(cat "$run/before")"
			in_batch="$(wc -l <"$run/batch.jsonl" 2>/dev/null || echo 0)"
			rss="$(tree_rss "$pid")"
			if [ "$rss" -gt 0 ]; then
				printf '%d\t%d\t%d\n' "$(($(date +%s) - t0))" "$((before + in_batch))" "$rss" >>"$samples"
			fi
		fi
		sleep 1
	done
) &
sampler_pid=$!

machine="$(getconf _NPROCESSORS_ONLN) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
log "machine: $machine; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
log "$pages_wanted pages in batches of $batch, scan -j $jobs, into $store"

done_pages=0
next_file=0
batches=0
scan_seconds=0
statuses="$run/statuses"
: >"$statuses"
start=$(date +%s)
while [ "$done_pages" -lt "$pages_wanted" ]; do
	want=$((pages_wanted - done_pages))
	[ "$want" -le "$batch" ] || want="$batch"
	rm -rf "$run/batch"
	made="$(bin/shinsei-variants -base "$base" -out "$run/batch" -first "$next_file" -pages "$want" -j "$jobs")"
	read -r files made <<<"$made"
	next_file=$((next_file + files))

	echo "$done_pages" >"$run/before"
	: >"$run/batch.jsonl"
	t=$(date +%s)
	bin/shinsei --store "file://$store" scan --json -j "$jobs" "$run"/batch/* >"$run/batch.jsonl" 2>"$run/scan.log" &
	scan_pid=$!
	echo "$scan_pid" >"$run/scan.pid"
	rc=0
	wait "$scan_pid" || rc=$?
	: >"$run/scan.pid"
	scan_seconds=$((scan_seconds + $(date +%s) - t))
	# 0: all accepted; 3: some need review or were rejected. Anything
	# else is shinsei failing, and the soak with it.
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
		log "shinsei scan exited $rc on batch $((batches + 1)):"
		tail -n 20 "$run/scan.log" >&2
		exit 1
	fi
	read_pages=$(wc -l <"$run/batch.jsonl")
	if [ "$read_pages" -ne "$made" ]; then
		log "batch $((batches + 1)): $made pages given, $read_pages records printed"
		exit 1
	fi
	# The page's status is the first in its record (the case has one too).
	awk 'match($0, /"status":"[a-z_]*"/) { print substr($0, RSTART + 10, RLENGTH - 11) }' "$run/batch.jsonl" >>"$statuses"
	done_pages=$((done_pages + read_pages))
	batches=$((batches + 1))
	log "batch $batches: $read_pages pages ($files files) in $(($(date +%s) - t)) s; $done_pages of $pages_wanted"
done
end=$(date +%s)
rm -f "$run/sampling"
wait "$sampler_pid" || true
sampler_pid=""

store_size="$(du -sh "$store" | cut -f1)"
status_counts="$(sort "$statuses" | uniq -c | awk '{printf "%s%s %d", sep, $2, $1; sep=", "}')"

# Windows: a sample taken when p pages were done belongs to the window
# holding page p (the first window also holds the samples before page 1,
# the last the pages past SOAK_PAGES a multi-page file brought). The 90th
# percentile and peak of each window, then the check.
{
	echo "make soak: $done_pages pages in $batches batches of up to $batch (shinsei scan -j $jobs), one store; $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $machine; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' (with local changes)')"
	echo "time: $((end - start)) s in all, $scan_seconds s in shinsei scan = $(awk -v p="$done_pages" -v s="$scan_seconds" 'BEGIN {printf "%.1f", p / (s / 60)}') pages/min while scanning"
	echo "pages: $status_counts; store: $store_size"
} >"$report"
set +e
awk -v window="$window" -v total="$done_pages" -v wanted="$pages_wanted" -v max_growth="$max_growth" '
	NR == 1 { last = int(wanted / window) - 1; next }
	{
		w = ($2 <= 0) ? 0 : int(($2 - 1) / window)
		if (w > last) w = last
		n[w]++; v[w, n[w]] = $3
		if ($3 > peak[w]) peak[w] = $3
	}
	END {
		printf "%-15s %8s %12s %10s\n", "pages", "samples", "RSS p90 MB", "peak MB"
		maxw = last
		for (w = 0; w <= maxw; w++) {
			hi = (w == last) ? total : (w + 1) * window
			if (n[w] == 0) { printf "%-15s %8d %12s %10s\n", (w * window + 1) "-" hi, 0, "-", "-"; continue }
			# insertion sort: a window has a few hundred samples at most
			for (i = 2; i <= n[w]; i++) {
				x = v[w, i]
				for (j = i - 1; j >= 1 && v[w, j] > x; j--) v[w, j + 1] = v[w, j]
				v[w, j + 1] = x
			}
			k = int(0.9 * n[w] + 0.5); if (k < 1) k = 1
			p90[w] = v[w, k]
			printf "%-15s %8d %12.0f %10.0f\n", (w * window + 1) "-" hi, n[w], p90[w] / 1024, peak[w] / 1024
		}
		if (n[0] == 0 || n[maxw] == 0) {
			print "FAIL: no samples in the first or the last window"
			exit 1
		}
		growth = (p90[maxw] / p90[0] - 1) * 100
		verdict = (growth <= max_growth) ? "flat" : "FAIL: grew"
		printf "%s: RSS p90 %.0f MB over pages 1-%d, %.0f MB over the last %d pages: %+.1f%% (limit +%d%%)\n",
			verdict, p90[0] / 1024, window, p90[maxw] / 1024, total - maxw * window, growth, max_growth
		exit (growth <= max_growth) ? 0 : 1
	}' "$samples" >>"$report"
verdict=$?
set -e
cat "$report"
log "samples in $samples, report in $report"
exit "$verdict"
