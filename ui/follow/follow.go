// Package follow is the follow view: the conversation's payload in
// sequence order, as Wireshark's Follow TCP Stream shows it, with the
// selected segment's bytes marked.
package follow

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// This file draws the follow view: a conversation's payload reassembled in
// sequence order (model.FollowDialogue), client and server in two colours,
// the bytes of the selected segment highlighted, as text with every control
// byte made visible or as a hex dump. It is a pure function of its inputs;
// the root model owns the chunks (reassembled once per conversation) and
// the scroll position.

// followGutter is the width of the gutter that holds the cursor glyph.
const followGutter = 2

// followLineKind says what a laid-out line shows.
type followLineKind uint8

const (
	followMarker followLineKind = iota // a change of direction
	followText                         // bytes of one chunk as text
	followHex                          // bytes of one chunk as hex
	followHole                         // a gap or a cut
)

// followLine is one line of the laid-out dialogue: which chunk it shows and
// which bytes of it. It holds no text, so laying out a long conversation
// costs little; the text of the visible lines is made when drawn.
type followLine struct {
	kind   followLineKind
	chunk  int
	lo, hi int // byte range of the chunk's data on this line
}

// followLayout is the dialogue laid out for one width and mode.
type followLayout struct {
	lines []followLine
	hex   bool
	bpl   int // hex mode: bytes per line
	seqW  int // hex mode: width of the SEQ column
	// idx finds a segment's line without reading every line; nil when the
	// layout was not made by layoutFollow.
	idx *followIndex
}

// layoutFollow lays the chunks out in lines for width w: a marker line at
// each change of direction, text wrapped at w (and broken after each line
// feed), or hex lines of as many bytes as fit. A chunk always starts a new
// line, so a segment boundary inside a line of text shows as a break.
func layoutFollow(chunks []model.FollowChunk, hex bool, w int) followLayout {
	lay := followLayout{hex: hex}
	avail := max(w-followGutter, 1)
	if hex {
		maxSeq := uint32(0)
		for i := range chunks {
			maxSeq = max(maxSeq, chunks[i].Seq+uint32(max(chunks[i].Len()-1, 0)))
		}
		lay.seqW = len(fmt.Sprint(maxSeq))
		lay.bpl = 1
		for _, n := range []int{16, 8, 4, 2} {
			if hexLineWidth(lay.seqW, n) <= avail {
				lay.bpl = n
				break
			}
		}
	}
	last := model.Dir(255)
	for ci := range chunks {
		ch := &chunks[ci]
		if ch.Dir != last {
			lay.lines = append(lay.lines, followLine{kind: followMarker, chunk: ci})
			last = ch.Dir
		}
		if ch.Kind != model.ChunkData {
			lay.lines = append(lay.lines, followLine{kind: followHole, chunk: ci})
			continue
		}
		data := ch.Data
		if hex {
			for lo := 0; lo < len(data); lo += lay.bpl {
				lay.lines = append(lay.lines, followLine{kind: followHex, chunk: ci, lo: lo, hi: min(lo+lay.bpl, len(data))})
			}
			continue
		}
		for lo := 0; lo < len(data); {
			hi, width := lo, 0
			for hi < len(data) {
				_, size, cw := followCell(data[hi:])
				if width+cw > avail && hi > lo {
					break
				}
				width += cw
				hi += size
				if data[hi-size] == '\n' {
					break
				}
			}
			lay.lines = append(lay.lines, followLine{kind: followText, chunk: ci, lo: lo, hi: hi})
			lo = hi
		}
	}
	lay.idx = newFollowIndex(chunks, lay.lines)
	return lay
}

// hexLineWidth is the width of a hex line of n bytes after the gutter:
// "SEQ  xx xx … xx  ascii".
func hexLineWidth(seqW, n int) int {
	w := seqW + 2 + 3*n + 1 + n
	if n > 8 {
		w++ // the extra space in the middle
	}
	return w
}

// followCell reads one visible unit at the start of b: a printable rune as
// itself, a control character as its Control Pictures glyph (␀…␟, ␡), a C1
// control or a byte that is not UTF-8 as \xNN, a format character (a bidi
// override) as \uNNNN. It returns the text to show,
// how many bytes it took and its width in cells. No capture byte reaches
// the terminal raw.
func followCell(b []byte) (text string, size, width int) {
	c := b[0]
	switch {
	case c < 0x20:
		return string(rune(0x2400 + rune(c))), 1, 1
	case c == 0x7f:
		return "␡", 1, 1
	case c < 0x80:
		return asciiCells[c-0x20 : c-0x20+1], 1, 1
	}
	r, n := utf8.DecodeRune(b)
	if (r == utf8.RuneError && n <= 1) || (r >= 0x80 && r < 0xa0) {
		return fmt.Sprintf(`\x%02x`, c), 1, 4
	}
	if unicode.Is(unicode.Cf, r) {
		// Format characters (bidi overrides, zero-width joiners) would
		// rearrange or hide what is around them: show their code.
		t := fmt.Sprintf(`\u%04x`, r)
		return t, n, len(t)
	}
	s := string(b[:n])
	return s, n, pane.Width(s)
}

// asciiCells holds the printable ASCII characters, so that a cell of one
// can be sliced out without allocating.
const asciiCells = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"

// renderFollow draws lines [top, top+h) of the follow view of conversation
// c, w cells wide and exactly h lines high: chunks as FollowDialogue returns
// them, the bytes of segment selectedSeg (an index in tl.Segments, -1 for
// none) highlighted, as text or as hex. top is clamped so the last page is
// full.
func renderFollow(st Styles, tl *model.Timeline, c *model.Conversation, chunks []model.FollowChunk, selectedSeg int, hex bool, w, h, top int) string {
	return renderFollowLayout(st, tl, c, chunks, layoutFollow(chunks, hex, w), selectedSeg, w, h, top)
}

// renderFollowLayout is renderFollow with the layout made already (a view
// keeps it per width and mode: laying out a long conversation on every
// frame would be wasted work).
func renderFollowLayout(st Styles, tl *model.Timeline, c *model.Conversation, chunks []model.FollowChunk, lay followLayout, selectedSeg int, w, h, top int) string {
	if h <= 0 || w <= 0 {
		return ""
	}
	out := make([]string, 0, h)
	if len(lay.lines) == 0 {
		out = append(out, ansi.Truncate(st.Empty.Render("no payload in this conversation"), w, theme.Ellipsis))
	}
	top = max(min(top, len(lay.lines)-h), 0)
	for i := top; i < len(lay.lines) && len(out) < h; i++ {
		out = append(out, renderFollowLine(st, tl, c, chunks, lay, lay.lines[i], selectedSeg, w))
	}
	for len(out) < h {
		out = append(out, "")
	}
	return strings.Join(out, "\n")
}

// renderFollowLine draws one laid-out line, at most w cells wide.
func renderFollowLine(st Styles, tl *model.Timeline, c *model.Conversation, chunks []model.FollowChunk, lay followLayout, ln followLine, selectedSeg int, w int) string {
	ch := &chunks[ln.chunk]
	side, sel, label := st.Client, st.ClientSel, st.ClientLabel
	if ch.Dir == model.S2C {
		side, sel, label = st.Server, st.ServerSel, st.ServerLabel
	}
	var b strings.Builder
	switch ln.kind {
	case followMarker:
		name, from, to := "client", "?", "?"
		if c != nil {
			from, to = c.Client.String(), c.Server.String()
		}
		if ch.Dir == model.S2C {
			name, from, to = "server", to, from
		}
		b.WriteString(st.Marker.Render(theme.Line+theme.Line+" ") + label.Render(name) + st.Marker.Render(" "+from+" → "+to+" "))
		if fill := w - pane.Width(b.String()); fill > 0 {
			b.WriteString(st.Marker.Render(strings.Repeat(theme.Line, fill)))
		}
		return ansi.Truncate(b.String(), w, "")
	case followHole:
		lo, hi := ch.SegRange(tl, selectedSeg)
		b.WriteString(followCursor(st, lo < hi))
		text := ""
		switch {
		case ch.Kind == model.ChunkCut:
			text = fmt.Sprintf("[%d bytes not captured]", ch.Missing)
		case ch.Unacked:
			text = fmt.Sprintf("[%d bytes missing, never acknowledged]", ch.Missing)
		default:
			text = fmt.Sprintf("[%d bytes missing]", ch.Missing)
		}
		b.WriteString(st.Hole.Render(text))
		return ansi.Truncate(b.String(), w, theme.Ellipsis)
	}
	slo, shi := ch.SegRange(tl, selectedSeg)
	selected := func(i int) bool { return int64(i) >= slo && int64(i) < shi }
	b.WriteString(followCursor(st, int64(ln.lo) < shi && int64(ln.hi) > slo))
	// Write runs of bytes that share a style.
	run := func(lo, hi int, cell func(i int) (string, int)) {
		var seg strings.Builder
		on := selected(lo)
		flush := func() {
			if seg.Len() == 0 {
				return
			}
			if on {
				b.WriteString(sel.Render(seg.String()))
			} else {
				b.WriteString(side.Render(seg.String()))
			}
			seg.Reset()
		}
		for i := lo; i < hi; {
			if s := selected(i); s != on {
				flush()
				on = s
			}
			text, size := cell(i)
			seg.WriteString(text)
			i += size
		}
		flush()
	}
	data := ch.Data
	if ln.kind == followText {
		run(ln.lo, ln.hi, func(i int) (string, int) {
			text, size, _ := followCell(data[i:ln.hi])
			return text, size
		})
		return ansi.Truncate(b.String(), w, theme.Ellipsis)
	}
	// Hex: SEQ, the bytes in hex, the bytes as ASCII.
	b.WriteString(st.Offset.Render(fmt.Sprintf("%*d", lay.seqW, ch.Seq+uint32(ln.lo))))
	b.WriteString("  ")
	for i := ln.lo; i < ln.lo+lay.bpl; i++ {
		if i > ln.lo && lay.bpl > 8 && i-ln.lo == 8 {
			b.WriteString(" ")
		}
		if i >= ln.hi {
			b.WriteString("   ")
			continue
		}
		run(i, i+1, func(i int) (string, int) { return fmt.Sprintf("%02x", data[i]), 1 })
		b.WriteString(" ")
	}
	b.WriteString(" ")
	run(ln.lo, ln.hi, func(i int) (string, int) {
		if c := data[i]; c >= 0x20 && c < 0x7f {
			return asciiCells[c-0x20 : c-0x20+1], 1
		}
		return ".", 1
	})
	return ansi.Truncate(b.String(), w, theme.Ellipsis)
}

func followCursor(st Styles, on bool) string {
	if on {
		return st.Cursor.Render(theme.Cursor) + " "
	}
	return "  "
}

// followSegLine returns the first line of the layout that shows bytes
// segment seg carried, so the view can scroll to the segment the ladder
// selects. A segment that carried no byte (an ACK, a SYN) maps to the last
// line placed before or by it: where the dialogue stood at that moment. -1
// when there is no such line. With the layout's index it costs a binary
// search, not a pass over the dialogue, as it runs on every step.
func followSegLine(tl *model.Timeline, chunks []model.FollowChunk, lay followLayout, seg int) int {
	if lay.idx == nil {
		return followSegLineScan(tl, chunks, lay, seg)
	}
	return lay.idx.segLine(tl, chunks, lay, seg)
}

// followSegLineScan is followSegLine reading every line: the definition
// the index must agree with.
func followSegLineScan(tl *model.Timeline, chunks []model.FollowChunk, lay followLayout, seg int) int {
	before := -1
	for i, ln := range lay.lines {
		if ln.kind == followMarker {
			continue
		}
		ch := &chunks[ln.chunk]
		if lo, hi := ch.SegRange(tl, seg); lo < hi {
			if ln.kind == followHole || (int64(ln.lo) < hi && int64(ln.hi) > lo) {
				return i
			}
		}
		if ch.Ready <= seg {
			before = i
		}
	}
	return before
}

// followIndex answers followSegLine for one layout. Within a direction the
// dialogue places bytes in stream order, so its chunks' sequence ranges,
// unwrapped, climb without overlapping, and a segment's bytes are found by
// a binary search over them; chunks are in the order of their Ready, so
// the line where the dialogue stood at a segment is another search. A
// direction (or a dialogue) where that does not hold, or whose span is too
// long for 32-bit sequence numbers to be unwrapped without doubt, is left
// to the scan.
type followIndex struct {
	firstLine []int32 // per chunk: its first line that is not a marker, -1 for none
	lastLine  []int32 // per chunk: the last line, not a marker, of it or a chunk before it; -1 for none
	readyOK   bool    // Ready never decreases from a chunk to the next
	dirs      [2]followDirIndex
}

// followDirIndex is one direction's chunks that hold bytes or a cut (a gap
// is no segment's), in dialogue order, with their unwrapped sequence
// ranges [lo, hi).
type followDirIndex struct {
	ok     bool
	seq0   uint32 // Seq of the first chunk, whose lo is 0
	chunks []int32
	lo, hi []int64
}

// followSpanMax bounds a direction's indexed span: far below 2^31, so that
// a sequence number maps to one place on the unwrapped line.
const followSpanMax = 1 << 30

func newFollowIndex(chunks []model.FollowChunk, lines []followLine) *followIndex {
	x := &followIndex{firstLine: make([]int32, len(chunks)), lastLine: make([]int32, len(chunks)), readyOK: true}
	for i := range x.firstLine {
		x.firstLine[i] = -1
	}
	for i, ln := range lines {
		if ln.kind != followMarker && x.firstLine[ln.chunk] < 0 {
			x.firstLine[ln.chunk] = int32(i)
		}
	}
	last := int32(-1)
	li := 0
	for ci := range chunks {
		for li < len(lines) && lines[li].chunk <= ci {
			if lines[li].kind != followMarker {
				last = int32(li)
			}
			li++
		}
		x.lastLine[ci] = last
		if ci > 0 && chunks[ci].Ready < chunks[ci-1].Ready {
			x.readyOK = false
		}
	}
	x.dirs[0].ok, x.dirs[1].ok = true, true
	var prev [2]uint32
	for ci := range chunks {
		ch := &chunks[ci]
		if ch.Kind == model.ChunkGap || ch.Dir > model.S2C {
			continue
		}
		d := &x.dirs[ch.Dir]
		n := ch.Len()
		var lo int64
		if len(d.chunks) == 0 {
			d.seq0 = ch.Seq
		} else {
			lo = d.lo[len(d.lo)-1] + int64(int32(ch.Seq-prev[ch.Dir]))
			if lo < d.hi[len(d.hi)-1] {
				d.ok = false // overlapping or going back
			}
		}
		prev[ch.Dir] = ch.Seq
		if n < 0 || lo+n > followSpanMax || lo < 0 {
			d.ok = false
		}
		d.chunks = append(d.chunks, int32(ci))
		d.lo = append(d.lo, lo)
		d.hi = append(d.hi, lo+n)
	}
	return x
}

func (x *followIndex) segLine(tl *model.Timeline, chunks []model.FollowChunk, lay followLayout, seg int) int {
	if len(x.firstLine) != len(chunks) || !x.readyOK {
		return followSegLineScan(tl, chunks, lay, seg)
	}
	if tl != nil && seg >= 0 && seg < len(tl.Segments) {
		s := &tl.Segments[seg]
		if s.Dir > model.S2C {
			return followSegLineScan(tl, chunks, lay, seg)
		}
		if s.Len > 0 {
			d := &x.dirs[s.Dir]
			if !d.ok {
				return followSegLineScan(tl, chunks, lay, seg)
			}
			// The segment's bytes on the direction's unwrapped line; the
			// chunks they meet are a run found by a binary search, each
			// checked with SegRange, which defines what is shown.
			start := s.RelSeq
			if s.Flags&model.SYN != 0 {
				start++
			}
			y := int64(int32(start - d.seq0))
			end := y + int64(s.Len)
			for k := sort.Search(len(d.hi), func(k int) bool { return d.hi[k] > y }); k < len(d.lo) && d.lo[k] < end; k++ {
				ci := int(d.chunks[k])
				ch := &chunks[ci]
				lo, hi := ch.SegRange(tl, seg)
				if lo >= hi || x.firstLine[ci] < 0 {
					continue
				}
				for i := int(x.firstLine[ci]); i < len(lay.lines) && lay.lines[i].chunk == ci; i++ {
					if ln := lay.lines[i]; ln.kind == followHole || (int64(ln.lo) < hi && int64(ln.hi) > lo) {
						return i
					}
				}
			}
		}
	}
	// No line shows its bytes: the last line placed by it or before.
	n := sort.Search(len(chunks), func(ci int) bool { return chunks[ci].Ready > seg })
	if n == 0 {
		return -1
	}
	return int(x.lastLine[n-1])
}

// followLineSeg returns the segment whose bytes line i shows (the copy
// placed), so that moving in the follow view can move the ladder; -1 for a
// line that shows none (a marker, a gap, out of range).
func followLineSeg(chunks []model.FollowChunk, lay followLayout, i int) int {
	if i < 0 || i >= len(lay.lines) {
		return -1
	}
	ln := lay.lines[i]
	if ln.kind == followMarker {
		if i+1 < len(lay.lines) {
			return followLineSeg(chunks, lay, i+1)
		}
		return -1
	}
	if ch := &chunks[ln.chunk]; ch.Kind != model.ChunkGap {
		return ch.Seg
	}
	return -1
}

// followTop returns the top line that keeps line visible in a view h lines
// high that showed top before: unchanged when the line is on screen, else
// the line a third of the way down.
func followTop(line, top, h, total int) int {
	if line < 0 || h <= 0 {
		return top
	}
	if line >= top && line < top+h {
		return top
	}
	return max(min(line-h/3, total-h), 0)
}

// data is one conversation's reassembled dialogue and its layout for the
// width and mode last drawn.
type data struct {
	done   bool
	chunks []model.FollowChunk
	err    error
	bytes  [2]int64 // payload bytes placed, by direction
	gaps   int      // holes in the capture (gaps and cut segments)
	lay    followLayout
	layW   int
	layHex bool
	layOK  bool
	// synced is the (segment, width, mode) the scroll position was last
	// brought to, so an Update that changes none of them does not scan the
	// layout again.
	synced [3]int
}

// layout returns the dialogue laid out for width w, from the cache when it
// was laid out for w already.
func (fd *data) layout(w int, hex bool) followLayout {
	if !fd.layOK || fd.layW != w || fd.layHex != hex {
		fd.lay = layoutFollow(fd.chunks, hex, w)
		fd.layW, fd.layHex, fd.layOK = w, hex, true
	}
	return fd.lay
}

// maxCached bounds how many conversations' reassembled payloads are kept:
// each holds all of its conversation's bytes.
const maxCached = 4

// Pane is the follow view as the stepper holds it: the reassembled
// dialogues of the last few conversations shown, the mode (text or hex) and
// the scroll position. The reassembly re-reads every data frame, so the root
// runs it in a command (Wants, Start, Done).
type Pane struct {
	st   Styles
	data map[*model.Conversation]*data
	hex  bool
	top  int
}

// NewPane returns the view in text mode, with nothing reassembled.
func NewPane(st Styles) *Pane {
	return &Pane{st: st, data: map[*model.Conversation]*data{}}
}

// SetStyles changes the view's colours.
func (p *Pane) SetStyles(st Styles) { p.st = st }

// SetDark builds the view's styles for the terminal's background.
func (p *Pane) SetDark(isDark bool) { p.st = NewStyles(isDark) }

// Title is what the view's border adds to its name: "hex" in hex mode.
func (p *Pane) Title(pane.Context) string {
	if p.hex {
		return "hex"
	}
	return ""
}

// doneMsg is a finished reassembly, handed back to Loaded.
type doneMsg struct {
	conv   *model.Conversation
	chunks []model.FollowChunk
	err    error
}

// Load returns the reassembly of ctx's conversation when it is still to
// be done: it re-reads every data frame, so the root runs it off the UI
// goroutine while the view says it is on its way.
func (p *Pane) Load(ctx pane.Context) func() any {
	c, tl, payload := ctx.Conv, ctx.TL, ctx.Payload
	if !p.Wants(c) || tl == nil || payload == nil {
		return nil
	}
	p.Start(c)
	return func() (res any) {
		defer func() {
			if r := recover(); r != nil {
				res = doneMsg{conv: c, err: fmt.Errorf("reassemble stream %d: internal error: %v", c.Index, r)}
			}
		}()
		chunks, err := model.FollowDialogue(tl, c, payload)
		if err != nil {
			err = fmt.Errorf("reassemble stream %d: %w", c.Index, err)
		}
		return doneMsg{conv: c, chunks: chunks, err: err}
	}
}

// Loaded keeps what Load's work returned.
func (p *Pane) Loaded(res any) {
	if d, ok := res.(doneMsg); ok {
		p.Done(d.conv, d.chunks, d.err)
	}
}

// Wants reports whether conversation c still has to be reassembled.
func (p *Pane) Wants(c *model.Conversation) bool {
	_, ok := p.data[c]
	return c != nil && !ok
}

// Start notes that c's reassembly has begun, making room among the kept
// dialogues first.
func (p *Pane) Start(c *model.Conversation) {
	if len(p.data) >= maxCached {
		for k, fd := range p.data {
			if fd.done {
				delete(p.data, k)
			}
		}
	}
	p.data[c] = &data{}
}

// Done keeps c's reassembled dialogue (or the error that stopped it).
func (p *Pane) Done(c *model.Conversation, chunks []model.FollowChunk, err error) {
	fd := &data{done: true, chunks: chunks, err: err}
	for i := range fd.chunks {
		switch ch := &fd.chunks[i]; {
		case ch.Kind == model.ChunkData && ch.Dir <= model.S2C:
			fd.bytes[ch.Dir] += int64(len(ch.Data))
		case ch.Kind != model.ChunkData:
			fd.gaps++
		}
	}
	fd.synced = [3]int{-2, -2, -2}
	p.data[c] = fd
}

// Forget drops c's dialogue if it was reassembled: the conversation grew,
// and it is reassembled again when shown.
func (p *Pane) Forget(c *model.Conversation) {
	if fd := p.data[c]; fd != nil && fd.done {
		delete(p.data, c)
	}
}

// Grew forgets the dialogues of the conversations that grew: each is
// reassembled again when shown.
func (p *Pane) Grew(_ pane.Context, changed func(*model.Conversation) bool) {
	for c := range p.data {
		if changed(c) {
			p.Forget(c)
		}
	}
}

// ConversationChanged scrolls back to the top for a new conversation.
func (p *Pane) ConversationChanged(pane.Context) { p.top = 0 }

// Hex reports whether the view shows a hex dump rather than text.
func (p *Pane) Hex() bool { return p.hex }

// Mode is the view's mode, for its title.
func (p *Pane) Mode() string {
	if p.hex {
		return "hex"
	}
	return "text"
}

// Key switches between text and hex (m). The keys that move in the
// dialogue move the stepper: ↑ and ↓ to the previous or next segment whose
// bytes it shows, a page or the wheel that many lines on (see Step).
func (p *Pane) Key(ctx pane.Context, k pane.Key, w, h int) pane.Result {
	d := 0
	switch k {
	case pane.KeyMode:
		p.hex = !p.hex
		return pane.Used()
	case pane.KeyUp:
		d = -1
	case pane.KeyDown:
		d = 1
	case pane.KeyPageUp:
		d = -max(bodyHeight(h)-1, 1)
	case pane.KeyPageDown:
		d = max(bodyHeight(h)-1, 1)
	case pane.KeyWheelUp:
		d = -3
	case pane.KeyWheelDown:
		d = 3
	default:
		return pane.Unused
	}
	if r := pane.RowOfSeg(ctx, p.Step(ctx, w, d)); r >= 0 {
		return pane.GoTo(r)
	}
	return pane.Used()
}

// ready returns ctx's dialogue once reassembled without error.
func (p *Pane) ready(ctx pane.Context) *data {
	if ctx.Conv == nil {
		return nil
	}
	fd := p.data[ctx.Conv]
	if fd == nil || !fd.done || fd.err != nil {
		return nil
	}
	return fd
}

// bodyHeight is how many lines of the dialogue the view shows under its
// summary line in a pane h lines high.
func bodyHeight(h int) int { return max(h-1, 1) }

// Prepare scrolls the view, w×h cells, to the selected segment's bytes.
func (p *Pane) Prepare(ctx pane.Context, w, h int) {
	fd := p.ready(ctx)
	if fd == nil {
		return
	}
	hex := 0
	if p.hex {
		hex = 1
	}
	key := [3]int{ctx.Seg, w, hex}
	if fd.synced == key {
		return
	}
	fd.synced = key
	lay := fd.layout(w, p.hex)
	p.top = followTop(followSegLine(ctx.TL, fd.chunks, lay, ctx.Seg), p.top, bodyHeight(h), len(lay.lines))
}

// Step returns the segment whose bytes come d lines from the selected
// segment's in the view, w cells wide (d = ±1: the next or previous segment
// in the dialogue; else a page), or -1: where the stepper should go.
func (p *Pane) Step(ctx pane.Context, w, d int) int {
	fd := p.ready(ctx)
	if fd == nil {
		return -1
	}
	lay := fd.layout(w, p.hex)
	if len(lay.lines) == 0 {
		return -1
	}
	cur := ctx.Seg
	line := followSegLine(ctx.TL, fd.chunks, lay, cur)
	switch {
	case d == 1 || d == -1:
		for i := line + d; i >= 0 && i < len(lay.lines); i += d {
			if s := followLineSeg(fd.chunks, lay, i); s >= 0 && s != cur {
				return s
			}
		}
	default:
		i := min(max(line+d, 0), len(lay.lines)-1)
		for j := i; j >= 0 && j < len(lay.lines); j -= sign(d) {
			if s := followLineSeg(fd.chunks, lay, j); s >= 0 {
				return s
			}
		}
	}
	return -1
}

func sign(d int) int {
	if d < 0 {
		return -1
	}
	return 1
}

// View draws a summary line, then the dialogue scrolled to the selected
// segment's bytes; or says the reassembly is on its way, or why it failed.
func (p *Pane) View(ctx pane.Context, w, h int) string {
	fd := p.data[ctx.Conv]
	switch {
	case fd == nil || !fd.done:
		return p.st.Wait.Render("reassembling the conversation's payload" + theme.Ellipsis)
	case fd.err != nil:
		return p.st.Error.Render(ansi.Wrap(model.Visible(fd.err.Error()), max(w, 1), ""))
	}
	fs := &p.st
	lay := fd.layout(w, p.hex)
	body := renderFollowLayout(*fs, ctx.TL, ctx.Conv, fd.chunks, lay, ctx.Seg, w, bodyHeight(h), p.top)
	return pane.RenderSpans(p.summary(fd, w), w, nil) + "\n" + body
}

// summary is the line over the dialogue: the bytes each side delivered,
// each byte once as reassembled (a retransmission's copy is not counted
// again, where the picker's "sent" counts it), the holes, the mode and
// the marker. The words give way, in turn, to a narrow w.
func (p *Pane) summary(fd *data, w int) []pane.Span {
	fs := &p.st
	counts := []pane.Span{
		{Text: "client ", Style: &fs.ClientLabel}, {Text: pane.ByteCount(fd.bytes[model.C2S]), Style: &fs.Client},
		{Text: "  server ", Style: &fs.ServerLabel}, {Text: pane.ByteCount(fd.bytes[model.S2C]), Style: &fs.Server},
	}
	switch {
	case fd.gaps == 1:
		counts = append(counts, pane.Span{Text: "  1 hole", Style: &fs.Hole})
	case fd.gaps > 1:
		counts = append(counts, pane.Span{Text: fmt.Sprintf("  %d holes", fd.gaps), Style: &fs.Hole})
	}
	mode := pane.Span{Text: "  " + p.Mode(), Style: &fs.Marker}
	switches := pane.Span{Text: " (m switches)", Style: &fs.Marker}
	step := pane.Span{Text: "  " + theme.Cursor + " this step", Style: &fs.Marker}
	line := func(lead string, tail ...pane.Span) []pane.Span {
		out := append([]pane.Span{{Text: lead, Style: &fs.Marker}}, counts...)
		return append(out, tail...)
	}
	var head []pane.Span
	for _, try := range [][]pane.Span{
		line("delivered, each byte once: ", mode, switches, step),
		line("delivered: ", mode, switches, step),
		line("delivered: ", mode, switches),
	} {
		if head = try; spansWidth(try) <= w {
			break
		}
	}
	return head
}

// spansWidth is the width of spans drawn on one line.
func spansWidth(spans []pane.Span) int {
	n := 0
	for _, s := range spans {
		n += ansi.StringWidth(s.Text)
	}
	return n
}
