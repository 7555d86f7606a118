package pane

import "sort"

// RowFilter is a display filter (package filter) applied to the ladder's
// rows: which of them match, as far as they have been judged, and whether
// the others are hidden or only dimmed. The root judges the rows (off the
// UI goroutine for a long conversation) and appends the verdicts as they
// come; rows from Judged() on are not judged yet and are drawn as usual.
//
// Its methods work on a nil *RowFilter, which is no filter: every row is
// drawn, none dimmed, and a row's place among the rows drawn is its index.
type RowFilter struct {
	Expr string // the filter as typed
	Hide bool   // the rows that do not match are not drawn, rather than dimmed
	pass []bool
	rank []int // rank[i] is how many of rows [0, i) match: len(pass)+1 entries
}

// NewRowFilter is a filter with no row judged yet.
func NewRowFilter(expr string, hide bool) *RowFilter {
	return &RowFilter{Expr: expr, Hide: hide, rank: []int{0}}
}

// Append adds the verdicts of the next rows.
func (f *RowFilter) Append(pass ...bool) {
	n := f.rank[len(f.rank)-1]
	for _, p := range pass {
		if p {
			n++
		}
		f.pass = append(f.pass, p)
		f.rank = append(f.rank, n)
	}
}

// Judged is how many rows have a verdict: rows [0, Judged()).
func (f *RowFilter) Judged() int {
	if f == nil {
		return 0
	}
	return len(f.pass)
}

// Count is how many of the rows judged match.
func (f *RowFilter) Count() int {
	if f == nil {
		return 0
	}
	return f.rank[len(f.rank)-1]
}

// Matches reports whether row i was judged and matches.
func (f *RowFilter) Matches(i int) bool {
	return f != nil && i >= 0 && i < len(f.pass) && f.pass[i]
}

// Dim reports whether row i is drawn dimmed: judged, not matching, and the
// rows that do not match are not hidden.
func (f *RowFilter) Dim(i int) bool {
	return f != nil && !f.Hide && i >= 0 && i < len(f.pass) && !f.pass[i]
}

// Shown reports whether row i is drawn at all: no filter, or not hiding,
// or the row matches or is not judged yet.
func (f *RowFilter) Shown(i int) bool {
	return f == nil || !f.Hide || i < 0 || i >= len(f.pass) || f.pass[i]
}

// hiding says the rows drawn are not all the rows.
func (f *RowFilter) hiding() bool { return f != nil && f.Hide }

// Before is how many of rows [0, i) are drawn: row i's place among the
// rows drawn when it is drawn itself.
func (f *RowFilter) Before(i int) int {
	if !f.hiding() || i <= 0 {
		return max(i, 0)
	}
	j := len(f.pass)
	if i <= j {
		return f.rank[i]
	}
	return f.rank[j] + i - j
}

// At is the index of the k-th row drawn (from 0); past the last row drawn
// it counts on as if the rows after the judged ones were all drawn, so a
// caller clamps it to the rows there are.
func (f *RowFilter) At(k int) int {
	k = max(k, 0)
	if !f.hiding() {
		return k
	}
	j := len(f.pass)
	if k < f.rank[j] {
		return f.nth(k)
	}
	return j + k - f.rank[j]
}

// nth is the index of the k-th matching row (from 0); k < Count().
func (f *RowFilter) nth(k int) int {
	return sort.Search(len(f.pass), func(j int) bool { return f.rank[j+1] > k })
}

// Prev is the last row drawn before row i, or -1.
func (f *RowFilter) Prev(i int) int {
	if !f.hiding() {
		return i - 1
	}
	if k := f.Before(i); k > 0 {
		return f.At(k - 1)
	}
	return -1
}

// Next is the first judged row after row i (d > 0) or before it (d < 0)
// that matches, or -1 when there is none (or no filter).
func (f *RowFilter) Next(i, d int) int {
	if f == nil || d == 0 {
		return -1
	}
	j := len(f.pass)
	if d > 0 {
		from := min(max(i+1, 0), j)
		if k := f.rank[from]; k < f.rank[j] {
			return f.nth(k)
		}
		return -1
	}
	to := min(max(i, 0), j)
	if k := f.rank[to]; k > 0 {
		return f.nth(k - 1)
	}
	return -1
}
