package picker

import (
	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/ui/theme"
)

// Styles are the picker's styles, by meaning.
type Styles struct {
	Header  lipgloss.Style // the columns' titles
	Sorted  lipgloss.Style // the sort column's title, and the sort in the title line
	Row     lipgloss.Style
	Cursor  lipgloss.Style // the selected row
	Marker  lipgloss.Style // the ▸ in front of the selected row, as on the ladder
	Filter  lipgloss.Style // the count and the filter typed
	Prompt  lipgloss.Style // "filter" and "sort"
	Empty   lipgloss.Style // the line saying there is no row to show
	Refused lipgloss.Style // "refused" and "RST", as the ladder draws an RST
	Event   lipgloss.Style // the events of a conversation that has some, as on the ladder
	Legend  lipgloss.Style // what the byte columns count, at the title line's end
	Error   lipgloss.Style // why the filter typed is not a display filter, and the caret under it
}

// NewStyles builds the picker's styles for a dark or light background.
func NewStyles(isDark bool) Styles {
	p := theme.For(isDark)
	return Styles{
		Header:  lipgloss.NewStyle().Bold(true).Underline(true),
		Sorted:  lipgloss.NewStyle().Bold(true).Underline(true).Foreground(p.Accent),
		Row:     lipgloss.NewStyle(),
		Cursor:  lipgloss.NewStyle().Background(p.Selection).Bold(true),
		Marker:  lipgloss.NewStyle().Foreground(p.Accent).Bold(true),
		Filter:  lipgloss.NewStyle().Bold(true),
		Prompt:  lipgloss.NewStyle().Foreground(p.Accent),
		Empty:   lipgloss.NewStyle().Foreground(p.Muted).Italic(true),
		Refused: lipgloss.NewStyle().Foreground(p.Red).Bold(true),
		Event:   lipgloss.NewStyle().Foreground(p.Salmon).Bold(true),
		Legend:  lipgloss.NewStyle().Foreground(p.Muted),
		Error:   lipgloss.NewStyle().Foreground(p.Red).Bold(true),
	}
}
