package decode

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// TestTunnelsAgainstGopacket holds the walk's GTP-U and ERSPAN type II
// headers to gopacket's independent decoders (its GTPv1U and ERSPANII
// layers, which the walk itself does not use: see extract_tunnel.go): the
// same header length (with extension headers), TEID, session and VLAN, and
// the same inner TCP ports.
func TestTunnelsAgainstGopacket(t *testing.T) {
	frames, err := readFrames(filepath.Join(encapDir, "tun_gtpu.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for i, f := range frames {
		where := fmt.Sprintf("tun_gtpu frame %d", i+1)
		pkt := gopacket.NewPacket(f.data, layers.LinkTypeEthernet, gopacket.Default)
		g, ok := pkt.Layer(layers.LayerTypeGTPv1U).(*layers.GTPv1U)
		if !ok || g.MessageType != 0xff {
			continue
		}
		d := Dissect(f.link, f.data)
		gl, ok := layerByName(d, "GTP-U")
		if !ok {
			t.Errorf("%s: no GTP-U layer", where)
			continue
		}
		hdrEnd := gl.End
		for _, l := range d.Layers {
			if len(l.Name) > 22 && l.Name[:22] == "GTP-U extension header" {
				hdrEnd = l.End
			}
		}
		if got, want := hdrEnd-gl.Start, len(g.Contents); got != want {
			t.Errorf("%s: GTP-U header and extensions %d bytes, gopacket %d", where, got, want)
		}
		if te, _ := field(gl.Fields, "Tunnel endpoint identifier (TEID)"); te.Value != fmt.Sprintf("0x%08x", g.TEID) {
			t.Errorf("%s: TEID %s, gopacket 0x%08x", where, te.Value, g.TEID)
		}
		if tcp, ok := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP); ok {
			ex := newDissector().Extract(1, f.link, f.data, f.origLen)
			if ex.Packet.Src.Port != uint16(tcp.SrcPort) || ex.Packet.Seq != tcp.Seq {
				t.Errorf("%s: inner TCP %d seq %d, gopacket %d seq %d", where, ex.Packet.Src.Port, ex.Packet.Seq, tcp.SrcPort, tcp.Seq)
			}
		}
		compared++
	}
	if compared < 33 {
		t.Errorf("compared %d G-PDUs with gopacket, the capture has 33", compared)
	}

	frames, err = readFrames(filepath.Join(encapDir, "tun_erspan.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 11; i < 22; i++ { // type II: frames 12-22
		f := frames[i]
		where := fmt.Sprintf("tun_erspan frame %d", i+1)
		pkt := gopacket.NewPacket(f.data, layers.LinkTypeEthernet, gopacket.Default)
		e, ok := pkt.Layer(layers.LayerTypeERSPANII).(*layers.ERSPANII)
		if !ok {
			t.Fatalf("%s: gopacket finds no ERSPAN II", where)
		}
		d := Dissect(f.link, f.data)
		el, ok := layerByName(d, "ERSPAN type II")
		if !ok {
			t.Errorf("%s: no ERSPAN type II layer", where)
			continue
		}
		sid, _ := field(el.Fields, "Session ID")
		vlan, _ := field(el.Fields, "VLAN")
		if el.End-el.Start != len(e.Contents) || sid.Value != fmt.Sprint(e.SessionID) || vlan.Value != fmt.Sprint(e.VLANIdentifier) {
			t.Errorf("%s: ERSPAN %d bytes session %s VLAN %s; gopacket %d, %d, %d", where, el.End-el.Start, sid.Value, vlan.Value, len(e.Contents), e.SessionID, e.VLANIdentifier)
		}
	}
}
