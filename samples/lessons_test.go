package samples

import (
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/model"
)

// The lessons' numbers are checked against the decoded samples, so a note
// cannot drift from the generator: every digit in a note must belong to
// one of the forms below, and each form's number must be a value of the
// note's frame or of a frame the note names (its scope). A note is checked
// in both numberings, each strictly: rendered for absolute numbers, its
// SEQ and ACK numbers must be absolute values, rendered for relative ones
// relative values (an ISN is the number on the wire in both).

func loadSample(t *testing.T, name string) *model.Timeline {
	t.Helper()
	b, err := Bytes(name)
	if err != nil {
		t.Fatal(err)
	}
	in, err := decode.OpenBytes(name, b)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	tl, err := in.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	return tl
}

func TestEverySampleHasALesson(t *testing.T) {
	for _, s := range List() {
		l, ok := anyLesson(t, s.Name)
		if !ok {
			t.Errorf("%s: no lesson", s.Name)
			continue
		}
		if l.Title == "" || l.Watch == "" || len(l.Notes) == 0 {
			t.Errorf("%s: lesson without title, watch or notes", s.Name)
		}
	}
	if _, ok := Lesson("no-such-sample"); ok {
		t.Error("a lesson for an unknown sample")
	}
	// The caller gets its own map.
	l, _ := Lesson(Default)
	l.Notes[1] = "changed"
	if l2, _ := Lesson(Default); l2.Notes[1] == "changed" {
		t.Error("Lesson shares its notes map")
	}
}

// The Figure 10 lesson covers the paper's points.
func TestFigure10LessonPoints(t *testing.T) {
	l, _ := Lesson("smtp-figure10")
	all := l.Watch
	for _, n := range l.Notes {
		all += "\n" + n
	}
	for _, want := range []string{
		"ISN 1023645922", "unpredictable", // the ISN and why
		"next byte", "1023645928 = 1023645923 + 5", // the ACK and payload counting
		"extra pure ACK", // the delayed ACKs
		"FIN", "RST",     // the close mixing both
		"of the 11 states", "TIME_WAIT", "CLOSING", // the eleven states
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the Figure 10 lesson does not say %q", want)
		}
	}
	tl := loadSample(t, "smtp-figure10")
	// Notes on the handshake, the first data and its ACK, an extra pure ACK,
	// each state change and the RST.
	for i := range tl.Segments {
		s := &tl.Segments[i]
		cm, sm := model.StepTransitions(tl, i)
		if len(cm)+len(sm) > 0 && s.Frame > 3 && l.Notes[s.Frame] == "" {
			t.Errorf("frame %d changes a state and has no note", s.Frame)
		}
		if s.Flags&(model.SYN|model.RST|model.FIN) != 0 && l.Notes[s.Frame] == "" {
			t.Errorf("frame %d (%s) has no note", s.Frame, s.Flags)
		}
	}
	for _, f := range []uint32{4, 5, 6, 7} {
		if l.Notes[f] == "" {
			t.Errorf("frame %d (first data, its ACK, an extra ACK) has no note", f)
		}
	}
}

var (
	lnEq     = regexp.MustCompile(`\b(ISN )?(\d+) = (\d+) ([+-]) (\d+)\b`)
	lnFrames = regexp.MustCompile(`\bframes? (\d+)((?:(?:, | and | to )\d+\b)*)`)
	lnFrameN = regexp.MustCompile(`(, | and | to )?(\d+)`)
	lnField  = regexp.MustCompile(`\b(SEQ|ACK|ISN) (\d+)\b`)
	lnBytes  = regexp.MustCompile(`\b(\d+)[ -]bytes?\b`)
	lnPort   = regexp.MustCompile(`\bport (\d+)\b`)
	lnWindow = regexp.MustCompile(`\bwindow (?:of )?(\d+)\b`)
	lnScale  = regexp.MustCompile(`\b(?:scale |2\^)(\d+)\b`)
	lnMS     = regexp.MustCompile(`\b(\d+(?:\.\d+)?) ms\b`)
	lnStates = regexp.MustCompile(`\b(\d+) of the (\d+) states\b`)
	lnMTU    = regexp.MustCompile(`\bMTU (\d+)\b`)
	lnID     = regexp.MustCompile(`\bID 0x([0-9a-f]+)\b`)
	lnOffset = regexp.MustCompile(`\boffset (\d+)\b`)
	lnNames  = regexp.MustCompile(`RFC \d+|[Ff]igure \d+|FIN_WAIT_[12]|IPv[46]|2MSL|2\^32`)
)

// noteChecker checks the numbers of one note.
type noteChecker struct {
	tl    *model.Timeline
	abs   bool     // the numbering the note is rendered in
	scope []uint32 // frames whose values the numbers may be
	errs  []string
}

func (c *noteChecker) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

func (c *noteChecker) seg(f uint32) *model.Segment {
	si := c.tl.SegOf(f)
	if si < 0 {
		return nil
	}
	return &c.tl.Segments[si]
}

// has reports whether v is one of the values pick returns for a segment
// in scope.
func (c *noteChecker) has(v uint64, pick func(s *model.Segment) []uint32) bool {
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

// seqs, acks, nexts and anyNum pick a segment's SEQ, ACK, SEQ + SeqLen
// and all three, in the note's numbering.
func (c *noteChecker) seqs(s *model.Segment) []uint32 {
	if c.abs {
		return []uint32{s.Seq}
	}
	return []uint32{s.RelSeq}
}
func (c *noteChecker) acks(s *model.Segment) []uint32 {
	if c.abs {
		return []uint32{s.Ack}
	}
	return []uint32{s.RelAck}
}
func (c *noteChecker) nexts(s *model.Segment) []uint32 {
	return []uint32{c.seqs(s)[0] + s.SeqLen()}
}
func (c *noteChecker) anyNum(s *model.Segment) []uint32 {
	return append(append(c.seqs(s), c.acks(s)...), c.nexts(s)...)
}

// isns picks a SYN's SEQ as sent: an ISN is absolute in any numbering.
func isns(s *model.Segment) []uint32 {
	if s.Flags&model.SYN != 0 {
		return []uint32{s.Seq}
	}
	return nil
}

func atoi(s string) uint64 {
	v, _ := strconv.ParseUint(s, 10, 64)
	return v
}

// check consumes every number form in text, checking each, and reports any
// digit left over.
func (c *noteChecker) check(text string) {
	// Addresses first: a word that parses as an IP address must be one of
	// the capture's.
	words := strings.Fields(text)
	for _, w := range words {
		w = strings.Trim(w, ",.;:()")
		if a, err := netip.ParseAddr(w); err == nil {
			if !c.addrKnown(a) {
				c.fail("address %s is not in the capture", a)
			}
			text = strings.Replace(text, w, " ", 1)
		}
	}
	// Frames: they also widen the scope for the forms after them.
	for _, m := range lnFrames.FindAllString(text, -1) {
		prev := uint64(0)
		for _, n := range lnFrameN.FindAllStringSubmatch(m, -1) {
			f := atoi(n[2])
			if f == 0 || f > uint64(len(c.tl.Frames)) {
				c.fail("frame %d does not exist", f)
				continue
			}
			if n[1] == " to " {
				for g := prev + 1; g < f; g++ {
					c.scope = append(c.scope, uint32(g))
				}
			}
			c.scope = append(c.scope, uint32(f))
			prev = f
		}
	}
	text = lnFrames.ReplaceAllString(text, " ")
	for _, m := range lnEq.FindAllStringSubmatch(text, -1) {
		a, b, n := atoi(m[2]), atoi(m[3]), atoi(m[5])
		v := uint32(b) + uint32(n)
		if m[4] == "-" {
			v = uint32(b) - uint32(n)
		}
		if uint64(v) != a {
			c.fail("%q does not add up", m[0])
		}
		if m[1] != "" {
			// ISNs: absolute SYN numbers whatever the numbering.
			if !c.has(a, isns) || !c.has(b, isns) {
				c.fail("%q: %d or %d is no SYN's SEQ in frames %v", m[0], a, b, c.scope)
			}
			continue
		}
		if !c.has(a, c.anyNum) || !c.has(b, c.anyNum) {
			c.fail("%q: %d or %d is no SEQ or ACK of frames %v (absolute %v)", m[0], a, b, c.scope, c.abs)
		}
		// An ACK computed from a segment must be that segment's SEQ plus
		// the sequence space it uses.
		if m[4] == "+" && c.has(a, c.acks) && !c.has(a, c.seqs) && !c.has(a, c.nexts) {
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
				c.fail("%q: no segment in frames %v starts at %d and ends at %d", m[0], c.scope, b, a)
			}
		}
	}
	text = lnEq.ReplaceAllString(text, " ")
	for _, m := range lnField.FindAllStringSubmatch(text, -1) {
		v := atoi(m[2])
		switch m[1] {
		case "SEQ":
			if !c.has(v, c.seqs) {
				c.fail("SEQ %d is no SEQ of frames %v (absolute %v)", v, c.scope, c.abs)
			}
		case "ACK":
			if !c.has(v, c.acks) {
				c.fail("ACK %d is no ACK of frames %v (absolute %v)", v, c.scope, c.abs)
			}
		case "ISN":
			if !c.has(v, isns) {
				c.fail("ISN %d is no SYN's SEQ in frames %v", v, c.scope)
			}
		}
	}
	text = lnField.ReplaceAllString(text, " ")
	for _, m := range lnBytes.FindAllStringSubmatch(text, -1) {
		v := atoi(m[1])
		if !c.has(v, func(s *model.Segment) []uint32 {
			sh := c.tl.Conv(s).WinScale[s.Dir]
			w := uint32(s.Win)
			if sh >= 0 {
				w <<= uint(sh)
			}
			return []uint32{s.Len, uint32(s.Win), w}
		}) {
			c.fail("%s: no payload or window of frames %v", m[0], c.scope)
		}
	}
	text = lnBytes.ReplaceAllString(text, " ")
	for _, m := range lnPort.FindAllStringSubmatch(text, -1) {
		v := atoi(m[1])
		if !c.has(v, func(s *model.Segment) []uint32 {
			src, dst := c.tl.SrcDst(s)
			return []uint32{uint32(src.Port), uint32(dst.Port)}
		}) {
			c.fail("port %d is not a port of frames %v", v, c.scope)
		}
	}
	text = lnPort.ReplaceAllString(text, " ")
	for _, m := range lnWindow.FindAllStringSubmatch(text, -1) {
		if !c.has(atoi(m[1]), func(s *model.Segment) []uint32 { return []uint32{uint32(s.Win)} }) {
			c.fail("%s: no window of frames %v", m[0], c.scope)
		}
	}
	text = lnWindow.ReplaceAllString(text, " ")
	for _, m := range lnScale.FindAllStringSubmatch(text, -1) {
		if !c.has(atoi(m[1]), func(s *model.Segment) []uint32 {
			if sh := c.tl.Conv(s).WinScale[s.Dir]; sh >= 0 {
				return []uint32{uint32(sh)}
			}
			return nil
		}) {
			c.fail("%s: no negotiated window scale of frames %v", m[0], c.scope)
		}
	}
	text = lnScale.ReplaceAllString(text, " ")
	for _, m := range lnMS.FindAllStringSubmatch(text, -1) {
		ms, _ := strconv.ParseFloat(m[1], 64)
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
			c.fail("%s is no gap between frames %v", m[0], c.scope)
		}
	}
	text = lnMS.ReplaceAllString(text, " ")
	for _, m := range lnStates.FindAllStringSubmatch(text, -1) {
		if atoi(m[2]) != model.NumStates {
			c.fail("RFC 793 has %d states, not %s", model.NumStates, m[2])
		}
		if v := atoi(m[1]); v != uint64(c.visited()) {
			c.fail("the sides pass through %d states, not %d", c.visited(), v)
		}
	}
	text = lnStates.ReplaceAllString(text, " ")
	for _, m := range lnMTU.FindAllStringSubmatch(text, -1) {
		ok := false
		for _, e := range c.tl.ICMP {
			ok = ok || (c.inScope(e.Frame) && uint64(e.MTU) == atoi(m[1]))
		}
		if !ok {
			c.fail("%s: no ICMP error in frames %v reports it", m[0], c.scope)
		}
	}
	text = lnMTU.ReplaceAllString(text, " ")
	for _, m := range lnID.FindAllStringSubmatch(text, -1) {
		id, _ := strconv.ParseUint(m[1], 16, 16)
		if !c.fragment(func(g model.Fragment) bool { return uint64(g.ID) == id }) {
			c.fail("%s: no fragment of frames %v has it", m[0], c.scope)
		}
	}
	text = lnID.ReplaceAllString(text, " ")
	for _, m := range lnOffset.FindAllStringSubmatch(text, -1) {
		off := atoi(m[1])
		// The completing frame's own piece has no fragment record: its
		// offset is what the others leave, the end of the piece before it.
		if !c.fragment(func(g model.Fragment) bool { return uint64(g.Offset) == off || uint64(g.Offset)+uint64(g.Len) == off }) {
			c.fail("%s: no fragment of frames %v is there", m[0], c.scope)
		}
	}
	text = lnOffset.ReplaceAllString(text, " ")
	text = lnNames.ReplaceAllString(text, " ")
	if strings.ContainsAny(text, "0123456789") {
		c.fail("numbers no form covers, in %q", text)
	}
}

func (c *noteChecker) inScope(f uint32) bool {
	for _, g := range c.scope {
		if g == f {
			return true
		}
	}
	return false
}

// fragment reports whether a fragment of a frame in scope (or completed by
// one) satisfies ok.
func (c *noteChecker) fragment(ok func(model.Fragment) bool) bool {
	for _, g := range c.tl.Fragments {
		if (c.inScope(g.Frame) || c.inScope(g.Completes)) && ok(g) {
			return true
		}
	}
	return false
}

func (c *noteChecker) addrKnown(a netip.Addr) bool {
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
func (c *noteChecker) visited() int {
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

func TestLessonNumbers(t *testing.T) {
	notes, numbers := 0, 0
	for _, smp := range List() {
		l, ok := anyLesson(t, smp.Name)
		if !ok {
			continue
		}
		tl := loadSample(t, smp.Name)
		for _, abs := range []bool{l.Absolute, !l.Absolute} {
			texts := map[uint32]string{0: l.Title + " " + l.WatchText(abs)}
			for f := range l.Notes {
				texts[f] = l.Note(f, abs)
			}
			for f, text := range texts {
				if f > uint32(len(tl.Frames)) {
					t.Errorf("%s: a note on frame %d, beyond the capture's %d frames", smp.Name, f, len(tl.Frames))
					continue
				}
				if strings.ContainsAny(text, "{|}") {
					t.Errorf("%s frame %d (absolute %v): a template left in %q", smp.Name, f, abs, text)
				}
				c := &noteChecker{tl: tl, abs: abs}
				if f != 0 {
					c.scope = []uint32{f}
				}
				c.check(text)
				for _, e := range c.errs {
					t.Errorf("%s frame %d (absolute %v): %s", smp.Name, f, abs, e)
				}
				notes++
				numbers += len(regexp.MustCompile(`\d+`).FindAllString(text, -1))
			}
		}
	}
	t.Logf("%d notes in both numberings, %d numbers in them checked", notes, numbers)
}

// The checker must reject a wrong number in a note, and a number of the
// other numbering.
func TestLessonCheckerCatchesDrift(t *testing.T) {
	tl := loadSample(t, "smtp-figure10")
	for _, c := range []struct {
		abs bool
		bad string
	}{
		{true, "ACK 1023645929 = 1023645923 + 6 for frame 6"},  // a wrong byte count
		{true, "SEQ 1023645924"},                               // not frame 7's
		{true, "the 94-byte greeting of frame 4"},              // the greeting is 93
		{true, "frame 99"},                                     // no such frame
		{true, "it waited 12 seconds"},                         // a number no form covers
		{true, "about 300 ms after frame 4"},                   // not the gap
		{true, "9 of the 10 states"},                           // RFC 793 has 11
		{true, "ACK 6 = 1 + 5 for frame 6"},                    // relative numbers shown as absolute
		{false, "ACK 1023645928 = 1023645923 + 5 for frame 6"}, // absolute numbers shown as relative
		{false, "SEQ 1023645923"},
		{false, "ISN 0"}, // an ISN is the number on the wire
	} {
		ch := &noteChecker{tl: tl, abs: c.abs, scope: []uint32{7}}
		ch.check(c.bad)
		if len(ch.errs) == 0 {
			t.Errorf("%q passed (absolute %v)", c.bad, c.abs)
		}
	}
	for _, c := range []struct {
		abs  bool
		good string
	}{
		{true, "ACK 1023645928 = 1023645923 + 5 for frame 6"},
		{false, "ACK 6 = 1 + 5 for frame 6"},
		{false, "ISN 1023645922 of frame 1"},
	} {
		ch := &noteChecker{tl: tl, abs: c.abs, scope: []uint32{7}}
		if ch.check(c.good); len(ch.errs) > 0 {
			t.Errorf("%q (absolute %v): %v", c.good, c.abs, ch.errs)
		}
	}
}

// Each lesson declares the numbering its own numbers are in, and its
// sources render in both.
func TestLessonNumberings(t *testing.T) {
	// Absolute: the paper's printed numbers, and the two lessons about the
	// numbers of SYNs (the refused SYN's ACK, the ISNs' steps).
	absolute := map[string]bool{"smtp-figure10": true, "refused": true, "isn-prediction": true}
	for _, smp := range List() {
		src, ok := lessons[smp.Name]
		if !ok {
			continue // a lesson file (lessonfile_test.go)
		}
		l, err := model.NewLesson(src.title, src.watch, src.notes, src.absolute)
		if err != nil {
			t.Errorf("%s: %v", smp.Name, err)
			continue
		}
		if l.Absolute != absolute[smp.Name] {
			t.Errorf("%s: Absolute %v, want %v", smp.Name, l.Absolute, absolute[smp.Name])
		}
		if len(l.Notes) != len(src.notes) {
			t.Errorf("%s: %d notes from %d sources", smp.Name, len(l.Notes), len(src.notes))
		}
	}
	l, _ := Lesson(Default)
	if !l.Absolute {
		t.Fatal("the default lesson is not absolute")
	}
	for _, c := range []struct {
		abs  bool
		want string
	}{
		{true, "ACK 1023645928 = 1023645923 + 5, the SEQ of frame 6"},
		{false, "ACK 6 = 1 + 5, the SEQ of frame 6"},
	} {
		if n := l.Note(7, c.abs); !strings.Contains(n, c.want) {
			t.Errorf("note on frame 7 (absolute %v) = %q, want %q in it", c.abs, n, c.want)
		}
	}
	if w := l.WatchText(false); !strings.Contains(w, "relative numbers here; the paper prints absolute ones") {
		t.Errorf("relative watch text %q", w)
	}
	if l.WatchText(true) != l.Watch || l.Note(7, true) != l.Notes[7] {
		t.Error("the lesson's own numbering is not its Watch and Notes")
	}
}

// Every lesson has notes on the steps that matter: the handshake, each
// state change, the close and the RSTs (for isn-prediction, whose point is
// its SYNs, the first connection and every SYN).
func TestLessonsCoverTheSteps(t *testing.T) {
	for _, smp := range List() {
		l, _ := anyLesson(t, smp.Name)
		tl := loadSample(t, smp.Name)
		for i := range tl.Segments {
			s := &tl.Segments[i]
			if smp.Name == "isn-prediction" && tl.SegStream(s) != 0 && s.Flags&(model.SYN|model.ACK) != model.SYN {
				continue
			}
			cm, sm := model.StepTransitions(tl, i)
			if (len(cm)+len(sm) > 0 || s.Flags&(model.SYN|model.RST|model.FIN) != 0) && l.Notes[s.Frame] == "" {
				t.Errorf("%s: frame %d (%s) changes a state or carries SYN, FIN or RST, and has no note", smp.Name, s.Frame, s.Flags)
			}
		}
	}
}
