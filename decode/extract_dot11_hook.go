package decode

// merged with encap-link's 802.11 walk: this file stands in for it until
// the branches meet. The tunnels of extract_tunnel.go that carry 802.11
// frames (Aruba's WLAN over GRE, protocols 0x8200–0x8370; CAPWAP data with
// the T bit and wireless binding 1) lead the walk to layerDot11; the
// 802.11 walk reads the frame (without FCS) from p.off and goes on to
// LLC/SNAP and IP. walker.dot11SwapFC says the frame control field arrives
// byte-swapped (CAPWAP from Cisco access points; tshark's default undoes
// it). Until the merge, the frame is reported as other and its bytes as data.

// layerDot11 is the 802.11 header's layer ID (the 802.11 walk's own, once
// merged).
const layerDot11 layerID = 63

// dot11Placeholder is true while this file stands in for the 802.11 walk;
// the tests that need the walk skip while it is.
const dot11Placeholder = true

// walkDot11 stands in for the 802.11 walk.
func (w *walker) walkDot11(p *walkPos) bool {
	w.other("IEEE 802.11 frame (not decoded: the 802.11 walk is merged from encap-link)")
	if p.off < p.capEnd {
		w.push(lData, p.off, p.capEnd)
	}
	return false
}
