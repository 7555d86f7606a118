package model

// Quiz mode hides what comes next in a conversation and asks about it
// before revealing it: the ACK or SEQ the next segment will carry, how many
// bytes a segment carries, the state a side is in after it, whether it is a
// retransmission (or another analysis event the conversation contains).
//
// Every question is drawn from the capture itself: its right answer is the
// decoder's value for that segment, and its explanation is built from the
// typed facts (the earlier segment an ACK acknowledges, the transition a
// side made) so that the numbers it states are the numbers on the wire, in
// the numbering asked for. Questions are chosen per segment from a hash of
// the seed and the segment, so a quiz is the same for the same seed, costs
// nothing to start on a conversation of millions of segments, and does not
// change when the numbering is switched.

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// QuestionKind says what a question asks.
type QuestionKind uint8

// The kinds of question.
const (
	// QuizAck asks which ACK number the next segment will carry.
	QuizAck QuestionKind = iota
	// QuizSeq asks which SEQ number the next segment will carry.
	QuizSeq
	// QuizLen asks how many bytes of data a segment carries, given the ACK
	// that answers it.
	QuizLen
	// QuizState asks which state a side is in after a segment.
	QuizState
	// QuizEvent asks whether a segment is a retransmission, a duplicate
	// ACK, ... (one analysis event the conversation contains).
	QuizEvent
)

func (k QuestionKind) String() string {
	switch k {
	case QuizAck:
		return "ack"
	case QuizSeq:
		return "seq"
	case QuizLen:
		return "len"
	case QuizState:
		return "state"
	case QuizEvent:
		return "event"
	}
	return "unknown"
}

// AnswerKind is the kind of answer a question expects.
type AnswerKind uint8

// The kinds of answer.
const (
	AnswerNumber AnswerKind = iota
	AnswerState
	AnswerYesNo
)

// Hint says what to type, for a prompt line.
func (k AnswerKind) Hint() string {
	switch k {
	case AnswerState:
		return "a state name, e.g. ESTABLISHED"
	case AnswerYesNo:
		return "yes or no"
	}
	return "a number"
}

// Shown is the set of the asked segment's fields the learner may see while
// answering: the rest are masked until the answer is checked.
type Shown uint8

// The fields of a segment a question may show.
const (
	ShowFlags Shown = 1 << iota
	ShowSeq
	ShowAck
	ShowLen
	ShowStates
	ShowEvents
)

// Has reports whether every field of x is shown.
func (s Shown) Has(x Shown) bool { return s&x == x }

// Question is one question of a quiz, about segment Seg of the timeline.
type Question struct {
	Kind  QuestionKind
	Seg   int    // index in Timeline.Segments of the segment asked about
	Frame uint32 // its frame number
	// Prompt is the question in words, in the numbering asked for.
	Prompt string
	Answer AnswerKind
	// Correct is the right answer as it is shown: "1023645928",
	// "SYN_RECEIVED", "yes".
	Correct string
	// Number is the right answer of an AnswerNumber question, and Other the
	// same value in the other numbering (absolute for relative and back),
	// which is accepted too, with a note.
	Number, Other uint32
	// State is the right answer of an AnswerState question, about the
	// client (Side C2S) or the server (S2C).
	State State
	Side  Dir
	// Yes is the right answer of an AnswerYesNo question about Event.
	Yes   bool
	Event Event
	// Why explains the right answer from the capture's values; it states
	// Correct.
	Why string
	// Shows lists the asked segment's fields visible while answering.
	Shows    Shown
	Absolute bool // the numbering of Prompt, Correct and Why

	moved bool // a state question about a side that moved at the segment
}

// Verdict is the result of checking an answer.
type Verdict struct {
	// Valid says the answer could be read as the kind asked for (a
	// number, a state name, yes or no); an invalid answer is not scored.
	Valid bool
	Right bool
	// Note adds what the learner should know about an accepted answer
	// given in the other numbering, or why an answer could not be read.
	Note string
}

// Check reads an answer, forgiving about its format (case, separators,
// spaces between digits, SYN-RCVD for SYN_RECEIVED, y for yes), and says
// whether it is right.
func (q *Question) Check(answer string) Verdict {
	switch q.Answer {
	case AnswerNumber:
		n, ok := ParseNumber(answer)
		if !ok {
			return Verdict{Note: fmt.Sprintf("%q is not a number", Visible(strings.TrimSpace(answer)))}
		}
		if n == q.Number {
			return Verdict{Valid: true, Right: true}
		}
		if n == q.Other {
			return Verdict{Valid: true, Right: true, Note: fmt.Sprintf("%d is the value in %s numbers; in the %s numbers on screen it is %d", n, numberingName(!q.Absolute), numberingName(q.Absolute), q.Number)}
		}
		return Verdict{Valid: true}
	case AnswerState:
		s, ok := ParseState(answer)
		if !ok {
			return Verdict{Note: fmt.Sprintf("%q is not one of the eleven RFC 793 states (CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT)", Visible(strings.TrimSpace(answer)))}
		}
		return Verdict{Valid: true, Right: s == q.State}
	default:
		y, ok := ParseYesNo(answer)
		if !ok {
			return Verdict{Note: fmt.Sprintf("%q is neither yes nor no", Visible(strings.TrimSpace(answer)))}
		}
		return Verdict{Valid: true, Right: y == q.Yes}
	}
}

// Feedback is what the learner reads after answering: the verdict, the
// right answer on a miss, and why.
func (q *Question) Feedback(v Verdict) string {
	var b strings.Builder
	switch {
	case !v.Valid:
		b.WriteString(v.Note + ": please answer with " + q.Answer.Hint() + ".")
		return b.String()
	case v.Right:
		b.WriteString("Right!")
		if v.Note != "" {
			b.WriteString(" (" + v.Note + ".)")
		}
	default:
		fmt.Fprintf(&b, "Not quite: the answer is %s.", q.Correct)
	}
	b.WriteString(" " + q.Why)
	return b.String()
}

func numberingName(abs bool) string {
	if abs {
		return "absolute"
	}
	return "relative"
}

// ParseNumber reads a number typed by a person: spaces, commas, underscores,
// apostrophes and dots between digits are ignored, a leading "=" or a
// "seq"/"ack"/"len" label is skipped, and 0x introduces hexadecimal.
func ParseNumber(s string) (uint32, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"seq", "ack", "len", "=", ":"} {
		s = strings.TrimSpace(strings.TrimPrefix(s, p))
	}
	s = strings.TrimSuffix(s, "bytes")
	s = strings.TrimSuffix(s, "byte")
	base := 10
	if t, ok := strings.CutPrefix(s, "0x"); ok {
		s, base = t, 16
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case ' ', ',', '_', '\'', '.', '\u00a0', '\u202f', '\u2009':
			continue
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return 0, false
	}
	n, err := strconv.ParseUint(b.String(), base, 32)
	if err != nil {
		return 0, false
	}
	return uint32(n), true
}

// stateSpellings maps a state name with its separators removed, upper
// case, to the state: the RFC's names and the abbreviations of netstat, ss,
// the RFC's own text (SYN-RCVD) and tcpstep's narrow ladder.
var stateSpellings = func() map[string]State {
	m := map[string]State{}
	add := func(s State, names ...string) {
		for _, n := range names {
			m[n] = s
		}
	}
	add(Closed, "CLOSED", "CLOSE")
	add(Listen, "LISTEN", "LISTENING")
	add(SynSent, "SYNSENT", "SYNSNT")
	add(SynReceived, "SYNRECEIVED", "SYNRCVD", "SYNRECV", "SYNRCV", "SYNRECVD")
	add(Established, "ESTABLISHED", "ESTAB", "EST")
	add(FinWait1, "FINWAIT1", "FINWT1", "FINW1", "FINWAITONE")
	add(FinWait2, "FINWAIT2", "FINWT2", "FINW2", "FINWAITTWO")
	add(CloseWait, "CLOSEWAIT", "CLOSEWT", "CLWAIT", "CLOSWAIT")
	add(Closing, "CLOSING", "CLOSNG")
	add(LastAck, "LASTACK", "LASTAK")
	add(TimeWait, "TIMEWAIT", "TIMEWT", "TMWAIT")
	return m
}()

// ParseState reads a state name in any common spelling: SYN_RECEIVED,
// syn-received, SYN-RCVD, Syn Rcvd, ESTAB, FIN_WAIT_1, fin-wait-1.
func ParseState(s string) (State, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(strings.TrimSpace(s)) {
		switch r {
		case '_', '-', ' ', '.', '\t':
			continue
		}
		b.WriteRune(r)
	}
	st, ok := stateSpellings[b.String()]
	return st, ok
}

// ParseYesNo reads yes or no in a few spellings.
func ParseYesNo(s string) (yes, ok bool) {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(s), ".!")) {
	case "y", "yes", "yeah", "yep", "true", "t", "1", "oui", "ja", "si", "sí":
		return true, true
	case "n", "no", "nope", "false", "f", "0", "non", "nein":
		return false, true
	}
	return false, false
}

// Score counts a quiz's answers.
type Score struct{ Right, Asked int }

// Add scores one checked answer; an invalid one does not count.
func (s *Score) Add(v Verdict) {
	if !v.Valid {
		return
	}
	s.Asked++
	if v.Right {
		s.Right++
	}
}

func (s Score) String() string { return fmt.Sprintf("%d/%d", s.Right, s.Asked) }

// quizScan bounds how far a question looks back (or forward, for the ACK
// that answers a segment), so asking stays instant in any conversation.
const quizScan = 512

// Quiz asks questions about one conversation of a timeline.
type Quiz struct {
	tl   *Timeline
	conv *Conversation
	seed uint64
}

// NewQuiz returns the quiz of conversation c with the given seed. It does
// no work: questions are made when asked.
func NewQuiz(tl *Timeline, c *Conversation, seed uint64) *Quiz {
	return &Quiz{tl: tl, conv: c, seed: seed}
}

// Seed is the quiz's seed.
func (q *Quiz) Seed() uint64 { return q.seed }

// quizMix is SplitMix64's finalizer: a well-spread hash of x.
func quizMix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Ask returns the question to ask before segment segIndex is revealed, in
// the numbering asked for, or false when that step asks none. The first
// segment of the conversation is never asked about: the quiz starts with
// it on screen. The choice depends only on the seed and the segment.
func (q *Quiz) Ask(segIndex int, absolute bool) (Question, bool) {
	cands := q.Candidates(segIndex, absolute)
	if len(cands) == 0 {
		return Question{}, false
	}
	s := &q.tl.Segments[segIndex]
	h := quizMix(q.seed ^ quizMix(uint64(segIndex)+1))
	// Interesting steps (a state change, an event, SYN/FIN/RST, data) are
	// asked about more often than repeated pure ACKs.
	p := uint64(35)
	if quizInteresting(q.tl, segIndex) {
		p = 75
	}
	if h%100 >= p {
		return Question{}, false
	}
	total := 0
	for i := range cands {
		total += quizWeight(&cands[i], s)
	}
	pick := int((h >> 8) % uint64(total))
	for i := range cands {
		pick -= quizWeight(&cands[i], s)
		if pick < 0 {
			return cands[i], true
		}
	}
	return cands[len(cands)-1], true
}

func quizInteresting(tl *Timeline, segIndex int) bool {
	s := &tl.Segments[segIndex]
	if s.Events != 0 || s.Len > 0 || s.Flags&(SYN|FIN|RST) != 0 {
		return true
	}
	cm, sm := StepTransitions(tl, segIndex)
	return len(cm)+len(sm) > 0
}

// quizWeight favours the questions that teach most at a step: an event
// the segment has, the state of a side that moved.
func quizWeight(q *Question, s *Segment) int {
	switch q.Kind {
	case QuizEvent:
		if q.Yes {
			return 6
		}
		return 1
	case QuizState:
		if !q.moved {
			return 1
		}
		return 4
	}
	return 3
}

// Candidates returns every question the quiz could ask before segment
// segIndex is revealed, in the numbering asked for: those the capture
// gives enough to answer. Ask picks one of them.
func (q *Quiz) Candidates(segIndex int, absolute bool) []Question {
	if q == nil || q.tl == nil || q.conv == nil || segIndex < 0 || segIndex >= len(q.tl.Segments) {
		return nil
	}
	s := &q.tl.Segments[segIndex]
	if q.tl.SegStream(s) != q.conv.Index {
		return nil
	}
	k := quizPos(q.conv, segIndex)
	if k <= 0 {
		return nil
	}
	qc := quizCtx{tl: q.tl, c: q.conv, k: k, seg: segIndex, s: s, abs: absolute}
	qc.snd, qc.rcv = quizSides(s.Dir)
	var out []Question
	add := func(x Question, ok bool) {
		if ok {
			x.Seg, x.Frame, x.Absolute = segIndex, s.Frame, absolute
			out = append(out, x)
		}
	}
	add(qc.ack())
	add(qc.seq())
	add(qc.length())
	add(qc.state(C2S))
	add(qc.state(S2C))
	for _, e := range quizEvents {
		add(qc.event(e.e))
	}
	return out
}

func quizPlural(n uint32, onePart, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, onePart)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// quizSides names the sender and the receiver of a direction.
func quizSides(d Dir) (sender, receiver string) {
	if d == C2S {
		return "client", "server"
	}
	return "server", "client"
}

// quizPos is the position of segment i in c.Segs, or -1.
func quizPos(c *Conversation, i int) int {
	k := sort.Search(len(c.Segs), func(j int) bool { return int(c.Segs[j]) >= i })
	if k < len(c.Segs) && int(c.Segs[k]) == i {
		return k
	}
	return -1
}

// quizCtx is one segment being asked about.
type quizCtx struct {
	tl       *Timeline
	c        *Conversation
	k, seg   int
	s        *Segment
	abs      bool
	snd, rcv string
}

// seqOf and ackOf are a segment's numbers in the numbering asked for; the
// other functions give them in the other numbering.
func (qc *quizCtx) seqOf(p *Segment) uint32 { return quizSeq(p, qc.abs) }
func (qc *quizCtx) ackOf(p *Segment) uint32 { return quizAck(p, qc.abs) }

func quizSeq(p *Segment, abs bool) uint32 {
	if abs {
		return p.Seq
	}
	return p.RelSeq
}

func quizAck(p *Segment, abs bool) uint32 {
	if abs {
		return p.Ack
	}
	return p.RelAck
}

// earlier calls f on the conversation's segments before the asked one,
// latest first, until f returns false or quizScan segments were seen.
func (qc *quizCtx) earlier(f func(p *Segment) bool) {
	for j := qc.k - 1; j >= 0 && j >= qc.k-quizScan; j-- {
		if i := int(qc.c.Segs[j]); i < len(qc.tl.Segments) && !f(&qc.tl.Segments[i]) {
			return
		}
	}
}

// high is the highest sequence number (seq + SeqLen) a side reached before
// the asked segment, and the segment that reached it.
func (qc *quizCtx) high(d Dir) (hi uint32, at *Segment) {
	qc.earlier(func(p *Segment) bool {
		if p.Dir == d {
			// On a tie, the segment that took sequence numbers to get
			// there, not a pure ACK after it, is the one to name.
			e := p.Seq + p.SeqLen()
			if at == nil || int32(e-hi) > 0 || (e == hi && at.SeqLen() == 0 && p.SeqLen() > 0) {
				hi, at = e, p
			}
		}
		return true
	})
	return hi, at
}

// what names a segment for a sentence: "SYN", "FIN", "93-byte segment",
// "5-byte segment with FIN".
func quizWhat(p *Segment) string {
	var w string
	switch {
	case p.Len == 0 && p.Flags.Has(SYN):
		w = "SYN"
	case p.Len == 0 && p.Flags.Has(FIN):
		w = "FIN"
	case p.Len == 0:
		w = p.Flags.String() + " segment"
	default:
		w = fmt.Sprintf("%d-byte segment", p.Len)
		if p.Flags.Has(SYN) {
			w = "SYN with " + quizPlural(p.Len, "byte", "bytes")
		}
		if p.Flags.Has(FIN) {
			w += " with FIN"
		}
	}
	return w
}

// consumes says how a segment's sequence numbers add up: "93 bytes",
// "1 for the SYN", "5 bytes + 1 for the FIN".
func quizConsumes(p *Segment) string {
	var parts []string
	if p.Len > 0 {
		parts = append(parts, quizPlural(p.Len, "byte", "bytes"))
	}
	if p.Flags.Has(SYN) {
		parts = append(parts, "1 for the SYN")
	}
	if p.Flags.Has(FIN) {
		parts = append(parts, "1 for the FIN")
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, " + ")
}

// quizSegment names a segment by its flags with its article, as it is
// read aloud: "a SYN segment", "an ACK segment", "an RST segment".
func quizSegment(f Flags) string {
	if f&^Reserved == 0 {
		return "a segment with no flags"
	}
	name := f.String()
	for _, p := range []string{"ACK", "ECE", "URG", "RST", "NS"} {
		if strings.HasPrefix(name, p) {
			return "an " + name + " segment"
		}
	}
	return "a " + name + " segment"
}

func (qc *quizCtx) numberQuestion(kind QuestionKind, n, other uint32, prompt, why string, shows Shown) Question {
	return Question{
		Kind: kind, Answer: AnswerNumber, Number: n, Other: other,
		Correct: strconv.FormatUint(uint64(n), 10),
		Prompt:  prompt + " (" + numberingName(qc.abs) + " numbers)", Why: why, Shows: shows,
	}
}

// ack asks which ACK the segment will carry, when the capture shows what
// it acknowledges: an earlier segment of the other side ending exactly
// there, or the sender's previous ACK, unchanged.
func (qc *quizCtx) ack() (Question, bool) {
	s := qc.s
	if !s.Flags.Has(ACK) {
		return Question{}, false
	}
	var acked, prev *Segment
	qc.earlier(func(p *Segment) bool {
		if p.Dir == s.Dir {
			if prev == nil && p.Flags.Has(ACK) {
				prev = p
			}
		} else if acked == nil && p.SeqLen() > 0 && p.Seq+p.SeqLen() == s.Ack {
			acked = p
		}
		return acked == nil || prev == nil
	})
	ack := qc.ackOf(s)
	var why string
	switch {
	case prev != nil && prev.Ack == s.Ack:
		why = fmt.Sprintf("ACK %d again: the ACK is the next byte the %s expects, and nothing new has arrived from the %s since its ACK in frame %d asked for byte %d already.",
			ack, qc.snd, qc.rcv, prev.Frame, qc.ackOf(prev))
	case acked != nil:
		aseq := qc.seqOf(acked)
		if aseq+acked.SeqLen() != ack {
			// The numbering does not add up (a raw number shown for a
			// segment whose length was unknown): say it without the sum.
			why = fmt.Sprintf("ACK %d: the ACK is the next byte the %s expects, the one after the %s's %s in frame %d.", ack, qc.snd, qc.rcv, quizWhat(acked), acked.Frame)
			break
		}
		why = fmt.Sprintf("ACK %d = %d + %d: the ACK is the next byte the %s expects; the %s's %s in frame %d starts at SEQ %d and takes %s.",
			ack, aseq, acked.SeqLen(), qc.snd, qc.rcv, quizWhat(acked), acked.Frame, aseq, quizConsumes(acked))
		if hi, at := qc.high(s.Dir ^ 1); at != nil && hi != s.Ack && int32(hi-s.Ack) > 0 {
			why += fmt.Sprintf(" The %s had sent up to %d (frame %d), but the ACK only goes as far as every byte before it has arrived.", qc.rcv, quizSeq(at, qc.abs)+at.SeqLen(), at.Frame)
		}
	default:
		return Question{}, false
	}
	prompt := fmt.Sprintf("Next the %s sends %s. What ACK number will it carry?", qc.snd, quizSegment(s.Flags))
	return qc.numberQuestion(QuizAck, ack, quizAck(s, !qc.abs), prompt, why, ShowFlags), true
}

// seq asks which SEQ the segment will carry, when it is the next number
// after the sender's furthest segment so far (a retransmission's SEQ cannot
// be foreseen).
func (qc *quizCtx) seq() (Question, bool) {
	s := qc.s
	hi, at := qc.high(s.Dir)
	if at == nil || s.Seq != hi {
		return Question{}, false
	}
	seq, aseq := qc.seqOf(s), qc.seqOf(at)
	var why string
	if aseq+at.SeqLen() == seq {
		why = fmt.Sprintf("SEQ %d = %d + %d: the %s's %s in frame %d starts at SEQ %d and takes %s, so its next segment starts right after it.",
			seq, aseq, at.SeqLen(), qc.snd, quizWhat(at), at.Frame, aseq, quizConsumes(at))
	} else {
		why = fmt.Sprintf("SEQ %d: the %s's next segment starts right after its %s in frame %d.", seq, qc.snd, quizWhat(at), at.Frame)
	}
	var last *Segment
	qc.earlier(func(p *Segment) bool {
		if p.Dir == s.Dir {
			last = p
			return false
		}
		return true
	})
	if at.SeqLen() == 0 || (last != nil && last != at && last.SeqLen() == 0) {
		why += " A segment without data, SYN or FIN takes no sequence number."
	}
	prompt := fmt.Sprintf("Next the %s sends %s. What SEQ number will it carry?", qc.snd, quizSegment(s.Flags))
	return qc.numberQuestion(QuizSeq, seq, quizSeq(s, !qc.abs), prompt, why, ShowFlags), true
}

// length asks how many bytes of data a segment carries, given the later
// ACK of the other side that acknowledges exactly it.
func (qc *quizCtx) length() (Question, bool) {
	s := qc.s
	if s.SeqLen() == 0 || s.Flags.Has(RST) {
		return Question{}, false
	}
	end := s.Seq + s.SeqLen()
	var o *Segment
	for j := qc.k + 1; j < len(qc.c.Segs) && j <= qc.k+quizScan; j++ {
		i := int(qc.c.Segs[j])
		if i >= len(qc.tl.Segments) {
			break
		}
		p := &qc.tl.Segments[i]
		if p.Dir != s.Dir && p.Flags.Has(ACK) && p.Ack == end {
			o = p
			break
		}
	}
	if o == nil {
		return Question{}, false
	}
	seq, oack := qc.seqOf(s), qc.ackOf(o)
	if seq+s.SeqLen() != oack {
		return Question{}, false
	}
	extra := s.SeqLen() - s.Len
	var why string
	if extra == 0 {
		why = fmt.Sprintf("%d = %d - %d: the %s's ACK %d asks for the byte after this segment's last, and its first is SEQ %d.",
			s.Len, oack, seq, qc.rcv, oack, seq)
	} else {
		var f []string
		if s.Flags.Has(SYN) {
			f = append(f, "the SYN")
		}
		if s.Flags.Has(FIN) {
			f = append(f, "the FIN")
		}
		takes := "takes one"
		if extra == 2 {
			takes = "take two"
		}
		why = fmt.Sprintf("%d = %d - %d - %d: the %s's ACK %d covers every sequence number from SEQ %d on, but %s %s of them and carries no data.",
			s.Len, oack, seq, extra, qc.rcv, oack, seq, strings.Join(f, " and "), takes)
	}
	prompt := fmt.Sprintf("The %s's %s segment starts at SEQ %d, and the %s will answer it with ACK %d. How many bytes of data does it carry?",
		qc.snd, s.Flags, seq, qc.rcv, oack)
	return qc.numberQuestion(QuizLen, s.Len, s.Len, prompt, why, ShowFlags|ShowSeq|ShowAck), true
}

// quizStateMeaning says what being in a state means.
var quizStateMeaning = [NumStates]string{
	Closed:      "there is no connection",
	Listen:      "it waits for a connection request",
	SynSent:     "it has sent a SYN and waits for the other side's",
	SynReceived: "it has answered a SYN with its own and waits for that to be acknowledged",
	Established: "the connection is open and data can flow both ways",
	FinWait1:    "it has sent its FIN and waits for it to be acknowledged",
	FinWait2:    "its FIN is acknowledged; it waits for the other side's FIN",
	CloseWait:   "the other side has finished sending; it may still send until its application closes",
	Closing:     "both sides sent a FIN at once; it waits for the ACK of its own",
	LastAck:     "it has sent its FIN after the other side's and waits for the last ACK",
	TimeWait:    "it waits twice the maximum segment lifetime so a lost last ACK can be resent",
}

// state asks which state side d is in after the segment, as a passive
// observer infers it.
func (qc *quizCtx) state(d Dir) (Question, bool) {
	s := qc.s
	who, now := "client", s.Client()
	if d == S2C {
		who, now = "server", s.Server()
	}
	cm, sm := StepTransitions(qc.tl, qc.seg)
	ms := cm
	if d == S2C {
		ms = sm
	}
	if len(ms) == 0 && d != s.Dir {
		// A passive observer sees a receiver's move only when it answers,
		// so asking where the receiver stands now would be unfair.
		return Question{}, false
	}
	var why string
	if len(ms) > 0 {
		path := []string{ms[0].From.String()}
		var labels []string
		for _, m := range ms {
			path = append(path, m.To.String())
			labels = append(labels, fmt.Sprintf("%q", Visible(m.Label())))
		}
		why = fmt.Sprintf("%s: the %s moves %s, RFC 793's %s; %s.", now, who, strings.Join(path, " → "), strings.Join(labels, " then "), quizStateMeaning[now%NumStates])
	} else {
		why = fmt.Sprintf("%s: the %s makes no move at this step and stays in %s; %s.", now, who, now, quizStateMeaning[now%NumStates])
	}
	verb := "sends"
	if (d == C2S) != (s.Dir == C2S) {
		verb = "receives"
	}
	prompt := fmt.Sprintf("The %s %s %s (SEQ %d, ACK %d, %s). What state is the %s in now?",
		who, verb, quizSegment(s.Flags), qc.seqOf(s), qc.ackOf(s), quizPlural(s.Len, "byte", "bytes"), who)
	if !s.Flags.Has(ACK) {
		prompt = fmt.Sprintf("The %s %s %s (SEQ %d, %s). What state is the %s in now?",
			who, verb, quizSegment(s.Flags), qc.seqOf(s), quizPlural(s.Len, "byte", "bytes"), who)
	}
	return Question{
		Kind: QuizState, Answer: AnswerState, State: now, Side: d, Correct: now.String(),
		Prompt: prompt, Why: why, Shows: ShowFlags | ShowSeq | ShowAck | ShowLen | ShowEvents,
		moved: len(ms) > 0,
	}, true
}

// quizEvents are the analysis events a quiz asks about, each with the
// question's words and which segments may be asked (so that "no" answers
// come from segments where the event could have been).
var quizEvents = []struct {
	e        Event
	name     string
	eligible func(s *Segment) bool
}{
	{Retransmission, "a retransmission", func(s *Segment) bool { return s.SeqLen() > 0 && !s.Flags.Has(RST) }},
	{OutOfOrder, "out of order", func(s *Segment) bool { return s.SeqLen() > 0 && !s.Flags.Has(RST) }},
	{LostSegment, "preceded by a segment the capture missed", func(s *Segment) bool { return !s.Flags.Has(SYN) }},
	{DuplicateAck, "a duplicate ACK", quizPureAck},
	{WindowUpdate, "a window update", quizPureAck},
	{KeepAlive, "a keep-alive", func(s *Segment) bool { return s.Len <= 1 && s.Flags&(SYN|FIN|RST) == 0 }},
	{ZeroWindow, "a zero-window advertisement", func(s *Segment) bool { return !s.Flags.Has(RST) }},
	{ZeroWindowProbe, "a zero-window probe", func(s *Segment) bool { return s.Len <= 1 && s.Flags&(SYN|FIN|RST) == 0 }},
}

func quizPureAck(s *Segment) bool {
	return s.Len == 0 && s.Flags&(SYN|FIN|RST) == 0 && s.Flags.Has(ACK)
}

// event asks whether the segment is one analysis event, when the
// conversation contains that event somewhere.
func (qc *quizCtx) event(e Event) (Question, bool) {
	s := qc.s
	var name string
	var eligible func(*Segment) bool
	for _, x := range quizEvents {
		if x.e == e {
			name, eligible = x.name, x.eligible
		}
	}
	if eligible == nil || qc.c.EventCounts[e.String()] == 0 || !eligible(s) {
		return Question{}, false
	}
	yes := s.Events.Has(e)
	why := qc.eventWhy(e, yes)
	var desc string
	if s.Flags.Has(ACK) {
		desc = fmt.Sprintf("SEQ %d, ACK %d, %s, window %d", qc.seqOf(s), qc.ackOf(s), quizPlural(s.Len, "byte", "bytes"), s.Win)
	} else {
		desc = fmt.Sprintf("SEQ %d, %s, window %d", qc.seqOf(s), quizPlural(s.Len, "byte", "bytes"), s.Win)
	}
	prompt := fmt.Sprintf("The %s sends %s (%s). Is it %s?", qc.snd, quizSegment(s.Flags), desc, name)
	correct := "no"
	if yes {
		correct = "yes"
	}
	return Question{
		Kind: QuizEvent, Answer: AnswerYesNo, Yes: yes, Event: e, Correct: correct,
		Prompt: prompt, Why: why, Shows: ShowFlags | ShowSeq | ShowAck | ShowLen | ShowStates,
	}, true
}

// eventWhy explains the answer to an event question from the segment's
// numbers and the sender's earlier segments.
func (qc *quizCtx) eventWhy(e Event, yes bool) string {
	s := qc.s
	seq, ack := qc.seqOf(s), qc.ackOf(s)
	hi, at := qc.high(s.Dir)
	var hiShown uint32
	if at != nil {
		hiShown = qc.seqOf(at) + at.SeqLen()
	}
	ans := "No"
	if yes {
		ans = "Yes"
	}
	var b strings.Builder
	b.WriteString(ans + ": ")
	switch e {
	case Retransmission, OutOfOrder:
		switch {
		case at == nil:
			fmt.Fprintf(&b, "nothing from the %s came before it, so it cannot resend anything.", qc.snd)
		case int32(s.Seq-hi) >= 0:
			if s.Seq == hi {
				fmt.Fprintf(&b, "SEQ %d is exactly the next new number after frame %d (%d = %d + %d), so it is new data, neither resent nor late.", seq, at.Frame, hiShown, qc.seqOf(at), at.SeqLen())
			} else {
				fmt.Fprintf(&b, "SEQ %d is beyond %d, where the %s's frame %d ended, so it is new data, neither resent nor late.", seq, hiShown, qc.snd, at.Frame)
			}
		default:
			fmt.Fprintf(&b, "SEQ %d is below %d, the next new number after the %s's frame %d: it carries sequence numbers that were sent before. ", seq, hiShown, qc.snd, at.Frame)
			switch {
			case s.Events.Has(Retransmission):
				b.WriteString("It came long enough after the higher segment to be a resend of data believed lost, not a reordering, so it is a retransmission")
				if s.Events.Has(FastRetransmission) {
					fmt.Fprintf(&b, " (a fast one, asked for by the %s's duplicate ACKs)", qc.rcv)
				}
				if s.Events.Has(SpuriousRetransmission) {
					fmt.Fprintf(&b, " (a spurious one: the %s had acknowledged them already)", qc.rcv)
				}
				b.WriteString(", not out of order.")
			case s.Events.Has(OutOfOrder):
				b.WriteString("It came so soon after the higher segment that the network reordered them: it is out of order, not a retransmission.")
			case s.Events.Has(KeepAlive):
				b.WriteString("It sits one below the next number and asks only for an ACK: a keep-alive, not a retransmission or reordering.")
			default:
				b.WriteString("The analysis (tshark's rules) classes it as neither a retransmission nor out of order.")
			}
		}
	case LostSegment:
		switch {
		case yes && at != nil && int32(s.Seq-hi) > 0:
			fmt.Fprintf(&b, "SEQ %d is beyond %d, where the %s's frame %d ended: %d = %d - %d sequence numbers in between never appeared in the capture.", seq, hiShown, qc.snd, at.Frame, seq-hiShown, seq, hiShown)
		case yes:
			fmt.Fprintf(&b, "its SEQ %d is beyond the next number the %s's earlier segments lead to, so something in between was not captured.", seq, qc.snd)
		case at == nil:
			fmt.Fprintf(&b, "nothing from the %s came before it to leave a gap after.", qc.snd)
		case int32(s.Seq-hi) > 0:
			fmt.Fprintf(&b, "SEQ %d is beyond %d (frame %d), yet the analysis does not report the gap here.", seq, hiShown, at.Frame)
		default:
			fmt.Fprintf(&b, "SEQ %d is not beyond %d, where the %s's frame %d ended, so no sequence numbers are missing before it.", seq, hiShown, qc.snd, at.Frame)
		}
	case DuplicateAck, WindowUpdate:
		var prev *Segment
		qc.earlier(func(p *Segment) bool {
			if p.Dir == s.Dir {
				prev = p
				return false
			}
			return true
		})
		switch {
		case prev == nil:
			fmt.Fprintf(&b, "it is the %s's first segment, so it repeats nothing.", qc.snd)
		case yes && e == DuplicateAck:
			fmt.Fprintf(&b, "it repeats ACK %d of the %s's frame %d with no data and the same window %d. A receiver repeats its ACK when a segment arrives beyond a gap, asking again for byte %d; three duplicates make the %s resend it at once.", ack, qc.snd, prev.Frame, s.Win, ack, qc.rcv)
		case yes:
			fmt.Fprintf(&b, "no data and the same ACK %d as frame %d; only the window changed, from %d to %d: the %s tells the %s how much room it has.", ack, prev.Frame, prev.Win, s.Win, qc.snd, qc.rcv)
		case prev.Ack != s.Ack:
			fmt.Fprintf(&b, "its ACK %d differs from the %s's previous ACK %d (frame %d): it acknowledges new data, so it is an ordinary ACK.", ack, qc.snd, qc.ackOf(prev), prev.Frame)
		case prev.Win != s.Win && e == DuplicateAck:
			fmt.Fprintf(&b, "its ACK %d repeats frame %d's, but the window changed from %d to %d, so it is a window update, not a duplicate ACK.", ack, prev.Frame, prev.Win, s.Win)
		case prev.Win == s.Win && e == WindowUpdate:
			fmt.Fprintf(&b, "the window %d is the same as in the %s's frame %d, so it updates nothing.", s.Win, qc.snd, prev.Frame)
		default:
			fmt.Fprintf(&b, "it repeats ACK %d of frame %d, but the analysis (tshark's rules, which also look at what is outstanding and at the window) does not count it as %s.", ack, prev.Frame, map[Event]string{DuplicateAck: "a duplicate ACK", WindowUpdate: "a window update"}[e])
		}
	case KeepAlive:
		if yes {
			fmt.Fprintf(&b, "SEQ %d is one below %d, the %s's next number, and it carries at most one byte: it asks nothing new and only makes the %s answer with an ACK, to check that it is still there.", seq, hiShown, qc.snd, qc.rcv)
		} else if at != nil && s.Seq+1 != hi {
			fmt.Fprintf(&b, "a keep-alive sits one below the sender's next number (%d here), and its SEQ is %d.", hiShown-1, seq)
		} else {
			b.WriteString("the analysis (tshark's rules) does not class it as a keep-alive.")
		}
	case ZeroWindow:
		if yes {
			fmt.Fprintf(&b, "its window is 0: the %s's receive buffer is full, so the %s must stop sending data until the window opens again.", qc.snd, qc.rcv)
		} else {
			fmt.Fprintf(&b, "its window is %d, not 0.", s.Win)
		}
	case ZeroWindowProbe:
		if yes {
			fmt.Fprintf(&b, "the %s had closed its window, and the %s sends at most one byte at the next number to find out whether it has opened.", qc.rcv, qc.snd)
		} else {
			fmt.Fprintf(&b, "a zero-window probe sends one byte into a closed window; this segment does not (the %s's window was not 0, or SEQ %d is not the next number).", qc.rcv, seq)
		}
	}
	return b.String()
}
