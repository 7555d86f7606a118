#!/usr/bin/env bash
# record.sh: re-record the loopback captures in this directory, and their tshark expectations.
#
# usage (as root, or with CAP_NET_RAW for tcpdump):  testdata/loopback/record.sh [SCENARIO...]
#
# For each scenario: tcpdump listens on lo for one TCP port, peer.py runs a real client and
# server over 127.0.0.1 or ::1 on that port, tcpdump stops, and the tshark oracle writes
# expected/NAME.tsv. Recording is a manual step; tests only read the committed files.
# Only loopback addresses and ports 47101-47109 are used. Needs tcpdump, python3, tshark and
# ../shared/oracle/tshark-expect.sh (the repo's sibling directory shared/).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
oracle=${ORACLE:-$repo/../shared/oracle/tshark-expect.sh}

# scenario -> port; transfer is cut to 256 bytes a frame to keep the file small
declare -A PORT=([refused]=47101 [abort]=47102 [transfer]=47103 [server-close]=47104
                 [half-close]=47105 [ipv6]=47106 [multi]=47107 [keepalive]=47108
                 [zero-window]=47109)
ORDER=(refused abort transfer server-close half-close ipv6 multi keepalive zero-window)

for tool in tcpdump python3 tshark ss; do
  command -v "$tool" >/dev/null || { echo "record.sh: $tool not found" >&2; exit 2; }
done
[[ -x $oracle ]] || { echo "record.sh: oracle $oracle not found (set ORACLE=)" >&2; exit 2; }

scenarios=("$@")
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=("${ORDER[@]}")

mkdir -p "$here/expected"
tmp=$(mktemp -d)
tcpdump_pid=
cleanup() {
  if [[ -n $tcpdump_pid ]]; then kill -INT "$tcpdump_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

record() {
  local name=$1 port=${PORT[$1]:-}
  [[ -n $port ]] || { echo "record.sh: unknown scenario $name" >&2; exit 2; }
  # The port must be free (and, for 'refused', closed): someone else's traffic would end up in
  # the capture.
  # TIME_WAIT leftovers of an earlier run are harmless (they send nothing on their own).
  if ss -Htan exclude time-wait "( sport = :$port or dport = :$port )" | grep -q .; then
    echo "record.sh: port $port is in use" >&2
    exit 1
  fi
  local snap=()
  [[ $name == transfer || $name == zero-window ]] && snap=(-s 256)
  local out="$tmp/$name.pcap" log="$tmp/$name.tcpdump"
  tcpdump -i lo -n -U --immediate-mode "${snap[@]}" -w "$out" "tcp port $port" 2>"$log" &
  tcpdump_pid=$!
  # tcpdump prints "listening on lo" once the capture is armed
  for _ in $(seq 100); do
    grep -q "listening on" "$log" && break
    sleep 0.05
  done
  grep -q "listening on" "$log" || { cat "$log" >&2; echo "record.sh: tcpdump did not start" >&2; exit 1; }
  sleep 0.2
  python3 "$here/peer.py" "$name" "$port"
  # Let the last ACKs through. Even with -U, libpcap's TPACKET_V3 ring hands over a block only
  # when it fills or times out, so an early SIGINT loses the last packets: wait well past that.
  sleep 1.5
  kill -INT "$tcpdump_pid"
  wait "$tcpdump_pid" || true
  tcpdump_pid=
  cp "$out" "$here/$name.pcap"
  (cd "$repo" && "$oracle" "testdata/loopback/$name.pcap" >"testdata/loopback/expected/$name.tsv")
  printf '%-13s %3s packets  %s\n' "$name" "$(tshark -r "$here/$name.pcap" 2>/dev/null | wc -l)" \
    "$(grep -o '[0-9]* packets captured' "$log" || true)"
}

for s in "${scenarios[@]}"; do record "$s"; done
echo "kernel $(uname -r), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
