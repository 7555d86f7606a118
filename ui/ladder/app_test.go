package ladder

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// appCtx is ctxOf with the conversation's application layer read by
// package app, as the root reads it, and the previews read.
func appCtx(t *testing.T, name string) (pane.Context, map[uint32]string) {
	t.Helper()
	in, tl := testsample.Open(t, name)
	ctx := contextOf(in, tl, nil)
	a, err := app.Analyze(tl, ctx.Conv, func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
	if err != nil {
		t.Fatal(err)
	}
	ctx.App = a
	return ctx, previewsOf(t, ctx)
}

// crafted is an SMTP session whose client splits a command over two
// segments and ends with a command cut short by its FIN: the ladder names
// the messages, says which segment carries part of one, and tags the
// malformed one. Its payloads are read from the map, its previews made
// from them.
func crafted(t *testing.T) (pane.Context, map[uint32]string) {
	t.Helper()
	b := model.NewBuilder()
	ep := func(s string) model.Endpoint {
		ap := netip.MustParseAddrPort(s)
		return model.Endpoint{Addr: ap.Addr(), Port: ap.Port()}
	}
	cl, sv := ep("198.51.100.7:40000"), ep("192.0.2.25:25")
	payloads := map[int][]byte{}
	previews := map[uint32]string{}
	var n uint32
	seq := map[bool]uint32{true: 1000, false: 5000}
	pkt := func(fromClient bool, flags model.Flags, data string) {
		n++
		src, dst := sv, cl
		if fromClient {
			src, dst = cl, sv
		}
		p := &model.Packet{Src: src, Dst: dst, Seq: seq[fromClient], Ack: seq[!fromClient], Flags: flags, Win: 4096, Len: uint32(len(data)), WinScale: -1}
		if flags.Has(model.SYN) && !flags.Has(model.ACK) {
			p.Ack = 0
		}
		b.AddPacket(model.Frame{Offset: int64(n), TimeNS: int64(n) * 10_000_000, CapLen: 40 + uint32(len(data)), OrigLen: 40 + uint32(len(data))}, p)
		if data != "" {
			payloads[int(n-1)] = []byte(data)
			previews[n] = pane.Printable([]byte(data))
		}
		seq[fromClient] += uint32(len(data))
		if flags.Has(model.SYN) || flags.Has(model.FIN) {
			seq[fromClient]++
		}
	}
	const A, P, S, F = model.ACK, model.PSH, model.SYN, model.FIN
	pkt(true, S, "")
	pkt(false, S|A, "")
	pkt(true, A, "")
	pkt(false, P|A, "220 mail.example.com ESMTP\r\n")
	pkt(true, P|A, "EHLO client.example.net\r\n")
	pkt(false, P|A, "250-mail.example.com\r\n250 SIZE 1000000\r\n")
	pkt(true, P|A, "VRFY ro")
	pkt(true, P|A, "ot\r\nNOOP\r\n")
	pkt(false, P|A, "252 2.1.5 root\r\n250 OK\r\n")
	pkt(true, P|A|F, "QUIT")
	tl := b.Finish()
	for i := range tl.Segments {
		if tl.Segments[i].Frame != uint32(i+1) {
			t.Fatalf("segment %d is frame %d", i, tl.Segments[i].Frame)
		}
	}
	c := tl.Conversations[0]
	rows := pane.BuildRows(tl, c)
	ctx := pane.Context{TL: tl, Conv: c, Rows: rows, Last: len(rows) - 1, Row: -1}
	a, err := app.Analyze(tl, c, func(seg int) ([]byte, error) { return payloads[seg], nil })
	if err != nil {
		t.Fatal(err)
	}
	ctx.App = a
	return ctx, previews
}

func appView(ctx pane.Context, previews map[uint32]string, raw bool) View {
	v := viewOf(ctx, previews, 0)
	v.App, v.Raw = ctx.App, raw
	return v
}

// TestAppGolden fixes the ladder of the SMTP sample with its arrows named
// by their application messages, and the same ladder with the raw
// payload previewed (P), at a width where the summaries fit and at 80.
func TestAppGolden(t *testing.T) {
	ctx, previews := appCtx(t, "smtp-figure10")
	for _, w := range []int{120, 78} {
		for _, raw := range []bool{false, true} {
			name := "smtp_app"
			if raw {
				name = "smtp_raw"
			}
			t.Run(name+"_"+strconv.Itoa(w), func(t *testing.T) {
				out := Render(NewStyles(true), appView(ctx, previews, raw), w, 30)
				checkExact(t, name, out, w, 30)
				golden.RequireEqual(t, ansi.Strip(out))
			})
		}
	}
	s := ansi.Strip(Render(NewStyles(true), appView(ctx, previews, false), 120, 30))
	for _, want := range []string{"len 10 SMTP VRFY root ", "SMTP 550 5.1.1 guest... User unknown", "len 5 SMTP help "} {
		if !strings.Contains(s, want) {
			t.Errorf("the ladder lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, `"VRFY root`) {
		t.Errorf("the raw preview is drawn beside the summary:\n%s", s)
	}
	r := ansi.Strip(Render(NewStyles(true), appView(ctx, previews, true), 120, 30))
	if !strings.Contains(r, `len 10 "VRFY root␊"`) || strings.Contains(r, "SMTP VRFY") {
		t.Errorf("raw: the ladder should preview the payload:\n%s", r)
	}
}

// TestAppCrafted fixes how the ladder tells a segment that carries part
// of a message, a reply of several lines, two messages on one segment and
// a malformed one, tagged in the warning style.
func TestAppCrafted(t *testing.T) {
	ctx, previews := crafted(t)
	st := NewStyles(true)
	out := Render(st, appView(ctx, previews, false), 132, 12)
	checkExact(t, "crafted", out, 132, 12)
	golden.RequireEqual(t, ansi.Strip(out))
	s := ansi.Strip(out)
	for _, want := range []string{
		`(part of an SMTP message) "VRFY ro"`,
		"SMTP VRFY root, NOOP",
		"SMTP QUIT " + MalformedTag + "line not ended by CRLF",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the ladder lacks %q:\n%s", want, s)
		}
	}
	if !strings.Contains(out, st.Malformed.Render(" "+MalformedTag+"line not ended by CRLF")) {
		t.Error("the malformed tag is not in the warning style")
	}
	for w := 1; w <= 130; w++ {
		for _, raw := range []bool{false, true} {
			checkExact(t, "crafted", Render(st, appView(ctx, previews, raw), w, 12), w, 12)
		}
	}
}

// TestPaneApp drives the pane as the root does: the application layer
// arriving redraws the rows drawn without it, RawPayload switches the
// arrows to the previews and back, and the title says which it shows.
func TestPaneApp(t *testing.T) {
	ctx, _ := appCtx(t, "smtp-figure10")
	a := ctx.App
	ctx.App = nil
	p := NewPane(NewStyles(true))
	p.Moved(ctx, 120, 30)
	before := ansi.Strip(p.View(ctx, 120, 30))
	if !strings.Contains(before, `"VRFY root␊"`) || p.Title(ctx) != "" {
		t.Fatalf("before the application layer: title %q\n%s", p.Title(ctx), before)
	}
	ctx.AppSlow = true
	if got := p.Title(ctx); got != "reading application layer…" {
		t.Errorf("while slow: title %q", got)
	}
	ctx.App, ctx.AppSlow = a, false
	after := ansi.Strip(p.View(ctx, 120, 30))
	if !strings.Contains(after, "SMTP VRFY root") || p.Title(ctx) != "SMTP messages" {
		t.Fatalf("with the application layer: title %q\n%s", p.Title(ctx), after)
	}
	ctx.RawPayload = true
	raw := ansi.Strip(p.View(ctx, 120, 30))
	if raw != before || p.Title(ctx) != "raw payload" {
		t.Fatalf("raw: title %q\n%s", p.Title(ctx), raw)
	}
	ctx.RawPayload = false
	if again := ansi.Strip(p.View(ctx, 120, 30)); again != after {
		t.Fatalf("back from raw:\n%s", again)
	}
}
