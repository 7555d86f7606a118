package layers

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/decode"
)

// template is an Ethernet, IPv4 and TCP header that fuzz bytes are written
// over (the root's screen fuzzing uses the same), so the view sees frames
// that mostly decode and break in varied places.
var template = []byte{
	2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00, // Ethernet
	0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, // IPv4
	0x03, 0xe8, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0x10, 0, 0, 0, 0, 0, // TCP
}

// FuzzLayersView dissects fuzz bytes with the real decoder under each link
// type and draws the layers pane at a fuzzed size with the cursor moved
// over its fields: no panic, no line wider than the pane, no control byte.
func FuzzLayersView(f *testing.F) {
	seed := append(append([]byte(nil), template...), "\x1b]0;pwned\x07\x9b2J\xc2\x9d\x7f\xff"...)
	binary.BigEndian.PutUint16(seed[16:18], uint16(len(seed)-14))
	f.Add(uint8(80), uint8(20), uint8(0), seed)
	f.Add(uint8(150), uint8(40), uint8(1), seed[14:])
	f.Add(uint8(20), uint8(3), uint8(2), []byte("\x02\x00\x00\x00E\x00"))
	links := []uint16{1, 101, 0, 113, 276, 12, 228, 229}
	f.Fuzz(func(t *testing.T, wb, hb, lb uint8, data []byte) {
		w, h := 1+int(wb)%200, 1+int(hb)%60
		st := NewStyles(true)
		var p Pane
		p.setFrame(data, decode.Dissect(links[int(lb)%len(links)], data))
		for i := range 4 {
			if bad := problems(p.render(st, w, h), w, h); len(bad) > 0 {
				t.Fatalf("%dx%d after %d moves: %s", w, h, i, strings.Join(bad, "\n"))
			}
			p.cur = (p.cur + 1 + int(lb)) % max(1, len(p.items))
		}
	})
}

// problems lists what is wrong with a drawing for w×h cells, as the root's
// screen fuzzing checks its screens: more lines than h, a line wider than
// w, or a control character or invalid UTF-8 left once the styling is
// stripped.
func problems(s string, w, h int) []string {
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
