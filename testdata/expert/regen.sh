#!/usr/bin/env bash
# regen.sh — record tshark's Expert Information table (tshark -q -z expert) for the reference
# captures, as the independent truth for tcpstep's expert summary (model.Expert, tcpstep expert).
#
# usage: testdata/expert/regen.sh > testdata/expert/expected.txt
#        (SHARED=/path/to/shared to use another corpus; default ../shared next to the repo)
#
# For each capture (../shared/captures/*.pcap|*.pcapng, not malformed/, and the embedded samples,
# samples/data/*.pcap) it runs
#     tshark -n -q -r CAP -z expert
# and prints a line "### LABEL" (shared/NAME or samples/NAME) followed by tshark's output less its
# blank lines: per severity a heading "Errors (N)", "Warns (N)", "Notes (N)" or "Chats (N)", a rule,
# a column header and one row per summary text: frequency (12 columns), group (10, right-aligned),
# protocol (18, right-aligned), two spaces, summary. A capture with no expert information prints
# nothing after its "###" line.
#
# tshark runs with an empty private configuration directory, so only its default preferences
# apply (TCP sequence analysis on, checksums not validated). The table was recorded with the tshark
# version named in the second comment line; another version may word or grade things
# differently: keep 4.0.x or regenerate and review the diff. model/expert_test.go reads this
# file and compares tshark's TCP rows with tcpstep's counts; it documents the differences.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${SHARED:-$repo/../shared}
cfg=$(mktemp -d)
trap 'rm -rf "$cfg"' EXIT
export WIRESHARK_CONFIG_DIR="$cfg"

ver=$(tshark --version 2>/dev/null | head -1 | sed "s/\.$//")
echo "# testdata/expert/regen.sh: tshark -n -q -z expert per capture; default preferences"
echo "# $ver"

caps=()
for f in "$shared"/captures/*.pcap "$shared"/captures/*.pcapng; do
  [[ -f $f ]] && caps+=("shared/$(basename "$f")|$f")
done
for f in "$repo"/samples/data/*.pcap; do
  [[ -f $f ]] && caps+=("samples/$(basename "$f")|$f")
done

for entry in "${caps[@]}"; do
  label=${entry%%|*}
  cap=${entry#*|}
  echo "### $label"
  # tshark says "Running as user root" on stderr; the table is all of stdout.
  tshark -n -q -r "$cap" -z expert 2>/dev/null | sed '/^$/d' || true
done
