package quiz

import (
	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/ui/theme"
)

// Styles are the quiz panel's styles, by meaning.
type Styles struct {
	Title  lipgloss.Style // "── Quiz"
	Score  lipgloss.Style // the score, as the header's numbering mode
	Dim    lipgloss.Style // the seed, the rule, the hints
	Prompt lipgloss.Style // the question and the answer's prompt
	Right  lipgloss.Style // the feedback on a right answer
	Wrong  lipgloss.Style // the feedback on a wrong one
}

// NewStyles builds the quiz panel's styles for a dark or a light
// background.
func NewStyles(isDark bool) Styles {
	p := theme.For(isDark)
	return Styles{
		Title:  lipgloss.NewStyle().Bold(true).Foreground(p.Accent),
		Score:  lipgloss.NewStyle().Bold(true).Foreground(p.Rust),
		Dim:    lipgloss.NewStyle().Foreground(p.Muted),
		Prompt: lipgloss.NewStyle().Bold(true),
		Right:  lipgloss.NewStyle().Foreground(p.Green).Bold(true),
		Wrong:  lipgloss.NewStyle().Foreground(p.Red),
	}
}
