package help

import (
	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/ui/theme"
)

// Styles are the help screen's styles, by meaning. The keys themselves
// are drawn in the styles of the Page's Keys.
type Styles struct {
	Title lipgloss.Style // the page's title
	More  lipgloss.Style // the "↓ more" of a page cut short
	Dim   lipgloss.Style // the notes, and how to scroll
}

// NewStyles builds the help screen's styles for a dark or light background.
func NewStyles(isDark bool) Styles {
	p := theme.For(isDark)
	title := lipgloss.NewStyle().Bold(true).Foreground(p.Accent)
	return Styles{
		Title: title,
		More:  title,
		Dim:   lipgloss.NewStyle().Foreground(p.Muted),
	}
}
