package decode

import (
	"testing"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

func loadSample(t *testing.T, name string) *model.Timeline {
	t.Helper()
	_, tl := openSample(t, name)
	if len(tl.Warnings) > 0 {
		t.Errorf("%s: warnings %v", name, tl.Warnings)
	}
	return tl
}

// TestSamplesReachEveryState checks, through the whole decoder, that across
// the embedded samples every one of RFC 793's eleven states occurs for some
// side, so every box of the state diagram can be shown lit.
func TestSamplesReachEveryState(t *testing.T) {
	seen := map[model.State][]string{}
	for _, s := range samples.List() {
		tl := loadSample(t, s.Name)
		if len(tl.Segments) == 0 {
			t.Errorf("%s: no segments", s.Name)
		}
		for _, c := range tl.Conversations {
			seen[c.InitClient] = append(seen[c.InitClient], s.Name)
			seen[c.InitServer] = append(seen[c.InitServer], s.Name)
		}
		for _, seg := range tl.Segments {
			seen[seg.Client()] = append(seen[seg.Client()], s.Name)
			seen[seg.Server()] = append(seen[seg.Server()], s.Name)
		}
	}
	for _, st := range model.AllStates() {
		if len(seen[st]) == 0 {
			t.Errorf("no sample reaches %s", st)
		}
	}
}

// TestFigure10Numbers checks the paper's printed numbers as our decoder reads
// them from the default sample: the handshake, the 93-byte greeting and the
// 5-byte help command acknowledged with ack 1023645928.
func TestFigure10Numbers(t *testing.T) {
	tl := loadSample(t, samples.Default)
	if len(tl.Conversations) != 1 {
		t.Fatalf("%d conversations, want 1", len(tl.Conversations))
	}
	c := tl.Conversations[0]
	if c.Client.Port != 1042 || c.Server.Port != 25 {
		t.Fatalf("ports %d → %d, want 1042 → 25", c.Client.Port, c.Server.Port)
	}
	seg := func(i int) *model.Segment { return &tl.Segments[c.Segs[i]] }
	type want struct {
		dir      model.Dir
		flags    model.Flags
		seq, ack uint32
		rseq     uint32
		client   model.State
		server   model.State
	}
	// The states as RFC 9293's Figure 6 prints them: each segment takes
	// effect at its receiver on its own row.
	hand := []want{
		{model.C2S, model.SYN, 1023645922, 0, 0, model.SynSent, model.SynReceived},
		{model.S2C, model.SYN | model.ACK, 2234678799, 1023645923, 0, model.Established, model.SynReceived},
		{model.C2S, model.ACK, 1023645923, 2234678800, 1, model.Established, model.Established},
	}
	for i, w := range hand {
		s := seg(i)
		if s.Dir != w.dir || s.Flags&^model.PSH != w.flags || s.Seq != w.seq || s.RelSeq != w.rseq || s.Client() != w.client || s.Server() != w.server {
			t.Errorf("segment %d: %s %s seq %d (rel %d) ack %d, %s/%s; want %s %s seq %d (rel %d) ack %d, %s/%s",
				i+1, s.Dir, s.Flags, s.Seq, s.RelSeq, s.Ack, s.Client(), s.Server(), w.dir, w.flags, w.seq, w.rseq, w.ack, w.client, w.server)
		}
		if w.flags&model.ACK != 0 && s.Ack != w.ack {
			t.Errorf("segment %d: ack %d, want %d", i+1, s.Ack, w.ack)
		}
	}
	// The greeting, the help command and the reply that acknowledges it.
	var greeting, help, reply *model.Segment
	for _, si := range c.Segs {
		s := &tl.Segments[si]
		switch {
		case greeting == nil && s.Dir == model.S2C && s.Len > 0:
			greeting = s
		case help == nil && greeting != nil && s.Dir == model.C2S && s.Len > 0:
			help = s
		case reply == nil && help != nil && s.Dir == model.S2C && s.Len > 0:
			reply = s
		}
	}
	if greeting == nil || help == nil || reply == nil {
		t.Fatal("greeting, help or reply missing")
	}
	if greeting.Len != 93 || greeting.Seq != 2234678800 {
		t.Errorf("greeting seq %d len %d, want seq 2234678800 len 93", greeting.Seq, greeting.Len)
	}
	if help.Seq != 1023645923 || help.Len != 5 || !help.Flags.Has(model.PSH|model.ACK) {
		t.Errorf("help seq %d len %d flags %s, want seq 1023645923 len 5 PSH,ACK", help.Seq, help.Len, help.Flags)
	}
	if reply.Ack != help.Seq+help.Len || reply.Ack != 1023645928 {
		t.Errorf("reply ack %d, want 1023645928 = 1023645923 + 5", reply.Ack)
	}
}
