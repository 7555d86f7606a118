package model

import (
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strings"
	"time"
)

// Initial sequence numbers. RFC 793 let a host pick its ISN from a clock;
// 4.4BSD stepped a global counter by 64000 per connection and 64000 every
// half second, and Morris (1985) and Mitnick (1994) showed that an attacker
// who can predict the next ISN can spoof a whole connection. RFC 1948 (now
// RFC 6528) has each connection's ISN hashed with a secret over its
// addresses and ports, so between two connections the difference looks
// random. Given the ISNs a host chose over several connections, this
// analysis says which of those it looks like.
//
// The series. For each host (an IP address) two series: the ISNs of the
// connections it opened (its pure SYNs) and of those it accepted (its
// SYN,ACKs). Each conversation contributes its first SYN in each direction,
// so a resent SYN counts once; series are in capture order.
//
// The tests, on the differences d = ISN(i+1) − ISN(i) mod 2^32 and the time
// between the SYNs:
//
//   - constant step: every d is the same (the same ISN every time is a step
//     of 0);
//   - multiples of a step: the greatest common divisor g of the d is over 1
//     and every d is at most isnMaxMultiple·g (4.4BSD: multiples of 64000).
//     Random differences (spread over 2^32) have such a divisor with a
//     probability of about 2^-20;
//   - time-proportional: d is a + b·Δt (least squares; a = 0 with fewer than
//     three differences), b > 0, within isnWindow for every d: the clock
//     of RFC 793 (250000/s), or a per-connection step plus a clock
//     (64000 + 128000/s).
//
// They are tried in that order but for the clock before the multiples: a
// counter stepped per connection and per clock tick (4.4BSD) is best told
// as a step plus a clock, and multiples remain for counters whose steps
// follow no clock. A series that passes one is "predictable": the next ISN can be guessed
// within isnWindow. Otherwise it is "unpredictable". For random differences
// each prediction lands in the window with a probability of about
// 2·isnWindow/2^32 = 2^-14. Three ISNs (two differences) are the least that
// can show a pattern; below that the verdict is "too few connections (N) to
// judge". The spread of the differences and of the rates (relative standard
// deviation: 0 for a counter, about 0.6 for uniform random values) is
// reported to show why.
const (
	ISNMinSamples  = 3
	isnMaxMultiple = 1024
	isnWindow      = 1 << 17
)

// ISNRole is how a host chose the ISN: opening (SYN) or accepting (SYN,ACK).
type ISNRole uint8

const (
	// ISNActive: the host's pure SYNs (connections it opened).
	ISNActive ISNRole = iota
	// ISNPassive: the host's SYN,ACKs (connections it accepted).
	ISNPassive
)

func (r ISNRole) String() string {
	if r == ISNPassive {
		return "accepted (SYN,ACK)"
	}
	return "opened (SYN)"
}

// ISNPattern is how a series of ISNs grows.
type ISNPattern uint8

const (
	// ISNTooFew: fewer than ISNMinSamples ISNs.
	ISNTooFew ISNPattern = iota
	// ISNConstantStep: every difference is Step.
	ISNConstantStep
	// ISNStepMultiples: every difference is a small multiple of Step.
	ISNStepMultiples
	// ISNTimeProportional: differences follow Rate·Δt.
	ISNTimeProportional
	// ISNStepAndTime: differences follow PerConn + Rate·Δt.
	ISNStepAndTime
	// ISNNoPattern: none of the above.
	ISNNoPattern
)

func (p ISNPattern) String() string {
	switch p {
	case ISNConstantStep:
		return "constant step"
	case ISNStepMultiples:
		return "multiples of a step"
	case ISNTimeProportional:
		return "proportional to time"
	case ISNStepAndTime:
		return "a step per connection plus a clock"
	case ISNNoPattern:
		return "no pattern"
	}
	return "too few connections"
}

// ISNSample is one connection's ISN in a series.
type ISNSample struct {
	Stream int
	Frame  uint32
	TimeNS int64 // since the capture's first frame
	ISN    uint32
	// Diff is ISN − the previous ISN, mod 2^32, and DtNS the time since
	// the previous SYN; Rate is Diff per second (0 for the first sample,
	// and when DtNS is 0).
	Diff uint32
	DtNS int64
	Rate float64
}

// ISNSeries is one host's ISNs in one role, and what they show.
type ISNSeries struct {
	Host    netip.Addr
	Role    ISNRole
	Samples []ISNSample
	Pattern ISNPattern
	// Step is the constant step or the common divisor; Rate (per second)
	// and PerConn the fitted clock and per-connection step.
	Step    uint32
	Rate    float64
	PerConn float64
	// MaxMultiple is the largest difference over Step (multiples).
	MaxMultiple uint32
	// MaxError is the largest miss of the fitted pattern, in sequence
	// numbers (time patterns).
	MaxError float64
	// CVDiff and CVRate are the relative standard deviations of the
	// differences and of the rates (NaN when undefined).
	CVDiff, CVRate float64
	// Predictable is the verdict (meaningless for ISNTooFew).
	Predictable bool
}

// Verdict is the plain verdict: "predictable", "unpredictable", or "too few
// connections (N) to judge".
func (s *ISNSeries) Verdict() string {
	switch {
	case s.Pattern == ISNTooFew:
		return fmt.Sprintf("too few connections (%d) to judge", len(s.Samples))
	case s.Predictable:
		return "predictable"
	}
	return "unpredictable"
}

// Why says in one sentence what the verdict rests on.
func (s *ISNSeries) Why() string {
	switch s.Pattern {
	case ISNTooFew:
		return fmt.Sprintf("At least %d ISNs are needed to see how they grow.", ISNMinSamples)
	case ISNConstantStep:
		if s.Step == 0 {
			return "Every connection starts from the same ISN."
		}
		return fmt.Sprintf("Every connection's ISN is the previous one plus %d: the next is the last plus %d.", int32(s.Step), int32(s.Step))
	case ISNStepMultiples:
		return fmt.Sprintf("Every difference is a multiple of %d (at most %d×), as a counter stepped per connection and per clock tick makes them (4.4BSD: 64000).", s.Step, s.MaxMultiple)
	case ISNTimeProportional:
		return fmt.Sprintf("The ISN grows with time, about %.0f per second (within %.0f): knowing the time of the next SYN gives its ISN.", s.Rate, s.MaxError)
	case ISNStepAndTime:
		return fmt.Sprintf("Each connection adds about %.0f and each second about %.0f (within %.0f): the next ISN follows from the time of its SYN.", s.PerConn, s.Rate, s.MaxError)
	}
	return fmt.Sprintf("The differences share no step and follow no clock: they spread over the 32-bit space (relative spread of the differences %s, of the rates %s), as RFC 6528's hashed ISNs do.",
		isnFmtCV(s.CVDiff), isnFmtCV(s.CVRate))
}

func isnFmtCV(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", v)
}

// AnalyzeISNs builds every host's ISN series (both roles, hosts in order of
// their first SYN, active before passive), and judges each.
func AnalyzeISNs(tl *Timeline) []ISNSeries {
	if tl == nil {
		return nil
	}
	type key struct {
		host netip.Addr
		role ISNRole
	}
	idx := map[key]int{}
	var out []ISNSeries
	var first []int // order of first appearance, by series
	seen := map[int][2]bool{}
	for si := range tl.Segments {
		s := &tl.Segments[si]
		stream := tl.SegStream(s)
		if s.Flags&SYN == 0 || s.Flags&RST != 0 || stream < 0 || stream >= len(tl.Conversations) {
			continue
		}
		done := seen[stream]
		if done[s.Dir] {
			continue
		}
		done[s.Dir] = true
		seen[stream] = done
		src, _ := tl.SrcDst(s)
		role := ISNActive
		if s.Flags&ACK != 0 {
			role = ISNPassive
		}
		k := key{src.Addr.WithZone(""), role}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, ISNSeries{Host: k.host, Role: role})
			first = append(first, si)
		}
		out[i].Samples = append(out[i].Samples, ISNSample{Stream: stream, Frame: s.Frame, TimeNS: tl.SegTime(s), ISN: s.Seq})
	}
	// Hosts by first appearance, a host's two series together.
	hostFirst := map[netip.Addr]int{}
	for i, s := range out {
		if f, ok := hostFirst[s.Host]; !ok || first[i] < f {
			hostFirst[s.Host] = first[i]
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := hostFirst[out[i].Host], hostFirst[out[j].Host]
		if a != b {
			return a < b
		}
		return out[i].Role < out[j].Role
	})
	for i := range out {
		out[i].judge()
	}
	return out
}

// judge fills the differences and the pattern.
func (s *ISNSeries) judge() {
	n := len(s.Samples)
	for i := 1; i < n; i++ {
		p, c := &s.Samples[i-1], &s.Samples[i]
		c.Diff = c.ISN - p.ISN
		c.DtNS = c.TimeNS - p.TimeNS
		if c.DtNS > 0 {
			c.Rate = float64(c.Diff) / (float64(c.DtNS) / 1e9)
		}
	}
	s.CVDiff, s.CVRate = math.NaN(), math.NaN()
	if n < ISNMinSamples {
		s.Pattern = ISNTooFew
		return
	}
	d := make([]float64, 0, n-1)
	r := make([]float64, 0, n-1)
	dt := make([]float64, 0, n-1)
	timed := true
	for _, x := range s.Samples[1:] {
		d = append(d, float64(x.Diff))
		dt = append(dt, float64(x.DtNS)/1e9)
		if x.DtNS <= 0 {
			timed = false
		} else {
			r = append(r, x.Rate)
		}
	}
	s.CVDiff = isnRelStdDev(d)
	if timed {
		s.CVRate = isnRelStdDev(r)
	}
	s.Predictable = true
	if s.constantStep() || (timed && s.timeFit(d, dt)) || s.stepMultiples() {
		return
	}
	s.Predictable = false
	s.Pattern = ISNNoPattern
}

func (s *ISNSeries) constantStep() bool {
	step := s.Samples[1].Diff
	for _, x := range s.Samples[2:] {
		if x.Diff != step {
			return false
		}
	}
	s.Pattern, s.Step = ISNConstantStep, step
	return true
}

func (s *ISNSeries) stepMultiples() bool {
	var g uint32
	for _, x := range s.Samples[1:] {
		g = isnGCD(g, x.Diff)
	}
	if g <= 1 {
		return false
	}
	var most uint32
	for _, x := range s.Samples[1:] {
		most = max(most, x.Diff/g)
	}
	if most > isnMaxMultiple {
		return false
	}
	s.Pattern, s.Step, s.MaxMultiple = ISNStepMultiples, g, most
	return true
}

func isnGCD(a, b uint32) uint32 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// timeFit fits d = a + b·dt and accepts it when every difference is within
// isnWindow of the fit.
func (s *ISNSeries) timeFit(d, dt []float64) bool {
	var a, b float64
	if len(d) >= 3 && isnRelStdDev(dt) > 1e-9 {
		var mx, my float64
		for i := range d {
			mx += dt[i]
			my += d[i]
		}
		mx /= float64(len(d))
		my /= float64(len(d))
		var sxy, sxx float64
		for i := range d {
			sxy += (dt[i] - mx) * (d[i] - my)
			sxx += (dt[i] - mx) * (dt[i] - mx)
		}
		b = sxy / sxx
		a = my - b*mx
	} else {
		var sx, sy float64
		for i := range d {
			sx += dt[i]
			sy += d[i]
		}
		b = sy / sx
	}
	if !(b > 0) || a < -isnWindow {
		return false
	}
	worst := 0.0
	for i := range d {
		worst = math.Max(worst, math.Abs(d[i]-(a+b*dt[i])))
	}
	if worst > isnWindow {
		return false
	}
	s.Rate, s.MaxError = b, worst
	s.Pattern = ISNTimeProportional
	// A per-connection step shows as an intercept beyond the fit's own
	// scatter.
	if a >= 1000 && a > worst {
		s.Pattern, s.PerConn = ISNStepAndTime, a
	}
	return true
}

// isnRelStdDev is the standard deviation over the mean (NaN for fewer than two
// values or a zero mean).
func isnRelStdDev(v []float64) float64 {
	if len(v) < 2 {
		return math.NaN()
	}
	var m float64
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	if m == 0 {
		return math.NaN()
	}
	var ss float64
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	return math.Sqrt(ss/float64(len(v))) / math.Abs(m)
}

// Text returns the series as plain lines: a title, the table, the pattern
// and the verdict with its reason.
func (s *ISNSeries) Text() []string {
	out := []string{fmt.Sprintf("host %s, connections %s: %d", s.Host, s.Role, len(s.Samples))}
	out = append(out, fmt.Sprintf("  %6s %7s %12s %10s %12s %9s %14s", "stream", "frame", "time", "ISN", "difference", "Δt", "per second"))
	for i, x := range s.Samples {
		if i == 0 {
			out = append(out, fmt.Sprintf("  %6d %7d %12.6f %10d %12s %9s %14s", x.Stream, x.Frame, float64(x.TimeNS)/1e9, x.ISN, "", "", ""))
			continue
		}
		rate := "-"
		if x.DtNS > 0 {
			rate = fmt.Sprintf("%.0f", x.Rate)
		}
		out = append(out, fmt.Sprintf("  %6d %7d %12.6f %10d %12d %9s %14s", x.Stream, x.Frame, float64(x.TimeNS)/1e9, x.ISN, x.Diff, vpDur(time.Duration(x.DtNS)), rate))
	}
	if s.Pattern != ISNTooFew {
		out = append(out, "  growth: "+s.Pattern.String())
	}
	out = append(out, "  verdict: "+s.Verdict()+". "+s.Why())
	return out
}

// ISNText is the whole analysis as plain lines, one block per series.
func ISNText(series []ISNSeries) []string {
	if len(series) == 0 {
		return []string{"no SYN in the capture: no initial sequence numbers to analyse"}
	}
	var out []string
	for i := range series {
		if i > 0 {
			out = append(out, "")
		}
		out = append(out, series[i].Text()...)
	}
	return out
}

// Summary is a one-line account for lists: "192.0.2.10 opened 4: predictable (constant step)".
func (s *ISNSeries) Summary() string {
	verb := "opened"
	if s.Role == ISNPassive {
		verb = "accepted"
	}
	v := s.Verdict()
	if s.Pattern != ISNTooFew {
		v += " (" + s.Pattern.String() + ")"
	}
	return strings.TrimSpace(fmt.Sprintf("%s %s %d: %s", s.Host, verb, len(s.Samples), v))
}
