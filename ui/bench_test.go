package ui

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/synth"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/picker"
	"github.com/tcpstep/tcpstep/ui/search"
)

// benchSegments is the length of the benchmarks' conversation: a step must
// cost the same in it as in a ten-segment one, since only what is on screen
// is drawn.
const benchSegments = 1_000_000

// benchConversations is how many conversations the picker's benchmark
// shows: a busy server's capture.
const benchConversations = 25_000

// decodedSource is a Source over a capture decoded once: Load returns the
// timeline already built, so that a benchmark's setup does not decode it
// again; frames are re-read from the capture's bytes as the program does.
type decodedSource struct {
	*decode.Input
	tl *model.Timeline
}

func (s decodedSource) Load(progress func(done, total int64)) (*model.Timeline, error) {
	progress(1, 1)
	return s.tl, nil
}

// benchCapture decodes synth's capture of n frames over conns
// conversations, once per process and arguments.
func benchCapture(b *testing.B, n, conns int) decodedSource {
	b.Helper()
	k := [2]int{n, conns}
	benchMu.Lock()
	defer benchMu.Unlock()
	if s, ok := benchCaps[k]; ok {
		return s
	}
	in, err := decode.OpenBytes(fmt.Sprintf("synth-%d-%d.pcap", n, conns), synth.Capture(n, conns))
	if err != nil {
		b.Fatal(err)
	}
	tl, err := in.Load(nil)
	if err != nil {
		b.Fatal(err)
	}
	if len(tl.Segments) != n || len(tl.Conversations) != conns {
		b.Fatalf("got %d segments in %d conversations, want %d in %d", len(tl.Segments), len(tl.Conversations), n, conns)
	}
	s := decodedSource{in, tl}
	benchCaps[k] = s
	return s
}

var (
	benchMu   sync.Mutex
	benchCaps = map[[2]int]decodedSource{}
)

// BenchmarkStep measures one step as the user takes it (→ through Update)
// and the redraw of the whole screen that follows, in the middle of one
// conversation of a million segments, with each view that steps in front:
// every tab on small screens, the four panes and the analyst's views in
// the split layout. The cost must not grow with the conversation. Run with:
//
//	go test ./ui -run '^$' -bench Step -benchmem
func BenchmarkStep(b *testing.B) {
	type view struct {
		name string
		key  string // the number key that puts it in front
	}
	tabs := []view{{"ladder", "1"}, {"states", "2"}, {"layers", "3"}, {"explain", "4"}, {"follow", "5"}, {"graph", "6"}, {"netstat", "7"}, {"isn", "8"}}
	split := []view{{"default", ""}, {"follow", "5"}, {"graph", "6"}, {"netstat", "7"}, {"isn", "8"}}
	for _, sz := range []struct {
		w, h  int
		views []view
	}{{80, 24, tabs}, {120, 40, tabs}, {200, 50, split}} {
		for _, v := range sz.views {
			b.Run(fmt.Sprintf("%dx%d/%s", sz.w, sz.h, v.name), func(b *testing.B) {
				src := benchCapture(b, benchSegments, 1)
				m := loadedModel(b, src, Options{Stream: -1}, sz.w, sz.h)
				if len(m.rows) != benchSegments {
					b.Fatalf("%d rows, want %d", len(m.rows), benchSegments)
				}
				if v.key != "" {
					// The follow view's reassembly runs as a command.
					m = pressRun(b, m, v.key)
				}
				mid := len(m.rows) / 2
				m.setCur(mid)
				right := tea.KeyPressMsg{Code: tea.KeyRight}
				_ = m.View()
				// The setup's garbage is collected before the clock starts,
				// not by the steps measured.
				runtime.GC()
				b.ReportAllocs()
				b.ResetTimer()
				cpu := cpuTimeNS()
				for b.Loop() {
					if m.cur == len(m.rows)-1 {
						m.setCur(mid)
					}
					nm, _ := m.Update(right)
					m = nm.(*Model)
					_ = m.View()
				}
				reportCPU(b, cpu)
			})
		}
	}
}

// reportCPU adds the process's CPU time per operation since cpu (all of
// its threads: the garbage collector's work counts) as cpu-ns/op. The
// machines these run on are often shared, and there the wall clock's
// ns/op swings with the neighbours' load while this does much less.
func reportCPU(b *testing.B, cpu int64) {
	if d := cpuTimeNS() - cpu; cpu > 0 && d > 0 {
		b.ReportMetric(float64(d)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkScreenViews measures what comes before the first step: the
// model's creation, Init and the first frames of the loading screen for a
// big capture still being indexed, and the picker of a capture of 25,000
// conversations (its first View, then a move and a redraw).
func BenchmarkScreenViews(b *testing.B) {
	b.Run("loading", func(b *testing.B) {
		src := benchCapture(b, benchSegments, 1)
		runtime.GC()
		b.ReportAllocs()
		b.ResetTimer()
		cpu := cpuTimeNS()
		for b.Loop() {
			m := New(src, Options{Stream: -1})
			_ = m.Init()
			nm, _ := m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
			_ = nm.(*Model).View()
			nm, _ = nm.Update(loadProgressMsg{done: 1 << 20, total: 1 << 27})
			_ = nm.(*Model).View()
		}
		reportCPU(b, cpu)
	})
	b.Run("picker-open", func(b *testing.B) {
		src := benchCapture(b, 4*benchConversations, benchConversations)
		runtime.GC()
		b.ReportAllocs()
		b.ResetTimer()
		cpu := cpuTimeNS()
		for b.Loop() {
			m := New(src, Options{Stream: -1})
			m = update(b, m, tea.WindowSizeMsg{Width: 200, Height: 50})
			m = update(b, m, loadedMsg{src.tl, nil})
			_ = m.View()
		}
		reportCPU(b, cpu)
	})
	for _, sz := range [][2]int{{80, 24}, {200, 50}} {
		b.Run(fmt.Sprintf("picker-move/%dx%d", sz[0], sz[1]), func(b *testing.B) {
			src := benchCapture(b, 4*benchConversations, benchConversations)
			m := loadedModel(b, src, Options{Stream: -1}, sz[0], sz[1])
			shown := m.picker.Shown()
			if m.screen != screenPicker || len(shown) != benchConversations {
				b.Fatalf("screen %d with %d conversations", m.screen, len(shown))
			}
			last := shown[len(shown)-1]
			down := tea.KeyPressMsg{Code: tea.KeyDown}
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTimeNS()
			for b.Loop() {
				if m.picker.Selected() == last {
					m.picker.Key(picker.KeyFirst, m.pickerRect().H)
				}
				nm, _ := m.Update(down)
				m = nm.(*Model)
				_ = m.View()
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkSearch measures the moves that read the timeline alone, over a
// whole conversation of a million segments where nothing matches, the
// longest they can take: the label search (/ and n: flags, numbers,
// events) and ] and } through Update and the redraw. Each must answer
// within a key press (under 50 ms); the payloads a search also reads are
// bounded per key press (scanPressBudget) and go on in commands. Run with:
//
//	go test ./ui -run '^$' -bench Search -benchmem
func BenchmarkSearch(b *testing.B) {
	for _, pattern := range []string{"RST", "retrans", "len 100 seq"} {
		b.Run("label/"+pattern, func(b *testing.B) {
			src := benchCapture(b, benchSegments, 1)
			m := loadedModel(b, src, Options{Stream: -1}, 120, 40)
			q, err := search.Compile(pattern)
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTimeNS()
			for b.Loop() {
				if i := m.findLabel(q, 0, 1, len(m.rows)); i >= 0 {
					b.Fatalf("/%s matched row %d", pattern, i)
				}
			}
			reportCPU(b, cpu)
		})
	}
	// n as the user presses it, with the redraw: the labels, then
	// payloads until the key press's budget is spent; the rest would go
	// on in a command, which is not run here.
	b.Run("key-n/RST", func(b *testing.B) {
		src := benchCapture(b, benchSegments, 1)
		m := loadedModel(b, src, Options{Stream: -1}, 120, 40)
		q, err := search.Compile("RST")
		if err != nil {
			b.Fatal(err)
		}
		m.search = q
		n := keyMsg("n")
		runtime.GC()
		b.ReportAllocs()
		b.ResetTimer()
		cpu := cpuTimeNS()
		for b.Loop() {
			nm, _ := m.Update(n)
			m = nm.(*Model)
			_ = m.View()
			if m.scan == nil || m.cur != 0 {
				b.Fatalf("n: scan %v, row %d", m.scan != nil, m.cur)
			}
			m.stopScan(false)
			m.busy = 0
		}
		reportCPU(b, cpu)
	})
	for _, k := range []string{"]", "}"} {
		b.Run("key"+k, func(b *testing.B) {
			src := benchCapture(b, benchSegments, 1)
			m := loadedModel(b, src, Options{Stream: -1}, 120, 40)
			msg := keyMsg(k)
			m = press(b, m, "right", "right", "right") // past the handshake's changes
			start := m.cur
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTimeNS()
			for b.Loop() {
				nm, _ := m.Update(msg)
				m = nm.(*Model)
				_ = m.View()
				if m.cur != start {
					b.Fatalf("%s moved to row %d", k, m.cur)
				}
			}
			reportCPU(b, cpu)
		})
	}
}
