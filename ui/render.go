package ui

import (
	"github.com/tcpstep/tcpstep/ui/pane"
	"strings"

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
		tw := pane.Width(t)
		if used+tw > w {
			t = ansi.Truncate(t, w-used, "")
			tw = pane.Width(t)
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

// fit makes s exactly w cells wide: cut with an ellipsis when longer, padded
// with spaces when shorter. s may carry styles.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := pane.Width(s)
	if sw > w {
		s = ansi.Truncate(s, w, glyphEllipsis)
		sw = pane.Width(s)
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
	lw := pane.Width(label)
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
