package expert

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
)

// hostile is a capture built packet by packet: a conversation with a
// retransmission and a reset, a second one refused, and a frame that could
// not be decoded whose note carries an escape sequence.
func hostile() *model.Timeline {
	b := model.NewBuilder()
	n, t := int64(0), int64(1_000_000_000_000_000_000)
	ep := func(s string) model.Endpoint {
		ap := netip.MustParseAddrPort(s)
		return model.Endpoint{Addr: ap.Addr(), Port: ap.Port()}
	}
	pkt := func(src, dst string, flags model.Flags, seq, ack, l uint32) {
		n++
		t += 10_000_000
		b.AddPacket(model.Frame{Offset: n, TimeNS: t, CapLen: 40 + l, OrigLen: 40 + l},
			&model.Packet{Src: ep(src), Dst: ep(dst), Seq: seq, Ack: ack, Flags: flags, Win: 4096, Len: l, WinScale: -1})
	}
	const A, P, S, R = model.ACK, model.PSH, model.SYN, model.RST
	c, s := "10.0.0.1:40000", "10.0.0.9:80"
	pkt(c, s, S, 100, 0, 0)
	pkt(s, c, S|A, 500, 101, 0)
	pkt(c, s, A, 101, 501, 0)
	pkt(c, s, P|A, 101, 501, 10)
	n++
	t += 10_000_000
	b.AddFrame(model.Frame{Offset: n, TimeNS: t, CapLen: 9, OrigLen: 60, Kind: model.FrameUndecodable}, "cut short \x1b[31mred\x07")
	pkt(c, s, P|A, 101, 501, 10) // the retransmission
	pkt(s, c, R, 501, 0, 0)
	r1, r2 := "10.0.0.2:40001", "10.0.0.9:81"
	pkt(r1, r2, S, 7000, 0, 0)
	pkt(r2, r1, R|A, 0, 7001, 0)
	return b.Finish()
}

// timelines are the captures the tests sweep: every embedded sample and
// the hostile one.
func timelines(t *testing.T) map[string]*model.Timeline {
	out := map[string]*model.Timeline{"hostile": hostile()}
	for _, s := range samples.List() {
		out[s.Name] = testsample.Timeline(t, s.Name)
	}
	return out
}

// A conversation's summary is model.Expert of that conversation: the same
// groups, rows in the same order, the same frames. It is what tcpstep
// expert --stream N prints (e2e checks the printed text).
func TestSummaryIsModelExpert(t *testing.T) {
	for name, tl := range timelines(t) {
		info := model.Expert(tl, -1)
		check := func(stream int, s Summary, want model.ExpertInfo) {
			t.Helper()
			if len(s.Groups) != len(want.Groups) {
				t.Fatalf("%s stream %d: %d groups, model.Expert has %d", name, stream, len(s.Groups), len(want.Groups))
			}
			total := 0
			for gi, g := range s.Groups {
				wg := want.Groups[gi]
				if g.Severity != wg.Severity || g.Count != wg.Count || len(g.Rows) != len(wg.Rows) {
					t.Fatalf("%s stream %d: group %d is %v %d (%d rows), model.Expert's %v %d (%d rows)", name, stream, gi, g.Severity, g.Count, len(g.Rows), wg.Severity, wg.Count, len(wg.Rows))
				}
				for ri, r := range g.Rows {
					wr := wg.Rows[ri]
					if r.Kind != wr.Kind || r.Count != wr.Count || !slices.Equal(r.Frames, wr.Frames) {
						t.Errorf("%s stream %d: row %d is %v %d %v, model.Expert's %v %d %v", name, stream, ri, r.Kind, r.Count, r.Frames, wr.Kind, wr.Count, wr.Frames)
					}
				}
				total += g.Count
			}
			if s.Total != total {
				t.Errorf("%s stream %d: total %d, the groups sum to %d", name, stream, s.Total, total)
			}
		}
		check(-1, Summarise(&info, -1, false), info)
		for st := range tl.Conversations {
			own := model.Expert(tl, st)
			check(st, Summarise(&info, st, true), own)
			// In capture mode, the conversation's column is its count.
			s := Summarise(&info, st, false)
			check(-1, s, info)
			for _, g := range s.Groups {
				for _, r := range g.Rows {
					wr, _ := own.Row(r.Kind)
					if r.Conv != wr.Count {
						t.Errorf("%s stream %d: %v beside the capture's is %d, model.Expert says %d", name, st, r.Kind, r.Conv, wr.Count)
					}
				}
			}
		}
	}
}

// allOpen opens every row of s.
func allOpen(s *Summary) Open {
	o := Open{}
	for _, g := range s.Groups {
		for _, r := range g.Rows {
			o[r.Kind] = true
		}
	}
	return o
}

// Render keeps to its rectangle at every size, with rows open or not, the
// cursor and the scroll anywhere, and lets no control character through
// (the hostile note's escape).
func TestRenderFits(t *testing.T) {
	st := NewStyles(true)
	all := timelines(t)
	for _, name := range []string{"hostile", "lossy-transfer", "isn-prediction", "smtp-figure10", "icmp-time-exceeded"} {
		tl := all[name]
		info := model.Expert(tl, -1)
		for _, stream := range []int{-1, 0, len(tl.Conversations) - 1} {
			for _, conv := range []bool{false, true} {
				s := Summarise(&info, stream, conv)
				n := lineCount(&s, allOpen(&s))
				for _, open := range []Open{{}, allOpen(&s)} {
					for _, ct := range [][2]int{{1, 0}, {n / 2, n / 3}, {n - 1, n - 1}, {0, n + 5}} {
						v := State{Open: open, Cur: ct[0], Top: ct[1], Step: 3}
						for _, w := range []int{1, 8, 30, 60, 80, 200} {
							for _, h := range []int{1, 2, 3, 4, 5, 10, 24} {
								out := Render(st, tl, &s, &v, w, h)
								what := fmt.Sprintf("%s stream %d conv %v cursor/top %v", name, stream, conv, ct)
								panetest.CheckFits(t, what, out, w, h)
								if bad := panetest.Problems(out, w, h); len(bad) > 0 {
									t.Fatalf("%s at %dx%d: %v", what, w, h, bad)
								}
							}
						}
					}
				}
			}
		}
	}
	if out := Render(st, hostile(), &Summary{}, &State{}, 0, 5); out != "" {
		t.Errorf("zero width: %q", out)
	}
	if out := ansi.Strip(Render(st, hostile(), &Summary{Stream: -1}, &State{}, 60, 5)); !strings.Contains(out, "No findings in the capture") {
		t.Errorf("no findings: %q", out)
	}
}

func TestRenderGolden(t *testing.T) {
	st := NewStyles(true)
	lossy := testsample.Timeline(t, "lossy-transfer")
	isn := testsample.Timeline(t, "isn-prediction")
	lossyInfo, isnInfo, hostileTL := model.Expert(lossy, -1), model.Expert(isn, -1), hostile()
	hostileInfo := model.Expert(hostileTL, -1)
	for _, c := range []struct {
		name   string
		tl     *model.Timeline
		info   *model.ExpertInfo
		stream int
		conv   bool
		open   []model.ExpertKind
		cur    int
		top    int
		step   uint32
	}{
		// The lossy transfer's duplicate ACKs open, the cursor on the
		// second, which is the step shown.
		{"lossy", lossy, &lossyInfo, 0, false, []model.ExpertKind{model.ExpertDuplicateAck}, 6, 0, 18},
		// The ISN samples' SYNs, one per conversation, with stream 3's
		// count beside the capture's; then stream 3 alone.
		{"isn-capture", isn, &isnInfo, 3, false, []model.ExpertKind{model.ExpertSYN}, 5, 0, 19},
		{"isn-stream", isn, &isnInfo, 3, true, []model.ExpertKind{model.ExpertSYN}, 6, 0, 19},
		// An undecodable frame, whose note is made visible, and a
		// scrolled body.
		{"hostile", hostileTL, &hostileInfo, 0, false, []model.ExpertKind{model.ExpertUndecodable, model.ExpertReset}, 1, 0, 0},
		{"hostile-scrolled", hostileTL, &hostileInfo, 1, false, []model.ExpertKind{model.ExpertReset}, 5, 3, 9},
		{"no-findings", hostileTL, &model.ExpertInfo{Stream: -1}, 0, true, nil, 0, 0, 0},
	} {
		for _, sz := range [][2]int{{80, 22}, {60, 12}} {
			t.Run(fmt.Sprintf("%s_%dx%d", c.name, sz[0], sz[1]), func(t *testing.T) {
				s := Summarise(c.info, c.stream, c.conv)
				v := State{Open: Open{}, Cur: c.cur, Top: c.top, Step: c.step}
				for _, k := range c.open {
					v.Open[k] = true
				}
				golden.RequireEqual(t, ansi.Strip(Render(st, c.tl, &s, &v, sz[0], sz[1])))
			})
		}
	}
}

// load runs the analysis as the root does: Load's work, then Loaded.
func load(t *testing.T, p *Pane, ctx pane.Context) {
	t.Helper()
	work := p.Load(ctx)
	if work == nil {
		t.Fatal("Load has no work to do")
	}
	if again := p.Load(ctx); again != nil {
		t.Fatal("Load started a second analysis while the first runs")
	}
	p.Loaded(work())
}

// ctxAt is the context the root gives for row i of conversation c.
func ctxAt(tl *model.Timeline, c *model.Conversation, i int) pane.Context {
	rows := pane.BuildRows(tl, c)
	return pane.Context{TL: tl, Conv: c, Rows: rows, Row: i, Last: len(rows) - 1}
}

// TestPane drives the view as the stepper does: nothing is shown until
// the analysis comes back from Load's work; ↑ and ↓ move over the rows and
// skip the headings; → and enter open a row and ← closes it; enter on a
// frame of the conversation shown moves the stepper to its row, and on a
// frame of another asks for that frame; m switches to the conversation
// alone; a capture that grew is analysed again, the last analysis shown
// meanwhile.
func TestPane(t *testing.T) {
	tl := testsample.Timeline(t, "isn-prediction")
	p := NewPane(NewStyles(true))
	p.syncMax = 0 // as for a big capture: the analysis is Load's work
	ctx := ctxAt(tl, tl.Conversations[1], 0)
	const w, h = 80, 20
	if out := ansi.Strip(p.View(ctx, w, h)); !strings.Contains(out, "analysing") {
		t.Fatalf("before the analysis: %q", out)
	}
	if r := p.Key(ctx, pane.KeyOpen, w, h); !r.Used || r.Move || r.Frame != 0 {
		t.Fatalf("→ before the analysis: %+v", r)
	}
	load(t, p, ctx)
	if p.Load(ctx) != nil {
		t.Fatal("Load wants to analyse a capture it has analysed")
	}
	p.Prepare(ctx, w, h)
	info := model.Expert(tl, -1)
	s := Summarise(&info, 1, false)
	want := Render(NewStyles(true), tl, &s, &State{Open: Open{}, Cur: 1, Step: ctx.Rows[0].Frame}, w, h)
	if got := p.View(ctx, w, h); got != want {
		t.Fatalf("View differs from Render:\n%s\nwant\n%s", ansi.Strip(got), ansi.Strip(want))
	}
	at := func(kind model.ExpertKind, frame uint32) {
		t.Helper()
		k, f, ok := p.Cursor()
		if !ok || k != kind || f != frame {
			t.Fatalf("cursor on %v frame %d (%v), want %v frame %d\n%s", k, f, ok, kind, frame, ansi.Strip(p.View(ctx, w, h)))
		}
	}
	at(model.ExpertCloseActive, 0)
	p.Key(ctx, pane.KeyUp, w, h) // the heading above is not a line to stop on
	at(model.ExpertCloseActive, 0)
	p.Key(ctx, pane.KeyDown, w, h)
	p.Key(ctx, pane.KeyDown, w, h) // over the Chats heading
	at(model.ExpertFIN, 0)
	p.Key(ctx, pane.KeyDown, w, h)
	at(model.ExpertSYN, 0)
	if r := p.Key(ctx, pane.KeyOpen, w, h); !r.Used || r.Move {
		t.Fatalf("→ on a row: %+v", r)
	}
	p.Key(ctx, pane.KeyDown, w, h)
	at(model.ExpertSYN, 1)
	// Stream 0's SYN is another conversation's: the stepper is asked for
	// the frame.
	if r := p.Key(ctx, pane.KeyOpen, w, h); r != pane.GoToFrame(1) {
		t.Fatalf("enter on frame 1 of stream 0: %+v", r)
	}
	p.Key(ctx, pane.KeyDown, w, h)
	at(model.ExpertSYN, 7)
	r := p.Key(ctx, pane.KeyOpen, w, h)
	if !r.Move || ctx.Rows[r.Row].Frame != 7 {
		t.Fatalf("enter on frame 7, in the conversation shown: %+v", r)
	}
	if !strings.Contains(ansi.Strip(p.View(ctxAt(tl, ctx.Conv, r.Row), w, h)), "•   frame  7") {
		t.Errorf("the step's frame is not marked:\n%s", ansi.Strip(p.View(ctxAt(tl, ctx.Conv, r.Row), w, h)))
	}
	// ← on a frame closes its row, the cursor going to it.
	p.Key(ctx, pane.KeyClose, w, h)
	at(model.ExpertSYN, 0)
	if out := ansi.Strip(p.View(ctx, w, h)); strings.Contains(out, "frame  7") {
		t.Errorf("← left the row open:\n%s", out)
	}
	if r := p.Key(ctx, pane.KeyClose, w, h); !r.Used {
		t.Error("← on a closed row should do nothing, but not step")
	}
	// m: stream 1 alone, the cursor still on the SYNs.
	p.Key(ctx, pane.KeyOpen, w, h)
	p.Key(ctx, pane.KeyMode, w, h)
	p.Prepare(ctx, w, h)
	if p.Title(ctx) != "stream 1" || !p.Conv() {
		t.Fatalf("after m: title %q", p.Title(ctx))
	}
	at(model.ExpertSYN, 0)
	out := ansi.Strip(p.View(ctx, w, h))
	if !strings.Contains(out, "Stream 1: 6 findings") || strings.Contains(out, "frame  1 ") || !strings.Contains(out, "frame  7") {
		t.Fatalf("stream 1 alone:\n%s", out)
	}
	// Another conversation, and the view follows it.
	ctx2 := ctxAt(tl, tl.Conversations[2], 0)
	p.Prepare(ctx2, w, h)
	if out := ansi.Strip(p.View(ctx2, w, h)); !strings.Contains(out, "Stream 2: 6 findings") || !strings.Contains(out, "frame 13") {
		t.Fatalf("stream 2 alone:\n%s", out)
	}
	p.Key(ctx2, pane.KeyMode, w, h)
	if p.Title(ctx2) != "capture" {
		t.Fatalf("m again: title %q", p.Title(ctx2))
	}
	// A click selects a line; a click on the selected line opens it.
	p.Prepare(ctx2, w, h)
	p.Key(ctx2, pane.KeyClose, w, h) // the SYNs closed
	p.Click(ctx2, 10, 2+1, w, h)     // the first row, under the headings
	at(model.ExpertCloseActive, 0)
	p.Click(ctx2, 10, 3, w, h)
	if out := ansi.Strip(p.View(ctx2, w, h)); !strings.Contains(out, "- ") || !strings.Contains(out, "frame  4") {
		t.Fatalf("a second click should open the row:\n%s", out)
	}
	// The capture grew: analysed again, the old analysis shown meanwhile.
	p.Grew(ctx2, func(*model.Conversation) bool { return true })
	if out := ansi.Strip(p.View(ctx2, w, h)); !strings.Contains(out, "Whole capture: 48 findings") {
		t.Fatalf("after Grew, before the new analysis:\n%s", out)
	}
	load(t, p, ctx2)
	// A small capture is analysed at once, ready for the next key.
	q := NewPane(NewStyles(true))
	if q.Load(ctx) != nil {
		t.Fatal("a capture of 48 segments analysed in the background")
	}
	if out := ansi.Strip(q.View(ctx, w, h)); !strings.Contains(out, "Whole capture: 48 findings") {
		t.Fatalf("a small capture after Load:\n%s", out)
	}
	if p.Key(ctx2, pane.KeyZoomIn, w, h).Used {
		t.Error("the expert view has no zoom, yet it took +")
	}
}

// The wheel scrolls and leaves the cursor where it is; page keys move it a
// screenful, and it stays in sight.
func TestPaneScrolls(t *testing.T) {
	tl := testsample.Timeline(t, "isn-prediction")
	p := NewPane(NewStyles(false))
	ctx := ctxAt(tl, tl.Conversations[0], 0)
	const w, h = 60, 8 // 6 body lines
	p.Load(ctx)
	p.Prepare(ctx, w, h)
	p.Key(ctx, pane.KeyDown, w, h)
	p.Key(ctx, pane.KeyDown, w, h) // over the Chats heading
	p.Key(ctx, pane.KeyOpen, w, h) // fin: 16 frames
	p.Key(ctx, pane.KeyWheelDown, w, h)
	p.Prepare(ctx, w, h)
	k, f, _ := p.Cursor()
	if k != model.ExpertFIN || f != 0 || p.top != 3 {
		t.Fatalf("after the wheel: cursor %v %d, top %d", k, f, p.top)
	}
	p.Key(ctx, pane.KeyPageDown, w, h)
	p.Prepare(ctx, w, h)
	if p.cur < p.top || p.cur >= p.top+6 {
		t.Fatalf("page down: cursor %d out of sight (top %d)", p.cur, p.top)
	}
	for range 100 {
		p.Key(ctx, pane.KeyPageDown, w, h)
	}
	n := lineCount(&p.sum, p.open)
	if p.cur != n-1 || p.top != n-6 {
		t.Fatalf("at the end: cursor %d top %d of %d lines", p.cur, p.top, n)
	}
	out := ansi.Strip(p.View(ctx, w, h))
	panetest.CheckFits(t, "scrolled", out, w, h)
	if !strings.Contains(out, "syn_ack") {
		t.Fatalf("the last row is not in sight:\n%s", out)
	}
}
