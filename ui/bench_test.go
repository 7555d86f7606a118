package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// BenchmarkStep measures one step (the → key's Update) and the redraw of
// the whole screen that follows, in a conversation of over 150,000 rows:
// the cost must not grow with the conversation, as only the rows on screen
// are built. Run with: go test ./ui -run - -bench Step -benchmem
func BenchmarkStep(b *testing.B) {
	for _, sz := range [][2]int{{80, 24}, {200, 50}} {
		b.Run(map[int]string{80: "80x24", 200: "200x50"}[sz[0]], func(b *testing.B) {
			src := bigConversation(benchSegments)
			m := loadedModel(b, src, Options{Stream: -1}, sz[0], sz[1])
			if len(m.rows) < benchSegments {
				b.Fatalf("only %d rows", len(m.rows))
			}
			m = press(b, m, "G")
			m = press(b, m, "g")
			right := tea.KeyPressMsg{Code: tea.KeyRight}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if m.cur == len(m.rows)-1 {
					m.cur, m.top = 0, 0
				}
				nm, _ := m.Update(right)
				m = nm.(Model)
				_ = m.View()
			}
		})
	}
}

// benchSegments is the conversation's number of data segments (with their
// ACKs, 1.5 times as many rows).
var benchSegments = 100_000
