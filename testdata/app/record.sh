#!/usr/bin/env bash
# record.sh — re-record the loopback sessions of testdata/app: real clients
# against real servers on 127.0.14.1 (the issue's number, away from anything
# else on loopback), each captured by tcpdump into NAME.pcap. Needs root (or
# capture rights), tcpdump, curl, openssl, openssh-server (sshd), dig
# (bind9-dnsutils) and Debian's python3 with python3-aiosmtpd and
# python3-dnslib. Then run regen.sh to record tshark's answers.
#
# usage: record.sh [NAME...]   (default: every session; NAME as in NAME.pcap)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
helpers=$here/record_helpers.py
ip=127.0.14.1
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# want NAME: whether session NAME is to be recorded.
only=("$@")
want() {
  [[ ${#only[@]} -eq 0 ]] && return 0
  local n
  for n in "${only[@]}"; do [[ $n == "$1" ]] && return 0; done
  return 1
}

# bg starts a server and remembers its pid.
bg() { "$@" >"$tmp/log.$#" 2>&1 & pids+=($!); }

# capture NAME FILTER CMD...: record the loopback traffic matching FILTER
# while CMD runs.
capture() {
  local name=$1 filter=$2
  shift 2
  tcpdump -i lo -U -s 0 -w "$here/$name.pcap" "$filter" 2>/dev/null &
  local tp=$!
  sleep 1
  "$@" || true
  sleep 1
  kill "$tp"
  wait "$tp" 2>/dev/null || true
  echo "$name.pcap: $(tcpdump -r "$here/$name.pcap" 2>/dev/null | wc -l) packets"
}

# A self-signed certificate for example.com and mail.example.
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=example.com \
  -addext "subjectAltName=DNS:example.com,DNS:mail.example" \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null

## HTTP on 8080: keep-alive GETs (a Content-Length body, a chunked one, a
## 404), a HEAD, a JSON POST, and a request whose head comes in five segments.
if want http; then
bg $py "$helpers" http-server $ip 8080
sleep 1
http() {
  curl -s -o /dev/null "http://$ip:8080/" "http://$ip:8080/chunked" "http://$ip:8080/missing"
  curl -s -o /dev/null -I "http://$ip:8080/"
  curl -s -o /dev/null -H 'Content-Type: application/json' -d '{"issue": 14, "what": "a POST body"}' "http://$ip:8080/post"
  $py "$helpers" split-client $ip 8080
}
capture http "host $ip and tcp port 8080" http
fi

## SMTP on 25: EHLO, help (lower case, as sent), VRFY root refused with 550,
## VRFY postmaster, EXPN, a rejected and an accepted RCPT, DATA, QUIT.
if want smtp; then
bg $py "$helpers" smtp-server $ip 25
sleep 1
capture smtp "host $ip and tcp port 25" $py "$helpers" smtp-client $ip 25
kill "${pids[-1]}"
fi

## SMTP with STARTTLS on 25: after 220 the rest is TLS.
if want smtp-starttls; then
bg $py "$helpers" smtp-server $ip 25 "$tmp/cert.pem" "$tmp/key.pem"
sleep 1
capture smtp-starttls "host $ip and tcp port 25" $py "$helpers" smtp-client $ip 25 starttls
kill "${pids[-1]}"
fi

## SMTP on 2525, a port tshark does not know: content decides.
if want smtp-2525; then
bg $py "$helpers" smtp-server $ip 2525
sleep 1
capture smtp-2525 "host $ip and tcp port 2525" $py "$helpers" smtp-client $ip 2525
kill "${pids[-1]}"
fi

## TLS 1.2 through a proxy that forwards in 150-byte pieces: records and
## handshake messages span segments.
if want tls12; then
bg openssl s_server -quiet -www -accept 127.0.14.2:4433 -cert "$tmp/cert.pem" -key "$tmp/key.pem" -tls1_2 -alpn http/1.1
bg $py "$helpers" chop-proxy $ip 443 127.0.14.2 4433 150
sleep 1
tls12() {
  printf 'GET / HTTP/1.0\r\n\r\n' | timeout 5 openssl s_client -quiet -tls1_2 -servername example.com -alpn http/1.1 -connect $ip:443 >/dev/null 2>&1
  # A client that offers only TLS 1.3 to this TLS 1.2 server: an alert.
  timeout 5 openssl s_client -tls1_3 -servername example.com -connect $ip:443 </dev/null >/dev/null 2>&1
}
capture tls12 "host $ip and tcp port 443" tls12
kill "${pids[-1]}" "${pids[-2]}"
fi

## TLS 1.3: openssl s_client and curl (ALPN h2, http/1.1), no proxy.
if want tls13; then
bg openssl s_server -quiet -www -accept $ip:443 -cert "$tmp/cert.pem" -key "$tmp/key.pem" -alpn http/1.1
sleep 1
tls13() {
  printf 'GET / HTTP/1.0\r\n\r\n' | timeout 5 openssl s_client -quiet -tls1_3 -servername example.com -connect $ip:443 >/dev/null 2>&1
  curl -s -k -o /dev/null --resolve example.com:443:$ip https://example.com/
}
capture tls13 "host $ip and tcp port 443" tls13
kill "${pids[-1]}"
fi

## SSH on 22: the banners, the key exchange in clear, then encrypted
## packets; the client fails authentication (BatchMode, no key). Twice:
## OpenSSH's default key exchange and curve25519.
if want ssh; then
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$tmp/hostkey"
cat >"$tmp/sshd_config" <<CFG
ListenAddress $ip:22
HostKey $tmp/hostkey
PidFile $tmp/sshd.pid
UsePAM no
PasswordAuthentication no
CFG
bg /usr/sbin/sshd -D -e -f "$tmp/sshd_config"
sleep 1
sshs() {
  for kex in default curve25519-sha256; do
    opt=()
    [[ $kex != default ]] && opt=(-o KexAlgorithms=$kex)
    timeout 10 ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
      "${opt[@]}" -p 22 nobody@$ip true >/dev/null 2>&1 || true
  done
}
capture ssh "host $ip and tcp port 22" sshs
kill "${pids[-1]}"
fi

## DNS over TCP on 53: A (two answers), AAAA, a name that does not exist,
## and two queries on one connection.
if want dns; then
bg $py "$helpers" dns-server $ip 53
sleep 1
dnsq() {
  dig +tcp +tries=1 @$ip example.com A >/dev/null
  dig +tcp +tries=1 @$ip www.example.com AAAA >/dev/null
  dig +tcp +tries=1 @$ip nx.example.com A >/dev/null
  dig +tcp +keepopen +tries=1 @$ip a.example.com A b.example.com A >/dev/null
}
capture dns "host $ip and tcp port 53" dnsq
fi

## POP3 on 110: Python poplib against a small server with real replies:
## CAPA (a multi-line answer), USER/PASS refused with -ERR, then accepted,
## STAT, LIST, RETR (a dot-stuffed message), QUIT.
if want pop; then
bg $py "$helpers" pop-server $ip 110
sleep 1
capture pop "host $ip and tcp port 110" $py "$helpers" pop-client $ip 110
kill "${pids[-1]}"
fi

## IMAP on 143: Python imaplib: CAPABILITY, LOGIN, SELECT, NOOP, LOGOUT.
if want imap; then
bg $py "$helpers" imap-server $ip 143
sleep 1
capture imap "host $ip and tcp port 143" $py "$helpers" imap-client $ip 143
kill "${pids[-1]}"
fi
