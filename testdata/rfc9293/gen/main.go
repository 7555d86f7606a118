// Command gen writes the captures of testdata/rfc9293: RFC 9293's
// connection figures (Figures 6-13) and a few close scenarios built from its
// event processing rules, segment for segment, as the capture point named
// for each figure in model/rfc9293_states_test.go sees them.
//
// Run it from the module root:
//
//	go run ./testdata/rfc9293/gen
//
// It writes one classic pcap per figure or scenario (microsecond
// timestamps, Ethernet link type, IPv4, TCP without options, correct IPv4
// and TCP checksums) into testdata/rfc9293 (or -dir). The output is
// deterministic: the same bytes on every run. Only the segments are made
// here; the states each figure prints are written by hand in
// model/rfc9293_states_test.go, which checks that the captures hold exactly the
// segments it expects.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// TCP flag bits.
const (
	fin = 0x01
	syn = 0x02
	rst = 0x04
	psh = 0x08
	ack = 0x10
)

// host is one TCP peer.
type host struct {
	mac  [6]byte
	ip   [4]byte
	port uint16
	win  uint16
}

// The peers. A is 192.0.2.1, B is 192.0.2.2 (RFC 5737 documentation
// addresses). A's port is 1024 and B's 80 in every capture: the figures'
// stories have A open (or reopen) the connection to B's service, except
// Figure 11, where both are passive sockets and an old duplicate of A's
// SYN reaches B.
var (
	peerA = host{mac: [6]byte{0x02, 0, 0, 0, 0, 0x01}, ip: [4]byte{192, 0, 2, 1}, port: 1024, win: 64240}
	peerB = host{mac: [6]byte{0x02, 0, 0, 0, 0, 0x02}, ip: [4]byte{192, 0, 2, 2}, port: 80, win: 65160}
)

// seg is one captured segment.
type seg struct {
	from     byte // 'A' or 'B': the sender
	flags    uint8
	seq, ack uint32
	data     int // payload bytes
	// after is how long after the previous frame this one is captured, in
	// microseconds; 0 means 1 ms.
	after int64
}

// capture is one pcap file.
type capture struct {
	file string
	segs []seg
}

// rto is the gap before a retransmission: an RTO-sized pause, so that the
// capture reads as one.
const rto = 200_000

var captures = []capture{
	// Figure 6: Basic Three-Way Handshake for Connection Synchronization,
	// with line 5's data segment.
	{"fig06-three-way-handshake.pcap", []seg{
		{'A', syn, 100, 0, 0, 0},
		{'B', syn | ack, 300, 101, 0, 0},
		{'A', ack, 101, 301, 0, 0},
		{'A', ack, 101, 301, 10, 0},
	}},
	// Figure 7: Simultaneous Connection Synchronization, captured near A.
	{"fig07-simultaneous-open.pcap", []seg{
		{'A', syn, 100, 0, 0, 0},
		{'B', syn, 300, 0, 0, 0},
		{'A', syn | ack, 100, 301, 0, 0},
		{'B', syn | ack, 300, 101, 0, 0},
	}},
	// Figure 8: Recovery from Old Duplicate SYN, captured near B: the old
	// duplicate (SEQ=90) is seen as it arrives, then the SYN of line 2
	// (SEQ=100) as it arrives at line 6.
	{"fig08-old-duplicate-syn.pcap", []seg{
		{'A', syn, 90, 0, 0, 0},
		{'B', syn | ack, 300, 91, 0, 0},
		{'A', rst, 91, 0, 0, 0},
		{'A', syn, 100, 0, 0, 0},
		{'B', syn | ack, 400, 101, 0, 0},
		{'A', ack, 101, 401, 0, 0},
	}},
	// Figure 8 again, captured near A (a variant: the old duplicate left
	// A before the capture began, so it is never seen).
	{"fig08-old-duplicate-syn-near-a.pcap", []seg{
		{'A', syn, 100, 0, 0, 0},
		{'B', syn | ack, 300, 91, 0, 0},
		{'A', rst, 91, 0, 0, 0},
		{'B', syn | ack, 400, 101, 0, 0},
		{'A', ack, 101, 401, 0, 0},
	}},
	// Figure 9: Half-Open Connection Discovery.
	{"fig09-half-open-discovery.pcap", []seg{
		{'A', syn, 400, 0, 0, 0},
		{'B', ack, 300, 100, 0, 0},
		{'A', rst, 100, 0, 0, 0},
		{'A', syn, 400, 0, 0, rto},
	}},
	// Figure 10: Active Side Causes Half-Open Connection Discovery.
	{"fig10-active-side-half-open.pcap", []seg{
		{'B', ack, 300, 100, 10, 0},
		{'A', rst, 100, 0, 0, 0},
	}},
	// Figure 11: Old Duplicate SYN Initiates a Reset on Two Passive
	// Sockets, captured near B, with Z=100 and X=300.
	{"fig11-old-duplicate-two-passive.pcap", []seg{
		{'A', syn, 100, 0, 0, 0},
		{'B', syn | ack, 300, 101, 0, 0},
		{'A', rst, 101, 0, 0, 0},
	}},
	// Figure 12: Normal Close Sequence.
	{"fig12-normal-close.pcap", []seg{
		{'A', fin | ack, 100, 300, 0, 0},
		{'B', ack, 300, 101, 0, 0},
		{'B', fin | ack, 300, 101, 0, 0},
		{'A', ack, 101, 301, 0, 0},
	}},
	// Figure 13: Simultaneous Close Sequence, captured near A.
	{"fig13-simultaneous-close.pcap", []seg{
		{'A', fin | ack, 100, 300, 0, 0},
		{'B', fin | ack, 300, 100, 0, 0},
		{'A', ack, 101, 301, 0, 0},
		{'B', ack, 301, 101, 0, 0},
	}},
	// Scenario a: the three-segment close (B's FIN acknowledges A's).
	{"scen-a-three-segment-close.pcap", []seg{
		{'A', fin | ack, 100, 300, 0, 0},
		{'B', fin | ack, 300, 101, 0, 0},
		{'A', ack, 101, 301, 0, 0},
	}},
	// Scenario b: the server closes first, after a handshake, a request
	// and a response.
	{"scen-b-server-closes-first.pcap", []seg{
		{'A', syn, 100, 0, 0, 0},
		{'B', syn | ack, 300, 101, 0, 0},
		{'A', ack, 101, 301, 0, 0},
		{'A', psh | ack, 101, 301, 10, 0},
		{'B', psh | ack, 301, 111, 20, 0},
		{'B', fin | ack, 321, 111, 0, 0},
		{'A', ack, 111, 322, 0, 0},
		{'A', fin | ack, 111, 322, 0, 0},
		{'B', ack, 322, 112, 0, 0},
	}},
	// Scenario c: a half-close; B goes on sending data after A's FIN.
	{"scen-c-half-close.pcap", []seg{
		{'A', fin | ack, 100, 300, 0, 0},
		{'B', ack, 300, 101, 0, 0},
		{'B', psh | ack, 300, 101, 100, 0},
		{'A', ack, 101, 400, 0, 0},
		{'B', psh | ack, 400, 101, 100, 0},
		{'A', ack, 101, 500, 0, 0},
		{'B', fin | ack, 500, 101, 0, 0},
		{'A', ack, 101, 501, 0, 0},
	}},
	// Scenario d: captured near B; B's first ACK of A's FIN is lost after
	// the capture point, A retransmits its FIN, B's second ACK arrives.
	{"scen-d-fin-ack-lost.pcap", []seg{
		{'A', fin | ack, 100, 300, 0, 0},
		{'B', ack, 300, 101, 0, 0},
		{'A', fin | ack, 100, 300, 0, rto},
		{'B', ack, 300, 101, 0, 0},
		{'B', fin | ack, 300, 101, 0, 0},
		{'A', ack, 101, 301, 0, 0},
	}},
	// Scenario e: captured near A; A's FIN is lost after the capture
	// point, B sends data and a duplicate ACK that do not cover it, A
	// retransmits the FIN and B acknowledges it.
	{"scen-e-fin-lost.pcap", []seg{
		{'A', fin | ack, 100, 300, 0, 0},
		{'B', psh | ack, 300, 100, 10, 0},
		{'A', ack, 101, 310, 0, 0},
		{'B', ack, 310, 100, 0, 0},
		{'A', fin | ack, 100, 310, 0, rto},
		{'B', ack, 310, 101, 0, 0},
		{'B', fin | ack, 310, 101, 0, 0},
		{'A', ack, 101, 311, 0, 0},
	}},
}

// start is the first frame's time: 2022-08-01 00:00:00 UTC, the month RFC
// 9293 was published.
const start = 1659312000

func main() {
	dir := flag.String("dir", filepath.Join("testdata", "rfc9293"), "directory to write the captures to")
	flag.Parse()
	for _, c := range captures {
		path := filepath.Join(*dir, c.file)
		if err := os.WriteFile(path, pcap(c.segs), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		fmt.Println("wrote", path)
	}
}

// pcap returns a classic pcap file (little-endian, microsecond
// timestamps, link type 1: Ethernet) holding segs.
func pcap(segs []seg) []byte {
	le := binary.LittleEndian
	out := le.AppendUint32(nil, 0xa1b2c3d4)
	out = le.AppendUint16(out, 2)
	out = le.AppendUint16(out, 4)
	out = le.AppendUint32(out, 0)     // thiszone
	out = le.AppendUint32(out, 0)     // sigfigs
	out = le.AppendUint32(out, 65535) // snaplen
	out = le.AppendUint32(out, 1)     // LINKTYPE_ETHERNET
	var us int64                      // microseconds since start
	ipID := map[byte]uint16{'A': 0x1000, 'B': 0x2000}
	for i, s := range segs {
		if i > 0 {
			if s.after > 0 {
				us += s.after
			} else {
				us += 1000
			}
		}
		ipID[s.from]++
		f := frame(s, ipID[s.from])
		out = le.AppendUint32(out, uint32(start+us/1_000_000))
		out = le.AppendUint32(out, uint32(us%1_000_000))
		out = le.AppendUint32(out, uint32(len(f)))
		out = le.AppendUint32(out, uint32(len(f)))
		out = append(out, f...)
	}
	return out
}

// frame returns the Ethernet frame carrying s.
func frame(s seg, id uint16) []byte {
	be := binary.BigEndian
	src, dst := peerA, peerB
	if s.from == 'B' {
		src, dst = peerB, peerA
	}
	payload := make([]byte, s.data)
	for i := range payload {
		payload[i] = "RFC 9293 data "[i%14]
	}

	// TCP header, 20 bytes, no options.
	tcp := be.AppendUint16(nil, src.port)
	tcp = be.AppendUint16(tcp, dst.port)
	tcp = be.AppendUint32(tcp, s.seq)
	tcp = be.AppendUint32(tcp, s.ack)
	tcp = append(tcp, 5<<4, s.flags)
	tcp = be.AppendUint16(tcp, src.win)
	tcp = be.AppendUint16(tcp, 0) // checksum, below
	tcp = be.AppendUint16(tcp, 0) // urgent pointer
	tcp = append(tcp, payload...)
	pseudo := append(append(append([]byte{}, src.ip[:]...), dst.ip[:]...), 0, 6)
	pseudo = be.AppendUint16(pseudo, uint16(len(tcp)))
	be.PutUint16(tcp[16:], checksum(append(pseudo, tcp...)))

	// IPv4 header, 20 bytes, DF set.
	ip := []byte{0x45, 0}
	ip = be.AppendUint16(ip, uint16(20+len(tcp)))
	ip = be.AppendUint16(ip, id)
	ip = be.AppendUint16(ip, 0x4000)
	ip = append(ip, 64, 6, 0, 0)
	ip = append(ip, src.ip[:]...)
	ip = append(ip, dst.ip[:]...)
	be.PutUint16(ip[10:], checksum(ip))

	eth := append(append([]byte{}, dst.mac[:]...), src.mac[:]...)
	eth = be.AppendUint16(eth, 0x0800)
	return append(append(eth, ip...), tcp...)
}

// checksum is the Internet checksum (RFC 1071) of b.
func checksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}
