package layers

import (
	"image/color"

	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// Styles are the layers pane's styles. Each layer kind has a colour,
// shared by its box and by its bytes in the hex dump, so the eye can match a
// header to its bytes; the selected field is drawn reversed in both places,
// which reads without colour too.
type Styles struct {
	Kind     [7]lipgloss.Style // by model.LayerKind: link, tunnel, ip, transport, payload, trailer; then LayerApp
	Title    lipgloss.Style    // a layer's name in its box's top edge (takes the kind's colour)
	Field    lipgloss.Style    // a field's name
	Value    lipgloss.Style    // a field's value
	Selected lipgloss.Style    // the selected field's line and its bytes
	Offset   lipgloss.Style    // the hex dump's offset column
	Unowned  lipgloss.Style    // bytes no layer claims
	Problem  lipgloss.Style    // why decoding stopped early
	Dim      lipgloss.Style    // scroll hints, "no bytes"
}

// NewStyles builds the layers pane's styles for a dark or light
// background.
func NewStyles(isDark bool) Styles {
	p := theme.For(isDark)
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	var s Styles
	s.Kind[model.LayerLink] = fg(p.Purple)
	s.Kind[model.LayerTunnel] = fg(p.Pink)
	s.Kind[model.LayerIP] = fg(p.Blue)
	s.Kind[model.LayerTransport] = fg(p.Green)
	s.Kind[model.LayerPayload] = fg(p.Amber)
	s.Kind[model.LayerTrailer] = fg(p.Pewter)
	s.Kind[LayerApp] = fg(p.Cyan)
	s.Title = lipgloss.NewStyle().Bold(true)
	s.Field = fg(p.SlateSoft)
	s.Value = fg(p.InkStrong)
	s.Selected = lipgloss.NewStyle().Reverse(true).Bold(true)
	s.Offset = fg(p.Muted)
	s.Unowned = fg(p.Muted)
	s.Problem = fg(p.Red).Bold(true)
	s.Dim = fg(p.Muted)
	return s
}
