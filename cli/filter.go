// --filter, which dump, export and write share: a Wireshark display filter
// (package filter) compiled once, run over the decoded capture, and handed
// to each command as the set of frames it keeps.

package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/filter"
	"github.com/tcpstep/tcpstep/model"
)

// filterUsage is --filter's line in every command's flags.
const filterUsage = `keep only the frames matching this Wireshark display filter (e.g. "tcp.len > 0 && !tcp.analysis.retransmission")`

// compileFilter compiles --filter EXPR; an empty (or blank) EXPR is no
// filter, nil. A filter that does not compile is bad input (exit status 2),
// said on one line that quotes it and names the column where it goes wrong:
//
//	--filter "tcp.prot == 25": unknown field "tcp.prot" at column 1 (did you mean tcp.port?)
func compileFilter(expr string) (*filter.Filter, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, nil
	}
	f, err := filter.Compile(expr)
	if err == nil {
		return f, nil
	}
	var fe *filter.Error
	if !errors.As(err, &fe) {
		return nil, badInput(fmt.Errorf("--filter %q: %w", expr, err))
	}
	msg := fmt.Sprintf("--filter %q: %s at column %d", expr, fe.Msg, fe.Column())
	if fe.Hint != "" {
		msg += " (" + fe.Hint + ")"
	}
	return nil, badInput(errors.New(msg))
}

// filterSource reads what a filter needs beyond the timeline from the
// capture: payloads (as follow reads them) and the bytes of frames that
// carry no segment.
func filterSource(in *decode.Input, tl *model.Timeline) filter.Source {
	return filter.Source{
		Payload: func(seg int) ([]byte, error) { return in.Payload(tl, seg) },
		Frame: func(n uint32) ([]byte, model.Dissection, error) {
			return in.Frame(&tl.Frames[n-1])
		},
	}
}

// frameSet is the frames of a capture that --filter keeps. A nil *frameSet
// is no filter: it keeps every frame.
type frameSet struct {
	expr   string   // the filter as typed
	frames []uint32 // the frames that match, in capture order
	match  []bool   // match[n]: frame n matches
}

// runFilter runs f over the decoded capture (nil f: nil, every frame
// kept). A frame whose bytes no longer read back is judged without them (a
// field read from them is absent, as tshark has it for a field a frame does
// not carry), and the returned warning says so.
func runFilter(f *filter.Filter, in *decode.Input, tl *model.Timeline) (*frameSet, []string) {
	if f == nil {
		return nil, nil
	}
	frames, err := f.Frames(tl, filterSource(in, tl))
	fs := &frameSet{expr: f.String(), frames: frames, match: make([]bool, len(tl.Frames)+1)}
	for _, n := range frames {
		fs.match[n] = true
	}
	var warnings []string
	if err != nil {
		warnings = append(warnings, fmt.Sprintf("--filter %q: %v (the fields of a frame that could not be read were taken as absent)", fs.expr, err))
	}
	return fs, warnings
}

// has reports whether frame n (1-based) is kept.
func (fs *frameSet) has(n uint32) bool {
	return fs == nil || (int(n) < len(fs.match) && fs.match[n])
}

// keep is the set as export.Options.Keep takes it: nil without a filter,
// so that the export knows no row is left out.
func (fs *frameSet) keep() func(frame uint32) bool {
	if fs == nil {
		return nil
	}
	return fs.has
}

// String is the filter as typed, "" without one.
func (fs *frameSet) String() string {
	if fs == nil {
		return ""
	}
	return fs.expr
}
