package decode

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/tcpstep/tcpstep/decode/capfile"
	"github.com/tcpstep/tcpstep/model"
)

// CaptureFormat is the file format WriteFrames wrote.
type CaptureFormat uint8

// The formats WriteFrames writes.
const (
	// FormatPcap is libpcap's format with nanosecond timestamps (magic
	// a1b23c4d), one link type for the whole file.
	FormatPcap CaptureFormat = iota
	// FormatPcapng is pcapng with one interface per link type and
	// nanosecond timestamps (if_tsresol 9).
	FormatPcapng
)

func (f CaptureFormat) String() string {
	if f == FormatPcapng {
		return "pcapng"
	}
	return "pcap"
}

// writeSnapLen is the snap length a written pcap's header states when no
// frame is longer: libpcap's and Wireshark's default maximum.
const writeSnapLen = 262144

// WriteFrames writes frames (1-based frame numbers of tl, the timeline in's
// capture decoded to) to w as a capture file, in the order given: each
// frame's bytes exactly as captured, re-read from in, with its timestamp to
// the nanosecond, its original length and its link type.
//
// The file is pcap, unless ng asks for pcapng or the frames need it: they
// have more than one link type, or a timestamp that a pcap record's 32-bit
// seconds cannot hold (before 1970, after 2106). A frame whose captured
// length exceeds its original length (a file written that way) cannot be
// written by pcapgo and is an error.
func (in *Input) WriteFrames(w io.Writer, tl *model.Timeline, frames []uint32, ng bool) (CaptureFormat, error) {
	recs := make([]*model.Frame, len(frames))
	var links []uint16 // in order of first use
	snap := uint32(writeSnapLen)
	for i, n := range frames {
		if n == 0 || int(n) > len(tl.Frames) {
			return 0, fmt.Errorf("%s: no frame %d (the capture has %d)", in.name, n, len(tl.Frames))
		}
		f := &tl.Frames[n-1]
		if f.CapLen > f.OrigLen {
			return 0, fmt.Errorf("%s: frame %d has %d bytes captured of %d on the wire: a capture file cannot say so", in.name, n, f.CapLen, f.OrigLen)
		}
		recs[i] = f
		snap = max(snap, f.CapLen)
		if !slices.Contains(links, f.LinkType) {
			links = append(links, f.LinkType)
		}
		if sec := f.TimeNS / 1e9; f.TimeNS < 0 || sec > 1<<32-1 {
			ng = true
		}
	}
	if len(links) > 1 {
		ng = true
	}
	if len(links) == 0 {
		links = append(links, uint16(layers.LinkTypeEthernet)) // an empty file still names one
	}
	var write func(ci gopacket.CaptureInfo, data []byte) error
	var flush func() error
	format := FormatPcap
	iface := map[uint16]int{}
	if ng {
		format = FormatPcapng
		intf := pcapgo.DefaultNgInterface
		intf.Name = "tcpstep0"
		intf.LinkType = layers.LinkType(links[0])
		opts := pcapgo.DefaultNgWriterOptions
		opts.SectionInfo.Application = "tcpstep"
		nw, err := pcapgo.NewNgWriterInterface(w, intf, opts)
		if err != nil {
			return format, err
		}
		iface[links[0]] = 0
		for i, lt := range links[1:] {
			intf.Name = fmt.Sprintf("tcpstep%d", i+1)
			intf.LinkType = layers.LinkType(lt)
			id, err := nw.AddInterface(intf)
			if err != nil {
				return format, err
			}
			iface[lt] = id
		}
		write, flush = nw.WritePacket, nw.Flush
	} else {
		bw := bufio.NewWriterSize(w, 1<<16)
		pw := pcapgo.NewWriterNanos(bw)
		if err := pw.WriteFileHeader(snap, layers.LinkType(links[0])); err != nil {
			return format, err
		}
		write, flush = pw.WritePacket, bw.Flush
	}
	var buf []byte
	for i, f := range recs {
		var err error
		buf, err = capfile.AppendFrame(buf[:0], in.ra, f.Offset, f.CapLen)
		if err != nil {
			return format, fmt.Errorf("%s: frame %d: %w", in.name, frames[i], err)
		}
		ci := gopacket.CaptureInfo{
			Timestamp:      time.Unix(0, f.TimeNS),
			CaptureLength:  int(f.CapLen),
			Length:         int(f.OrigLen),
			InterfaceIndex: iface[f.LinkType],
		}
		if err := write(ci, buf); err != nil {
			return format, fmt.Errorf("write frame %d: %w", frames[i], err)
		}
	}
	return format, flush()
}
