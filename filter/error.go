package filter

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is a filter that does not compile: what is wrong and where. Its
// Error is one line naming the column; Caret draws the filter with the
// place marked under it, for an interface that has two lines to spare.
type Error struct {
	Expr string // the filter as given
	Pos  int    // byte offset in Expr where the problem starts
	Len  int    // how many bytes of Expr the problem spans (at least 1 when Pos < len(Expr))
	Msg  string
	// Hint, when set, suggests what was perhaps meant ("did you mean
	// tcp.port?").
	Hint string
}

func errAt(expr string, pos, n int, msg string) *Error {
	if pos > len(expr) {
		pos = len(expr)
	}
	if n < 1 {
		n = 1
	}
	if pos+n > len(expr) {
		n = len(expr) - pos
	}
	return &Error{Expr: expr, Pos: pos, Len: n, Msg: msg}
}

// Column is the 1-based column of Pos, counted in characters.
func (e *Error) Column() int { return utf8.RuneCountInString(e.Expr[:e.Pos]) + 1 }

// Error reads "EXPR: MSG at column N", and the hint in parentheses after
// it when there is one, on one line.
func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %s at column %d", oneLine(e.Expr), e.Msg, e.Column())
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// Caret returns two lines: the filter, and under it a caret at the column
// where the problem starts and tildes under the rest of its span, the way
// tshark shows it:
//
//	tcp.prot == 25
//	^~~~~~~~
func (e *Error) Caret() string {
	line := oneLine(e.Expr)
	pad := utf8.RuneCountInString(e.Expr[:e.Pos])
	span := utf8.RuneCountInString(e.Expr[e.Pos : e.Pos+e.Len])
	mark := "^"
	if span > 1 {
		mark += strings.Repeat("~", span-1)
	}
	return line + "\n" + strings.Repeat(" ", pad) + mark
}

// oneLine turns control characters into spaces one for one, so that the
// filter stays on one line and the caret stays under its column.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
}
