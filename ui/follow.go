package ui

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
)

// This file draws the follow view: a conversation's payload reassembled in
// sequence order (model.FollowDialogue), client and server in two colours,
// the bytes of the selected segment highlighted, as text with every control
// byte made visible or as a hex dump. It is a pure function of its inputs;
// the root model owns the chunks (reassembled once per conversation) and
// the scroll position.

// FollowStyles are the follow view's styles. Direction is also told by the
// marker line before each turn and selection by the gutter glyph, so both
// survive without colour.
type FollowStyles struct {
	Client      lipgloss.Style // bytes the client sent
	Server      lipgloss.Style // bytes the server sent
	ClientSel   lipgloss.Style // the selected segment's bytes, client side
	ServerSel   lipgloss.Style // the selected segment's bytes, server side
	Marker      lipgloss.Style // "── client 10.0.0.1:1234 → 10.0.0.2:25 ──"
	Hole        lipgloss.Style // "[N bytes missing]" and "[N bytes not captured]"
	Offset      lipgloss.Style // hex mode: the relative SEQ of each line
	Cursor      lipgloss.Style // the gutter glyph on lines of the selected segment
	Empty       lipgloss.Style // "no payload" message
	ClientLabel lipgloss.Style // the side's name in a marker line
	ServerLabel lipgloss.Style
}

// NewFollowStyles builds the follow view's styles for a dark or a light
// background. The client is red and the server blue, as in Wireshark's
// Follow TCP Stream.
func NewFollowStyles(isDark bool) FollowStyles {
	ld := lipgloss.LightDark(isDark)
	client := ld(lipgloss.Color("#B3261E"), lipgloss.Color("#FF8A80"))
	server := ld(lipgloss.Color("#1A4FA0"), lipgloss.Color("#82B1FF"))
	muted := ld(lipgloss.Color("#767676"), lipgloss.Color("#8A8A8A"))
	accent := ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#B4A7FF"))
	hole := ld(lipgloss.Color("#8A5A00"), lipgloss.Color("#F2CC8F"))
	return FollowStyles{
		Client:      lipgloss.NewStyle().Foreground(client),
		Server:      lipgloss.NewStyle().Foreground(server),
		ClientSel:   lipgloss.NewStyle().Foreground(client).Reverse(true).Bold(true),
		ServerSel:   lipgloss.NewStyle().Foreground(server).Reverse(true).Bold(true),
		Marker:      lipgloss.NewStyle().Foreground(muted),
		Hole:        lipgloss.NewStyle().Foreground(hole).Italic(true),
		Offset:      lipgloss.NewStyle().Foreground(muted),
		Cursor:      lipgloss.NewStyle().Foreground(accent).Bold(true),
		Empty:       lipgloss.NewStyle().Foreground(muted).Italic(true),
		ClientLabel: lipgloss.NewStyle().Foreground(client).Bold(true),
		ServerLabel: lipgloss.NewStyle().Foreground(server).Bold(true),
	}
}

// followGutter is the width of the gutter that holds the cursor glyph.
const followGutter = 2

// followLineKind says what a laid-out line shows.
type followLineKind uint8

const (
	followMarker followLineKind = iota // a change of direction
	followText                         // bytes of one chunk as text
	followHex                          // bytes of one chunk as hex
	followHole                         // a gap or a cut
)

// followLine is one line of the laid-out dialogue: which chunk it shows and
// which bytes of it. It holds no text, so laying out a long conversation
// costs little; the text of the visible lines is made when drawn.
type followLine struct {
	kind   followLineKind
	chunk  int
	lo, hi int // byte range of the chunk's data on this line
}

// followLayout is the dialogue laid out for one width and mode.
type followLayout struct {
	lines []followLine
	hex   bool
	bpl   int // hex mode: bytes per line
	seqW  int // hex mode: width of the SEQ column
}

// layoutFollow lays the chunks out in lines for width w: a marker line at
// each change of direction, text wrapped at w (and broken after each line
// feed), or hex lines of as many bytes as fit. A chunk always starts a new
// line, so a segment boundary inside a line of text shows as a break.
func layoutFollow(chunks []model.FollowChunk, hex bool, w int) followLayout {
	lay := followLayout{hex: hex}
	avail := max(w-followGutter, 1)
	if hex {
		maxSeq := uint32(0)
		for i := range chunks {
			maxSeq = max(maxSeq, chunks[i].Seq+uint32(max(chunks[i].Len()-1, 0)))
		}
		lay.seqW = len(fmt.Sprint(maxSeq))
		lay.bpl = 1
		for _, n := range []int{16, 8, 4, 2} {
			if hexLineWidth(lay.seqW, n) <= avail {
				lay.bpl = n
				break
			}
		}
	}
	last := model.Dir(255)
	for ci := range chunks {
		ch := &chunks[ci]
		if ch.Dir != last {
			lay.lines = append(lay.lines, followLine{kind: followMarker, chunk: ci})
			last = ch.Dir
		}
		if ch.Kind != model.ChunkData {
			lay.lines = append(lay.lines, followLine{kind: followHole, chunk: ci})
			continue
		}
		data := ch.Data
		if hex {
			for lo := 0; lo < len(data); lo += lay.bpl {
				lay.lines = append(lay.lines, followLine{kind: followHex, chunk: ci, lo: lo, hi: min(lo+lay.bpl, len(data))})
			}
			continue
		}
		for lo := 0; lo < len(data); {
			hi, width := lo, 0
			for hi < len(data) {
				_, size, cw := followCell(data[hi:])
				if width+cw > avail && hi > lo {
					break
				}
				width += cw
				hi += size
				if data[hi-size] == '\n' {
					break
				}
			}
			lay.lines = append(lay.lines, followLine{kind: followText, chunk: ci, lo: lo, hi: hi})
			lo = hi
		}
	}
	return lay
}

// hexLineWidth is the width of a hex line of n bytes after the gutter:
// "SEQ  xx xx … xx  ascii".
func hexLineWidth(seqW, n int) int {
	w := seqW + 2 + 3*n + 1 + n
	if n > 8 {
		w++ // the extra space in the middle
	}
	return w
}

// followCell reads one visible unit at the start of b: a printable rune as
// itself, a control character as its Control Pictures glyph (␀…␟, ␡), a C1
// control or a byte that is not UTF-8 as \xNN, a format character (a bidi
// override) as \uNNNN. It returns the text to show,
// how many bytes it took and its width in cells. No capture byte reaches
// the terminal raw.
func followCell(b []byte) (text string, size, width int) {
	c := b[0]
	switch {
	case c < 0x20:
		return string(rune(0x2400 + rune(c))), 1, 1
	case c == 0x7f:
		return "␡", 1, 1
	case c < 0x80:
		return asciiCells[c-0x20 : c-0x20+1], 1, 1
	}
	r, n := utf8.DecodeRune(b)
	if (r == utf8.RuneError && n <= 1) || (r >= 0x80 && r < 0xa0) {
		return fmt.Sprintf(`\x%02x`, c), 1, 4
	}
	if unicode.Is(unicode.Cf, r) {
		// Format characters (bidi overrides, zero-width joiners) would
		// rearrange or hide what is around them: show their code.
		t := fmt.Sprintf(`\u%04x`, r)
		return t, n, len(t)
	}
	s := string(b[:n])
	return s, n, ansi.StringWidth(s)
}

// asciiCells holds the printable ASCII characters, so that a cell of one
// can be sliced out without allocating.
const asciiCells = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"

// renderFollow draws lines [top, top+h) of the follow view of conversation
// c, w cells wide and exactly h lines high: chunks as FollowDialogue returns
// them, the bytes of segment selectedSeg (an index in tl.Segments, -1 for
// none) highlighted, as text or as hex. top is clamped so the last page is
// full.
func renderFollow(st FollowStyles, tl *model.Timeline, c *model.Conversation, chunks []model.FollowChunk, selectedSeg int, hex bool, w, h, top int) string {
	return renderFollowLayout(st, tl, c, chunks, layoutFollow(chunks, hex, w), selectedSeg, w, h, top)
}

// renderFollowLayout is renderFollow with the layout made already (a view
// keeps it per width and mode: laying out a long conversation on every
// frame would be wasted work).
func renderFollowLayout(st FollowStyles, tl *model.Timeline, c *model.Conversation, chunks []model.FollowChunk, lay followLayout, selectedSeg int, w, h, top int) string {
	if h <= 0 || w <= 0 {
		return ""
	}
	out := make([]string, 0, h)
	if len(lay.lines) == 0 {
		out = append(out, ansi.Truncate(st.Empty.Render("no payload in this conversation"), w, glyphEllipsis))
	}
	top = max(min(top, len(lay.lines)-h), 0)
	for i := top; i < len(lay.lines) && len(out) < h; i++ {
		out = append(out, renderFollowLine(st, tl, c, chunks, lay, lay.lines[i], selectedSeg, w))
	}
	for len(out) < h {
		out = append(out, "")
	}
	return strings.Join(out, "\n")
}

// renderFollowLine draws one laid-out line, at most w cells wide.
func renderFollowLine(st FollowStyles, tl *model.Timeline, c *model.Conversation, chunks []model.FollowChunk, lay followLayout, ln followLine, selectedSeg int, w int) string {
	ch := &chunks[ln.chunk]
	side, sel, label := st.Client, st.ClientSel, st.ClientLabel
	if ch.Dir == model.S2C {
		side, sel, label = st.Server, st.ServerSel, st.ServerLabel
	}
	var b strings.Builder
	switch ln.kind {
	case followMarker:
		name, from, to := "client", "?", "?"
		if c != nil {
			from, to = c.Client.String(), c.Server.String()
		}
		if ch.Dir == model.S2C {
			name, from, to = "server", to, from
		}
		b.WriteString(st.Marker.Render(glyphLine+glyphLine+" ") + label.Render(name) + st.Marker.Render(" "+from+" → "+to+" "))
		if fill := w - ansi.StringWidth(b.String()); fill > 0 {
			b.WriteString(st.Marker.Render(strings.Repeat(glyphLine, fill)))
		}
		return ansi.Truncate(b.String(), w, "")
	case followHole:
		lo, hi := ch.SegRange(tl, selectedSeg)
		b.WriteString(followCursor(st, lo < hi))
		text := ""
		switch {
		case ch.Kind == model.ChunkCut:
			text = fmt.Sprintf("[%d bytes not captured]", ch.Missing)
		case ch.Unacked:
			text = fmt.Sprintf("[%d bytes missing, never acknowledged]", ch.Missing)
		default:
			text = fmt.Sprintf("[%d bytes missing]", ch.Missing)
		}
		b.WriteString(st.Hole.Render(text))
		return ansi.Truncate(b.String(), w, glyphEllipsis)
	}
	slo, shi := ch.SegRange(tl, selectedSeg)
	selected := func(i int) bool { return int64(i) >= slo && int64(i) < shi }
	b.WriteString(followCursor(st, int64(ln.lo) < shi && int64(ln.hi) > slo))
	// Write runs of bytes that share a style.
	run := func(lo, hi int, cell func(i int) (string, int)) {
		var seg strings.Builder
		on := selected(lo)
		flush := func() {
			if seg.Len() == 0 {
				return
			}
			if on {
				b.WriteString(sel.Render(seg.String()))
			} else {
				b.WriteString(side.Render(seg.String()))
			}
			seg.Reset()
		}
		for i := lo; i < hi; {
			if s := selected(i); s != on {
				flush()
				on = s
			}
			text, size := cell(i)
			seg.WriteString(text)
			i += size
		}
		flush()
	}
	data := ch.Data
	if ln.kind == followText {
		run(ln.lo, ln.hi, func(i int) (string, int) {
			text, size, _ := followCell(data[i:ln.hi])
			return text, size
		})
		return ansi.Truncate(b.String(), w, glyphEllipsis)
	}
	// Hex: SEQ, the bytes in hex, the bytes as ASCII.
	b.WriteString(st.Offset.Render(fmt.Sprintf("%*d", lay.seqW, ch.Seq+uint32(ln.lo))))
	b.WriteString("  ")
	for i := ln.lo; i < ln.lo+lay.bpl; i++ {
		if i > ln.lo && lay.bpl > 8 && i-ln.lo == 8 {
			b.WriteString(" ")
		}
		if i >= ln.hi {
			b.WriteString("   ")
			continue
		}
		run(i, i+1, func(i int) (string, int) { return fmt.Sprintf("%02x", data[i]), 1 })
		b.WriteString(" ")
	}
	b.WriteString(" ")
	run(ln.lo, ln.hi, func(i int) (string, int) {
		if c := data[i]; c >= 0x20 && c < 0x7f {
			return asciiCells[c-0x20 : c-0x20+1], 1
		}
		return ".", 1
	})
	return ansi.Truncate(b.String(), w, glyphEllipsis)
}

func followCursor(st FollowStyles, on bool) string {
	if on {
		return st.Cursor.Render(glyphCursor) + " "
	}
	return "  "
}

// followSegLine returns the first line of the layout that shows bytes
// segment seg carried, so the view can scroll to the segment the ladder
// selects. A segment that carried no byte (an ACK, a SYN) maps to the last
// line placed before or by it: where the dialogue stood at that moment. -1
// when there is no such line.
func followSegLine(tl *model.Timeline, chunks []model.FollowChunk, lay followLayout, seg int) int {
	before := -1
	for i, ln := range lay.lines {
		if ln.kind == followMarker {
			continue
		}
		ch := &chunks[ln.chunk]
		if lo, hi := ch.SegRange(tl, seg); lo < hi {
			if ln.kind == followHole || (int64(ln.lo) < hi && int64(ln.hi) > lo) {
				return i
			}
		}
		if ch.Ready <= seg {
			before = i
		}
	}
	return before
}

// followLineSeg returns the segment whose bytes line i shows (the copy
// placed), so that moving in the follow view can move the ladder; -1 for a
// line that shows none (a marker, a gap, out of range).
func followLineSeg(chunks []model.FollowChunk, lay followLayout, i int) int {
	if i < 0 || i >= len(lay.lines) {
		return -1
	}
	ln := lay.lines[i]
	if ln.kind == followMarker {
		if i+1 < len(lay.lines) {
			return followLineSeg(chunks, lay, i+1)
		}
		return -1
	}
	if ch := &chunks[ln.chunk]; ch.Kind != model.ChunkGap {
		return ch.Seg
	}
	return -1
}

// followTop returns the top line that keeps line visible in a view h lines
// high that showed top before: unchanged when the line is on screen, else
// the line a third of the way down.
func followTop(line, top, h, total int) int {
	if line < 0 || h <= 0 {
		return top
	}
	if line >= top && line < top+h {
		return top
	}
	return max(min(line-h/3, total-h), 0)
}
