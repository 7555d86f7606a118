package model

import "testing"

func TestVisible(t *testing.T) {
	cases := []struct{ in, want string }{
		{"HELO example.org", "HELO example.org"},
		{"\x1b[2J\x1b]0;pwned\x07", "␛[2J␛]0;pwned␇"},
		{"a\r\nb\tc", "a␍␊b␉c"},
		{"del\x7f", "del␡"},
		{"c1 \u009b31m", `c1 \x9b31m`},
		{"bad \xff\xfe", `bad \xff\xfe`},
		{"naïve ⇄", "naïve ⇄"},
		{"\x00", "␀"},
	}
	for _, c := range cases {
		if got := Visible(c.in); got != c.want {
			t.Errorf("Visible(%q) = %q, want %q", c.in, got, c.want)
		}
		for _, r := range Visible(c.in) {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Errorf("Visible(%q) still holds control %U", c.in, r)
			}
		}
	}
}
