#!/usr/bin/env bash
# bench.sh: measure tcpstep's indexing speed and memory on a big capture, and
# compare `tcpstep dump --format jsonl` with `tshark -T fields` on it.
#
# Usage: scripts/bench.sh [FRAMES [CONVERSATIONS]]     (default 1000000 25000)
#
# It builds tcpstep and scripts/loadcap, generates a deterministic capture
# with scripts/gencap (the generator the Go benchmarks use, internal/synth:
# Ethernet/IPv4/TCP, every conversation a handshake then 100-byte data
# segments and their ACKs), then runs under /usr/bin/time -v, one after the
# other, each printing wall seconds, peak RSS, packets/s and peak bytes per
# packet:
#   first   the interface's first screen: tcpstep FILE started in a
#           pseudo-terminal (scripts/firstscreen.py) until it draws the
#           picker with the first conversations indexed;
#   index   scripts/loadcap FILE: the indexing the interface does on open
#           (read, extract, build the timeline), nothing printed;
#   jsonl   tcpstep dump --format jsonl FILE > /dev/null;
#   tshark  tshark -r FILE -T fields -e frame.number -e tcp.stream -e tcp.seq
#           -e tcp.ack > /dev/null, when tshark is installed, and the ratio
#           of its wall time to the jsonl dump's.
# Figures are whole-process (start-up included). Set BENCH_DIR to keep the
# capture and binaries somewhere other than a fresh temporary directory.
set -euo pipefail

frames=${1:-1000000}
conns=${2:-25000}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$dir"
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$dir"' EXIT
if [ ! -x /usr/bin/time ]; then
	echo "bench.sh: /usr/bin/time (GNU time) is needed for peak memory" >&2
	exit 1
fi

cd "$root"
go build -o "$dir/tcpstep" .
go build -o "$dir/loadcap" ./scripts/loadcap
cap="$dir/bench-$frames-$conns.pcap"
if [ ! -s "$cap" ]; then
	go run ./scripts/gencap -n "$frames" -conns "$conns" -o "$cap"
fi
size=$(stat -c %s "$cap")
echo "capture: $frames packets, $conns conversations, $((size / 1000000)) MB ($cap)"
echo "machine: $(nproc) CPU, $(go env GOOS)/$(go env GOARCH), $(go version | cut -d' ' -f3)"

# measure NAME CMD...: runs CMD with stdout to /dev/null, prints a row and
# leaves its wall seconds in $wall.
wall=0
measure() {
	local name=$1
	shift
	local log="$dir/$name.time"
	/usr/bin/time -v -o "$log" "$@" >/dev/null 2>"$dir/$name.err"
	local el rss
	el=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
	wall=$(awk -v t="$el" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }')
	awk -v name="$name" -v w="$wall" -v kb="$rss" -v n="$frames" 'BEGIN {
		pps = (w > 0) ? n / w : 0
		printf "%-7s %8.2f s  %8.1f MB peak  %10.0f packets/s  %6.1f bytes/packet\n", name, w, kb / 1024, pps, kb * 1024 / n
	}'
}

if command -v python3 >/dev/null 2>&1; then
	# The interface's first screen: median of 5 starts, whole process.
	ms=$(for _ in 1 2 3 4 5; do python3 scripts/firstscreen.py conversations "$dir/tcpstep" "$cap"; done | sort -n | sed -n 3p)
	echo "first   ${ms} ms to the first screen with conversations (tcpstep FILE in a 120x40 pseudo-terminal, median of 5)"
fi
measure index "$dir/loadcap" "$cap"
measure jsonl "$dir/tcpstep" dump --format jsonl "$cap"
jsonl=$wall
if command -v tshark >/dev/null 2>&1; then
	measure tshark tshark -r "$cap" -T fields -e frame.number -e tcp.stream -e tcp.seq -e tcp.ack
	awk -v a="$wall" -v b="$jsonl" 'BEGIN { if (b > 0) printf "ratio   tshark -T fields / tcpstep dump --format jsonl = %.1fx\n", a / b }'
else
	echo "tshark  not installed: no ratio"
fi
