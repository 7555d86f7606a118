package graph

import (
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
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

// bulkTimeline builds, through the real Builder, one conversation of about
// n segments: a handshake with window scaling, the server sending
// 1448-byte segments that the client acknowledges every second one, one
// segment in every 500 lost and sent again a little later, and a close.
func bulkTimeline(t testing.TB, n int) *model.Timeline {
	t.Helper()
	b := model.NewBuilder()
	b.Grow(n + 8)
	cli := model.Endpoint{Addr: netip.MustParseAddr("10.0.0.1"), Port: 40000}
	srv := model.Endpoint{Addr: netip.MustParseAddr("10.0.0.2"), Port: 80}
	now := int64(1_700_000_000_000_000_000)
	cseq, sseq := uint32(1000), uint32(0xFFFF0000) // the server's numbers wrap
	add := func(src, dst model.Endpoint, seq, ack uint32, fl model.Flags, ln uint32, win uint16, ws int8) {
		now += 100_000
		b.AddPacket(model.Frame{TimeNS: now}, &model.Packet{TimeNS: now, Src: src, Dst: dst, Seq: seq, Ack: ack, Flags: fl, Len: ln, Win: win, WinScale: ws})
	}
	add(cli, srv, cseq, 0, model.SYN, 0, 64240, 7)
	add(srv, cli, sseq, cseq+1, model.SYN|model.ACK, 0, 65160, 7)
	cseq++
	sseq++
	add(cli, srv, cseq, sseq, model.ACK, 0, 502, -1)
	var lost []uint32
	for i := 0; b != nil && i < n-6; i++ {
		switch {
		case i%500 == 250:
			lost = append(lost, sseq) // sent, never arrives: not in the capture
			sseq += 1448
		case i%500 == 260 && len(lost) > 0:
			add(srv, cli, lost[0], cseq, model.ACK, 1448, 509, -1)
			lost = lost[1:]
		case i%3 == 2:
			add(cli, srv, cseq, sseq, model.ACK, 0, 502, -1)
		default:
			add(srv, cli, sseq, cseq, model.ACK|model.PSH, 1448, 509, -1)
			sseq += 1448
		}
	}
	add(srv, cli, sseq, cseq, model.FIN|model.ACK, 0, 509, -1)
	add(cli, srv, cseq, sseq+1, model.FIN|model.ACK, 0, 502, -1)
	add(srv, cli, sseq+1, cseq+1, model.ACK, 0, 509, -1)
	return b.Finish()
}

// TestGraphSizes redraws the graph at every size from nothing to large,
// for every sample's conversations, each direction setting, zooms from
// none to past a nanosecond, both numberings and degenerate inputs: never more than h lines, never a line
// wider than w, never a panic.
func TestGraphSizes(t *testing.T) {
	st := NewStyles(true)
	type input struct {
		name string
		tl   *model.Timeline
		conv int
	}
	var inputs []input
	for _, s := range samples.List() {
		tl := testsample.Timeline(t, s.Name)
		for c := range tl.Conversations {
			inputs = append(inputs, input{s.Name + "/" + strconv.Itoa(c), tl, c})
		}
	}
	empty := &model.Timeline{Conversations: []*model.Conversation{{}}}
	inputs = append(inputs,
		input{"nil timeline", nil, 0},
		input{"no conversations", &model.Timeline{}, 0},
		input{"conversation out of range", testsample.Timeline(t, "smtp-figure10"), 5},
		input{"negative conversation", testsample.Timeline(t, "smtp-figure10"), -1},
		input{"empty conversation", empty, 0},
		input{"segment index out of range", &model.Timeline{Conversations: []*model.Conversation{{Segs: []uint32{3}}}}, 0},
	)
	widths := []int{-1, 0, 1, 2, 3, 5, 8, 11, 12, 13, 16, 20, 31, 40, 57, 80, 121, 200}
	heights := []int{-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 16, 24, 50}
	for _, in := range inputs {
		sel := -1
		if in.tl != nil && in.conv >= 0 && in.conv < len(in.tl.Conversations) && len(in.tl.Conversations[in.conv].Segs) > 0 {
			segs := in.tl.Conversations[in.conv].Segs
			sel = int(segs[len(segs)/2])
		}
		for _, w := range widths {
			for _, h := range heights {
				for show := ShowAuto; show <= ShowBoth; show++ {
					zoom := []int{0, 4, 90}[(w+h+int(show)+6)%3]
					out := renderGraphView(st, in.tl, in.conv, sel, show == ShowC2S, Settings{Show: show, Zoom: zoom}, w, h)
					panetest.CheckFits(t, in.name+" "+show.String(), out, w, h)
				}
			}
		}
	}
}

// TestGraphGolden pins the graph of the lossy transfer and of the paper's
// SMTP session at two sizes, colours stripped, with a step selected. After
// a deliberate change: go test ./ui -run TestGraphGolden -update, and review.
func TestGraphGolden(t *testing.T) {
	st := NewStyles(true)
	for _, name := range []string{"lossy-transfer", "smtp-figure10"} {
		tl := testsample.Timeline(t, name)
		c := tl.Conversations[0]
		sel := int(c.Segs[len(c.Segs)/2])
		for _, sz := range [][2]int{{80, 24}, {200, 50}} {
			for _, absolute := range []bool{false, true} {
				n := fmt.Sprintf("%s-%dx%d", name, sz[0], sz[1])
				if absolute {
					if sz[0] != 80 {
						continue
					}
					n += "-absolute"
				}
				t.Run(n, func(t *testing.T) {
					out := renderGraph(st, tl, 0, sel, absolute, sz[0], sz[1])
					panetest.CheckFits(t, n, out, sz[0], sz[1])
					golden.RequireEqual(t, ansi.Strip(out))
				})
			}
		}
	}
}

// graphAxes reads a plot back from the stripped picture: the rows of its
// sequence ticks with their values and the columns of the time ticks with
// theirs, so a test can say which sequence number and time a cell stands
// for without the renderer's help.
type graphAxes struct {
	plotX      int
	seqRow     []int
	seqVal     []float64
	timeCol    []int
	timeVal    []float64
	top, below int // the plot's first row and the row after it
}

var tickLabel = regexp.MustCompile(`^ *([0-9.]+k?)┤`)

func readAxes(t *testing.T, lines []string, top int) graphAxes {
	t.Helper()
	a := graphAxes{top: top}
	for r := top; r < len(lines); r++ {
		l := lines[r]
		if strings.Contains(l, "└") {
			a.below = r
			a.plotX = len([]rune(l[:strings.Index(l, "└")])) + 1
			axis := []rune(l)
			labels := []rune(lines[r+1])
			for col, ch := range axis {
				if ch != '┬' {
					continue
				}
				if col >= len(labels) || labels[col] == ' ' || (col > 0 && labels[col-1] != ' ') {
					continue // this tick's label was left out or moved
				}
				end := col
				for end < len(labels) && labels[end] != ' ' {
					end++
				}
				v, err := strconv.ParseFloat(strings.TrimSuffix(string(labels[col:end]), "s"), 64)
				if err == nil {
					a.timeCol, a.timeVal = append(a.timeCol, col-a.plotX), append(a.timeVal, v)
				}
			}
			break
		}
		if m := tickLabel.FindStringSubmatch(l); m != nil {
			v, _ := strconv.ParseFloat(strings.TrimSuffix(m[1], "k"), 64)
			if strings.HasSuffix(m[1], "k") {
				v *= 1000
			}
			a.seqRow, a.seqVal = append(a.seqRow, r), append(a.seqVal, v)
		}
	}
	if len(a.seqRow) < 2 || len(a.timeCol) < 2 {
		t.Fatalf("axes not readable: %d sequence ticks, %d time ticks", len(a.seqRow), len(a.timeCol))
	}
	return a
}

// interpolate reads a value at position p from ticks at positions ps with
// values vs (linear, as the axes are).
func interpolate(p float64, ps []int, vs []float64) float64 {
	i, j := 0, len(ps)-1
	return vs[i] + (p-float64(ps[i]))*(vs[j]-vs[i])/float64(ps[j]-ps[i])
}

// TestGraphRetransmissions finds the R marks of the lossy transfer (server
// to client, 200×50) and reads their time and sequence number off the
// axes: there is one per retransmitted segment, each where that segment's
// time and last sequence number put it, within a cell's worth of the axis.
func TestGraphRetransmissions(t *testing.T) {
	tl := testsample.Timeline(t, "lossy-transfer")
	c := tl.Conversations[0]
	out := ansi.Strip(renderGraphShow(Styles{}, tl, 0, -1, false, ShowS2C, 200, 50))
	lines := strings.Split(out, "\n")
	a := readAxes(t, lines, 2)
	type mark struct{ row, col int }
	var marks []mark
	for r := a.top; r < a.below; r++ {
		for col, ch := range []rune(lines[r]) {
			if ch == graphRetrans {
				marks = append(marks, mark{r, col - a.plotX})
			}
		}
	}
	sort.Slice(marks, func(i, j int) bool { return marks[i].col < marks[j].col })
	var want []*model.Segment
	for _, si := range c.Segs {
		s := &tl.Segments[si]
		if s.Events.Has(model.Retransmission) && s.Dir == model.S2C {
			want = append(want, s)
		}
	}
	if len(want) == 0 || len(marks) != len(want) {
		t.Fatalf("%d R marks, want one per retransmission: %d\n%s", len(marks), len(want), out)
	}
	rowValue := (a.seqVal[len(a.seqVal)-1] - a.seqVal[0]) / float64(a.seqRow[len(a.seqRow)-1]-a.seqRow[0])
	colValue := (a.timeVal[len(a.timeVal)-1] - a.timeVal[0]) / float64(a.timeCol[len(a.timeCol)-1]-a.timeCol[0])
	for i, s := range want {
		m := marks[i]
		seq := interpolate(float64(m.row), a.seqRow, a.seqVal)
		tm := interpolate(float64(m.col), a.timeCol, a.timeVal)
		wantSeq := float64(s.RelSeq + s.Len)
		if math.Abs(seq-wantSeq) > 1.5*math.Abs(rowValue) {
			t.Errorf("frame %d: R at sequence ≈%.0f, want %.0f (a row is %.0f)", s.Frame, seq, wantSeq, rowValue)
		}
		if wantT := float64(tl.SegTime(s)) / 1e9; math.Abs(tm-wantT) > 1.5*math.Abs(colValue) {
			t.Errorf("frame %d: R at time ≈%.4f, want %.4f (a column is %.4f)", s.Frame, tm, wantT, colValue)
		}
	}
}

// TestGraphSelected checks that the selected step is marked once on the
// time axis, under its column, whatever step is chosen, and that moving
// the selection moves the mark.
func TestGraphSelected(t *testing.T) {
	tl := testsample.Timeline(t, "smtp-figure10")
	c := tl.Conversations[0]
	prev := -1
	for _, k := range []int{0, 10, len(c.Segs) - 1} {
		out := ansi.Strip(renderGraph(Styles{}, tl, 0, int(c.Segs[k]), false, 120, 30))
		lines := strings.Split(out, "\n")
		var axis string
		for _, l := range lines {
			if strings.Contains(l, "└") {
				axis = l
			}
		}
		if strings.Count(axis, graphCursor) != 1 {
			t.Fatalf("step %d: want one %s on the time axis: %q", k, graphCursor, axis)
		}
		col := strings.Index(axis, graphCursor)
		if col <= prev {
			t.Errorf("step %d: cursor at byte %d, not right of the previous step's %d", k, col, prev)
		}
		prev = col
		if !strings.ContainsRune(out, SelectedMark) {
			t.Errorf("step %d: no %c in the plots", k, SelectedMark)
		}
	}
}

// TestGraphMillion draws a conversation of a million segments: it fits,
// shows the retransmissions, and takes one pass (see BenchmarkGraph).
func TestGraphMillion(t *testing.T) {
	if testing.Short() {
		t.Skip("a million segments: skipped with -short")
	}
	tl := bulkTimeline(t, 1_000_000)
	out := renderGraph(NewStyles(false), tl, 0, len(tl.Segments)/2, false, 200, 50)
	panetest.CheckFits(t, "million", out, 200, 50)
	plain := ansi.Strip(out)
	if !strings.ContainsRune(plain, graphRetrans) || !strings.ContainsRune(plain, SelectedMark) {
		t.Errorf("no R or selection mark in the picture:\n%s", plain)
	}
}

// BenchmarkGraph draws a 100,000-segment transfer in a 200×50 pane.
func BenchmarkGraph(b *testing.B) {
	tl := bulkTimeline(b, 100_000)
	st := NewStyles(true)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = renderGraph(st, tl, 0, 5000, false, 200, 50)
	}
}

// TestGraphZoom zooms into the lossy transfer around its first
// retransmission: each step halves the time axis's span, the selected
// step stays on screen, and at ×8 the fast retransmission and the data
// around it spread over many columns (the R is no longer in the first
// tenth of the plot).
func TestGraphZoom(t *testing.T) {
	tl := testsample.Timeline(t, "lossy-transfer")
	c := tl.Conversations[0]
	sel := -1
	for _, si := range c.Segs {
		if tl.Segments[si].Events.Has(model.FastRetransmission) {
			sel = int(si)
			break
		}
	}
	if sel < 0 {
		t.Fatal("no fast retransmission in lossy-transfer")
	}
	prevSpan := math.Inf(1)
	for zoom := 0; zoom <= 6; zoom++ {
		out := ansi.Strip(renderGraphView(Styles{}, tl, 0, sel, false, Settings{Show: ShowS2C, Zoom: zoom}, 120, 30))
		panetest.CheckFits(t, "zoom", out, 120, 30)
		lines := strings.Split(out, "\n")
		a := readAxes(t, lines, 2)
		span := (a.timeVal[len(a.timeVal)-1] - a.timeVal[0]) / float64(a.timeCol[len(a.timeCol)-1]-a.timeCol[0]) * 120
		if span >= prevSpan*0.75 {
			t.Errorf("zoom %d: time span ≈%.4fs, not about half of %.4fs", zoom, span, prevSpan)
		}
		prevSpan = span
		if !strings.ContainsRune(out, SelectedMark) || !strings.Contains(lines[a.below], graphCursor) {
			t.Errorf("zoom %d: the selected step is off screen:\n%s", zoom, out)
		}
		if zoom > 0 && !strings.Contains(lines[0], "zoom ×") {
			t.Errorf("zoom %d: the legend does not say so: %q", zoom, lines[0])
		}
	}
}

// TestPaneMemo drives the view as the stepper does: a redraw of what did
// not change reuses the drawing and the walk; a step only moves the marks
// (the walk stays, unzoomed); the numbering, the settings and the size are
// part of what a drawing depends on; m, + and - change the settings.
func TestPaneMemo(t *testing.T) {
	tl := testsample.Timeline(t, "lossy-transfer")
	c := tl.Conversations[0]
	p := NewPane(NewStyles(true))
	ctx := pane.Context{TL: tl, Conv: c, Seg: int(c.Segs[10])}
	out := p.View(ctx, 120, 30)
	if want := Render(NewStyles(true), tl, 0, ctx.Seg, false, Settings{}, 120, 30); out != want {
		t.Fatal("View differs from Render")
	}
	base := p.base
	if again := p.View(ctx, 120, 30); again != out || p.base != base {
		t.Fatal("redrawing an unchanged graph walked it again")
	}
	ctx.Seg = int(c.Segs[11])
	if moved := p.View(ctx, 120, 30); moved == out || p.base != base {
		t.Fatal("a step should move the marks on the same walk")
	}
	ctx.Absolute = true
	if p.View(ctx, 120, 30); !p.key.absolute || p.base == base {
		t.Fatal("the numbering is part of what the drawing depends on")
	}
	if !p.Key(ctx, pane.KeyMode, 120, 30).Used || !p.Key(ctx, pane.KeyZoomIn, 120, 30).Used || p.Settings() != (Settings{Show: ShowC2S, Zoom: 1}) {
		t.Fatalf("m and + give %+v", p.Settings())
	}
	if p.Mode() != "client→server  zoom 1" {
		t.Errorf("Mode() = %q", p.Mode())
	}
	p.ConversationChanged(ctx)
	if p.Settings().Zoom != 0 {
		t.Error("a new conversation is shown unzoomed")
	}
	if r := p.Key(ctx, pane.KeyUp, 120, 30); r != pane.GoTo(ctx.Row-1) {
		t.Errorf("↑ gives %+v, want a step back to row %d", r, ctx.Row-1)
	}
}
