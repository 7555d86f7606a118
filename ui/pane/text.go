package pane

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Text measuring and wrapping for views, which draw into exact cells.

// Width is ansi.StringWidth, measured quickly for what the views draw
// on every frame: printable ASCII, SGR and other CSI sequences, and glyphs
// that are one cell whatever follows them (box drawing, arrows, shapes,
// braille, control pictures). A string holding anything else is measured
// by ansi.StringWidth, so the two never disagree.
func Width(s string) int {
	w := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			w++
			i++
		case c == 0x1b:
			// ESC [ parameters intermediates final: no width.
			j := i + 1
			if j >= len(s) || s[j] != '[' {
				return ansi.StringWidth(s)
			}
			for j++; j < len(s) && s[j] >= 0x30 && s[j] <= 0x3f; j++ {
			}
			for ; j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f; j++ {
			}
			if j >= len(s) || s[j] < 0x40 || s[j] > 0x7e {
				return ansi.StringWidth(s)
			}
			i = j + 1
		case c >= 0x80:
			r, n := utf8.DecodeRuneInString(s[i:])
			if !oneCell(r) {
				return ansi.StringWidth(s)
			}
			w++
			i += n
		default:
			return ansi.StringWidth(s)
		}
	}
	return w
}

// oneCell reports whether r is one cell wide and never joins what is next
// to it into one grapheme: the glyphs the views draw with.
func oneCell(r rune) bool {
	switch {
	case r == 0x25fd || r == 0x25fe: // ◽◾ are emoji, two cells
		return false
	case r >= 0x2500 && r <= 0x25ff, // box drawing, block elements, geometric shapes
		r >= 0x2190 && r <= 0x21ff,          // arrows
		r >= 0x2800 && r <= 0x28ff,          // braille
		r >= 0x2400 && r <= 0x2426,          // control pictures
		r == 0xb7, r == 0x2022, r == 0x2026: // · • …
		return true
	}
	return false
}

// Wrap wraps plain text (no escape sequences) to lines of at most w
// cells: at spaces, a word longer than a line cut where the width runs out,
// and every line feed kept. Unlike ansi.Wrap and ansi.Wordwrap, which treat
// a hyphen as a place to break and can leave a " -" past the width (the
// explanation's "6 - 1" came out as "6…" at 80 columns), it breaks at
// spaces only, so no line is ever wider than w.
func Wrap(s string, w int) []string {
	w = max(w, 1)
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line, lw := "", 0
		started := false
		for _, word := range strings.Split(para, " ") {
			ww := Width(word)
			switch {
			case !started:
			case lw+1+ww <= w:
				line += " " + word
				lw += 1 + ww
				continue
			default:
				out = append(out, line)
			}
			started = true
			// The word starts a line; one wider than a line is cut.
			for ww > w {
				head := ansi.Truncate(word, w, "")
				if head == "" { // a character wider than the line
					_, n := utf8.DecodeRuneInString(word)
					head = word[:n]
				}
				out = append(out, head)
				word = word[len(head):]
				ww = Width(word)
			}
			line, lw = word, ww
		}
		out = append(out, line)
	}
	return out
}

// HumanBytes is a byte count in four significant places: 848, 12.3k, 4.5M.
func HumanBytes(n uint64) string {
	switch {
	case n < 10_000:
		return strconv.FormatUint(n, 10)
	case n < 10_000_000:
		return strconv.FormatFloat(float64(n)/1e3, 'f', 1, 64) + "k"
	case n < 10_000_000_000:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + "M"
	default:
		return strconv.FormatFloat(float64(n)/1e9, 'f', 1, 64) + "G"
	}
}

// ByteCount is a size for a person: "848 bytes", "12.3k bytes".
func ByteCount(n int64) string {
	if n == 1 {
		return "1 byte"
	}
	return HumanBytes(uint64(max(n, 0))) + " bytes"
}

// Printable turns capture bytes into text that is safe and one cell per
// byte on any terminal: printable ASCII as itself, CR LF TAB as their
// control pictures, the other C0 controls (ESC among them) as ␀…␟
// pictures, DEL as ␡, and anything above 0x7e as a middle dot. It never
// lets a byte reach the terminal raw.
func Printable(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		switch {
		case c >= 0x20 && c < 0x7f:
			sb.WriteByte(c)
		case c < 0x20:
			sb.WriteRune(rune(0x2400 + int(c)))
		case c == 0x7f:
			sb.WriteRune('␡')
		default:
			sb.WriteRune('·')
		}
	}
	return sb.String()
}
