package filter

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of a token of a filter.
type tokKind uint8

const (
	tEOF    tokKind = iota
	tWord           // a field name or an unquoted value: 80, 10.0.0.0/8, 0d:0a, SYN_RECEIVED
	tString         // a quoted string; text is its decoded bytes
	tAnd
	tOr
	tNot
	tCmp // a comparison; op says which
	tContains
	tMatches
	tIn
	tBitAnd
	tLParen
	tRParen
	tLBrace
	tRBrace
	tLBracket
	tRBracket
	tComma
)

// cmpOp is a comparison operator.
type cmpOp uint8

const (
	opEq    cmpOp = iota // ==, eq, any_eq: some occurrence equal
	opNe                 // !=, ne, all_ne, !==: every occurrence different
	opAllEq              // ===, all_eq: every occurrence equal
	opAnyNe              // ~=, any_ne: some occurrence different
	opLt
	opLe
	opGt
	opGe
)

var opNames = [...]string{"==", "!=", "===", "~=", "<", "<=", ">", ">="}

func (o cmpOp) String() string { return opNames[o] }

// token is one token of a filter: its kind, its byte range [pos, end) in
// the filter text, and for a word or string its text.
type token struct {
	kind     tokKind
	op       cmpOp
	pos, end int
	text     string // a word's text; a string's decoded value
	raw      bool   // a raw string r"..."
}

// keywords are the words that are operators, in any case.
var keywords = map[string]token{
	"and":      {kind: tAnd},
	"or":       {kind: tOr},
	"not":      {kind: tNot},
	"eq":       {kind: tCmp, op: opEq},
	"any_eq":   {kind: tCmp, op: opEq},
	"ne":       {kind: tCmp, op: opNe},
	"all_ne":   {kind: tCmp, op: opNe},
	"all_eq":   {kind: tCmp, op: opAllEq},
	"any_ne":   {kind: tCmp, op: opAnyNe},
	"lt":       {kind: tCmp, op: opLt},
	"le":       {kind: tCmp, op: opLe},
	"gt":       {kind: tCmp, op: opGt},
	"ge":       {kind: tCmp, op: opGe},
	"contains": {kind: tContains},
	"matches":  {kind: tMatches},
	"in":       {kind: tIn},
}

// isWordByte reports whether c may be part of a word: field names
// (tcp.analysis.flags), numbers, addresses (fe80::1/64), byte strings
// (0d:0a), ranges (1..5) and bare state names (SYN-RECEIVED).
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == ':' || c == '/' || c == '-'
}

// lex splits a filter into tokens, ending with tEOF.
func lex(src string) ([]token, error) {
	var out []token
	i := 0
	for {
		for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
			i++
		}
		if i >= len(src) {
			out = append(out, token{kind: tEOF, pos: len(src), end: len(src)})
			return out, nil
		}
		c := src[i]
		two := ""
		if i+1 < len(src) {
			two = src[i : i+2]
		}
		sym := func(k tokKind, op cmpOp, n int) {
			out = append(out, token{kind: k, op: op, pos: i, end: i + n})
			i += n
		}
		switch {
		case (c == 'r' || c == 'R') && two != "" && two[1] == '"':
			t, err := lexString(src, i+1, true)
			if err != nil {
				return nil, err
			}
			t.pos = i
			out = append(out, t)
			i = t.end
		case c == '"':
			t, err := lexString(src, i, false)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
			i = t.end
		case isWordByte(c):
			j := i
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			w := src[i:j]
			if k, ok := keywords[strings.ToLower(w)]; ok {
				k.pos, k.end = i, j
				out = append(out, k)
			} else {
				out = append(out, token{kind: tWord, pos: i, end: j, text: w})
			}
			i = j
		case strings.HasPrefix(src[i:], "==="):
			sym(tCmp, opAllEq, 3)
		case strings.HasPrefix(src[i:], "!=="):
			sym(tCmp, opNe, 3)
		case two == "==":
			sym(tCmp, opEq, 2)
		case two == "!=":
			sym(tCmp, opNe, 2)
		case two == "~=":
			sym(tCmp, opAnyNe, 2)
		case two == "<=":
			sym(tCmp, opLe, 2)
		case two == ">=":
			sym(tCmp, opGe, 2)
		case two == "&&":
			sym(tAnd, 0, 2)
		case two == "||":
			sym(tOr, 0, 2)
		case c == '<':
			sym(tCmp, opLt, 1)
		case c == '>':
			sym(tCmp, opGt, 1)
		case c == '!':
			sym(tNot, 0, 1)
		case c == '~':
			sym(tMatches, 0, 1)
		case c == '&':
			sym(tBitAnd, 0, 1)
		case c == '(':
			sym(tLParen, 0, 1)
		case c == ')':
			sym(tRParen, 0, 1)
		case c == '{':
			sym(tLBrace, 0, 1)
		case c == '}':
			sym(tRBrace, 0, 1)
		case c == '[':
			sym(tLBracket, 0, 1)
		case c == ']':
			sym(tRBracket, 0, 1)
		case c == ',':
			sym(tComma, 0, 1)
		case c == '=':
			return nil, errAt(src, i, 1, `"=" is not an operator (use == to compare)`)
		case c == '|':
			return nil, errAt(src, i, 1, `"|" is not an operator (use || or "or")`)
		default:
			r, n := utf8.DecodeRuneInString(src[i:])
			return nil, errAt(src, i, n, "unexpected character "+strconv.QuoteRune(r))
		}
	}
}

// lexString reads the string whose opening quote is at src[q]. A raw string
// keeps every backslash; a plain one decodes Wireshark's escapes.
func lexString(src string, q int, raw bool) (token, error) {
	var b []byte
	i := q + 1
	for i < len(src) {
		c := src[i]
		switch {
		case c == '"':
			return token{kind: tString, pos: q, end: i + 1, text: string(b), raw: raw}, nil
		case c == '\\' && raw:
			// A raw string still lets \" stand for a quote, keeping the
			// backslash, as Wireshark's do.
			if i+1 < len(src) && src[i+1] == '"' {
				b = append(b, '\\', '"')
				i += 2
				continue
			}
			b = append(b, c)
			i++
		case c == '\\':
			v, n, err := escape(src, i)
			if err != nil {
				return token{}, err
			}
			b = append(b, v...)
			i += n
		default:
			b = append(b, c)
			i++
		}
	}
	return token{}, errAt(src, q, len(src)-q, "string not closed (a closing \" is missing)")
}

// escape decodes the escape sequence at src[i] (a backslash), returning its
// bytes and its length in src.
func escape(src string, i int) ([]byte, int, error) {
	if i+1 >= len(src) {
		return nil, 0, errAt(src, i, 1, "string ends in a lone backslash")
	}
	switch c := src[i+1]; c {
	case '\\', '"', '\'':
		return []byte{c}, 2, nil
	case 'a':
		return []byte{7}, 2, nil
	case 'b':
		return []byte{8}, 2, nil
	case 'f':
		return []byte{12}, 2, nil
	case 'n':
		return []byte{'\n'}, 2, nil
	case 'r':
		return []byte{'\r'}, 2, nil
	case 't':
		return []byte{'\t'}, 2, nil
	case 'v':
		return []byte{11}, 2, nil
	case 'x':
		j := i + 2
		for j < len(src) && j < i+4 && isHex(src[j]) {
			j++
		}
		if j == i+2 {
			return nil, 0, errAt(src, i, 2, `\x needs one or two hex digits`)
		}
		v, _ := strconv.ParseUint(src[i+2:j], 16, 8)
		return []byte{byte(v)}, j - i, nil
	case 'u', 'U':
		n := 4
		if c == 'U' {
			n = 8
		}
		j := i + 2
		for j < len(src) && j < i+2+n && isHex(src[j]) {
			j++
		}
		if j != i+2+n {
			return nil, 0, errAt(src, i, j-i, `\`+string(c)+" needs "+strconv.Itoa(n)+" hex digits")
		}
		v, _ := strconv.ParseUint(src[i+2:j], 16, 32)
		if v > utf8.MaxRune {
			return nil, 0, errAt(src, i, j-i, "not a Unicode code point")
		}
		return utf8.AppendRune(nil, rune(v)), j - i, nil
	default:
		if c >= '0' && c <= '7' {
			j := i + 1
			for j < len(src) && j < i+4 && src[j] >= '0' && src[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(src[i+1:j], 8, 16)
			if v > 255 {
				return nil, 0, errAt(src, i, j-i, "octal escape above \\377")
			}
			return []byte{byte(v)}, j - i, nil
		}
		r, n := utf8.DecodeRuneInString(src[i+1:])
		return nil, 0, errAt(src, i, 1+n, `\`+string(r)+` is not an escape (write \\ for a backslash, or use a raw string r"...")`)
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
