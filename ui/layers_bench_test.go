package ui

import (
	"testing"

	"github.com/tcpstep/tcpstep/model"
)

func BenchmarkLayersView(b *testing.B) {
	data, d := lyTestFrame(b, []byte("HELO mail.example.org\r\n"))
	st := NewLayerStyles(true)
	var p layersPane
	p.setFrame(data, d)
	b.ReportAllocs()
	for b.Loop() {
		_ = p.View(st, 78, 20)
	}
}

func BenchmarkStatesFull(b *testing.B) {
	st := NewDiagramStyles(true)
	b.ReportAllocs()
	for b.Loop() {
		_ = renderStates(st, 4, 3, []model.Transition{mvRcvSynAck}, 70, 32)
	}
}
