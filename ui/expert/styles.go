package expert

import (
	"image/color"

	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// Styles are the expert view's styles, by meaning.
type Styles struct {
	Title    lipgloss.Style // "Whole capture: 18 findings"
	Hint     lipgloss.Style // "m: stream 0 alone"
	Header   lipgloss.Style // the column header
	Severity [model.NumSeverities]lipgloss.Style
	Count    lipgloss.Style
	Conv     lipgloss.Style // the selected conversation's count beside the capture's
	Zero     lipgloss.Style // a count of 0 in the conversation's column
	Tree     lipgloss.Style // + and - of a row that opens
	Event    lipgloss.Style // the kind's name
	Summary  lipgloss.Style // the kind's words
	Frame    lipgloss.Style // a frame of the selected conversation
	Other    lipgloss.Style // a frame of another conversation
	Step     lipgloss.Style // the • of the frame the stepper shows
	Cursor   lipgloss.Style // the selected line
	Marker   lipgloss.Style // the ▸ in front of it
	Empty    lipgloss.Style // "No findings …"
	Wait     lipgloss.Style // "analysing…" until the analysis is done
	Error    lipgloss.Style // an analysis that failed
	Ellipsis string
}

// NewStyles builds the expert view's styles for a dark or light
// background. The severities take Wireshark's colours as the palette has
// them: errors red, warnings amber, notes teal, chats grey.
func NewStyles(isDark bool) Styles {
	p := theme.For(isDark)
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	return Styles{
		Title:  fg(p.Ink).Bold(true),
		Hint:   fg(p.Muted),
		Header: fg(p.Grey).Underline(true),
		Severity: [model.NumSeverities]lipgloss.Style{
			model.SeverityChat:    fg(p.Grey).Bold(true),
			model.SeverityNote:    fg(p.Teal).Bold(true),
			model.SeverityWarning: fg(p.Amber).Bold(true),
			model.SeverityError:   fg(p.Red).Bold(true),
		},
		Count:    fg(p.InkStrong),
		Conv:     fg(p.Blue),
		Zero:     fg(p.Muted),
		Tree:     fg(p.Accent),
		Event:    fg(p.Salmon),
		Summary:  fg(p.InkSoft),
		Frame:    fg(p.InkRow),
		Other:    fg(p.Muted),
		Step:     fg(p.Accent).Bold(true),
		Cursor:   lipgloss.NewStyle().Background(p.Selection).Bold(true),
		Marker:   fg(p.Accent).Bold(true),
		Empty:    fg(p.Muted).Italic(true),
		Wait:     fg(p.Muted).Italic(true),
		Error:    fg(p.Red).Bold(true),
		Ellipsis: theme.Ellipsis,
	}
}
