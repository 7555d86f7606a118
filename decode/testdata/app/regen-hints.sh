#!/usr/bin/env bash
# regen-hints.sh — record, for every TCP conversation of the shared corpus and the embedded
# samples, the application protocol tshark first names in it and the server name the client
# gives (HTTP Host, TLS SNI), as the truth for the index-time hints (Conversation.App).
#
# usage: decode/testdata/app/regen-hints.sh > decode/testdata/app/hints.tsv
#        (SHARED=/path/to/shared to use another corpus; default ../shared next to the repo)
#
# For each capture it runs, with an empty private configuration directory (tshark's defaults),
#     tshark -n -r CAP -Y tcp -T fields -e tcp.stream -e frame.protocols -e http.host
#            -e tls.handshake.extensions_server_name
# Output: '#' comment lines (the second names the tshark version), then one row per
# conversation in which tshark names a protocol tcpstep recognises:
#   capture  stream  proto  server
#     capture  the file name in shared/captures, sample:NAME, or repo:PATH (the loopback recordings)
#     proto    the first of http smtp ftp pop imap tls ssh dns in the conversation's frames'
#              frame.protocols, in capture order, upper-cased as app.Proto.String spells it
#     server   the first http.host or tls.handshake.extensions_server_name in it, "-" when none
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
shared=${SHARED:-$repo/../shared}
cfg=$(mktemp -d)
trap 'rm -rf "$cfg"' EXIT

echo "# tcpstep app hints: tshark's first application protocol and server name per conversation"
echo "# $(tshark --version | head -1)"
row() {
	local name=$1 cap=$2
	WIRESHARK_CONFIG_DIR=$cfg tshark -n -r "$cap" -Y tcp -T fields -E separator=/t \
		-e tcp.stream -e frame.protocols -e http.host -e tls.handshake.extensions_server_name 2>/dev/null |
		awk -F'\t' -v name="$name" '
		{
			s = $1
			n = split($2, p, ":")
			if (!(s in proto)) {
				for (i = 1; i <= n; i++) if (p[i] ~ /^(http|smtp|ftp|pop|imap|tls|ssh|dns)$/) { proto[s] = toupper(p[i]); order[++k] = s; break }
			}
			if (!(s in server)) {
				h = $3; if (h == "") h = $4
				sub(/,.*/, "", h)
				if (h != "") server[s] = h
			}
		}
		END { for (i = 1; i <= k; i++) { s = order[i]; print name "\t" s "\t" proto[s] "\t" ((s in server) ? server[s] : "-") } }' |
		sort -t$'\t' -k2,2n
}
for cap in "$shared"/captures/*.pcap "$shared"/captures/*.pcapng; do
	row "$(basename "$cap")" "$cap"
done
for cap in "$repo"/samples/data/*.pcap; do
	row "sample:$(basename "$cap" .pcap)" "$cap"
done
for cap in "$repo"/testdata/app/*.pcap; do
	row "repo:testdata/app/$(basename "$cap")" "$cap"
done
