package model_test

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// The quiz is tested on every embedded sample and every real capture of
// ../shared: each question any segment could be asked, in both numberings,
// must have the decoder's value as its answer, accept that answer in the
// spellings a person types and reject wrong ones, and explain a miss with
// the right value and arithmetic that holds.

func quizTimeline(t *testing.T, name string, open func() (*decode.Input, error)) *model.Timeline {
	t.Helper()
	in, err := open()
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	defer in.Close()
	tl, err := in.Load(nil)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return tl
}

func quizSample(t *testing.T, name string) *model.Timeline {
	b, err := samples.Bytes(name)
	if err != nil {
		t.Fatal(err)
	}
	return quizTimeline(t, "sample:"+name, func() (*decode.Input, error) { return decode.OpenBytes("sample:"+name, b) })
}

// quizCaptures lists the real captures of ../shared/captures.
func quizCaptures(t *testing.T) []string { return testshared.Captures(t, "*.pcap", "*.pcapng") }

// quizEq matches the sums an explanation states: "A = B + C", "A = B - C - D".
var (
	quizEq   = regexp.MustCompile(`(\d+) = (\d+)((?: [+-] \d+)+)`)
	quizTerm = regexp.MustCompile(` ([+-]) (\d+)`)
)

// checkSums checks that every sum the text states adds up in 32-bit
// sequence arithmetic.
func checkSums(t *testing.T, where, text string) {
	t.Helper()
	for _, m := range quizEq.FindAllStringSubmatch(text, -1) {
		want, _ := strconv.ParseUint(m[1], 10, 32)
		got, _ := strconv.ParseUint(m[2], 10, 32)
		v := uint32(got)
		for _, tm := range quizTerm.FindAllStringSubmatch(m[3], -1) {
			n, _ := strconv.ParseUint(tm[2], 10, 32)
			if tm[1] == "+" {
				v += uint32(n)
			} else {
				v -= uint32(n)
			}
		}
		if v != uint32(want) {
			t.Errorf("%s: %q does not add up (%d)\n%s", where, m[0], v, text)
		}
	}
}

// spellings are ways a person may type the right answer.
func spellings(q *model.Question) []string {
	switch q.Answer {
	case model.AnswerNumber:
		n := strconv.FormatUint(uint64(q.Number), 10)
		out := []string{n, " " + n + " ", "0x" + strconv.FormatUint(uint64(q.Number), 16)}
		if len(n) > 3 {
			// Grouped in thousands, with spaces and with commas.
			var g []string
			for i := len(n); i > 0; i -= 3 {
				g = append([]string{n[max(i-3, 0):i]}, g...)
			}
			out = append(out, strings.Join(g, " "), strings.Join(g, ","))
		}
		return out
	case model.AnswerState:
		s := q.State.String()
		return []string{s, strings.ToLower(s), strings.ReplaceAll(strings.ToLower(s), "_", "-"), strings.ReplaceAll(s, "_", " ")}
	}
	if q.Yes {
		return []string{"yes", "Y", "YES", " yes "}
	}
	return []string{"no", "N", "No", "no."}
}

// wrongs are answers of the right kind that are not right.
func wrongs(q *model.Question) []string {
	switch q.Answer {
	case model.AnswerNumber:
		var out []string
		for _, d := range []uint32{1, 2, 1000} {
			for _, v := range []uint32{q.Number + d, q.Number - d} {
				if v != q.Number && v != q.Other {
					out = append(out, strconv.FormatUint(uint64(v), 10))
				}
			}
		}
		return out
	case model.AnswerState:
		var out []string
		for _, s := range model.AllStates() {
			if s != q.State {
				out = append(out, s.String())
			}
		}
		return out
	}
	if q.Yes {
		return []string{"no", "n"}
	}
	return []string{"yes", "y"}
}

// checkQuestion holds one question to the decoder's values.
func checkQuestion(t *testing.T, where string, tl *model.Timeline, q *model.Question) {
	t.Helper()
	s := &tl.Segments[q.Seg]
	w := fmt.Sprintf("%s frame %d %s abs=%v", where, s.Frame, q.Kind, q.Absolute)
	seq, ack, oseq, oack := s.RelSeq, s.RelAck, s.Seq, s.Ack
	if q.Absolute {
		seq, ack, oseq, oack = s.Seq, s.Ack, s.RelSeq, s.RelAck
	}
	switch q.Kind {
	case model.QuizAck:
		if !s.Flags.Has(model.ACK) || q.Number != ack || q.Other != oack {
			t.Errorf("%s: answer %d (other %d), decoder ACK %d (%d), flags %s", w, q.Number, q.Other, ack, oack, s.Flags)
		}
	case model.QuizSeq:
		if q.Number != seq || q.Other != oseq {
			t.Errorf("%s: answer %d (other %d), decoder SEQ %d (%d)", w, q.Number, q.Other, seq, oseq)
		}
	case model.QuizLen:
		if q.Number != s.Len {
			t.Errorf("%s: answer %d, decoder length %d", w, q.Number, s.Len)
		}
	case model.QuizState:
		want := s.Client()
		if q.Side == model.S2C {
			want = s.Server()
		}
		if q.State != want {
			t.Errorf("%s: answer %s, decoder %s", w, q.State, want)
		}
	case model.QuizEvent:
		if q.Yes != s.Events.Has(q.Event) {
			t.Errorf("%s: %s answer %v, decoder events %v", w, q.Event, q.Yes, s.Events.Names())
		}
	}
	if q.Answer == model.AnswerNumber && q.Correct != strconv.FormatUint(uint64(q.Number), 10) {
		t.Errorf("%s: Correct %q, Number %d", w, q.Correct, q.Number)
	}
	if q.Prompt == "" || !strings.HasSuffix(strings.TrimSuffix(q.Prompt, " ("+map[bool]string{true: "absolute", false: "relative"}[q.Absolute]+" numbers)"), "?") {
		t.Errorf("%s: prompt %q is no question", w, q.Prompt)
	}
	for _, a := range spellings(q) {
		if v := q.Check(a); !v.Valid || !v.Right {
			t.Errorf("%s: right answer %q rejected: %+v", w, a, v)
		}
	}
	for _, a := range wrongs(q) {
		v := q.Check(a)
		if !v.Valid || v.Right {
			t.Errorf("%s: wrong answer %q (right %s) accepted or unread: %+v", w, a, q.Correct, v)
			continue
		}
		fb := q.Feedback(v)
		if !strings.Contains(strings.ToLower(fb), strings.ToLower(q.Correct)) {
			t.Errorf("%s: feedback on %q lacks the answer %s: %s", w, a, q.Correct, fb)
		}
	}
	if !strings.Contains(strings.ToLower(q.Why), strings.ToLower(q.Correct)) {
		t.Errorf("%s: explanation lacks the answer %s: %s", w, q.Correct, q.Why)
	}
	checkSums(t, w, q.Prompt+"\n"+q.Why)
}

// checkQuiz checks every candidate question of every segment of tl, and
// returns how many questions of each kind it saw.
func checkQuiz(t *testing.T, where string, tl *model.Timeline) map[model.QuestionKind]int {
	kinds := map[model.QuestionKind]int{}
	for _, c := range tl.Conversations {
		if c == nil {
			continue
		}
		qz := model.NewQuiz(tl, c, 1)
		for _, i := range c.Segs {
			for _, abs := range []bool{false, true} {
				for _, q := range qz.Candidates(int(i), abs) {
					checkQuestion(t, where, tl, &q)
					kinds[q.Kind]++
				}
			}
		}
	}
	return kinds
}

func TestQuizOnSamples(t *testing.T) {
	total := map[model.QuestionKind]int{}
	for _, s := range samples.List() {
		t.Run(s.Name, func(t *testing.T) {
			for k, n := range checkQuiz(t, "sample:"+s.Name, quizSample(t, s.Name)) {
				total[k] += n
			}
		})
	}
	// The samples between them ask every kind of question.
	for _, k := range []model.QuestionKind{model.QuizAck, model.QuizSeq, model.QuizLen, model.QuizState, model.QuizEvent} {
		if total[k] == 0 {
			t.Errorf("no %s question on any sample", k)
		}
	}
}

func TestQuizOnRealCaptures(t *testing.T) {
	for _, path := range quizCaptures(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			tl := quizTimeline(t, path, func() (*decode.Input, error) { return decode.Open(path) })
			checkQuiz(t, filepath.Base(path), tl)
		})
	}
}

// The paper's numbers (Figure 10 of "TCP/IP for security professionals"):
// the server's reply to the client's 5-byte "help\n" at SEQ 1023645923
// acknowledges 1023645928.
func TestQuizFigure10(t *testing.T) {
	tl := quizSample(t, "smtp-figure10")
	c := tl.Conversations[0]
	qz := model.NewQuiz(tl, c, 7)
	var helpSeg, replySeg = -1, -1
	for _, i := range c.Segs {
		s := &tl.Segments[i]
		if s.Dir == model.C2S && s.Len == 5 && s.Seq == 1023645923 && helpSeg < 0 {
			helpSeg = int(i)
		}
		if helpSeg >= 0 && s.Dir == model.S2C && s.Ack == 1023645928 && replySeg < 0 {
			replySeg = int(i)
		}
	}
	if helpSeg < 0 || replySeg < 0 {
		t.Fatalf("help segment %d, reply %d not found", helpSeg, replySeg)
	}
	find := func(seg int, abs bool, k model.QuestionKind) model.Question {
		t.Helper()
		for _, q := range qz.Candidates(seg, abs) {
			if q.Kind == k {
				return q
			}
		}
		t.Fatalf("no %s question at segment %d", k, seg)
		return model.Question{}
	}
	q := find(replySeg, true, model.QuizAck)
	if q.Number != 1023645928 || !strings.Contains(q.Why, "1023645928 = 1023645923 + 5") {
		t.Errorf("reply ACK question: %d, %s", q.Number, q.Why)
	}
	v := q.Check("1023645927")
	if v.Right || !strings.Contains(q.Feedback(v), "1023645928") {
		t.Errorf("a wrong ACK: %+v %s", v, q.Feedback(v))
	}
	// In relative numbers the same question is 6 = 1 + 5, and the
	// absolute value is still accepted, with a note.
	q = find(replySeg, false, model.QuizAck)
	if q.Number != 6 || !strings.Contains(q.Why, "6 = 1 + 5") {
		t.Errorf("relative reply ACK question: %d, %s", q.Number, q.Why)
	}
	if v := q.Check("1 023 645 928"); !v.Right || !strings.Contains(v.Note, "absolute") {
		t.Errorf("absolute answer to a relative question: %+v", v)
	}
	q = find(helpSeg, true, model.QuizLen)
	if q.Number != 5 || !strings.Contains(q.Why, "5 = 1023645928 - 1023645923") {
		t.Errorf("help length question: %d, %s", q.Number, q.Why)
	}
	// The server answers the client's SYN: it is in SYN_RECEIVED after it.
	q = find(int(c.Segs[1]), true, model.QuizState)
	for _, cand := range qz.Candidates(int(c.Segs[1]), true) {
		if cand.Kind == model.QuizState && cand.Side == model.S2C {
			q = cand
		}
	}
	if q.State != model.SynReceived {
		t.Fatalf("server state after the SYN,ACK: %s", q.State)
	}
	for _, a := range []string{"SYN_RECEIVED", "syn-received", "SYN-RCVD", "syn rcvd", "SynRcvd"} {
		if v := q.Check(a); !v.Right {
			t.Errorf("%q rejected", a)
		}
	}
	if v := q.Check("established"); !v.Valid || v.Right || !strings.Contains(q.Feedback(v), "SYN_RECEIVED") {
		t.Errorf("established accepted or explained without the answer: %+v %s", v, q.Feedback(v))
	}
	if v := q.Check("banana"); v.Valid {
		t.Errorf("banana read as a state: %+v", v)
	}
}

// A quiz is the same for the same seed, differs for another, asks the same
// steps in both numberings, and never asks the conversation's first
// segment (it is on screen when the quiz starts).
func TestQuizDeterministic(t *testing.T) {
	tl := quizSample(t, "lossy-transfer")
	c := tl.Conversations[0]
	sig := func(seed uint64, abs bool) string {
		qz := model.NewQuiz(tl, c, seed)
		var b strings.Builder
		for k, i := range c.Segs {
			q, ok := qz.Ask(int(i), abs)
			if k == 0 && ok {
				t.Errorf("seed %d asks the first segment", seed)
			}
			if ok {
				fmt.Fprintf(&b, "%d:%s:%d ", i, q.Kind, q.Side)
			}
		}
		return b.String()
	}
	a := sig(42, false)
	if a == "" {
		t.Fatal("seed 42 asks nothing")
	}
	if b := sig(42, false); a != b {
		t.Errorf("same seed, different quiz:\n%s\n%s", a, b)
	}
	if b := sig(42, true); a != b {
		t.Errorf("numbering changed the questions:\n%s\n%s", a, b)
	}
	differs := false
	for seed := uint64(1); seed < 5; seed++ {
		differs = differs || sig(seed, false) != a
	}
	if !differs {
		t.Error("every seed gives the same quiz")
	}
}

func TestParseAnswers(t *testing.T) {
	states := map[string]model.State{
		"SYN_RECEIVED": model.SynReceived, "syn-received": model.SynReceived, "SYN-RCVD": model.SynReceived,
		"syn_recv": model.SynReceived, "established": model.Established, "ESTAB": model.Established,
		"fin-wait-1": model.FinWait1, "FIN WAIT 2": model.FinWait2, "time_wait": model.TimeWait,
		"TIME-WAIT": model.TimeWait, "close-wait": model.CloseWait, "LAST-ACK": model.LastAck,
		"closed": model.Closed, " Listen ": model.Listen, "syn-sent": model.SynSent, "closing": model.Closing,
	}
	for in, want := range states {
		if got, ok := model.ParseState(in); !ok || got != want {
			t.Errorf("ParseState(%q) = %s, %v; want %s", in, got, ok, want)
		}
	}
	for _, s := range model.AllStates() {
		if got, ok := model.ParseState(s.String()); !ok || got != s {
			t.Errorf("ParseState(%s) = %s, %v", s, got, ok)
		}
	}
	for _, bad := range []string{"", "SYN", "FIN_WAIT", "WAIT", "established!"} {
		if _, ok := model.ParseState(bad); ok {
			t.Errorf("ParseState(%q) accepted", bad)
		}
	}
	numbers := map[string]uint32{
		"1023645928": 1023645928, "1 023 645 928": 1023645928, "1,023,645,928": 1023645928,
		" 6 ": 6, "ack 6": 6, "= 6": 6, "0x10": 16, "5 bytes": 5, "4294967295": 4294967295,
	}
	for in, want := range numbers {
		if got, ok := model.ParseNumber(in); !ok || got != want {
			t.Errorf("ParseNumber(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "six", "-1", "4294967296", "12a"} {
		if _, ok := model.ParseNumber(bad); ok {
			t.Errorf("ParseNumber(%q) accepted", bad)
		}
	}
	for in, want := range map[string]bool{"yes": true, "Y": true, "no": false, "N": false, "nope": false, "true": true} {
		if got, ok := model.ParseYesNo(in); !ok || got != want {
			t.Errorf("ParseYesNo(%q) = %v, %v", in, got, ok)
		}
	}
	if _, ok := model.ParseYesNo("maybe"); ok {
		t.Error("maybe read as yes or no")
	}
}

func TestScore(t *testing.T) {
	var s model.Score
	s.Add(model.Verdict{Valid: true, Right: true})
	s.Add(model.Verdict{Valid: true})
	s.Add(model.Verdict{}) // unreadable: not scored
	if s.String() != "1/2" {
		t.Errorf("score %s, want 1/2", s)
	}
}
