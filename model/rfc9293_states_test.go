package model_test

import (
	"path/filepath"
	"testing"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
)

// unobservable marks a cell whose state the capture cannot show (or the
// figure does not print); the row's why says which. It is not a State.
const unobservable = model.State(0xFF)

// The peers' ports in testdata/rfc9293 (see its gen/main.go).
const portA, portB = 1024, 80

// rfcRow is one captured segment: its sender and flags, to check that the
// capture is the one the table was written for, and the states RFC 9293
// prints for A and B after it.
type rfcRow struct {
	seg  string // "A SYN", "B FIN,ACK", ...
	a, b model.State
	why  string // why a cell is unobservable
}

// Reasons a figure's state is not asserted.
const (
	whyBSynEarly    = "captured near A: B's SYN (row 2) may have left B before A's did"
	whyBFinLate     = "captured near A: B's FIN (row 2) may not have left B yet"
	whyDupArrived   = "captured near A: the unseen old duplicate SYN may have reached B already"
	whyOldDuplicate = "an old duplicate SYN: A's own state is not shown (the figure prints none)"
	whyAResetsAlike = "captured near B: A's new SYN (row 4) may not have left yet, and a CLOSED A sends the same RST"
	whyPassiveAlike = "A is a passive socket and the SYN an old duplicate: LISTEN and CLOSED answer the SYN,ACK alike"
	whyNoState      = "the figure prints no state: whether B listens again after the abort is up to its user"
)

// rfcCaptures are RFC 9293 §3.5's Figures 6-13 and a few close scenarios,
// written by hand from the figures' text under the rule of §3.5 ("the state
// AFTER the departure or arrival of the segment"): a segment takes effect at
// its receiver on its own row unless the receiver's later segments show it had
// not arrived. The comments name the figure lines each row stands for.
var rfcCaptures = []struct {
	file   string
	client byte // the peer the conversation's client is: the first segment's sender
	rows   []rfcRow
}{
	{"fig06-three-way-handshake.pcap", 'A', []rfcRow{
		{"A SYN", model.SynSent, model.SynReceived, ""},         // line 2
		{"B SYN,ACK", model.Established, model.SynReceived, ""}, // line 3
		{"A ACK", model.Established, model.Established, ""},     // line 4
		{"A ACK", model.Established, model.Established, ""},     // line 5, with data
	}},
	// Near A: A's SYN reaches B after B's own SYN left (B's pure SYN shows it
	// had not), and A's SYN,ACK after B's SYN,ACK left (B re-sends its SYN
	// after A's ACK of it), so line 7 falls on row 4.
	{"fig07-simultaneous-open.pcap", 'A', []rfcRow{
		{"A SYN", model.SynSent, unobservable, whyBSynEarly},    // line 2
		{"B SYN", model.SynReceived, model.SynSent, ""},         // line 3
		{"A SYN,ACK", model.SynReceived, model.SynReceived, ""}, // lines 4-5
		{"B SYN,ACK", model.Established, model.Established, ""}, // lines 6-7
	}},
	// Near B: the old duplicate is seen as it arrives (line 3), the SYN of
	// line 2 at line 6. A new ISN makes rows 4-6 a second conversation.
	{"fig08-old-duplicate-syn.pcap", 'A', []rfcRow{
		{"A SYN", unobservable, model.SynReceived, whyOldDuplicate},     // line 3
		{"B SYN,ACK", unobservable, model.SynReceived, whyAResetsAlike}, // line 4
		{"A RST", unobservable, model.Listen, whyAResetsAlike},          // line 5
		{"A SYN", model.SynSent, model.SynReceived, ""},                 // line 6
		{"B SYN,ACK", model.Established, model.SynReceived, ""},         // line 7
		{"A ACK", model.Established, model.Established, ""},             // line 8
	}},
	// Near A: the old duplicate left before the capture began. A's SYN
	// reaches B only after the RST (B's SYN,ACK of row 2 does not cover it).
	{"fig08-old-duplicate-syn-near-a.pcap", 'A', []rfcRow{
		{"A SYN", model.SynSent, unobservable, whyDupArrived},   // line 2
		{"B SYN,ACK", model.SynSent, model.SynReceived, ""},     // lines 3-4
		{"A RST", model.SynSent, model.Listen, ""},              // line 5
		{"B SYN,ACK", model.Established, model.SynReceived, ""}, // lines 6-7
		{"A ACK", model.Established, model.Established, ""},     // line 8
	}},
	// B's "(??)" (line 3) and A's "(!!)" (line 4) are not states: the lines
	// around them print ESTABLISHED and SYN-SENT, which they are.
	{"fig09-half-open-discovery.pcap", 'A', []rfcRow{
		{"A SYN", model.SynSent, model.Established, ""},    // line 3
		{"B ACK", model.SynSent, model.Established, ""},    // line 4
		{"A RST", model.SynSent, model.Closed, ""},         // lines 5-6
		{"A SYN", model.SynSent, unobservable, whyNoState}, // line 7
	}},
	// B sends first, so B is the client. A rebooted: "no such connection
	// exists", CLOSED, which its RST (§3.10.7.1) leaves alone.
	{"fig10-active-side-half-open.pcap", 'B', []rfcRow{
		{"B ACK", model.Closed, model.Established, ""}, // line 2, with data
		{"A RST", model.Closed, model.Closed, ""},      // line 3
	}},
	// Near B, with Z=100 and X=300.
	{"fig11-old-duplicate-two-passive.pcap", 'A', []rfcRow{
		{"A SYN", unobservable, model.SynReceived, whyPassiveAlike},     // line 2
		{"B SYN,ACK", unobservable, model.SynReceived, whyPassiveAlike}, // line 3
		{"A RST", unobservable, model.Listen, whyPassiveAlike},          // lines 4-5
	}},
	{"fig12-normal-close.pcap", 'A', []rfcRow{
		{"A FIN,ACK", model.FinWait1, model.CloseWait, ""}, // line 2
		{"B ACK", model.FinWait2, model.CloseWait, ""},     // line 3
		{"B FIN,ACK", model.TimeWait, model.LastAck, ""},   // line 4
		{"A ACK", model.TimeWait, model.Closed, ""},        // line 5
	}},
	// Near A: B's FIN does not cover A's, so A's FIN reaches B only after
	// B's FIN left (row 2); A's ACK reaches B on its row.
	{"fig13-simultaneous-close.pcap", 'A', []rfcRow{
		{"A FIN,ACK", model.FinWait1, unobservable, whyBFinLate}, // line 2
		{"B FIN,ACK", model.Closing, model.Closing, ""},          // lines 2-3
		{"A ACK", model.Closing, model.TimeWait, ""},             // line 3
		{"B ACK", model.TimeWait, model.TimeWait, ""},            // lines 3-4
	}},
	// B's FIN acknowledges A's: FIN-WAIT-1 goes straight to TIME-WAIT
	// (§3.10.7.4, the FIN bit, FIN-WAIT-1).
	{"scen-a-three-segment-close.pcap", 'A', []rfcRow{
		{"A FIN,ACK", model.FinWait1, model.CloseWait, ""},
		{"B FIN,ACK", model.TimeWait, model.LastAck, ""},
		{"A ACK", model.TimeWait, model.Closed, ""},
	}},
	{"scen-b-server-closes-first.pcap", 'A', []rfcRow{
		{"A SYN", model.SynSent, model.SynReceived, ""},
		{"B SYN,ACK", model.Established, model.SynReceived, ""},
		{"A ACK", model.Established, model.Established, ""},
		{"A PSH,ACK", model.Established, model.Established, ""},
		{"B PSH,ACK", model.Established, model.Established, ""},
		{"B FIN,ACK", model.CloseWait, model.FinWait1, ""},
		{"A ACK", model.CloseWait, model.FinWait2, ""},
		{"A FIN,ACK", model.LastAck, model.TimeWait, ""},
		{"B ACK", model.Closed, model.TimeWait, ""},
	}},
	{"scen-c-half-close.pcap", 'A', []rfcRow{
		{"A FIN,ACK", model.FinWait1, model.CloseWait, ""},
		{"B ACK", model.FinWait2, model.CloseWait, ""},
		{"B PSH,ACK", model.FinWait2, model.CloseWait, ""},
		{"A ACK", model.FinWait2, model.CloseWait, ""},
		{"B PSH,ACK", model.FinWait2, model.CloseWait, ""},
		{"A ACK", model.FinWait2, model.CloseWait, ""},
		{"B FIN,ACK", model.TimeWait, model.LastAck, ""},
		{"A ACK", model.TimeWait, model.Closed, ""},
	}},
	// Near B: A re-sends its FIN after B's first ACK of it, so that ACK was
	// lost; the second (row 4) is the one that arrives.
	{"scen-d-fin-ack-lost.pcap", 'A', []rfcRow{
		{"A FIN,ACK", model.FinWait1, model.CloseWait, ""},
		{"B ACK", model.FinWait1, model.CloseWait, ""},
		{"A FIN,ACK", model.FinWait1, model.CloseWait, ""},
		{"B ACK", model.FinWait2, model.CloseWait, ""},
		{"B FIN,ACK", model.TimeWait, model.LastAck, ""},
		{"A ACK", model.TimeWait, model.Closed, ""},
	}},
	// Near A: B's segments of rows 2 and 4 do not cover A's FIN, so it was
	// lost; its retransmission (row 5) is the one that arrives.
	{"scen-e-fin-lost.pcap", 'A', []rfcRow{
		{"A FIN,ACK", model.FinWait1, model.Established, ""},
		{"B PSH,ACK", model.FinWait1, model.Established, ""},
		{"A ACK", model.FinWait1, model.Established, ""},
		{"B ACK", model.FinWait1, model.Established, ""},
		{"A FIN,ACK", model.FinWait1, model.CloseWait, ""},
		{"B ACK", model.FinWait2, model.CloseWait, ""},
		{"B FIN,ACK", model.TimeWait, model.LastAck, ""},
		{"A ACK", model.TimeWait, model.Closed, ""},
	}},
}

// TestRFC9293Figures checks both peers' states after every segment of the
// RFC 9293 captures against the states the figures print.
func TestRFC9293Figures(t *testing.T) {
	port := map[byte]uint16{'A': portA, 'B': portB}
	for _, c := range rfcCaptures {
		t.Run(c.file, func(t *testing.T) {
			tl := testsample.File(t, filepath.Join("..", "testdata", "rfc9293", c.file))
			if len(tl.Segments) != len(c.rows) {
				t.Fatalf("%s: %d segments, the table has %d rows", c.file, len(tl.Segments), len(c.rows))
			}
			for i, want := range c.rows {
				s := &tl.Segments[i]
				conv := tl.Conv(s)
				if conv == nil || conv.Client.Port != port[c.client] {
					t.Fatalf("%s row %d: the client is not %c", c.file, i+1, c.client)
				}
				src, _ := tl.SrcDst(s)
				if got := string(peerOf(src.Port)) + " " + s.Flags.String(); got != want.seg {
					t.Fatalf("%s row %d: segment %q, the table expects %q", c.file, i+1, got, want.seg)
				}
				if (want.a == unobservable || want.b == unobservable) != (want.why != "") {
					t.Fatalf("%s row %d: an unobservable cell needs a why, and only it", c.file, i+1)
				}
				a, b := s.Client(), s.Server()
				if c.client == 'B' {
					a, b = b, a
				}
				for _, side := range []struct {
					name      string
					want, got model.State
				}{{"A", want.a, a}, {"B", want.b, b}} {
					if side.want != unobservable && side.got != side.want {
						t.Errorf("%s row %d (%s): %s is %v, want %v", c.file, i+1, want.seg, side.name, side.got, side.want)
					}
				}
			}
		})
	}
}

// peerOf names the peer that owns a port: 'A' or 'B'.
func peerOf(port uint16) byte {
	if port == portA {
		return 'A'
	}
	return 'B'
}
