package filter

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/tcpstep/tcpstep/model"
)

// pred is a compiled filter or part of one: does the row match.
type pred func(r *row) bool

// Getters of a side of a test, once slices and masks are applied.
type (
	numsFn  func(r *row, dst []int64) []int64
	addrsFn func(r *row, dst []netip.Addr) []netip.Addr
	bytesFn func(r *row) ([]byte, bool)
	strsFn  func(r *row, dst []string) []string
)

type compiler struct {
	src            string
	payload, frame bool // some field reads through Source.Payload, Source.Frame
}

func (c *compiler) errAt(pos, end int, format string, args ...any) error {
	return errAt(c.src, pos, end-pos, fmt.Sprintf(format, args...))
}

func (c *compiler) node(n node) (pred, error) {
	switch n := n.(type) {
	case *logicNode:
		l, err := c.node(n.l)
		if err != nil {
			return nil, err
		}
		r, err := c.node(n.r)
		if err != nil {
			return nil, err
		}
		if n.and {
			return func(x *row) bool { return l(x) && r(x) }, nil
		}
		return func(x *row) bool { return l(x) || r(x) }, nil
	case *notNode:
		x, err := c.node(n.x)
		if err != nil {
			return nil, err
		}
		return func(r *row) bool { return !x(r) }, nil
	case *testNode:
		return c.test(n)
	}
	panic("filter: unknown node")
}

// looksLikeField reports whether w is spelled like a field name (a
// lowercase word with a dot, such as tcp.prot) rather than a value.
func looksLikeField(w string) bool {
	if w == "" || w[0] < 'a' || w[0] > 'z' {
		return false
	}
	for i := 0; i < len(w); i++ {
		if c := w[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// unknown is the error for a word that names no field.
func (c *compiler) unknown(o *operand) error {
	w := o.tok.text
	e := errAt(c.src, o.tok.pos, o.tok.end-o.tok.pos, fmt.Sprintf("unknown field %q", w))
	if h, ok := hints[w]; ok {
		e.Hint = "try " + h
	} else if s := suggest(w); s != "" {
		e.Hint = "did you mean " + s + "?"
	}
	return e
}

// field resolves the operand on the left of a test (or alone) to a field.
func (c *compiler) field(o *operand, n *testNode) (*field, error) {
	t := o.tok
	if t.kind == tWord {
		if f, ok := lookupField(t.text); ok {
			c.payload = c.payload || f.payload
			c.frame = c.frame || f.frame
			return f, nil
		}
		if c0 := t.text[0] | 0x20; c0 >= 'a' && c0 <= 'z' {
			return nil, c.unknown(o)
		}
	}
	if n.kind == testExists {
		return nil, c.errAt(t.pos, t.end, "%s is neither a field nor a protocol name", c.src[t.pos:t.end])
	}
	return nil, c.errAt(t.pos, t.end, "the left side of %s must be a field, not %s", c.opText(n), c.src[t.pos:t.end])
}

func (c *compiler) opText(n *testNode) string {
	return `"` + strings.TrimSpace(c.src[n.opPos:n.opEnd]) + `"`
}

// side is one side of a test: a field's values with its slice and mask
// applied, of the field's kind.
type side struct {
	f     *field
	kind  kind
	nums  numsFn
	addrs addrsFn
	bytes bytesFn
	strs  strsFn
}

func (c *compiler) side(f *field, o *operand) (*side, error) {
	s := &side{f: f, kind: f.kind, nums: f.nums, addrs: f.addrs, bytes: f.bytes, strs: f.strs}
	if len(o.slice) > 0 {
		if f.kind != kBytes {
			return nil, c.errAt(o.slice[0].pos-1, o.end, "%s is a %s and cannot be sliced (only bytes can)", f.name, f.kind)
		}
		ranges := make([]sliceRange, len(o.slice))
		for i, sp := range o.slice {
			r, err := parseSlice(sp.text)
			if err != nil {
				return nil, c.errAt(sp.pos, sp.end, "%v", err)
			}
			ranges[i] = r
		}
		get := f.bytes
		s.bytes = func(r *row) ([]byte, bool) {
			b, ok := get(r)
			if !ok {
				return nil, false
			}
			return applySlice(b, ranges)
		}
	}
	if o.mask != nil {
		if f.kind != kUint && f.kind != kBool {
			return nil, c.errAt(o.mask.pos, o.mask.end, "& needs an integer field, and %s is a %s", f.name, f.kind)
		}
		m, err := c.number(f, o.mask)
		if err != nil {
			return nil, err
		}
		get := f.nums
		s.nums = func(r *row, dst []int64) []int64 {
			vs := get(r, dst)
			for i := range vs {
				vs[i] &= m
			}
			return vs
		}
	}
	return s, nil
}

func (c *compiler) test(n *testNode) (pred, error) {
	f, err := c.field(n.lhs, n)
	if err != nil {
		return nil, err
	}
	l, err := c.side(f, n.lhs)
	if err != nil {
		return nil, err
	}
	switch n.kind {
	case testExists:
		switch {
		case n.lhs.mask != nil:
			get := l.nums
			return func(r *row) bool {
				vs := get(r, r.na[:0])
				r.na = vs[:0]
				for _, v := range vs {
					if v != 0 {
						return true
					}
				}
				return false
			}, nil
		case len(n.lhs.slice) > 0:
			get := l.bytes
			return func(r *row) bool { _, ok := get(r); return ok }, nil
		}
		return f.present, nil
	case testCmp:
		return c.compare(n, l)
	case testContains:
		return c.contains(n, l)
	case testMatches:
		return c.matches(n, l)
	case testIn:
		p, err := c.in(n, l)
		if err != nil || !n.notIn {
			return p, err
		}
		return func(r *row) bool { return !p(r) }, nil
	}
	panic("filter: unknown test")
}

// quant says how op reads the occurrences of a field: all of them must
// pass (and there must be one), or any one suffices; and which results of
// comparing an occurrence with the other side pass.
func quant(op cmpOp) (all bool, pass func(c int) bool) {
	switch op {
	case opEq:
		return false, func(c int) bool { return c == 0 }
	case opNe:
		return true, func(c int) bool { return c != 0 }
	case opAllEq:
		return true, func(c int) bool { return c == 0 }
	case opAnyNe:
		return false, func(c int) bool { return c != 0 }
	case opLt:
		return false, func(c int) bool { return c < 0 }
	case opLe:
		return false, func(c int) bool { return c <= 0 }
	case opGt:
		return false, func(c int) bool { return c > 0 }
	default:
		return false, func(c int) bool { return c >= 0 }
	}
}

// over applies a quantifier to n comparisons.
func over(all bool, n int, pass func(i int) bool) bool {
	if all {
		if n == 0 {
			return false
		}
		for i := 0; i < n; i++ {
			if !pass(i) {
				return false
			}
		}
		return true
	}
	for i := 0; i < n; i++ {
		if pass(i) {
			return true
		}
	}
	return false
}

func (c *compiler) compare(n *testNode, l *side) (pred, error) {
	if l.kind == kLabel {
		return nil, c.errAt(n.lhs.pos, n.lhs.end, "%s has no value to compare: test it alone, as in %q", l.f.name, l.f.name)
	}
	ordered := n.op >= opLt
	if ordered && l.kind == kState {
		return nil, c.errAt(n.opPos, n.opEnd, "states are not ordered: use == or in {...}")
	}
	if r, ok, err := c.otherField(n.rhs, l, n); err != nil || ok {
		if err != nil {
			return nil, err
		}
		return c.compareFields(n.op, l, r), nil
	}
	if err := c.plainValue(n.rhs); err != nil {
		return nil, err
	}
	all, pass := quant(n.op)
	switch l.kind {
	case kIPv4, kIPv6:
		p, err := c.prefix(l.f, n.rhs)
		if err != nil {
			return nil, err
		}
		get := l.addrs
		return func(r *row) bool {
			vs := get(r, r.aa[:0])
			r.aa = vs[:0]
			return over(all, len(vs), func(i int) bool { return pass(cmpPrefix(vs[i], p)) })
		}, nil
	case kBytes:
		b, err := c.bytesValue(l.f, n.rhs)
		if err != nil {
			return nil, err
		}
		get := l.bytes
		return func(r *row) bool {
			v, ok := get(r)
			return ok && pass(bytes.Compare(v, b))
		}, nil
	case kString:
		v, err := c.stringValue(l.f, n.rhs)
		if err != nil {
			return nil, err
		}
		get := l.strs
		return func(r *row) bool {
			vs := get(r, r.sa[:0])
			r.sa = vs[:0]
			return over(all, len(vs), func(i int) bool { return pass(strings.Compare(vs[i], v)) })
		}, nil
	}
	v, err := c.number(l.f, &n.rhs.tok)
	if err != nil {
		return nil, err
	}
	get := l.nums
	if n.op == opEq {
		// The common case, without the quantifier's calls.
		return func(r *row) bool {
			vs := get(r, r.na[:0])
			r.na = vs[:0]
			for _, x := range vs {
				if x == v {
					return true
				}
			}
			return false
		}, nil
	}
	return func(r *row) bool {
		vs := get(r, r.na[:0])
		r.na = vs[:0]
		return over(all, len(vs), func(i int) bool { return pass(cmp.Compare(vs[i], v)) })
	}, nil
}

// plainValue checks that a value is only a value: a slice or a mask
// applies to a field.
func (c *compiler) plainValue(o *operand) error {
	if len(o.slice) > 0 || o.mask != nil {
		return c.errAt(o.pos, o.end, "only a field can be sliced or masked, and %s is a value", o.tok.text)
	}
	return nil
}

// otherField resolves the right side of a comparison when it names a
// field, checking that its values are of the left side's kind.
func (c *compiler) otherField(o *operand, l *side, n *testNode) (*side, bool, error) {
	if o.tok.kind != tWord {
		return nil, false, nil
	}
	f, ok := lookupField(o.tok.text)
	if !ok {
		return nil, false, nil
	}
	c.payload = c.payload || f.payload
	c.frame = c.frame || f.frame
	r, err := c.side(f, o)
	if err != nil {
		return nil, false, err
	}
	lk, rk := l.kind, r.kind
	if lk == kBool {
		lk = kUint
	}
	if rk == kBool {
		rk = kUint
	}
	if lk != rk {
		return nil, false, c.errAt(o.pos, o.end, "%s is a %s and %s a %s: they cannot be compared", l.f.name, l.kind, f.name, r.kind)
	}
	return r, true, nil
}

// compareFields compares two fields' occurrences pair by pair.
func (c *compiler) compareFields(op cmpOp, l, r *side) pred {
	all, pass := quant(op)
	switch l.kind {
	case kIPv4, kIPv6:
		lg, rg := l.addrs, r.addrs
		return func(x *row) bool {
			a := lg(x, x.aa[:0])
			b := rg(x, x.ab[:0])
			x.aa, x.ab = a[:0], b[:0]
			return over(all, len(a)*len(b), func(i int) bool { return pass(a[i/len(b)].Compare(b[i%len(b)])) })
		}
	case kBytes:
		lg, rg := l.bytes, r.bytes
		return func(x *row) bool {
			a, ok := lg(x)
			if !ok {
				return false
			}
			b, ok := rg(x)
			return ok && pass(bytes.Compare(a, b))
		}
	case kString:
		lg, rg := l.strs, r.strs
		return func(x *row) bool {
			a := lg(x, x.sa[:0])
			b := rg(x, x.sb[:0])
			x.sa, x.sb = a[:0], b[:0]
			return over(all, len(a)*len(b), func(i int) bool { return pass(strings.Compare(a[i/len(b)], b[i%len(b)])) })
		}
	}
	lg, rg := l.nums, r.nums
	return func(x *row) bool {
		a := lg(x, x.na[:0])
		b := rg(x, x.nb[:0])
		x.na, x.nb = a[:0], b[:0]
		return over(all, len(a)*len(b), func(i int) bool { return pass(cmp.Compare(a[i/len(b)], b[i%len(b)])) })
	}
}

func (c *compiler) contains(n *testNode, l *side) (pred, error) {
	if l.kind == kString {
		return c.containsString(n, l)
	}
	if l.kind != kBytes {
		return nil, c.errAt(n.opPos, n.opEnd, "contains needs bytes, and %s is a %s", l.f.name, l.kind)
	}
	get := l.bytes
	if r, ok, err := c.otherField(n.rhs, l, n); err != nil || ok {
		if err != nil {
			return nil, err
		}
		rg := r.bytes
		return func(x *row) bool {
			a, ok := get(x)
			if !ok {
				return false
			}
			b, ok := rg(x)
			return ok && bytes.Contains(a, b)
		}, nil
	}
	if err := c.plainValue(n.rhs); err != nil {
		return nil, err
	}
	b, err := c.bytesValue(l.f, n.rhs)
	if err != nil {
		return nil, err
	}
	return func(r *row) bool {
		v, ok := get(r)
		return ok && bytes.Contains(v, b)
	}, nil
}

func (c *compiler) matches(n *testNode, l *side) (pred, error) {
	if l.kind != kBytes && l.kind != kString {
		return nil, c.errAt(n.opPos, n.opEnd, "matches needs bytes, and %s is a %s", l.f.name, l.kind)
	}
	if n.rhs.tok.kind != tString {
		return nil, c.errAt(n.rhs.pos, n.rhs.end, "matches takes a pattern in quotes")
	}
	if err := c.plainValue(n.rhs); err != nil {
		return nil, err
	}
	// Wireshark's matches ignores case unless the pattern says (?-i).
	re, err := regexp.Compile("(?i)" + n.rhs.tok.text)
	if err != nil {
		msg := err.Error()
		var e *syntax.Error
		if errors.As(err, &e) {
			msg = string(e.Code) + ": " + strings.TrimPrefix(e.Expr, "(?i)")
		}
		return nil, c.errAt(n.rhs.pos, n.rhs.end, "bad pattern: %s (Go regexp syntax)", msg)
	}
	if l.kind == kString {
		get := l.strs
		return func(r *row) bool {
			vs := get(r, r.sa[:0])
			r.sa = vs[:0]
			for _, v := range vs {
				if re.MatchString(v) {
					return true
				}
			}
			return false
		}, nil
	}
	get := l.bytes
	return func(r *row) bool {
		v, ok := get(r)
		return ok && re.Match(v)
	}, nil
}

// containsString is contains for a text field: any occurrence holds the
// value (or an occurrence of the other field) as a substring.
func (c *compiler) containsString(n *testNode, l *side) (pred, error) {
	get := l.strs
	if r, ok, err := c.otherField(n.rhs, l, n); err != nil || ok {
		if err != nil {
			return nil, err
		}
		rg := r.strs
		return func(x *row) bool {
			a := get(x, x.sa[:0])
			b := rg(x, x.sb[:0])
			x.sa, x.sb = a[:0], b[:0]
			for _, u := range a {
				for _, v := range b {
					if strings.Contains(u, v) {
						return true
					}
				}
			}
			return false
		}, nil
	}
	if err := c.plainValue(n.rhs); err != nil {
		return nil, err
	}
	v, err := c.stringValue(l.f, n.rhs)
	if err != nil {
		return nil, err
	}
	return func(r *row) bool {
		vs := get(r, r.sa[:0])
		r.sa = vs[:0]
		for _, u := range vs {
			if strings.Contains(u, v) {
				return true
			}
		}
		return false
	}, nil
}

func (c *compiler) in(n *testNode, l *side) (pred, error) {
	switch l.kind {
	case kLabel:
		return nil, c.errAt(n.lhs.pos, n.lhs.end, "%s has no value to look for in a set", l.f.name)
	case kIPv4, kIPv6:
		type span struct{ lo, hi netip.Prefix }
		var set []span
		for _, e := range n.set {
			lo, err := c.prefix(l.f, e.lo)
			if err != nil {
				return nil, err
			}
			hi := lo
			if e.hi != nil {
				if hi, err = c.prefix(l.f, e.hi); err != nil {
					return nil, err
				}
			}
			set = append(set, span{lo, hi})
		}
		get := l.addrs
		return func(r *row) bool {
			vs := get(r, r.aa[:0])
			r.aa = vs[:0]
			for _, v := range vs {
				for _, s := range set {
					if cmpPrefix(v, s.lo) >= 0 && cmpPrefix(v, s.hi) <= 0 {
						return true
					}
				}
			}
			return false
		}, nil
	case kBytes:
		var set [][]byte
		for _, e := range n.set {
			if e.hi != nil {
				return nil, c.errAt(e.lo.pos, e.hi.end, "bytes have no ranges")
			}
			b, err := c.bytesValue(l.f, e.lo)
			if err != nil {
				return nil, err
			}
			set = append(set, b)
		}
		get := l.bytes
		return func(r *row) bool {
			v, ok := get(r)
			if !ok {
				return false
			}
			for _, b := range set {
				if bytes.Equal(v, b) {
					return true
				}
			}
			return false
		}, nil
	}
	if l.kind == kString {
		var set []string
		for _, e := range n.set {
			if e.hi != nil {
				return nil, c.errAt(e.lo.pos, e.hi.end, "strings have no ranges")
			}
			v, err := c.stringValue(l.f, e.lo)
			if err != nil {
				return nil, err
			}
			set = append(set, v)
		}
		get := l.strs
		return func(r *row) bool {
			vs := get(r, r.sa[:0])
			r.sa = vs[:0]
			for _, v := range vs {
				for _, w := range set {
					if v == w {
						return true
					}
				}
			}
			return false
		}, nil
	}
	type span struct{ lo, hi int64 }
	var set []span
	for _, e := range n.set {
		lo, err := c.number(l.f, &e.lo.tok)
		if err != nil {
			return nil, err
		}
		hi := lo
		if e.hi != nil {
			if l.kind == kState {
				return nil, c.errAt(e.lo.pos, e.hi.end, "states are not ordered: list them")
			}
			if hi, err = c.number(l.f, &e.hi.tok); err != nil {
				return nil, err
			}
		}
		set = append(set, span{lo, hi})
	}
	get := l.nums
	return func(r *row) bool {
		vs := get(r, r.na[:0])
		r.na = vs[:0]
		for _, v := range vs {
			for _, s := range set {
				if v >= s.lo && v <= s.hi {
					return true
				}
			}
		}
		return false
	}, nil
}

// cmpPrefix compares address a with prefix p as Wireshark compares an
// address with an address and netmask: a's first p.Bits() bits with p's.
// Equal means p contains a.
func cmpPrefix(a netip.Addr, p netip.Prefix) int {
	if a.BitLen() != p.Addr().BitLen() {
		return cmp.Compare(a.BitLen(), p.Addr().BitLen())
	}
	m, _ := a.Prefix(p.Bits())
	return m.Addr().Compare(p.Addr())
}

// Values written in a filter, read for a field's kind.

// badValue says that the value token t is not one for field f, or that t,
// spelled like a field, is an unknown one.
func (c *compiler) badValue(f *field, t *token, why string) error {
	if t.kind == tWord && looksLikeField(t.text) && strings.Contains(t.text, ".") {
		return c.unknown(&operand{tok: *t, pos: t.pos, end: t.end})
	}
	msg := fmt.Sprintf("%s is not a valid %s for %s", c.src[t.pos:t.end], f.kind, f.name)
	if why != "" {
		msg += " (" + why + ")"
	}
	return c.errAt(t.pos, t.end, "%s", msg)
}

// number reads an integer, flag, time or state value for f.
func (c *compiler) number(f *field, t *token) (int64, error) {
	s := t.text
	switch f.kind {
	case kState:
		if st, ok := parseState(s); ok {
			return int64(st), nil
		}
		return 0, c.badValue(f, t, "states are "+stateList())
	case kTime:
		if t.kind == tString {
			return 0, c.badValue(f, t, "write the seconds without quotes")
		}
		ns, err := parseSeconds(s)
		if err != nil {
			return 0, c.badValue(f, t, err.Error())
		}
		return ns, nil
	}
	if t.kind == tString {
		return 0, c.badValue(f, t, "write the number without quotes")
	}
	if f.kind == kBool {
		switch s {
		case "True", "true", "TRUE":
			return 1, nil
		case "False", "false", "FALSE":
			return 0, nil
		}
	}
	var v int64
	if strings.HasPrefix(s, "-") {
		n, err := strconv.ParseInt(s, 0, 64)
		if err != nil {
			return 0, c.badValue(f, t, "")
		}
		v = n
	} else {
		n, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			return 0, c.badValue(f, t, "")
		}
		if max := uint64(1)<<f.bits - 1; n > max && f.kind == kUint {
			return 0, c.errAt(t.pos, t.end, "%s is too big for %s, at most %d", s, f.name, max)
		}
		if n > 1<<62 {
			return 0, c.errAt(t.pos, t.end, "%s is too big", s)
		}
		v = int64(n)
	}
	if f.kind == kBool && v != 0 {
		v = 1 // as in Wireshark, any number but 0 is True
	}
	return v, nil
}

// prefix reads an address or CIDR prefix for an address field.
func (c *compiler) prefix(f *field, o *operand) (netip.Prefix, error) {
	t := &o.tok
	s := t.text
	var p netip.Prefix
	if strings.Contains(s, "/") {
		q, err := netip.ParsePrefix(s)
		if err != nil {
			return p, c.badValue(f, t, "")
		}
		p = q.Masked()
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return p, c.badValue(f, t, "")
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if (f.kind == kIPv4) != p.Addr().Is4() {
		want := "IPv4"
		if f.kind == kIPv6 {
			want = "IPv6"
		}
		return p, c.errAt(t.pos, t.end, "%s is not an %s address, which %s wants", s, want, f.name)
	}
	return p, nil
}

// stringValue reads a value for a text field: a string in quotes, or a
// word written without them (smtp.req.command == VRFY), as Wireshark
// takes an unquoted literal.
func (c *compiler) stringValue(f *field, o *operand) (string, error) {
	t := &o.tok
	if t.kind == tWord && looksLikeField(t.text) && strings.Contains(t.text, ".") {
		return "", c.unknown(o)
	}
	return t.text, nil
}

// bytesValue reads bytes: a string, or hex bytes 0d:0a (or 0d-0a, 0d.0a,
// 0d0a, or one byte 0d).
func (c *compiler) bytesValue(f *field, o *operand) ([]byte, error) {
	t := &o.tok
	if t.kind == tString {
		return []byte(t.text), nil
	}
	b, ok := parseHexBytes(t.text)
	if !ok {
		return nil, c.badValue(f, t, `write text in quotes, or bytes as 0d:0a`)
	}
	return b, nil
}

func parseHexBytes(s string) ([]byte, bool) {
	var parts []string
	if i := strings.IndexAny(s, ":-."); i >= 0 {
		sep := s[i : i+1]
		parts = strings.Split(s, sep)
		for _, p := range parts {
			if len(p) < 1 || len(p) > 2 {
				return nil, false
			}
		}
	} else {
		if len(s) == 1 {
			s = "0" + s
		}
		if len(s)%2 != 0 {
			return nil, false
		}
		for i := 0; i < len(s); i += 2 {
			parts = append(parts, s[i:i+2])
		}
	}
	out := make([]byte, 0, len(parts))
	for _, p := range parts {
		v, err := strconv.ParseUint(p, 16, 8)
		if err != nil {
			return nil, false
		}
		out = append(out, byte(v))
	}
	return out, len(out) > 0
}

// parseState reads a state's name as the RFC (SYN-RECEIVED) or tcpstep
// (SYN_RECEIVED) writes it, in any case.
func parseState(s string) (model.State, bool) {
	s = strings.ToUpper(strings.NewReplacer("-", "_", " ", "_").Replace(strings.TrimSpace(s)))
	for _, st := range model.AllStates() {
		if st.String() == s {
			return st, true
		}
	}
	return 0, false
}

func stateList() string {
	var names []string
	for _, st := range model.AllStates() {
		names = append(names, st.String())
	}
	return strings.Join(names, " ")
}

// parseSeconds reads a time in seconds, with up to nine decimals, into
// nanoseconds.
func parseSeconds(s string) (int64, error) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return 0, fmt.Errorf("no digits")
	}
	if len(frac) > 9 {
		return 0, fmt.Errorf("more precise than a nanosecond")
	}
	var w, f uint64
	var err error
	if whole != "" {
		if w, err = strconv.ParseUint(whole, 10, 64); err != nil || w > 1<<33 {
			return 0, fmt.Errorf("seconds as a decimal number, such as 1.5")
		}
	}
	if frac != "" {
		if f, err = strconv.ParseUint(frac, 10, 64); err != nil {
			return 0, fmt.Errorf("seconds as a decimal number, such as 1.5")
		}
		for i := len(frac); i < 9; i++ {
			f *= 10
		}
	}
	ns := int64(w*1e9 + f)
	if neg {
		ns = -ns
	}
	return ns, nil
}

// sliceRange is one range of a slice: length bytes from start (from the
// end when start is negative), or to the end when toEnd.
type sliceRange struct {
	start, length int
	toEnd         bool
}

func parseSlice(s string) (sliceRange, error) {
	bad := fmt.Errorf("%q is not a slice range (write i:n, i-j, i, i: or :n)", s)
	if s == "" {
		return sliceRange{}, bad
	}
	num := func(t string) (int, bool) {
		v, err := strconv.Atoi(t)
		return v, err == nil
	}
	if a, b, ok := strings.Cut(s, ":"); ok {
		r := sliceRange{}
		if a != "" {
			v, ok := num(a)
			if !ok {
				return r, bad
			}
			r.start = v
		}
		if b == "" {
			r.toEnd = true
			return r, nil
		}
		n, ok := num(b)
		if !ok || n < 0 {
			return r, bad
		}
		r.length = n
		return r, nil
	}
	// i-j, where i may itself be negative (-4--1 is not Wireshark's, but
	// -4-2 would be ambiguous): the range's dash is the first one after
	// the first character.
	if k := strings.Index(s[1:], "-"); k >= 0 {
		i, ok1 := num(s[:k+1])
		j, ok2 := num(s[k+2:])
		if !ok1 || !ok2 || (i >= 0 && j < i) {
			return sliceRange{}, bad
		}
		if i < 0 || j < 0 {
			if i < 0 && j < 0 && j >= i {
				return sliceRange{start: i, length: j - i + 1}, nil
			}
			return sliceRange{}, bad
		}
		return sliceRange{start: i, length: j - i + 1}, nil
	}
	i, ok := num(s)
	if !ok {
		return sliceRange{}, bad
	}
	return sliceRange{start: i, length: 1}, nil
}

// applySlice cuts the ranges out of b and joins them; a range that does
// not lie wholly inside b makes the slice absent, as in Wireshark.
func applySlice(b []byte, ranges []sliceRange) ([]byte, bool) {
	if len(ranges) == 1 {
		return cut(b, ranges[0])
	}
	var out []byte
	for _, r := range ranges {
		p, ok := cut(b, r)
		if !ok {
			return nil, false
		}
		out = append(out, p...)
	}
	return out, true
}

func cut(b []byte, r sliceRange) ([]byte, bool) {
	s := r.start
	if s < 0 {
		s += len(b)
	}
	if s < 0 || s > len(b) {
		return nil, false
	}
	e := s + r.length
	if r.toEnd {
		e = len(b)
	}
	if e > len(b) {
		return nil, false
	}
	return b[s:e], true
}

// suggest returns the known field closest to w, when one is close: at
// most two edits away, and fewer for a short word, ignoring case.
func suggest(w string) string {
	w = strings.ToLower(w)
	best, bestD := "", min(2, len(w)/3)+1
	for _, n := range fieldNames() {
		if d := editDistance(w, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, sub)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
