package pane

import (
	"strings"
	"testing"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// TestTextWidthIsStringWidth holds the quick measure to ansi.StringWidth:
// on every glyph it counts as one cell, in company, and on random strings
// of text, glyphs, escape sequences, wide and combining characters and
// controls.
func TestTextWidthIsStringWidth(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := Width(s), ansi.StringWidth(s); got != want {
			t.Fatalf("Width(%q) = %d, ansi.StringWidth says %d", s, got, want)
		}
	}
	for r := rune(0x80); r < 0x3000; r++ {
		if oneCell(r) {
			g := string(r)
			check(g)
			check("x" + g + g + "y")
			check("\x1b[1;38;2;1;2;3m" + g + "\x1b[m" + g)
		}
	}
	pieces := []string{"a", "Z", " ", "~", "─", "│", "╭", "→", "◆", "▲", "⡇", "␍", "␛", "·", "…", "⚠", "日", "é", "e\u0301", "\u200d", "\ufe0f",
		"\x1b[m", "\x1b[1;31m", "\x1b[38;5;196m", "\x1b[48:2::1:2:3m", "\x1b]8;;http://x\x07", "\x1b", "\x1b[", "\t", "\r\n", "\xff", "\u25fd", "👍", "🇫🇷"}
	seed := uint64(1)
	for range 20000 {
		var b []byte
		seed = seed*6364136223846793005 + 1442695040888963407
		n := int(seed>>59) + 1
		for range n {
			seed = seed*6364136223846793005 + 1442695040888963407
			b = append(b, pieces[int(seed>>33)%len(pieces)]...)
		}
		check(string(b))
	}
}

// Every byte comes out as one cell, and none is a control.
func TestPrintable(t *testing.T) {
	if got, want := Printable([]byte("EXPN \x1b[31mroot\a\r\n\t\x7f\x80\xff")), "EXPN ␛[31mroot␇␍␊␉␡··"; got != want {
		t.Errorf("Printable = %q, want %q", got, want)
	}
	for c := range 256 {
		s := Printable([]byte{byte(c)})
		if ansi.StringWidth(s) != 1 || strings.ContainsFunc(s, unicode.IsControl) {
			t.Errorf("byte %#02x comes out as %q", c, s)
		}
	}
}
