// Package netstat is the netstat view: both hosts' netstat -tan (or ss -tan)
// lines at the selected step, as the two kernels would print them.
package netstat

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// nsColumns are the column texts of one line, in the tool's order.
type nsColumns struct {
	proto, recvq, sendq, local, foreign, state string
	listen                                     bool
	st                                         model.State
	q                                          uint32
}

func nsLineColumns(l model.SocketLine, ss bool) nsColumns {
	local, foreign := l.Addrs(ss)
	c := nsColumns{
		recvq: strconv.FormatUint(uint64(l.RecvQ), 10), sendq: strconv.FormatUint(uint64(l.SendQ), 10),
		local: local, foreign: foreign, listen: l.Wildcard, st: l.State, q: l.SendQ,
	}
	if ss {
		c.state = model.SSState(l.State)
	} else {
		c.state = model.NetstatState(l.State)
		c.proto = "tcp"
		if l.IPv6 {
			c.proto = "tcp6"
		}
	}
	return c
}

// Render draws what netstat -tan (ss false) or ss -tan (ss true)
// would print on the client host and on the server host at the view's step,
// in at most w columns and h lines. vantage is the sentence saying where the
// capture was taken (model.Vantage.Sentence), shown last when there is
// room; "" leaves it out. Columns are sized to the lines shown, so both
// hosts' tables line up; lines too wide are cut with an ellipsis.
func Render(st Styles, v model.NetstatView, vantage string, ss bool, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	hosts := []model.NetstatHost{v.Client, v.Server}
	var cols [2][]nsColumns
	head := nsColumns{proto: "Proto", recvq: "Recv-Q", sendq: "Send-Q", local: "Local Address", foreign: "Foreign Address", state: "State"}
	if ss {
		head = nsColumns{recvq: "Recv-Q", sendq: "Send-Q", local: "Local Address:Port", foreign: "Peer Address:Port", state: "State"}
	}
	width := [6]int{}
	measure := func(c nsColumns) {
		for i, s := range []string{c.proto, c.recvq, c.sendq, c.local, c.foreign, c.state} {
			width[i] = max(width[i], pane.Width(s))
		}
	}
	measure(head)
	for i, hst := range hosts {
		for _, l := range hst.Lines {
			c := nsLineColumns(l, ss)
			cols[i] = append(cols[i], c)
			measure(c)
		}
	}
	row := func(c nsColumns, header bool) string {
		pad := func(s string, n int, right bool) string {
			gap := strings.Repeat(" ", max(0, n-pane.Width(s)))
			if right {
				return gap + s
			}
			return s + gap
		}
		base := st.Line
		if c.listen {
			base = st.Listen
		}
		stateSt := st.State
		switch c.st {
		case model.FinWait1, model.FinWait2, model.CloseWait, model.Closing, model.LastAck, model.TimeWait:
			stateSt = st.Closing
		}
		if c.listen {
			stateSt = st.Listen
		}
		sendSt := base
		if c.q > 0 {
			sendSt = st.SendQ
		}
		if header {
			base, stateSt, sendSt = st.Header, st.Header, st.Header
		}
		var parts []string
		if !ss {
			parts = append(parts, base.Render(pad(c.proto, width[0], false)))
			parts = append(parts, base.Render(pad(c.recvq, width[1], true)), sendSt.Render(pad(c.sendq, width[2], true)))
			parts = append(parts, base.Render(pad(c.local, width[3], false)), base.Render(pad(c.foreign, width[4], false)), stateSt.Render(c.state))
		} else {
			parts = append(parts, stateSt.Render(pad(c.state, width[5], false)))
			parts = append(parts, base.Render(pad(c.recvq, width[1], true)), sendSt.Render(pad(c.sendq, width[2], true)))
			parts = append(parts, base.Render(pad(c.local, width[3], false)), base.Render(c.foreign))
		}
		return strings.Join(parts, "  ")
	}

	// Lines in order of importance: what must show at any height comes
	// first in keep; the rest fills in when there is room.
	type nsOut struct {
		text string
		prio int // 0: always; 1: header; 2: blank separator; 3: notes
	}
	var out []nsOut
	title := fmt.Sprintf("stream %d · step %d/%d", v.Stream, v.N, v.Total)
	if v.N > 0 {
		title += fmt.Sprintf(" · frame %d", v.Frame)
	} else {
		title += " · before the first segment"
	}
	tool := "netstat -tan"
	if ss {
		tool = "ss -tan"
	}
	out = append(out, nsOut{st.Title.Render(title) + st.Note.Render("  ("+tool+")"), 0})
	for i, hst := range hosts {
		out = append(out, nsOut{"", 2})
		role := st.Server.Render("server")
		if hst.Client {
			role = st.Client.Render("client")
		}
		host := role + st.Host.Render(" host "+hst.Addr.WithZone("").String())
		if v.SameHost {
			host += st.Note.Render(" (same host as its peer)")
		}
		out = append(out, nsOut{host, 0})
		out = append(out, nsOut{row(head, true), 1})
		for _, c := range cols[i] {
			out = append(out, nsOut{row(c, false), 0})
		}
		if len(cols[i]) == 0 {
			out = append(out, nsOut{st.Empty.Render("(no line: " + hst.Empty() + ")"), 0})
		}
	}
	notes := []string{v.Note()}
	if vantage != "" {
		notes = append(notes, vantage)
	}
	out = append(out, nsOut{"", 3})
	for _, n := range notes {
		for _, l := range pane.Wrap(n, w) {
			out = append(out, nsOut{st.Note.Render(l), 3})
		}
	}
	// Drop the least important kinds of line until the rest fits.
	for drop := 3; len(out) > h && drop >= 1; drop-- {
		kept := out[:0:0]
		for _, o := range out {
			if o.prio != drop {
				kept = append(kept, o)
			}
		}
		out = kept
	}
	if len(out) > h {
		out = out[:h]
	}
	lines := make([]string, len(out))
	for i, o := range out {
		lines[i] = ansi.Truncate(o.text, w, st.Ellipsis)
	}
	return strings.Join(lines, "\n")
}

// Pane is the netstat view as the stepper holds it: the selected
// conversation's netstat index and vantage sentence, made when the view is
// about to be shown, and which tool's format it prints.
type Pane struct {
	st      Styles
	conv    *model.Conversation // the conversation idx is for
	idx     *model.NetstatIndex
	err     error
	vantage string
	ss      bool
}

// NewPane returns the view, in netstat's format, with nothing computed.
func NewPane(st Styles) *Pane { return &Pane{st: st} }

// SetStyles changes the view's colours.
func (p *Pane) SetStyles(st Styles) { p.st = st }

// SetDark builds the view's styles for the terminal's background.
func (p *Pane) SetDark(isDark bool) { p.st = NewStyles(isDark) }

// Title is the view's format, for its border.
func (p *Pane) Title(pane.Context) string { return p.Mode() }

// Prepare indexes ctx's conversation unless it already has: the root calls
// it when the view is about to be shown.
func (p *Pane) Prepare(ctx pane.Context, _, _ int) {
	if ctx.Conv == nil || p.conv == ctx.Conv {
		return
	}
	p.conv = ctx.Conv
	p.idx, p.err = model.NewNetstatIndex(ctx.TL, ctx.Conv.Index)
	p.vantage = model.VantageOf(ctx.TL, ctx.Conv.Index).Sentence()
}

// Invalidate forgets the index: the conversation grew.
func (p *Pane) Invalidate() { p.conv = nil }

// Grew forgets the index when the conversation shown is one that grew.
func (p *Pane) Grew(ctx pane.Context, changed func(*model.Conversation) bool) {
	if ctx.Conv != nil && changed(ctx.Conv) {
		p.Invalidate()
	}
}

// SS reports whether the view prints ss -tan rather than netstat -tan.
func (p *Pane) SS() bool { return p.ss }

// Mode is the view's format, for its title.
func (p *Pane) Mode() string {
	if p.ss {
		return "ss -tan"
	}
	return "netstat -tan"
}

// Key switches between netstat's and ss's format (m); ↑ and ↓ step, as
// the view shows the step.
func (p *Pane) Key(ctx pane.Context, k pane.Key, _, _ int) pane.Result {
	switch k {
	case pane.KeyMode:
		p.ss = !p.ss
		return pane.Used()
	case pane.KeyUp:
		return pane.GoTo(ctx.Row - 1)
	case pane.KeyDown:
		return pane.GoTo(ctx.Row + 1)
	}
	return pane.Unused
}

// View draws both hosts' lines after the segments up to ctx.Seg.
func (p *Pane) View(ctx pane.Context, w, h int) string {
	if ctx.Conv == nil || p.conv != ctx.Conv {
		return p.st.Wait.Render("computing" + theme.Ellipsis)
	}
	err := p.err
	var v model.NetstatView
	if err == nil {
		v, err = p.idx.At(steps(ctx))
	}
	if err != nil {
		return p.st.Error.Render(ansi.Wrap(model.Visible("netstat: "+err.Error()), max(w, 1), ""))
	}
	return Render(p.st, v, p.vantage, p.ss, w, h)
}

// steps is how many of the conversation's segments are applied at ctx's
// row: those up to and including ctx.Seg.
func steps(ctx pane.Context) int {
	if ctx.Seg < 0 {
		return 0
	}
	segs := ctx.Conv.Segs
	i := sort.Search(len(segs), func(i int) bool { return int(segs[i]) >= ctx.Seg })
	return min(i+1, len(segs))
}
