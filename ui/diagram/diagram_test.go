package diagram

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
)

// The transitions are written out here rather than taken from
// model.Transitions, so the goldens do not change when the wording of the
// state machine does.
var (
	mvActiveOpen = model.Transition{From: model.Closed, To: model.SynSent, Event: "active OPEN", Action: "snd SYN"}
	mvRcvSyn     = model.Transition{From: model.Listen, To: model.SynReceived, Event: "rcv SYN", Action: "snd SYN,ACK"}
	mvRcvSynAck  = model.Transition{From: model.SynSent, To: model.Established, Event: "rcv SYN,ACK", Action: "snd ACK"}
	mvRcvAckSyn  = model.Transition{From: model.SynReceived, To: model.Established, Event: "rcv ACK of SYN", Action: "x"}
	mvLastAck    = model.Transition{From: model.LastAck, To: model.Closed, Event: "rcv ACK of FIN", Action: "x"}
	mvClose      = model.Transition{From: model.Established, To: model.FinWait1, Event: "CLOSE", Action: "snd FIN"}
	mvRcvFin     = model.Transition{From: model.Established, To: model.CloseWait, Event: "rcv FIN", Action: "snd ACK"}
)

func TestStatesGolden(t *testing.T) {
	st := NewStyles(true)
	for _, sz := range []struct{ w, h int }{{70, 32}, {86, 22}, {38, 14}} {
		t.Run(fmt.Sprintf("synack_%dx%d", sz.w, sz.h), func(t *testing.T) {
			out := Render(st, model.Established, model.SynReceived, []model.Transition{mvRcvSynAck}, sz.w, sz.h)
			golden.RequireEqual(t, ansi.Strip(out))
		})
		t.Run(fmt.Sprintf("syn_%dx%d", sz.w, sz.h), func(t *testing.T) {
			out := Render(st, model.SynSent, model.SynReceived, []model.Transition{mvActiveOpen, mvRcvSyn}, sz.w, sz.h)
			golden.RequireEqual(t, ansi.Strip(out))
		})
	}
}

func TestStatesFit(t *testing.T) {
	st := NewStyles(false)
	cases := []struct {
		c, s  model.State
		moves []model.Transition
	}{
		{model.Closed, model.Listen, nil},
		{model.SynSent, model.SynReceived, []model.Transition{mvActiveOpen, mvRcvSyn}},
		{model.FinWait1, model.CloseWait, []model.Transition{mvClose, mvRcvFin}},
		{model.TimeWait, model.Closed, []model.Transition{mvLastAck}},
		{model.State(200), model.State(201), nil}, // out-of-range states must not panic
	}
	for _, tc := range cases {
		for w := 0; w <= 100; w++ {
			for _, h := range []int{0, 1, 2, 3, 5, 7, 8, 10, 14, 20, 24, 28, 29, 30, 31, 40} {
				out := Render(st, tc.c, tc.s, tc.moves, w, h)
				panetest.CheckFits(t, fmt.Sprintf("%v/%v", tc.c, tc.s), out, w, h)
			}
		}
	}
}

func TestStatesAllNamesInFullFigure(t *testing.T) {
	for _, sz := range []struct{ w, h, figH int }{{70, 30, fullGeom.h}, {70, 22, condensedGeom.h}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			allNames(t, Render(NewStyles(true), model.Established, model.Established, nil, sz.w, sz.h), sz.figH)
		})
	}
}

func allNames(t *testing.T, out string, figH int) {
	out = ansi.Strip(out)
	if !strings.Contains(out, "┐") || strings.Count(out, "\n") < figH-1 {
		t.Fatalf("should show the figure (%d lines):\n%s", figH, out)
	}
	for _, s := range model.AllStates() {
		if !strings.Contains(out, s.String()) {
			t.Errorf("%v missing from the full figure", s)
		}
	}
	// Every arrow of the figure is drawn: 19 arrowheads, all hollow when no
	// transition is taken.
	if n := strings.Count(out, "▽") + strings.Count(out, "△") + strings.Count(out, "◁") + strings.Count(out, "▷"); n != len(fullRoutes) {
		t.Errorf("%d arrowheads, want %d", n, len(fullRoutes))
	}
	if strings.ContainsAny(out, "━┃▼▲◀▶") && !strings.Contains(out, "this step") {
		t.Errorf("no arrow should be heavy without transitions:\n%s", out)
	}
}

// TestStatesRoutesMatchFigure checks the drawn arrows, in both drawings of
// the figure, against RFC 793's figure as the state machine lists it: every
// arrow of the figure has a route, from the right box to the right box, and
// no two routes share a cell.
func TestStatesRoutesMatchFigure(t *testing.T) {
	for _, g := range []*geom{&fullGeom, &condensedGeom} {
		have := map[[2]model.State]bool{}
		used := map[pt]string{}
		for _, rt := range g.routes {
			name := fmt.Sprintf("%v→%v", rt.from, rt.to)
			have[[2]model.State{rt.from, rt.to}] = true
			first, last := rt.pts[0], rt.pts[len(rt.pts)-1]
			if !startsAt(g, first, rt.from) {
				t.Errorf("h=%d %s starts at %v, not at a %v box", g.h, name, first, rt.from)
			}
			if b := g.boxes[rt.toBox]; b.state != rt.to || !endsAt(g, last, b) {
				t.Errorf("h=%d %s ends at %v, not at box %d", g.h, name, last, rt.toBox)
			}
			for _, p := range trace(rt.pts) {
				if p.x < 0 || p.y < 0 || p.x >= g.w || p.y >= g.h {
					t.Errorf("h=%d %s leaves the figure at %v", g.h, name, p)
				}
				if o, ok := used[p]; ok {
					t.Errorf("h=%d %s and %s cross at %v", g.h, name, o, p)
				}
				used[p] = name
			}
		}
		for _, e := range model.DiagramEdges() {
			// Resets leave every state for CLOSED and are named, not drawn;
			// the RST that returns SYN_RECEIVED to LISTEN likewise.
			if e.Abort() || (e.From == model.SynReceived && e.To == model.Listen) {
				continue
			}
			if !have[[2]model.State{e.From, e.To}] {
				t.Errorf("h=%d figure arrow %v→%v (%s) is not drawn", g.h, e.From, e.To, e.Label())
			}
		}
	}
}

// endsAt reports whether p is where an arrow may end at box b: on its
// edge for a framed box, on its sides or just above or below it for a
// one-line box.
func endsAt(g *geom, p pt, b box) bool {
	if g.boxH == 3 {
		inX := p.x >= b.x && p.x < b.x+boxW
		inY := p.y >= b.y && p.y < b.y+boxH
		edge := p.x == b.x || p.x == b.x+boxW-1 || p.y == b.y || p.y == b.y+boxH-1
		return inX && inY && edge
	}
	side := p.y == b.y && (p.x == b.x || p.x == b.x+boxW-1)
	near := (p.y == b.y-1 || p.y == b.y+1) && p.x > b.x && p.x < b.x+boxW-1
	return side || near
}

func startsAt(g *geom, p pt, s model.State) bool {
	for _, b := range g.boxes {
		if b.state == s && endsAt(g, p, b) {
			return true
		}
	}
	return false
}

// boxLine returns the stripped line of the full figure holding the nth box
// of state s.
func boxLine(t *testing.T, out string, s model.State, nth int) string {
	t.Helper()
	seen := 0
	for _, l := range strings.Split(ansi.Strip(out), "\n") {
		if strings.Contains(l, " "+s.String()+" ") && !strings.Contains(l, "→") {
			if seen == nth {
				return l
			}
			seen++
		}
	}
	t.Fatalf("no box %d for %v in:\n%s", nth, s, ansi.Strip(out))
	return ""
}

// markOf returns the three mark cells after s's name in its box on line l.
func markOf(l string, s model.State) string {
	i := strings.Index(l, " "+s.String()+" ")
	r := []rune(l[i:])
	return string(r[1+nameW+1 : 1+nameW+1+markW])
}

func TestStatesMarks(t *testing.T) {
	st := NewStyles(true)
	for _, sz := range []struct{ w, h int }{{70, 32}, {86, 22}} {
		out := Render(st, model.Established, model.SynReceived, []model.Transition{mvRcvSynAck}, sz.w, sz.h)
		if m := markOf(boxLine(t, out, model.Established, 0), model.Established); m != "C  " {
			t.Errorf("%dx%d: client mark %q", sz.w, sz.h, m)
		}
		if m := markOf(boxLine(t, out, model.SynReceived, 0), model.SynReceived); m != "  S" {
			t.Errorf("%dx%d: server mark %q", sz.w, sz.h, m)
		}
		both := Render(st, model.Established, model.Established, nil, sz.w, sz.h)
		if m := markOf(boxLine(t, both, model.Established, 0), model.Established); m != "C S" {
			t.Errorf("%dx%d: shared state mark %q", sz.w, sz.h, m)
		}
	}
	out := Render(st, model.Established, model.SynReceived, []model.Transition{mvRcvSynAck}, 70, 32)
	// Colour tells them apart too: C and S are drawn in different styles.
	if st.Client.Render("C") == st.Server.Render("C") {
		t.Error("client and server marks have the same style")
	}
	if !strings.Contains(out, st.Client.Render("C")) || !strings.Contains(out, st.Server.Render("S")) {
		t.Error("marks are not drawn in their styles")
	}
	// The compact form carries the same letters.
	small := ansi.Strip(Render(st, model.Established, model.SynReceived, []model.Transition{mvRcvSynAck}, 40, 14))
	if !strings.Contains(small, "C   ESTABLISHED  ◀") || !strings.Contains(small, "  S SYN_RECEIVED") {
		t.Errorf("compact marks:\n%s", small)
	}
}

func TestStatesActiveTransitionNamed(t *testing.T) {
	st := NewStyles(true)
	for _, sz := range []struct{ w, h int }{{70, 32}, {86, 22}, {40, 14}, {80, 10}} {
		out := ansi.Strip(Render(st, model.Established, model.SynReceived, []model.Transition{mvRcvSynAck}, sz.w, sz.h))
		if !strings.Contains(out, "client: SYN_SENT → ESTABLISHED") || !strings.Contains(out, "rcv SYN,ACK / snd ACK") {
			t.Errorf("%dx%d: transition not named:\n%s", sz.w, sz.h, out)
		}
	}
	full := ansi.Strip(Render(st, model.Established, model.SynReceived, []model.Transition{mvRcvSynAck}, 70, 32))
	// Exactly the taken arrow is heavy: one filled arrowhead, and the legend's.
	if n := strings.Count(full, "▼") + strings.Count(full, "▲") + strings.Count(full, "◀") + strings.Count(full, "▶"); n != 2 {
		t.Errorf("%d filled arrowheads, want the taken one and the legend's:\n%s", n, full)
	}
	if !strings.Contains(full, "┏━━") {
		t.Errorf("taken arrow not heavy:\n%s", full)
	}
	none := ansi.Strip(Render(st, model.Established, model.Established, nil, 70, 32))
	if !strings.Contains(none, "no state change at this step") {
		t.Errorf("no transition should say so:\n%s", none)
	}
}

func TestStatesClosedBox(t *testing.T) {
	st := NewStyles(true)
	// LAST_ACK → CLOSED ends the connection: the bottom CLOSED box.
	out := Render(st, model.TimeWait, model.Closed, []model.Transition{mvLastAck}, 70, 32)
	if m := markOf(boxLine(t, out, model.Closed, 1), model.Closed); m != "  S" {
		t.Errorf("bottom CLOSED mark %q", m)
	}
	if m := markOf(boxLine(t, out, model.Closed, 0), model.Closed); m != "   " {
		t.Errorf("top CLOSED mark %q", m)
	}
	// Before the connection, CLOSED is the top box.
	out = Render(st, model.Closed, model.Listen, nil, 70, 32)
	if m := markOf(boxLine(t, out, model.Closed, 0), model.Closed); m != "C  " {
		t.Errorf("top CLOSED mark %q", m)
	}
}

func TestSplitMoves(t *testing.T) {
	// Client and server moves told apart by where their chains end.
	sm := splitMoves(model.SynSent, model.SynReceived, []model.Transition{mvActiveOpen, mvRcvSyn})
	if len(sm.client) != 1 || sm.client[0] != mvActiveOpen || len(sm.server) != 1 || sm.server[0] != mvRcvSyn || len(sm.either) != 0 {
		t.Errorf("split %+v", sm)
	}
	// The third segment of a handshake: both sides end in ESTABLISHED and
	// one move cannot be placed.
	sm = splitMoves(model.Established, model.Established, []model.Transition{mvRcvAckSyn})
	if len(sm.either) != 1 || len(sm.client)+len(sm.server) != 0 {
		t.Errorf("ambiguous split %+v", sm)
	}
	out := ansi.Strip(renderSides(NewStyles(true), model.Established, model.Established, nil, []model.Transition{mvRcvAckSyn}, 70, 32))
	if !strings.Contains(out, "server: SYN_RECEIVED → ESTABLISHED") {
		t.Errorf("renderSides names the side:\n%s", out)
	}
}

func BenchmarkStatesFull(b *testing.B) {
	st := NewStyles(true)
	b.ReportAllocs()
	for b.Loop() {
		_ = Render(st, 4, 3, []model.Transition{mvRcvSynAck}, 70, 32)
	}
}
