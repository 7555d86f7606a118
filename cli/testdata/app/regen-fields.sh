#!/usr/bin/env bash
# regen-fields.sh — record the application-layer fields tshark gives each frame of the captures
# that carry the line protocols tcpstep names (SMTP, FTP, POP, IMAP), as the truth for the
# "app" objects of `tcpstep dump --format jsonl`.
#
# usage: cli/testdata/app/regen-fields.sh > cli/testdata/app/fields.tsv
#        (SHARED=/path/to/shared to use another corpus; default ../shared next to the repo)
#
# For each capture it runs, with an empty private configuration directory (tshark's defaults),
#     tshark -n -r CAP -T fields -E separator=/t -E occurrence=a -E aggregator=, -e frame.number -e FIELD...
# Output: '#' comment lines (the second names the tshark version), then one row per frame and
# field that tshark gives a value:
#   capture  frame  field  values
#     capture  the file name in shared/captures, or sample:NAME
#     values   every occurrence of the field in the frame, comma-joined, in tshark's order
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
shared=${SHARED:-$repo/../shared}
cfg=$(mktemp -d)
trap 'rm -rf "$cfg"' EXIT
fields=(smtp.req.command smtp.response.code ftp.request.command ftp.response.code pop.request.command imap.request.command)

echo "# tcpstep app fields: tshark's application-layer fields per frame"
echo "# $(tshark --version | head -1)"
row() {
	local name=$1 cap=$2
	local args=()
	for f in "${fields[@]}"; do args+=(-e "$f"); done
	WIRESHARK_CONFIG_DIR=$cfg tshark -n -r "$cap" -T fields -E separator=/t -E occurrence=a -E aggregator=, \
		-e frame.number "${args[@]}" 2>/dev/null |
		awk -F'\t' -v name="$name" -v names="${fields[*]}" '
		BEGIN { n = split(names, f, " ") }
		{ for (i = 1; i <= n; i++) if ($(i + 1) != "") print name "\t" $1 "\t" f[i] "\t" $(i + 1) }'
}
for cap in zeek_smtp.pcap zeek_ftp-ipv6.pcap zeek_telnet-auth-missing-name.pcap; do
	row "$cap" "$shared/captures/$cap"
done
for name in smtp-figure10 keepalive; do
	row "sample:$name" "$repo/samples/data/$name.pcap"
done
