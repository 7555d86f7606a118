package ui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/model"
)

// The application layer of the conversation shown (package app) is a
// resource the root holds for every view, as it holds the rows: the
// ladder's arrow labels, the layers view's application box and the
// explanation read it from pane.Context.App. Naming a segment's messages
// needs the conversation's reassembled streams, so it is computed for the
// conversation on screen only, in a tea.Cmd while the timeline is held
// still (busy), kept for the last few conversations shown, and computed
// again when a live capture grows the conversation, the last one staying
// on screen meanwhile.

// maxAppCached bounds how many conversations' application layers are kept.
const maxAppCached = 4

// appSlowAfter is how long the reading may take before the ladder says it
// is on its way: a short one would only flicker.
const appSlowAfter = 250 * time.Millisecond

// appRereadGap is the least time between two readings of a conversation
// that grows (a live capture, a file being indexed while shown), and
// appRereadFactor how many times its last reading's duration the gap is
// at least: each reading holds the filing of frames still, so a long
// conversation is read again at most a fifth of the time.
const (
	appRereadGap    = time.Second
	appRereadFactor = 4
)

// appEntry is one conversation's application layer, read or being read.
type appEntry struct {
	app     *app.Conv // the last reading done; nil before the first
	loading bool      // a reading is on its way
	stale   bool      // the conversation grew since app was read
	slow    bool      // the reading on its way has taken appSlowAfter
	gen     int       // which reading is on its way
	err     error
	// started is when the reading on its way (or the last) began, took
	// how long the last one took; retry says a tick is on its way to read
	// a stale entry again once the gap has passed.
	started time.Time
	took    time.Duration
	retry   bool
}

// appCache is the entries by conversation, shared by the Model's copies.
type appCache struct {
	convs map[*model.Conversation]*appEntry
	gen   int
}

// Messages of the application layer's reading.
type (
	appDoneMsg struct {
		conv *model.Conversation
		gen  int
		app  *app.Conv
		err  error
	}
	appSlowMsg struct {
		conv *model.Conversation
		gen  int
	}
	// appRetryMsg wakes the stepper to read a grown conversation's
	// application layer again, its gap passed.
	appRetryMsg struct{ conv *model.Conversation }
)

// appOf is the application layer read for c, or nil.
func (m *Model) appOf(c *model.Conversation) *app.Conv {
	if e := m.apps.convs[c]; e != nil {
		return e.app
	}
	return nil
}

// appSlow says the reading of c's application layer is on its way and
// slow.
func (m *Model) appSlow(c *model.Conversation) bool {
	e := m.apps.convs[c]
	return e != nil && e.loading && e.slow
}

// appWork starts reading the application layer of the conversation shown
// when it has not been read, or has grown since: after every message, as
// the views' slow work is started.
func (m *Model) appWork() tea.Cmd {
	if m.screen != screenStepper || m.conv == nil || m.tl == nil || m.src == nil {
		return nil
	}
	c := m.conv
	e := m.apps.convs[c]
	if e != nil && (e.loading || (!e.stale && (e.app != nil || e.err != nil))) {
		return nil
	}
	if e != nil && e.app != nil {
		// Read again as the conversation grows, but not so often that
		// the readings hold the filing of frames most of the time.
		if wait := max(appRereadGap, appRereadFactor*e.took) - time.Since(e.started); wait > 0 {
			if e.retry {
				return nil
			}
			e.retry = true
			return tea.Tick(wait, func(time.Time) tea.Msg { return appRetryMsg{conv: c} })
		}
	}
	if e == nil {
		if len(m.apps.convs) >= maxAppCached {
			for k, old := range m.apps.convs {
				if !old.loading {
					delete(m.apps.convs, k)
				}
			}
		}
		e = &appEntry{}
		m.apps.convs[c] = e
	}
	m.apps.gen++
	e.loading, e.slow, e.stale, e.gen = true, false, false, m.apps.gen
	e.started = time.Now()
	gen, tl, src := e.gen, m.tl, m.src
	m.busy++ // no frames are filed while it reads the timeline
	work := func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = appDoneMsg{conv: c, gen: gen, err: fmt.Errorf("read the application layer of stream %d: internal error: %v", c.Index, r)}
			}
		}()
		a, err := app.Analyze(tl, c, func(seg int) ([]byte, error) { return src.Payload(tl, seg) })
		return appDoneMsg{conv: c, gen: gen, app: a, err: err}
	}
	slow := tea.Tick(appSlowAfter, func(time.Time) tea.Msg { return appSlowMsg{conv: c, gen: gen} })
	return tea.Batch(work, slow)
}

// appDone keeps a reading's result, and lets the timeline grow again.
func (m *Model) appDone(msg appDoneMsg) tea.Cmd {
	if e := m.apps.convs[msg.conv]; e != nil && e.gen == msg.gen {
		e.loading, e.slow = false, false
		e.took = time.Since(e.started)
		e.err = msg.err
		if msg.err != nil {
			m.err = model.Visible(msg.err.Error())
		} else {
			e.app = msg.app
		}
	}
	return m.release()
}

// appRetry is the tick that lets a grown conversation be read again: the
// Update it comes in starts the reading (appWork).
func (m *Model) appRetry(msg appRetryMsg) {
	if e := m.apps.convs[msg.conv]; e != nil {
		e.retry = false
	}
}

// appSlowTick marks a reading still on its way as slow, so that the
// ladder says so.
func (m *Model) appSlowTick(msg appSlowMsg) {
	if e := m.apps.convs[msg.conv]; e != nil && e.loading && e.gen == msg.gen {
		e.slow = true
	}
}

// appsGrew marks the application layers of the conversations that grew
// to be read again when shown.
func (m *Model) appsGrew(changed map[*model.Conversation]bool) {
	for c, e := range m.apps.convs {
		if changed[c] {
			e.stale = true
		}
	}
}
