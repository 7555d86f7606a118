// Package filter is a display-filter language for tcpstep's timelines: the
// part of Wireshark's display-filter syntax that covers the fields tcpstep
// keeps, so that a filter a Wireshark user already types picks the same
// frames here as in tshark -Y, plus a few fields of tcpstep's own.
//
// It is pure Go over package model: no I/O, no terminal. What the timeline
// does not keep (payload bytes, the bytes of frames that carry no segment)
// is read through the functions of a Source, and only when a filter needs it.
//
// # What a row is
//
// Like tshark, a filter chooses frames, not segments: Match and Frames take
// frame numbers. A frame is a TCP segment, an IPv4 fragment, an ICMP error
// quoting a TCP header, or anything else (ARP, DNS, a ping); a field a frame
// does not have is absent, and a comparison with an absent field is false.
//
// # Syntax
//
//	tcp.port == 80 && !tcp.analysis.retransmission
//	ip.addr == 10.0.0.0/8 or ipv6.addr == fe80::/10
//	tcp.flags & 0x12 == 0x12              SYN+ACK set, whatever else is
//	tcp.port in {25, 80, 443, 8000..8080}
//	tcp.payload contains "HTTP/1.1" and tcp.payload[0:4] == "GET "
//	tcpstep.server_state == "SYN_RECEIVED"
//
// Comparisons: == != < <= > >= and eq ne lt le gt ge; === (all_eq) and ~=
// (any_ne) as in Wireshark 4. A field can occur more than once in a frame
// (ip.addr is both addresses, tcp.port both ports, ip.src of an ICMP error
// is the sender's and the quoted one): == is true when any occurrence is
// equal, != when all differ (so ip.addr != 10.0.0.1 drops a frame with that
// address on either side, and is false where the field is absent).
// contains and matches (or ~) test bytes; in {...} tests set membership
// with values and ranges lo..hi, and "not in" is its negation. Logic: &&
// || ! or and or not, with the usual precedence (not, then and, then or)
// and parentheses; keywords (and, or, not, in, eq, contains, ...) in any
// case. A bare field is an existence test: tcp, icmp,
// tcp.analysis.retransmission. Beware that, as in Wireshark, a bare flag
// such as tcp.flags.syn is also an existence test, true for every TCP
// header: write tcp.flags.syn == 1.
//
// Values: decimal, hex 0x.., octal 0.. and binary 0b.. integers; seconds
// with a fraction for times (frame.time_relative > 1.5); True and False
// (and 1, 0) for flags; IPv4 and IPv6 addresses and CIDR prefixes (host
// bits ignored, as Wireshark does); strings in double quotes with the
// escapes \\ \" \a \b \f \n \r \t \v \xhh \ooo \uXXXX, raw strings r"..."
// in which a backslash is itself; byte strings 0d:0a:0d:0a (also with - or
// . between bytes). A slice takes part of a byte field: [i:n] n bytes from
// i, [i-j] bytes i to j, [i] one byte, [i:] to the end, negative i from
// the end, several joined with commas.
//
// # Fields
//
// frame: frame, frame.number, frame.len, frame.cap_len,
// frame.time_relative, frame.time_delta.
//
// ip, ipv6: ip, ip.src, ip.dst, ip.addr, ip.flags.mf, ip.frag_offset;
// ipv6, ipv6.src, ipv6.dst, ipv6.addr. A frame that is an IPv4 fragment is
// ip.flags.mf == 1 || ip.frag_offset > 0 in Wireshark's terms;
// tcpstep.fragment says it shorter.
//
// tcp: tcp, tcp.srcport, tcp.dstport, tcp.port, tcp.stream, tcp.seq and
// tcp.ack (relative, as tshark shows them by default; tcp.ack is the raw
// number on a segment without ACK), tcp.seq_raw, tcp.ack_raw, tcp.len,
// tcp.window_size_value (as sent), tcp.window_size (scaled by the shift the
// sender's SYN announced unless the handshake showed scaling off, as
// tshark's), tcp.flags (12 bits, e.g. tcp.flags == 0x012), tcp.flags.fin
// syn reset push ack urg ece cwr ae res (rst, psh and ns are accepted for
// reset, push and ae), tcp.flags.ace (once a SYN asked for AccECN, later
// segments carry this counter in the AE, CWR and ECE bits, and tshark then
// shows it instead of those three flags), tcp.payload, tcp.analysis.flags
// (any analysis event) and tcp.analysis.EVENT for each of retransmission,
// fast_retransmission, spurious_retransmission, out_of_order, lost_segment,
// ack_lost_segment, duplicate_ack, zero_window, zero_window_probe,
// zero_window_probe_ack, keep_alive, keep_alive_ack, window_update,
// window_full, reused_ports.
//
// icmp, icmpv6: icmp, icmp.type, icmp.code, icmpv6, icmpv6.type,
// icmpv6.code. An ICMP error quoting a TCP header also has tcp, tcp.srcport,
// tcp.dstport, tcp.port, tcp.stream, the quoted header's absolute tcp.seq,
// tcp.flags, and (when the Source reads frames) its raw tcp.ack,
// tcp.window_size and the quoted tcp.payload, as tshark gives them.
//
// Application layer (package app's analysis of the frame's conversation,
// on its reassembled streams, done only for a filter that names one of
// these): the protocols http, smtp, ftp, pop, imap, tls, ssh, dns, true on
// the frames that complete a message of that protocol (as in tshark, a
// segment carrying only the middle of a TLS record or an HTTP head is not
// tls or http; tls is also true where a TLS record starts, as tshark's
// TLS dissector is called there; a message that a hole or the end of the
// capture cut short has none of its protocol's fields, as tshark never
// completes it); the text fields http.request.method, http.request.uri,
// http.host, smtp.req.command, ftp.request.command,
// tls.handshake.extensions_server_name, ssh.protocol, dns.qry.name
// (compared as strings: ==, !=, <, contains, matches, in {...}; a value
// may be written without quotes, smtp.req.command == VRFY); and the
// numbers http.response.code, smtp.response.code, ftp.response.code,
// tls.handshake.type. A message's fields are on the frame that completes
// it.
//
// tcpstep, where Wireshark has no field: tcpstep.client_state and
// tcpstep.server_state, the RFC 793 state of each side after the segment
// (tcpstep.server_state == "SYN_RECEIVED"; the RFC's SYN-RECEIVED and any
// case are accepted, quoted or not), tcpstep.state (either side), and
// tcpstep.fragment (the frame is an IPv4 fragment).
//
// # Where it differs from Wireshark
//
//   - matches uses Go's regexp (RE2), not PCRE2. Like Wireshark it is
//     case-insensitive unless the pattern starts with (?-i). RE2 has no
//     backreferences, lookahead or lookbehind, atomic groups or possessive
//     quantifiers, and \xhh in a pattern means the character U+00hh, not
//     the byte: a payload is matched as UTF-8 text in which an invalid
//     byte is one U+FFFD. In exchange a pattern runs in time linear in the
//     payload, whatever the payload (it comes from the capture).
//   - Fields of frames that carry no segment (a DNS query's ip.src, a
//     ping's icmp) come from Source.Frame; without it such frames have only
//     the fields the timeline keeps for them (an ICMP error's addresses and
//     quoted ports, a reassembled fragment's addresses).
//   - The IP headers of a tunnel around a TCP segment (Geneve, IP in IP)
//     are not kept in the timeline, so ip.addr sees the segment's own
//     addresses only, where tshark also sees the tunnel's.
//   - The application fields are package app's reading of the stream,
//     which follows tshark's dissectors for the protocols it knows but
//     not every one of their heuristics (see package app).
//   - Only the fields above; no arithmetic but &, no functions (len,
//     upper, ...), no field references ($field), no layer operator (#).
//     Comparing two fields (tcp.srcport > tcp.dstport) works.
//   - Wireshark 4.0 wants commas between the members of a set; spaces
//     (Wireshark 3) are accepted too. true and false are accepted besides
//     True and False, and a quoted IP address besides a bare one.
package filter
