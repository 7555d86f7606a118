package lesson

import (
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tcpstep/tcpstep/model"
)

// The check: a lesson's numbers against its decoded capture, so that a
// note cannot drift from the capture it is about. A number in one of the
// forms below must be a value of the note's frames or of a frame the note
// names ("frame N", "frames N and M", "frames N to M"): "SEQ N", "ACK N",
// "ISN N" (a SYN's number on the wire, in either numbering), "A = B + N"
// (the sum must hold, and an ACK so computed must be a segment's SEQ plus
// the sequence space it uses), "N bytes" (a payload or a window), "port
// N", "window N", "scale N", "N ms" (the gap between two frames in
// scope), "N of the 11 states", "MTU N", "ID 0x…", "offset N", IP
// addresses, and a side said to be in a state ("takes the client to
// ESTABLISHED", "the server is in CLOSE_WAIT": its state before or after
// a segment in scope). The built-in lessons are checked strictly: every digit must
// belong to a form, in both numberings.

// Problem is one thing wrong with a lesson: at a line of its file (0 for
// a lesson not read from one), about a frame (0 for the watch text or the
// lesson as a whole).
type Problem struct {
	Line  int
	Frame uint32
	Msg   string
}

// String is "LINE: frame F: message" (without the file's name).
func (p Problem) String() string {
	if p.Frame == 0 {
		return fmt.Sprintf("%d: %s", p.Line, p.Msg)
	}
	return fmt.Sprintf("%d: frame %d: %s", p.Line, p.Frame, p.Msg)
}

// Check reports what is wrong with l as the lesson of tl: every frame a
// heading names that the capture does not have, every note on a frame that
// carries no TCP, and every number in a note, question or answer that names
// a value of its frames and disagrees with the decoder. Each text is
// checked in the lesson's numbering, and in the other one too when it
// holds "{absolute|relative}" alternatives (it is meant to read right in
// both). Problems come in the file's order.
func Check(tl *model.Timeline, l *model.Lesson) []Problem { return check(tl, l, false) }

// CheckStrict is Check as the built-in lessons pass it: every text in both
// numberings, the title and watch text too, and every digit must belong to
// one of the checked forms.
func CheckStrict(tl *model.Timeline, l *model.Lesson) []Problem { return check(tl, l, true) }

func check(tl *model.Timeline, l *model.Lesson, strict bool) []Problem {
	var out []Problem
	if l == nil || tl == nil {
		return nil
	}
	numberings := func(own, other string) []bool {
		if strict || own != other {
			return []bool{l.Absolute, !l.Absolute}
		}
		return []bool{l.Absolute}
	}
	if strict {
		// The title and watch text speak of the capture as a whole: no
		// frame is in scope unless they name one.
		for _, abs := range numberings(l.WatchText(l.Absolute), l.WatchText(!l.Absolute)) {
			for _, f := range checkText(tl, l.Title+"\n"+l.WatchText(abs), nil, abs, strict) {
				out = append(out, Problem{Frame: 0, Msg: numberingSuffix(f.msg, abs, l.Absolute)})
			}
		}
	}
	sections := l.Sections
	if sections == nil {
		// A lesson built in Go: one section per note, no lines.
		for f := range l.Notes {
			sections = append(sections, model.Section{First: f, Last: f})
		}
		for f := range l.Questions {
			if _, ok := l.Notes[f]; !ok {
				sections = append(sections, model.Section{First: f, Last: f})
			}
		}
		slices.SortFunc(sections, func(a, b model.Section) int { return int(a.First) - int(b.First) })
	}
	n := uint32(len(tl.Frames))
	for _, s := range sections {
		if s.Last > n {
			from := max(s.First, n+1)
			msg := fmt.Sprintf("no such frame: the capture has %d frames", n)
			if s.Last > from {
				msg = fmt.Sprintf("no frames %d-%d: the capture has %d frames", from, s.Last, n)
			}
			out = append(out, Problem{Line: s.Heading, Frame: from, Msg: msg})
		}
		var scope []uint32
		for f := s.First; f <= min(s.Last, n) && f != 0; f++ {
			switch tl.Frames[f-1].Kind {
			case model.FrameOther, model.FrameUndecodable:
				what := "carries no TCP"
				if tl.Frames[f-1].Kind == model.FrameUndecodable {
					what = "could not be decoded"
				}
				out = append(out, Problem{Line: s.Heading, Frame: f, Msg: "a note on a frame that " + what + ": a lesson's notes are on TCP segments (or the fragments and ICMP errors of one)"})
			default:
				scope = append(scope, f)
			}
			if f == math.MaxUint32 {
				break
			}
		}
		if len(scope) == 0 {
			continue
		}
		texts := []struct {
			own, other string
			lines      []int
		}{{l.Note(s.First, l.Absolute), l.Note(s.First, !l.Absolute), s.NoteLines}}
		if q, ok := l.QuestionAt(s.First, l.Absolute); ok {
			o, _ := l.QuestionAt(s.First, !l.Absolute)
			texts = append(texts,
				struct {
					own, other string
					lines      []int
				}{q.Ask, o.Ask, s.AskLines},
				struct {
					own, other string
					lines      []int
				}{q.Answer, o.Answer, s.AnswerLines})
		}
		for _, t := range texts {
			if t.own == "" {
				continue
			}
			seen := map[string]bool{}
			for _, abs := range numberings(t.own, t.other) {
				text := t.own
				if abs != l.Absolute {
					text = t.other
				}
				for _, f := range checkText(tl, text, scope, abs, strict) {
					line := s.Heading
					if len(t.lines) > 0 {
						line = t.lines[min(strings.Count(text[:f.off], "\n"), len(t.lines)-1)]
					}
					// A number the numbering does not change is wrong in
					// both: say it once.
					if k := fmt.Sprint(line, f.msg); seen[k] {
						continue
					} else {
						seen[k] = true
					}
					out = append(out, Problem{Line: line, Frame: s.First, Msg: numberingSuffix(f.msg, abs, l.Absolute)})
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Problem) int { return a.Line - b.Line })
	return slices.Compact(out)
}

// numberingSuffix says which numbering a problem is in when it is not
// the lesson's own.
func numberingSuffix(msg string, abs, own bool) string {
	if abs == own {
		return msg
	}
	if abs {
		return msg + " (read in absolute numbering)"
	}
	return msg + " (read in relative numbering)"
}

// CheckText checks the numbers of one text against tl, read in absolute
// or relative numbering, its values to be those of the frames in scope or
// of frames it names; strict reports digits no form covers too. It returns
// the problems' messages, for tests of the checker itself.
func CheckText(tl *model.Timeline, text string, scope []uint32, absolute, strict bool) []string {
	var out []string
	for _, f := range checkText(tl, text, scope, absolute, strict) {
		out = append(out, f.msg)
	}
	return out
}

// finding is a problem at a byte offset of the text checked.
type finding struct {
	off int
	msg string
}

func checkText(tl *model.Timeline, text string, scope []uint32, absolute, strict bool) []finding {
	clean, at := plain(text)
	c := &checker{tl: tl, abs: absolute, scope: append([]uint32{}, scope...), strict: strict}
	c.check(clean)
	for i := range c.found {
		c.found[i].off = at[min(c.found[i].off, len(at)-1)]
	}
	return c.found
}

// plain is text without the Markdown that can come between a word and
// its number (emphasis, code, escapes, ordered lists' markers, links'
// addresses), its lines joined by spaces; at maps each byte of it (and
// one past the end) to its offset in text.
func plain(text string) (string, []int) {
	b := make([]byte, 0, len(text))
	at := make([]int, 0, len(text)+1)
	isWord := func(i int) bool {
		if i < 0 || i >= len(text) {
			return false
		}
		c := text[i]
		return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
	}
	lineStart := true
	// An ordered list's marker starts a block only after a blank line or
	// another item, or as "1." (CommonMark: a list interrupting a paragraph
	// starts at 1), so "of frame\n5. B is…", a wrapped line, keeps its 5.
	blockStart, inList := true, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		if lineStart {
			if i > 0 && text[i-1] == '\n' && (i < 2 || text[i-2] == '\n') {
				blockStart, inList = true, false
			}
			// An ordered list's marker: "1. " or "2) ".
			j := i
			for j < len(text) && text[j] == ' ' {
				j++
			}
			k := j
			for k < len(text) && text[k] >= '0' && text[k] <= '9' {
				k++
			}
			marker := k > j && k-j <= 9 && k+1 < len(text) && (text[k] == '.' || text[k] == ')') && text[k+1] == ' '
			if marker && (blockStart || inList || text[j:k] == "1") {
				i = k + 1
				c = text[i]
				inList = true
			} else if text[i] != '\n' {
				inList = inList && (text[i] == ' ' || text[i] == '-' || text[i] == '*')
			}
			blockStart = false
			lineStart = false
		}
		switch {
		case c == '\n':
			lineStart = true
			c = ' '
		case c == '*' || c == '`':
			continue
		case c == '_' && !(isWord(i-1) && isWord(i+1)):
			continue
		case c == '\\' && i+1 < len(text) && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", text[i+1]) >= 0:
			i++
			c = text[i]
		case c == ']' && i+1 < len(text) && text[i+1] == '(':
			// A link's address is not the lesson's words.
			if end := strings.IndexByte(text[i:], ')'); end > 0 {
				i += end
				continue
			}
		case c == '<' && i+1 < len(text) && strings.HasPrefix(text[i+1:], "http"):
			if end := strings.IndexByte(text[i:], '>'); end > 0 {
				i += end
				continue
			}
		}
		b = append(b, c)
		at = append(at, i)
	}
	at = append(at, len(text))
	return string(b), at
}

var (
	lnEq      = regexp.MustCompile(`\b(ISN |SEQ |ACK )?(\d+) = (\d+) ([+-]) (\d+)\b`)
	lnFrames  = regexp.MustCompile(`\bframes? (\d+)((?:(?:, | and | to )\d+\b)*)`)
	lnFrameN  = regexp.MustCompile(`(, | and | to )?(\d+)`)
	lnDecimal = regexp.MustCompile(`\d+\.\d+`)
	lnField   = regexp.MustCompile(`\b(SEQ|ACK|ISN) (\d+)\b`)
	lnBytes   = regexp.MustCompile(`\b(\d+)[ -]bytes?\b`)
	lnPort    = regexp.MustCompile(`\bport (\d+)\b`)
	lnWindow  = regexp.MustCompile(`\bwindow (?:of )?(\d+)\b`)
	lnScale   = regexp.MustCompile(`\b(?:scale |2\^)(\d+)\b`)
	lnMS      = regexp.MustCompile(`\b(\d+(?:\.\d+)?) ms\b`)
	lnStates  = regexp.MustCompile(`\b(\d+) of the (\d+) states\b`)
	lnMTU     = regexp.MustCompile(`\bMTU (\d+)\b`)
	lnID      = regexp.MustCompile(`\bID 0x([0-9a-f]+)\b`)
	lnOffset  = regexp.MustCompile(`\boffset (\d+)\b`)
	lnNames   = regexp.MustCompile(`RFC \d+|[Ss]ections? \d+(?:\.\d+)*|§ ?\d+(?:\.\d+)*|[Ff]igure \d+|FIN_WAIT_[12]|IPv[46]|2MSL|2\^32`)
	lnWord    = regexp.MustCompile(`\S+`)
	// A side said to be in a state: "the client is in ESTABLISHED", "takes
	// the server to CLOSE_WAIT", "the client enters TIME_WAIT".
	lnState  = regexp.MustCompile(`\b(client|server) (?:is |stays |is now |now )?(?:in|enters|moves to|goes to|reaches|to) (CLOSED|LISTEN|SYN_SENT|SYN_RECEIVED|ESTABLISHED|FIN_WAIT_1|FIN_WAIT_2|CLOSE_WAIT|CLOSING|LAST_ACK|TIME_WAIT)\b`)
	lnDigits = regexp.MustCompile(`\d+`)
)

// checker checks the numbers of one text.
type checker struct {
	tl     *model.Timeline
	abs    bool     // the numbering the text is read in
	scope  []uint32 // frames whose values the numbers may be
	strict bool
	found  []finding
}

func (c *checker) fail(off int, format string, args ...any) {
	c.found = append(c.found, finding{off, fmt.Sprintf(format, args...)})
}

// blank replaces every match of re in text by as many spaces, so that
// offsets stay those of the text checked.
func blank(text string, re *regexp.Regexp) string {
	return re.ReplaceAllStringFunc(text, func(m string) string { return strings.Repeat(" ", len(m)) })
}

func (c *checker) seg(f uint32) *model.Segment {
	si := c.tl.SegOf(f)
	if si < 0 {
		return nil
	}
	return &c.tl.Segments[si]
}

// has reports whether v is one of the values pick returns for a segment
// in scope.
func (c *checker) has(v uint64, pick func(s *model.Segment) []uint32) bool {
	for _, f := range c.scope {
		if s := c.seg(f); s != nil {
			for _, x := range pick(s) {
				if uint64(x) == v {
					return true
				}
			}
		}
	}
	return false
}

// values lists what pick returns for the segments in scope, for a
// message: "frame 7's is 1023645928".
func (c *checker) values(what string, pick func(s *model.Segment) []uint32) string {
	var parts []string
	for _, f := range c.scope {
		if s := c.seg(f); s != nil {
			for _, x := range pick(s) {
				parts = append(parts, fmt.Sprintf("frame %d's is %d", f, x))
			}
		}
		if len(parts) >= 4 {
			parts = append(parts, "…")
			break
		}
	}
	if len(parts) == 0 {
		return "no frame in scope has one"
	}
	return strings.Join(parts, ", ")
}

func (c *checker) numbering() string {
	if c.abs {
		return "absolute"
	}
	return "relative"
}

// seqs, acks, nexts and anyNum pick a segment's SEQ, ACK, SEQ + SeqLen
// and all three, in the text's numbering.
func (c *checker) seqs(s *model.Segment) []uint32 {
	if c.abs {
		return []uint32{s.Seq}
	}
	return []uint32{s.RelSeq}
}
func (c *checker) acks(s *model.Segment) []uint32 {
	if c.abs {
		return []uint32{s.Ack}
	}
	return []uint32{s.RelAck}
}
func (c *checker) nexts(s *model.Segment) []uint32 {
	return []uint32{c.seqs(s)[0] + s.SeqLen()}
}
func (c *checker) anyNum(s *model.Segment) []uint32 {
	return append(append(c.seqs(s), c.acks(s)...), c.nexts(s)...)
}

// isns picks a SYN's SEQ as sent: an ISN is absolute in any numbering.
func isns(s *model.Segment) []uint32 {
	if s.Flags&model.SYN != 0 {
		return []uint32{s.Seq}
	}
	return nil
}

func num(s string) uint64 {
	v, _ := strconv.ParseUint(s, 10, 64)
	return v
}

// check consumes every number form in text, checking each; strict, it
// reports any digit left over.
func (c *checker) check(text string) {
	sub := func(m []int, i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return text[m[2*i]:m[2*i+1]]
	}
	// Names that hold digits first (RFC 793, section 3.10.7.1, 2^32).
	text = blank(text, lnNames)
	// Addresses: a word that parses as an IP address must be one of
	// the capture's.
	for _, m := range lnWord.FindAllStringIndex(text, -1) {
		w := text[m[0]:m[1]]
		t := strings.Trim(w, ",.;:()")
		if a, err := netip.ParseAddr(t); err == nil {
			if !c.addrKnown(a) {
				c.fail(m[0], "address %s is not in the capture", a)
			}
			text = text[:m[0]] + strings.Repeat(" ", len(w)) + text[m[1]:]
		}
	}
	// Frames: they also widen the scope for the forms after them.
	defer c.states(text)
	// A decimal after a list of frames is a time, not a frame: "frame 1,
	// 210.050 ms later". The frame lists are found in a copy with the
	// decimals masked (same length, so offsets hold).
	masked := lnDecimal.ReplaceAllStringFunc(text, func(m string) string { return strings.Repeat("#", len(m)) })
	frameLists := lnFrames.FindAllStringIndex(masked, -1)
	for _, m := range frameLists {
		prev := uint64(0)
		for _, n := range lnFrameN.FindAllStringSubmatchIndex(text[m[0]:m[1]], -1) {
			f := num(text[m[0]+n[4] : m[0]+n[5]])
			if f == 0 || f > uint64(len(c.tl.Frames)) {
				c.fail(m[0], "frame %d does not exist (the capture has %d frames)", f, len(c.tl.Frames))
				continue
			}
			if n[2] >= 0 && text[m[0]+n[2]:m[0]+n[3]] == " to " {
				for g := prev + 1; g < f && g-prev < 1<<16; g++ {
					c.scope = append(c.scope, uint32(g))
				}
			}
			c.scope = append(c.scope, uint32(f))
			prev = f
		}
	}
	for i := len(frameLists) - 1; i >= 0; i-- {
		m := frameLists[i]
		text = text[:m[0]] + strings.Repeat(" ", m[1]-m[0]) + text[m[1]:]
	}
	for _, m := range lnEq.FindAllStringSubmatchIndex(text, -1) {
		all := text[m[0]:m[1]]
		a, b, n := num(sub(m, 2)), num(sub(m, 3)), num(sub(m, 5))
		v := uint32(b) + uint32(n)
		if sub(m, 4) == "-" {
			v = uint32(b) - uint32(n)
		}
		if uint64(v) != a {
			c.fail(m[0], "%q does not add up", all)
			continue
		}
		if !c.strict && sub(m, 1) == "" {
			// Arithmetic that names no field (a window's right edge, a
			// count of bytes) need only add up.
			continue
		}
		if sub(m, 1) == "ISN " {
			// ISNs: absolute SYN numbers whatever the numbering.
			if !c.has(a, isns) || !c.has(b, isns) {
				c.fail(m[0], "%q: %d or %d is no SYN's SEQ in frames %v", all, a, b, c.where())
			}
			continue
		}
		if !c.has(a, c.anyNum) || !c.has(b, c.anyNum) {
			c.fail(m[0], "%q: %d or %d is no SEQ or ACK of frames %v (%s numbering)", all, a, b, c.where(), c.numbering())
		}
		// An ACK computed from a segment must be that segment's SEQ plus
		// the sequence space it uses.
		if sub(m, 4) == "+" && c.has(a, c.acks) && !c.has(a, c.seqs) && !c.has(a, c.nexts) {
			ok := false
			for _, f := range c.scope {
				if s := c.seg(f); s != nil {
					for _, x := range c.seqs(s) {
						if uint64(x) == b && uint64(x+s.SeqLen()) == a {
							ok = true
						}
					}
				}
			}
			if !ok {
				c.fail(m[0], "%q: no segment in frames %v starts at %d and ends at %d", all, c.where(), b, a)
			}
		}
	}
	text = blank(text, lnEq)
	for _, m := range lnField.FindAllStringSubmatchIndex(text, -1) {
		v := num(sub(m, 2))
		switch sub(m, 1) {
		case "SEQ":
			if !c.has(v, c.seqs) {
				c.fail(m[0], "SEQ %d is no SEQ of frames %v in %s numbering (%s)", v, c.where(), c.numbering(), c.values("SEQ", c.seqs))
			}
		case "ACK":
			if !c.has(v, c.acks) {
				c.fail(m[0], "ACK %d is no ACK of frames %v in %s numbering (%s)", v, c.where(), c.numbering(), c.values("ACK", c.acks))
			}
		case "ISN":
			if !c.has(v, isns) {
				c.fail(m[0], "ISN %d is no SYN's SEQ in frames %v", v, c.where())
			}
		}
	}
	text = blank(text, lnField)
	for _, m := range lnScale.FindAllStringSubmatchIndex(text, -1) {
		if !c.has(num(sub(m, 1)), func(s *model.Segment) []uint32 {
			if sh := c.tl.Conv(s).WinScale[s.Dir]; sh >= 0 {
				return []uint32{uint32(sh)}
			}
			return nil
		}) {
			c.fail(m[0], "%s: no negotiated window scale of frames %v", text[m[0]:m[1]], c.where())
		}
	}
	text = blank(text, lnScale)
	for _, m := range lnBytes.FindAllStringSubmatchIndex(text, -1) {
		v := num(sub(m, 1))
		if !c.has(v, func(s *model.Segment) []uint32 {
			sh := c.tl.Conv(s).WinScale[s.Dir]
			w := uint32(s.Win)
			if sh >= 0 {
				w <<= uint(sh)
			}
			return []uint32{s.Len, uint32(s.Win), w}
		}) {
			c.fail(m[0], "%s: no payload or window of frames %v is that long (%s)", text[m[0]:m[1]], c.where(),
				c.values("length", func(s *model.Segment) []uint32 { return []uint32{s.Len} }))
		}
	}
	text = blank(text, lnBytes)
	for _, m := range lnPort.FindAllStringSubmatchIndex(text, -1) {
		v := num(sub(m, 1))
		if !c.has(v, func(s *model.Segment) []uint32 {
			src, dst := c.tl.SrcDst(s)
			return []uint32{uint32(src.Port), uint32(dst.Port)}
		}) {
			c.fail(m[0], "port %d is not a port of frames %v", v, c.where())
		}
	}
	text = blank(text, lnPort)
	for _, m := range lnWindow.FindAllStringSubmatchIndex(text, -1) {
		win := func(s *model.Segment) []uint32 { return []uint32{uint32(s.Win)} }
		if !c.has(num(sub(m, 1)), win) {
			c.fail(m[0], "%s: no window of frames %v (%s)", text[m[0]:m[1]], c.where(), c.values("window", win))
		}
	}
	text = blank(text, lnWindow)
	for _, m := range lnMS.FindAllStringSubmatchIndex(text, -1) {
		ms, _ := strconv.ParseFloat(sub(m, 1), 64)
		ok := false
		for _, a := range c.scope {
			for _, b := range c.scope {
				if a < b && int(b) <= len(c.tl.Frames) {
					gap := float64(c.tl.Frames[b-1].TimeNS-c.tl.Frames[a-1].TimeNS) / 1e6
					if math.Abs(gap-ms) <= math.Max(0.1, ms*0.05) {
						ok = true
					}
				}
			}
		}
		if !ok {
			c.fail(m[0], "%s is no gap between frames %v", text[m[0]:m[1]], c.where())
		}
	}
	text = blank(text, lnMS)
	for _, m := range lnStates.FindAllStringSubmatchIndex(text, -1) {
		if num(sub(m, 2)) != model.NumStates {
			c.fail(m[0], "RFC 793 has %d states, not %s", model.NumStates, sub(m, 2))
		}
		if v := num(sub(m, 1)); v != uint64(c.visited()) {
			c.fail(m[0], "the sides pass through %d states, not %d", c.visited(), v)
		}
	}
	text = blank(text, lnStates)
	for _, m := range lnMTU.FindAllStringSubmatchIndex(text, -1) {
		ok := false
		for _, e := range c.tl.ICMP {
			ok = ok || (c.inScope(e.Frame) && uint64(e.MTU) == num(sub(m, 1)))
		}
		if !ok {
			c.fail(m[0], "%s: no ICMP error in frames %v reports it", text[m[0]:m[1]], c.where())
		}
	}
	text = blank(text, lnMTU)
	for _, m := range lnID.FindAllStringSubmatchIndex(text, -1) {
		id, _ := strconv.ParseUint(sub(m, 1), 16, 16)
		if !c.fragment(func(g model.Fragment) bool { return uint64(g.ID) == id }) {
			c.fail(m[0], "%s: no fragment of frames %v has it", text[m[0]:m[1]], c.where())
		}
	}
	text = blank(text, lnID)
	for _, m := range lnOffset.FindAllStringSubmatchIndex(text, -1) {
		off := num(sub(m, 1))
		// The completing frame's own piece has no fragment record: its
		// offset is what the others leave, the end of the piece before it.
		if !c.fragment(func(g model.Fragment) bool { return uint64(g.Offset) == off || uint64(g.Offset)+uint64(g.Len) == off }) {
			c.fail(m[0], "%s: no fragment of frames %v is there", text[m[0]:m[1]], c.where())
		}
	}
	text = blank(text, lnOffset)
	if c.strict {
		if m := lnDigits.FindStringIndex(text); m != nil {
			from, to := max(m[0]-20, 0), min(m[1]+20, len(text))
			c.fail(m[0], "a number no form covers: %q", strings.Join(strings.Fields(text[from:to]), " "))
		}
	}
}

// where is the scope for a message: "frames [7 6]", shortened.
func (c *checker) where() string {
	if len(c.scope) > 8 {
		return fmt.Sprintf("%v…", c.scope[:8])
	}
	return fmt.Sprint(c.scope)
}

// states checks every side said to be in a state: it must be that
// side's state before or after a segment in scope.
func (c *checker) states(text string) {
	for _, m := range lnState.FindAllStringSubmatchIndex(text, -1) {
		side, name := text[m[2]:m[3]], text[m[4]:m[5]]
		var seen []string
		ok := false
		for _, f := range c.scope {
			si := c.tl.SegOf(f)
			if si < 0 {
				continue
			}
			s := &c.tl.Segments[si]
			after := s.Client()
			cm, sm := model.StepTransitions(c.tl, si)
			moves := cm
			if side == "server" {
				after, moves = s.Server(), sm
			}
			states := []model.State{after}
			for _, t := range moves {
				states = append(states, t.From, t.To)
			}
			for _, st := range states {
				ok = ok || st.String() == name
			}
			seen = append(seen, fmt.Sprintf("frame %d's is %s", f, after))
		}
		if !ok && len(seen) > 0 {
			c.fail(m[0], "the %s is not in %s at frames %v (%s)", side, name, c.where(), strings.Join(seen, ", "))
		}
	}
}

func (c *checker) inScope(f uint32) bool { return slices.Contains(c.scope, f) }

// fragment reports whether a fragment of a frame in scope (or completed by
// one) satisfies ok.
func (c *checker) fragment(ok func(model.Fragment) bool) bool {
	for _, g := range c.tl.Fragments {
		if (c.inScope(g.Frame) || c.inScope(g.Completes)) && ok(g) {
			return true
		}
	}
	return false
}

func (c *checker) addrKnown(a netip.Addr) bool {
	for _, cv := range c.tl.Conversations {
		if cv.Client.Addr == a || cv.Server.Addr == a {
			return true
		}
	}
	for _, e := range c.tl.ICMP {
		if e.Src.Addr == a || e.Dst.Addr == a {
			return true
		}
	}
	return false
}

// visited counts the states the sides of the scope's first conversation
// pass through, initial states included.
func (c *checker) visited() int {
	if len(c.scope) == 0 || c.seg(c.scope[0]) == nil {
		return -1
	}
	cv := c.tl.Conv(c.seg(c.scope[0]))
	seen := map[model.State]bool{cv.InitClient: true, cv.InitServer: true}
	for _, si := range cv.Segs {
		s := &c.tl.Segments[si]
		seen[s.Client()], seen[s.Server()] = true, true
		cm, sm := model.StepTransitions(c.tl, int(si))
		for _, m := range append(cm, sm...) {
			seen[m.To] = true
		}
	}
	return len(seen)
}
