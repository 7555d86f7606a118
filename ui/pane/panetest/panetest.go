// Package panetest holds the checks every view's tests make.
package panetest

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// CheckFits fails t when out, what a view drew in w×h cells, has more than
// h lines or a line wider than w.
func CheckFits(t *testing.T, what, out string, w, h int) {
	t.Helper()
	if out == "" {
		return
	}
	lines := strings.Split(out, "\n")
	if len(lines) > h {
		t.Errorf("%s at %dx%d: %d lines", what, w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("%s at %dx%d: line %d is %d wide: %q", what, w, h, i, lw, ansi.Strip(l))
			return
		}
	}
}

// Problems lists what is wrong with a screen or a view drawn for w×h
// cells: more lines than h, a line wider than w, or a control character or
// invalid UTF-8 left once the styling is stripped (bytes from a capture
// must never reach the terminal raw). The fuzz tests check every drawing
// with it.
func Problems(s string, w, h int) []string {
	var bad []string
	plain := ansi.Strip(s)
	lines := strings.Split(plain, "\n")
	if len(lines) > h {
		bad = append(bad, fmt.Sprintf("%d lines for a height of %d", len(lines), h))
	}
	for i, l := range lines {
		if cw := ansi.StringWidth(l); cw > w {
			bad = append(bad, fmt.Sprintf("line %d is %d cells wide, more than %d: %q", i, cw, w, l))
		}
	}
	for i, r := range plain {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(plain[i:]); size <= 1 {
				bad = append(bad, fmt.Sprintf("invalid UTF-8 at %d: %q", i, plain[max(0, i-20):min(len(plain), i+20)]))
			}
		} else if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			bad = append(bad, fmt.Sprintf("control %U at %d: %q", r, i, plain[max(0, i-20):min(len(plain), i+20)]))
		}
		if len(bad) > 5 {
			break
		}
	}
	return bad
}
