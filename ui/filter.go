package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/filter"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// This file holds the stepper's display filters (package filter): the
// picker's, typed into its filter line, which keeps the conversations with
// a frame that passes it, and the ladder's (f), typed in the footer, which
// dims the rows it does not match or hides them (H), with keys to the next
// and previous matching row (alt+n, alt+p; nextFiltered for other keys).
//
// A filter runs over the timeline on the UI goroutine when that is quick,
// else as a tea.Cmd, one at a time, holding the timeline still meanwhile
// (busy) as a view's slow work does; filterWork, after every message,
// starts what is missing.

// Where a filter stops running on the UI goroutine, between two keys.
// Frames (go test -bench=Frames ./filter) judges a frame in 30 to 130 ns
// from the timeline alone, so 20,000 frames take one or two milliseconds,
// unnoticed as the picker redraws at each key; one Match, which the ladder
// uses for a few rows, costs about ten of those (matchCost). What a filter
// reads of the capture itself (a payload for tcp.payload; the bytes of a
// frame that carries no segment, or of an empty segment that may end
// inside its header, for fields the timeline does not keep) takes
// microseconds a read from the page cache and far more from a slow disk:
// a filter runs inline when it may read 1,000 times at most. Above these
// it runs in a tea.Cmd and the screen says it is filtering.
const (
	syncFilterFrames = 20_000
	syncFilterReads  = 1_000
	matchCost        = 10
)

// mayRead says whether judging segment s may read the capture: its payload
// for a filter that reads payloads, its frame for one that reads frames
// when it has no length and numbers as sent (the filter then looks at its
// bytes for a header cut short).
func mayRead(f *filter.Filter, s *model.Segment) bool {
	return f.ReadsPayload() && s.Len > 0 || f.ReadsFrames() && s.Len == 0 && s.RelSeq == s.Seq
}

// pickerInline says the picker's filter f runs over tl on the UI goroutine.
func pickerInline(f *filter.Filter, tl *model.Timeline) bool {
	if len(tl.Frames) > syncFilterFrames {
		return false
	}
	reads := 0
	if f.ReadsFrames() {
		reads = len(tl.Frames) - len(tl.Segments)
	}
	for i := range tl.Segments {
		if mayRead(f, &tl.Segments[i]) {
			reads++
		}
	}
	return reads <= syncFilterReads
}

// ladderInline says the ladder's filter f judges rows on the UI goroutine.
func ladderInline(f *filter.Filter, tl *model.Timeline, rows []pane.Row) bool {
	if min(len(rows)*matchCost, len(tl.Frames)) > syncFilterFrames {
		return false
	}
	reads := 0
	for _, r := range rows {
		switch {
		case r.Seg < 0 && f.ReadsFrames():
			reads++
		case r.Seg >= 0 && int(r.Seg) < len(tl.Segments) && mayRead(f, &tl.Segments[r.Seg]):
			reads++
		}
	}
	return reads <= syncFilterReads
}

// filterState is the display filters' part of the root.
type filterState struct {
	// The ladder's filter as typed and compiled, whether it hides the
	// rows it does not match, and its verdicts on the rows of conv so far
	// (lastJudged is the frame of the last row judged, to notice rows
	// rebuilt under it).
	expr       string
	f          *filter.Filter
	hide       bool
	rows       *pane.RowFilter
	conv       *model.Conversation
	lastJudged uint32
	// editing says the filter is being typed in the footer's input; bad
	// is why the last one entered does not compile, shown under it until
	// it is edited.
	editing bool
	input   textinput.Model
	bad     *filter.Error
	// running says a filter runs in a tea.Cmd. pickedAt is when the
	// picker's last started: while the capture grows it runs again at most
	// every refreshEvery.
	running  bool
	pickedAt time.Time
}

// filterDoneMsg is a filter's verdicts, judged in a tea.Cmd: the
// conversations of the picker's filter, or rows [from, from+len(pass)) of
// conv for the ladder's (last is the frame of the last of them).
type filterDoneMsg struct {
	picker bool
	expr   string
	frames int
	convs  []bool
	conv   *model.Conversation
	from   int
	last   uint32
	pass   []bool
	err    error
}

// errNotAsked is what the picker's filter is told of the bytes of a frame
// in no conversation: it cannot make a conversation pass, so it is not
// read.
var errNotAsked = errors.New("frame in no conversation")

// filterSource is the filter's view of the capture's bytes, read straight
// from the Source (never through readFrame, which writes to the footer:
// this may run on another goroutine). The first error reading is kept in
// *first; frames for which skip says so are not read.
func filterSource(src Source, tl *model.Timeline, skip func(n uint32) bool, first *error) filter.Source {
	note := func(err error) {
		if err != nil && *first == nil {
			*first = err
		}
	}
	return filter.Source{
		Payload: func(seg int) ([]byte, error) {
			b, err := src.Payload(tl, seg)
			note(err)
			return b, err
		},
		Frame: func(n uint32) ([]byte, model.Dissection, error) {
			i := int(n) - 1
			if i < 0 || i >= len(tl.Frames) {
				return nil, model.Dissection{}, errNoFrame
			}
			if skip != nil && skip(n) {
				return nil, model.Dissection{}, errNotAsked
			}
			data, d, err := src.Frame(&tl.Frames[i])
			note(err)
			return data, d, err
		},
	}
}

// pickerWork finds the conversations with a frame that passes f, by
// conversation index: the filter's Frames over the whole timeline.
func pickerWork(f *filter.Filter, tl *model.Timeline, src Source) func() filterDoneMsg {
	return func() (msg filterDoneMsg) {
		msg = filterDoneMsg{picker: true, expr: f.String(), frames: len(tl.Frames)}
		defer func() {
			if r := recover(); r != nil {
				msg.convs, msg.err = nil, fmt.Errorf("internal error: %v", r)
			}
		}()
		var first error
		frames, _ := f.Frames(tl, filterSource(src, tl, func(n uint32) bool { return tl.Frames[n-1].Stream < 0 }, &first))
		msg.convs = make([]bool, len(tl.Conversations))
		for _, n := range frames {
			if s := tl.Frames[n-1].Stream; s >= 0 && int(s) < len(msg.convs) {
				msg.convs[s] = true
			}
		}
		msg.err = first
		return msg
	}
}

// ladderWork judges rows (of conv, from row from on).
func ladderWork(f *filter.Filter, tl *model.Timeline, src Source, conv *model.Conversation, rows []pane.Row, from int) func() filterDoneMsg {
	rows = rows[from:]
	return func() (msg filterDoneMsg) {
		msg = filterDoneMsg{expr: f.String(), conv: conv, from: from, last: rows[len(rows)-1].Frame}
		defer func() {
			if r := recover(); r != nil {
				msg.pass, msg.err = nil, fmt.Errorf("internal error: %v", r)
			}
		}()
		msg.pass, msg.err = judgeRows(f, tl, src, rows, len(rows)*matchCost <= len(tl.Frames))
		return msg
	}
}

// judgeRows says which rows pass f: one Match each (perRow), else the
// filter's Frames over the whole timeline, cheaper than matchCost a row
// when the rows are many, reading the bytes of the rows' frames alone.
// The error is the first one reading.
func judgeRows(f *filter.Filter, tl *model.Timeline, src Source, rows []pane.Row, perRow bool) ([]bool, error) {
	var first error
	pass := make([]bool, len(rows))
	if perRow {
		// One Matcher for all the rows: it keeps each conversation's
		// application layer once read, where a Match per row would analyse
		// the conversation again for every row an app field is asked of.
		match := f.Matcher(tl, filterSource(src, tl, nil, &first))
		for i, r := range rows {
			pass[i], _ = match(r.Frame)
		}
		return pass, first
	}
	mine := make([]bool, len(tl.Frames)+1)
	for _, r := range rows {
		if int(r.Frame) < len(mine) {
			mine[r.Frame] = true
		}
	}
	frames, _ := f.Frames(tl, ownSource(src, tl, mine, &first))
	passed := make([]bool, len(tl.Frames)+1)
	for _, n := range frames {
		passed[n] = true
	}
	for i, r := range rows {
		pass[i] = int(r.Frame) < len(passed) && passed[r.Frame]
	}
	return pass, first
}

// ownSource is filterSource reading the bytes of the frames mine marks alone:
// the payloads of their segments, the frames themselves.
func ownSource(src Source, tl *model.Timeline, mine []bool, first *error) filter.Source {
	fs := filterSource(src, tl, func(n uint32) bool { return int(n) >= len(mine) || !mine[n] }, first)
	payload := fs.Payload
	fs.Payload = func(seg int) ([]byte, error) {
		if seg < 0 || seg >= len(tl.Segments) || int(tl.Segments[seg].Frame) >= len(mine) || !mine[tl.Segments[seg].Frame] {
			return nil, errNotAsked
		}
		return payload(seg)
	}
	return fs
}

// rowFilter is the ladder's filter as the views are told it (nil when none
// is set, or in a quiz), its verdicts started afresh when the conversation
// or its rows changed under them.
func (m *Model) rowFilter() *pane.RowFilter {
	s := m.flt
	if s.f == nil || m.conv == nil || m.quiz.On() {
		return nil
	}
	j := s.rows.Judged()
	if s.rows == nil || s.conv != m.conv || j > len(m.rows) || (j > 0 && m.rows[j-1].Frame != s.lastJudged) {
		s.rows, s.conv, s.lastJudged = pane.NewRowFilter(s.expr, s.hide), m.conv, 0
		m.ladder.FilterChanged()
	}
	return s.rows
}

// filterWork starts the filtering the screen waits for, if none runs: the
// picker's display filter over a timeline it was not judged over, or the
// rows of the ladder not judged yet. Quick work is done at once.
func (m *Model) filterWork() tea.Cmd {
	s := m.flt
	if m.tl == nil || s.running {
		return nil
	}
	var (
		work   func() filterDoneMsg
		inline bool
	)
	switch m.screen {
	case screenPicker:
		f := m.picker.DisplayFilter()
		if f == nil {
			return nil
		}
		expr, frames := m.picker.MatchedFor()
		if expr == f.String() && (frames == len(m.tl.Frames) || m.builder != nil && time.Since(s.pickedAt) < refreshEvery) {
			return nil
		}
		s.pickedAt = time.Now()
		work, inline = pickerWork(f, m.tl, m.src), pickerInline(f, m.tl)
	case screenStepper:
		rf := m.rowFilter()
		if rf == nil || rf.Judged() >= len(m.rows) {
			return nil
		}
		f, from := s.f, rf.Judged()
		work, inline = ladderWork(f, m.tl, m.src, m.conv, m.rows, from), ladderInline(f, m.tl, m.rows[from:])
	default:
		return nil
	}
	if inline {
		m.filterDone(work())
		return nil
	}
	s.running = true
	m.busy++ // no frames are filed while it reads the timeline
	return func() tea.Msg { return work() }
}

// filterDone takes a filter's verdicts: an answer for a filter, a
// conversation or rows that are no longer the ones shown is dropped (and
// filterWork starts the right one).
func (m *Model) filterDone(msg filterDoneMsg) {
	if msg.err != nil {
		m.err = "display filter: " + msg.err.Error()
	}
	if msg.picker {
		if msg.convs != nil {
			m.picker.SetMatches(msg.expr, msg.frames, msg.convs, m.pickerRect().H)
		}
		return
	}
	s := m.flt
	rf := m.rowFilter()
	end := msg.from + len(msg.pass)
	if rf == nil || msg.pass == nil || s.expr != msg.expr || s.conv != msg.conv || rf.Judged() != msg.from ||
		end > len(m.rows) || len(msg.pass) == 0 || m.rows[end-1].Frame != msg.last {
		return
	}
	rf.Append(msg.pass...)
	s.lastJudged = msg.last
	m.ladder.FilterChanged()
	if !rf.Shown(m.cur) {
		m.setCur(m.cur) // onto a row drawn
	}
	m.afterMove()
}

// filterMsg is filterDoneMsg handled: the verdicts taken, the timeline let
// go.
func (m *Model) filterMsg(msg filterDoneMsg) tea.Cmd {
	m.flt.running = false
	m.filterDone(msg)
	return m.release()
}

// nextFiltered is the next (d > 0) or previous (d < 0) row after the
// selected one that the ladder's display filter matches, or -1 when there
// is none or no filter is set. Keys that step through the matches (alt+n,
// alt+p here; others may) move there with setCur.
func (m *Model) nextFiltered(d int) int {
	return m.rowFilter().Next(m.cur, d)
}

// shownNear is row i, or when the ladder hides it, the nearest row it
// draws: after i for a move forward (d >= 0), before it for a move back,
// else the other way; i when it draws none.
func (m *Model) shownNear(i, d int) int {
	rf := m.rowFilter()
	if rf.Shown(i) {
		return i
	}
	fwd, back := rf.Next(i, 1), rf.Next(i, -1)
	if fwd < 0 && rf.Judged() < len(m.rows) {
		fwd = rf.Judged() // not judged yet, so drawn
	}
	if d < 0 {
		fwd, back = back, fwd
	}
	switch {
	case fwd >= 0:
		return fwd
	case back >= 0:
		return back
	}
	return i
}

// filterKeys handles the stepper's display filter keys, reporting whether
// msg was one of them.
func (m *Model) filterKeys(msg tea.KeyPressMsg) (bool, tea.Cmd) {
	k, s := m.keys, m.flt
	if !key.Matches(msg, k.Filter, k.FilterHide, k.FilterNext, k.FilterPrev) {
		return false, nil
	}
	if m.quiz.On() {
		m.err = "the display filter is off during a quiz (Q leaves it)"
		return true, nil
	}
	switch {
	case key.Matches(msg, k.Filter):
		return true, m.editFilter()
	case key.Matches(msg, k.FilterHide):
		if s.f == nil {
			m.err = "H hides the rows the display filter does not match: set one with f first"
			return true, nil
		}
		s.hide = !s.hide
		if s.rows != nil {
			s.rows.Hide = s.hide
		}
		m.ladder.FilterChanged()
		m.note = "rows the display filter does not match are dimmed (H hides them)"
		if s.hide {
			m.note = "rows the display filter does not match are hidden (H dims them)"
			m.setCur(m.cur)
		}
	case key.Matches(msg, k.FilterNext, k.FilterPrev):
		if s.f == nil {
			m.err = "alt+n and alt+p go to the rows the display filter matches: set one with f first"
			return true, nil
		}
		d, word := 1, "after"
		if key.Matches(msg, k.FilterPrev) {
			d, word = -1, "before"
		}
		if r := m.nextFiltered(d); r >= 0 {
			m.setCur(r)
		} else {
			m.note = "no row " + word + " this one matches " + model.Visible(s.expr)
		}
	}
	return true, nil
}

// editFilter opens the footer's input on the ladder's filter.
func (m *Model) editFilter() tea.Cmd {
	s := m.flt
	in := textinput.New()
	in.Prompt = "display filter: "
	in.Placeholder = "tcp.len > 0, tcp.analysis.flags" + glyphEllipsis
	st := textinput.DefaultStyles(m.st.IsDark)
	st.Cursor.Blink = false // a steady cursor, as the quiz's answer has
	st.Focused.Prompt = m.st.Footer.Progress
	st.Blurred.Prompt = m.st.Footer.Progress
	in.SetStyles(st)
	in.SetValue(s.expr)
	in.CursorEnd()
	s.input, s.editing, s.bad = in, true, nil
	return s.input.Focus()
}

// filterKey is a key while the filter is typed: enter applies it (empty
// clears it; one that does not compile says why and stays to be fixed),
// esc leaves the filter as it was, ctrl+c quits, and the rest edit it.
func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	k, s := m.keys, m.flt
	m.err = ""
	switch {
	case key.Matches(msg, k.QuitAlways):
		return tea.Quit
	case key.Matches(msg, k.FilterCancel):
		s.editing, s.bad = false, nil
		return nil
	case key.Matches(msg, k.FilterApply):
		expr := strings.TrimSpace(s.input.Value())
		if expr == "" {
			if s.f != nil {
				m.note = "display filter cleared"
			}
			s.editing, s.bad = false, nil
			m.setLadderFilter("", nil)
			return nil
		}
		f, err := filter.Compile(expr)
		if err != nil {
			var fe *filter.Error
			if !errors.As(err, &fe) {
				fe = &filter.Error{Expr: expr, Msg: err.Error()}
			}
			s.bad = fe
			return nil
		}
		s.editing, s.bad = false, nil
		m.setLadderFilter(expr, f)
		return nil
	}
	before := s.input.Value()
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	if s.input.Value() != before {
		s.bad = nil
	}
	return cmd
}

// filterPaste pastes text into the filter being typed (nothing else takes
// a paste).
func (m *Model) filterPaste(msg tea.PasteMsg) tea.Cmd {
	s := m.flt
	if !s.editing || m.screen != screenStepper {
		return nil
	}
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	s.bad = nil
	return cmd
}

// setLadderFilter sets the ladder's filter (nil: none); its rows are
// judged by filterWork.
func (m *Model) setLadderFilter(expr string, f *filter.Filter) {
	s := m.flt
	s.expr, s.f, s.rows, s.conv, s.lastJudged = expr, f, nil, nil, 0
	m.ladder.FilterChanged()
	m.afterMove()
}

// filterFooter is the footer while the filter is typed, w cells wide: the
// input, with the keys beside it where they fit, then, for a filter that
// does not compile, a caret under the place (when the input shows the
// filter whole) and the error, wrapped. nil when no filter is typed.
func (m *Model) filterFooter(w int) []string {
	s := m.flt
	if !s.editing || m.screen != screenStepper {
		return nil
	}
	bar := m.fitBar("", m.keys.filterBar(), w)
	barW := ansi.StringWidth(strings.TrimRight(ansi.Strip(bar), " "))
	promptW := ansi.StringWidth(s.input.Prompt)
	room := w - 1 - promptW - 1
	if room-barW-2 >= 16 {
		room -= barW + 2
	} else {
		barW = 0
	}
	s.input.SetWidth(max(room, 1))
	line := " " + s.input.View()
	if barW > 0 {
		line = pane.Fit(line, w-barW) + ansi.Truncate(bar, barW, "")
	}
	out := []string{pane.Fit(line, w)}
	if s.bad == nil {
		return out
	}
	if marks := strings.SplitN(s.bad.Caret(), "\n", 2); len(marks) == 2 && ansi.StringWidth(s.input.Value()) < room {
		out = append(out, pane.Fit(m.st.Footer.Error.Render(strings.Repeat(" ", 1+promptW)+marks[1]), w))
	}
	for _, l := range wrapFooter(" "+model.Visible(s.bad.Error()), w) {
		out = append(out, pane.RenderSpans([]pane.Span{{Text: l, Style: &m.st.Footer.Error}}, w, nil))
	}
	return out
}
