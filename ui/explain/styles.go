package explain

import (
	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/ui/theme"
)

// Styles are the explanation's styles, by meaning.
type Styles struct {
	Text lipgloss.Style // the generated explanation
	// Lesson is the lesson's text above it, and LessonBar the bar that
	// marks it as the lesson's.
	Lesson    lipgloss.Style
	LessonBar lipgloss.Style
}

// NewStyles builds the explanation's styles for a dark or light background.
func NewStyles(isDark bool) Styles {
	p := theme.For(isDark)
	return Styles{
		Text:      lipgloss.NewStyle(),
		Lesson:    lipgloss.NewStyle().Foreground(p.Sand),
		LessonBar: lipgloss.NewStyle().Foreground(p.Sand).Bold(true),
	}
}
