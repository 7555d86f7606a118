package diagram

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
)

// The transitions are written out here rather than taken from
// model.DiagramEdges, so that a test says which move it means; the figure
// tests check that the model's words are the figure's.
var (
	mvActiveOpen = model.Transition{From: model.Closed, To: model.SynSent, Event: "active OPEN", Action: "snd SYN"}
	mvRcvSyn     = model.Transition{From: model.Listen, To: model.SynReceived, Event: "rcv SYN", Action: "snd SYN,ACK"}
	mvRcvSynAck  = model.Transition{From: model.SynSent, To: model.Established, Event: "rcv SYN,ACK", Action: "snd ACK"}
	mvRcvAckSyn  = model.Transition{From: model.SynReceived, To: model.Established, Event: "rcv ACK of SYN"}
	mvClose      = model.Transition{From: model.Established, To: model.FinWait1, Event: "CLOSE", Action: "snd FIN"}
	mvRcvFin     = model.Transition{From: model.Established, To: model.CloseWait, Event: "rcv FIN", Action: "snd ACK"}
	mvLastAck    = model.Transition{From: model.LastAck, To: model.Closed, Event: "rcv ACK of FIN"}
	mvRcvRST     = model.Transition{From: model.Established, To: model.Closed, Event: "rcv RST"}
)

// The sizes the view is drawn at on the screens it is made for.
var (
	size80x24Lesson = [2]int{80, 13}  // the tab of an 80×24 terminal, under a lesson
	size80x24       = [2]int{80, 21}  // the same without the lesson
	size100x30      = [2]int{98, 26}  // about the tab of a 100×30 terminal
	size100x30Short = [2]int{100, 18} // the same under a lesson
	sizePane200x50  = [2]int{88, 24}  // the split layout's pane of a 200×50 terminal
)

// cellsOf returns the figure's drawing of sc as runes, ANSI stripped.
func cellsOf(t *testing.T, f *fig, sc scene) [][]rune {
	t.Helper()
	st := NewStyles(true)
	var out [][]rune
	for _, l := range f.draw(&st, sc) {
		r := []rune(ansi.Strip(l))
		for len(r) < f.w {
			r = append(r, ' ')
		}
		out = append(out, r)
	}
	return out
}

// TestGoldenSteps fixes the look of the view, as the stepper shows it, at
// the sizes it is made for: a SYN (both sides move), the SYN,ACK, the
// close (both move) and the RST that ends the paper's SMTP session, the
// FIN,ACK that takes FIN_WAIT_1 straight to TIME_WAIT, and a SYN,ACK that
// moves both sides.
func TestGoldenSteps(t *testing.T) {
	smtp := testsample.Timeline(t, "smtp-figure10")
	lossy := testsample.Timeline(t, "lossy-transfer")
	steps := []struct {
		name string
		tl   *model.Timeline
		row  int
	}{
		{"syn", smtp, 0}, {"synack", smtp, 1}, {"close", smtp, 25}, {"rst", smtp, 28}, {"finack", lossy, 36},
	}
	for _, sz := range [][2]int{size80x24Lesson, size80x24, size100x30, size100x30Short, sizePane200x50} {
		for _, s := range steps {
			t.Run(fmt.Sprintf("%s_%dx%d", s.name, sz[0], sz[1]), func(t *testing.T) {
				out := NewPane(NewStyles(true)).View(stepCtx(s.tl, 0, s.row), sz[0], sz[1])
				panetest.CheckFits(t, s.name, out, sz[0], sz[1])
				golden.RequireEqual(t, ansi.Strip(out))
			})
		}
		t.Run(fmt.Sprintf("synack-both_%dx%d", sz[0], sz[1]), func(t *testing.T) {
			v := model.Vantage{Kind: model.VantageClient}
			out := renderScene(NewStyles(true), bothSynAck, &v, sz[0], sz[1])
			panetest.CheckFits(t, "synack-both", out, sz[0], sz[1])
			golden.RequireEqual(t, ansi.Strip(out))
		})
	}
}

// bothSynAck is a SYN,ACK that moves both sides: the client to
// ESTABLISHED, and the server, whose SYN's arrival the capture did not show
// before, to SYN_RECEIVED.
var bothSynAck = scene{
	client: model.Established, server: model.SynReceived,
	cm: []model.Transition{mvRcvSynAck}, sm: []model.Transition{mvRcvSyn},
}

// TestGoldenThemes fixes the colours, dark and light, of a step where both
// sides move, at each drawing's size.
func TestGoldenThemes(t *testing.T) {
	v := model.Vantage{Kind: model.VantageClient}
	for _, sz := range [][2]int{size100x30, size80x24} {
		for _, dark := range []bool{true, false} {
			name := map[bool]string{true: "dark", false: "light"}[dark]
			t.Run(fmt.Sprintf("%s_%dx%d", name, sz[0], sz[1]), func(t *testing.T) {
				out := renderScene(NewStyles(dark), bothSynAck, &v, sz[0], sz[1])
				panetest.CheckFits(t, name, out, sz[0], sz[1])
				golden.RequireEqual(t, out)
			})
		}
	}
	if renderScene(NewStyles(true), bothSynAck, &v, 98, 26) == renderScene(NewStyles(false), bothSynAck, &v, 98, 26) {
		t.Error("the dark and light drawings are the same")
	}
}

// TestFitsEverySize sweeps the view over every size from 1×1 to 220×60,
// for steps that exercise each part of it.
func TestFitsEverySize(t *testing.T) {
	if testing.Short() {
		t.Skip("the sweep draws 13,200 sizes per step")
	}
	st := NewStyles(false)
	near := model.Vantage{Kind: model.VantageServer}
	cases := []struct {
		sc scene
		v  *model.Vantage
	}{
		{bothSynAck, &near},
		{scene{client: model.CloseWait, server: model.LastAck, sm: []model.Transition{
			{From: model.Established, To: model.CloseWait, Event: "rcv FIN", Action: "snd ACK"},
			{From: model.CloseWait, To: model.LastAck, Event: "CLOSE", Action: "snd FIN"},
		}, cm: []model.Transition{mvClose}}, &model.Vantage{Kind: model.VantageBetween}},
		{scene{client: model.TimeWait, server: model.Closed, sm: []model.Transition{mvLastAck}}, nil},
		{scene{client: model.State(200), server: model.State(201)}, &near}, // out-of-range states must not panic
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			for w := 1; w <= 220; w++ {
				for h := 1; h <= 60; h++ {
					out := renderScene(st, c.sc, c.v, w, h)
					panetest.CheckFits(t, fmt.Sprintf("case %d", i), out, w, h)
				}
			}
		})
	}
}

// TestFormsBySize: the full figure wherever it fits, the compact one
// below it, never a list of states at 80×24.
func TestFormsBySize(t *testing.T) {
	v := model.Vantage{Kind: model.VantageServer}
	for _, c := range []struct {
		sz   [2]int
		want *fig
	}{
		{sizePane200x50, fullFig}, {size100x30, fullFig}, {[2]int{120, 37}, fullFig}, {[2]int{120, 28}, fullFig},
		{size100x30Short, compactFig}, {size80x24, compactFig}, {size80x24Lesson, compactFig},
		{[2]int{65, 18}, compactFig}, // the split layout's pane of a 150×40 terminal
		{[2]int{87, 40}, compactFig}, {[2]int{88, 22}, compactFig},
		{[2]int{63, 40}, nil}, {[2]int{80, 11}, nil},
	} {
		if got := formFor(c.sz[0], c.sz[1]); got != c.want {
			t.Errorf("%dx%d: form %p, want %p", c.sz[0], c.sz[1], got, c.want)
		}
		out := ansi.Strip(renderScene(NewStyles(true), bothSynAck, &v, c.sz[0], c.sz[1]))
		// The moves and where the capture was taken are always said.
		for _, want := range []string{"SYN_SENT → ESTABLISHED", "LISTEN → SYN_RECEIVED", "States as seen from near the server"} {
			if c.sz[1] >= 13 && !strings.Contains(out, want) {
				t.Errorf("%dx%d: %q missing:\n%s", c.sz[0], c.sz[1], want, out)
			}
		}
	}
	// At the sizes the figure is made for, each side's move has a line of
	// its own, with its label.
	for _, sz := range [][2]int{sizePane200x50, size100x30, size80x24, size100x30Short} {
		out := ansi.Strip(renderScene(NewStyles(true), bothSynAck, &v, sz[0], sz[1]))
		for _, want := range []string{"client: SYN_SENT → ESTABLISHED  rcv SYN,ACK / snd ACK", "server: LISTEN → SYN_RECEIVED  rcv SYN / snd SYN,ACK"} {
			if !strings.Contains(out, want) {
				t.Errorf("%dx%d: %q missing:\n%s", sz[0], sz[1], want, out)
			}
		}
	}
}

// TestMarks: each side's box carries its letter and is drawn in its
// colour, heavy in the full figure; a box both sides are in carries both.
func TestMarks(t *testing.T) {
	st := NewStyles(true)
	for _, f := range figures {
		cells := cellsOf(t, f, bothSynAck)
		at := func(p pt) rune { return cells[p.y][p.x] }
		est, rcvd := f.boxes[f.firstBox(model.Established)], f.boxes[f.firstBox(model.SynReceived)]
		if at(est.markC) != 'C' || at(est.markS) == 'S' || at(rcvd.markS) != 'S' || at(rcvd.markC) == 'C' {
			t.Errorf("%dx%d: marks C %q S %q, want C on ESTABLISHED and S on SYN_RECEIVED", f.w, f.h, at(est.markC), at(rcvd.markS))
		}
		for i, b := range f.boxes {
			marked := at(b.markC) == 'C' || at(b.markS) == 'S'
			if marked != (b == est || b == rcvd) {
				t.Errorf("%dx%d: box %d (%v) marked %v", f.w, f.h, i, b.state, marked)
			}
		}
		if f.labelled && (at(pt{est.x, est.y}) != '┏' || at(pt{rcvd.x + rcvd.w - 1, rcvd.y + rcvd.h - 1}) != '┛') {
			t.Errorf("%dx%d: the sides' boxes are not heavy", f.w, f.h)
		}
		both := cellsOf(t, f, scene{client: model.Established, server: model.Established})
		if both[est.markC.y][est.markC.x] != 'C' || both[est.markS.y][est.markS.x] != 'S' {
			t.Errorf("%dx%d: a state both sides are in lacks a mark", f.w, f.h)
		}
	}
	out := renderScene(st, bothSynAck, nil, 98, 26)
	if st.Client.Render("C") == st.Server.Render("C") {
		t.Error("client and server are drawn alike")
	}
	for _, s := range []string{st.Client.Render("C"), st.Server.Render("S"), st.Client.Render("ESTABLISHED"), st.Server.Render("SYN_RECEIVED")} {
		if !strings.Contains(out, s) {
			t.Errorf("%q is not drawn in its side's style", ansi.Strip(s))
		}
	}
}

// TestTakenArrowsHeavy: the arrows of this step are heavy, in their
// side's colour, with filled heads; every other arrow is light with a
// hollow head.
func TestTakenArrowsHeavy(t *testing.T) {
	light := "─│┌┐└┘△▽◁▷"
	heavy := "━┃┏┓┗┛▲▼◀▶"
	for _, f := range figures {
		cells := cellsOf(t, f, bothSynAck)
		taken := map[int]bool{f.edgeFor(mvRcvSynAck): true, f.edgeFor(mvRcvSyn): true}
		for i, e := range f.edges {
			for _, p := range e.cells {
				r := cells[p.y][p.x]
				if _, tee := teeArm[f.at(p)]; tee {
					continue
				}
				if taken[i] && !strings.ContainsRune(heavy, r) || !taken[i] && !strings.ContainsRune(light, r) {
					t.Errorf("%dx%d: arrow %v → %v drawn %q at %v (taken %v)", f.w, f.h, e.moves[0].From, e.moves[0].To, r, p, taken[i])
					break
				}
			}
		}
	}
	st := NewStyles(true)
	out := renderScene(st, bothSynAck, nil, 98, 26)
	for _, s := range []string{st.Client.Render("rcv SYN,ACK / snd ACK"), st.Server.Render("rcv SYN / snd SYN,ACK")} {
		if !strings.Contains(out, s) {
			t.Errorf("the label %q is not in its side's colour", ansi.Strip(s))
		}
	}
	for _, f := range figures {
		cells := cellsOf(t, f, scene{client: model.Established, server: model.Established})
		for _, e := range f.edges {
			for _, p := range e.cells {
				if strings.ContainsRune(heavy, cells[p.y][p.x]) {
					t.Errorf("%dx%d: no move, yet %v → %v is heavy", f.w, f.h, e.moves[0].From, e.moves[0].To)
					break
				}
			}
		}
	}
}

// TestClosedBox: a side that is CLOSED is in the box the arrow that took
// it there points at: the bottom one after LAST_ACK or TIME_WAIT, the
// one the resets point at after a reset, the top one before the
// connection.
func TestClosedBox(t *testing.T) {
	for _, f := range figures {
		top := f.firstBox(model.Closed)
		bottom := f.edges[f.edgeFor(mvLastAck)].to
		reset := f.edges[f.edgeFor(mvRcvRST)].to
		for _, c := range []struct {
			what  string
			moves []model.Transition
			prev  model.Transition
			want  int
		}{
			{"before the connection", nil, model.Transition{}, top},
			{"at LAST_ACK → CLOSED", []model.Transition{mvLastAck}, model.Transition{}, bottom},
			{"after LAST_ACK → CLOSED", nil, mvLastAck, bottom},
			{"at a reset", []model.Transition{mvRcvRST}, model.Transition{}, reset},
		} {
			if got := f.boxOf(model.Closed, c.moves, c.prev); got != c.want {
				t.Errorf("%dx%d %s: box %d, want %d", f.w, f.h, c.what, got, c.want)
			}
		}
	}
}

// TestSplitMoves: Render, which is given one list of moves, tells the
// client's from the server's where their chains say so.
func TestSplitMoves(t *testing.T) {
	sm := splitMoves(model.SynSent, model.SynReceived, []model.Transition{mvActiveOpen, mvRcvSyn})
	if len(sm.client) != 1 || sm.client[0] != mvActiveOpen || len(sm.server) != 1 || sm.server[0] != mvRcvSyn || len(sm.either) != 0 {
		t.Errorf("split %+v", sm)
	}
	// The third segment of a handshake: both sides end in ESTABLISHED and
	// the move cannot be placed.
	sm = splitMoves(model.Established, model.Established, []model.Transition{mvRcvAckSyn})
	if len(sm.either) != 1 || len(sm.client)+len(sm.server) != 0 {
		t.Errorf("ambiguous split %+v", sm)
	}
	out := ansi.Strip(Render(NewStyles(true), model.Established, model.Established, []model.Transition{mvRcvAckSyn}, 98, 26))
	if !strings.Contains(out, "SYN_RECEIVED → ESTABLISHED  rcv ACK of SYN") || !strings.Contains(out, "┛") {
		t.Errorf("an unplaced move is still drawn and named:\n%s", out)
	}
	out = ansi.Strip(renderSides(NewStyles(true), model.Established, model.Established, nil, []model.Transition{mvRcvAckSyn}, 98, 26))
	if !strings.Contains(out, "server: SYN_RECEIVED → ESTABLISHED") {
		t.Errorf("renderSides names the side:\n%s", out)
	}
}

func BenchmarkFull(b *testing.B) {
	st := NewStyles(true)
	v := model.Vantage{Kind: model.VantageServer}
	b.ReportAllocs()
	for b.Loop() {
		_ = renderScene(st, bothSynAck, &v, 98, 26)
	}
}
