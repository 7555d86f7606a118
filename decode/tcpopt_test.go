package decode

import "testing"

// TestWindowScale checks the extractor's window scale against option lists
// as RFC 9293 §3.1 and RFC 7323 §2 lay them out, malformed ones included.
func TestWindowScale(t *testing.T) {
	for _, c := range []struct {
		name string
		opts []byte
		want int8
	}{
		{"Linux SYN", []byte{2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7}, 7},
		{"NOPs before it", []byte{1, 1, 1, 3, 3, 2}, 2},
		{"shift over 14 counts as 14", []byte{3, 3, 20}, 14},
		{"after EOL it is padding", []byte{0, 3, 3, 7}, -1},
		{"length below 2", []byte{2, 1, 3, 3, 7}, -1},
		{"length byte missing", []byte{1, 3}, -1},
		{"option runs past the end", []byte{3, 3}, -1},
		{"a length of 4 is not window scale", []byte{3, 4, 7, 0}, -1},
		{"none", []byte{2, 4, 5, 0xb4}, -1},
	} {
		if got := windowScale(c.opts); got != c.want {
			t.Errorf("%s: windowScale(% x) = %d, want %d", c.name, c.opts, got, c.want)
		}
	}
}
