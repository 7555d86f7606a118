package ui

// Temporary stand-ins for the panes another helper is writing (ui/states.go,
// ui/layers.go, model/explain.go). This file goes once theirs land.

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/model"
)

type DiagramStyles struct{ Client, Server lipgloss.Style }

func NewDiagramStyles(isDark bool) DiagramStyles {
	return DiagramStyles{Client: lipgloss.NewStyle().Bold(true), Server: lipgloss.NewStyle().Bold(true)}
}

type transitionPH struct {
	Dir      model.Dir
	From, To model.State
}

func renderStates(st DiagramStyles, client, server model.State, moves []transitionPH, w, h int) string {
	var b strings.Builder
	for _, s := range model.AllStates() {
		m := "   "
		if s == client {
			m = "[C]"
		}
		if s == server {
			m = "[S]"
		}
		if s == client && s == server {
			m = "C+S"
		}
		fmt.Fprintf(&b, "%s %s\n", m, s)
	}
	for _, mv := range moves {
		fmt.Fprintf(&b, "%s: %s -> %s\n", mv.Dir, mv.From, mv.To)
	}
	return b.String()
}

func movesAt(tl *model.Timeline, c *model.Conversation, seg int) []transitionPH { return nil }

type LayerStyles struct{ Name lipgloss.Style }

func NewLayerStyles(isDark bool) LayerStyles {
	return LayerStyles{Name: lipgloss.NewStyle().Bold(true)}
}

type layersPane struct {
	data []byte
	d    model.Dissection
	cur  int
}

func (p *layersPane) setFrame(data []byte, d model.Dissection) { p.data, p.d, p.cur = data, d, 0 }

func (p *layersPane) Update(msg tea.KeyPressMsg) {
	switch msg.String() {
	case "up", "k":
		p.cur = max(p.cur-1, 0)
	case "down", "j":
		p.cur++
	}
}

func (p layersPane) View(st LayerStyles, w, h int) string {
	var b strings.Builder
	for _, l := range p.d.Layers {
		fmt.Fprintf(&b, "%s [%d,%d)\n", l.Name, l.Start, l.End)
		for _, f := range l.Fields {
			fmt.Fprintf(&b, "  %s: %s\n", f.Name, f.Value)
		}
	}
	fmt.Fprintf(&b, "%d bytes\n", len(p.data))
	return b.String()
}

func explainStep(tl *model.Timeline, seg int, absolute bool) []string {
	return []string{fmt.Sprintf("segment %d (explanation pending)", seg)}
}
