package layers

import (
	"fmt"
	"testing"

	"charm.land/lipgloss/v2"

	"github.com/tcpstep/tcpstep/internal/testsample"
)

// TestLayersRealFrames runs the pane over every frame of samples decoded by
// decode.Dissect: for each field, exactly its bytes are highlighted in the
// dump, and nothing from the frame reaches the output raw.
func TestLayersRealFrames(t *testing.T) {
	sel := Styles{Selected: lipgloss.NewStyle().Reverse(true)}
	real := NewStyles(true)
	for _, name := range []string{"smtp-figure10", "ip-fragments", "icmp-frag-needed", "ipv6"} {
		t.Run(name, func(t *testing.T) {
			in, tl := testsample.Open(t, name)
			// The first frames cover every kind of frame of these samples
			// (handshake, data, fragments, ICMP error) and keep the test quick.
			for fi := range min(len(tl.Frames), 8) {
				data, d, err := in.Frame(&tl.Frames[fi])
				if err != nil {
					t.Fatalf("frame %d: %v", fi+1, err)
				}
				var p Pane
				p.setFrame(data, d)
				if len(p.items) == 0 {
					t.Fatalf("frame %d: no layers", fi+1)
				}
				for i, it := range p.items {
					p.cur = i
					where := fmt.Sprintf("%s frame %d item %s", name, fi+1, it.key)
					hexSel, ascSel := highlighted(t, p.render(sel, 80, 400))
					for b := range data {
						want := b >= it.start && b < it.end
						if hexSel[b] != want || ascSel[b] != want {
							t.Errorf("%s [%d,%d): byte %d highlighted hex=%v ascii=%v", where, it.start, it.end, b, hexSel[b], ascSel[b])
							break
						}
					}
					checkSafe(t, where, p.render(real, 78, 20))
				}
			}
		})
	}
}
