package ui

import (
	"fmt"
	"runtime/debug"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// Indexer is a capture being indexed as it is read (decode.Stream): its
// reader runs on its own goroutine, and Apply files what it has read into
// a Builder that the stepper owns, on the stepper's goroutine.
type Indexer interface {
	// Ready is signalled when frames wait to be filed or the reading ended.
	Ready() <-chan struct{}
	// Apply files waiting frames into b for about budget at most.
	Apply(b *model.Builder, budget time.Duration) model.IndexProgress
	// Close stops the reading.
	Close()
}

// LiveSource is a Source that can be indexed as it is read, so the stepper
// shows the capture while it is indexed: a big file at once, a pipe from a
// capture program or a file it is writing as the packets come.
type LiveSource interface {
	Source
	// Index starts reading the capture.
	Index() Indexer
	// Live reports that the capture is still arriving (a pipe, a followed
	// file) and may never end, rather than a file of known length.
	Live() bool
}

// ingestBudget is how long one Update files frames before the screen is
// drawn and keys are handled again.
const ingestBudget = 12 * time.Millisecond

// firstBudget is the first batch's: what a user waits for on opening a
// capture, before anything but the progress can be drawn.
const firstBudget = 2 * time.Millisecond

// refreshEvery is how often, while a capture is being indexed, the
// stepper redoes the work that grows with the capture rather than with a
// batch: the picker's summaries and order, the analyst's views.
const refreshEvery = 250 * time.Millisecond

// indexGCPercent is the GC target while a capture is indexed (see
// startIndex).
const indexGCPercent = 25

// ingestMsg says frames wait to be filed.
type ingestMsg struct{}

// waitIngest waits for the indexer's next frames.
func waitIngest(ix Indexer) tea.Cmd {
	return func() tea.Msg {
		<-ix.Ready()
		return ingestMsg{}
	}
}

// ingestNow asks for the next batch at once: frames are already waiting,
// but keys that came meanwhile are handled first.
func ingestNow() tea.Msg { return ingestMsg{} }

// startIndex starts indexing a LiveSource.
func (m *Model) startIndex(src LiveSource) tea.Cmd {
	m.ix = src.Index()
	m.builder = model.NewBuilder()
	// While the timeline grows, the screens drawn between batches leave
	// garbage, and the default GC target (twice the live heap, which counts
	// the timeline's reserved room) would let it pile up to the size of
	// the timeline itself. The timeline's arrays hold no pointers, so a
	// collection costs little: a lower target keeps the peak near the
	// timeline's size. The setting is put back when indexing ends.
	m.gcPercent = debug.SetGCPercent(indexGCPercent)
	m.indexing = true
	m.live = src.Live()
	m.following = m.live
	return waitIngest(m.ix)
}

// ingest files a batch of frames and shows what they changed. While a view
// reads the timeline on another goroutine (the follow view's reassembly,
// an export), nothing is filed: the timeline must not change under it.
func (m *Model) ingest() tea.Cmd {
	if m.builder == nil {
		return nil
	}
	if m.busy > 0 {
		m.ingestHeld = true
		return nil
	}
	budget := ingestBudget
	if m.tl == nil {
		// The first screen waits for the first batch: keep it short.
		budget = firstBudget
	}
	p := m.ix.Apply(m.builder, budget)
	m.prog = p
	tl, changed := m.builder.Live()
	if p.Done {
		tl = m.builder.Finish()
		m.builder = nil
		m.indexing = false
		m.ix.Close()
		debug.SetGCPercent(m.gcPercent)
	}
	m.grow(tl, changed, p.Done)
	refresh := m.refreshLater()
	switch {
	case p.Done:
		return nil
	case p.More:
		return batch(ingestNow, refresh)
	}
	return batch(waitIngest(m.ix), refresh)
}

// refreshDue says a refresh has work: conversations changed or opened since
// the last one.
func (m *Model) refreshDue() bool {
	return len(m.dirty) > 0 || m.picker.Behind(m.tl)
}

// refreshMsg asks for the refresh that was put off.
type refreshMsg struct{}

// refreshLater makes sure a refresh put off by refreshEvery happens even
// when no more frames come to trigger it: a tick, when none is pending.
func (m *Model) refreshLater() tea.Cmd {
	if m.refreshPending || !m.refreshDue() {
		return nil
	}
	m.refreshPending = true
	return tea.Tick(max(refreshEvery-time.Since(m.lastRefresh), time.Millisecond), func(time.Time) tea.Msg { return refreshMsg{} })
}

// refreshTick is the put-off refresh.
func (m *Model) refreshTick() {
	m.refreshPending = false
	if m.tl != nil && m.screen != screenLoading {
		m.refresh()
	}
}

// release ends one command's reading of the timeline; filing resumes when
// none is left.
func (m *Model) release() tea.Cmd {
	m.busy = max(m.busy-1, 0)
	if m.busy == 0 && m.ingestHeld {
		m.ingestHeld = false
		return ingestNow
	}
	return nil
}

// grow takes the timeline after a batch: the first time there is
// something to show, as loaded does; then the picker, the open
// conversation's rows and the caches follow it.
func (m *Model) grow(tl *model.Timeline, changed []*model.Conversation, done bool) {
	m.tl = tl
	if m.screen == screenLoading {
		if len(tl.Conversations) == 0 && !done {
			return // nothing to show yet but the progress
		}
		m.show(tl, done)
		return
	}
	for _, c := range changed {
		m.dirty[c] = true
	}
	if done || time.Since(m.lastRefresh) >= refreshEvery {
		m.refresh()
	}
	if done {
		m.picker.CatchUp(m.tl)
		m.picker.FreshAll()
	}
	m.picker.SetGrowing(!done)
	if m.conv != nil && m.convGrew() {
		m.extendRows()
	}
	if done {
		if len(tl.Warnings) > 0 && m.err == "" {
			m.err = "warning: " + model.Visible(tl.Warnings[0])
		}
		if m.screen == screenPicker && !m.touched && !m.pickerBack {
			m.choose(true)
		}
	} else if m.screen == screenPicker && !m.touched && !m.pickerBack && m.conv == nil {
		m.choose(false)
	}
}

// show takes a timeline to show (done: all of the capture, else the first
// batches): the picker, the first warning, and the screen choose picks.
func (m *Model) show(tl *model.Timeline, done bool) {
	m.tl = tl
	m.picker.Load(tl)
	m.picker.SetGrowing(!done)
	m.lastRefresh = time.Now()
	if len(tl.Warnings) > 0 {
		m.err = "warning: " + model.Visible(tl.Warnings[0])
	}
	m.choose(done)
}

// choose decides what to show once there is something: the conversation
// asked for on the command line, the only one, the first one of a live
// capture, or the picker.
func (m *Model) choose(done bool) {
	tl := m.tl
	want := m.opts.Stream
	switch {
	case want >= 0 && want < len(tl.Conversations) && tl.Conversations[want] != nil:
		m.open(tl.Conversations[want])
	case want >= 0 && done:
		m.screen = screenPicker
		m.err = fmt.Sprintf("no conversation %d in %s (it has %d)", want, model.Visible(m.src.Name()), len(tl.Conversations))
	case want >= 0:
		m.screen = screenPicker // it may still come
	case done && m.picker.Total() == 1:
		m.open(m.picker.First())
	case m.live && m.picker.Total() > 0:
		// Watching a capture as it is made: show its first conversation
		// moving; s shows the others.
		m.open(m.picker.First())
	default:
		m.screen = screenPicker
	}
}

// refresh redoes, for the conversations changed since the last time, what
// grows with the capture: their picker rows, the picker's order, and the
// views computed from the whole conversation or capture.
func (m *Model) refresh() {
	m.lastRefresh = time.Now()
	if !m.refreshDue() {
		return
	}
	// The picker's rows are redone only while it is on screen; s brings
	// them up to date when it is opened (CatchUp).
	if m.screen == screenPicker || m.builder == nil {
		m.picker.Update(m.tl, m.dirty)
		m.picker.Scroll(m.pickerRect().H)
	} else {
		m.picker.Defer(m.dirty)
	}
	if m.conv != nil && m.dirty[m.conv] {
		m.vantage = model.VantageOf(m.tl, m.conv.Index)
	}
	m.viewsGrew(m.dirty)
	m.appsGrew(m.dirty)
	clear(m.dirty)
}

// convGrew reports whether the open conversation has rows the ladder does
// not have yet.
func (m *Model) convGrew() bool {
	return len(m.conv.Segs) != m.rowsSegs || len(m.conv.Extra) != m.rowsExtra
}

// extendRows brings the ladder's rows up to the open conversation: new rows
// are appended; the selection stays where it is unless following, when it
// moves to the last row. Rows drawn before are drawn again, since a
// segment can change earlier rows' states (a refusal shows the server was
// CLOSED, not LISTEN).
func (m *Model) extendRows() {
	c := m.conv
	last := uint32(0)
	if n := len(m.rows); n > 0 {
		last = m.rows[n-1].Frame
	}
	appendOnly := len(c.Extra) == m.rowsExtra || (m.rowsExtra <= len(c.Extra) && c.Extra[m.rowsExtra] > last && (m.rowsExtra == 0 || c.Extra[m.rowsExtra-1] == m.lastExtra))
	if appendOnly && len(c.Segs) >= m.rowsSegs {
		m.rows = pane.AppendRows(m.tl, m.rows, c.Segs[m.rowsSegs:], c.Extra[m.rowsExtra:])
	} else {
		// A fragment linked to an earlier segment: rebuild.
		m.rows = pane.BuildRows(m.tl, c)
	}
	m.noteRows()
	m.ladder.RowsGrew()
	if m.following {
		m.followEnd()
		return
	}
	m.afterMove()
}

// noteRows remembers what the ladder's rows were built from.
func (m *Model) noteRows() {
	m.rowsSegs, m.rowsExtra = len(m.conv.Segs), len(m.conv.Extra)
	m.lastExtra = 0
	if n := len(m.conv.Extra); n > 0 {
		m.lastExtra = m.conv.Extra[n-1]
	}
}

// followEnd selects the last row, as following the end does.
func (m *Model) followEnd() {
	m.setCur(len(m.rows) - 1)
}

// toggleFollow is the F key: follow the end of a conversation that grows,
// like less +F, or stop.
func (m *Model) toggleFollow() {
	m.following = !m.following
	if m.following {
		m.note = "following the end (F stops)"
		m.followEnd()
		return
	}
	m.note = "stopped following (F follows the end again)"
}

// stopFollowing is a move away from the end: the selection stays where the
// user put it from now on.
func (m *Model) stopFollowing() {
	if m.following && m.indexing {
		m.note = "stopped following (F follows the end again)"
	}
	m.following = false
}

// indexStatus is the header's word on indexing: how far a capture being
// read has got, or that it is live.
func (m Model) indexStatus() string {
	switch {
	case !m.indexing:
		return ""
	case m.live:
		s := fmt.Sprintf("● live %s frames", groupDigits(m.prog.Frames))
		if m.following {
			s += " · following"
		}
		return s
	case m.prog.Total > 0:
		return fmt.Sprintf("indexing %d%%", min(int(100*m.prog.Read/m.prog.Total), 100))
	}
	return "indexing"
}

// groupDigits writes n with thousands separated by commas.
func groupDigits(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
