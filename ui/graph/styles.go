package graph

import (
	"image/color"

	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/ui/theme"
)

// Styles are the time-sequence graph's styles, by meaning. Each
// direction has its colour (the client's and server's colours of the state
// diagram); the ACK line and the window edge have theirs.
type Styles struct {
	Title    lipgloss.Style    // the legend line
	Heading  lipgloss.Style    // a plot's heading: who sends to whom
	Axis     lipgloss.Style    // axis lines and ticks
	Tick     lipgloss.Style    // tick labels
	Data     [2]lipgloss.Style // segments, by model.Dir of their sender
	Ack      lipgloss.Style    // the ACK line
	Window   lipgloss.Style    // the window edge
	Retrans  lipgloss.Style    // R marks
	Mark     lipgloss.Style    // S and F marks
	Selected lipgloss.Style    // the selected step's mark
	Dim      lipgloss.Style    // empty plots, notes
}

// NewStyles builds the graph's styles for a dark or light background.
func NewStyles(isDark bool) Styles {
	p := theme.For(isDark)
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	return Styles{
		Title:    fg(p.Ink).Bold(true),
		Heading:  fg(p.InkSoft),
		Axis:     fg(p.Faint),
		Tick:     fg(p.GreyTick),
		Data:     [2]lipgloss.Style{fg(p.Blue), fg(p.Orange)},
		Ack:      fg(p.Green),
		Window:   fg(p.Purple),
		Retrans:  fg(p.Red).Bold(true),
		Mark:     fg(p.Ink).Bold(true),
		Selected: lipgloss.NewStyle().Reverse(true).Bold(true),
		Dim:      fg(p.Muted),
	}
}
