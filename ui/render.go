package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/ui/pane"
)

// boxed draws content inside a one-cell border of w×h with the title set in
// the top edge; a focused pane's border and title take the focused style and
// its title is bracketed, so focus reads without colour too.
func boxed(st *styles, title, content string, w, h int, focused bool) []string {
	if w < 2 || h < 2 {
		return pane.FitBlock(content, w, h)
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
	for _, l := range pane.FitBlock(content, inW, inH) {
		out = append(out, side+l+side)
	}
	out = append(out, bs.Render("╰"+strings.Repeat("─", inW)+"╯"))
	return out
}
