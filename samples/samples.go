// Package samples embeds small teaching captures in the tcpstep binary, so a
// newcomer can step through real-looking TCP sessions without a capture of
// their own: `tcpstep` opens the default one, `sample:NAME` any other, and
// `tcpstep samples` lists them.
//
// The captures are classic pcap files (Ethernet) crafted by the generator in
// ./gen from the scenario files in scenarios/ (package scenario, which
// writes them with gopacket's serializers, independently of tcpstep's own
// decoder). Regenerate them with `go generate ./samples`; the output is
// byte-identical on every run, and a test checks that the committed files
// match their scenarios.
package samples

import (
	"embed"
	"fmt"
)

//go:generate go run ./gen

//go:embed data/*.pcap
var files embed.FS

//go:embed scenarios/*.tcpscenario
var scenarios embed.FS

// Default is the sample tcpstep opens when given no capture.
const Default = "smtp-figure10"

// Sample describes one embedded capture.
type Sample struct {
	Name        string // what `sample:NAME` takes
	Title       string // one line
	Description string // what it shows and what to watch for
}

// catalogue is in teaching order, the default first: connection basics,
// then the ways connections end, then what goes wrong in transfers, then
// analysis lessons and the IP/ICMP layers underneath.
var catalogue = []Sample{
	{
		Name:  "smtp-figure10",
		Title: "SMTP session of Figure 10: help, VRFY/EXPN probing, server close, RST",
		Description: "The SMTP session of \"TCP/IP for security professionals\", Figure 10, with its printed numbers: " +
			"client port 1042 (ISN 1023645922) to server port 25 (ISN 2234678799), SYN ack 0, SYN/ACK ack 1023645923, " +
			"ACK ack 2234678800, then the server's 93-byte greeting. The client's `help` goes out with PSH/ACK at " +
			"SEQ 1023645923 and the server's reply acknowledges 1023645928: the client sends bare-LF lines, as " +
			"netcat does, so \"help\\n\" is the five bytes. An attacker then probes user names with VRFY and EXPN " +
			"(250 = exists, 550 = unknown, 252 = cannot verify); watch each reply acknowledge exactly the command's " +
			"bytes and the Windows client's delayed pure ACKs 200 ms later. After QUIT the server sends 221 and its " +
			"FIN (FIN_WAIT_1), the client ACKs it (server FIN_WAIT_2, client CLOSE_WAIT) and sends its own FIN " +
			"(LAST_ACK); where the final ACK would be, the server's TCP answers that FIN with a RST, SEQ taken from " +
			"the FIN's ACK field: RFC 9293's answer to a segment for a connection that no longer exists (a TCP in " +
			"TIME_WAIT would acknowledge the FIN). Numbers the paper does not print follow TCP arithmetic.",
	},
	{
		Name:  "http-close",
		Title: "HTTP request and response, client closes first (four-way close)",
		Description: "curl fetches a small file and closes. The handshake carries the usual Linux options (MSS 1460, " +
			"SACK permitted, timestamps, window scale 7). After the response the client's FIN takes it to FIN_WAIT_1; " +
			"the server's bare ACK of that FIN moves the client to FIN_WAIT_2 and the server to CLOSE_WAIT; the " +
			"server's own FIN puts it in LAST_ACK and the client in TIME_WAIT, and the client's last ACK closes the " +
			"server. Each FIN counts as one sequence number: watch the ACKs go up by one.",
	},
	{
		Name:  "refused",
		Title: "Connection refused: SYN answered by RST/ACK",
		Description: "A SYN to port 8080, where nothing listens. The server's stack answers with RST/ACK: SEQ 0 and an " +
			"ACK of the SYN's sequence number plus one, as RFC 793 prescribes for a reset answering a segment " +
			"without ACK. The client goes SYN_SENT to CLOSED; the server side never leaves CLOSED.",
	},
	{
		Name:  "reset-abort",
		Title: "Download aborted by RST in the middle of a transfer",
		Description: "A large download interrupted by the user. Closing a socket with unread data makes Linux send " +
			"RST/ACK instead of FIN, so the connection ends at once on both sides. Two segments the server had " +
			"already sent arrive afterwards; with no connection left the client's stack answers each with a bare " +
			"RST whose SEQ is the segment's ACK number.",
	},
	{
		Name:  "simultaneous-open",
		Title: "Simultaneous open: crossing SYNs, then two SYN/ACKs",
		Description: "Two peers behind NATs connect to each other at the same moment (hole punching). Each sends a SYN " +
			"(SYN_SENT), receives the other's (SYN_RECEIVED) and answers with a SYN/ACK that repeats its own ISN; " +
			"each SYN/ACK then moves its receiver to ESTABLISHED. tshark flags the SYN/ACKs as retransmissions " +
			"because they repeat the SYNs' sequence numbers. A short exchange and a close follow.",
	},
	{
		Name:  "simultaneous-close",
		Title: "Simultaneous close: crossing FINs, both sides pass through CLOSING",
		Description: "An idle keep-alive connection: the client closes just as the server's keep-alive timeout fires. " +
			"The two FINs cross, so neither FIN's ACK field covers the other's FIN: both sides go FIN_WAIT_1 and, " +
			"on receiving the other's FIN, CLOSING; each then ACKs the other's FIN and, when its own FIN is " +
			"acknowledged, enters TIME_WAIT. Compare with http-close, where the second FIN acknowledges the first.",
	},
	{
		Name:  "lossy-transfer",
		Title: "Bulk transfer with loss: timeout, duplicate ACKs, fast retransmit, reordering",
		Description: "A download seen by a tap beside the client (the server is 7 ms beyond it), so every loss lies " +
			"beyond the tap. The request is lost after the tap: it is in the capture once, then again when the " +
			"client's retransmission timer runs out (about 216 ms). A segment of the response is lost before the " +
			"tap and never shows: tshark reports the next one as following a gap, the client answers each later " +
			"segment with a duplicate ACK carrying a growing SACK block, and after the third the server resends the " +
			"missing segment (a fast retransmission, 14 ms after the last duplicate). In the next flight two " +
			"segments swap places on the path: the later one makes tshark report a gap, the earlier one, arriving " +
			"0.8 ms behind, is out of order.",
	},
	{
		Name:  "zero-window",
		Title: "Zero window: a slow printer, window probes and a window update",
		Description: "A print job (PJL/PostScript; it begins with an ESC character, shown escaped) to a network printer " +
			"whose 4380-byte window the client fills (window full). The printer then advertises window 0; the client's " +
			"persist timer sends one-byte zero-window probes at the next sequence number, 205 ms and then 410 ms " +
			"later, and the printer acknowledges them without taking the byte. When its buffer drains the printer " +
			"sends a window update (same ACK, window 2920) and the job resumes from the probed byte.",
	},
	{
		Name:  "keepalive",
		Title: "Keep-alives on an idle IMAP connection",
		Description: "An IMAP client idling on a mailbox. After a minute of silence the Linux client sends a keep-alive: " +
			"no data, SEQ one below the next sequence number, so the server must answer with an ACK. Later the " +
			"Windows server sends its own kind: one garbage byte at SEQ next-1, which the client acknowledges " +
			"without accepting. Then new mail arrives and the session ends with a server-first close.",
	},
	{
		Name:  "mid-connection",
		Title: "Capture that begins in the middle of a connection",
		Description: "Recording started while a download was already running: there is no handshake, so both sides " +
			"are assumed ESTABLISHED, and relative sequence numbers start at 1 (tshark's base is the first " +
			"sequence number seen minus one). The transfer ends, a second request follows on the same connection, " +
			"and the client closes.",
	},
	{
		Name:  "isn-prediction",
		Title: "Predictable versus random initial sequence numbers",
		Description: "Two hosts check a web server by connecting and closing at once, four times each. The old " +
			"4.4BSD-derived host's ISNs rise by exactly 64000 per connection (52672001, 52736001, ...), its source " +
			"ports count up from 1025 and its IP IDs by one: everything an attacker needs to predict its next " +
			"connection and spoof it. The modern Linux host's ISNs and ports are random.",
	},
	{
		Name:  "ipv6",
		Title: "An HTTP fetch over IPv6, server closes first",
		Description: "Addresses from 2001:db8::/32, MSS 1440 (IPv6's header is 20 bytes longer than IPv4's). The server " +
			"sends the response and closes (Connection: close), so this time the server passes FIN_WAIT_1, " +
			"FIN_WAIT_2 and TIME_WAIT while the client passes CLOSE_WAIT and LAST_ACK.",
	},
	{
		Name:  "ip-fragments",
		Title: "One TCP segment in three IPv4 fragments, one out of order",
		Description: "Two hosts on jumbo-frame LANs (MSS 8960) joined by a 1500-byte link. A 2968-byte response travels " +
			"as one 3000-byte TCP segment without DF, so the router fragments it: three fragments with the same IP " +
			"ID, More Fragments set on all but the last, offsets 0, 1480 and 2960 bytes. The middle fragment arrives " +
			"last: the segment exists only once it completes the reassembly.",
	},
	{
		Name:  "icmp-frag-needed",
		Title: "Path MTU discovery: ICMP fragmentation needed, smaller resends",
		Description: "Seen at a web server whose full-size segments (1500-byte datagrams, DF set) meet a 1400-byte tunnel. " +
			"The tunnel's router drops them and answers ICMP type 3 code 4 with the next-hop MTU 1400, quoting " +
			"each datagram's IP header and the start of its TCP segment (RFC 1812: up to 576 bytes); the quotes " +
			"carry the connection's ports and the dropped segments' sequence numbers. The server resends the data " +
			"in 1348-byte segments; tshark calls the first two out of order (they come within one handshake RTT of " +
			"the originals), the last a retransmission.",
	},
	{
		Name:  "icmp-time-exceeded",
		Title: "TCP traceroute: ICMP time exceeded quoting SYN probes",
		Description: "A TCP traceroute to a web server, one probe per hop from its own source port: SYNs with TTL 1, 2 " +
			"and 3. The first router answers ICMP time exceeded quoting the IP header and the first 8 bytes of TCP " +
			"(ports and sequence number, RFC 792's minimum); the second quotes the whole probe. The third probe " +
			"reaches the server, whose SYN/ACK the tracing host's kernel resets because no socket asked for it.",
	},
	{
		Name:  "rfc9293-fig6",
		Title: "RFC 9293 Figure 6: the basic three-way handshake, with the figure's numbers",
		Description: "The handshake of RFC 9293 §3.5, Figure 6, with its own numbers: A's SYN <SEQ=100>, B's SYN,ACK " +
			"<SEQ=300><ACK=101>, A's ACK <SEQ=101><ACK=301>, then A's first data, again at SEQ 101. Captured beside A, " +
			"with no TCP options, as the figure draws it; watch each SYN use one sequence number.",
	},
	{
		Name:  "rfc9293-fig7",
		Title: "RFC 9293 Figure 7: simultaneous open, SYNs crossing",
		Description: "Figure 7's simultaneous connection synchronization: A sends <SEQ=100><CTL=SYN>, B's <SEQ=300><CTL=SYN> " +
			"crosses it, and each side answers with a SYN,ACK that repeats its own ISN (<SEQ=100><ACK=301>, " +
			"<SEQ=300><ACK=101>). Captured beside A: A's segments reaching B (lines 4 and 7) are not rows of their own.",
	},
	{
		Name:  "rfc9293-fig8",
		Title: "RFC 9293 Figure 8: recovery from an old duplicate SYN",
		Description: "Figure 8 seen beside B: an old duplicate SYN <SEQ=90> arrives first and B answers <SEQ=300><ACK=91>; " +
			"A, whose SYN was SEQ=100, resets that with <SEQ=91><CTL=RST>, and B listens again. A's own SYN then " +
			"arrives and the handshake completes with B's new ISN: <SEQ=400><ACK=101>, then <SEQ=101><ACK=401>.",
	},
	{
		Name:  "rfc9293-fig9",
		Title: "RFC 9293 Figure 9: half-open connection discovery",
		Description: "Figure 9 seen beside A: A crashed and reconnects with <SEQ=400><CTL=SYN>; B, still ESTABLISHED " +
			"(send 300, receive 100), answers with <SEQ=300><ACK=100><CTL=ACK>; A resets with <SEQ=100><CTL=RST>, " +
			"taking SEQ from that ACK, B aborts, and A's SYN <SEQ=400> goes out again.",
	},
	{
		Name:  "rfc9293-fig10",
		Title: "RFC 9293 Figure 10: the active side causes half-open connection discovery",
		Description: "Figure 10 seen beside B: A rebooted; B, still ESTABLISHED, sends <SEQ=300><ACK=100><DATA=10>, and A, " +
			"which has no such connection, answers <SEQ=100><CTL=RST> (SEQ from the segment's ACK): B aborts. The " +
			"capture begins mid-connection, so B (the first sender) is the client.",
	},
	{
		Name:  "rfc9293-fig11",
		Title: "RFC 9293 Figure 11: an old duplicate SYN resets two passive sockets",
		Description: "Figure 11 seen beside B, with Z = 100 and X = 300: an old duplicate SYN <SEQ=Z> reaches B, listening, " +
			"which answers <SEQ=X><ACK=Z+1><CTL=SYN,ACK>; A, listening too, resets it with <SEQ=Z+1><CTL=RST> and B " +
			"returns to LISTEN. A decoder cannot see that A only listens.",
	},
	{
		Name:  "rfc9293-fig12",
		Title: "RFC 9293 Figure 12: the normal close sequence",
		Description: "Figure 12 on an established connection, seen beside A: A's FIN <SEQ=100><ACK=300> (FIN-WAIT-1, B " +
			"CLOSE-WAIT), B's ACK <SEQ=300><ACK=101> (FIN-WAIT-2), B's FIN <SEQ=300><ACK=101> (LAST-ACK, A TIME-WAIT) " +
			"and A's last ACK <SEQ=101><ACK=301>, which closes B.",
	},
	{
		Name:  "rfc9293-fig13",
		Title: "RFC 9293 Figure 13: the simultaneous close sequence",
		Description: "Figure 13 seen beside A: both FINs cross (<SEQ=100><ACK=300> and <SEQ=300><ACK=100>), so neither " +
			"acknowledges the other's; both sides pass CLOSING and, as <SEQ=101><ACK=301> and <SEQ=301><ACK=101> " +
			"arrive, TIME-WAIT.",
	},
}

// List returns the embedded samples in teaching order, Default first.
func List() []Sample {
	return append([]Sample(nil), catalogue...)
}

// Bytes returns the pcap file of the named sample.
func Bytes(name string) ([]byte, error) {
	for _, s := range catalogue {
		if s.Name == name {
			b, err := files.ReadFile("data/" + name + ".pcap")
			if err != nil {
				return nil, fmt.Errorf("sample %s: %w", name, err)
			}
			return b, nil
		}
	}
	return nil, fmt.Errorf("unknown sample %q (tcpstep samples lists them)", name)
}

// Scenario returns the scenario file the named sample's capture is crafted
// from (package scenario reads it).
func Scenario(name string) ([]byte, error) {
	for _, s := range catalogue {
		if s.Name == name {
			b, err := scenarios.ReadFile("scenarios/" + name + ".tcpscenario")
			if err != nil {
				return nil, fmt.Errorf("sample %s: %w", name, err)
			}
			return b, nil
		}
	}
	return nil, fmt.Errorf("unknown sample %q (tcpstep samples lists them)", name)
}
