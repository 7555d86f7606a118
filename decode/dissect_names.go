package decode

import "fmt"

// Names for numbers found in headers, so that reasons and field values read
// as words. Unknown numbers get "" and the caller prints the number.

func ethertypeName(t uint16) string {
	switch t {
	case 0x0800:
		return "IPv4"
	case 0x0806:
		return "ARP"
	case 0x86dd:
		return "IPv6"
	case 0x8100:
		return "802.1Q VLAN"
	case 0x88a8:
		return "802.1ad QinQ"
	case 0x9100:
		return "QinQ (0x9100)"
	case 0x8847:
		return "MPLS unicast"
	case 0x8848:
		return "MPLS multicast"
	case 0x8863:
		return "PPPoE discovery"
	case 0x8864:
		return "PPPoE session"
	case 0x6558:
		return "transparent Ethernet bridging"
	case 0x8035:
		return "RARP"
	case 0x88cc:
		return "LLDP"
	case 0x888e:
		return "EAPOL (802.1X)"
	case 0x88e5:
		return "MACsec"
	case 0x88f7:
		return "PTP"
	case 0x8809:
		return "slow protocols (LACP)"
	case 0x9000:
		return "loopback (CTP)"
	case 0x880b:
		return "PPP"
	case 0x88be:
		return "ERSPAN"
	case 0x22eb:
		return "ERSPAN III"
	case 0x8137:
		return "IPX"
	case 0x809b:
		return "AppleTalk"
	case 0x0842:
		return "Wake-on-LAN"
	case 0x893a:
		return "IEEE 1905"
	case 0x88b5, 0x88b6:
		return "local experimental EtherType"
	case 0x8926:
		return "VN-Tag"
	case 0x893f:
		return "802.1BR E-Tag"
	case 0x8903:
		return "Cisco FabricPath"
	}
	return tunnelEthertypeName(t)
}

func ipProtoName(p uint8) string {
	switch p {
	case 0:
		return "hop-by-hop options"
	case 1:
		return "ICMP"
	case 2:
		return "IGMP"
	case 4:
		return "IPv4-in-IP"
	case 6:
		return "TCP"
	case 17:
		return "UDP"
	case 41:
		return "IPv6-in-IP"
	case 43:
		return "IPv6 routing"
	case 44:
		return "IPv6 fragment"
	case 47:
		return "GRE"
	case 50:
		return "ESP"
	case 51:
		return "AH"
	case 58:
		return "ICMPv6"
	case 59:
		return "no next header"
	case 60:
		return "IPv6 destination options"
	case 89:
		return "OSPF"
	case 103:
		return "PIM"
	case 108:
		return "IPComp"
	case 112:
		return "VRRP"
	case 115:
		return "L2TP"
	case 132:
		return "SCTP"
	case 136:
		return "UDP-Lite"
	case 137:
		return "MPLS-in-IP"
	}
	return ""
}

func pppProtoName(p uint16) string {
	switch p {
	case 0xc021:
		return "PPP LCP"
	case 0xc023:
		return "PPP PAP"
	case 0xc223:
		return "PPP CHAP"
	case 0x8021:
		return "PPP IPCP"
	case 0x8057:
		return "PPP IPv6CP"
	case 0x8281:
		return "PPP MPLSCP"
	case 0x80fd:
		return "PPP CCP"
	case 0x00fd:
		return "PPP compressed datagram"
	}
	return fmt.Sprintf("PPP protocol 0x%04x", p)
}

func extName(id layerID) string {
	switch id {
	case lIPv6HopByHop:
		return "IPv6 hop-by-hop options"
	case lIPv6Routing:
		return "IPv6 routing"
	case lIPv6DestOpts:
		return "IPv6 destination options"
	case lIPv6Fragment:
		return "IPv6 fragment"
	case lAH:
		return "IP authentication header"
	}
	return "IPv6 extension"
}

// icmpTypeName names an ICMP (v6 false) or ICMPv6 type and code in words.
func icmpTypeName(v6 bool, t, c uint8) string {
	if v6 {
		switch t {
		case 1:
			switch c {
			case 0:
				return "destination unreachable (no route)"
			case 1:
				return "destination unreachable (administratively prohibited)"
			case 3:
				return "destination unreachable (address unreachable)"
			case 4:
				return "destination unreachable (port unreachable)"
			}
			return fmt.Sprintf("destination unreachable (code %d)", c)
		case 2:
			return "packet too big"
		case 3:
			if c == 1 {
				return "time exceeded (fragment reassembly)"
			}
			return "time exceeded (hop limit)"
		case 4:
			return fmt.Sprintf("parameter problem (code %d)", c)
		case 128:
			return "echo request"
		case 129:
			return "echo reply"
		case 130:
			return "multicast listener query"
		case 131:
			return "multicast listener report"
		case 133:
			return "router solicitation"
		case 134:
			return "router advertisement"
		case 135:
			return "neighbor solicitation"
		case 136:
			return "neighbor advertisement"
		case 137:
			return "redirect"
		case 143:
			return "multicast listener report v2"
		}
		return fmt.Sprintf("type %d code %d", t, c)
	}
	switch t {
	case 0:
		return "echo reply"
	case 3:
		switch c {
		case 0:
			return "destination unreachable (network)"
		case 1:
			return "destination unreachable (host)"
		case 2:
			return "destination unreachable (protocol)"
		case 3:
			return "destination unreachable (port)"
		case 4:
			return "destination unreachable (fragmentation needed)"
		case 13:
			return "destination unreachable (administratively prohibited)"
		}
		return fmt.Sprintf("destination unreachable (code %d)", c)
	case 4:
		return "source quench"
	case 5:
		return "redirect"
	case 8:
		return "echo request"
	case 11:
		if c == 1 {
			return "time exceeded (fragment reassembly)"
		}
		return "time exceeded (TTL)"
	case 12:
		return "parameter problem"
	case 13:
		return "timestamp request"
	case 14:
		return "timestamp reply"
	}
	return fmt.Sprintf("type %d code %d", t, c)
}

// icmpKind is model.ICMPError.Kind for an ICMP error type and code.
func icmpKind(v6 bool, t, c uint8) string {
	if v6 {
		switch {
		case t == 1 && c == 4:
			return "port_unreachable"
		case t == 1:
			return "dest_unreachable"
		case t == 2:
			return "packet_too_big"
		case t == 3:
			return "time_exceeded"
		}
		return "other"
	}
	switch {
	case t == 3 && c == 4:
		return "frag_needed"
	case t == 3 && c == 3:
		return "port_unreachable"
	case t == 3:
		return "dest_unreachable"
	case t == 11:
		return "time_exceeded"
	}
	return "other"
}
