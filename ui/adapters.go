package ui

import (
	"github.com/tcpstep/tcpstep/ui/pane"
)

// Adapters put the views still drawn by the root on the pane.View
// contract while they move into packages of their own.

type explainAdapter struct{ m *Model }

func (a *explainAdapter) Title(pane.Context) string { return "" }

func (a *explainAdapter) View(_ pane.Context, w, h int) string { return a.m.renderExplain(w, h) }

func (a *explainAdapter) Key(_ pane.Context, k pane.Key, _, h int) pane.Result {
	page := max(h-1, 1)
	switch k {
	case pane.KeyDown:
		a.m.scrollExplain(1)
	case pane.KeyUp:
		a.m.scrollExplain(-1)
	case pane.KeyPageDown:
		a.m.scrollExplain(page)
	case pane.KeyPageUp:
		a.m.scrollExplain(-page)
	case pane.KeyWheelDown:
		a.m.scrollExplain(3)
	case pane.KeyWheelUp:
		a.m.scrollExplain(-3)
	default:
		return pane.Unused
	}
	return pane.Used()
}
