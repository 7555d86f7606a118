package ui

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
)

// stepOf reads "step K/N" from the header.
var stepOf = regexp.MustCompile(`step (\d+)/(\d+)`)

// TestMalformedScreens opens every file of ../shared/captures/malformed
// that the reader accepts (the refused ones are TestMalformedCommands'
// in the module root) in the stepper, as the real program does, at two
// window sizes: the picker, then each conversation stepped from the first
// row to the last with every view drawn at every step. Nothing may panic,
// no line may be wider than the window, no control byte of the file may
// reach the screen, and the header must count the steps one by one to
// the conversation's rows (segments and extra frames).
func TestMalformedScreens(t *testing.T) {
	files := testshared.Captures(t, "malformed/*")
	opened := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".md") || strings.HasSuffix(f, ".txt") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := decode.Open(f)
			if err != nil {
				t.Logf("refused by the reader (the CLI's one-line error): %v", err)
				return
			}
			defer src.Close()
			opened++
			tl, err := src.Load(func(int64, int64) {})
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			for _, sz := range [][2]int{{80, 24}, {200, 50}} {
				w, h := sz[0], sz[1]
				check := func(m *Model, what string) {
					t.Helper()
					if bad := panetest.Problems(m.View().Content, w, h); len(bad) > 0 {
						t.Fatalf("%dx%d %s: %s", w, h, what, strings.Join(bad, "\n"))
					}
				}
				m := loadedModel(t, src, Options{Stream: -1}, w, h)
				check(m, "picker")
				for ci, c := range tl.Conversations {
					m := loadedModel(t, src, Options{Stream: ci}, w, h)
					rows := len(c.Segs) + len(c.Extra)
					for step := 1; step <= rows; step++ {
						where := fmt.Sprintf("stream %d step %d", ci, step)
						got := stepOf.FindStringSubmatch(screenOf(m))
						if got == nil || got[1] != fmt.Sprint(step) || got[2] != fmt.Sprint(rows) {
							t.Fatalf("%dx%d %s: header says %v, want step %d/%d:\n%s", w, h, where, got, step, rows, screenOf(m))
						}
						for _, k := range []string{"1", "2", "3", "4", "5", "6", "7", "8"} {
							m = pressRun(t, m, k)
							check(m, where+" view "+k)
						}
						m = pressRun(t, m, "1", "right")
					}
					m = pressRun(t, m, "tab", "down", "down", "3", "m", "r")
					check(m, fmt.Sprintf("stream %d at the end", ci))
				}
			}
		})
	}
	if opened == 0 {
		t.Error("the reader refused every malformed file: nothing was drawn")
	}
}
