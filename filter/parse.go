package filter

import "strings"

// The parser is a recursive descent over the tokens, one function a level
// of precedence (or, and, not, a test), building the tree that compile
// turns into closures. It knows nothing of fields: whether a word is a
// field or a value is decided when the tree is compiled.

// node is a node of the parsed filter.
type node interface{ span() (pos, end int) }

type logicNode struct {
	and  bool
	l, r node
}

type notNode struct {
	pos int
	x   node
}

type testKind uint8

const (
	testExists testKind = iota
	testCmp
	testContains
	testMatches
	testIn
)

type testNode struct {
	kind         testKind
	op           cmpOp
	lhs, rhs     *operand
	set          []setElem
	notIn        bool // "not in"
	opPos, opEnd int  // the operator's span
}

// operand is a word or string, with the slice and the & mask after it.
type operand struct {
	tok      token
	slice    []sliceSpec
	mask     *token
	pos, end int
}

// sliceSpec is one range of a slice as written ("0:4", "1-3", "-1").
type sliceSpec struct {
	text     string
	pos, end int
}

// setElem is a member of a set: a value, or a range lo..hi.
type setElem struct {
	lo, hi *operand // hi nil for a single value
}

func (n *logicNode) span() (int, int) {
	p, _ := n.l.span()
	_, e := n.r.span()
	return p, e
}
func (n *notNode) span() (int, int) { _, e := n.x.span(); return n.pos, e }
func (n *testNode) span() (int, int) {
	e := n.lhs.end
	switch {
	case n.rhs != nil:
		e = n.rhs.end
	case n.kind == testIn:
		e = n.opEnd
		if len(n.set) > 0 {
			last := n.set[len(n.set)-1]
			e = last.lo.end
			if last.hi != nil {
				e = last.hi.end
			}
		}
	}
	return n.lhs.pos, e
}

type parser struct {
	src  string
	toks []token
	i    int
}

func parse(src string) (node, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.unexpected(t, "")
	}
	return n, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// unexpected reports token t where something else (want, when known) was
// due.
func (p *parser) unexpected(t token, want string) error {
	if t.kind == tEOF {
		msg := "filter ends too soon"
		if want != "" {
			msg += " (" + want + " expected)"
		}
		return errAt(p.src, t.pos, 1, msg)
	}
	msg := strings.TrimSpace(p.src[t.pos:t.end])
	msg = `"` + msg + `" was unexpected here`
	if want != "" {
		msg += " (" + want + " expected)"
	}
	return errAt(p.src, t.pos, t.end-t.pos, msg)
}

func (p *parser) or() (node, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tOr {
		p.next()
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &logicNode{l: l, r: r}
	}
	return l, nil
}

func (p *parser) and() (node, error) {
	l, err := p.not()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tAnd {
		p.next()
		r, err := p.not()
		if err != nil {
			return nil, err
		}
		l = &logicNode{and: true, l: l, r: r}
	}
	return l, nil
}

func (p *parser) not() (node, error) {
	if t := p.peek(); t.kind == tNot {
		p.next()
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return &notNode{pos: t.pos, x: x}, nil
	}
	return p.primary()
}

func (p *parser) primary() (node, error) {
	t := p.peek()
	if t.kind == tLParen {
		p.next()
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			return nil, p.unexpected(c, `")"`)
		}
		return n, nil
	}
	lhs, err := p.operand("a field or a test")
	if err != nil {
		return nil, err
	}
	n := &testNode{lhs: lhs}
	op := p.peek()
	n.opPos, n.opEnd = op.pos, op.end
	switch op.kind {
	case tCmp, tContains, tMatches:
		p.next()
		n.kind, n.op = testCmp, op.op
		if op.kind == tContains {
			n.kind = testContains
		} else if op.kind == tMatches {
			n.kind = testMatches
		}
		if n.rhs, err = p.operand("a value"); err != nil {
			return nil, err
		}
	case tNot:
		if p.toks[p.i+1].kind != tIn {
			return n, nil // "a not b": the caller reports the "not"
		}
		p.next()
		n.opEnd = p.next().end
		n.kind, n.notIn = testIn, true
		if n.set, err = p.set(); err != nil {
			return nil, err
		}
	case tIn:
		p.next()
		n.kind = testIn
		if n.set, err = p.set(); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// operand reads a word or string and the slice and & mask after it.
func (p *parser) operand(want string) (*operand, error) {
	t := p.next()
	if t.kind != tWord && t.kind != tString {
		return nil, p.unexpected(t, want)
	}
	o := &operand{tok: t, pos: t.pos, end: t.end}
	if p.peek().kind == tLBracket {
		p.next()
		for {
			var text strings.Builder
			pos, end := p.peek().pos, p.peek().pos
			for p.peek().kind == tWord {
				w := p.next()
				text.WriteString(w.text)
				end = w.end
			}
			if text.Len() == 0 {
				return nil, p.unexpected(p.peek(), "a slice range such as 0:4")
			}
			o.slice = append(o.slice, sliceSpec{text: text.String(), pos: pos, end: end})
			c := p.next()
			if c.kind == tRBracket {
				o.end = c.end
				break
			}
			if c.kind != tComma {
				return nil, p.unexpected(c, `"]"`)
			}
		}
	}
	if p.peek().kind == tBitAnd {
		p.next()
		m := p.next()
		if m.kind != tWord {
			return nil, p.unexpected(m, "a mask such as 0x02")
		}
		o.mask = &m
		o.end = m.end
	}
	return o, nil
}

// set reads {a, b, lo..hi}; commas between members are optional.
func (p *parser) set() ([]setElem, error) {
	if t := p.next(); t.kind != tLBrace {
		return nil, p.unexpected(t, `"{"`)
	}
	var out []setElem
	open := false // the last member is a range whose upper end is due
	for {
		t := p.next()
		switch t.kind {
		case tRBrace:
			if open {
				return nil, p.unexpected(t, "the upper end of the range")
			}
			if len(out) == 0 {
				return nil, errAt(p.src, t.pos, 1, "the set is empty")
			}
			return out, nil
		case tComma:
			if open || len(out) == 0 {
				return nil, p.unexpected(t, "a value")
			}
			continue
		case tString:
			o := &operand{tok: t, pos: t.pos, end: t.end}
			if open {
				out[len(out)-1].hi, open = o, false
			} else {
				out = append(out, setElem{lo: o})
			}
			continue
		case tWord:
		default:
			return nil, p.unexpected(t, `a value or "}"`)
		}
		// A word may hold a range or part of one: "1..5", "1..", "..5", "..".
		w := t.text
		k := strings.Index(w, "..")
		if k < 0 {
			o := &operand{tok: t, pos: t.pos, end: t.end}
			if open {
				out[len(out)-1].hi, open = o, false
			} else {
				out = append(out, setElem{lo: o})
			}
			continue
		}
		left, right := w[:k], w[k+2:]
		part := func(s string, at int) *operand {
			tk := token{kind: tWord, text: s, pos: at, end: at + len(s)}
			return &operand{tok: tk, pos: tk.pos, end: tk.end}
		}
		if left == "" {
			if open || len(out) == 0 || out[len(out)-1].hi != nil {
				return nil, errAt(p.src, t.pos, 2, `".." needs a value before it`)
			}
		} else {
			if open {
				return nil, errAt(p.src, t.pos, len(left), "a range cannot start inside another")
			}
			out = append(out, setElem{lo: part(left, t.pos)})
		}
		if strings.Contains(right, "..") {
			return nil, errAt(p.src, t.pos+k+2, len(right), `a range has one ".."`)
		}
		if right == "" {
			open = true
		} else {
			out[len(out)-1].hi = part(right, t.pos+k+2)
		}
	}
}
