package ladder

import (
	"image/color"

	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/ui/theme"
)

// Styles are the ladder's styles, by meaning.
type Styles struct {
	Column  lipgloss.Style // the client / server header line
	Lane    lipgloss.Style
	Number  lipgloss.Style
	Time    lipgloss.Style
	State   lipgloss.Style
	SYN     lipgloss.Style
	FIN     lipgloss.Style
	RST     lipgloss.Style
	Data    lipgloss.Style
	ACK     lipgloss.Style
	Event   lipgloss.Style
	Payload lipgloss.Style
	// App names the application protocol on an arrow, AppText says what
	// the message is, Malformed tags a message that does not parse, and
	// Part says a segment carries part of a message a later one completes.
	App       lipgloss.Style
	AppText   lipgloss.Style
	Malformed lipgloss.Style
	Part      lipgloss.Style
	Extra     lipgloss.Style // fragment and ICMP rows
	Cursor    lipgloss.Style // the selected row
	Marker    lipgloss.Style // the ▸ in front of the selected row
	Hidden    lipgloss.Style // the ? of a field a quiz question hides
	Dim       lipgloss.Style // a row the display filter does not match
	Filter    lipgloss.Style // the header's word on the display filter
}

// NewStyles builds the ladder's styles for a dark or a light background.
func NewStyles(isDark bool) Styles {
	p := theme.For(isDark)
	c := func(col color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(col) }
	return Styles{
		Column:    lipgloss.NewStyle().Bold(true),
		Lane:      lipgloss.NewStyle().Foreground(p.Muted),
		Number:    lipgloss.NewStyle().Foreground(p.Muted),
		Time:      lipgloss.NewStyle().Foreground(p.Muted),
		State:     c(p.Teal),
		SYN:       c(p.Green),
		FIN:       c(p.Amber),
		RST:       c(p.Red).Bold(true),
		Data:      c(p.Blue),
		ACK:       c(p.Slate),
		Event:     c(p.Salmon).Bold(true),
		Payload:   c(p.Lilac),
		App:       c(p.Cyan).Bold(true),
		AppText:   c(p.Cyan),
		Malformed: c(p.Crimson).Bold(true),
		Part:      c(p.Muted).Italic(true),
		Extra:     c(p.Ochre).Italic(true),
		Cursor:    lipgloss.NewStyle().Background(p.Selection).Bold(true),
		Marker:    lipgloss.NewStyle().Foreground(p.Accent).Bold(true),
		Hidden:    lipgloss.NewStyle().Bold(true).Foreground(p.Accent),
		Dim:       lipgloss.NewStyle().Foreground(p.Faint),
		Filter:    lipgloss.NewStyle().Foreground(p.Accent),
	}
}
