package ui

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
)

// lyHostile is a payload full of bytes that a terminal would act on.
var lyHostile = []byte("MAIL FROM:<a@b>\r\n\x1b[2J\x1b]0;pwned\x07\x9b31m\x7f\x00\x85\xff")

func lyKey(k string) tea.KeyPressMsg {
	switch k {
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	}
	return tea.KeyPressMsg{Code: rune(k[0]), Text: k}
}

// lySelect puts the cursor on the item with the given key suffix.
func lySelect(t *testing.T, p *layersPane, suffix string) {
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
	data, d := lyTestFrame(t, []byte("HELO mail.example.org\r\n"))
	st := NewLayerStyles(true)
	for _, sz := range []struct{ w, h int }{{78, 20}, {130, 30}, {30, 16}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			var p layersPane
			p.setFrame(data, d)
			lySelect(t, &p, "TCP/SEQ")
			golden.RequireEqual(t, ansi.Strip(p.View(st, sz.w, sz.h)))
		})
	}
}

func TestLayersFit(t *testing.T) {
	data, d := lyTestFrame(t, lyHostile)
	d.Problem = "TCP header cut short by the snap length"
	st := NewLayerStyles(false)
	for _, cur := range []int{0, 1000} {
		var p layersPane
		p.setFrame(data, d)
		p.cur = min(cur, len(p.items)-1)
		for w := 0; w <= 140; w++ {
			for _, h := range []int{0, 1, 2, 3, 5, 12, 40} {
				panetest.CheckFits(t, fmt.Sprintf("layers cur=%d", p.cur), p.View(st, w, h), w, h)
			}
		}
	}
	var empty layersPane
	empty.setFrame(nil, model.Dissection{})
	if out := ansi.Strip(empty.View(st, 40, 5)); !strings.Contains(out, "no frame bytes") {
		t.Errorf("empty frame: %q", out)
	}
	empty.Update(lyKey("down")) // no items: must not panic
}

var lySGR = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// lyCheckSafe fails when out holds a control character other than newline
// or the SGR colour sequences the styles add: a capture byte that reached
// the terminal raw.
func lyCheckSafe(t *testing.T, what, out string) {
	t.Helper()
	plain := lySGR.ReplaceAllString(out, "")
	for i, r := range plain {
		// A raw 0x9b or other stray byte is invalid UTF-8 and decodes as
		// U+FFFD, which the pane never writes itself.
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r < 0xa0) || r == 0xfffd {
			t.Fatalf("%s: raw control %U at %d in %q", what, r, i, plain)
		}
	}
}

func TestLayersHostileBytes(t *testing.T) {
	data, d := lyTestFrame(t, lyHostile)
	// Decoded text is meant to be printable already; the pane must not
	// trust that either.
	d.Layers[0].Name = "Ether\x1b[31mnet"
	d.Layers[1].Fields[0].Value = "4\x07\x9b"
	d.Layers[2].Fields[0].Name = "port\x1b]0;x\x07"
	d.Problem = "cut\x1b[2J short"
	for _, st := range []LayerStyles{{}, NewLayerStyles(true), NewLayerStyles(false)} {
		var p layersPane
		p.setFrame(data, d)
		for i := range p.items {
			p.cur = i
			for _, sz := range []struct{ w, h int }{{78, 20}, {130, 40}, {30, 12}, {50, 60}} {
				lyCheckSafe(t, fmt.Sprintf("item %d at %dx%d", i, sz.w, sz.h), p.View(st, sz.w, sz.h))
			}
		}
	}
	// The payload's bytes are all in the dump, as hex, and the ASCII column
	// shows a '.' for each byte that is not printable ASCII.
	var p layersPane
	p.setFrame(data, d)
	out := ansi.Strip(p.View(LayerStyles{}, 78, 60))
	if !strings.Contains(out, "1b 5b 32 4a") || !strings.Contains(out, "9b 33 31 6d") {
		t.Errorf("hostile bytes not shown as hex:\n%s", out)
	}
	if !strings.Contains(out, ">...[2J.]0;pwned") || !strings.Contains(out, "..31m....") {
		t.Errorf("ASCII column should dot the controls:\n%s", out)
	}
}

// lyReversed maps each plain column of a styled line to whether it was
// drawn reversed, reading the SGR sequences of lipgloss.
func lyReversed(line string) (plain []rune, rev []bool) {
	on := false
	for i := 0; i < len(line); {
		if m := lySGR.FindStringIndex(line[i:]); m != nil && m[0] == 0 {
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

// lyHighlighted returns the frame offsets whose hex digits, and separately
// whose ASCII cells, are reversed in a dump of 16 bytes a line.
func lyHighlighted(t *testing.T, out string) (hexSel, ascSel map[int]bool) {
	hexSel, ascSel = map[int]bool{}, map[int]bool{}
	// A dump line starts with its offset and two spaces, at the start of
	// the line or after the field tree.
	row := regexp.MustCompile(`(?:^|  )([0-9a-f]{4,})  [0-9a-f]{2}[ $]`)
	for _, line := range strings.Split(out, "\n") {
		plain, rev := lyReversed(line)
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
	data, d := lyTestFrame(t, []byte("HELO mail.example.org\r\n"))
	st := LayerStyles{Selected: lipgloss.NewStyle().Reverse(true)}
	var p layersPane
	p.setFrame(data, d)
	for i, it := range p.items {
		p.cur = i
		out := p.View(st, 80, 100)
		hexSel, ascSel := lyHighlighted(t, out)
		for b := 0; b < len(data); b++ {
			want := b >= it.start && b < it.end
			if hexSel[b] != want || ascSel[b] != want {
				t.Errorf("item %s: byte %d highlighted hex=%v ascii=%v, want %v", it.key, b, hexSel[b], ascSel[b], want)
			}
		}
		// The item's own line in the tree is reversed too.
		found := false
		for _, line := range strings.Split(out, "\n") {
			_, rev := lyReversed(line)
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
	data, d := lyTestFrame(t, []byte(strings.Repeat("0123456789abcdef", 30)))
	st := LayerStyles{Selected: lipgloss.NewStyle().Reverse(true)}
	for _, sz := range []struct{ w, h int }{{78, 12}, {130, 10}} {
		var p layersPane
		p.setFrame(data, d)
		for i := 0; i < len(p.items); i++ {
			out := p.View(st, sz.w, sz.h)
			it := p.items[p.cur]
			hexSel, _ := lyHighlighted(t, out)
			if !hexSel[it.start] {
				t.Errorf("%dx%d item %s: first byte %d not in view", sz.w, sz.h, it.key, it.start)
			}
			p.Update(lyKey("j"))
		}
		if p.cur != len(p.items)-1 {
			t.Errorf("cursor at %d after moving past the end, want %d", p.cur, len(p.items)-1)
		}
	}
}

func TestLayersKeys(t *testing.T) {
	data, d := lyTestFrame(t, nil)
	var p layersPane
	p.setFrame(data, d)
	for _, tc := range []struct {
		key  string
		want int
	}{
		{"up", 0}, {"down", 1}, {"j", 2}, {"k", 1}, {"pgdown", 11}, {"pgup", 1}, {"x", 1},
	} {
		p.Update(lyKey(tc.key))
		if p.cur != tc.want {
			t.Errorf("after %q cursor %d, want %d", tc.key, p.cur, tc.want)
		}
	}
	// Stepping to another frame keeps the same field selected.
	lySelect(t, &p, "TCP/SEQ")
	data2, d2 := lyTestFrame(t, []byte("DATA\r\n"))
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
	data, d := lyTestFrame(t, []byte("HELO\r\n"))
	var p layersPane
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
	st := NewLayerStyles(true)
	out := p.View(st, 80, 60)
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
	got := fmt.Sprint(lyDepths(ls))
	if got != "[0 1 2 3 4 2]" {
		t.Errorf("depths %s: the trailer belongs inside the innermost link layer", got)
	}
	// Boxes nest: the TCP box's edge is inside the IPv4 box's, which is
	// inside the link's.
	data, d := lyTestFrame(t, []byte("x"))
	var p layersPane
	p.setFrame(data, d)
	out := ansi.Strip(p.View(NewLayerStyles(true), 78, 80))
	for _, want := range []string{"┌─ Ethernet II  14 bytes ", "│┌─ IPv4  20 bytes ", "││┌─ TCP  32 bytes ", "│││┌─ Payload  1 bytes ", "│││└", "││└", "│└", "└─"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}
