package explain

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// The explanation's second paragraph is a line naming the segment's application
// messages once the application layer is read: the client's VRFY guest is
// a request, the server's 550 a reply; a pure ACK, and every segment
// before the application layer is read, has no such line.
func TestAppLine(t *testing.T) {
	in, tl := testsample.Open(t, "smtp-figure10")
	c := tl.Conversations[0]
	a, err := app.Analyze(tl, c, func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
	if err != nil {
		t.Fatal(err)
	}
	rows := pane.BuildRows(tl, c)
	at := func(frame uint32, withApp bool) []string {
		ctx := pane.Context{TL: tl, Conv: c, Rows: rows, Last: len(rows) - 1, Row: -1}
		for i, r := range rows {
			if r.Frame == frame {
				ctx.Row = i
			}
		}
		if withApp {
			ctx.App = a
		}
		return Paragraphs(ctx)
	}
	for _, tc := range []struct {
		frame uint32
		want  string
	}{
		{12, "Application layer: SMTP request VRFY guest."},
		{13, "Application layer: SMTP reply 550 5.1.1 guest... User unknown."},
	} {
		ps := at(tc.frame, true)
		if got := ps[1]; got != tc.want {
			t.Errorf("frame %d: second paragraph %q, want %q", tc.frame, got, tc.want)
		}
		if without := at(tc.frame, false); len(without) != len(ps)-1 || strings.Contains(strings.Join(without, " "), "Application layer") {
			t.Errorf("frame %d without the application layer: %q", tc.frame, without)
		}
		out := ansi.Strip(Render(NewStyles(true), nil, ps, 0, 60, 40))
		if !strings.Contains(strings.Join(strings.Fields(out), " "), tc.want) {
			t.Errorf("frame %d: the view lacks %q:\n%s", tc.frame, tc.want, out)
		}
	}
	if ps := at(11, true); strings.Contains(strings.Join(ps, " "), "Application layer") {
		t.Errorf("a pure ACK: %q", ps)
	}
	if got := AppLine(tl, &app.Conv{Proto: app.SMTP, Segs: map[int]*app.Segment{0: {Column: "TCP"}}}, 0); got != "" {
		t.Errorf("a SYN carries no part of a message: %q", got)
	}
	seg := -1
	for i := range tl.Segments {
		if tl.Segments[i].Len > 0 && tl.Segments[i].Dir == model.C2S {
			seg = i
			break
		}
	}
	part := &app.Conv{Proto: app.SMTP, Segs: map[int]*app.Segment{seg: {Column: "TCP"}}}
	if got, want := AppLine(tl, part, seg), "Application layer: part of an SMTP message, which a later segment completes."; got != want {
		t.Errorf("part of a message: %q, want %q", got, want)
	}
	bad := &app.Conv{Proto: app.SMTP, Segs: map[int]*app.Segment{seg: {Column: "SMTP", Messages: []app.Message{{Proto: app.SMTP, Summary: "QUIT\x1b[2J", Malformed: "line not ended by CRLF"}}}}}
	if got, want := AppLine(tl, bad, seg), "Application layer: SMTP request QUIT␛[2J (malformed: line not ended by CRLF)."; got != want {
		t.Errorf("malformed: %q, want %q", got, want)
	}
}
