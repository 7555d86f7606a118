package export

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tcpstep/tcpstep/model"
)

// The SVG is laid out on a grid of monospace text: with a 12 px monospace
// font a character is about 0.6 em wide, so a column's width follows from
// the longest text it holds, and the viewBox from the columns and rows.
const (
	svgFont     = 12
	svgCharW    = 7.2 // 0.6 em
	svgPad      = 16
	svgRowH     = 30
	svgHeadH    = 40 // participant boxes
	svgStateGap = 10 // between a lifeline and its state text
)

// svgColours colour an arrow by what the segment does, as the interface's
// ladder does: opening, closing, resetting, carrying data, or acknowledging.
var svgColours = map[string]string{
	"syn":  "#1a7f37",
	"fin":  "#0550ae",
	"rst":  "#cf222e",
	"data": "#24292f",
	"ack":  "#6e7781",
}

func svgKind(s *model.Segment) string {
	switch {
	case s.Flags&model.RST != 0:
		return "rst"
	case s.Flags&model.SYN != 0:
		return "syn"
	case s.Flags&model.FIN != 0:
		return "fin"
	case s.Len > 0:
		return "data"
	}
	return "ack"
}

func retransmitted(s *model.Segment) bool {
	return s.Events.Has(model.Retransmission) || s.Events.Has(model.FastRetransmission) || s.Events.Has(model.SpuriousRetransmission)
}

// SVG writes conversation stream as a standalone SVG picture: the client's
// and the server's lifelines under boxes naming them, one arrow with an
// arrowhead per segment labelled with Label (dashed for a retransmission),
// the frame number and time of each row on the left, each side's state
// beside its lifeline where it changes, analysis events on the right, and
// the conversation's other frames (fragments, ICMP errors) as italic rows.
// Every segment is a <g class="segment"> with data-frame, data-seq and
// data-ack attributes in the chosen numbering, so scripts can find them.
// The viewBox fits the content; text from the capture is escaped.
func SVG(w io.Writer, tl *model.Timeline, stream int, absolute bool) error {
	return writeSVG(w, tl, Options{Stream: stream, Absolute: absolute})
}

// writeSVG is SVG with Options: the rows o.Keep refuses are left out, and the
// picture is as tall as the rows drawn.
func writeSVG(w io.Writer, tl *model.Timeline, o Options) error {
	c, err := conversation(tl, o.Stream)
	if err != nil {
		return err
	}
	absolute := o.Absolute
	// Measure the columns.
	labelChars, eventChars, rows := 30, 0, 0
	noteChars := 0
	_ = eachRow(tl, c, &o, func(r row) error {
		rows++
		if r.seg == nil {
			noteChars = max(noteChars, utf8.RuneCountInString(model.Visible(r.note))+16)
			return nil
		}
		labelChars = max(labelChars, len(segmentLabel(r.seg, absolute))+len(" [00000]")+2)
		eventChars = max(eventChars, len(strings.Join(r.seg.Events.Names(), ", ")))
		return nil
	})
	title := "stream " + strconv.Itoa(c.Index) + ": client " + c.Client.String() + " ⇄ server " + c.Server.String() + " (" + numbering(absolute) + " sequence numbers" + o.filtered() + ")"
	const timeChars = 18 // "123456  1234.123456"
	stateW := 13 * svgCharW
	frameX := float64(svgPad)
	clientX := frameX + timeChars*svgCharW + stateW + svgStateGap
	arrowW := max(float64(labelChars)*svgCharW+40, 26*svgCharW*2)
	serverX := clientX + arrowW
	eventX := serverX + svgStateGap + stateW + svgStateGap
	width := eventX + float64(eventChars)*svgCharW + svgPad
	// A note row is written from the client's lifeline; a long one widens
	// the picture rather than running off it.
	width = max(width, clientX+float64(noteChars)*svgCharW+svgPad, frameX+float64(utf8.RuneCountInString(title))*svgCharW+svgPad)
	top := float64(svgPad + 24) // below the title
	y0 := top + svgHeadH + 24   // the initial states
	height := y0 + float64(rows+1)*svgRowH + svgPad
	if c.Assumed {
		y0 += 16
		height += 16
	}

	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1"`)
	attrf(&b, "width", width)
	attrf(&b, "height", height)
	b.WriteString(` viewBox="0 0 ` + num(width) + " " + num(height) + `"`)
	b.WriteString(` font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace" font-size="` + strconv.Itoa(svgFont) + `">` + "\n")
	b.WriteString("<title>")
	xmlText(&b, "tcpstep ladder: "+title)
	b.WriteString("</title>\n<defs>\n")
	for _, k := range []string{"syn", "fin", "rst", "data", "ack"} {
		b.WriteString(`<marker id="head-` + k + `" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="` + svgColours[k] + `"/></marker>` + "\n")
	}
	b.WriteString("</defs>\n")
	b.WriteString(`<rect width="100%" height="100%" fill="#ffffff"/>` + "\n")
	text(&b, frameX, float64(svgPad+12), "start", `font-weight="bold" fill="#24292f"`, title)
	if c.Assumed {
		text(&b, frameX, float64(svgPad+28), "start", `font-style="italic" fill="#9a6700"`, "the capture begins mid-connection: the states before its first segment are assumed")
	}
	// Participants and lifelines.
	for _, p := range []struct {
		x    float64
		role string
		ep   model.Endpoint
	}{{clientX, "client", c.Client}, {serverX, "server", c.Server}} {
		bw := max(float64(len(p.ep.String())+2)*svgCharW, 14*svgCharW)
		b.WriteString(`<g class="participant ` + p.role + `">`)
		b.WriteString(`<rect x="` + num(p.x-bw/2) + `" y="` + num(top) + `" width="` + num(bw) + `" height="` + num(svgHeadH-4) + `" rx="4" fill="#f6f8fa" stroke="#57606a"/>`)
		text(&b, p.x, top+14, "middle", `font-weight="bold" fill="#24292f"`, p.role)
		text(&b, p.x, top+29, "middle", `fill="#24292f"`, p.ep.String())
		b.WriteString(`<line x1="` + num(p.x) + `" y1="` + num(top+svgHeadH-4) + `" x2="` + num(p.x) + `" y2="` + num(height-svgPad) + `" stroke="#8c959f" stroke-width="1"/>`)
		b.WriteString("</g>\n")
	}
	// Column headings and the states before the first segment.
	heading := top + svgHeadH + 12
	text(&b, frameX, heading, "start", `fill="#57606a" xml:space="preserve"`, " frame        time")
	if eventChars > 0 {
		text(&b, eventX, heading, "start", `fill="#57606a"`, "events")
	}
	stateText(&b, clientX, serverX, y0, "client", c.InitClient)
	stateText(&b, clientX, serverX, y0, "server", c.InitServer)

	y := y0
	client, server := c.InitClient, c.InitServer
	err = eachRow(tl, c, &o, func(r row) error {
		y += svgRowH
		lead := strconv.FormatUint(uint64(r.frame), 10)
		lead = strings.Repeat(" ", max(6-len(lead), 0)) + lead + " " + strings.Repeat(" ", max(11-len(seconds(r.time)), 0)) + seconds(r.time)
		if r.seg == nil {
			b.WriteString(`<g class="frame" data-frame="` + strconv.FormatUint(uint64(r.frame), 10) + `">`)
			text(&b, frameX, y, "start", `fill="#57606a" xml:space="preserve"`, lead)
			text(&b, clientX+8, y, "start", `font-style="italic" fill="#8250df"`, "· "+r.note)
			b.WriteString("</g>\n")
			return nil
		}
		s := r.seg
		seq, ack := numbers(s, absolute)
		kind := svgKind(s)
		x1, x2 := clientX, serverX
		if s.Dir == model.S2C {
			x1, x2 = serverX, clientX
		}
		label := "[" + strconv.FormatUint(uint64(s.Frame), 10) + "] " + segmentLabel(s, absolute)
		b.WriteString(`<g class="segment ` + kind + " " + s.Dir.String() + `" data-frame="` + strconv.FormatUint(uint64(s.Frame), 10) +
			`" data-seq="` + strconv.FormatUint(uint64(seq), 10) + `" data-ack="` + strconv.FormatUint(uint64(ack), 10) +
			`" data-len="` + strconv.FormatUint(uint64(s.Len), 10) + `">`)
		b.WriteString("<title>")
		xmlText(&b, "frame "+strconv.FormatUint(uint64(s.Frame), 10)+" at "+seconds(tl.SegTime(s))+" s, "+s.Dir.String()+": "+segmentLabel(s, absolute))
		b.WriteString("</title>")
		text(&b, frameX, y, "start", `fill="#57606a" xml:space="preserve"`, lead)
		dash := ""
		if retransmitted(s) {
			dash = ` stroke-dasharray="6 4"`
		}
		// Stop the line short of the lifeline by the arrowhead's length.
		end := x2 - 1
		if x2 < x1 {
			end = x2 + 1
		}
		b.WriteString(`<line x1="` + num(x1) + `" y1="` + num(y) + `" x2="` + num(end) + `" y2="` + num(y) +
			`" stroke="` + svgColours[kind] + `" stroke-width="1.5"` + dash + ` marker-end="url(#head-` + kind + `)"/>`)
		text(&b, (clientX+serverX)/2, y-5, "middle", `fill="`+svgColours[kind]+`"`, label)
		if ev := s.Events.Names(); len(ev) > 0 {
			// A ring on the arrow's tail marks the segment the events are
			// about; the names go in the events column.
			b.WriteString(`<circle class="event" cx="` + num(x1) + `" cy="` + num(y) + `" r="4" fill="none" stroke="#cf222e" stroke-width="1.5"/>`)
			text(&b, eventX, y, "start", `class="event" fill="#cf222e"`, strings.Join(ev, ", "))
		}
		b.WriteString("</g>\n")
		if s.Client() != client {
			stateText(&b, clientX, serverX, y, "client", s.Client())
		}
		if s.Server() != server {
			stateText(&b, clientX, serverX, y, "server", s.Server())
		}
		client, server = s.Client(), s.Server()
		return nil
	})
	if err != nil {
		return err
	}
	b.WriteString("</svg>\n")
	_, err = w.Write(b.Bytes())
	return err
}

// stateText writes a side's state beside its lifeline: the client's to the
// left of its line, the server's to the right.
func stateText(b *bytes.Buffer, clientX, serverX, y float64, side string, st model.State) {
	x, anchor := clientX-svgStateGap, "end"
	if side == "server" {
		x, anchor = serverX+svgStateGap, "start"
	}
	text(b, x, y+4, anchor, `class="state `+side+`" fill="#8250df" font-weight="bold"`, st.String())
}

// text writes a <text> element; s is escaped.
func text(b *bytes.Buffer, x, y float64, anchor, attrs, s string) {
	b.WriteString(`<text x="` + num(x) + `" y="` + num(y) + `" text-anchor="` + anchor + `" ` + attrs + `>`)
	xmlText(b, s)
	b.WriteString("</text>")
}

// xmlText writes s as XML character data: control bytes (which XML 1.0
// does not allow at all) made visible first, then the markup characters
// escaped.
func xmlText(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(model.Visible(s)))
}

func attrf(b *bytes.Buffer, name string, v float64) {
	b.WriteString(" " + name + `="` + num(v) + `"`)
}

// num prints a coordinate with at most one decimal.
func num(v float64) string {
	return strconv.FormatFloat(float64(int64(v*10+0.5))/10, 'f', -1, 64)
}
