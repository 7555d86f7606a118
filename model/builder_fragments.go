package model

// AddFragmentInfo records the IP fragment fields of a frame that was already
// added as a segment (AddPacket): the fragment that completed a datagram is
// both, and the timeline shows its ID, DF/MF flags and offset like any other
// fragment's. Fragments stay in frame order: f.Frame must be the latest frame.
func (b *Builder) AddFragmentInfo(f Fragment) {
	b.tl.Fragments = append(b.tl.Fragments, f)
}

// FragmentOf returns the fragment record of frame n, if it has one.
func (t *Timeline) FragmentOf(n uint32) (*Fragment, bool) {
	lo, hi := 0, len(t.Fragments)
	for lo < hi {
		mid := (lo + hi) / 2
		if t.Fragments[mid].Frame < n {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(t.Fragments) && t.Fragments[lo].Frame == n {
		return &t.Fragments[lo], true
	}
	return nil, false
}
