package diagram

import (
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// TestFiguresHoldEveryState: each drawing has the eleven states, CLOSED
// twice as the RFC draws it (top, and bottom right), and keeps to the size
// it is made for.
func TestFiguresHoldEveryState(t *testing.T) {
	for _, c := range []struct {
		name string
		f    *fig
		w, h int
	}{{"full", fullFig, 88, 22}, {"compact", compactFig, 64, 11}} {
		if c.f.w > c.w || c.f.h > c.h {
			t.Errorf("%s figure is %dx%d, more than %dx%d", c.name, c.f.w, c.f.h, c.w, c.h)
		}
		count := map[model.State]int{}
		for _, b := range c.f.boxes {
			count[b.state]++
		}
		for _, s := range model.AllStates() {
			want := 1
			if s == model.Closed {
				want = 2
			}
			if count[s] != want {
				t.Errorf("%s figure has %d boxes of %v, want %d", c.name, count[s], s, want)
			}
		}
		top, bottom := c.f.firstBox(model.Closed), -1
		for i, b := range c.f.boxes {
			if b.state == model.Closed && i != top {
				bottom = i
			}
		}
		if tb, bb := c.f.boxes[top], c.f.boxes[bottom]; tb.y != 0 || bb.y+bb.h != c.f.h || bb.x <= tb.x {
			t.Errorf("%s figure: the CLOSED boxes are not at the top and the bottom right: %+v %+v", c.name, tb, bb)
		}
	}
	// The full figure's empty corner takes the short vantage sentence of a
	// capture taken near either end.
	for _, k := range []model.VantageKind{model.VantageClient, model.VantageServer} {
		if s := vantageShort(model.Vantage{Kind: k}); len(s) > fullFig.caption {
			t.Errorf("%q does not fit the full figure's corner of %d", s, fullFig.caption)
		}
	}
}

// TestEveryModelMoveIsDrawn: every move the state machine can make is one
// arrow of each drawing, from the box of its state to the box of the
// next, and the full figure labels it in the model's words.
func TestEveryModelMoveIsDrawn(t *testing.T) {
	for _, f := range figures {
		seen := map[int]bool{}
		for _, m := range model.DiagramEdges() {
			e := f.edgeFor(m)
			if e < 0 {
				t.Errorf("%dx%d figure: no arrow for %v → %v (%s)", f.w, f.h, m.From, m.To, m.Label())
				continue
			}
			seen[e] = true
			ed := &f.edges[e]
			if to := f.boxes[ed.to].state; to != m.To {
				t.Errorf("%dx%d figure: %s points at %v, not %v", f.w, f.h, m.Label(), to, m.To)
			}
			switch {
			case m.Abort():
				if ed.from >= 0 {
					t.Errorf("%dx%d figure: the reset %s leaves %v rather than any state", f.w, f.h, m.Label(), f.boxes[ed.from].state)
				}
			case ed.from < 0 || f.boxes[ed.from].state != m.From:
				t.Errorf("%dx%d figure: %v → %v does not leave %v's box", f.w, f.h, m.From, m.To, m.From)
			}
			if f.labelled {
				want := m.Label()
				if m.Abort() {
					want = resetLabel()
				}
				if ed.text != want {
					t.Errorf("%dx%d figure: %v → %v is labelled %q, the model says %q", f.w, f.h, m.From, m.To, ed.text, want)
				}
				// The stub names what each reset puts on the wire (or that one
				// arrived); the move's own event is named under the figure.
				if wire := m.Action; m.Abort() && !strings.Contains(ed.text, wire) || m.Abort() && wire == "" && !strings.Contains(ed.text, m.Event) {
					t.Errorf("%dx%d figure: the resets' label %q lacks %q", f.w, f.h, ed.text, m.Label())
				}
			}
		}
		// Every arrow drawn is a move of the model: none is left over.
		if len(seen) != len(f.edges) {
			t.Errorf("%dx%d figure: %d arrows, %d of them the model's", f.w, f.h, len(f.edges), len(seen))
		}
	}
}

// TestEveryProducedMoveIsDrawn: what model.Transitions can return, for any
// change of state at any segment, and what model.StepTransitions returns
// for every step of every sample, is drawn (or is the model's "?" for a
// change it cannot explain, which the lines under the figure name).
func TestEveryProducedMoveIsDrawn(t *testing.T) {
	check := func(what string, ms []model.Transition) {
		for _, m := range ms {
			if m.Event == "?" {
				continue
			}
			for _, f := range figures {
				if f.edgeFor(m) < 0 {
					t.Errorf("%s: %dx%d figure has no arrow for %+v", what, f.w, f.h, m)
				}
			}
		}
	}
	flags := []model.Flags{0, model.SYN, model.SYN | model.ACK, model.ACK, model.FIN | model.ACK, model.RST, model.RST | model.ACK}
	for _, from := range model.AllStates() {
		for _, to := range model.AllStates() {
			for _, fl := range flags {
				for _, sender := range []bool{false, true} {
					check("Transitions", model.Transitions(from, to, fl, sender))
				}
			}
		}
	}
	for _, s := range samples.List() {
		tl := testsample.Timeline(t, s.Name)
		for i := range tl.Segments {
			cm, sm := model.StepTransitions(tl, i)
			check(s.Name, append(cm, sm...))
		}
	}
}

// TestParseRefuses: a drawing with crossing or merging arrows, a line to
// nowhere, or a label that is not the model's is refused, so a figure that
// parses is one a student can follow.
func TestParseRefuses(t *testing.T) {
	for _, c := range []struct{ why, err, text string }{
		{"arrows cross", "cross", `
           ┌────────┐
           │ CLOSED │
           └─┬──────┘
┌────────┐   │       ┌──────────┐
│ LISTEN ├───┼──────▶│ SYN_SENT │
└────────┘   │       └──────────┘
           ┌─▼──────┐
           │ LISTEN │
           └────────┘
`},
		{"a line leads nowhere", "starts no arrow", `
┌────────┐     ┌──────────┐
│ LISTEN ├──   │ SYN_SENT │
└────────┘     └──────────┘
`},
		{"not a state", "not a state", `
┌────────┐     ┌──────────┐
│ LISTEN ├────▶│ SYN_SEEN │
└────────┘     └──────────┘
`},
		{"not a move of the model", "no move of the model", `
┌────────┐     ┌─────────────┐
│ LISTEN ├────▶│ ESTABLISHED │
└────────┘     └─────────────┘
`},
		{"wrong label", "the model says", `
┌────────┐                  ┌──────────┐
│ LISTEN ├─ SEND / snd ACK ▶│ SYN_SENT │
└────────┘                  └──────────┘
`},
		{"label beside nothing", "belongs to no arrow", `
┌────────┐                    ┌──────────┐
│ LISTEN ├───────────────────▶│ SYN_SENT │
└────────┘                    └──────────┘

      SEND / snd SYN
`},
		{"arrow leaves a box without a tee", "without a tee", `
┌────────┐      ┌──────────┐
│ LISTEN │─────▶│ SYN_SENT │
└────────┘      └──────────┘
`},
	} {
		_, err := parseFigure(c.text, true)
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: error %v, want one about %q", c.why, err, c.err)
		}
	}
	// And the same little figure, right, parses.
	f, err := parseFigure(`
┌────────┐                    ┌──────────┐
│ LISTEN ├─ SEND / snd SYN ──▶│ SYN_SENT │
└────────┘                    └──────────┘
`, true)
	if err != nil || len(f.edges) != 1 || f.edges[0].text != "SEND / snd SYN" {
		t.Fatalf("a right figure: %v %+v", err, f)
	}
}
