package ui

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/ladder"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/search"
)

// This file holds the keys that move around a conversation as a reader of
// less, vim or Wireshark expects: go to a frame (: or # and a number, as
// less's and vim's :N and Wireshark's Go To Packet), search forward with /
// and repeat it with n and N (ui/search matches the rows), jump to the
// next or previous analysis event (] [) or state change (} {), and cycle
// the ladder's time column (t). Each moves the selection with setCur.
//
// The label search reads the timeline's records, so it answers within
// the key press however long the conversation; a payload must be read
// from the capture, so the payloads between the selection and the first
// label match are read a bounded batch per key press, and what is left in
// a tea.Cmd, a batch at a time, with the progress in the footer.

// promptKind is what a line typed in the footer asks for.
type promptKind int

const (
	promptGoTo promptKind = iota
	promptSearch
)

// prompt is a line being typed in the footer: a frame number after : or
// #, a pattern after /.
type prompt struct {
	kind  promptKind
	input textinput.Model
}

// The longest lines the prompts take: a frame number fits 32 bits.
const (
	goToLimit   = 10
	searchLimit = 80
)

// How much payload a search reads before answering: at most
// scanPressReads payloads or scanPressBudget in the key press (about a
// frame at 60 Hz, with the drawing), then scanChunkReads or
// scanChunkBudget per command after it. Variables, so that tests can make
// a small capture take several batches.
var (
	scanPressReads  = 4096
	scanPressBudget = 8 * time.Millisecond
	scanChunkReads  = math.MaxInt
	scanChunkBudget = 40 * time.Millisecond
)

// scan is a search reading payloads: from the row after from to end (not
// included), going dir, next being the next row to read. label is the row
// the label search found there, where the search lands if no payload
// before it holds the pattern; -1 for none.
type scan struct {
	gen            int
	q              *search.Query
	from, dir, end int
	next, label    int
	err            error
}

// scanMsg is one batch of a scan, read in a command: the row found, or -1
// and where to go on.
type scanMsg struct {
	gen, found, next int
	err              error
}

// openPrompt starts a line in the footer after lead, the key that opened
// it.
func (m *Model) openPrompt(kind promptKind, lead string) {
	in := textinput.New()
	in.Prompt = lead
	in.CharLimit = searchLimit
	if kind == promptGoTo {
		in.CharLimit = goToLimit
	}
	m.prompt = &prompt{kind: kind, input: in}
	m.stylePrompt()
	m.sizePrompt()
	m.prompt.input.Focus()
}

// stylePrompt gives the prompt the styles of the terminal's background.
func (m *Model) stylePrompt() {
	if m.prompt == nil {
		return
	}
	s := textinput.DefaultStyles(m.st.IsDark)
	// A steady cursor, as the quiz's: a blinking one redraws the screen
	// for nothing.
	s.Cursor.Blink = false
	s.Focused.Prompt = m.st.Footer.Prompt
	s.Blurred.Prompt = m.st.Footer.Prompt
	m.prompt.input.SetStyles(s)
}

// sizePrompt leaves the prompt's keys room beside the line: a longer
// pattern scrolls.
func (m *Model) sizePrompt() {
	if m.prompt != nil {
		m.prompt.input.SetWidth(max(m.winW-44, 8))
	}
}

// promptKey takes a key while a prompt is open: enter runs it, esc (or
// backspace on an empty line) cancels it, ctrl+c quits, and the rest edit
// the line, where q and ? are letters.
func (m *Model) promptKey(msg tea.KeyPressMsg) tea.Cmd {
	k, p := m.keys, m.prompt
	switch {
	case key.Matches(msg, k.QuitAlways):
		return tea.Quit
	case key.Matches(msg, k.PromptCancel):
		m.prompt = nil
		return nil
	case key.Matches(msg, k.PromptEnter):
		m.prompt = nil
		if p.kind == promptGoTo {
			m.goTo(p.input.Value())
			return nil
		}
		return m.startSearch(p.input.Value())
	case key.Matches(msg, k.Backspace) && p.input.Value() == "":
		m.prompt = nil // as in vim and less: the prompt goes with its lead
		return nil
	}
	if p.kind == promptGoTo && msg.Text != "" && strings.Trim(msg.Text, "0123456789") != "" {
		return nil // a frame number is digits
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd
}

// promptMsg hands the prompt what it asked for (a paste from the
// clipboard) and what the terminal pastes into it.
func (m *Model) promptMsg(msg tea.Msg) tea.Cmd {
	if m.prompt == nil {
		return nil
	}
	var cmd tea.Cmd
	m.prompt.input, cmd = m.prompt.input.Update(msg)
	return cmd
}

// promptLine is the footer's line of an open prompt: what is typed, then
// its keys.
func (m *Model) promptLine(w int) string {
	run := "go to frame"
	if m.prompt.kind == promptSearch {
		run = "search"
	}
	// The line is padded to its width: the keys come after what is typed.
	return m.fitBar(strings.TrimRight(m.prompt.input.View(), " ")+"  ", m.keys.promptBar(run), w)
}

// rowOfFrame is the ladder row of frame n, or -1: rows are in frame order.
func (m *Model) rowOfFrame(n uint32) int {
	lo, hi := 0, len(m.rows)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if m.rows[mid].Frame < n {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(m.rows) && m.rows[lo].Frame == n {
		return lo
	}
	return -1
}

// goTo selects frame text: in this conversation, or in the one it belongs
// to, which it opens as the picker does; a frame of no conversation is
// named, and the selection stays.
func (m *Model) goTo(text string) {
	text = strings.TrimSpace(text)
	if text == "" || m.tl == nil {
		return
	}
	n, err := strconv.ParseUint(text, 10, 32)
	if err != nil {
		m.err = fmt.Sprintf("go to: %s is not a frame number", model.Visible(text))
		return
	}
	total := len(m.tl.Frames)
	switch {
	case n == 0:
		m.err = "go to: frames are numbered from 1, as in Wireshark"
		return
	case int(n) > total && m.indexing:
		m.err = fmt.Sprintf("no frame %d yet: %s frames read so far", n, groupDigits(total))
		return
	case int(n) > total:
		m.err = fmt.Sprintf("no frame %d: the capture has %s frames", n, groupDigits(total))
		return
	}
	frame := uint32(n)
	if i := m.rowOfFrame(frame); i >= 0 {
		m.goToRow(i, frame)
		return
	}
	f := &m.tl.Frames[n-1]
	if f.Stream < 0 || int(f.Stream) >= len(m.tl.Conversations) || m.tl.Conversations[f.Stream] == nil {
		what := model.Visible(m.tl.Note(frame))
		if what == "" {
			what = f.Kind.String() + " frame"
		}
		m.err = fmt.Sprintf("frame %d is not TCP of any conversation: %s", n, what)
		return
	}
	c := m.tl.Conversations[f.Stream]
	if c == m.conv {
		m.err = fmt.Sprintf("frame %d belongs to this conversation but is not one of its rows yet", n)
		return
	}
	m.stopQuiz()
	m.open(c)
	i := m.rowOfFrame(frame)
	if i < 0 {
		m.err = fmt.Sprintf("frame %d belongs to conversation %d but is not one of its rows yet", n, c.Index)
		return
	}
	m.goToRow(i, frame)
	if m.err == "" {
		m.note = fmt.Sprintf("frame %d is in conversation %d, %s %s %s: opened it (s lists them all)",
			n, c.Index, c.Client, glyphBoth, c.Server)
	}
}

// goToRow selects row i of frame n, unless a quiz still hides it.
func (m *Model) goToRow(i int, n uint32) {
	if last, _ := m.quizLimit(); i > last {
		m.err = fmt.Sprintf("frame %d is a step the quiz has not revealed yet (Q leaves the quiz)", n)
		return
	}
	m.setCur(i)
}

// startSearch runs a pattern typed after /: an empty one repeats the last
// search, as in less and vim.
func (m *Model) startSearch(text string) tea.Cmd {
	if text == "" {
		if m.search == nil {
			return nil
		}
		return m.searchStep(1)
	}
	q, err := search.Compile(text)
	if err != nil {
		m.err = "search: " + err.Error()
		return nil
	}
	m.search = q
	return m.searchStep(1)
}

// searchStep looks for the search's next match after the selection (dir
// 1) or before it (dir -1): the labels first, over the whole conversation,
// then the payloads of the rows before the first label match, a batch now
// and the rest in commands.
func (m *Model) searchStep(dir int) tea.Cmd {
	q := m.search
	if q == nil || len(m.rows) == 0 {
		return nil
	}
	last, _ := m.quizLimit()
	end := last + 1
	if dir < 0 {
		end = -1
	}
	label := m.findLabel(q, m.cur, dir, end)
	if label >= 0 {
		end = label
	}
	m.scanGen++
	sc := &scan{gen: m.scanGen, q: q, from: m.cur, dir: dir, end: end, next: m.cur + dir, label: label}
	found, next, err := scanPayloads(m.src, m.tl, m.rows, q, sc.next, sc.end, dir, scanPressReads, scanPressBudget)
	sc.next, sc.err = next, err
	if found >= 0 || next == end {
		m.scanEnd(sc, found)
		return nil
	}
	m.scan = sc
	return m.scanCmd()
}

// findLabel is the first row from from (not included) going dir, before
// end, whose label holds q's pattern, or -1.
func (m *Model) findLabel(q *search.Query, from, dir, end int) int {
	segs := m.tl.Segments
	for i := from + dir; i != end; i += dir {
		r := m.rows[i]
		if r.Seg >= 0 {
			if q.Label(&segs[r.Seg], m.absolute) {
				return i
			}
		} else if q.Text(ladder.ExtraText(m.tl, r.Frame)) {
			return i
		}
	}
	return -1
}

// scanPayloads reads the payloads of rows next, next+dir, … before end
// until one holds q's pattern (found is its row), or maxReads payloads
// have been read or budget spent (next is where to go on; end when all
// are read). It reads only the timeline and the source, so it may run in a
// command while the timeline is held still; err is the first payload that
// could not be read, which it skips.
func scanPayloads(src Source, tl *model.Timeline, rows []pane.Row, q *search.Query, next, end, dir, maxReads int, budget time.Duration) (found, at int, err error) {
	start := time.Now()
	var scratch []byte
	reads := 0
	for i := next; i != end; i += dir {
		r := rows[i]
		if r.Seg < 0 || tl.Segments[r.Seg].Len == 0 {
			continue
		}
		if reads >= maxReads || (reads%16 == 15 && time.Since(start) > budget) {
			return -1, i, err
		}
		reads++
		b, e := src.Payload(tl, int(r.Seg))
		if e != nil {
			if err == nil {
				err = e
			}
			continue
		}
		var ok bool
		if ok, scratch = q.InPayload(b, scratch); ok {
			return i, i, err
		}
	}
	return -1, end, err
}

// scanCmd reads the scan's next batch in a command; no frame is filed
// meanwhile (busy).
func (m *Model) scanCmd() tea.Cmd {
	sc := m.scan
	src, tl, rows := m.src, m.tl, m.rows
	gen, q, next, end, dir := sc.gen, sc.q, sc.next, sc.end, sc.dir
	m.busy++
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = scanMsg{gen: gen, found: -1, next: end, err: fmt.Errorf("internal error: %v", r)}
			}
		}()
		found, at, err := scanPayloads(src, tl, rows, q, next, end, dir, scanChunkReads, scanChunkBudget)
		return scanMsg{gen: gen, found: found, next: at, err: err}
	}
}

// scanned takes a batch's result: the search lands, or the next batch is
// read. A batch of a scan stopped meanwhile only gives the timeline back.
func (m *Model) scanned(msg scanMsg) tea.Cmd {
	sc := m.scan
	if sc == nil || msg.gen != sc.gen {
		return m.release()
	}
	if sc.err == nil {
		sc.err = msg.err
	}
	if msg.found >= 0 || msg.next == sc.end {
		m.scan = nil
		m.scanEnd(sc, msg.found)
		return m.release()
	}
	sc.next = msg.next
	cmd := m.scanCmd() // before the release, so no batch of frames comes between
	return batch(cmd, m.release())
}

// scanEnd lands a search: on the payload found, else on the label match,
// else nowhere, which the footer says.
func (m *Model) scanEnd(sc *scan, found int) {
	if sc.err != nil {
		m.err = "search: " + sc.err.Error()
	}
	switch {
	case found >= 0:
		m.setCur(found)
	case sc.label >= 0:
		m.setCur(sc.label)
	default:
		where := "after"
		if sc.dir < 0 {
			where = "before"
		}
		m.note = fmt.Sprintf("/%s: not found %s this step%s", model.Visible(sc.q.String()), where, m.quizHidesRest(sc.dir))
	}
}

// quizHidesRest is what a search forward that found nothing adds in a
// quiz: it looked at the steps revealed only.
func (m *Model) quizHidesRest(dir int) string {
	if dir > 0 && m.quiz.On() {
		return " among the steps revealed"
	}
	return ""
}

// stopScan stops a search reading payloads, where it got to; the batch
// being read is let go when it comes back.
func (m *Model) stopScan(say bool) {
	sc := m.scan
	if sc == nil {
		return
	}
	m.scan = nil
	if say {
		at := min(max(sc.next, 0), len(m.rows)-1)
		m.note = fmt.Sprintf("search stopped at frame %d; the selection stays", m.rows[at].Frame)
	}
}

// scanLine is the footer's line while a search reads payloads.
func (m *Model) scanLine(w int) string {
	sc := m.scan
	done, total := abs(sc.next-sc.from)-1, abs(sc.end-sc.from)-1
	pct := 100
	if total > 0 {
		pct = min(100*max(done, 0)/total, 99)
	}
	pat := ansi.Truncate(model.Visible(sc.q.String()), 24, glyphEllipsis)
	prefix := m.st.Footer.Progress.Render(fmt.Sprintf("searching payloads for /%s%s %d%%", pat, glyphEllipsis, pct)) + "  "
	return m.fitBar(prefix, m.keys.scanBar(), w)
}

// searchLine is the stepper's bar while a search is set: the pattern, then
// the keys that repeat and end it.
func (m *Model) searchLine(w int) string {
	pat := ansi.Truncate(model.Visible(m.search.String()), 24, glyphEllipsis)
	return m.fitBar(m.st.Footer.Prompt.Render("/"+pat)+"  ", m.keys.searchBar(), w)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// jump selects the next row after the selection (dir 1) or before it
// (dir -1) that match says is worth stopping at, or says in the footer
// that there is none: what names it.
func (m *Model) jump(dir int, what string, match func(i int) bool) {
	last, _ := m.quizLimit()
	for i := m.cur + dir; i >= 0 && i <= last; i += dir {
		if match(i) {
			m.setCur(i)
			return
		}
	}
	where := "after"
	if dir < 0 {
		where = "before"
	}
	m.note = fmt.Sprintf("no %s %s this step%s", what, where, m.quizHidesRest(dir))
}

// hasEvent says row i is a segment with an analysis event.
func (m *Model) hasEvent(i int) bool {
	s := m.segAt(i)
	return s != nil && s.Events != 0
}

// nextChange selects the next segment after the selection whose states
// (either side's) differ from the segment's before it.
func (m *Model) nextChange() {
	c, s, _ := m.statesAt(m.cur)
	m.jump(1, "state change", func(i int) bool {
		seg := m.segAt(i)
		if seg == nil {
			return false
		}
		changed := seg.Client() != c || seg.Server() != s
		c, s = seg.Client(), seg.Server()
		return changed
	})
}

// prevChange selects the last segment before the selection whose states
// differ from the segment's before it (or from the states the
// conversation starts in).
func (m *Model) prevChange() {
	// Going back, a segment is a change when the next segment back has
	// other states: j is the segment waiting for that one.
	j := -1
	for i := m.cur - 1; i >= 0; i-- {
		seg := m.segAt(i)
		if seg == nil {
			continue
		}
		if j >= 0 && differ(m.segAt(j), seg.Client(), seg.Server()) {
			m.setCur(j)
			return
		}
		j = i
	}
	if j >= 0 && differ(m.segAt(j), m.conv.InitClient, m.conv.InitServer) {
		m.setCur(j)
		return
	}
	m.note = "no state change before this step"
}

// differ says a segment's states are not client and server.
func differ(s *model.Segment, client, server model.State) bool {
	return s.Client() != client || s.Server() != server
}

// cycleTime moves the ladder's time column to its next format, and says
// which in the footer.
func (m *Model) cycleTime() {
	m.timeFmt = (m.timeFmt + 1) % pane.NumTimeFormats
	m.note = "time column: " + m.timeFmt.Describe() + " · t for the next format"
	if m.lay.Inner[paneLadder].W < ladder.TimeMinWidth {
		m.note += fmt.Sprintf("; the ladder shows its time column from %d columns", ladder.TimeMinWidth)
	}
}
