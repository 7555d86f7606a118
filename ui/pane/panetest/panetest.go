// Package panetest holds the checks every view's tests make.
package panetest

import (
	"strings"
	"testing"

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
