package follow

import (
	"path/filepath"
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/synth"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// These tests hold the shortcuts that keep a step cheap in a long
// conversation to what they replace: the follow view's index against a
// scan of every line, the graph's step marks put on a drawing made once
// against a drawing made with the step, the quick width against
// ansi.StringWidth.

// followInputs are conversations to reassemble: every embedded sample's,
// the hostile one and, when ../shared is there, every capture's.
func followInputs(t *testing.T) map[string]*decode.Input {
	t.Helper()
	ins := map[string]*decode.Input{}
	for _, s := range samples.List() {
		b, err := samples.Bytes(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		in, err := decode.OpenBytes("sample:"+s.Name, b)
		if err != nil {
			t.Fatal(err)
		}
		ins[s.Name] = in
	}
	in, err := decode.OpenBytes("synth", synth.Capture(3000, 3))
	if err != nil {
		t.Fatal(err)
	}
	ins["synth"] = in
	if dir, ok := testshared.Optional(t); ok {
		files, _ := filepath.Glob(filepath.Join(dir, "captures", "*.pcap*"))
		for _, f := range files {
			in, err := decode.Open(f)
			if err != nil {
				continue // the corpus's damaged files are other tests' business
			}
			t.Cleanup(func() { in.Close() })
			ins[filepath.Base(f)] = in
		}
	}
	return ins
}

func TestFollowIndexAgreesWithScan(t *testing.T) {
	indexed := 0
	check := func(t *testing.T, tl *model.Timeline, c *model.Conversation, chunks []model.FollowChunk) {
		for _, hex := range []bool{false, true} {
			for _, w := range []int{12, 80} {
				lay := layoutFollow(chunks, hex, w)
				if lay.idx == nil {
					t.Fatal("layoutFollow made no index")
				}
				if lay.idx.readyOK && lay.idx.dirs[0].ok && lay.idx.dirs[1].ok {
					indexed++
				}
				segs := append([]int{-1, len(tl.Segments)}, make([]int, 0, len(c.Segs))...)
				for _, s := range c.Segs {
					segs = append(segs, int(s))
				}
				for _, seg := range segs {
					if got, want := followSegLine(tl, chunks, lay, seg), followSegLineScan(tl, chunks, lay, seg); got != want {
						t.Fatalf("hex %v width %d segment %d: line %d, the scan says %d", hex, w, seg, got, want)
					}
				}
			}
		}
	}
	tl, chunks := hostileFollow(t)
	t.Run("hostile", func(t *testing.T) { check(t, tl, tl.Conversations[0], chunks) })
	for name, in := range followInputs(t) {
		t.Run(name, func(t *testing.T) {
			tl, err := in.Load(nil)
			if err != nil {
				t.Skip(err)
			}
			for _, c := range tl.Conversations {
				if c == nil {
					continue
				}
				chunks, err := model.FollowDialogue(tl, c, func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
				if err != nil {
					continue
				}
				check(t, tl, c, chunks)
			}
		})
	}
	// The scan answers only what the index cannot: most dialogues are
	// indexed.
	if indexed < 40 {
		t.Errorf("only %d layouts indexed", indexed)
	}
}
