package model

// ConvFrames lists the frame numbers of every frame of conversation c: its
// segments' frames and its Extra frames (the IPv4 fragments reassembled
// into its segments, the ICMP errors quoting it), merged in capture order.
// These are the frames a capture of the conversation alone holds.
func (t *Timeline) ConvFrames(c *Conversation) []uint32 {
	segs := make([]uint32, 0, len(c.Segs))
	for _, si := range c.Segs {
		if int(si) < len(t.Segments) { // a forgotten window holds fewer
			segs = append(segs, t.Segments[si].Frame)
		}
	}
	out := make([]uint32, 0, len(segs)+len(c.Extra))
	i, j := 0, 0
	for i < len(segs) && j < len(c.Extra) {
		if segs[i] < c.Extra[j] {
			out = append(out, segs[i])
			i++
		} else {
			out = append(out, c.Extra[j])
			j++
		}
	}
	out = append(out, segs[i:]...)
	return append(out, c.Extra[j:]...)
}
