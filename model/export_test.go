package model

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// This file lets the tests of package model_test (which may import decode
// and so explain real captures) check an explanation part by part: every
// number it states is recomputed here from the timeline, independently of
// the code that wrote it.

// CheckExplain explains segment segIndex in the numbering asked for and
// checks every number against the timeline. It returns how many numbers and
// equations it checked and what was wrong.
func CheckExplain(tl *Timeline, segIndex int, absolute bool) (checked int, errs []string) {
	ps := explainParts(tl, segIndex, absolute)
	if !slices.Equal(render(ps), Explain(tl, segIndex, absolute)) {
		errs = append(errs, "the parts do not render to Explain's text")
	}
	return checkParas(tl, ps, absolute)
}

// CheckExplainFrame is CheckExplain for ExplainFrameAs.
func CheckExplainFrame(tl *Timeline, frame uint32, absolute bool) (checked int, errs []string) {
	ps := explainFrameParts(tl, frame, absolute)
	if !slices.Equal(render(ps), ExplainFrameAs(tl, frame, absolute)) {
		errs = append(errs, "the parts do not render to ExplainFrameAs's text")
	}
	return checkParas(tl, ps, absolute)
}

// OwnNumbers returns the SEQ and ACK that segment segIndex's explanation
// states for the segment itself (ok false when it states none).
func OwnNumbers(tl *Timeline, segIndex int, absolute bool) (seq, ack uint64, seqOK, ackOK bool) {
	f := tl.Segments[segIndex].Frame
	for _, p := range explainParts(tl, segIndex, absolute) {
		for _, x := range p {
			switch {
			case x.kind == partSeq && x.f == f && !seqOK:
				seq, seqOK = x.v, true
			case x.kind == partAck && x.f == f && !ackOK:
				ack, ackOK = x.v, true
			}
		}
	}
	return
}

// textNumbers are the digits text parts may hold: names, not values.
var textNumbers = regexp.MustCompile(`RFC \d+|section \d+(\.\d+)*|figure \d+|2\^(32)?|2MSL|FIN_WAIT_[12]|IPv[46]|ICMPv6|\b3 ms\b`)

var (
	eqRe   = regexp.MustCompile(`(\d+) = (\d+)((?: [+-] \d+)+)`)
	termRe = regexp.MustCompile(` ([+-]) (\d+)`)
)

// CheckEquations parses every "A = B + C - D" in text and checks it modulo
// 2^32, returning how many it checked and the ones that do not add up.
func CheckEquations(text string) (n int, bad []string) {
	for _, m := range eqRe.FindAllStringSubmatch(text, -1) {
		a, _ := strconv.ParseUint(m[1], 10, 64)
		b, _ := strconv.ParseUint(m[2], 10, 64)
		v := uint32(b)
		for _, t := range termRe.FindAllStringSubmatch(m[3], -1) {
			x, _ := strconv.ParseUint(t[2], 10, 64)
			if t[1] == "+" {
				v += uint32(x)
			} else {
				v -= uint32(x)
			}
		}
		if v != uint32(a) {
			bad = append(bad, m[0])
		}
		n++
	}
	return n, bad
}

func checkParas(tl *Timeline, ps []para, absolute bool) (checked int, errs []string) {
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	for _, p := range ps {
		text := p.String()
		n, bad := CheckEquations(text)
		checked += n
		for _, b := range bad {
			fail("%q does not add up", b)
		}
		for j, x := range p {
			if x.kind == partText {
				if rest := textNumbers.ReplaceAllString(x.s, ""); strings.ContainsAny(rest, "0123456789") {
					fail("a number in text, not typed: %q", x.s)
				}
				if strings.ContainsFunc(x.s, func(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) }) {
					fail("control character in %q", x.s)
				}
				continue
			}
			if x.kind == partCalc {
				if j+1 >= len(p) || p[j+1].kind != partText || !strings.HasPrefix(p[j+1].s, " = ") {
					fail("computed number %d is not the left side of an equation", x.v)
				}
				continue
			}
			if err := checkPart(tl, x, absolute); err != "" {
				fail("%s (in %q)", err, text)
			}
			checked++
		}
	}
	return checked, errs
}

func segOfFrame(tl *Timeline, f uint32) *Segment {
	if f == 0 || int(f) > len(tl.Frames) {
		return nil
	}
	si := tl.SegOf(f)
	if si < 0 {
		return nil
	}
	return &tl.Segments[si]
}

// checkPart recomputes part x from the timeline and says what is wrong.
func checkPart(tl *Timeline, x part, absolute bool) string {
	want := func(v uint64) string {
		if v != x.v {
			return fmt.Sprintf("part %d of frame %d says %d, the timeline %d", x.kind, x.f, x.v, v)
		}
		return ""
	}
	switch x.kind {
	case partFrame:
		if x.v == 0 || x.v > uint64(len(tl.Frames)) {
			return fmt.Sprintf("frame %d does not exist", x.v)
		}
		return ""
	case partOne:
		return want(1)
	case partGap:
		if x.f == 0 || x.g == 0 || int(x.f) > len(tl.Frames) || int(x.g) > len(tl.Frames) {
			return "gap between frames that do not exist"
		}
		return want(uint64(tl.Frames[x.f-1].TimeNS - tl.Frames[x.g-1].TimeNS))
	case partNote:
		if x.f == 0 || int(x.f) > len(tl.Frames) || x.s != Visible(tl.Note(x.f)) {
			return fmt.Sprintf("note %q is not frame %d's", x.s, x.f)
		}
		return ""
	}
	switch x.kind {
	case partFragID, partFragIDHex, partFragOffset, partFragLen:
		for _, g := range tl.Fragments {
			if g.Frame == x.f {
				switch x.kind {
				case partFragID, partFragIDHex:
					return want(uint64(g.ID))
				case partFragOffset:
					return want(uint64(g.Offset))
				default:
					return want(uint64(g.Len))
				}
			}
		}
		return fmt.Sprintf("frame %d is no fragment", x.f)
	case partFragCount:
		n, self := 0, false
		for _, g := range tl.Fragments {
			if g.Completes == x.f {
				n++
				self = self || g.Frame == x.f
			}
		}
		if !self {
			n++
		}
		return want(uint64(n))
	case partICMPType, partICMPCode, partMTU, partQuotedSeq, partQuotedRel, partQuotedLen:
		for _, e := range tl.ICMP {
			if e.Frame != x.f {
				continue
			}
			switch x.kind {
			case partICMPType:
				return want(uint64(e.Type))
			case partICMPCode:
				return want(uint64(e.Code))
			case partMTU:
				return want(uint64(e.MTU))
			case partQuotedSeq:
				return want(uint64(e.QuotedSeq))
			case partQuotedLen:
				return want(uint64(e.QuotedTCPLen))
			default:
				c := tl.Conversations[e.Stream]
				d := 0
				if e.QuotedSrc == c.Server {
					d = 1
				}
				return want(uint64(e.QuotedSeq - c.Base[d]))
			}
		}
		return fmt.Sprintf("frame %d is no ICMP error", x.f)
	case partAddr:
		var got string
		switch x.v {
		case addrSrc, addrDst:
			s := segOfFrame(tl, x.f)
			if s == nil {
				return fmt.Sprintf("frame %d is no segment", x.f)
			}
			src, dst := tl.SrcDst(s)
			got = src.String()
			if x.v == addrDst {
				got = dst.String()
			}
		default:
			for _, e := range tl.ICMP {
				if e.Frame == x.f {
					got = [...]string{e.Src.Addr.String(), e.Dst.Addr.String(), e.QuotedSrc.String(), e.QuotedDst.String()}[x.v-addrICMPSrc]
				}
			}
		}
		if got != x.s {
			return fmt.Sprintf("address %q, the timeline says %q", x.s, got)
		}
		return ""
	}
	s := segOfFrame(tl, x.f)
	if s == nil {
		return fmt.Sprintf("part %d names frame %d, which is no segment", x.kind, x.f)
	}
	c := tl.Conv(s)
	seq, ack := s.RelSeq, s.RelAck
	if absolute {
		seq, ack = s.Seq, s.Ack
	}
	sl := s.Len
	if s.Flags&SYN != 0 {
		sl++
	}
	if s.Flags&FIN != 0 {
		sl++
	}
	win := uint64(s.Win)
	if sh := c.WinScale[s.Dir]; sh >= 0 && s.Flags&SYN == 0 {
		win <<= uint(sh)
	}
	switch x.kind {
	case partTime:
		return want(uint64(tl.Frames[x.f-1].TimeNS - tl.StartNS))
	case partPort:
		src, dst := tl.SrcDst(s)
		if x.g == 0 {
			return want(uint64(src.Port))
		}
		return want(uint64(dst.Port))
	case partSeq:
		return want(uint64(seq))
	case partAck:
		return want(uint64(ack))
	case partNext:
		return want(uint64(seq + sl))
	case partLast:
		return want(uint64(seq + s.Len - 1))
	case partWireSeq:
		return want(uint64(s.Seq))
	case partWireAck:
		return want(uint64(s.Ack))
	case partLen:
		return want(uint64(s.Len))
	case partSeqLen:
		return want(uint64(sl))
	case partWin:
		return want(uint64(s.Win))
	case partShift:
		if c.WinScale[s.Dir] < 0 {
			return "a window scale stated where none was negotiated"
		}
		return want(uint64(c.WinScale[s.Dir]))
	case partWinBytes:
		return want(win)
	case partWinEdge:
		return want(uint64(ack + uint32(win)))
	case partBase:
		return want(uint64(c.Base[s.Dir^Dir(x.g)]))
	case partDupNth:
		// Count the sender's duplicates of frame g's ACK up to frame f.
		n := 0
		in := false
		for _, si := range c.Segs {
			q := &tl.Segments[si]
			if q.Frame == x.g {
				in = true
				if q.Events.Has(DuplicateAck) || q.Ack != s.Ack {
					return fmt.Sprintf("frame %d is no original ACK of frame %d", x.g, x.f)
				}
				continue
			}
			if !in || q.Dir != s.Dir {
				continue
			}
			if q.Ack != s.Ack || !q.Events.Has(DuplicateAck) {
				return fmt.Sprintf("frame %d breaks the run of duplicates", q.Frame)
			}
			n++
			if q.Frame == x.f {
				break
			}
		}
		return want(uint64(n))
	}
	return fmt.Sprintf("part kind %d cannot be checked", x.kind)
}
