package netstat

import (
	"image/color"

	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/ui/theme"
)

// Styles are the netstat view's styles, by meaning.
type Styles struct {
	Title    lipgloss.Style // "stream 0, step 4/29"
	Host     lipgloss.Style // "client host 192.0.2.10"
	Client   lipgloss.Style // the client's role word
	Server   lipgloss.Style // the server's role word
	Header   lipgloss.Style // the column header
	Line     lipgloss.Style // a connection's columns
	Listen   lipgloss.Style // the listener's line
	State    lipgloss.Style // a connection's state
	Closing  lipgloss.Style // states of a closing connection (FIN_WAIT1 … TIME_WAIT)
	SendQ    lipgloss.Style // a Send-Q above 0
	Empty    lipgloss.Style // "(no line: …)"
	Note     lipgloss.Style // the footnote and the vantage sentence
	Wait     lipgloss.Style // "computing…" until the lines are ready
	Error    lipgloss.Style // a conversation whose lines cannot be computed
	Ellipsis string
}

// NewStyles builds the netstat view's styles for a dark or light
// background.
func NewStyles(isDark bool) Styles {
	p := theme.For(isDark)
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	return Styles{
		Title:    fg(p.Ink).Bold(true),
		Host:     fg(p.Ink),
		Client:   fg(p.Blue).Bold(true),
		Server:   fg(p.Orange).Bold(true),
		Header:   fg(p.Grey).Underline(true),
		Line:     fg(p.InkRow),
		Listen:   fg(p.Grey),
		State:    fg(p.Green).Bold(true),
		Closing:  fg(p.Amber).Bold(true),
		SendQ:    fg(p.Crimson).Bold(true),
		Empty:    fg(p.Muted).Italic(true),
		Note:     fg(p.Grey),
		Wait:     fg(p.Muted).Italic(true),
		Error:    fg(p.Red).Bold(true),
		Ellipsis: theme.Ellipsis,
	}
}
