package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/ui/follow"
	"github.com/tcpstep/tcpstep/ui/graph"
	"github.com/tcpstep/tcpstep/ui/isn"
	"github.com/tcpstep/tcpstep/ui/lesson"
	"github.com/tcpstep/tcpstep/ui/netstat"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// Glyphs are constants so that every pane draws the same picture. They are
// box-drawing and geometric characters, one cell wide in every terminal we
// know of; emoji are avoided because terminals disagree on their width.
const (
	glyphArrowRight = "▶"
	glyphArrowLeft  = "◀"
	glyphLine       = theme.Line
	glyphDotted     = "┄"
	glyphLane       = "│"
	glyphCursor     = theme.Cursor
	// glyphRevised marks a state that later evidence changed after the row
	// was first shown (a live capture).
	glyphRevised   = "↺"
	glyphBoth      = "⇄"
	glyphEllipsis  = theme.Ellipsis
	glyphRight     = "✓"
	glyphWrong     = "✗"
	glyphLessonBar = theme.LessonBar
	glyphHidden    = "?"
)

// Styles holds every style the interface uses, by meaning rather than by
// colour, so a pane asks for Ladder.SYN and not for "green". The panes
// written as pure render functions (state diagram, layers) carry their own
// style structs, embedded here so that one NewStyles call builds all of them
// for the terminal's background.
type Styles struct {
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
	Ladder struct {
		Column    lipgloss.Style // the CLIENT / SERVER header line
		Lane      lipgloss.Style
		Number    lipgloss.Style
		Time      lipgloss.Style
		State     lipgloss.Style
		SYN       lipgloss.Style
		FIN       lipgloss.Style
		RST       lipgloss.Style
		Data      lipgloss.Style
		ACK       lipgloss.Style
		Event     lipgloss.Style
		Payload   lipgloss.Style
		Extra     lipgloss.Style // fragment and ICMP rows
		Cursor    lipgloss.Style // the selected row
		Marker    lipgloss.Style // the ▸ in front of the selected row
		Scrollbar lipgloss.Style
	}
	Picker struct {
		Header  lipgloss.Style
		Sorted  lipgloss.Style
		Row     lipgloss.Style
		Cursor  lipgloss.Style
		Filter  lipgloss.Style
		Prompt  lipgloss.Style
		Empty   lipgloss.Style
		Refused lipgloss.Style
		Reset   lipgloss.Style
	}
	// Dim is the help screen's notes; Lesson is the lesson strip's styles.
	Dim    lipgloss.Style
	Lesson lesson.Styles

	Quiz struct {
		Title  lipgloss.Style
		Score  lipgloss.Style
		Dim    lipgloss.Style
		Prompt lipgloss.Style
		Right  lipgloss.Style
		Wrong  lipgloss.Style
		Hidden lipgloss.Style // the ? of a masked field on the ladder
	}
	Footer struct {
		Base     lipgloss.Style
		Error    lipgloss.Style
		Progress lipgloss.Style
		Bar      lipgloss.Style
		// Note is a message that is not an error (where an export was
		// written), shown until the next key.
		Note lipgloss.Style
	}
	// Views is the one-line note under a view (the vantage sentence under
	// the state diagram) and the placeholder of a view with nothing to show
	// yet.
	Views struct {
		Note lipgloss.Style
		Wait lipgloss.Style
	}
	Help help.Styles

	Diagram DiagramStyles
	Layers  LayerStyles
	Follow  follow.Styles
	Graph   graph.Styles
	Netstat netstat.Styles
	ISN     isn.Styles
}

// NewStyles builds the styles for a dark or a light terminal background.
// Colours that the terminal cannot show are downsampled by Bubble Tea's
// colour profile, which also honours NO_COLOR; nothing here reads the
// environment. Every distinction that matters (selected row, focused pane,
// direction) is also made by a glyph or an attribute, so it survives when
// colour is gone.
func NewStyles(isDark bool) Styles {
	p := theme.For(isDark)
	c := func(col color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(col) }
	var s Styles
	s.IsDark = isDark

	accent := p.Accent
	muted := p.Muted
	selBG := p.Selection

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

	s.Ladder.Column = lipgloss.NewStyle().Bold(true)
	s.Ladder.Lane = lipgloss.NewStyle().Foreground(muted)
	s.Ladder.Number = lipgloss.NewStyle().Foreground(muted)
	s.Ladder.Time = lipgloss.NewStyle().Foreground(muted)
	s.Ladder.State = c(p.Teal)
	s.Ladder.SYN = c(p.Green)
	s.Ladder.FIN = c(p.Amber)
	s.Ladder.RST = c(p.Red).Bold(true)
	s.Ladder.Data = c(p.Blue)
	s.Ladder.ACK = c(p.Slate)
	s.Ladder.Event = c(p.Salmon).Bold(true)
	s.Ladder.Payload = c(p.Lilac)
	s.Ladder.Extra = c(p.Ochre).Italic(true)
	s.Ladder.Cursor = lipgloss.NewStyle().Background(selBG).Bold(true)
	s.Ladder.Marker = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.Ladder.Scrollbar = lipgloss.NewStyle().Foreground(muted)

	s.Picker.Header = lipgloss.NewStyle().Bold(true).Underline(true)
	s.Picker.Sorted = lipgloss.NewStyle().Bold(true).Underline(true).Foreground(accent)
	s.Picker.Row = lipgloss.NewStyle()
	s.Picker.Cursor = lipgloss.NewStyle().Background(selBG).Bold(true)
	s.Picker.Filter = lipgloss.NewStyle().Bold(true)
	s.Picker.Prompt = lipgloss.NewStyle().Foreground(accent)
	s.Picker.Empty = lipgloss.NewStyle().Foreground(muted).Italic(true)
	s.Picker.Refused = s.Ladder.RST
	s.Picker.Reset = s.Ladder.RST

	s.Dim = lipgloss.NewStyle().Foreground(muted)
	s.Lesson = lesson.NewStyles(isDark)

	s.Quiz.Title = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Quiz.Score = s.Header.Mode
	s.Quiz.Dim = lipgloss.NewStyle().Foreground(muted)
	s.Quiz.Prompt = lipgloss.NewStyle().Bold(true)
	s.Quiz.Right = c(p.Green).Bold(true)
	s.Quiz.Wrong = c(p.Red)
	s.Quiz.Hidden = lipgloss.NewStyle().Bold(true).Foreground(accent)

	s.Footer.Base = lipgloss.NewStyle().Foreground(muted)
	s.Footer.Error = lipgloss.NewStyle().Bold(true).Foreground(p.Red)
	s.Footer.Progress = lipgloss.NewStyle().Foreground(accent)
	s.Footer.Bar = lipgloss.NewStyle().Foreground(accent)
	s.Footer.Note = lipgloss.NewStyle().Bold(true).Foreground(p.Green)

	s.Views.Note = lipgloss.NewStyle().Foreground(muted).Italic(true)
	s.Views.Wait = lipgloss.NewStyle().Foreground(muted).Italic(true)

	s.Help = help.DefaultStyles(isDark)
	s.Help.ShortKey = s.Help.ShortKey.Bold(true).Foreground(accent)
	s.Help.FullKey = s.Help.FullKey.Bold(true).Foreground(accent)

	s.Diagram = NewDiagramStyles(isDark)
	s.Layers = NewLayerStyles(isDark)
	s.Follow = follow.NewStyles(isDark)
	s.Graph = graph.NewStyles(isDark)
	s.Netstat = netstat.NewStyles(isDark)
	s.ISN = isn.NewStyles(isDark)
	return s
}
