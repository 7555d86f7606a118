package ui

import (
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// span is a piece of plain text and the style to draw it in. Views build
// lines from spans so that widths are measured on plain text, before any
// escape sequence is added, and so a whole line can take the selection's
// background.
type span struct {
	text string
	st   *lipgloss.Style // nil: plain
}

// renderSpans draws spans on one line of exactly w cells: cut where the
// width runs out, padded with spaces after. With bg set, every span (and the
// padding) is drawn over bg's background, which is how the selected row is
// highlighted.
func renderSpans(spans []span, w int, bg *lipgloss.Style) string {
	if w <= 0 {
		return ""
	}
	var b strings.Builder
	used := 0
	for _, s := range spans {
		if used >= w {
			break
		}
		t := s.text
		tw := textWidth(t)
		if used+tw > w {
			t = ansi.Truncate(t, w-used, "")
			tw = textWidth(t)
		}
		if t == "" {
			continue
		}
		switch {
		case bg != nil && s.st != nil:
			b.WriteString(s.st.Inherit(*bg).Render(t))
		case bg != nil:
			b.WriteString(bg.Render(t))
		case s.st != nil:
			b.WriteString(s.st.Render(t))
		default:
			b.WriteString(t)
		}
		used += tw
	}
	if used < w {
		pad := strings.Repeat(" ", w-used)
		if bg != nil {
			b.WriteString(bg.Render(pad))
		} else {
			b.WriteString(pad)
		}
	}
	return b.String()
}

// textWidth is ansi.StringWidth, measured quickly for what the views draw
// on every frame: printable ASCII, SGR and other CSI sequences, and glyphs
// that are one cell whatever follows them (box drawing, arrows, shapes,
// braille, control pictures). A string holding anything else is measured
// by ansi.StringWidth, so the two never disagree.
func textWidth(s string) int {
	w := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			w++
			i++
		case c == 0x1b:
			// ESC [ parameters intermediates final: no width.
			j := i + 1
			if j >= len(s) || s[j] != '[' {
				return ansi.StringWidth(s)
			}
			for j++; j < len(s) && s[j] >= 0x30 && s[j] <= 0x3f; j++ {
			}
			for ; j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f; j++ {
			}
			if j >= len(s) || s[j] < 0x40 || s[j] > 0x7e {
				return ansi.StringWidth(s)
			}
			i = j + 1
		case c >= 0x80:
			r, n := utf8.DecodeRuneInString(s[i:])
			if !oneCell(r) {
				return ansi.StringWidth(s)
			}
			w++
			i += n
		default:
			return ansi.StringWidth(s)
		}
	}
	return w
}

// oneCell reports whether r is one cell wide and never joins what is next
// to it into one grapheme: the glyphs the views draw with.
func oneCell(r rune) bool {
	switch {
	case r == 0x25fd || r == 0x25fe: // ◽◾ are emoji, two cells
		return false
	case r >= 0x2500 && r <= 0x25ff, // box drawing, block elements, geometric shapes
		r >= 0x2190 && r <= 0x21ff,          // arrows
		r >= 0x2800 && r <= 0x28ff,          // braille
		r >= 0x2400 && r <= 0x2426,          // control pictures
		r == 0xb7, r == 0x2022, r == 0x2026: // · • …
		return true
	}
	return false
}

// fit makes s exactly w cells wide: cut with an ellipsis when longer, padded
// with spaces when shorter. s may carry styles.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := textWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, glyphEllipsis)
		sw = textWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// fitBlock makes a multi-line string exactly w×h: every line fitted to w,
// lines cut or added to make h.
func fitBlock(s string, w, h int) []string {
	if h <= 0 {
		return nil
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = fit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", max(w, 0))
		}
	}
	return out
}

// boxed draws content inside a one-cell border of w×h with the title set in
// the top edge; a focused pane's border and title take the focused style and
// its title is bracketed, so focus reads without colour too.
func boxed(st *Styles, title, content string, w, h int, focused bool) []string {
	if w < 2 || h < 2 {
		return fitBlock(content, w, h)
	}
	bs, ts := st.Pane.Border, st.Pane.Title
	if focused {
		bs, ts = st.Pane.BorderFocused, st.Pane.TitleFocused
	}
	inW, inH := w-2, h-2
	label := " " + title + " "
	if focused {
		label = "[" + title + "]"
	}
	label = ansi.Truncate(label, max(inW-1, 0), "")
	lw := textWidth(label)
	topRest := max(inW-1-lw, 0)
	out := make([]string, 0, h)
	out = append(out, bs.Render("╭─")+ts.Render(label)+bs.Render(strings.Repeat("─", topRest)+"╮"))
	if inW < 1 {
		out[0] = bs.Render("╭" + strings.Repeat("─", inW) + "╮")
	}
	side := bs.Render("│")
	for _, l := range fitBlock(content, inW, inH) {
		out = append(out, side+l+side)
	}
	out = append(out, bs.Render("╰"+strings.Repeat("─", inW)+"╯"))
	return out
}

// printable turns capture bytes into text that is safe and one cell per
// byte on any terminal: printable ASCII as itself, CR LF TAB as their control
// pictures, the other C0 controls (ESC among them) as ␀…␟ pictures, DEL as
// ␡, and anything above 0x7e as a middle dot. It never lets a byte reach the
// terminal raw.
func printable(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		switch {
		case c >= 0x20 && c < 0x7f:
			sb.WriteByte(c)
		case c < 0x20:
			sb.WriteRune(rune(0x2400 + int(c)))
		case c == 0x7f:
			sb.WriteRune('␡')
		default:
			sb.WriteRune('·')
		}
	}
	return sb.String()
}

// wrapText wraps plain text (no escape sequences) to lines of at most w
// cells: at spaces, a word longer than a line cut where the width runs out,
// and every line feed kept. Unlike ansi.Wrap and ansi.Wordwrap, which treat
// a hyphen as a place to break and can leave a " -" past the width (the
// explanation's "6 - 1" came out as "6…" at 80 columns), it breaks at
// spaces only, so no line is ever wider than w.
func wrapText(s string, w int) []string {
	w = max(w, 1)
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line, lw := "", 0
		started := false
		for _, word := range strings.Split(para, " ") {
			ww := textWidth(word)
			switch {
			case !started:
			case lw+1+ww <= w:
				line += " " + word
				lw += 1 + ww
				continue
			default:
				out = append(out, line)
			}
			started = true
			// The word starts a line; one wider than a line is cut.
			for ww > w {
				head := ansi.Truncate(word, w, "")
				if head == "" { // a character wider than the line
					_, n := utf8.DecodeRuneInString(word)
					head = word[:n]
				}
				out = append(out, head)
				word = word[len(head):]
				ww = textWidth(word)
			}
			line, lw = word, ww
		}
		out = append(out, line)
	}
	return out
}
