package isn

import (
	"image/color"

	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/ui/theme"
)

// Styles are the ISN view's styles, by meaning.
type Styles struct {
	Title         lipgloss.Style // a series' host and role
	Header        lipgloss.Style // the table's column header
	Row           lipgloss.Style
	Selected      lipgloss.Style // the selected series in the list
	Predictable   lipgloss.Style // the verdict "predictable"
	Unpredictable lipgloss.Style // the verdict "unpredictable"
	TooFew        lipgloss.Style // "too few connections (N) to judge"
	Why           lipgloss.Style
	Plot          lipgloss.Style // the points
	Axis          lipgloss.Style // axis labels and frame
	Wait          lipgloss.Style // "analysing…" until the analysis is done
	Ellipsis      string
}

// NewStyles builds the ISN view's styles for a dark or light background.
func NewStyles(isDark bool) Styles {
	p := theme.For(isDark)
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	return Styles{
		Title:         fg(p.Ink).Bold(true),
		Header:        fg(p.Grey).Underline(true),
		Row:           fg(p.InkRow),
		Selected:      fg(p.Blue).Bold(true),
		Predictable:   fg(p.Crimson).Bold(true),
		Unpredictable: fg(p.Green).Bold(true),
		TooFew:        fg(p.Muted).Italic(true),
		Why:           fg(p.InkSoft),
		Plot:          fg(p.Violet),
		Axis:          fg(p.Muted),
		Wait:          fg(p.Muted).Italic(true),
		Ellipsis:      theme.Ellipsis,
	}
}
