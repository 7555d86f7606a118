// Package theme is tcpstep's palette: every colour the interface draws with,
// named, each a pair for a light and a dark terminal background. The
// styles of every view are built from it, so a colour is changed in one
// place and two views that mean the same thing look the same.
package theme

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Glyphs every view shares.
const (
	Ellipsis = "…" // text cut to fit
	Cursor   = "▸" // the selected row
	Line     = "─" // a rule
	// LessonBar marks a lesson's text, in its strip and above the
	// explanation, as the lesson's and not the stepper's.
	LessonBar = "┃"
)

// Palette holds the colours for one background.
type Palette struct {
	Accent    color.Color // focus, keys, the cursor mark
	Amber     color.Color // FIN, payload layers, closing states
	Ash       color.Color // follow's dim text
	Blue      color.Color // data, IP, the client's side
	Coral     color.Color // the client's bytes in follow
	Crimson   color.Color // warnings in tables (Send-Q, predictable ISNs), malformed messages
	Cyan      color.Color // the application layer (SMTP, TLS): its box, its bytes, its names on the ladder
	DeepBlue  color.Color // the server's bytes in follow
	Faint     color.Color // boxes and axes
	Fainter   color.Color // edges not taken
	Green     color.Color // SYN, TCP, a move taken, a right answer
	Grey      color.Color // headers and notes
	GreyTick  color.Color // axis ticks
	Ink       color.Color // titles and labels
	InkBright color.Color // the step counter
	InkRow    color.Color // table rows
	InkSoft   color.Color // secondary text
	InkStrong color.Color // field values
	Khaki     color.Color // gaps in follow
	Lilac     color.Color // payload previews
	Muted     color.Color // borders, numbers, dim text
	Ochre     color.Color // fragment and ICMP rows
	Orange    color.Color // the server's side
	Pewter    color.Color // trailers
	Pink      color.Color // tunnels
	Purple    color.Color // link layers, the window
	Red       color.Color // RST, errors, a wrong answer
	Rust      color.Color // the numbering mode, the quiz score
	Salmon    color.Color // analysis events
	Sand      color.Color // the lesson
	Selection color.Color // the selected row's background
	Slate     color.Color // pure ACKs
	SlateSoft color.Color // field names
	Teal      color.Color // states written beside the ladder, endpoints in the header
	Violet    color.Color // both sides at once, plots
}

// For returns the palette for a dark or a light background.
func For(isDark bool) Palette {
	ld := lipgloss.LightDark(isDark)
	return Palette{
		Accent:    ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#B4A7FF")),
		Amber:     ld(lipgloss.Color("#9A6700"), lipgloss.Color("#E3B341")),
		Ash:       ld(lipgloss.Color("#767676"), lipgloss.Color("#8A8A8A")),
		Blue:      ld(lipgloss.Color("#0550AE"), lipgloss.Color("#79C0FF")),
		Coral:     ld(lipgloss.Color("#B3261E"), lipgloss.Color("#FF8A80")),
		Crimson:   ld(lipgloss.Color("#CF222E"), lipgloss.Color("#FF7B72")),
		Cyan:      ld(lipgloss.Color("#0B7285"), lipgloss.Color("#3BC9DB")),
		DeepBlue:  ld(lipgloss.Color("#1A4FA0"), lipgloss.Color("#82B1FF")),
		Faint:     ld(lipgloss.Color("#9E9E9E"), lipgloss.Color("#5C5C5C")),
		Fainter:   ld(lipgloss.Color("#B0B0B0"), lipgloss.Color("#4A4A4A")),
		Green:     ld(lipgloss.Color("#1B7F1B"), lipgloss.Color("#7EE787")),
		Grey:      ld(lipgloss.Color("#6E6E6E"), lipgloss.Color("#8A8A8A")),
		GreyTick:  ld(lipgloss.Color("#6E6E6E"), lipgloss.Color("#8B949E")),
		Ink:       ld(lipgloss.Color("#303030"), lipgloss.Color("#E0E0E0")),
		InkBright: ld(lipgloss.Color("#303030"), lipgloss.Color("#F0F0F0")),
		InkRow:    ld(lipgloss.Color("#303030"), lipgloss.Color("#D0D0D0")),
		InkSoft:   ld(lipgloss.Color("#505050"), lipgloss.Color("#A8A8A8")),
		InkStrong: ld(lipgloss.Color("#1F2328"), lipgloss.Color("#E6EDF3")),
		Khaki:     ld(lipgloss.Color("#8A5A00"), lipgloss.Color("#F2CC8F")),
		Lilac:     ld(lipgloss.Color("#6E5494"), lipgloss.Color("#D2A8FF")),
		Muted:     ld(lipgloss.Color("#8A8A8A"), lipgloss.Color("#6C6C6C")),
		Ochre:     ld(lipgloss.Color("#8A5A00"), lipgloss.Color("#D29922")),
		Orange:    ld(lipgloss.Color("#A0410D"), lipgloss.Color("#FFA657")),
		Pewter:    ld(lipgloss.Color("#6E7781"), lipgloss.Color("#8B949E")),
		Pink:      ld(lipgloss.Color("#BF3989"), lipgloss.Color("#FF9BCE")),
		Purple:    ld(lipgloss.Color("#8250DF"), lipgloss.Color("#D2A8FF")),
		Red:       ld(lipgloss.Color("#C62828"), lipgloss.Color("#FF7B72")),
		Rust:      ld(lipgloss.Color("#B3541E"), lipgloss.Color("#FFB86C")),
		Salmon:    ld(lipgloss.Color("#B3261E"), lipgloss.Color("#FFA198")),
		Sand:      ld(lipgloss.Color("#7A4A00"), lipgloss.Color("#F2CC8F")),
		Selection: ld(lipgloss.Color("#E4DEFF"), lipgloss.Color("#2E2A4A")),
		Slate:     ld(lipgloss.Color("#404040"), lipgloss.Color("#C9D1D9")),
		SlateSoft: ld(lipgloss.Color("#57606A"), lipgloss.Color("#8B949E")),
		Teal:      ld(lipgloss.Color("#00695C"), lipgloss.Color("#7FDBCA")),
		Violet:    ld(lipgloss.Color("#6E3FC0"), lipgloss.Color("#D2A8FF")),
	}
}
