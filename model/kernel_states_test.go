package model_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
)

// kernelLimit is a checkpoint state the capture cannot show: the kernel's
// state there follows only from silence or timing, so the project rule (a
// segment arrives on the row the capture shows it, unless the receiver's own
// later segments prove otherwise) gives another. The test asserts the rule's
// answer, and that the kernel still says what the limit records.
type kernelLimit struct {
	checkpoint   int    // 1-based, as in NAME.states
	side         string // "client" or "server"
	kernel, rule model.State
}

// kernelCaptures are testdata/kernel's scenarios (see its README.md): the
// server's port (the client's is 10000 more), and how many segments and
// checkpoints each holds.
var kernelCaptures = []struct {
	name                  string
	port                  uint16
	segments, checkpoints int
	limits                []kernelLimit
}{
	{"normal", 47201, 11, 5, nil},
	{"synack-held", 47202, 16, 5, nil},
	{"fin-ack-held", 47203, 21, 5, nil},
	// The server's ACK of the client's FIN (frame 10) was dropped after the
	// capture point; the client never re-sends its FIN and its next segment
	// (frame 11, an ACK) looks the same from CLOSING and TIME_WAIT, so the rule
	// has it arrive: TIME_WAIT. Only the client's silence after frame 12 shows
	// it was still CLOSING (a TIME_WAIT side would ACK that re-sent FIN; Linux
	// in CLOSING takes it without an answer).
	{"fins-cross", 47204, 14, 5, []kernelLimit{
		{3, "client", model.Closing, model.TimeWait},
	}},
	{"server-first", 47205, 9, 4, nil},
	{"refused", 47206, 2, 2, nil},
	// SYNs 1 and 2 were dropped after the capture point, but the server's
	// first segment (the SYN,ACK of frame 4) covers the SYN, so nothing it
	// sends contradicts their arrival: SYN_RECEIVED by the rule. Only timing
	// (a listener answers at once, not a second later) shows it was LISTEN.
	{"syn-held", 47207, 9, 5, []kernelLimit{
		{2, "server", model.Listen, model.SynReceived},
	}},
	{"half-close", 47208, 15, 4, nil},
	// The client's re-sent SYN (frame 4) disproves SYN,ACKs 2 and 3, and
	// its bare RST (frame 7) answering SYN,ACK 6 shows no SYN,ACK had taken
	// it to ESTABLISHED (a synchronized side would ACK it): SYN_SENT, as the
	// kernel says, then CLOSED.
	{"synrecv-rst", 47209, 7, 3, nil},
	{"abort", 47210, 8, 3, nil},
	{"last-ack-held", 47211, 21, 4, nil},
	{"fins-cross-unseen", 47212, 13, 5, nil},
}

// checkpoint is one line of NAME.states.
type checkpoint struct {
	timeNS         int64
	client, server model.State
	note           string
}

// TestKernelStates checks the states after the last segment captured at or
// before each checkpoint (the initial states before the first) against the
// Linux kernel's, read with ss at that moment.
func TestKernelStates(t *testing.T) {
	for _, c := range kernelCaptures {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join("..", "testdata", "kernel")
			tl := testsample.File(t, filepath.Join(dir, c.name+".pcap"))
			cps := readCheckpoints(t, filepath.Join(dir, c.name+".states"))
			if len(tl.Conversations) != 1 {
				t.Fatalf("%s: %d conversations, want 1", c.name, len(tl.Conversations))
			}
			conv := tl.Conversations[0]
			if conv.Server.Port != c.port || conv.Client.Port != c.port+10000 {
				t.Fatalf("%s: client %v, server %v; want ports %d and %d", c.name, conv.Client, conv.Server, c.port+10000, c.port)
			}
			if len(conv.Segs) != c.segments || len(cps) != c.checkpoints {
				t.Fatalf("%s: %d segments and %d checkpoints, want %d and %d", c.name, len(conv.Segs), len(cps), c.segments, c.checkpoints)
			}
			for i, cp := range cps {
				client, server, row := conv.InitClient, conv.InitServer, 0
				for j, k := range conv.Segs {
					s := &tl.Segments[k]
					if tl.StartNS+tl.SegTime(s) > cp.timeNS {
						break
					}
					client, server, row = s.Client(), s.Server(), j+1
				}
				for _, side := range []struct {
					name        string
					kernel, got model.State
				}{{"client", cp.client, client}, {"server", cp.server, server}} {
					want := side.kernel
					for _, l := range c.limits {
						if l.checkpoint != i+1 || l.side != side.name {
							continue
						}
						if l.kernel != side.kernel {
							t.Errorf("%s checkpoint %d: the kernel's %s is %v, the limit records %v", c.name, i+1, side.name, side.kernel, l.kernel)
						}
						want = l.rule
					}
					if side.got != want {
						t.Errorf("%s checkpoint %d (after row %d, %s): %s is %v, want %v", c.name, i+1, row, cp.note, side.name, side.got, want)
					}
				}
			}
		})
	}
}

// readCheckpoints reads a NAME.states table: a header, then time_ns, client,
// server and note, tab-separated.
func readCheckpoints(t *testing.T, path string) []checkpoint {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]model.State{}
	for _, s := range model.AllStates() {
		names[s.String()] = s
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) == 0 || lines[0] != "time_ns\tclient\tserver\tnote" {
		t.Fatalf("%s: not a states table", path)
	}
	var cps []checkpoint
	for n, line := range lines[1:] {
		f := strings.SplitN(line, "\t", 4)
		if len(f) != 4 {
			t.Fatalf("%s line %d: %d fields, want 4", path, n+2, len(f))
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		client, okC := names[f[1]]
		server, okS := names[f[2]]
		if err != nil || !okC || !okS {
			t.Fatalf("%s line %d: bad checkpoint %q", path, n+2, line)
		}
		cps = append(cps, checkpoint{ns, client, server, f[3]})
	}
	return cps
}
