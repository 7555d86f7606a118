package diagram

import (
	"image/color"

	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/ui/theme"
)

// Styles are the state diagram's styles, by meaning. The diagram never
// relies on colour alone: the client's and the server's states carry the
// letters C and S and a heavy frame, and the arrows taken at this step are
// drawn with heavy lines and filled heads where the others are light with
// hollow heads.
type Styles struct {
	Box    lipgloss.Style // the frame of a state no side is in
	Name   lipgloss.Style // the name of a state no side is in
	Client lipgloss.Style // the client's mark, box and arrows
	Server lipgloss.Style // the server's
	Both   lipgloss.Style // a box both sides are in, an arrow both took
	Edge   lipgloss.Style // an arrow not taken at this step
	Label  lipgloss.Style // the event / action of an arrow not taken
	Dim    lipgloss.Style // the legend and "no state change"
	Note   lipgloss.Style // the vantage sentence
}

// NewStyles builds the diagram's styles for a dark or light background.
// The client is blue and the server orange, as elsewhere in tcpstep: a
// pair that stays apart on both backgrounds and for most colour-blind
// eyes.
func NewStyles(isDark bool) Styles {
	p := theme.For(isDark)
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	return Styles{
		Box:    fg(p.Muted),
		Name:   fg(p.Ink),
		Client: fg(p.Blue).Bold(true),
		Server: fg(p.Orange).Bold(true),
		Both:   fg(p.Violet).Bold(true),
		Edge:   fg(p.Faint),
		Label:  fg(p.Grey),
		Dim:    fg(p.Muted),
		Note:   fg(p.Muted).Italic(true),
	}
}
