package lesson

import (
	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/ui/theme"
)

// Styles are the lesson strip's styles, by meaning.
type Styles struct {
	Title lipgloss.Style // the first line: the lesson's title
	Dim   lipgloss.Style // the rule, the hint, what the strip says of other steps
	// Text is the lesson's own words, and Bar the bar that marks them, as
	// the explanation draws them.
	Text lipgloss.Style
	Bar  lipgloss.Style
	// Emph, Strong and Code draw the Markdown of the lesson's words:
	// *emphasis*, **strong** and `code`.
	Emph, Strong, Code lipgloss.Style
	// Ask labels a step's question and its answer; Hint says which key
	// shows the answer.
	Ask, Hint lipgloss.Style
}

// NewStyles builds the lesson strip's styles for a dark or light
// background.
func NewStyles(isDark bool) Styles {
	p := theme.For(isDark)
	return Styles{
		Title: lipgloss.NewStyle().Foreground(p.Sand).Bold(true),
		Dim:   lipgloss.NewStyle().Foreground(p.Muted),
		Text:  lipgloss.NewStyle().Foreground(p.Sand),
		Bar:   lipgloss.NewStyle().Foreground(p.Sand).Bold(true),

		Emph:   lipgloss.NewStyle().Foreground(p.Sand).Italic(true),
		Strong: lipgloss.NewStyle().Foreground(p.Sand).Bold(true),
		Code:   lipgloss.NewStyle().Foreground(p.Lilac),
		Ask:    lipgloss.NewStyle().Foreground(p.Sand).Bold(true),
		Hint:   lipgloss.NewStyle().Foreground(p.Muted).Italic(true),
	}
}
