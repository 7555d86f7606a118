package layers

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
)

// appSampleCtx is sampleCtx with the conversation's application layer, as
// the root reads it with package app.
func appSampleCtx(t *testing.T, name string, frame uint32) pane.Context {
	t.Helper()
	ctx := sampleCtx(t, name, frame)
	in, _ := testsample.Open(t, name)
	a, err := app.Analyze(ctx.TL, ctx.Conv, func(seg int) ([]byte, error) { return in.Payload(ctx.TL, seg) })
	if err != nil {
		t.Fatal(err)
	}
	ctx.App = a
	return ctx
}

// TestAppBox fixes the application box of the paper's VRFY root (frame 9)
// inside the payload's, its Argument selected: the command's bytes are in
// the application layer's colour in the dump, the argument's reversed.
func TestAppBox(t *testing.T) {
	ctx := appSampleCtx(t, "smtp-figure10", 9)
	st := NewStyles(true)
	p := NewPane(st)
	p.Prepare(ctx, 130, 30)
	selectItem(t, p, "SMTP/Argument")
	out := p.View(ctx, 130, 30)
	golden.RequireEqual(t, ansi.Strip(out))
	s := ansi.Strip(out)
	for _, want := range []string{"┌─ SMTP VRFY root  10 bytes ", "│ Command: VRFY", "│ Argument: root"} {
		if !strings.Contains(s, want) {
			t.Errorf("the tree lacks %q:\n%s", want, s)
		}
	}
	// "VRFY " and the LF are the application layer's, "root" selected.
	if !strings.Contains(out, st.Kind[LayerApp].Render("56 52  46 59 20")) || !strings.Contains(out, st.Kind[LayerApp].Render("0a")) {
		t.Errorf("the message's bytes are not in the application layer's colour:\n%q", out)
	}
	if !strings.Contains(out, st.Selected.Inherit(st.Kind[LayerApp]).Render("72 6f 6f 74")) {
		t.Errorf("the argument's bytes are not highlighted:\n%q", out)
	}
	for w := 1; w <= 140; w += 3 {
		for _, h := range []int{1, 4, 12, 30} {
			panetest.CheckFits(t, "app box", p.View(ctx, w, h), w, h)
		}
	}
}

// The box comes with the application layer: a frame read before it is
// boxed when it arrives, the cursor staying where it was; a segment the
// application layer says nothing of (a pure ACK), or no application layer,
// keeps the view as it was.
func TestAppBoxArrives(t *testing.T) {
	ctx := appSampleCtx(t, "smtp-figure10", 9)
	a := ctx.App
	ctx.App = nil
	p := NewPane(NewStyles(true))
	p.Prepare(ctx, 130, 60)
	selectItem(t, p, "TCP/Window")
	without := ansi.Strip(p.View(ctx, 130, 60))
	if strings.Contains(without, "SMTP") {
		t.Fatalf("an application box before the application layer:\n%s", without)
	}
	ctx.App = a
	p.Prepare(ctx, 130, 60)
	with := ansi.Strip(p.View(ctx, 130, 60))
	if !strings.Contains(with, "SMTP VRFY root") || !strings.HasSuffix(p.items[p.cur].key, "TCP/Window") {
		t.Fatalf("after the application layer (cursor %q):\n%s", p.items[p.cur].key, with)
	}
	ack := appSampleCtx(t, "smtp-figure10", 11)
	p.Prepare(ack, 130, 60)
	if s := ansi.Strip(p.View(ack, 130, 60)); strings.Contains(s, "SMTP") {
		t.Fatalf("a pure ACK with an application box:\n%s", s)
	}
}

// Two messages on one segment are two boxes side by side inside the
// payload; each range stays inside the payload whatever the analysis says.
func TestWithApp(t *testing.T) {
	data, d := testFrame(t, []byte("252 2.1.5 root\r\n250 OK\r\n"))
	pl := d.Layers[len(d.Layers)-1]
	as := &app.Segment{Column: "SMTP", Messages: []app.Message{
		{Proto: app.SMTP, Summary: "252 2.1.5 root", Off: 0, Len: 16, Fields: []app.Field{{Label: "Reply code", Value: "252", Off: 0, Len: 3}}},
		{Proto: app.SMTP, Summary: "250 OK", Off: 16, Len: 900, Malformed: "cut short", Fields: []app.Field{{Label: "Text", Value: "OK", Off: -5, Len: 2}, {Label: "Earlier", Value: "x", Len: 0}}},
	}}
	got := withApp(d, len(data), as, app.SMTP)
	if len(got.Layers) != len(d.Layers)+2 || len(d.Layers) != len(got.Layers)-2 {
		t.Fatalf("%d layers from %d", len(got.Layers), len(d.Layers))
	}
	for _, l := range got.Layers[len(d.Layers):] {
		if l.Kind != LayerApp || l.Start < pl.Start || l.End > pl.End {
			t.Errorf("layer %q [%d,%d) outside the payload [%d,%d)", l.Name, l.Start, l.End, pl.Start, pl.End)
		}
		for _, f := range l.Fields {
			if f.Start < pl.Start || f.End > pl.End || f.End < f.Start {
				t.Errorf("field %q [%d,%d) outside the payload", f.Name, f.Start, f.End)
			}
		}
	}
	if dp := depths(got.Layers); dp[len(dp)-1] != dp[len(dp)-2] || dp[len(dp)-2] != dp[len(d.Layers)-1]+1 {
		t.Errorf("depths %v: the messages should sit side by side inside the payload", dp)
	}
	p := NewPane(NewStyles(true))
	p.setFrame(data, got)
	s := ansi.Strip(p.render(p.st, 130, 60))
	for _, want := range []string{"SMTP 252 2.1.5 root  16 bytes", "SMTP 250 OK  8 bytes", "⚠ Malformed: cut short", "Earlier: x (in an earlier segment)"} {
		if !strings.Contains(s, want) {
			t.Errorf("the tree lacks %q:\n%s", want, s)
		}
	}
	// A segment carrying part of a message says so.
	part := withApp(d, len(data), &app.Segment{Column: "TCP"}, app.SMTP)
	p.setFrame(data, part)
	if s := ansi.Strip(p.render(p.st, 130, 60)); !strings.Contains(s, "SMTP … part of a message") {
		t.Errorf("no part-of-a-message box:\n%s", s)
	}
}
