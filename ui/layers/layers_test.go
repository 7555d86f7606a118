package layers

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
)

// hostile is a payload full of bytes that a terminal would act on.
var hostile = []byte("MAIL FROM:<a@b>\r\n\x1b[2J\x1b]0;pwned\x07\x9b31m\x7f\x00\x85\xff")

// selectItem puts the cursor on the item with the given key suffix.
func selectItem(t *testing.T, p *Pane, suffix string) {
	t.Helper()
	for i, it := range p.items {
		if strings.HasSuffix(it.key, suffix) {
			p.cur = i
			return
		}
	}
	t.Fatalf("no item %q", suffix)
}

func TestLayersGolden(t *testing.T) {
	data, d := testFrame(t, []byte("HELO mail.example.org\r\n"))
	st := NewStyles(true)
	for _, sz := range []struct{ w, h int }{{78, 20}, {130, 30}, {30, 16}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			var p Pane
			p.setFrame(data, d)
			selectItem(t, &p, "TCP/SEQ")
			golden.RequireEqual(t, ansi.Strip(p.render(st, sz.w, sz.h)))
		})
	}
}

func TestLayersFit(t *testing.T) {
	data, d := testFrame(t, hostile)
	d.Problem = "TCP header cut short by the snap length"
	st := NewStyles(false)
	for _, cur := range []int{0, 1000} {
		var p Pane
		p.setFrame(data, d)
		p.cur = min(cur, len(p.items)-1)
		for w := 0; w <= 140; w++ {
			for _, h := range []int{0, 1, 2, 3, 5, 12, 40} {
				panetest.CheckFits(t, fmt.Sprintf("layers cur=%d", p.cur), p.render(st, w, h), w, h)
			}
		}
	}
	var empty Pane
	empty.setFrame(nil, model.Dissection{})
	if out := ansi.Strip(empty.render(st, 40, 5)); !strings.Contains(out, "no frame bytes") {
		t.Errorf("empty frame: %q", out)
	}
	empty.Key(pane.Context{}, pane.KeyDown, 40, 5) // no items: must not panic
}

var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// checkSafe fails when out holds a control character other than newline
// or the SGR colour sequences the styles add: a capture byte that reached
// the terminal raw.
func checkSafe(t *testing.T, what, out string) {
	t.Helper()
	plain := sgr.ReplaceAllString(out, "")
	for i, r := range plain {
		// A raw 0x9b or other stray byte is invalid UTF-8 and decodes as
		// U+FFFD, which the pane never writes itself.
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r < 0xa0) || r == 0xfffd {
			t.Fatalf("%s: raw control %U at %d in %q", what, r, i, plain)
		}
	}
}

func TestLayersHostileBytes(t *testing.T) {
	data, d := testFrame(t, hostile)
	// Decoded text is meant to be printable already; the pane must not
	// trust that either.
	d.Layers[0].Name = "Ether\x1b[31mnet"
	d.Layers[1].Fields[0].Value = "4\x07\x9b"
	d.Layers[2].Fields[0].Name = "port\x1b]0;x\x07"
	d.Problem = "cut\x1b[2J short"
	for _, st := range []Styles{{}, NewStyles(true), NewStyles(false)} {
		var p Pane
		p.setFrame(data, d)
		for i := range p.items {
			p.cur = i
			for _, sz := range []struct{ w, h int }{{78, 20}, {130, 40}, {30, 12}, {50, 60}} {
				checkSafe(t, fmt.Sprintf("item %d at %dx%d", i, sz.w, sz.h), p.render(st, sz.w, sz.h))
			}
		}
	}
	// The payload's bytes are all in the dump, as hex, and the ASCII column
	// shows a '.' for each byte that is not printable ASCII.
	var p Pane
	p.setFrame(data, d)
	out := ansi.Strip(p.render(Styles{}, 78, 60))
	if !strings.Contains(out, "1b 5b 32 4a") || !strings.Contains(out, "9b 33 31 6d") {
		t.Errorf("hostile bytes not shown as hex:\n%s", out)
	}
	if !strings.Contains(out, ">...[2J.]0;pwned") || !strings.Contains(out, "..31m....") {
		t.Errorf("ASCII column should dot the controls:\n%s", out)
	}
}

// reversed maps each plain column of a styled line to whether it was
// drawn reversed, reading the SGR sequences of lipgloss.
func reversed(line string) (plain []rune, rev []bool) {
	on := false
	for i := 0; i < len(line); {
		if m := sgr.FindStringIndex(line[i:]); m != nil && m[0] == 0 {
			params := line[i+2 : i+m[1]-1]
			if params == "" || params == "0" {
				on = false
			}
			for _, p := range strings.Split(params, ";") {
				if p == "7" {
					on = true
				}
			}
			i += m[1]
			continue
		}
		r := []rune(line[i:])[0]
		plain = append(plain, r)
		rev = append(rev, on)
		i += len(string(r))
	}
	return plain, rev
}

// highlighted returns the frame offsets whose hex digits, and separately
// whose ASCII cells, are reversed in a dump of 16 bytes a line.
func highlighted(t *testing.T, out string) (hexSel, ascSel map[int]bool) {
	hexSel, ascSel = map[int]bool{}, map[int]bool{}
	// A dump line starts with its offset and two spaces, at the start of
	// the line or after the field tree.
	row := regexp.MustCompile(`(?:^|  )([0-9a-f]{4,})  [0-9a-f]{2}[ $]`)
	for _, line := range strings.Split(out, "\n") {
		plain, rev := reversed(line)
		ps := string(plain)
		m := row.FindStringSubmatchIndex(ps)
		if m == nil {
			continue
		}
		base, _ := strconv.ParseInt(ps[m[2]:m[3]], 16, 64)
		x0 := len([]rune(ps[:m[2]]))
		for j := 0; j < 16; j++ {
			col := x0 + 6 + 3*j
			if j >= 8 {
				col++
			}
			if col+1 >= len(plain) || plain[col] == ' ' {
				break
			}
			if rev[col] && rev[col+1] {
				hexSel[int(base)+j] = true
			}
			if ac := x0 + 6 + 48 + 2 + j; ac < len(plain) && rev[ac] {
				ascSel[int(base)+j] = true
			}
		}
	}
	return hexSel, ascSel
}

func TestLayersHighlightsFieldBytes(t *testing.T) {
	data, d := testFrame(t, []byte("HELO mail.example.org\r\n"))
	st := Styles{Selected: lipgloss.NewStyle().Reverse(true)}
	var p Pane
	p.setFrame(data, d)
	for i, it := range p.items {
		p.cur = i
		out := p.render(st, 80, 100)
		hexSel, ascSel := highlighted(t, out)
		for b := 0; b < len(data); b++ {
			want := b >= it.start && b < it.end
			if hexSel[b] != want || ascSel[b] != want {
				t.Errorf("item %s: byte %d highlighted hex=%v ascii=%v, want %v", it.key, b, hexSel[b], ascSel[b], want)
			}
		}
		// The item's own line in the tree is reversed too.
		found := false
		for _, line := range strings.Split(out, "\n") {
			_, rev := reversed(line)
			for _, r := range rev {
				found = found || r
			}
			if found {
				break
			}
		}
		if !found {
			t.Errorf("item %s: no reversed line", it.key)
		}
	}
}

// TestLayersScroll moves over every item in a short pane: the selected
// tree line and the first selected byte stay in view.
func TestLayersScroll(t *testing.T) {
	data, d := testFrame(t, []byte(strings.Repeat("0123456789abcdef", 30)))
	st := Styles{Selected: lipgloss.NewStyle().Reverse(true)}
	for _, sz := range []struct{ w, h int }{{78, 12}, {130, 10}} {
		var p Pane
		p.setFrame(data, d)
		for i := 0; i < len(p.items); i++ {
			out := p.render(st, sz.w, sz.h)
			it := p.items[p.cur]
			hexSel, _ := highlighted(t, out)
			if !hexSel[it.start] {
				t.Errorf("%dx%d item %s: first byte %d not in view", sz.w, sz.h, it.key, it.start)
			}
			p.Key(pane.Context{}, pane.KeyDown, sz.w, sz.h)
		}
		if p.cur != len(p.items)-1 {
			t.Errorf("cursor at %d after moving past the end, want %d", p.cur, len(p.items)-1)
		}
	}
}

func TestLayersKeys(t *testing.T) {
	data, d := testFrame(t, nil)
	var p Pane
	p.setFrame(data, d)
	// The root maps j and k to ↓ and ↑ (its key map), and hands the view
	// three lines of the wheel as one key.
	for _, tc := range []struct {
		key  pane.Key
		want int
		used bool
	}{
		{pane.KeyUp, 0, true}, {pane.KeyDown, 1, true}, {pane.KeyDown, 2, true}, {pane.KeyUp, 1, true},
		{pane.KeyPageDown, 11, true}, {pane.KeyPageUp, 1, true}, {pane.KeyMode, 1, false},
		{pane.KeyWheelDown, 4, true}, {pane.KeyWheelUp, 1, true}, {pane.KeyWheelUp, 0, true},
		{pane.KeyZoomIn, 0, false},
	} {
		r := p.Key(pane.Context{}, tc.key, 78, 20)
		if p.cur != tc.want || r.Used != tc.used || r.Move {
			t.Errorf("after key %d cursor %d (%+v), want %d, used %v, no step", tc.key, p.cur, r, tc.want, tc.used)
		}
	}
	p.cur = len(p.items) - 2
	if p.Key(pane.Context{}, pane.KeyWheelDown, 78, 20); p.cur != len(p.items)-1 {
		t.Errorf("the wheel past the end puts the cursor at %d, want the last item %d", p.cur, len(p.items)-1)
	}
	// Stepping to another frame keeps the same field selected.
	selectItem(t, &p, "TCP/SEQ")
	data2, d2 := testFrame(t, []byte("DATA\r\n"))
	p.setFrame(data2, d2)
	if !strings.HasSuffix(p.items[p.cur].key, "TCP/SEQ") {
		t.Errorf("selection moved to %s", p.items[p.cur].key)
	}
	// A frame without that field falls back to the first item.
	p.setFrame([]byte{1, 2, 3}, model.Dissection{Layers: []model.Layer{{Name: "Raw", Kind: model.LayerLink, End: 3}}})
	if p.cur != 0 {
		t.Errorf("cursor %d on a frame without the field", p.cur)
	}
}

func TestLayersColourByLayer(t *testing.T) {
	data, d := testFrame(t, []byte("HELO\r\n"))
	var p Pane
	p.setFrame(data, d)
	p.cur = -1 // nothing selected
	o := p.owners()
	for i := range data {
		want := model.LayerKind(255)
		switch {
		case i < 14:
			want = model.LayerLink
		case i < 34:
			want = model.LayerIP
		case i < 66:
			want = model.LayerTransport
		default:
			want = model.LayerPayload
		}
		if o[i] != want {
			t.Errorf("byte %d owned by %v, want %v", i, o[i], want)
		}
	}
	st := NewStyles(true)
	out := p.render(st, 80, 60)
	// Bytes 14-15 (45 00, the start of the IPv4 header) are drawn in the IP
	// colour, 12-13 (the EtherType) in the link colour.
	if !strings.Contains(out, st.Kind[model.LayerIP].Render("45 00")) || !strings.Contains(out, st.Kind[model.LayerLink].Render("66 77 88 99 aa bb 00 11  22 33 44 55 08 00")) {
		t.Errorf("hex bytes not coloured by layer:\n%q", out)
	}
}

func TestLayersNesting(t *testing.T) {
	ls := []model.Layer{
		{Kind: model.LayerLink}, {Kind: model.LayerLink}, {Kind: model.LayerIP},
		{Kind: model.LayerTransport}, {Kind: model.LayerPayload}, {Kind: model.LayerTrailer},
	}
	got := fmt.Sprint(depths(ls))
	if got != "[0 1 2 3 4 2]" {
		t.Errorf("depths %s: the trailer belongs inside the innermost link layer", got)
	}
	// Boxes nest: the TCP box's edge is inside the IPv4 box's, which is
	// inside the link's.
	data, d := testFrame(t, []byte("x"))
	var p Pane
	p.setFrame(data, d)
	out := ansi.Strip(p.render(NewStyles(true), 78, 80))
	for _, want := range []string{"┌─ Ethernet II  14 bytes ", "│┌─ IPv4  20 bytes ", "││┌─ TCP  32 bytes ", "│││┌─ Payload  1 bytes ", "│││└", "││└", "│└", "└─"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

// TestPane drives the view as the root does: Prepare at every step reads
// the selected row's frame only when it is another, through ctx.Frame, and
// View draws it with the pane's styles.
func TestPane(t *testing.T) {
	data1, d1 := testFrame(t, []byte("HELO mail.example.org\r\n"))
	data2, d2 := testFrame(t, []byte("DATA\r\n"))
	reads := map[uint32]int{}
	frame := func(n uint32) ([]byte, model.Dissection, error) {
		reads[n]++
		switch n {
		case 1:
			return data1, d1, nil
		case 2:
			return data2, d2, nil
		case 3: // cut short: the bytes read so far, and why
			return data1[:20], model.Dissection{Layers: d1.Layers[:1]}, errors.New("read frame: unexpected EOF")
		}
		return nil, model.Dissection{}, errors.New("frame not in the timeline")
	}
	ctx := pane.Context{Rows: []pane.Row{{Seg: 0, Frame: 1}, {Seg: 1, Frame: 2}, {Seg: -1, Frame: 3}, {Seg: 2, Frame: 9}}, Frame: frame}
	p := NewPane(NewStyles(true))
	if got := p.Title(ctx); got != "frame 1" {
		t.Errorf("title %q, want frame 1", got)
	}
	p.Prepare(ctx, 78, 20)
	p.Prepare(ctx, 78, 20)
	if reads[1] != 1 {
		t.Errorf("two Prepares on one row read frame 1 %d times, want once", reads[1])
	}
	var want Pane
	want.setFrame(data1, d1)
	if got := p.View(ctx, 78, 20); got != want.render(NewStyles(true), 78, 20) {
		t.Errorf("View differs from the frame drawn:\n%s", ansi.Strip(got))
	}
	selectItem(t, p, "TCP/SEQ")
	ctx.Row = 1
	p.Prepare(ctx, 78, 20)
	if reads[2] != 1 || !strings.HasSuffix(p.items[p.cur].key, "TCP/SEQ") || p.Title(ctx) != "frame 2" {
		t.Errorf("step to frame 2: %d reads, selection %s, title %q", reads[2], p.items[p.cur].key, p.Title(ctx))
	}
	// A read error is the frame's problem, over the bytes that were read.
	ctx.Row = 2
	p.Prepare(ctx, 78, 20)
	if out := ansi.Strip(p.View(ctx, 78, 20)); !strings.HasPrefix(out, "⚠ read frame: unexpected EOF") || !strings.Contains(out, "Ethernet II") || !strings.Contains(out, "0010  ") {
		t.Errorf("read error not shown over the bytes read:\n%s", out)
	}
	ctx.Row = 3
	p.Prepare(ctx, 78, 20)
	if out := ansi.Strip(p.View(ctx, 78, 20)); !strings.HasPrefix(out, "⚠ frame not in the timeline") {
		t.Errorf("unknown frame:\n%s", out)
	}
	// No further row: the frame stays, and the title says nothing.
	ctx.Row = 4
	p.Prepare(ctx, 78, 20)
	if len(reads) != 4 || p.frame != 9 || p.Title(ctx) != "" {
		t.Errorf("past the rows: reads %v, frame %d, title %q", reads, p.frame, p.Title(ctx))
	}
	// Another conversation: the same frame number is read again.
	ctx.Row = 0
	p.Prepare(ctx, 78, 20)
	p.ConversationChanged(ctx)
	p.Prepare(ctx, 78, 20)
	if reads[1] != 3 {
		t.Errorf("frame 1 read %d times, want again after the switch", reads[1])
	}
	p.SetDark(false)
	want.setFrame(data1, d1)
	want.cur = p.cur
	if got := p.View(ctx, 78, 20); got != want.render(NewStyles(false), 78, 20) {
		t.Errorf("View after SetDark(false) is not in the light styles:\n%q", got)
	}
	for _, sz := range []struct{ w, h int }{{0, 0}, {1, 1}, {30, 8}, {78, 20}, {200, 60}} {
		panetest.CheckFits(t, "Pane.View", p.View(ctx, sz.w, sz.h), sz.w, sz.h)
	}
	// Without a frame reader nothing can be read.
	q := NewPane(NewStyles(true))
	q.Prepare(pane.Context{Rows: ctx.Rows}, 78, 20)
	if out := ansi.Strip(q.View(ctx, 78, 20)); !strings.HasPrefix(out, "⚠ frame not in the timeline") {
		t.Errorf("no reader:\n%s", out)
	}
}
