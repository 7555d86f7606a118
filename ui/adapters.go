package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

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

type statesAdapter struct{ m *Model }

func (a *statesAdapter) Title(pane.Context) string {
	c, s, _ := a.m.statesAt(a.m.cur)
	return fmt.Sprintf("C %s  S %s", c, s)
}

func (a *statesAdapter) View(_ pane.Context, w, h int) string { return a.m.statesPane(w, h) }

func (a *statesAdapter) Key(ctx pane.Context, k pane.Key, _, _ int) pane.Result {
	switch k {
	case pane.KeyDown:
		return pane.GoTo(ctx.Row + 1)
	case pane.KeyUp:
		return pane.GoTo(ctx.Row - 1)
	}
	return pane.Unused
}

type layersAdapter struct{ m *Model }

func (a *layersAdapter) Title(ctx pane.Context) string {
	if ctx.Row < len(ctx.Rows) {
		return fmt.Sprintf("frame %d", ctx.Rows[ctx.Row].Frame)
	}
	return ""
}

func (a *layersAdapter) View(_ pane.Context, w, h int) string {
	return a.m.layers.View(a.m.st.Layers, w, h)
}

func (a *layersAdapter) Key(_ pane.Context, k pane.Key, _, _ int) pane.Result {
	codes := map[pane.Key]rune{pane.KeyUp: tea.KeyUp, pane.KeyDown: tea.KeyDown, pane.KeyPageUp: tea.KeyPgUp, pane.KeyPageDown: tea.KeyPgDown}
	n := 1
	switch k {
	case pane.KeyWheelUp:
		k, n = pane.KeyUp, 3
	case pane.KeyWheelDown:
		k, n = pane.KeyDown, 3
	}
	code, ok := codes[k]
	if !ok {
		return pane.Unused
	}
	for range n {
		a.m.layers.Update(tea.KeyPressMsg{Code: code})
	}
	return pane.Used()
}
