package pane

import (
	"math/rand/v2"
	"testing"
)

// RowFilter's arithmetic against a plain walk over the rows, for filters
// that hide and dim, with some rows not judged yet, and for no filter.
func TestRowFilter(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := r.IntN(40)
		pass := make([]bool, n)
		for i := range pass {
			pass[i] = r.IntN(3) == 0
		}
		judged := n
		if trial%3 == 0 {
			judged = r.IntN(n + 1)
		}
		rows := n + r.IntN(5) // rows past the judged ones
		for _, hide := range []bool{false, true} {
			f := NewRowFilter("x", hide)
			f.Append(pass[:judged]...)
			shown := func(i int) bool { return !hide || i >= judged || pass[i] }
			var drawn []int
			count := 0
			for i := range rows {
				if shown(i) {
					drawn = append(drawn, i)
				}
				if i < judged && pass[i] {
					count++
				}
			}
			if f.Judged() != judged || f.Count() != count {
				t.Fatalf("judged %d count %d, want %d %d", f.Judged(), f.Count(), judged, count)
			}
			for i := range rows {
				if f.Shown(i) != shown(i) || f.Matches(i) != (i < judged && pass[i]) || f.Dim(i) != (!hide && i < judged && !pass[i]) {
					t.Fatalf("row %d: shown %v matches %v dim %v", i, f.Shown(i), f.Matches(i), f.Dim(i))
				}
				before := 0
				for _, d := range drawn {
					if d < i {
						before++
					}
				}
				if f.Before(i) != before {
					t.Fatalf("hide %v: Before(%d) = %d, want %d", hide, i, f.Before(i), before)
				}
				prev := -1
				for _, d := range drawn {
					if d < i {
						prev = d
					}
				}
				if f.Prev(i) != prev {
					t.Fatalf("hide %v: Prev(%d) = %d, want %d", hide, i, f.Prev(i), prev)
				}
				next, back := -1, -1
				for j := judged - 1; j > i; j-- {
					if pass[j] {
						next = j
					}
				}
				for j := 0; j < min(i, judged); j++ {
					if pass[j] {
						back = j
					}
				}
				if f.Next(i, 1) != next || f.Next(i, -1) != back {
					t.Fatalf("Next(%d) = %d, %d, want %d, %d", i, f.Next(i, 1), f.Next(i, -1), next, back)
				}
			}
			for k, d := range drawn {
				if f.At(k) != d {
					t.Fatalf("hide %v: At(%d) = %d, want %d", hide, k, f.At(k), d)
				}
			}
		}
	}
	var none *RowFilter
	if !none.Shown(3) || none.Dim(3) || none.Matches(3) || none.Before(3) != 3 || none.At(3) != 3 || none.Prev(3) != 2 || none.Next(3, 1) != -1 || none.Count() != 0 {
		t.Fatal("a nil filter is no filter")
	}
}
