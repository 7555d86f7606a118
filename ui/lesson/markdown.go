package lesson

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// A lesson's texts are Markdown (docs/lesson-format.md), drawn here in the
// strip's few lines: goldmark parses them (CommonMark, so emphasis, code,
// escapes and lists follow the same rules as on GitHub), and this file
// draws the inline subset a note uses as styled spans, wrapped to the
// strip's exact width. Glamour, a full renderer, was the other choice; it
// lays a document out with margins and its own wrapping for a page, and
// styles blocks we do not want (headings' colours, code blocks' frames),
// while the strip needs lines of an exact width built from spans it can
// cut and measure itself, at every keypress.
//
// Paragraphs and list items follow each other without blank lines (the
// strip is a few lines tall); a list item starts with its bullet or
// number, its next lines indented under its text; a code block's lines
// are kept as they are and cut at the width; a heading inside a note is a
// bold line. Every text is made visible (model.Visible) before it is
// measured: lesson files are user input, and no control byte of theirs
// reaches the terminal.

// mdParser is goldmark's CommonMark parser; it is safe for concurrent use.
var mdParser = goldmark.DefaultParser()

// kind is the style of a piece of a lesson's text, by meaning; the
// Styles of the moment draw it (a parsed text is kept, whatever the
// colours).
type kind uint8

const (
	kText kind = iota
	kEmph
	kStrong
	kCode
	kDim
)

// of is the style that draws k.
func (st *Styles) of(k kind) *lipgloss.Style {
	switch k {
	case kEmph:
		return &st.Emph
	case kStrong:
		return &st.Strong
	case kCode:
		return &st.Code
	case kDim:
		return &st.Dim
	}
	return &st.Text
}

// run is a piece of text in one style.
type run struct {
	text  string
	style kind
}

// block is one paragraph, list item, heading or code line: its runs, and
// the prefix of its first line and of the lines after.
type block struct {
	runs         []run
	first, after string
	verbatim     bool // a code line: cut, not wrapped
}

// The parsed texts of the last lessons drawn: the strip is drawn at every
// keypress, and a lesson's texts are few.
var (
	mdMu    sync.Mutex
	mdCache = map[string][]block{}
)

// mdBlocks is src parsed into the blocks to draw, from the cache when it
// was parsed before; the caller must not change them.
func mdBlocks(src string) []block {
	mdMu.Lock()
	b, ok := mdCache[src]
	mdMu.Unlock()
	if ok {
		return b
	}
	b = parseBlocks(src)
	mdMu.Lock()
	if len(mdCache) >= 256 {
		clear(mdCache)
	}
	mdCache[src] = b
	mdMu.Unlock()
	return b
}

// parseBlocks parses src into the blocks to draw.
func parseBlocks(src string) []block {
	b := []byte(src)
	doc := mdParser.Parse(text.NewReader(b), parser.WithContext(parser.NewContext()))
	var out []block
	var walk func(n ast.Node, indent string)
	walk = func(n ast.Node, indent string) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Paragraph, *ast.TextBlock:
				out = append(out, block{runs: inlines(c, b, kText), first: indent, after: indent})
			case *ast.Heading:
				out = append(out, block{runs: inlines(c, b, kStrong), first: indent, after: indent})
			case *ast.List:
				num := c.Start
				for item := c.FirstChild(); item != nil; item = item.NextSibling() {
					mark := "• "
					if c.IsOrdered() {
						mark = strconv.Itoa(num) + ". "
						num++
					}
					start := len(out)
					walk(item, indent+strings.Repeat(" ", pane.Width(mark)))
					if start < len(out) {
						out[start].first = indent + mark
					} else {
						out = append(out, block{first: indent + mark, after: indent})
					}
				}
			case *ast.Blockquote:
				walk(c, indent+"│ ")
			case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
				lines := c.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					t := strings.TrimRight(string(seg.Value(b)), "\r\n")
					style := kCode
					if _, ok := c.(*ast.HTMLBlock); ok {
						style = kText
					}
					out = append(out, block{runs: []run{{model.Visible(t), style}}, first: indent, after: indent, verbatim: true})
				}
			case *ast.ThematicBreak:
				out = append(out, block{runs: []run{{"───", kDim}}, first: indent, after: indent, verbatim: true})
			default:
				walk(c, indent)
			}
		}
	}
	walk(doc, "")
	return out
}

// inlines are the runs of n's inline children, in style base unless
// emphasis or code says otherwise.
func inlines(n ast.Node, src []byte, base kind) []run {
	var out []run
	add := func(t string, s kind) {
		if t == "" {
			return
		}
		out = append(out, run{model.Visible(t), s})
	}
	var walk func(n ast.Node, s kind)
	walk = func(n ast.Node, s kind) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				add(string(c.Segment.Value(src)), s)
				switch {
				case c.HardLineBreak():
					out = append(out, run{"\n", s})
				case c.SoftLineBreak():
					add(" ", s)
				}
			case *ast.String:
				add(string(c.Value), s)
			case *ast.CodeSpan:
				var b strings.Builder
				for t := c.FirstChild(); t != nil; t = t.NextSibling() {
					switch t := t.(type) {
					case *ast.Text:
						b.Write(t.Segment.Value(src))
					case *ast.String:
						b.Write(t.Value)
					}
				}
				add(b.String(), kCode)
			case *ast.Emphasis:
				if c.Level >= 2 {
					walk(c, kStrong)
				} else {
					walk(c, kEmph)
				}
			case *ast.AutoLink:
				add(string(c.URL(src)), kEmph)
			case *ast.RawHTML:
				for i := 0; i < c.Segments.Len(); i++ {
					seg := c.Segments.At(i)
					add(string(seg.Value(src)), s)
				}
			default:
				// Links and images: their text.
				walk(c, s)
			}
		}
	}
	walk(n, base)
	return out
}

// word is a run of non-space text, perhaps in several styles.
type word struct {
	runs []run
	w    int
}

// words cuts runs at spaces and line feeds (a line feed is a word of its
// own, nil runs, that ends the line).
func words(runs []run) []word {
	var out []word
	var cur word
	flush := func() {
		if len(cur.runs) > 0 {
			out = append(out, cur)
		}
		cur = word{}
	}
	for _, r := range runs {
		if r.text == "\n" {
			flush()
			out = append(out, word{})
			continue
		}
		for i, piece := range strings.Split(r.text, " ") {
			if i > 0 {
				flush()
			}
			if piece != "" {
				cur.runs = append(cur.runs, run{piece, r.style})
				cur.w += pane.Width(piece)
			}
		}
	}
	flush()
	return out
}

// mdLines draws src wrapped to lines of at most w cells, each a line of
// spans.
func mdLines(st *Styles, src string, w int) [][]pane.Span {
	var out [][]pane.Span
	for _, b := range mdBlocks(src) {
		for _, l := range b.lines(st, w) {
			out = append(out, merge(l))
		}
	}
	return out
}

// merge joins the spans of a line that follow each other in one style.
func merge(line []pane.Span) []pane.Span {
	out := line[:0:0]
	for _, s := range line {
		if n := len(out); n > 0 && out[n-1].Style == s.Style {
			out[n-1].Text += s.Text
			continue
		}
		out = append(out, s)
	}
	return out
}

// lines wraps a block to w cells: its first line after its first prefix,
// the others after its second.
func (b block) lines(st *Styles, w int) [][]pane.Span {
	prefix := func(first bool) []pane.Span {
		p := b.after
		if first {
			p = b.first
		}
		if p == "" {
			return nil
		}
		return []pane.Span{{Text: p, Style: &st.Dim}}
	}
	if b.verbatim {
		line := prefix(true)
		for _, r := range b.runs {
			line = append(line, pane.Span{Text: r.text, Style: st.of(r.style)})
		}
		return [][]pane.Span{line}
	}
	var out [][]pane.Span
	line := prefix(true)
	used := pane.Width(b.first)
	empty := true
	last := kText // the style of the last run on the line
	for _, wd := range words(b.runs) {
		if wd.runs == nil { // a hard line break
			out = append(out, line)
			line, used, empty = prefix(false), pane.Width(b.after), true
			continue
		}
		room := w - used
		if !empty {
			room--
		}
		if wd.w > room && !empty {
			out = append(out, line)
			line, used, empty = prefix(false), pane.Width(b.after), true
			room = w - used
		}
		if !empty {
			// A space inside emphasis is emphasised; between styles, plain.
			sp := kText
			if last == wd.runs[0].style {
				sp = last
			}
			line = append(line, pane.Span{Text: " ", Style: st.of(sp)})
			used++
		}
		last = wd.runs[len(wd.runs)-1].style
		// A word longer than a whole line is cut where the width runs out.
		for wd.w > room && room > 0 {
			head, rest := cutWord(wd, room)
			if len(head.runs) == 0 {
				break
			}
			line = append(line, spans(st, head)...)
			out = append(out, line)
			line, used = prefix(false), pane.Width(b.after)
			room = w - used
			wd = rest
		}
		line = append(line, spans(st, wd)...)
		used += wd.w
		empty = false
	}
	return append(out, line)
}

func spans(st *Styles, wd word) []pane.Span {
	out := make([]pane.Span, len(wd.runs))
	for i, r := range wd.runs {
		out[i] = pane.Span{Text: r.text, Style: st.of(r.style)}
	}
	return out
}

// cutWord splits wd after n cells (at least one character, so that a
// character wider than the line still moves on).
func cutWord(wd word, n int) (head, rest word) {
	for i, r := range wd.runs {
		rw := pane.Width(r.text)
		if rw <= n {
			head.runs = append(head.runs, r)
			head.w += rw
			n -= rw
			continue
		}
		h := ansi.Truncate(r.text, n, "")
		if h == "" && len(head.runs) == 0 {
			_, size := utf8.DecodeRuneInString(r.text)
			h = r.text[:size]
		}
		if h != "" {
			head.runs = append(head.runs, run{h, r.style})
			head.w += pane.Width(h)
		}
		if t := r.text[len(h):]; t != "" {
			rest.runs = append(rest.runs, run{t, r.style})
			rest.w += pane.Width(t)
		}
		rest.runs = append(rest.runs, wd.runs[i+1:]...)
		for _, r := range wd.runs[i+1:] {
			rest.w += pane.Width(r.text)
		}
		return head, rest
	}
	return head, rest
}

// Plain is a lesson text's Markdown as plain paragraphs, for the
// explanation pane, which wraps and styles them itself (and shows a line
// feed as a picture): emphasis and code marks gone, each list item a
// paragraph of its own after its bullet, line breaks spaces.
func Plain(src string) []string {
	var out []string
	for _, b := range mdBlocks(src) {
		var t strings.Builder
		t.WriteString(b.first)
		for _, r := range b.runs {
			if r.text == "\n" {
				t.WriteByte(' ')
				continue
			}
			t.WriteString(r.text)
		}
		out = append(out, t.String())
	}
	return out
}
