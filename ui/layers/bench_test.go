package layers

import "testing"

func BenchmarkLayersView(b *testing.B) {
	data, d := testFrame(b, []byte("HELO mail.example.org\r\n"))
	st := NewStyles(true)
	var p Pane
	p.setFrame(data, d)
	b.ReportAllocs()
	for b.Loop() {
		_ = p.render(st, 78, 20)
	}
}
