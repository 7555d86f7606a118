#!/usr/bin/env bash
# regen.sh — record what tshark's "Follow TCP Stream" gives for every conversation of the
# reference captures, as the independent truth for tcpstep's follow reassembly.
#
# usage: testdata/follow/regen.sh > testdata/follow/expected.tsv
#        (SHARED=/path/to/shared to use another corpus; default ../shared next to the repo)
#
# For each capture (../shared/captures/*.pcap|*.pcapng, not malformed/, testdata/loopback/*.pcap
# and the embedded samples, samples/data/*.pcap) it runs, in one pass,
#     tshark -n -q -r CAP -z follow,tcp,raw,0 -z follow,tcp,raw,1 ...
# for every tcp.stream the capture has. tshark's raw follow output is, per stream, a header
# ("Node 0: ADDR:PORT", "Node 1: ...": node 0 is the source of the stream's first frame) and then
# one line of hex per chunk in the order tshark placed it; a chunk sent by node 1 is indented by a
# tab. Where the other side acknowledged data that is not in the capture, tshark inserts a chunk
# of its own text, "[N bytes missing in capture file]" plus a NUL byte, into the byte stream.
#
# Output: '#' comment lines, a header row, then one row per stream and node (both nodes, even one
# that sent nothing):
#   capture  stream  sender  raw_len  raw_sha256  data_len  data_sha256  gaps
#     capture      shared/NAME for ../shared/captures/NAME, loopback/NAME for testdata/loopback/NAME,
#                  samples/NAME for samples/data/NAME
#     sender       the node's endpoint as tshark prints it: 10.0.0.1:80, [2001:db8::1]:80
#     raw_*        length and sha256 of everything tshark printed for that node (its dummy text
#                  chunks included): exactly what `tshark -z follow,tcp,raw` hands a script
#     data_*       the same without tshark's "[N bytes missing in capture file]\0" chunks: the
#                  bytes that came from the capture, which tcpstep's `follow --dir` writes
#     gaps         the N of each such dummy chunk, comma-joined in order ("-" when none)
# and one more row per stream for the order of the dialogue, sender "dialogue:NODE0":
#     raw_len      the number of turns: runs of one node's data chunks once the dummy chunks
#                  are dropped
#     raw_sha256   sha256 of the turns as text, one line "NODE:HEX\n" per turn, in tshark's order
#     data_len     the bytes of both nodes together; data_sha256 and gaps are "-"
#
# tshark runs with an empty private configuration directory, so only its default preferences
# apply (IP defragmentation on, TCP "reassemble out-of-order segments" off). The rows were
# recorded with the tshark version named in the second comment line; another version may place
# chunks differently: keep 4.0.x or regenerate and review the diff.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${SHARED:-$repo/../shared}
cfg=$(mktemp -d)
trap 'rm -rf "$cfg"' EXIT
export WIRESHARK_CONFIG_DIR="$cfg"

ver=$(tshark --version 2>/dev/null | head -1 | sed "s/\.$//")
echo "# testdata/follow/regen.sh: tshark -n -q -z follow,tcp,raw,N per stream; default preferences"
echo "# $ver"
echo "# columns: capture stream sender raw_len raw_sha256 data_len data_sha256 gaps (see regen.sh)"
echo "# tcpstep differs on purpose (decode/payload_corpus_test.go checks the rest exactly):"
echo "#  - data still waiting behind a gap the receiver never acknowledged when the capture ends:"
echo "#    tshark drops it, tcpstep places it after the gap marked Unacked (ppp_unidirectional_missing,"
echo "#    gopacket_linux_sll_oversized_addr); the test compares tshark with the acknowledged part."
echo "#  - tshark names a node after an IPv6 type 0 routing header by the route's final address"
echo "#    (zeek_ip6-route0-tcp); the conversation has the header's destination: the port decides."
printf 'capture\tstream\tsender\traw_len\traw_sha256\tdata_len\tdata_sha256\tgaps\n'

caps=()
for f in "$shared"/captures/*.pcap "$shared"/captures/*.pcapng; do
  [[ -f $f ]] && caps+=("shared/$(basename "$f")|$f")
done
for f in "$repo"/testdata/loopback/*.pcap; do
  [[ -f $f ]] && caps+=("loopback/$(basename "$f")|$f")
done
for f in "$repo"/samples/data/*.pcap; do
  [[ -f $f ]] && caps+=("samples/$(basename "$f")|$f")
done

for entry in "${caps[@]}"; do
  label=${entry%%|*}
  cap=${entry#*|}
  streams=$(tshark -n -r "$cap" -T fields -e tcp.stream 2>/dev/null | tr ',' '\n' | grep -E '^[0-9]+$' | sort -n -u || true)
  [[ -z $streams ]] && continue
  args=()
  for s in $streams; do args+=(-z "follow,tcp,raw,$s"); done
  tshark -n -q -r "$cap" "${args[@]}" 2>/dev/null | LABEL=$label python3 -c '
import hashlib, os, re, sys

label = os.environ["LABEL"]
dummy = re.compile(rb"^\[(-?\d+) bytes missing in capture file\]\x00$")
blocks = []  # [stream, node0, node1, [(node, bytes)]]
cur = None
for line in sys.stdin.read().split("\n"):
    if line.startswith("====="):
        cur = None
        continue
    m = re.match(r"^Filter: tcp\.stream eq (\d+)$", line)
    if m:
        cur = [int(m.group(1)), "", "", []]
        blocks.append(cur)
        continue
    if cur is None:
        continue
    m = re.match(r"^Node ([01]): (.*)$", line)
    if m:
        cur[1 + int(m.group(1))] = m.group(2)
        continue
    if line.strip() == "" or line.startswith("Follow:"):
        continue
    node = 1 if line.startswith("\t") else 0
    cur[3].append((node, bytes.fromhex(line.strip())))
for stream, n0, n1, chunks in sorted(blocks, key=lambda b: b[0]):
    # The dialogue: turns in the order tshark printed them, each turn a run of data
    # chunks from one node (dummy chunks dropped, then neighbours from one node joined).
    turns = []
    for n, b in chunks:
        if dummy.match(b):
            continue
        if turns and turns[-1][0] == n:
            turns[-1][1] += b
        else:
            turns.append([n, b])
    text = "".join("%d:%s\n" % (n, b.hex()) for n, b in turns).encode()
    if n0 and not n0.startswith("null"):
        print("\t".join([label, str(stream), "dialogue:" + n0,
            str(len(turns)), hashlib.sha256(text).hexdigest(),
            str(sum(len(b) for _, b in turns)), "-", "-"]))
    for node, sender in ((0, n0), (1, n1)):
        if not sender or sender.startswith("null"):
            continue
        raw, data, gaps = b"", b"", []
        for n, b in chunks:
            if n != node:
                continue
            raw += b
            m = dummy.match(b)
            if m:
                gaps.append(m.group(1).decode())
            else:
                data += b
        print("\t".join([label, str(stream), sender,
            str(len(raw)), hashlib.sha256(raw).hexdigest(),
            str(len(data)), hashlib.sha256(data).hexdigest(),
            ",".join(gaps) or "-"]))
'
done
