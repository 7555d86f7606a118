// Package ui is tcpstep's interactive stepper: one Bubble Tea model at the
// root, drawing a header, a ladder of the conversation's segments, the RFC
// 793 state diagram, the selected frame's encapsulation layers and a plain
// explanation of the step, with a conversation picker in front when a
// capture holds several.
//
// The panes are plain structs and pure render functions that take a width
// and a height; the root computes the layout once per window size and hands
// each pane its rectangle. Stepping is a field change, so holding → plays a
// conversation through at the terminal's key-repeat rate. Capture bytes are
// read through the small Source interface (never gopacket), only for the
// rows on screen, and are made printable before they are styled.
//
// The stepper owns the timeline's builder (live.go): an Indexer reads and
// decodes the capture on its own goroutine, and Update files its frames a
// batch of a few milliseconds at a time, so a big file is shown at once and
// a live capture as it grows, while keys keep working.
//
// Two teaching modes share a strip under the body: quiz mode (ui/quiz),
// which hides the steps to come and asks about them before revealing them,
// and a sample's lesson (lesson.go), whose notes also head the explanation.
package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/tcpstep/tcpstep/model"
	helpscreen "github.com/tcpstep/tcpstep/ui/help"
	"github.com/tcpstep/tcpstep/ui/ladder"
	"github.com/tcpstep/tcpstep/ui/lesson"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/picker"
	"github.com/tcpstep/tcpstep/ui/quiz"
	"github.com/tcpstep/tcpstep/ui/search"
)

// Source is where the stepper gets its data: the decoded timeline, once,
// and then one frame's bytes at a time for the rows and the layers shown.
type Source interface {
	// Name is the file name or "sample:NAME", for the header.
	Name() string
	// Load decodes the whole capture. It is slow, so the stepper calls it
	// inside a tea.Cmd, reporting progress, never in Update or View; a
	// LiveSource is indexed while it is shown instead (live.go).
	Load(progress func(done, total int64)) (*model.Timeline, error)
	// Frame re-reads one frame's bytes and dissects them.
	Frame(f *model.Frame) ([]byte, model.Dissection, error)
	// Payload re-reads the TCP payload of segment segIndex (an index in
	// tl.Segments), put back together when it came in IP fragments; the
	// follow view reassembles a conversation from it, inside a tea.Cmd. It
	// may be called while the stepper calls Frame.
	Payload(tl *model.Timeline, segIndex int) ([]byte, error)
}

// Options are the command line's choices for the stepper.
type Options struct {
	// Absolute starts in absolute sequence numbers (tcpdump's -S).
	Absolute bool
	// Stream opens that conversation directly; -1 shows the picker when the
	// capture holds several conversations.
	Stream int
	// Lesson is the teaching text of the capture (an embedded sample's),
	// shown from the start; nil when it has none.
	Lesson *model.Lesson
	// Quiz opens every conversation in quiz mode, and Seed chooses its
	// questions (the same seed asks the same questions).
	Quiz bool
	Seed uint64
	// ExportDir is where the export key writes; "" is the current
	// directory.
	ExportDir string
}

// screen is what the body shows.
type screen int

const (
	screenLoading screen = iota
	screenFailed         // the capture could not be loaded
	screenPicker
	screenStepper
)

// Messages of the loading command.
type (
	indexStartedMsg struct{ src LiveSource }
	loadProgressMsg struct{ done, total int64 }
	loadedMsg       struct {
		tl  *model.Timeline
		err error
	}
)

// Model is the root tea.Model of the stepper.
type Model struct {
	src  Source
	opts Options
	keys keyMap
	help help.Model
	st   *styles // a pointer: styles is large and Model is copied on every Update
	lay  layout

	loadCh chan tea.Msg

	// Indexing a LiveSource (live.go): the stepper owns the builder and
	// files the indexer's frames between keys. indexing lasts until the
	// last frame is filed (for a live capture, until the input ends); prog
	// is how far reading has got, for any Source.
	ix        Indexer
	builder   *model.Builder
	prog      model.IndexProgress
	indexing  bool
	live      bool
	following bool // the selection follows the last row as rows come (F)
	gcPercent int  // the GC target to restore when indexing ends
	// busy counts commands reading the timeline on another goroutine;
	// filing waits for them (ingestHeld says a batch is waiting).
	busy       int
	ingestHeld bool
	// touched says the user has pressed a key, so the stepper no longer
	// chooses the screen by itself as conversations arrive.
	touched        bool
	lastRefresh    time.Time
	refreshPending bool // a refreshMsg is on its way
	dirty          map[*model.Conversation]bool
	// rowsSegs, rowsExtra and lastExtra are what the ladder's rows were
	// built from, to extend them as the conversation grows.
	rowsSegs, rowsExtra int
	lastExtra           uint32

	screen   screen
	showHelp bool
	// helpScreen is the ? screen, shown while showHelp; it keeps how far
	// it is scrolled.
	helpScreen *helpscreen.Screen
	// err is shown in the footer until the next key, and note (a message
	// that is not an error: where an export went) when there is no err.
	err  string
	note string
	// fatal ends the program: a panic turned into an error.
	fatal error
	crash *crash // a panic in View (crash.go)

	tl     *model.Timeline
	picker picker.Picker
	// pickerBack says the picker was opened from a conversation, so esc
	// returns to it.
	pickerBack bool

	// winW and winH are the terminal's size: the layout is recomputed from
	// them when the quiz or the lesson panel comes or goes.
	winW, winH int

	// lessonOn shows opts.Lesson (L toggles it).
	lessonOn bool
	// answered shows the answer of the lesson's question at row
	// answeredRow (a; lesson.go).
	answered    bool
	answeredRow int
	quiz        *quiz.Quiz // quiz mode (ui/quiz), on or off

	conv     *model.Conversation
	rows     []pane.Row
	cur      int
	absolute bool
	focus    paneID

	// The analyst's views (analyst.go): which view each slot of the split
	// layout shows, each view's mode, the follow view's scroll position,
	// the selected ISN series, the conversation's vantage point, whether
	// the export waits for its format, and the caches they share.
	shown     [numSlots]paneID
	vantage   model.Vantage
	exportAsk bool
	cache     *viewCache
	// views are the views of viewTable (panes.go), each with its state;
	// ladder is views[paneLadder], which the root tells when the
	// selection moves.
	views  [numPanes]pane.View
	ladder *ladder.Pane

	// Moving around (move.go): the line typed in the footer (a frame to
	// go to, a pattern), the search n and N repeat until esc ends it, the
	// search reading payloads in commands (scanGen tells its batches from
	// those of a search stopped before), and the ladder's time format.
	prompt  *prompt
	search  *search.Query
	scan    *scan
	scanGen int
	timeFmt pane.TimeFormat
	// flt is the display filters: the picker's and the ladder's
	// (filter.go).
	flt *filterState
	// apps is the application layer of the conversations shown
	// (appconv.go), and rawPayload says the ladder previews the raw
	// payload instead of it (P).
	apps       *appCache
	rawPayload bool
}

// New returns the stepper for src. Nothing is read until the program starts
// and runs Init's command.
func New(src Source, opts Options) *Model {
	m := &Model{
		src:        src,
		opts:       opts,
		keys:       defaultKeyMap(),
		help:       help.New(),
		helpScreen: helpscreen.NewScreen(helpscreen.NewStyles(true)),
		loadCh:     make(chan tea.Msg, 1),
		absolute:   opts.Absolute,
		lessonOn:   opts.Lesson != nil,
		shown:      defaultShown,
		cache:      &viewCache{},
		dirty:      map[*model.Conversation]bool{},
		quiz:       quiz.New(true), // styled by setStyles below
		flt:        &filterState{},
		apps:       &appCache{convs: map[*model.Conversation]*appEntry{}},
	}
	m.views = newViews(m)
	m.ladder = m.views[paneLadder].(*ladder.Pane)
	m.crash = &crash{} // shared by the copies: View's panic reaches runProgram
	// Dark until the terminal answers; most terminals are.
	m.setStyles(true)
	return m
}

func (m *Model) setStyles(isDark bool) {
	st := newStyles(isDark)
	m.st = &st
	m.help.Styles = m.st.Help
	m.helpScreen.SetDark(isDark)
	m.viewsThemed(isDark)
	m.stylePrompt()
}

// Run runs the stepper until the user quits. Bubble Tea restores the
// terminal however the program ends; a panic comes back as an error after
// that, never as a stack trace over the user's screen.
func Run(src Source, opts Options) error { return runProgram(src, opts) }

// runProgram is Run with Bubble Tea's program options, which tests use to
// give the program a pipe for a terminal.
func runProgram(src Source, opts Options, popts ...tea.ProgramOption) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	m := New(src, opts)
	p := tea.NewProgram(m, popts...)
	m.crash.quit = p.Quit
	final, err := p.Run()
	if err := m.crash.error(); err != nil {
		return err
	}
	if errors.Is(err, tea.ErrProgramPanic) {
		return fmt.Errorf("internal error: %w", err)
	}
	if err != nil {
		return fmt.Errorf("run interface: %w", err)
	}
	if fm, ok := final.(*Model); ok && fm.fatal != nil {
		return fm.fatal
	}
	return nil
}

// Init asks the terminal for its background colour and starts loading.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.startLoad())
}

// startLoad starts indexing a LiveSource, whose timeline the stepper then
// shows as it grows; any other Source's Load runs on its own goroutine, and
// its progress and result come back through loadCh, read by one waiting
// command at a time.
func (m *Model) startLoad() tea.Cmd {
	ch, src := m.loadCh, m.src
	if ls, ok := src.(LiveSource); ok {
		return func() tea.Msg { return indexStartedMsg{ls} }
	}
	return func() tea.Msg {
		go func() {
			defer func() {
				if r := recover(); r != nil {
					ch <- loadedMsg{err: fmt.Errorf("load %s: internal error: %v", src.Name(), r)}
				}
			}()
			tl, err := src.Load(func(done, total int64) {
				select { // drop progress the interface has not caught up with
				case ch <- loadProgressMsg{done, total}:
				default:
				}
			})
			ch <- loadedMsg{tl, err}
		}()
		return <-ch
	}
}

func waitLoad(ch chan tea.Msg) tea.Cmd {
	return func() tea.Msg { return <-ch }
}

// Update handles one message. A panic in it becomes the program's error and
// ends it, with the terminal restored.
func (m *Model) Update(msg tea.Msg) (res tea.Model, cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			m.fatal = fmt.Errorf("internal error: %v", r)
			res, cmd = m, tea.Quit
		}
	}()
	panicHookUpdate(msg) // nothing, except in a test build (panichook.go)
	cmd = m.handle(msg)
	cmd = batch(cmd, m.filterWork()) // a display filter's verdicts the screen lacks
	cmd = batch(cmd, m.appWork())    // the application layer of the conversation shown
	m.fitLayout()
	// Whatever changed, the views on screen get what they need; reading
	// their frames may have put an error in the footer, which then wants
	// its lines.
	cmd = batch(cmd, m.prepareViews())
	if m.fitLayout() {
		cmd = batch(cmd, m.prepareViews())
	}
	return m, cmd
}

func (m *Model) handle(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.winW, m.winH = msg.Width, msg.Height
		m.relayout()
		m.help.SetWidth(msg.Width)
		m.sizePrompt()
		m.afterMove()
		m.picker.Scroll(m.pickerRect().H)
	case tea.BackgroundColorMsg:
		m.setStyles(msg.IsDark())
	case loadProgressMsg:
		m.prog.Read, m.prog.Total = msg.done, msg.total
		return waitLoad(m.loadCh)
	case loadedMsg:
		m.loaded(msg.tl, msg.err)
	case indexStartedMsg:
		return m.startIndex(msg.src)
	case ingestMsg:
		return m.ingest()
	case refreshMsg:
		m.refreshTick()
	case viewDoneMsg:
		return m.viewDone(msg)
	case appDoneMsg:
		return m.appDone(msg)
	case appSlowMsg:
		m.appSlowTick(msg)
	case appRetryMsg:
		m.appRetry(msg)
	case exportDoneMsg:
		m.exportDone(msg)
		return m.release()
	case scanMsg:
		return m.scanned(msg)
	case writeDoneMsg:
		m.writeDone(msg)
		return m.release()
	case filterDoneMsg:
		return m.filterMsg(msg)
	case tea.PasteMsg:
		return m.filterPaste(msg)
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.MouseClickMsg:
		m.stopScan(false) // the click says where to be
		m.click(msg.Mouse())
		m.relayout()
	case tea.MouseWheelMsg:
		m.wheel(msg.Mouse())
	default:
		// A paste, and what the prompt's line asked for.
		return m.promptMsg(msg)
	}
	return nil
}

// loaded takes the decoded timeline: straight into the conversation when
// there is one (or one was asked for), else the picker.
func (m *Model) loaded(tl *model.Timeline, err error) {
	if err == nil && tl == nil {
		err = fmt.Errorf("load %s: no timeline", m.src.Name())
	}
	if err != nil {
		m.screen = screenFailed
		m.err = err.Error()
		return
	}
	m.show(tl, true)
}

// open shows a conversation in the stepper, at its first row.
func (m *Model) open(c *model.Conversation) {
	m.conv = c
	m.rows = pane.BuildRows(m.tl, c)
	m.noteRows()
	m.cur = 0
	m.vantage = model.VantageOf(m.tl, c.Index)
	m.viewsSwitched()
	m.screen = screenStepper
	m.showHelp = false
	m.quiz.Stop() // the last conversation's quiz ends without a word
	if m.opts.Quiz {
		m.startQuiz()
	}
	m.relayout()
	m.afterMove()
	if m.following {
		m.followEnd()
	}
}

// panelH is how many lines the strip under the body wants: the quiz's in
// quiz mode, the lesson's on a small screen when the ladder, the states or
// the layers are the tab in front (the explanation shows the lesson too),
// as many as the step's note needs up to the strip's maximum.
func (m *Model) panelH() int {
	if m.screen != screenStepper || m.showHelp {
		return 0
	}
	if m.quiz.On() {
		return quiz.PanelHeight(m.winH, m.winW >= splitMinW)
	}
	// The analyst's views need their height and are not what a lesson's
	// notes talk about: the strip goes with the stepping views.
	if m.lessonOn && m.opts.Lesson != nil && tabbed(m.winW, m.winH) && viewTable[m.focus].lessonStrip {
		last, _ := m.quizLimit()
		return lesson.Height(m.opts.Lesson, m.rows, m.cur, last, m.winW, lesson.PanelHeight(m.winH), m.absolute, m.answerShown())
	}
	return 0
}

// wantLayout is the layout of the screen as it is now: the strip under the
// body as high as it wants (panelH), the footer as high as its message.
func (m *Model) wantLayout() layout {
	return withPanel(m.winW, m.winH, m.panelH(), m.footerWant(m.winW))
}

// relayout cuts the screen again (afterMove does): after a resize, or when
// the quiz or lesson panel comes or goes.
func (m *Model) relayout() { m.afterMove() }

// fitLayout cuts the screen again if what it shows changed its cut (a
// message that wraps, a lesson's strip as high as the step's note), and
// reports whether it did.
func (m *Model) fitLayout() bool {
	l := m.wantLayout()
	if l == m.lay {
		return false
	}
	m.lay = l
	m.afterMove()
	return true
}

// pickerRect is where the picker draws: the body, and the tab bar's line,
// which the picker has no use for.
func (m *Model) pickerRect() rect {
	r := m.lay.Body
	if m.lay.TabBar.H > 0 {
		r.Y = m.lay.TabBar.Y
		r.H += m.lay.TabBar.H
	}
	return r
}

// setCur selects row i (clamped) and brings it into view.
func (m *Model) setCur(i int) {
	if len(m.rows) == 0 {
		return
	}
	last := len(m.rows) - 1
	if m.quiz.On() {
		last = m.quiz.Revealed() // never a hidden or masked row
	}
	i = min(max(i, 0), last)
	if i < len(m.rows)-1 {
		m.stopFollowing()
	}
	prev := m.cur
	m.cur = m.shownNear(i, i-m.cur) // a row the display filter hides: the nearest one drawn
	if m.cur != prev {
		m.answered = false // a lesson's answer is shown until the step changes
	}
	m.afterMove()
}

// afterMove keeps the selected row in the ladder's sight; the ladder reads
// the previews of the rows it shows. The lesson's strip is as high as the
// selected step's note: the screen is cut again first.
func (m *Model) afterMove() {
	m.lay = m.wantLayout()
	if m.screen != screenStepper || len(m.rows) == 0 {
		return
	}
	in := m.lay.Inner[paneLadder]
	m.ladder.Moved(m.paneCtx(), in.W, in.H)
}

// frameRecord returns the timeline's record of a 1-based frame number.
func (m *Model) frameRecord(frame uint32) *model.Frame {
	if i := int(frame) - 1; m.tl != nil && i >= 0 && i < len(m.tl.Frames) {
		return &m.tl.Frames[i]
	}
	return nil
}

// segAt returns the segment of row i, or nil for an extra frame.
func (m *Model) segAt(i int) *model.Segment {
	if i < 0 || i >= len(m.rows) || m.rows[i].Seg < 0 {
		return nil
	}
	return &m.tl.Segments[m.rows[i].Seg]
}

// statesAt returns both sides' states at row i: after its segment, or for
// an extra frame after the last segment before it.
func (m *Model) statesAt(i int) (client, server model.State, seg int) {
	client, server, seg = m.conv.InitClient, m.conv.InitServer, -1
	for j := min(i, len(m.rows)-1); j >= 0; j-- {
		if s := m.segAt(j); s != nil {
			return s.Client(), s.Server(), int(m.rows[j].Seg)
		}
	}
	return client, server, seg
}

// View draws the whole screen.
func (m *Model) View() (v tea.View) {
	defer func() {
		if r := recover(); r != nil {
			v = tea.NewView(fmt.Sprintf("internal error: %v (press q)", r))
			m.crash.viewPanic(r)
		}
	}()
	panicHookView() // nothing, except in a test build (panichook.go)
	v = tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "tcpstep " + model.Visible(m.src.Name())
	return v
}

// render builds the screen as exactly lay.H lines of exactly lay.W cells.
func (m *Model) render() string {
	l := m.lay
	if l.W <= 0 || l.H <= 0 {
		return ""
	}
	out := make([]string, 0, l.H)
	if l.Header.H > 0 {
		out = append(out, m.renderHeader(l.W))
	}
	switch {
	case m.showHelp:
		r := m.pickerRect()
		out = append(out, pane.FitBlock(m.helpScreen.View(m.helpPage(), r.W, r.H), r.W, r.H)...)
	case m.screen == screenStepper:
		if l.TabBar.H > 0 {
			out = append(out, renderTabs(m.st, m.focus, l.W))
		}
		out = append(out, m.renderBody()...)
		if r := l.Panel; r.H > 0 {
			if m.quiz.On() {
				out = append(out, pane.FitBlock(m.quiz.Panel(m.paneCtx(), r.W, r.H), r.W, r.H)...)
			} else {
				out = append(out, pane.FitBlock(m.renderLessonPanel(r.W, r.H), r.W, r.H)...)
			}
		}
	case m.screen == screenPicker:
		r := m.pickerRect()
		out = append(out, pane.FitBlock(m.picker.View(r.W, r.H), r.W, r.H)...)
	default:
		r := m.pickerRect()
		out = append(out, pane.FitBlock(m.renderStatus(r.W), r.W, r.H)...)
	}
	out = append(out, m.renderFooter(l.W, l.Footer.H)...)
	for len(out) < l.H {
		out = append(out, strings.Repeat(" ", l.W))
	}
	return strings.Join(out[:l.H], "\n")
}
