package model

// LayerKind groups a frame's layers by what they carry, so a view can colour
// a hex dump by layer: link ⊃ IP ⊃ TCP ⊃ payload.
type LayerKind uint8

const (
	LayerLink      LayerKind = iota // Ethernet, VLAN tags, SLL, PPP, loopback, ...
	LayerTunnel                     // MPLS, PPPoE, GRE, UDP+VXLAN/Geneve, outer IP of a tunnel
	LayerIP                         // the IP header (with IPv6 extension headers) that carries TCP
	LayerTransport                  // TCP (or the ICMP header of an ICMP error)
	LayerPayload                    // TCP payload, or the quoted datagram of an ICMP error
	LayerTrailer                    // bytes after the IP datagram (Ethernet padding, FCS)
)

func (k LayerKind) String() string {
	return [...]string{"link", "tunnel", "ip", "transport", "payload", "trailer"}[k]
}

// Field is one decoded header field with the bytes it occupies in the frame.
type Field struct {
	Name  string
	Value string // already printable: capture bytes never reach here raw
	// Start and End are the byte range [Start, End) of the field in the
	// frame; a field that is part of a byte (a flag bit) has the byte's range.
	Start, End int
	// Children are sub-fields (the bits of a flags byte, the options of a
	// TCP header).
	Children []Field
}

// Layer is one header (or the payload) of a frame.
type Layer struct {
	Name       string // "Ethernet II", "802.1Q", "IPv4", "TCP", "Payload", ...
	Kind       LayerKind
	Start, End int // byte range [Start, End) in the frame
	Fields     []Field
}

// Dissection is the layer-by-layer decoding of one frame's bytes, for views.
type Dissection struct {
	Layers []Layer
	// Problem says what stopped the decoding early ("" when nothing did):
	// a header cut short by the snap length, a bad length, an unknown type.
	Problem string
}
