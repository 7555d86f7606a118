package ui

import (
	"github.com/tcpstep/tcpstep/ui/pane"
)

// Adapters put the views still drawn by the root on the pane.View
// contract while they move into packages of their own.

type ladderAdapter struct{ m *Model }

func (a *ladderAdapter) Title(pane.Context) string { return "" }

func (a *ladderAdapter) View(_ pane.Context, w, h int) string {
	m := a.m
	last, mask := m.quizLimit()
	return renderLadder(m.st, ladderView{
		tl: m.tl, conv: m.conv, rows: m.rows, cur: m.cur, top: m.top,
		absolute: m.absolute, previews: m.previews, cache: m.rowCache,
		quiz: m.quiz.on, last: last, mask: mask,
	}, w, h)
}

func (a *ladderAdapter) Key(ctx pane.Context, k pane.Key, _, _ int) pane.Result {
	m := a.m
	switch k {
	case pane.KeyDown:
		return pane.GoTo(ctx.Row + 1)
	case pane.KeyUp:
		return pane.GoTo(ctx.Row - 1)
	case pane.KeyPageDown:
		return pane.GoTo(ctx.Row + m.ladderRows())
	case pane.KeyPageUp:
		return pane.GoTo(ctx.Row - m.ladderRows())
	case pane.KeyWheelUp, pane.KeyWheelDown:
		d := 3
		if k == pane.KeyWheelUp {
			d = -3
		}
		m.top += d
		m.clampTop()
		m.fetchVisible()
		return pane.Used()
	}
	return pane.Unused
}

func (a *ladderAdapter) Click(_ pane.Context, _, y, _, _ int) pane.Result {
	m := a.m
	if y >= 1 {
		if i := m.top + y - 1; i < len(m.rows) {
			return pane.GoTo(i)
		}
	}
	return pane.Used()
}

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
