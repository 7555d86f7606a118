package model

import (
	"strings"
	"unicode/utf8"
)

// Visible makes text from a capture safe to print on a terminal: C0 and C1
// control characters, DEL and invalid UTF-8 are replaced by visible
// stand-ins (␛ for ESC, ␀..␟ pictures for the other C0 controls, ␡ for DEL,
// \xNN for C1 controls and bad bytes), so an escape sequence in a payload is
// shown, never interpreted. Tab and newline are pictured too: callers lay
// out lines themselves.
func Visible(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteString(`\x`)
			b.WriteByte("0123456789abcdef"[s[0]>>4])
			b.WriteByte("0123456789abcdef"[s[0]&0xf])
		case r < 0x20:
			b.WriteRune(0x2400 + r) // Control Pictures block: ␀ … ␟
		case r == 0x7f:
			b.WriteRune('␡')
		case r >= 0x80 && r < 0xa0:
			b.WriteString(`\x`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&0xf])
		default:
			b.WriteString(s[:size])
		}
		s = s[size:]
	}
	return b.String()
}
