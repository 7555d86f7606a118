package pane

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/ui/theme"
)

// Lines built to exact widths, the way every view draws.

// Span is a piece of plain text and the style to draw it in. Views build
// lines from spans so that widths are measured on plain text, before any
// escape sequence is added, and so a whole line can take the selection's
// background.
type Span struct {
	Text  string
	Style *lipgloss.Style // nil: plain
}

// RenderSpans draws spans on one line of exactly w cells: cut where the
// width runs out, padded with spaces after. With bg set, every span (and the
// padding) is drawn over bg's background, which is how the selected row is
// highlighted.
func RenderSpans(spans []Span, w int, bg *lipgloss.Style) string {
	if w <= 0 {
		return ""
	}
	var b strings.Builder
	used := 0
	for _, s := range spans {
		if used >= w {
			break
		}
		t := s.Text
		tw := Width(t)
		if used+tw > w {
			t = ansi.Truncate(t, w-used, "")
			tw = Width(t)
		}
		if t == "" {
			continue
		}
		switch {
		case bg != nil && s.Style != nil:
			b.WriteString(s.Style.Inherit(*bg).Render(t))
		case bg != nil:
			b.WriteString(bg.Render(t))
		case s.Style != nil:
			b.WriteString(s.Style.Render(t))
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

// Fit makes s exactly w cells wide: cut with an ellipsis when longer, padded
// with spaces when shorter. s may carry styles.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := Width(s)
	if sw > w {
		s = ansi.Truncate(s, w, theme.Ellipsis)
		sw = Width(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// FitBlock makes a multi-line string exactly w×h: every line fitted to w,
// lines cut or added to make h.
func FitBlock(s string, w, h int) []string {
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
			out[i] = Fit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", max(w, 0))
		}
	}
	return out
}
