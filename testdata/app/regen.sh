#!/usr/bin/env bash
# regen.sh — record tshark's view of the application layer of every capture
# the app oracle test (app/oracle_test.go) reads: the shared corpus
# (../shared/captures beside the checkout) and the loopback sessions in this
# directory. One TSV per capture, testdata/app/expected/NAME.tsv:
#
#   '#' comment lines (tshark version, options), a header row of field names,
#   then one row per frame that tshark decodes as TCP (display filter "tcp"),
#   the fields below, several values of a field joined by ','.
#
# tshark runs with an empty private configuration directory, so only its
# default preferences apply (TCP reassembly of PDUs across segments on,
# reassemble_out_of_order off), whatever ~/.config/wireshark says.
#
# usage: testdata/app/regen.sh            (from anywhere in the checkout)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=$root/../shared/captures
out=$here/expected
mkdir -p "$out"

cfg=$(mktemp -d)
trap 'rm -rf "$cfg"' EXIT
export HOME=$cfg XDG_CONFIG_HOME=$cfg/.config

fields=(
  frame.number _ws.col.Protocol
  http.request.method http.request.uri http.request.version http.host
  http.response.code http.content_length
  smtp.req.command smtp.response.code
  ftp.request.command ftp.response.code
  pop.request.command pop.response.indicator
  imap.request.command imap.response.status imap.request_tag imap.response_tag
  tls.record.content_type tls.handshake.type tls.handshake.extensions_server_name
  tls.handshake.extensions_alpn_str tls.handshake.ciphersuite tls.alert_message.desc
  ssh.protocol ssh.message_code
  dns.qry.name dns.qry.type dns.flags.rcode dns.count.answers
)
args=()
for f in "${fields[@]}"; do args+=(-e "$f"); done

one() {
  local cap=$1 name
  name=$(basename "$cap")
  name=${name%.*}
  {
    echo "# $(tshark --version 2>/dev/null | head -1)"
    echo "# capture: $(basename "$cap")"
    echo "# tshark -r CAPTURE -Y tcp -T fields -E separator=/t -E occurrence=a -E aggregator=, (default preferences)"
    (IFS=$'\t'; echo "${fields[*]}")
    tshark -r "$cap" -Y tcp -T fields -E separator=/t -E occurrence=a -E aggregator=, "${args[@]}" 2>/dev/null
  } >"$out/$name.tsv"
}

n=0
if [[ -d $shared ]]; then
  for cap in "$shared"/*.pcap "$shared"/*.pcapng; do
    [[ -e $cap ]] || continue
    one "$cap"
    n=$((n + 1))
  done
else
  echo "$0: $shared is absent: only this directory's captures recorded" >&2
fi
for cap in "$here"/*.pcap "$here"/*.pcapng; do
  [[ -e $cap ]] || continue
  one "$cap"
  n=$((n + 1))
done
echo "$n captures recorded in $out" >&2
