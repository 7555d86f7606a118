package pcapgen

import (
	"fmt"
	"strings"
	"time"
)

// scenarios lists every sample in teaching order; the default comes first.
var scenarios = []scenario{
	{"smtp-figure10", "2003-03-14T14:02:07.104233Z", smtpFigure10},
	{"http-close", "2024-05-14T09:00:00.000114Z", httpClose},
	{"refused", "2024-05-14T09:05:12.481020Z", refused},
	{"reset-abort", "2024-05-14T09:10:03.200417Z", resetAbort},
	{"simultaneous-open", "2024-05-14T09:15:41.000902Z", simultaneousOpen},
	{"simultaneous-close", "2024-05-14T09:20:07.318554Z", simultaneousClose},
	{"lossy-transfer", "2024-05-14T09:25:30.052301Z", lossyTransfer},
	{"zero-window", "2024-05-14T09:30:18.774410Z", zeroWindow},
	{"keepalive", "2024-05-14T09:35:00.610245Z", keepalive},
	{"mid-connection", "2024-05-14T09:40:44.907716Z", midConnection},
	{"isn-prediction", "2024-05-14T09:45:02.133049Z", isnPrediction},
	{"ipv6", "2024-05-14T09:50:21.480366Z", ipv6},
	{"ip-fragments", "2024-05-14T09:55:09.011272Z", ipFragments},
	{"icmp-frag-needed", "2024-05-14T10:00:33.590184Z", icmpFragNeeded},
	{"icmp-time-exceeded", "2024-05-14T10:05:52.226801Z", icmpTimeExceeded},
}

// Link-layer addresses from the documentation block of RFC 7042.
const (
	macRouter  = "00:00:5e:00:53:01" // the observed link's gateway
	macRouter2 = "00:00:5e:00:53:02" // a second router (transit links)
	macClient  = "00:00:5e:00:53:17"
	macServer  = "00:00:5e:00:53:50"
	macPeer    = "00:00:5e:00:53:2a"
	macOld     = "00:00:5e:00:53:0b"
)

// Stacks of the older or special hosts in the samples.
var (
	// Windows XP: no timestamps, no window scaling, SACK permitted.
	winXP = stack{mss: 1460, sack: true, wscale: -1, synWin: 65535}
	// Linux 2.4, as many mail servers of the paper's time ran.
	linux24 = stack{mss: 1460, sack: true, ts: true, wscale: 0, synWin: 5840}
	// An embedded print server: MSS only, a three-segment window.
	printer = stack{mss: 1460, wscale: -1, synWin: 4380}
	// A 4.4BSD-derived host: MSS only.
	bsd44 = stack{mss: 1460, wscale: -1, synWin: 16384}
	// Windows Server: SACK and window scaling, no timestamps.
	winSrv = stack{mss: 1460, sack: true, wscale: 8, synWin: 65535, estWin: 1026}
	// Hosts on jumbo-frame LANs.
	jumbo = stack{mss: 8960, sack: true, ts: true, wscale: 7, synWin: 62720, estWin: 490}
	// A hand-made traceroute probe: a bare SYN with an MSS.
	probe = stack{mss: 1460, wscale: -1, synWin: 5840}
)

// handshake runs SYN, SYN/ACK, ACK with the given gaps in milliseconds.
func (k *conn) handshake(synToSynAck, synAckToAck float64) {
	k.send(k.cli, fSYN, nil)
	k.c.wait(synToSynAck)
	k.send(k.srv, fSYN|fACK, nil)
	k.c.wait(synAckToAck)
	k.send(k.cli, fACK, nil)
}

// isns gives both sides unpredictable initial sequence numbers.
func (k *conn) isns() {
	k.cli.setISN(k.c.isn())
	k.srv.setISN(k.c.isn())
}

// segments cuts data into pieces of at most n bytes.
func segments(data []byte, n int) [][]byte {
	var out [][]byte
	for len(data) > n {
		out = append(out, data[:n])
		data = data[n:]
	}
	return append(out, data)
}

// prose returns exactly n bytes of readable filler text (lines of a made-up
// document), so payloads look like what they pretend to be.
func prose(n int, title string) []byte {
	lines := []string{
		"A connection is defined by a pair of sockets; each side keeps its own state.",
		"The sequence number of a segment is the number of its first data octet.",
		"An acknowledgment of X means every octet before X has been received.",
		"A segment that arrives out of order is held until the gap is filled.",
		"The window tells the sender how many octets the receiver can take now.",
		"A FIN is a promise to send no more data; the other side may still talk.",
		"Retransmission covers loss; the sequence numbers tell a copy from news.",
	}
	var b strings.Builder
	b.WriteString(title + "\n\n")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%4d  %s\n", i+1, lines[i%len(lines)])
	}
	return []byte(b.String()[:n])
}

func httpResponse(body []byte, extra string) []byte {
	h := "HTTP/1.1 200 OK\r\n" +
		"Server: nginx/1.24.0\r\n" +
		"Date: Tue, 14 May 2024 09:00:00 GMT\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		fmt.Sprintf("Content-Length: %d\r\n", len(body)) +
		"Last-Modified: Mon, 13 May 2024 17:42:10 GMT\r\n" +
		extra +
		"Accept-Ranges: bytes\r\n\r\n"
	return append([]byte(h), body...)
}

// httpResponseSized is an httpResponse of exactly total bytes whose body is
// prose under the given title.
func httpResponseSized(total int, title, extra string) []byte {
	n := total - len(httpResponse(nil, extra))
	for range 8 { // the Content-Length digits depend on n: settle them
		r := httpResponse(make([]byte, n), extra)
		if len(r) == total {
			return httpResponse(prose(n, title), extra)
		}
		n += total - len(r)
	}
	fail("no body length gives a %d-byte response", total)
	return nil
}

func httpGet(path, host string) []byte {
	return []byte("GET " + path + " HTTP/1.1\r\nHost: " + host +
		"\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n")
}

// The paper's SMTP session (Figure 10): an attacker connects from port 1042
// to a mail server and probes user names. The printed numbers are kept; the
// rest follows from TCP arithmetic.
func smtpFigure10(c *capture) {
	client := c.newHost(macRouter, "198.51.100.77")
	client.ttl, client.hops = 128, 13
	server := c.newHost(macServer, "192.0.2.25")
	server.ipid = 0
	server.zeroID = true // Linux 2.4 sends DF datagrams with IP ID 0
	k := c.conn(client, 1042, winXP, server, 25, linux24)
	k.cli.setISN(1023645922)
	k.srv.setISN(2234678799)
	k.srv.win = 5840

	// The observer sits next to the mail server; the attacker is 31 ms away.
	k.handshake(0.09, 31.4)
	c.wait(152.7) // sendmail looks the client up before it greets
	greeting := "220 mailhub.example.com ESMTP Sendmail 8.12.8/8.12.8; Fri, 14 Mar 2003 09:02:07 -0500 (EST)\r\n"
	if len(greeting) != 93 {
		fail("greeting is %d bytes, the paper's is 93", len(greeting))
	}
	k.send(k.srv, fPSH|fACK, []byte(greeting))
	c.wait(31.4 + 168.2) // Windows' delayed ACK: nothing to send yet
	k.send(k.cli, fACK, nil)

	// A netcat-style client sends each line with a bare LF: "help\n" is the
	// paper's five bytes. Sendmail accepts bare LF and answers with CRLF.
	exchange := func(typing float64, cmd, reply string) {
		c.wait(typing)
		k.send(k.cli, fPSH|fACK, []byte(cmd))
		c.wait(0.6)
		k.send(k.srv, fPSH|fACK, []byte(reply))
		c.wait(31.4 + 168.5)
		k.send(k.cli, fACK, nil)
	}
	exchange(4120.3, "help\n",
		"214-2.0.0 This is sendmail version 8.12.8\r\n"+
			"214-2.0.0 Topics:\r\n"+
			"214-2.0.0 \tHELO\tEHLO\tMAIL\tRCPT\tDATA\r\n"+
			"214-2.0.0 \tRSET\tNOOP\tQUIT\tHELP\tVRFY\r\n"+
			"214-2.0.0 \tEXPN\tVERB\tETRN\tDSN\tAUTH\r\n"+
			"214-2.0.0 \tSTARTTLS\r\n"+
			"214-2.0.0 For more info use \"HELP <topic>\".\r\n"+
			"214-2.0.0 To report bugs in the implementation send email to\r\n"+
			"214-2.0.0 \tsendmail-bugs@sendmail.org.\r\n"+
			"214-2.0.0 For local information send email to Postmaster at your site.\r\n"+
			"214 2.0.0 End of HELP info\r\n")
	exchange(6311.8, "VRFY root\n", "250 2.1.5 Super-User <root@mailhub.example.com>\r\n")
	exchange(3804.1, "VRFY guest\n", "550 5.1.1 guest... User unknown\r\n")
	exchange(4467.5, "EXPN admin\n",
		"250-2.1.5 Alice Admin <alice@mailhub.example.com>\r\n"+
			"250 2.1.5 Bob Operator <bob@mailhub.example.com>\r\n")
	exchange(5230.9, "VRFY bob\n", "250 2.1.5 Bob Operator <bob@mailhub.example.com>\r\n")
	exchange(3902.6, "VRFY oracle@example.net\n", "252 2.1.5 <oracle@example.net>\r\n")

	// QUIT: the server answers 221 and closes first.
	c.wait(2877.4)
	k.send(k.cli, fPSH|fACK, []byte("QUIT\n"))
	c.wait(0.4)
	k.send(k.srv, fPSH|fACK, []byte("221 2.0.0 mailhub.example.com closing connection\r\n"))
	c.wait(0.05)
	k.send(k.srv, fFIN|fACK, nil)
	c.wait(31.5)
	k.send(k.cli, fACK, nil) // acknowledges the reply and the FIN
	c.wait(1.9)
	k.send(k.cli, fFIN|fACK, nil)
	c.wait(0.07)
	// Where the final ACK would be, a reset: the server's TCP no longer has
	// the connection and answers the FIN as RFC 9293 §3.10.7.1 has it answer
	// a segment for a connection that does not exist, its SEQ the FIN's ACK
	// field and no ACK flag.
	k.send(k.srv, fRST, nil, at(k.cli.rcv))
}

// A web page fetched with curl; the client closes first (four-way close).
func httpClose(c *capture) {
	client := c.newHost(macClient, "198.51.100.23")
	server := c.newHost(macRouter, "203.0.113.80")
	server.hops = 9
	k := c.conn(client, 50412, linux, server, 80, linuxSrv)
	k.isns()
	k.handshake(24.2, 0.06)
	c.wait(0.05)
	k.send(k.cli, fPSH|fACK, httpGet("/notes.txt", "www.example.com"))
	c.wait(24.6)
	resp := httpResponse(prose(1760, "Notes on TCP"), "Connection: keep-alive\r\nETag: \"66425102-6e0\"\r\n")
	parts := segments(resp, 1448)
	for i, p := range parts {
		if i > 0 {
			c.wait(0.12)
		}
		fl := fACK
		if i == len(parts)-1 {
			fl |= fPSH
		}
		k.send(k.srv, fl, p)
	}
	c.wait(0.04)
	k.send(k.cli, fACK, nil)
	c.wait(1.3) // curl is done: it closes its side
	k.send(k.cli, fFIN|fACK, nil)
	c.wait(24.3)
	k.send(k.srv, fACK, nil) // the server's stack acknowledges the FIN at once
	c.wait(0.21)
	k.send(k.srv, fFIN|fACK, nil) // nginx reads end-of-file and closes
	c.wait(0.04)
	k.send(k.cli, fACK, nil)
}

// A connection refused: nothing listens on port 8080.
func refused(c *capture) {
	client := c.newHost(macClient, "198.51.100.23")
	server := c.newHost(macRouter, "203.0.113.80")
	server.hops = 9
	server.df = true
	k := c.conn(client, 41876, linux, server, 8080, linuxSrv)
	k.cli.setISN(c.isn())
	k.send(k.cli, fSYN, nil)
	c.wait(24.1)
	// RFC 793: a reset answering a segment without ACK has SEQ 0 and
	// acknowledges the SYN.
	k.send(k.srv, fRST|fACK, nil, at(0))
}

// A download aborted by the client (Ctrl-C): its stack resets the connection
// because unread data is still queued, then resets each segment in flight.
func resetAbort(c *capture) {
	client := c.newHost(macClient, "198.51.100.23")
	server := c.newHost(macRouter, "203.0.113.80")
	server.hops = 9
	k := c.conn(client, 39114, linux, server, 80, linuxSrv)
	k.isns()
	k.handshake(12.3, 0.05)
	c.wait(0.04)
	k.send(k.cli, fPSH|fACK, httpGet("/images/debian-12.iso", "mirror.example.com"))
	c.wait(12.5)
	body := []byte("HTTP/1.1 200 OK\r\nServer: nginx/1.24.0\r\nContent-Type: application/octet-stream\r\nContent-Length: 658505728\r\n\r\n")
	body = append(body, isoBytes(8*1448)...)
	parts := segments(body, 1448)
	for i := 0; i < 6; i += 2 {
		if i > 0 {
			c.wait(0.95)
		}
		k.send(k.srv, fACK, parts[i])
		c.wait(0.12)
		k.send(k.srv, fACK, parts[i+1])
		c.wait(0.05)
		k.send(k.cli, fACK, nil)
	}
	// The user interrupts the download: close() with unread data sends RST.
	c.wait(0.35)
	k.send(k.cli, fRST|fACK, nil)
	// Two segments the server had already sent arrive after the reset; with
	// no connection left, each is answered by a bare RST whose SEQ is the
	// segment's ACK (RFC 793).
	for i := 6; i < 8; i++ {
		c.wait(0.61)
		s := k.send(k.srv, fACK, parts[i])
		c.wait(0.02)
		k.send(k.cli, fRST, nil, at(s.ack))
	}
}

// isoBytes returns n bytes that look like the start of an ISO 9660 image:
// zeros, then a volume descriptor.
func isoBytes(n int) []byte {
	b := make([]byte, n)
	copy(b[2048*3:], "\x01CD001\x01\x00LINUX")
	return b
}

// Simultaneous open: two peers behind NATs connect to each other at the same
// moment (hole punching), so their SYNs cross in the network.
func simultaneousOpen(c *capture) {
	a := c.newHost(macClient, "198.51.100.10")
	b := c.newHost(macRouter, "203.0.113.20")
	b.hops = 11
	k := c.conn(a, 40000, linux, b, 50000, linux)
	k.isns()
	k.send(k.cli, fSYN, nil) // A: CLOSED -> SYN_SENT
	c.wait(4.8)
	k.send(k.srv, fSYN, nil) // B's SYN, sent before A's arrived: B is in SYN_SENT too
	c.wait(0.05)
	// Each side answers the other's SYN by repeating its own, now with an
	// ACK: the SYN/ACK carries the same ISN as the SYN.
	k.send(k.cli, fSYN|fACK, nil, at(k.cli.iss)) // A: SYN_RECEIVED
	c.wait(15.3)
	k.send(k.srv, fSYN|fACK, nil, at(k.srv.iss)) // B too; both reach ESTABLISHED
	c.wait(0.9)
	k.send(k.cli, fPSH|fACK, []byte("HELLO peer-a 1.4\n"))
	c.wait(20.1)
	k.send(k.srv, fPSH|fACK, []byte("HELLO peer-b 1.4\nOK\n"))
	c.wait(0.04)
	k.send(k.cli, fACK, nil)
	c.wait(1400.6)
	k.send(k.cli, fPSH|fACK, []byte("BYE\n"))
	c.wait(20.2)
	k.send(k.srv, fFIN|fPSH|fACK, []byte("BYE\n"))
	c.wait(0.05)
	k.send(k.cli, fFIN|fACK, nil)
	c.wait(20.1)
	k.send(k.srv, fACK, nil)
}

// Simultaneous close: an idle keep-alive connection closed by the client just
// as the server's keep-alive timeout fires, so the FINs cross.
func simultaneousClose(c *capture) {
	client := c.newHost(macClient, "198.51.100.23")
	server := c.newHost(macRouter, "203.0.113.80")
	server.hops = 7
	k := c.conn(client, 51234, linux, server, 80, linuxSrv)
	k.isns()
	k.handshake(10.2, 0.05)
	c.wait(0.03)
	k.send(k.cli, fPSH|fACK, httpGet("/status", "www.example.com"))
	c.wait(10.4)
	k.send(k.srv, fPSH|fACK, httpResponse([]byte("ok\n"), "Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n"))
	c.wait(0.04)
	k.send(k.cli, fACK, nil)
	c.wait(4987.3)
	// Both ends close within a few milliseconds: neither FIN acknowledges
	// the other, because neither had arrived when the other was sent.
	finA := k.send(k.cli, fFIN|fACK, nil)
	c.wait(7.1)
	k.send(k.srv, fFIN|fACK, nil, acking(finA.seq)) // sent before A's FIN arrived
	c.wait(0.04)
	k.send(k.cli, fACK, nil)
	c.wait(3.1)
	k.send(k.srv, fACK, nil)
}

// A download through a lossy path, seen by a tap at the client's edge
// router: the client is 1 ms from the tap, the server 7 ms. Every loss is
// on the path beyond the tap, where a tap beside the client puts it: what
// the client sends passes the tap and may be lost after it (then it is in
// the capture once, and the client sends it again); what the server sends
// may be lost before the tap (then it is never in the capture), and what
// the tap sees of it reaches the client. The data's events are laid out on
// the tap's clock, in milliseconds after the first data segment.
func lossyTransfer(c *capture) {
	client := c.newHost(macClient, "198.51.100.23")
	server := c.newHost(macRouter, "203.0.113.80")
	server.hops = 6
	k := c.conn(client, 44702, linux, server, 80, linuxSrv)
	k.isns()
	k.handshake(14.1, 2.05)
	c.wait(0.06)
	// The request is lost beyond the tap. No answer comes, and the client's
	// retransmission timer sends it again: Linux's first RTO is the
	// handshake's round trip as the client measured it (14.1 ms to the
	// server and back from the tap, 2 ms to the client and back) plus its
	// 200 ms floor.
	get := httpGet("/release-notes.txt", "www.example.com")
	req := k.send(k.cli, fPSH|fACK, get, undelivered())
	c.wait(16.1 + 200)
	k.send(k.cli, fPSH|fACK, get, at(req.seq))
	c.wait(14.3)
	resp := httpResponseSized(16*1448+700, "Release notes", "ETag: \"6641f2a0-5d5b\"\r\n")
	d := segments(resp, 1448) // d[0]..d[16]; d[16] is the last 700 bytes
	base := k.srv.nxt
	seqOf := func(i int) uint32 { return base + uint32(1448*i) }
	t0 := c.mark()
	data := func(t float64, i int, o ...opt) {
		c.after(t0, t)
		fl := fACK
		if i == len(d)-1 {
			fl |= fPSH
		}
		k.send(k.srv, fl, d[i], append([]opt{at(seqOf(i))}, o...)...)
	}
	// ack sends a client ACK acknowledging everything before segment i,
	// with an optional SACK block covering segments [from, to). The script
	// sets what the client has received itself: its ACKs pass the tap 1 ms
	// after the client sends them, 2 ms after the data they answer.
	ack := func(t float64, i int, sack ...int) {
		c.after(t0, t)
		k.cli.rcv = seqOf(i)
		k.cli.peerTS = server.tsvalAt(c, c.now.Add(-2*time.Millisecond))
		var o []opt
		if len(sack) == 2 {
			o = append(o, sackBlocks([2]uint32{seqOf(sack[0]), seqOf(sack[1])}))
		}
		k.send(k.cli, fACK, nil, o...)
	}
	// The initial window: ten segments 0.12 ms apart. d[3] is lost on the
	// path before the tap; the others reach the client 1 ms after the tap.
	for i := 0; i < 10; i++ {
		var o []opt
		if i == 3 {
			o = append(o, lost())
		}
		data(0.12*float64(i), i, o...)
	}
	ack(2.12, 2)       // d[0], d[1]: a normal ACK
	ack(2.48, 3, 4, 5) // d[4] arrives after a hole: immediate ACK with SACK
	for i := 5; i < 10; i++ {
		ack(2+0.12*float64(i), 3, 4, i+1) // duplicate ACKs, the SACK block grows
	}
	// The third duplicate ACK reaches the server at 9.84 ms: it resends d[3]
	// at once (fast retransmit), and the later duplicates clock out d[10]
	// and d[11].
	data(16.84, 3)
	data(16.96, 10)
	data(17.08, 11)
	ack(18.84, 10) // the hole is filled: everything through d[9]
	ack(19.08, 12)
	// The next flight: d[13] overtakes d[12] on the path before the tap.
	data(32.90, 13)
	data(33.70, 12)
	data(33.82, 14)
	data(33.94, 15)
	ack(34.90, 12, 13, 14) // d[13] came first: a duplicate ACK with SACK
	ack(35.70, 14)
	ack(35.94, 16)
	data(49.70, 16) // the last 700 bytes
	c.after(t0, 51.74)
	k.cli.rcv = seqOf(16) + uint32(len(d[16]))
	k.cli.peerTS = server.tsvalAt(c, c.now.Add(-2*time.Millisecond))
	k.send(k.cli, fACK, nil)
	c.wait(0.6)
	k.send(k.cli, fFIN|fACK, nil)
	c.wait(14.1)
	k.send(k.srv, fFIN|fACK, nil)
	c.wait(2.02)
	k.send(k.cli, fACK, nil)
}

// A print job to a slow network printer: its small window fills, it
// advertises a zero window, the client probes it, and a window update lets
// the job continue.
func zeroWindow(c *capture) {
	client := c.newHost(macClient, "198.51.100.7")
	prn := c.newHost(macServer, "192.0.2.60")
	prn.ttl = 60
	k := c.conn(client, 46120, linux, prn, 9100, printer)
	k.isns()
	k.handshake(0.41, 0.05)
	job := printJob(4*1460 + 980)
	parts := segments(job, 1460)
	c.wait(0.3)
	// Three segments fill the printer's 4380-byte window.
	for i := 0; i < 3; i++ {
		if i > 0 {
			c.wait(0.12)
		}
		k.send(k.cli, fACK, parts[i])
	}
	c.wait(0.62)
	k.send(k.srv, fACK, nil, window(0)) // everything received, no room left
	// Persist timer: one-byte probes at the next sequence number, backing
	// off; the printer takes the header but has no room for the byte.
	probe := parts[3][:1]
	for _, gap := range []float64{205.2, 410.6} {
		c.wait(gap)
		// The probe's byte stays unsent as far as the sender is concerned:
		// each probe repeats it, and the real segment resends it.
		nxt := k.cli.nxt
		k.send(k.cli, fACK, probe, discarded())
		k.cli.nxt = nxt
		c.wait(0.38)
		k.send(k.srv, fACK, nil, window(0))
	}
	c.wait(731.9)
	k.send(k.srv, fACK, nil, window(2920)) // the printer drained its buffer
	c.wait(0.09)
	k.send(k.cli, fACK, parts[3])
	c.wait(0.12)
	k.send(k.cli, fPSH|fACK, parts[4])
	c.wait(0.45)
	k.send(k.srv, fACK, nil, window(1460))
	c.wait(0.2)
	k.send(k.cli, fFIN|fACK, nil)
	c.wait(0.4)
	k.send(k.srv, fACK, nil, window(1460))
	c.wait(1893.5) // the printer closes once the page is out
	k.send(k.srv, fFIN|fACK, nil, window(4380))
	c.wait(0.05)
	k.send(k.cli, fACK, nil)
}

// printJob is a PJL-wrapped PostScript job of exactly n bytes. It starts with
// the PJL escape sequence (ESC %-12345X), as real jobs do: a payload with a
// control character for the interface to render safely.
func printJob(n int) []byte {
	head := "\x1b%-12345X@PJL JOB NAME=\"quarterly.ps\"\r\n" +
		"@PJL SET RESOLUTION=600\r\n@PJL ENTER LANGUAGE=POSTSCRIPT\r\n" +
		"%!PS-Adobe-3.0\n%%Title: quarterly.ps\n%%Pages: 1\n%%EndComments\n" +
		"/Helvetica findfont 11 scalefont setfont\n"
	tail := "showpage\n%%EOF\n\x1b%-12345X@PJL EOJ\r\n\x1b%-12345X"
	var b strings.Builder
	b.WriteString(head)
	for y := 0; b.Len() < n-len(tail); y++ {
		fmt.Fprintf(&b, "72 %d moveto (Line %03d of the quarterly report, figures in thousands.) show\n", 760-(y%60)*12, y+1)
	}
	s := b.String()[:n-len(tail)]
	// End on a whole line: pad the cut line into a PostScript comment.
	if i := strings.LastIndexByte(s, '\n'); i >= 0 && i < len(s)-1 {
		s = s[:i+1] + strings.Repeat("%", len(s)-i-2) + "\n"
	}
	return []byte(s + tail)
}

// An IMAP client idling on a mailbox: both ends send keep-alives while no
// data flows, Linux with an empty segment and Windows with one garbage byte,
// each one octet behind the next sequence number.
func keepalive(c *capture) {
	client := c.newHost(macClient, "198.51.100.23")
	server := c.newHost(macRouter, "203.0.113.25")
	server.ttl, server.hops = 128, 8
	k := c.conn(client, 48022, linux, server, 143, winSrv)
	k.isns()
	k.handshake(18.7, 0.05)
	c.wait(19.4)
	k.send(k.srv, fPSH|fACK, []byte("* OK [CAPABILITY IMAP4rev1 IDLE LOGIN-REFERRALS AUTH=PLAIN] mail.example.com IMAP4rev1 server ready\r\n"))
	c.wait(0.05)
	k.send(k.cli, fACK, nil)
	step := func(cmd, reply string) {
		c.wait(2.1)
		k.send(k.cli, fPSH|fACK, []byte(cmd))
		c.wait(18.9)
		k.send(k.srv, fPSH|fACK, []byte(reply))
		c.wait(0.05)
		k.send(k.cli, fACK, nil)
	}
	step("a1 SELECT INBOX\r\n", "* 3 EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"+
		"* OK [UIDVALIDITY 1715677200] UIDs valid\r\na1 OK [READ-WRITE] SELECT completed.\r\n")
	step("a2 IDLE\r\n", "+ idling\r\n")
	// Nothing to say for a while: keep-alives from each side.
	c.wait(60000.3)
	k.send(k.cli, fACK, nil, at(k.cli.nxt-1)) // Linux: no data, SEQ = next - 1
	c.wait(18.8)
	k.send(k.srv, fACK, nil)
	c.wait(45000.7)
	k.send(k.srv, fACK, []byte{0}, at(k.srv.nxt-1)) // Windows: one byte, SEQ = next - 1
	c.wait(0.06)
	k.send(k.cli, fACK, nil)
	c.wait(23515.6)
	k.send(k.srv, fPSH|fACK, []byte("* 4 EXISTS\r\n"))
	c.wait(0.05)
	k.send(k.cli, fACK, nil)
	step("DONE\r\n", "a2 OK IDLE completed.\r\n")
	step("a3 LOGOUT\r\n", "* BYE mail.example.com IMAP4rev1 server signing off\r\na3 OK LOGOUT completed.\r\n")
	c.wait(0.3)
	k.send(k.srv, fFIN|fACK, nil)
	c.wait(0.05)
	k.send(k.cli, fFIN|fACK, nil)
	c.wait(18.8)
	k.send(k.srv, fACK, nil)
}

// A capture started while a download was already running: no handshake, so
// both sides are assumed ESTABLISHED and relative numbers start at 1.
func midConnection(c *capture) {
	client := c.newHost(macClient, "198.51.100.23")
	server := c.newHost(macRouter, "203.0.113.80")
	server.hops = 9
	k := c.conn(client, 53116, linux, server, 80, linuxSrv)
	k.isns()
	// The handshake and the first part of the transfer happened before the
	// capture started: replay them off the record.
	k.send(k.cli, fSYN, nil, offRecord())
	k.send(k.srv, fSYN|fACK, nil, offRecord())
	k.send(k.cli, fACK, nil, offRecord())
	k.send(k.cli, fPSH|fACK, httpGet("/manual.txt", "docs.example.com"), offRecord())
	resp := httpResponseSized(14*1448+310, "Operator's manual", "ETag: \"664219aa-5134\"\r\n")
	parts := segments(resp, 1448)
	for i := 0; i < 8; i++ {
		k.send(k.srv, fACK, parts[i], offRecord())
	}
	// Recording starts here: the client acknowledges the last of those.
	c.wait(0.1)
	k.send(k.cli, fACK, nil)
	for i := 8; i < len(parts); i++ {
		if i%2 == 0 {
			c.wait(24.3)
		} else {
			c.wait(0.12)
		}
		fl := fACK
		if i == len(parts)-1 {
			fl |= fPSH
		}
		k.send(k.srv, fl, parts[i])
		if i%2 == 1 || i == len(parts)-1 {
			c.wait(0.04)
			k.send(k.cli, fACK, nil)
		}
	}
	c.wait(804.7)
	k.send(k.cli, fPSH|fACK, httpGet("/favicon.ico", "docs.example.com"))
	c.wait(24.4)
	k.send(k.srv, fPSH|fACK, []byte("HTTP/1.1 404 Not Found\r\nServer: nginx/1.24.0\r\nContent-Length: 0\r\n\r\n"))
	c.wait(0.04)
	k.send(k.cli, fACK, nil)
	c.wait(3.2)
	k.send(k.cli, fFIN|fACK, nil)
	c.wait(24.3)
	k.send(k.srv, fFIN|fACK, nil)
	c.wait(0.04)
	k.send(k.cli, fACK, nil)
}

// Two hosts check that a web server is up by connecting and closing at once:
// an old 4.4BSD-derived host whose ISNs rise by 64000 per connection (and
// whose source ports and IP IDs count up too), and a modern Linux host whose
// ISNs are random.
func isnPrediction(c *capture) {
	old := c.newHost(macOld, "192.0.2.10")
	old.ipid = 4411
	modern := c.newHost(macClient, "192.0.2.20")
	server := c.newHost(macServer, "192.0.2.80")
	const bsdISS = 52672001 // 823*64000 + 1: the counter started at 1 at boot
	conns := func(h *host, st stack, ports []uint16, isn func(i int) uint32) {
		for i, p := range ports {
			k := c.conn(h, p, st, server, 80, linuxSrv)
			k.cli.setISN(isn(i))
			k.srv.setISN(c.isn())
			k.handshake(0.31, 0.06)
			c.wait(0.08)
			k.send(k.cli, fFIN|fACK, nil)
			c.wait(0.35)
			k.send(k.srv, fFIN|fACK, nil) // acknowledges the FIN and closes too
			c.wait(0.06)
			k.send(k.cli, fACK, nil)
			c.wait(59.7)
		}
	}
	conns(old, bsd44, []uint16{1025, 1026, 1027, 1028}, func(i int) uint32 { return bsdISS + uint32(i)*64000 })
	c.wait(1210.6)
	conns(modern, linux, []uint16{40312, 55870, 37154, 60211}, func(int) uint32 { return c.isn() })
}

// The same kind of fetch over IPv6; this time the server closes first
// (Connection: close), so the client passes through CLOSE_WAIT and LAST_ACK.
func ipv6(c *capture) {
	client := c.newHost(macClient, "2001:db8:1::23")
	server := c.newHost(macRouter, "2001:db8:2::80")
	server.hops = 10
	k := c.conn(client, 50900, linux6, server, 80, linux6)
	k.isns()
	k.handshake(31.2, 0.05)
	c.wait(0.04)
	get := "GET /robots.txt HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: Wget/1.21.4\r\nAccept: */*\r\nConnection: close\r\n\r\n"
	k.send(k.cli, fPSH|fACK, []byte(get))
	c.wait(31.6)
	k.send(k.srv, fPSH|fACK, httpResponse([]byte("User-agent: *\nDisallow: /private/\n"), "Connection: close\r\n"))
	c.wait(0.05)
	k.send(k.srv, fFIN|fACK, nil)
	c.wait(0.04)
	k.send(k.cli, fACK, nil, acking(k.cli.rcv-1)) // the data first
	c.wait(0.02)
	k.send(k.cli, fACK, nil) // then the FIN
	c.wait(0.4)
	k.send(k.cli, fFIN|fACK, nil)
	c.wait(31.3)
	k.send(k.srv, fACK, nil)
}

// Two hosts on jumbo-frame LANs joined by a 1500-byte link whose router
// fragments: a 3000-byte TCP segment crosses it as three IPv4 fragments
// (the server does not set DF), and the middle one arrives last.
func ipFragments(c *capture) {
	client := c.newHost(macRouter, "198.51.100.30")
	client.hops = 1
	server := c.newHost(macRouter2, "192.0.2.40")
	server.hops = 1
	server.df = false // path MTU discovery is off on this server
	k := c.conn(client, 58344, jumbo, server, 80, jumbo)
	k.isns()
	k.handshake(1.1, 1.2)
	c.wait(0.05)
	k.send(k.cli, fPSH|fACK, httpGet("/data/readings.csv", "files.example.com"))
	c.wait(1.3)
	head := func(n int) string {
		return "HTTP/1.1 200 OK\r\nServer: nginx/1.24.0\r\nDate: Tue, 14 May 2024 09:55:09 GMT\r\n" +
			"Content-Type: text/csv\r\nContent-Length: " + fmt.Sprint(n) + "\r\n" +
			"Last-Modified: Tue, 14 May 2024 09:50:00 GMT\r\nAccept-Ranges: bytes\r\n\r\n"
	}
	n := 2968 - len(head(1000)) // a four-digit body
	resp := append([]byte(head(n)), csvBody(n)...)
	if len(resp) != 2968 {
		fail("fragmented response is %d bytes", len(resp))
	}
	k.cli.peerTS = server.tsval(c)
	s := k.send(k.srv, fPSH|fACK, resp, lost()) // delivered below, as fragments
	nf := c.fragments(server, client, s.datagram, 1500, []int{0, 2, 1})
	if nf != 3 {
		fail("expected 3 fragments, got %d", nf)
	}
	k.cli.rcv = s.seq + uint32(len(resp))
	c.wait(1.2)
	k.send(k.cli, fACK, nil)
	c.wait(0.3)
	k.send(k.cli, fFIN|fACK, nil)
	c.wait(1.2)
	k.send(k.srv, fFIN|fACK, nil)
	c.wait(1.2)
	k.send(k.cli, fACK, nil)
}

func csvBody(n int) []byte {
	var b strings.Builder
	b.WriteString("time,station,temperature_c,humidity_pct\n")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "2024-05-14T%02d:%02d:00Z,ST-%02d,%.1f,%d\n", 6+i/60%4, i%60, i%7+1, 11.5+float64(i%23)*0.3, 60+i%31)
	}
	return []byte(b.String()[:n])
}

// Path MTU discovery seen at a web server: its full-size segments (DF set)
// meet a 1400-byte tunnel; the router answers "fragmentation needed" with the
// next-hop MTU, quoting each segment, and the server resends in smaller
// segments.
func icmpFragNeeded(c *capture) {
	server := c.newHost(macServer, "203.0.113.10")
	client := c.newHost(macRouter, "198.51.100.50")
	client.hops = 12
	router := c.newHost(macRouter, "192.0.2.254")
	router.hops = 4
	k := c.conn(client, 60418, linux, server, 80, linuxSrv)
	k.isns()
	k.handshake(0.04, 38.2)
	c.wait(0.3)
	k.send(k.cli, fPSH|fACK, httpGet("/download/tool.tar.gz", "www.example.com"))
	c.wait(1.2)
	head := "HTTP/1.1 200 OK\r\nServer: nginx/1.24.0\r\nContent-Type: application/gzip\r\nContent-Length: 2801\r\n\r\n"
	resp := append([]byte(head), gzipish(2*1448-len(head))...)
	if fmt.Sprint(2*1448-len(head)) != "2801" {
		fail("icmp-frag-needed: body is %d bytes", 2*1448-len(head))
	}
	full := segments(resp, 1448)
	var big []sent
	for i, p := range full {
		if i > 0 {
			c.wait(0.12)
		}
		big = append(big, k.send(k.srv, fACK, p, undelivered()))
	}
	// The tunnel's entry router, five hops and about 5 ms away, drops them
	// and says why (RFC 1191), quoting as much of each datagram as fits in
	// 576 bytes (RFC 1812), with the TTL it received.
	for i, s := range big {
		if i == 0 {
			c.wait(9.7)
		} else {
			c.wait(0.12)
		}
		c.icmpError(router, server, 3, 4, 1400, s.datagram, 60, 576-28)
	}
	// The server lowers its segment size to fit 1400 bytes and resends.
	c.wait(0.03)
	start := big[0].seq
	small := segments(resp, 1400-20-32)
	for i, p := range small {
		if i > 0 {
			c.wait(0.11)
		}
		fl := fACK
		if i == len(small)-1 {
			fl |= fPSH
		}
		k.send(k.srv, fl, p, at(start+uint32(i*(1400-52))))
	}
	c.wait(38.4)
	k.send(k.cli, fACK, nil, acking(start+2*1348))
	c.wait(0.1)
	k.send(k.cli, fACK, nil)
	c.wait(0.5)
	k.send(k.cli, fFIN|fACK, nil)
	c.wait(0.05)
	k.send(k.srv, fFIN|fACK, nil)
	c.wait(38.3)
	k.send(k.cli, fACK, nil)
}

// gzipish returns n bytes that start like a gzip stream and continue with
// PRNG-free but varied binary content.
func gzipish(n int) []byte {
	b := make([]byte, n)
	copy(b, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03")
	x := uint32(2463534242)
	for i := 10; i < n; i++ {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// A TCP traceroute toward a web server (one probe per hop): SYNs with TTL 1,
// 2 and 3. The routers on the way answer "time exceeded in transit", quoting
// the probe; the third reaches the server, whose SYN/ACK the tracing host's
// kernel resets because no socket asked for it.
func icmpTimeExceeded(c *capture) {
	tracer := c.newHost(macClient, "198.51.100.23")
	gw := c.newHost(macRouter, "198.51.100.1")
	gw.ttl = 255 // a router that quotes only what RFC 792 requires
	isp := c.newHost(macRouter, "192.0.2.1")
	isp.hops = 1
	target := c.newHost(macRouter, "203.0.113.80")
	target.hops = 2
	for ttl := uint8(1); ttl <= 3; ttl++ {
		k := c.conn(tracer, 33433+uint16(ttl)*1111, probe, target, 80, linuxSrv)
		k.isns()
		tracer.ttl = ttl
		s := k.send(k.cli, fSYN, nil)
		switch ttl {
		case 1:
			c.wait(0.62)
			c.icmpError(gw, tracer, 11, 0, 0, s.datagram, 1, 20+8)
		case 2:
			c.wait(6.31)
			c.icmpError(isp, tracer, 11, 0, 0, s.datagram, 1, 576-28)
		case 3:
			c.wait(11.94)
			k.send(k.srv, fSYN|fACK, nil)
			c.wait(0.03)
			tracer.ttl = 64
			k.send(k.cli, fRST, nil, at(k.cli.nxt))
		}
		c.wait(2.5)
	}
}
