package export

import (
	"io"
	"strconv"
	"strings"

	"github.com/tcpstep/tcpstep/model"
)

// MermaidMaxText is Mermaid's default maxTextSize: a renderer left at its
// defaults refuses a diagram longer than this many characters ("Maximum
// text size in diagram exceeded"). The export command warns past it.
const MermaidMaxText = 50000

// Mermaid writes conversation stream as a Mermaid sequenceDiagram: the
// client and the server as participants named by address and port, one
// arrow per segment labelled with its frame number and segmentLabel, a note over a
// side each time its state changes (and over both for the states before the
// first segment), and a note over both for analysis events and for frames of
// the conversation that are not segments (fragments, ICMP errors).
//
// Arrows: ->> for a segment, -->> (dotted) for a retransmission, -x for a
// reset. Text is made Mermaid-safe by mermaidText.
func Mermaid(w io.Writer, tl *model.Timeline, stream int, absolute bool) error {
	return writeMermaid(w, tl, Options{Stream: stream, Absolute: absolute})
}

// writeMermaid is Mermaid with Options: the rows o.Keep refuses are left out,
// and a state note says how a side's state differs from the last row drawn.
func writeMermaid(w io.Writer, tl *model.Timeline, o Options) error {
	c, err := conversation(tl, o.Stream)
	if err != nil {
		return err
	}
	absolute := o.Absolute
	bw := &errWriter{w: w}
	bw.str("sequenceDiagram\n")
	bw.str("    %% tcpstep: stream " + strconv.Itoa(c.Index) + ", " + numbering(absolute) + " sequence numbers" + mermaidComment(o.filtered()) + "\n")
	bw.str("    participant C as client " + mermaidText(c.Client.String()) + "\n")
	bw.str("    participant S as server " + mermaidText(c.Server.String()) + "\n")
	if c.Assumed {
		bw.str("    Note over C,S: the capture begins mid-connection: the states before its first segment are assumed\n")
	}
	bw.str("    Note over C: " + c.InitClient.String() + "\n")
	bw.str("    Note over S: " + c.InitServer.String() + "\n")
	client, server := c.InitClient, c.InitServer
	var b []byte
	err = eachRow(tl, c, &o, func(r row) error {
		b = b[:0]
		if r.seg == nil {
			b = append(b, "    Note over C,S: frame "...)
			b = strconv.AppendUint(b, uint64(r.frame), 10)
			b = append(b, ": "...)
			b = append(b, mermaidText(r.note)...)
			b = append(b, '\n')
			bw.str(string(b))
			return bw.err
		}
		s := r.seg
		from, to := "C", "S"
		if s.Dir == model.S2C {
			from, to = "S", "C"
		}
		arrow := "->>"
		switch {
		case s.Flags&model.RST != 0:
			arrow = "-x"
		case s.Events.Has(model.Retransmission) || s.Events.Has(model.FastRetransmission) || s.Events.Has(model.SpuriousRetransmission):
			arrow = "-->>"
		}
		b = append(b, "    "...)
		b = append(b, from...)
		b = append(b, arrow...)
		b = append(b, to...)
		b = append(b, ": ["...)
		b = strconv.AppendUint(b, uint64(s.Frame), 10)
		b = append(b, "] "...)
		b = append(b, segmentLabel(s, absolute)...)
		b = append(b, '\n')
		if ev := s.Events.Names(); len(ev) > 0 {
			b = append(b, "    Note over C,S: "...)
			b = append(b, strings.Join(ev, ", ")...)
			b = append(b, '\n')
		}
		if s.Client() != client {
			b = append(b, "    Note over C: "...)
			b = append(b, s.Client().String()...)
			b = append(b, '\n')
		}
		if s.Server() != server {
			b = append(b, "    Note over S: "...)
			b = append(b, s.Server().String()...)
			b = append(b, '\n')
		}
		client, server = s.Client(), s.Server()
		bw.str(string(b))
		return bw.err
	})
	if err != nil {
		return err
	}
	return bw.err
}

// mermaidComment makes text safe for the rest of a %% comment line, which
// Mermaid does not draw: made visible (model.Visible pictures a line break,
// which would end the comment), and with '%', '{' and '}' as entity codes,
// so that no "%%{" in it starts a directive (%%{init: ...}%%) and no "}%%"
// ends one. The rest, a filter's "<" and "&&" included, is left as typed.
func mermaidComment(s string) string {
	return strings.NewReplacer("%", "#37;", "{", "#123;", "}", "#125;").Replace(model.Visible(s))
}

// mermaidText makes text safe for a Mermaid message, note or participant
// alias. Mermaid's lexer ends such text at a newline, ';' or '#', and its
// renderer treats '<' '>' '&' as HTML, so those become Mermaid entity codes
// (#59; #35; #lt; #gt; #amp;), which it turns back into the characters when
// it draws; '%' (a comment where a token starts) and braces become codes too.
// Control bytes and invalid UTF-8 are first made visible by model.Visible.
func mermaidText(s string) string {
	s = model.Visible(s)
	if !strings.ContainsAny(s, "#;<>&%{}\"`") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '#':
			b.WriteString("#35;")
		case ';':
			b.WriteString("#59;")
		case '<':
			b.WriteString("#lt;")
		case '>':
			b.WriteString("#gt;")
		case '&':
			b.WriteString("#amp;")
		case '%':
			b.WriteString("#37;")
		case '{':
			b.WriteString("#123;")
		case '}':
			b.WriteString("#125;")
		case '"':
			b.WriteString("#quot;")
		case '`':
			b.WriteString("#96;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
