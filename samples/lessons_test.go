package samples

import (
	"regexp"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/lesson"
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
		l, ok := Lesson(s.Name)
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
	all = strings.Join(strings.Fields(all), " ") // Markdown: line breaks are spaces
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

func TestLessonNumbers(t *testing.T) {
	lessons, numbers := 0, 0
	for _, smp := range List() {
		l, ok := Lesson(smp.Name)
		if !ok {
			continue
		}
		tl := loadSample(t, smp.Name)
		for _, p := range lesson.CheckStrict(tl, &l) {
			t.Errorf("%s:%s", l.Source, p)
		}
		// The lenient check, tcpstep lesson check's, passes too.
		for _, p := range lesson.Check(tl, &l) {
			t.Errorf("%s:%s (lesson check)", l.Source, p)
		}
		for _, abs := range []bool{false, true} {
			texts := []string{l.Title, l.WatchText(abs)}
			for f := range l.Notes {
				texts = append(texts, l.Note(f, abs))
			}
			for _, text := range texts {
				if strings.ContainsAny(text, "{|}") {
					t.Errorf("%s (absolute %v): a template left in %q", smp.Name, abs, text)
				}
				numbers += len(regexp.MustCompile(`\d+`).FindAllString(text, -1))
			}
		}
		lessons++
	}
	t.Logf("%d lessons in both numberings, %d numbers in them checked", lessons, numbers)
}

// Every embedded lesson file parses, and only samples have them.
func TestEveryLessonParses(t *testing.T) {
	names := map[string]bool{}
	for _, s := range List() {
		names[s.Name] = true
	}
	ents, err := lessonFiles.ReadDir("data")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		name := strings.TrimSuffix(e.Name(), ".lesson.md")
		if !names[name] {
			t.Errorf("%s: a lesson file for no sample", e.Name())
		}
		b, _ := LessonFile(name)
		if _, err := lesson.Parse(e.Name(), b); err != nil {
			t.Errorf("%v", err)
		}
	}
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
		if errs := lesson.CheckText(tl, c.bad, []uint32{7}, c.abs, true); len(errs) == 0 {
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
		if errs := lesson.CheckText(tl, c.good, []uint32{7}, c.abs, true); len(errs) > 0 {
			t.Errorf("%q (absolute %v): %v", c.good, c.abs, errs)
		}
	}
}

// Each lesson declares the numbering its own numbers are in, and its
// sources render in both.
func TestLessonNumberings(t *testing.T) {
	// Absolute: the paper's printed numbers, the two lessons about the
	// numbers of SYNs (the refused SYN's ACK, the ISNs' steps), and RFC
	// 9293's figures, which print their own (SEQ=100, SEQ=300).
	absolute := map[string]bool{"smtp-figure10": true, "refused": true, "isn-prediction": true}
	for _, smp := range List() {
		if strings.HasPrefix(smp.Name, "rfc9293-fig") {
			absolute[smp.Name] = true
		}
	}
	for _, smp := range List() {
		l, _ := Lesson(smp.Name)
		if l.Absolute != absolute[smp.Name] {
			t.Errorf("%s: Absolute %v, want %v", smp.Name, l.Absolute, absolute[smp.Name])
		}
		if len(l.Notes) != len(l.Sections) {
			t.Errorf("%s: %d notes from %d headings", smp.Name, len(l.Notes), len(l.Sections))
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
		// Notes are Markdown: their line breaks are spaces.
		if n := strings.Join(strings.Fields(l.Note(7, c.abs)), " "); !strings.Contains(n, c.want) {
			t.Errorf("note on frame 7 (absolute %v) = %q, want %q in it", c.abs, n, c.want)
		}
	}
	if w := strings.Join(strings.Fields(l.WatchText(false)), " "); !strings.Contains(w, "relative numbers here; the paper prints absolute ones") {
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
		l, _ := Lesson(smp.Name)
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
