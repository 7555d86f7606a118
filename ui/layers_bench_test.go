package ui

import (
	"testing"
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
