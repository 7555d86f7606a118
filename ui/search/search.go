// Package search is the ladder's search (/ in the stepper): a pattern
// compiled once and matched against what a row shows and what its segment
// carries, fast enough to run over a conversation of a million segments
// between two frames.
//
// A row matches when the pattern is found in its label as the ladder
// writes it (flags "SYN,ACK", "seq N ack N len N" in the numbering on
// screen, events "[retrans]"), or in its segment's payload bytes. A number
// in the pattern matches a whole number of the label, so 100 finds
// "seq 100" and not "seq 1000"; in a payload the bytes are bytes. The
// pattern is case-insensitive unless it holds an upper-case letter (vim's
// smartcase, less's -i), and \xNN, \r, \n, \t, \\ and the control pictures
// the ladder and the follow view show (␍, ␊, ␛, …) stand for bytes.
//
// The label is matched from the timeline's records alone: a pattern
// without digits depends only on a row's flags and events, so its answer
// is kept for each pair seen, and a pattern with digits is tried only on
// rows that have every number it names. Payloads must be read from the
// capture, which the caller does (Source.Payload) in batches it bounds.
package search

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// Query is a compiled pattern. Its label matching keeps answers for the
// flags and events it has seen and a buffer, so one goroutine uses it at a
// time; InPayload only reads it and may be called from another goroutine
// meanwhile, each with its own scratch buffer.
type Query struct {
	text string
	pat  []byte // the pattern's bytes, lower-cased when fold
	fold bool   // no upper-case letter typed: match either case
	// label says the pattern may occur in a label at all: it is printable
	// ASCII, and every number in it fits a sequence number.
	label bool
	// nums are the pattern's whole numbers: a row must show each of them
	// (as its seq, ack or len) for its label to match.
	nums []uint32
	// leadDigit and trailDigit say the pattern starts or ends inside a
	// number, which must then start or end there too.
	leadDigit, trailDigit bool
	// plain and evented keep, for a pattern without digits, whether the
	// label of a row with those flags (and events) matches: in plain, for
	// rows without events, 0 for not known yet, 1 for no, 2 for yes.
	plain   [flagCombos]uint8
	evented map[uint32]bool
	buf     []byte
}

// flagCombos is how many flag sets the ladder writes differently: the nine
// named bits (the reserved ones are not written).
const flagCombos = 1 << 9

// flagText is each flag set as the ladder writes it, and lower-cased.
var flagText, flagLower [flagCombos]string

func init() {
	for f := range flagCombos {
		flagText[f] = model.Flags(f).String()
		flagLower[f] = string(bytes.ToLower([]byte(flagText[f])))
	}
}

// Compile reads a pattern as typed. It fails on an empty pattern and on an
// escape it does not know, saying which.
func Compile(text string) (*Query, error) {
	q := &Query{text: text, fold: true}
	for i := 0; i < len(text); {
		c := text[i]
		if c == '\\' {
			b, n, err := escape(text[i:])
			if err != nil {
				return nil, err
			}
			q.pat = append(q.pat, b)
			i += n
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case r >= 0x2400 && r <= 0x241f: // ␀ … ␟: the C0 controls as shown
			q.pat = append(q.pat, byte(r-0x2400))
		case r == '␡':
			q.pat = append(q.pat, 0x7f)
		default:
			if c >= 'A' && c <= 'Z' {
				q.fold = false
			}
			q.pat = append(q.pat, text[i:i+n]...)
		}
		i += n
	}
	if len(q.pat) == 0 {
		return nil, fmt.Errorf("empty pattern")
	}
	if q.fold {
		lower(q.pat, q.pat)
	}
	q.label = true
	for _, c := range q.pat {
		if c < 0x20 || c > 0x7e {
			q.label = false
		}
	}
	for i := 0; i < len(q.pat); {
		if !isDigit(q.pat[i]) {
			i++
			continue
		}
		j := i
		for j < len(q.pat) && isDigit(q.pat[j]) {
			j++
		}
		n, err := strconv.ParseUint(string(q.pat[i:j]), 10, 64)
		if err != nil || n > math.MaxUint32 {
			q.label = false // no row shows a number that big
		}
		q.nums = append(q.nums, uint32(min(n, math.MaxUint32)))
		i = j
	}
	q.leadDigit = isDigit(q.pat[0])
	q.trailDigit = isDigit(q.pat[len(q.pat)-1])
	return q, nil
}

// escape reads the escape at the start of s (a backslash and what
// follows): the byte it stands for and its length.
func escape(s string) (byte, int, error) {
	if len(s) < 2 {
		return 0, 0, fmt.Errorf(`a lone \ ends the pattern (\\ is a backslash)`)
	}
	switch s[1] {
	case '\\':
		return '\\', 2, nil
	case 'r':
		return '\r', 2, nil
	case 'n':
		return '\n', 2, nil
	case 't':
		return '\t', 2, nil
	case 'x':
		if len(s) >= 4 {
			if b, err := strconv.ParseUint(s[2:4], 16, 8); err == nil {
				return byte(b), 4, nil
			}
		}
		return 0, 0, fmt.Errorf(`\x takes two hex digits, as in \x0d`)
	}
	r, _ := utf8.DecodeRuneInString(s[1:])
	return 0, 0, fmt.Errorf(`\%s is not an escape: \xNN, \r, \n, \t and \\ are`, model.Visible(string(r)))
}

// String is the pattern as typed.
func (q *Query) String() string { return q.text }

// Label reports whether the ladder's label of segment s, in the numbering
// asked for, holds the pattern.
func (q *Query) Label(s *model.Segment, absolute bool) bool {
	if !q.label {
		return false
	}
	f := int(s.Flags & (flagCombos - 1))
	if len(q.nums) == 0 {
		// The numbers do not matter: placeholders stand in for them.
		if s.Events == 0 {
			if q.plain[f] == 0 {
				q.plain[f] = 1
				if q.matchLabel(q.appendLabel(q.buf[:0], f, 0, 0, 0, 0)) {
					q.plain[f] = 2
				}
			}
			return q.plain[f] == 2
		}
		k := uint32(f) | uint32(s.Events)<<9
		ok, known := q.evented[k]
		if !known {
			if q.evented == nil {
				q.evented = map[uint32]bool{}
			}
			ok = q.matchLabel(q.appendLabel(q.buf[:0], f, s.Events, 0, 0, 0))
			q.evented[k] = ok
		}
		return ok
	}
	seq, ack := s.RelSeq, s.RelAck
	if absolute {
		seq, ack = s.Seq, s.Ack
	}
	hasAck := s.Flags.Has(model.ACK)
	for _, n := range q.nums {
		if n != seq && n != s.Len && (!hasAck || n != ack) {
			return false
		}
	}
	return q.matchLabel(q.appendLabel(q.buf[:0], f, s.Events, seq, ack, s.Len))
}

// appendLabel writes the label of a segment with flags f, events ev and
// those numbers as the ladder does (lower-cased when the query folds).
func (q *Query) appendLabel(b []byte, f int, ev model.Events, seq, ack, n uint32) []byte {
	if q.fold {
		b = append(b, flagLower[f]...)
	} else {
		b = append(b, flagText[f]...)
	}
	b = append(b, " seq "...)
	b = strconv.AppendUint(b, uint64(seq), 10)
	if model.Flags(f).Has(model.ACK) {
		b = append(b, " ack "...)
		b = strconv.AppendUint(b, uint64(ack), 10)
	}
	b = append(b, " len "...)
	b = strconv.AppendUint(b, uint64(n), 10)
	if ev != 0 {
		for _, e := range pane.ShortEvents {
			if ev.Has(e.Event) {
				b = append(b, " ["...)
				b = append(b, e.Name...)
				b = append(b, ']')
			}
		}
	}
	q.buf = b
	return b
}

// matchLabel reports whether label l holds the pattern with its numbers
// whole.
func (q *Query) matchLabel(l []byte) bool {
	for i := 0; i <= len(l)-len(q.pat); {
		j := bytes.Index(l[i:], q.pat)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(q.pat)
		if (!q.leadDigit || j == 0 || !isDigit(l[j-1])) && (!q.trailDigit || end == len(l) || !isDigit(l[end])) {
			return true
		}
		i = j + 1
	}
	return false
}

// Text reports whether text the ladder writes on a row that is not a
// segment (an IP fragment, an ICMP error) holds the pattern, its numbers
// whole as in a label.
func (q *Query) Text(text string) bool {
	b := []byte(text)
	if q.fold {
		lower(b, b)
	}
	return q.matchLabel(b)
}

// InPayload reports whether payload b holds the pattern's bytes. scratch
// is the caller's buffer for a folded copy of b, returned grown.
func (q *Query) InPayload(b []byte, scratch []byte) (bool, []byte) {
	if len(b) < len(q.pat) {
		return false, scratch
	}
	if !q.fold {
		return bytes.Contains(b, q.pat), scratch
	}
	scratch = append(scratch[:0], b...)
	lower(scratch, scratch)
	return bytes.Contains(scratch, q.pat), scratch
}

// lower writes src with its ASCII letters lower-cased into dst (which may
// be src).
func lower(dst, src []byte) {
	for i, c := range src {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst[i] = c
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
