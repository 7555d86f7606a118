#!/usr/bin/env bash
# regen.sh — record which frames tshark's display filter matches, for every filter of
# filters.txt over every capture of the shared corpus, as the truth for package filter.
#
# usage: testdata/filter/regen.sh > testdata/filter/expected.tsv
#        (SHARED=/path/to/shared to use another corpus; default ../shared next to the repo;
#         JOBS=N captures at a time, default the number of CPUs;
#         REUSE=FILE, a copy of an earlier expected.tsv made with the same tshark, to take its rows instead of
#         running tshark again, so that adding a filter costs one run per capture)
#
# For each capture (../shared/captures/*.pcap|*.pcapng, not malformed/) and each filter it runs
#     tshark -n -r CAP -Y FILTER -T fields -e frame.number
# with an empty private configuration directory, so only tshark's default preferences apply
# (relative sequence numbers, IP defragmentation, TCP analysis on; checksums not validated).
#
# Output: '#' comment lines (the second names the tshark version), then one row per capture and
# filter, in the order of the capture list and of filters.txt:
#   capture  filter  frames
#     capture  the file name in shared/captures
#     filter   the filter exactly as filters.txt has it
#     frames   the matching frame numbers as comma-joined ranges ("1-3,7"), "-" when none;
#              "!" and tshark's first error line when tshark refused the file
# A capture tshark cannot read at all gives one "!" row per filter; the test skips those.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${SHARED:-$repo/../shared}
jobs=${JOBS:-$(nproc)}
cfg=$(mktemp -d)
out=$(mktemp -d)
trap 'rm -rf "$cfg" "$out"' EXIT
export WIRESHARK_CONFIG_DIR="$cfg"

# ranges: frame numbers one a line -> "1-3,7" ("-" when none).
ranges() {
	awk 'BEGIN { s = -1 }
	NF == 0 { next }
	{ n = $1 + 0
	  if (s < 0) { s = n; e = n; next }
	  if (n == e + 1) { e = n; next }
	  out = out (out == "" ? "" : ",") (s == e ? s : s "-" e); s = n; e = n }
	END { if (s >= 0) out = out (out == "" ? "" : ",") (s == e ? s : s "-" e)
	      print (out == "" ? "-" : out) }'
}

# one CAPTURE: every filter, rows to $out/NAME.tsv.
one() {
	local cap=$1 name f res err
	name=$(basename "$cap")
	: >"$out/$name.tsv"
	while IFS= read -r f; do
		[[ -z $f || $f == \#* ]] && continue
		if [[ -n $reuse ]] && res=$(C=$name F=$f awk -F'\t' '$1 == ENVIRON["C"] && $2 == ENVIRON["F"] { print $3; found = 1; exit } END { exit !found }' "$reuse"); then
			printf '%s\t%s\t%s\n' "$name" "$f" "$res" >>"$out/$name.tsv"
			continue
		fi
		if res=$(tshark -n -r "$cap" -Y "$f" -T fields -e frame.number 2>"$out/$name.err"); then
			res=$(ranges <<<"$res")
		else
			err=$(grep -v '^Running as user' "$out/$name.err" | head -1 | tr '\t' ' ')
			res="! $err"
		fi
		printf '%s\t%s\t%s\n' "$name" "$f" "$res" >>"$out/$name.tsv"
	done <"$here/filters.txt"
}
ver=$(tshark --version 2>/dev/null | head -1 | sed "s/\.$//")
reuse=
if [[ -n ${REUSE:-} ]]; then
	# Rows of another tshark version would not be this one's answers.
	if [[ $(sed -n 2p "$REUSE") == "# $ver" ]]; then
		reuse=$(cd "$(dirname "$REUSE")" && pwd)/$(basename "$REUSE")
	else
		echo "regen.sh: $REUSE was made by another tshark; running every filter" >&2
	fi
fi
export -f one ranges
export here out reuse

caps=()
for c in "$shared"/captures/*.pcap "$shared"/captures/*.pcapng; do
	[[ -f $c ]] && caps+=("$c")
done
printf '%s\n' "${caps[@]}" | xargs -P "$jobs" -I{} bash -c 'one "$1"' _ {}

echo "# testdata/filter/regen.sh: tshark -n -r CAP -Y FILTER -T fields -e frame.number; default preferences"
echo "# $ver"
echo "# columns: capture filter frames (see regen.sh)"
for c in "${caps[@]}"; do
	cat "$out/$(basename "$c").tsv"
done
