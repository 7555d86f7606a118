package layers

import (
	"fmt"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// sampleCtx is what the stepper tells the layers view of conversation 0 of
// an embedded sample, at the row of frame.
func sampleCtx(t *testing.T, name string, frame uint32) pane.Context {
	t.Helper()
	in, tl := testsample.Open(t, name)
	c := tl.Conversations[0]
	rows := pane.BuildRows(tl, c)
	ctx := pane.Context{
		TL: tl, Conv: c, Rows: rows, Row: -1, Last: len(rows) - 1,
		Frame: func(n uint32) ([]byte, model.Dissection, error) {
			if n == 0 || int(n) > len(tl.Frames) {
				return nil, model.Dissection{}, fmt.Errorf("no frame %d", n)
			}
			return in.Frame(&tl.Frames[n-1])
		},
	}
	for i, r := range rows {
		if r.Frame == frame {
			ctx.Row = i
		}
	}
	if ctx.Row < 0 {
		t.Fatalf("%s: no row of frame %d", name, frame)
	}
	return ctx
}

// fieldLine returns the line of the field tree naming field, and the line
// under it, boxes and padding trimmed.
func fieldLine(t *testing.T, out, field string) string {
	t.Helper()
	lines := strings.Split(ansi.Strip(out), "\n")
	for i, l := range lines {
		l = strings.Trim(l, "│ ")
		if strings.HasPrefix(l, field+": ") && i+1 < len(lines) {
			return l + " / " + strings.Trim(lines[i+1], "│ ")
		}
	}
	t.Fatalf("no %q line in:\n%s", field, ansi.Strip(out))
	return ""
}

// The TCP header's numbers show the relative value of the row's segment
// beside the raw one, first in the numbering r selects: in the paper's
// session the client's ISN is 1023645922, so its first data segment (frame
// 6, "help") is SEQ relative 1, raw 1023645923, and its ACK is relative 94,
// raw 2234678893 (tshark: tcp.seq, tcp.seq_raw, tcp.ack, tcp.ack_raw).
func TestLayersNumbering(t *testing.T) {
	ctx := sampleCtx(t, "smtp-figure10", 6)
	p := NewPane(NewStyles(true))
	p.Prepare(ctx, 130, 60)
	for _, tc := range []struct {
		absolute bool
		seq, ack string
	}{
		{false, "Sequence number: 1 (relative) / raw: 1023645923", "Acknowledgment number: 94 (relative) / raw: 2234678893"},
		{true, "Sequence number: 1023645923 (raw) / relative: 1", "Acknowledgment number: 2234678893 (raw) / relative: 94"},
	} {
		ctx.Absolute = tc.absolute
		out := p.View(ctx, 130, 60)
		if got := fieldLine(t, out, "Sequence number"); got != tc.seq {
			t.Errorf("absolute %v: %q, want %q", tc.absolute, got, tc.seq)
		}
		if got := fieldLine(t, out, "Acknowledgment number"); got != tc.ack {
			t.Errorf("absolute %v: %q, want %q", tc.absolute, got, tc.ack)
		}
	}

	// The client's SYN: relative 0, and no acknowledgment number to make
	// relative, as its ACK flag is not set.
	syn := sampleCtx(t, "smtp-figure10", 1)
	p.Prepare(syn, 130, 60)
	out := p.View(syn, 130, 60)
	if got, want := fieldLine(t, out, "Sequence number"), "Sequence number: 0 (relative) / raw: 1023645922"; got != want {
		t.Errorf("SYN: %q, want %q", got, want)
	}
	if got, want := fieldLine(t, out, "Acknowledgment number"), "Acknowledgment number: 0 / not used: the ACK flag is not set"; got != want {
		t.Errorf("SYN: %q, want %q", got, want)
	}
}

// TestLayersNumberingGolden pins the frame of the paper's first data
// segment in both numberings, its Sequence number selected.
func TestLayersNumberingGolden(t *testing.T) {
	for _, abs := range []bool{false, true} {
		name := map[bool]string{false: "relative", true: "absolute"}[abs]
		t.Run(name, func(t *testing.T) {
			ctx := sampleCtx(t, "smtp-figure10", 6)
			ctx.Absolute = abs
			p := NewPane(NewStyles(true))
			p.Prepare(ctx, 130, 30)
			selectItem(t, p, "TCP/Sequence number")
			golden.RequireEqual(t, ansi.Strip(p.View(ctx, 130, 30)))
		})
	}
}

// The numbers' fields keep their bytes: selected, each highlights exactly
// its four bytes in both numberings, and the selection stays on it when r
// changes the numbering or a step changes the frame.
func TestLayersNumberingHighlight(t *testing.T) {
	ctx := sampleCtx(t, "smtp-figure10", 6)
	p := NewPane(NewStyles(true))
	p.SetStyles(Styles{Selected: lipgloss.NewStyle().Reverse(true)})
	p.Prepare(ctx, 80, 400)
	for _, field := range []string{"TCP/Sequence number", "TCP/Acknowledgment number"} {
		selectItem(t, p, field)
		it := p.items[p.cur]
		if it.end-it.start != 4 {
			t.Fatalf("%s covers [%d,%d)", field, it.start, it.end)
		}
		for _, abs := range []bool{false, true, false} {
			ctx.Absolute = abs
			hexSel, ascSel := highlighted(t, p.View(ctx, 80, 400))
			for b := range p.data {
				want := b >= it.start && b < it.end
				if hexSel[b] != want || ascSel[b] != want {
					t.Errorf("%s absolute %v: byte %d highlighted hex=%v ascii=%v, want %v", field, abs, b, hexSel[b], ascSel[b], want)
				}
			}
			if !strings.HasSuffix(p.items[p.cur].key, field) {
				t.Errorf("absolute %v: selection moved to %s", abs, p.items[p.cur].key)
			}
		}
	}
	next := ctx
	next.Row++
	p.Prepare(next, 80, 400)
	if !strings.HasSuffix(p.items[p.cur].key, "TCP/Acknowledgment number") {
		t.Errorf("after a step the selection is on %s", p.items[p.cur].key)
	}
}

// Numbers that are not the row's segment's stay raw: the TCP header an
// ICMP error quotes, a frame shown without a timeline, a row the pane has
// not read yet.
func TestLayersNumberingRawElsewhere(t *testing.T) {
	ctx := sampleCtx(t, "icmp-frag-needed", 7)
	if ctx.Rows[ctx.Row].Seg >= 0 {
		t.Fatal("frame 7 of icmp-frag-needed should be its ICMP error")
	}
	p := NewPane(NewStyles(true))
	p.Prepare(ctx, 130, 80)
	out := ansi.Strip(p.View(ctx, 130, 80))
	if !strings.Contains(out, "Quoted TCP header") || strings.Contains(out, "relative") {
		t.Errorf("the quoted header's numbers should be raw only:\n%s", out)
	}

	ctx = sampleCtx(t, "smtp-figure10", 6)
	p = NewPane(NewStyles(true))
	p.Prepare(ctx, 130, 60)
	bare := ctx
	bare.TL = nil
	if got, want := fieldLine(t, p.View(bare, 130, 60), "Sequence number"), "Sequence number: 1023645923 / Acknowledgment number: 2234678893"; got != want {
		t.Errorf("no timeline: %q, want %q", got, want)
	}
	moved := ctx
	moved.Row++ // not prepared: the pane still holds frame 6
	if got, want := fieldLine(t, p.View(moved, 130, 60), "Sequence number"), "Sequence number: 1023645923 / Acknowledgment number: 2234678893"; got != want {
		t.Errorf("another row's segment: %q, want %q", got, want)
	}
}

// The line under a number is part of its item: reversed with it, and kept
// in sight with it as the cursor walks down a short pane.
func TestLayersNumberingLineUnder(t *testing.T) {
	ctx := sampleCtx(t, "smtp-figure10", 6)
	for _, sz := range []struct{ w, h int }{{60, 12}, {80, 9}, {130, 6}} {
		p := NewPane(Styles{Selected: lipgloss.NewStyle().Reverse(true)})
		p.Prepare(ctx, sz.w, sz.h)
		seen := 0
		for range p.items {
			if k := p.items[p.cur].key; strings.HasSuffix(k, "TCP/Sequence number") || strings.HasSuffix(k, "TCP/Acknowledgment number") {
				seen++
				out := p.View(ctx, sz.w, sz.h)
				var under string
				for _, l := range strings.Split(out, "\n") {
					if plain := ansi.Strip(l); strings.Contains(plain, "raw: ") {
						under = l
					}
				}
				if under == "" {
					t.Fatalf("%dx%d %s: the line under it is not in sight:\n%s", sz.w, sz.h, k, ansi.Strip(out))
				}
				plain, rev := reversed(under)
				at := strings.Index(string(plain), "raw: ")
				if i := len([]rune(string(plain)[:at])); !rev[i] {
					t.Errorf("%dx%d %s: the line under it is not selected with it: %q", sz.w, sz.h, k, string(plain))
				}
			}
			p.Key(ctx, pane.KeyDown, sz.w, sz.h)
		}
		if seen != 2 {
			t.Errorf("%dx%d: the cursor met %d numbers, want 2", sz.w, sz.h, seen)
		}
	}
}
