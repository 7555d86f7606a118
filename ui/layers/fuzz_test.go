package layers

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
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
			if bad := panetest.Problems(p.render(st, w, h), w, h); len(bad) > 0 {
				t.Fatalf("%dx%d after %d moves: %s", w, h, i, strings.Join(bad, "\n"))
			}
			p.cur = (p.cur + 1 + int(lb)) % max(1, len(p.items))
		}
	})
}
