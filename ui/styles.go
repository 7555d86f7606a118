package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/ui/lesson"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// Glyphs are constants so that every pane draws the same picture. They are
// box-drawing and geometric characters, one cell wide in every terminal we
// know of; emoji are avoided because terminals disagree on their width.
const (
	glyphLine      = theme.Line
	glyphCursor    = theme.Cursor
	glyphBoth      = "⇄"
	glyphEllipsis  = theme.Ellipsis
	glyphLessonBar = theme.LessonBar
)

// styles holds every style the interface uses, by meaning rather than by
// colour, so the root asks for Footer.Error and not for "red". Each view's
// package has its own styles, built by the view for the terminal's
// background (pane.Themed).
type styles struct {
	IsDark bool

	Header struct {
		Base     lipgloss.Style
		Title    lipgloss.Style
		Name     lipgloss.Style
		Endpoint lipgloss.Style
		Step     lipgloss.Style
		Mode     lipgloss.Style
	}
	Tabs struct {
		Active   lipgloss.Style
		Inactive lipgloss.Style
		Gap      lipgloss.Style
	}
	Pane struct {
		Border        lipgloss.Style
		BorderFocused lipgloss.Style
		Title         lipgloss.Style
		TitleFocused  lipgloss.Style
	}
	// Lesson is the lesson strip's styles.
	Lesson lesson.Styles

	Footer struct {
		Base     lipgloss.Style
		Error    lipgloss.Style
		Progress lipgloss.Style
		Bar      lipgloss.Style
		// Note is a message that is not an error (where an export was
		// written), shown until the next key.
		Note lipgloss.Style
		// Prompt is the lead of a line typed in the footer (: or /) and
		// the search that n and N repeat.
		Prompt lipgloss.Style
	}
	// Views is the placeholder of a view with nothing to show yet.
	Views struct {
		Wait lipgloss.Style
	}
	Help help.Styles
}

// newStyles builds the styles for a dark or a light terminal background.
// Colours that the terminal cannot show are downsampled by Bubble Tea's
// colour profile, which also honours NO_COLOR; nothing here reads the
// environment. Every distinction that matters (selected row, focused pane,
// direction) is also made by a glyph or an attribute, so it survives when
// colour is gone.
func newStyles(isDark bool) styles {
	p := theme.For(isDark)
	c := func(col color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(col) }
	var s styles
	s.IsDark = isDark

	accent := p.Accent
	muted := p.Muted

	s.Header.Base = lipgloss.NewStyle()
	s.Header.Title = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Header.Name = c(p.Ink)
	s.Header.Endpoint = c(p.Teal).Bold(true)
	s.Header.Step = c(p.InkBright).Bold(true)
	s.Header.Mode = lipgloss.NewStyle().Bold(true).Foreground(p.Rust)

	s.Tabs.Active = lipgloss.NewStyle().Bold(true).Reverse(true).Foreground(accent)
	s.Tabs.Inactive = lipgloss.NewStyle().Foreground(muted)
	s.Tabs.Gap = lipgloss.NewStyle().Foreground(muted)

	s.Pane.Border = lipgloss.NewStyle().Foreground(muted)
	s.Pane.BorderFocused = lipgloss.NewStyle().Foreground(accent)
	s.Pane.Title = lipgloss.NewStyle().Foreground(muted)
	s.Pane.TitleFocused = lipgloss.NewStyle().Bold(true).Foreground(accent)

	s.Lesson = lesson.NewStyles(isDark)

	s.Footer.Base = lipgloss.NewStyle().Foreground(muted)
	s.Footer.Error = lipgloss.NewStyle().Bold(true).Foreground(p.Red)
	s.Footer.Progress = lipgloss.NewStyle().Foreground(accent)
	s.Footer.Bar = lipgloss.NewStyle().Foreground(accent)
	s.Footer.Note = lipgloss.NewStyle().Bold(true).Foreground(p.Green)
	s.Footer.Prompt = lipgloss.NewStyle().Bold(true).Foreground(accent)

	s.Views.Wait = lipgloss.NewStyle().Foreground(muted).Italic(true)

	s.Help = help.DefaultStyles(isDark)
	s.Help.ShortKey = s.Help.ShortKey.Bold(true).Foreground(accent)
	s.Help.FullKey = s.Help.FullKey.Bold(true).Foreground(accent)
	return s
}
