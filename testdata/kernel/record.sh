#!/usr/bin/env bash
# record.sh: re-record the kernel-state captures in this directory: NAME.pcap and NAME.states.
#
# usage (as root):  testdata/kernel/record.sh [SCENARIO...]     (default: all; drive.py list)
#
# Builds three network namespaces, client <-> router <-> server (two veth pairs, IPv4
# 10.77.1.0/24 and 10.77.2.0/24, forwarding in the router), then for each scenario runs
# drive.py, which captures with tcpdump on the router's interface towards the server, drives
# a real kernel client and server, and at quiet checkpoints records both sides' kernel socket
# states with ss. The namespaces are removed on exit, whatever happens. Only the namespaces'
# own addresses are used. Recording is a manual step: the tests only read the files.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

NS_CLIENT=tcpstep-k-client
NS_ROUTER=tcpstep-k-router
NS_SERVER=tcpstep-k-server
export NS_CLIENT NS_ROUTER NS_SERVER

if [[ $(id -u) -ne 0 ]]; then
  echo "record.sh: must run as root (network namespaces, iptables, tcpdump)" >&2
  exit 2
fi
for tool in ip tcpdump tshark ss iptables ethtool sysctl python3; do
  command -v "$tool" >/dev/null || { echo "record.sh: $tool not found (apt-get install -y tcpdump tshark iptables ethtool iproute2)" >&2; exit 2; }
done
for ns in "$NS_CLIENT" "$NS_ROUTER" "$NS_SERVER"; do
  if ip netns list | grep -qw "$ns"; then
    echo "record.sh: namespace $ns exists already (another run?); remove it with: ip netns del $ns" >&2
    exit 1
  fi
done

mapfile -t ALL < <(python3 "$here/drive.py" list)
scenarios=("$@")
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=("${ALL[@]}")
for s in "${scenarios[@]}"; do
  printf '%s\n' "${ALL[@]}" | grep -qx -- "$s" || { echo "record.sh: unknown scenario $s (known: ${ALL[*]})" >&2; exit 2; }
done

tmp=$(mktemp -d)
cleanup() {
  local ns pid
  for ns in "$NS_CLIENT" "$NS_ROUTER" "$NS_SERVER"; do
    # a tcpdump or nfq-delay left behind by a killed drive.py (processes this run started)
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- topology -------------------------------------------------------------------------------
#   client ns                 router ns                      server ns
#   veth-c 10.77.1.2/24 <-> veth-rc 10.77.1.1/24
#                               veth-rs 10.77.2.1/24 <-> veth-s 10.77.2.2/24
#   capture point: tcpdump -i veth-rs in the router namespace
ip netns add "$NS_CLIENT"
ip netns add "$NS_ROUTER"
ip netns add "$NS_SERVER"
for ns in "$NS_CLIENT" "$NS_ROUTER" "$NS_SERVER"; do
  ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$ns" link set lo up
done
ip link add veth-c netns "$NS_CLIENT" type veth peer name veth-rc netns "$NS_ROUTER"
ip link add veth-s netns "$NS_SERVER" type veth peer name veth-rs netns "$NS_ROUTER"
ip -n "$NS_CLIENT" addr add 10.77.1.2/24 dev veth-c
ip -n "$NS_ROUTER" addr add 10.77.1.1/24 dev veth-rc
ip -n "$NS_ROUTER" addr add 10.77.2.1/24 dev veth-rs
ip -n "$NS_SERVER" addr add 10.77.2.2/24 dev veth-s
for pair in "$NS_CLIENT veth-c" "$NS_ROUTER veth-rc" "$NS_ROUTER veth-rs" "$NS_SERVER veth-s"; do
  set -- $pair
  # segments as the stack built them: no segmentation or receive offloads, checksums in software
  ip netns exec "$1" ethtool -K "$2" gro off gso off tso off tx off >/dev/null
  ip -n "$1" link set "$2" up
done
ip -n "$NS_CLIENT" route add default via 10.77.1.1
ip -n "$NS_SERVER" route add default via 10.77.2.1
ip netns exec "$NS_ROUTER" sysctl -q -w net.ipv4.ip_forward=1
# the path works both ways before anything is recorded (this also fills the ARP caches)
ip netns exec "$NS_CLIENT" ping -q -c 1 -W 2 10.77.2.2 >/dev/null 2>&1 || {
  # ping may be missing; a TCP connect to a closed port proves the path as well (RST back)
  ip netns exec "$NS_CLIENT" python3 -c '
import socket,sys
s=socket.socket(); s.settimeout(3)
try: s.connect(("10.77.2.2", 9))
except ConnectionRefusedError: sys.exit(0)
except Exception as e: sys.exit("path check: %s" % e)
' || { echo "record.sh: no path client -> server" >&2; exit 1; }
}

# --- scenarios ------------------------------------------------------------------------------
failed=()
for s in "${scenarios[@]}"; do
  echo "== $s"
  if python3 "$here/drive.py" run "$s" "$tmp"; then
    cp "$tmp/$s.pcap" "$here/$s.pcap"
    cp "$tmp/$s.states" "$here/$s.states"
    n=$(tshark -r "$here/$s.pcap" 2>/dev/null | wc -l)
    echo "   -> $s.pcap ($n frames), $s.states ($(($(wc -l <"$here/$s.states") - 1)) checkpoints)"
  else
    failed+=("$s")
    echo "   !! $s not written (its recording did not show the expected kernel states)" >&2
  fi
done

echo "kernel $(uname -r), $(date -u +%Y-%m-%dT%H:%M:%SZ), $(tcpdump --version 2>&1 | head -1), $(ss -V)"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "record.sh: failed: ${failed[*]}" >&2
  exit 1
fi
