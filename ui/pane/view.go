package pane

import (
	"sort"

	"github.com/tcpstep/tcpstep/model"
)

// View is a view as the root holds it in its table of views. The root
// calls the methods of the views on screen; a view keeps its own state (a
// scroll position, a mode, what it computed) and nothing of the root's.
type View interface {
	// Title is what the view's border says after its name: its mode, what
	// it shows ("frame 26", "hex"); "" for nothing.
	Title(ctx Context) string
	// View draws the view into w×h cells: at most h lines, none wider than
	// w. It reads what Prepare made ready and starts no slow work.
	View(ctx Context, w, h int) string
	// Key is a key handed to the view in focus, which is drawn w×h.
	Key(ctx Context, k Key, w, h int) Result
}

// Result is what a view did with a key: whether it used it, and whether
// the stepper moves to another row of the ladder, or to a frame of
// another conversation.
type Result struct {
	Used bool
	Move bool // select row Row (the root clamps it to the rows shown)
	Row  int
	// Frame, when Move is not set, is a frame (1-based) to select in the
	// conversation it belongs to, which the stepper opens as the picker
	// does when it is not the one shown.
	Frame uint32
}

// Unused is a key the view has no use for.
var Unused = Result{}

// Used is a key the view used without moving the stepper.
func Used() Result { return Result{Used: true} }

// GoTo is a key that moves the stepper to ladder row r.
func GoTo(r int) Result { return Result{Used: true, Move: true, Row: r} }

// GoToFrame is a key that moves the stepper to frame n, of whichever
// conversation: for a frame of the conversation shown, GoTo its row.
func GoToFrame(n uint32) Result { return Result{Used: true, Frame: n} }

// What a view may do besides View, Key and Title: the root checks for
// each of these interfaces once and calls it where it applies.
type (
	// Preparer is a view with work to do before it is drawn: after every
	// message the root handles, for each view on screen, at the size it
	// is drawn (keeping the selected row in sight, reading the frames it
	// shows, building an index).
	Preparer interface{ Prepare(ctx Context, w, h int) }

	// Themed is a view whose styles depend on the terminal's background;
	// the root calls SetDark when it learns it.
	Themed interface{ SetDark(isDark bool) }

	// Switcher is a view with state that belongs to one conversation.
	Switcher interface{ ConversationChanged(ctx Context) }

	// Grower is a view that must forget some of what it computed when the
	// capture grows (a live capture, a file still being indexed): changed
	// says which conversations did.
	Grower interface {
		Grew(ctx Context, changed func(*model.Conversation) bool)
	}

	// Clicker is a view that does something with a click at (x, y) of
	// its w×h rectangle.
	Clicker interface {
		Click(ctx Context, x, y, w, h int) Result
	}

	// Loader is a view that needs slow work done off the UI goroutine.
	// Load returns the work when the view wants it (nil when not): the
	// root runs it in a tea.Cmd, holds the timeline still meanwhile, and
	// hands the work's result to Loaded.
	Loader interface {
		Load(ctx Context) func() any
		Loaded(result any)
	}
)

// Row is one row of the ladder: a segment of the conversation, or one of
// its frames that is not a segment (an IP fragment, an ICMP error).
type Row struct {
	Seg   int32  // index in Timeline.Segments, or -1 for an extra frame
	Frame uint32 // 1-based frame number
}

// BuildRows merges a conversation's segments and extra frames in frame
// order. It is the only O(n) work of opening a conversation; stepping and
// drawing touch only the rows on screen.
func BuildRows(tl *model.Timeline, c *model.Conversation) []Row {
	return AppendRows(tl, make([]Row, 0, len(c.Segs)+len(c.Extra)), c.Segs, c.Extra)
}

// AppendRows merges segments segs and extra frames extra (both in capture
// order, all after rows' last frame) onto rows.
func AppendRows(tl *model.Timeline, rows []Row, segs, extra []uint32) []Row {
	ei := 0
	for _, si := range segs {
		if int(si) >= len(tl.Segments) {
			continue
		}
		f := tl.Segments[si].Frame
		for ei < len(extra) && extra[ei] < f {
			rows = append(rows, Row{Seg: -1, Frame: extra[ei]})
			ei++
		}
		rows = append(rows, Row{Seg: int32(si), Frame: f})
	}
	for ; ei < len(extra); ei++ {
		rows = append(rows, Row{Seg: -1, Frame: extra[ei]})
	}
	return rows
}

// Mask is how the ladder draws the row a quiz question is about: the
// fields the question lets the learner see, the others hidden.
type Mask struct {
	Row   int
	Shows model.Shown
}

// RowOfSeg returns the ladder row of segment seg (an index in
// TL.Segments), or -1.
func RowOfSeg(ctx Context, seg int) int {
	if ctx.TL == nil || seg < 0 || seg >= len(ctx.TL.Segments) {
		return -1
	}
	f := ctx.TL.Segments[seg].Frame
	i := sort.Search(len(ctx.Rows), func(i int) bool { return ctx.Rows[i].Frame >= f })
	for ; i < len(ctx.Rows) && ctx.Rows[i].Frame == f; i++ {
		if int(ctx.Rows[i].Seg) == seg {
			return i
		}
	}
	return -1
}
