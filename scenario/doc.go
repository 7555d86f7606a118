// Package scenario is tcpstep's scenario language: a text file that
// describes a TCP session line by line, in the spirit of packetdrill's
// scripts, and the crafting that turns it into a capture.
//
// Parse reads a scenario into a Script; Script.Build writes the capture (a
// classic pcap file, Ethernet or raw IP) with gopacket's serializers, so
// checksums and lengths are right and everything is deterministic: the
// same file gives the same bytes. Defaults follow RFC 9293's arithmetic:
// a line that leaves out SEQ sends at SND.NXT, one that leaves out ACK
// acknowledges RCV.NXT, so a handshake is three short lines. A line that
// cannot be honoured (an ACK of something not sent, a flag combination no
// stack sends, a time going back) is an Error naming the file and line,
// unless the line is marked forced.
//
// FromCapture goes the other way: it writes the scenario of an existing
// capture, with exactly the overrides each frame needs, so that crafting
// it gives the capture back byte for byte.
//
// The language is described in docs/scenario.md.
package scenario
