package model

import (
	"fmt"
	"strconv"
	"strings"
)

// An explanation is built from typed parts rather than formatted straight
// into text: every number it states is a part that says what it is (the
// SEQ of frame 6, the window of frame 7 in bytes, the gap between two
// frames), so a test can recompute each one from the timeline and hold the
// text to the decoder. Text parts carry words only; the numbers in them are
// fixed names (RFC 793, 2^32, FIN_WAIT_1).

// partKind says what a part of an explanation is.
type partKind uint8

const (
	partText partKind = iota
	// partFrame is a frame number (v); it must exist in the capture.
	partFrame
	// partTime is frame f's time since the first frame, in ns, shown in seconds.
	partTime
	// partGap is the time from frame g to frame f in ns, shown in milliseconds.
	partGap
	// partAddr is an endpoint or address (s): which one is said by v
	// (addrSrc ... addrQuotedDst) of frame f.
	partAddr
	// partPort is the port (v) of segment f's source (g == 0) or destination.
	partPort
	// partOne is the constant 1 of sequence arithmetic.
	partOne
	// partSeq, partAck, partNext and partLast are segment f's SEQ, ACK, next sequence
	// number (SEQ + SeqLen) and last data byte (SEQ + Len - 1), in the
	// numbering the explanation uses.
	partSeq
	partAck
	partNext
	partLast
	// partWireSeq and partWireAck are segment f's sequence and acknowledgement
	// numbers as sent, in any numbering.
	partWireSeq
	partWireAck
	// partLen is segment f's payload length, partSeqLen the sequence space it uses.
	partLen
	partSeqLen
	// partWin is segment f's window field as sent; partShift the window scale shift
	// its sender negotiated; partWinBytes the window in bytes (scaled unless f
	// is a SYN); partWinEdge is f's ACK plus partWinBytes, in the numbering used.
	partWin
	partShift
	partWinBytes
	partWinEdge
	// partBase is the relative-numbering base (as sent) of the direction of
	// segment f's sender (g == 0) or of its receiver (g == 1).
	partBase
	// partCalc is a number computed from others: it must be the left side of
	// an equation ("A = B + C") whose right side holds typed parts.
	partCalc
	// partDupNth says which duplicate of frame g's ACK segment f is.
	partDupNth
	// Fragments (f is the fragment's frame): ID in decimal and in hex,
	// offset and length in bytes. partFragCount is how many fragments frame f
	// completed.
	partFragID
	partFragIDHex
	partFragOffset
	partFragLen
	partFragCount
	// ICMP errors (f is the ICMP frame): type, code, MTU, the quoted
	// sequence number as sent and relative, the quoted TCP header length.
	partICMPType
	partICMPCode
	partMTU
	partQuotedSeq
	partQuotedRel
	partQuotedLen
	// partNote is a frame's note from the decoder (s).
	partNote
)

// Which address a partAddr part is.
const (
	addrSrc = iota
	addrDst
	addrICMPSrc
	addrICMPDst
	addrQuotedSrc
	addrQuotedDst
)

// part is one piece of an explanation.
type part struct {
	kind partKind
	f, g uint32 // the frames it is about
	v    uint64 // the number shown
	s    string // text, address or note
}

func (p part) String() string {
	switch p.kind {
	case partText, partAddr, partNote:
		return p.s
	case partTime:
		return strconv.FormatFloat(float64(int64(p.v))/1e9, 'f', 6, 64)
	case partGap:
		return strconv.FormatFloat(float64(int64(p.v))/1e6, 'f', 3, 64)
	case partFragIDHex:
		return fmt.Sprintf("0x%04x", p.v)
	}
	return strconv.FormatUint(p.v, 10)
}

// para is one paragraph.
type para []part

func (p para) String() string {
	var b strings.Builder
	for _, x := range p {
		b.WriteString(x.String())
	}
	return b.String()
}

// add appends text built from format, whose verbs must all be %v: a part
// argument becomes that part, a string argument text. Numbers must come as
// parts, so that each is typed.
func (p *para) add(format string, args ...any) {
	for i := 0; ; i++ {
		j := strings.Index(format, "%v")
		if j < 0 || i >= len(args) {
			p.text(format)
			return
		}
		p.text(format[:j])
		format = format[j+2:]
		switch a := args[i].(type) {
		case part:
			*p = append(*p, a)
		case string:
			p.text(a)
		default:
			p.text(fmt.Sprint(a))
		}
	}
}

func (p *para) text(s string) {
	if s == "" {
		return
	}
	if n := len(*p); n > 0 && (*p)[n-1].kind == partText {
		(*p)[n-1].s += s
		return
	}
	*p = append(*p, part{kind: partText, s: s})
}

// term is one operand of an equation: a part with its sign.
type term struct {
	neg bool
	p   part
}

func plus(p part) term  { return term{p: p} }
func minus(p part) term { return term{neg: true, p: p} }

// eq appends "lhs = t0 + t1 - t2 ..." when the arithmetic holds modulo 2^32
// (the arithmetic of sequence numbers), and reports whether it did. A
// mismatch (which would be a bug) writes nothing rather than a false sum.
func (p *para) eq(lhs part, ts ...term) bool {
	if len(ts) == 0 {
		return false
	}
	v := uint32(0)
	for i, t := range ts {
		switch {
		case i == 0 && !t.neg:
			v = uint32(t.p.v)
		case t.neg:
			v -= uint32(t.p.v)
		default:
			v += uint32(t.p.v)
		}
	}
	if v != uint32(lhs.v) {
		return false
	}
	*p = append(*p, lhs)
	p.text(" = ")
	for i, t := range ts {
		if i > 0 {
			if t.neg {
				p.text(" - ")
			} else {
				p.text(" + ")
			}
		}
		*p = append(*p, t.p)
	}
	return true
}

// calc is a number computed by the explanation, to be shown as the left
// side of an equation.
func calc(v uint32) part { return part{kind: partCalc, v: uint64(v)} }

func frameNo(f uint32) part { return part{kind: partFrame, v: uint64(f)} }

// render turns paragraphs into text, dropping empty ones.
func render(ps []para) []string {
	var out []string
	for _, p := range ps {
		if s := p.String(); s != "" {
			out = append(out, s)
		}
	}
	return out
}
