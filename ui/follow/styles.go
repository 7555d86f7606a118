package follow

import (
	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/ui/theme"
)

// Styles are the follow view's styles. Direction is also told by the
// marker line before each turn and selection by the gutter glyph, so both
// survive without colour.
type Styles struct {
	Client      lipgloss.Style // bytes the client sent
	Server      lipgloss.Style // bytes the server sent
	ClientSel   lipgloss.Style // the selected segment's bytes, client side
	ServerSel   lipgloss.Style // the selected segment's bytes, server side
	Marker      lipgloss.Style // "── client 10.0.0.1:1234 → 10.0.0.2:25 ──"
	Hole        lipgloss.Style // "[N bytes missing]" and "[N bytes not captured]"
	Offset      lipgloss.Style // hex mode: the relative SEQ of each line
	Cursor      lipgloss.Style // the gutter glyph on lines of the selected segment
	Empty       lipgloss.Style // "no payload" message
	ClientLabel lipgloss.Style // the side's name in a marker line
	ServerLabel lipgloss.Style
	Wait        lipgloss.Style // "reassembling…" until the dialogue is ready
	Error       lipgloss.Style // a reassembly that failed
}

// NewStyles builds the follow view's styles for a dark or a light
// background. The client is red and the server blue, as in Wireshark's
// Follow TCP Stream.
func NewStyles(isDark bool) Styles {
	p := theme.For(isDark)
	client := p.Coral
	server := p.DeepBlue
	muted := p.Ash
	accent := p.Accent
	hole := p.Khaki
	return Styles{
		Client:      lipgloss.NewStyle().Foreground(client),
		Server:      lipgloss.NewStyle().Foreground(server),
		ClientSel:   lipgloss.NewStyle().Foreground(client).Reverse(true).Bold(true),
		ServerSel:   lipgloss.NewStyle().Foreground(server).Reverse(true).Bold(true),
		Marker:      lipgloss.NewStyle().Foreground(muted),
		Hole:        lipgloss.NewStyle().Foreground(hole).Italic(true),
		Offset:      lipgloss.NewStyle().Foreground(muted),
		Cursor:      lipgloss.NewStyle().Foreground(accent).Bold(true),
		Empty:       lipgloss.NewStyle().Foreground(muted).Italic(true),
		ClientLabel: lipgloss.NewStyle().Foreground(client).Bold(true),
		ServerLabel: lipgloss.NewStyle().Foreground(server).Bold(true),
		Wait:        lipgloss.NewStyle().Foreground(p.Muted).Italic(true),
		Error:       lipgloss.NewStyle().Bold(true).Foreground(p.Red),
	}
}
