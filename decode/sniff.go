package decode

import (
	"encoding/binary"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/model"
)

// Index-time recognition of the application protocol. The picker shows each
// conversation's protocol and server name (model.Conversation.App) while a
// capture is still being indexed, so they are guessed cheaply from the first
// payload bytes of each direction (app.Sniff), not from the whole
// reassembled stream as app.Analyze does later for one conversation.
//
// The builder side (sniffer) knows, after filing a segment, whether its
// conversation still awaits the first payload of that side: a byte per
// conversation says so. Load and Feed extract and file each frame on one
// goroutine, so the payload is then read from the frame's bytes, still
// there. A Stream's reader extracts frames ahead of the builder and does
// not keep their bytes, so it keeps a copy of at most sniffPrefix bytes of
// a segment's payload when it may be the first payload of its direction:
// sniffFlows remembers the directions already copied, and the builder side
// files the copies. Both sides are bounded: at worst a direction is copied
// again (when another evicts it from the reader's table), which the
// builder side ignores.

// sniffPrefix bounds the bytes of a direction's first payload kept for
// app.Sniff: a TLS ClientHello with its server name, an HTTP request's
// head with its Host, an SMTP or FTP greeting, fit in it as a rule.
const sniffPrefix = 512

// sniffApp switches index-time recognition on; only the index benchmark
// turns it off, to measure what it costs.
var sniffApp = true

// sniffBuckets is the size of the reader's table of directions already
// sniffed: buckets of sniffWays fingerprints of 4 bytes (256 KB in all, so
// that it stays in a core's cache), 65,536 directions.
const (
	sniffBuckets = 1 << 14
	sniffWays    = 4
)

// sniffFlows is the reader side: which directions have had their first
// payload copied. It is a set-associative table of the directions'
// fingerprints (32 bits of a hash of addresses and ports), so a lookup is
// one hash and one cache line. A direction evicted by others sharing its
// bucket has its next payload copied again, which the builder side
// ignores; a false "already sniffed" needs two directions with the same
// bucket and the same 32-bit fingerprint. It is touched by the reading
// goroutine only.
type sniffFlows struct {
	slots []uint32 // sniffBuckets × sniffWays
}

// fingerprint hashes the direction src → dst: the low bits pick the slot,
// the high 32 bits (never 0, the empty slot) are what the slot holds.
func fingerprint(src, dst model.Endpoint) uint64 {
	a, b := src.Addr.As16(), dst.Addr.As16()
	h := (uint64(src.Port)<<16 | uint64(dst.Port)) * 0x9e3779b97f4a7c15
	h ^= binary.LittleEndian.Uint64(a[:8]) * 0xbf58476d1ce4e5b9
	h ^= binary.LittleEndian.Uint64(a[8:]) * 0x94d049bb133111eb
	h ^= binary.LittleEndian.Uint64(b[:8]) * 0xd6e8feb86659fd93
	h ^= binary.LittleEndian.Uint64(b[8:]) * 0xff51afd7ed558ccd
	h = mix(h)
	return h | 1<<32
}

// mix is a 64-bit finaliser (splitmix64's).
func mix(h uint64) uint64 {
	h += 0x9e3779b97f4a7c15
	h = (h ^ h>>30) * 0xbf58476d1ce4e5b9
	h = (h ^ h>>27) * 0x94d049bb133111eb
	return h ^ h>>31
}

// prefix returns a copy of the start of the payload of segment p when it may
// be the first payload of its direction, appended to arena; it returns
// arena unchanged and ok false otherwise. A SYN without ACK starts a new
// connection (perhaps on reused ports): both of its directions are
// forgotten, so that the new conversation is sniffed too.
func (f *sniffFlows) prefix(arena []byte, p *model.Packet, payload []byte) ([]byte, bool) {
	syn := p.Flags&(model.SYN|model.ACK) == model.SYN
	if len(payload) == 0 && !syn {
		return arena, false
	}
	if f.slots == nil {
		f.slots = make([]uint32, sniffBuckets*sniffWays)
	}
	fp := fingerprint(p.Src, p.Dst)
	if syn {
		r := fingerprint(p.Dst, p.Src)
		f.forget(r)
		f.forget(fp)
		if len(payload) == 0 {
			return arena, false
		}
	}
	bucket, h := f.bucket(fp)
	for i := range bucket {
		if bucket[i] == h {
			return arena, false
		}
	}
	// Take an empty way, or evict one picked by the fingerprint.
	way := int(h>>8) % sniffWays
	for i := range bucket {
		if bucket[i] == 0 {
			way = i
			break
		}
	}
	bucket[way] = h
	return append(arena, payload[:min(len(payload), sniffPrefix)]...), true
}

// bucket returns fingerprint fp's bucket and what it holds there.
func (f *sniffFlows) bucket(fp uint64) ([]uint32, uint32) {
	i := int(fp%sniffBuckets) * sniffWays
	return f.slots[i : i+sniffWays : i+sniffWays], uint32(fp >> 32)
}

// forget removes fingerprint fp from the table.
func (f *sniffFlows) forget(fp uint64) {
	bucket, h := f.bucket(fp)
	for i := range bucket {
		if bucket[i] == h {
			bucket[i] = 0
		}
	}
}

// maxSniffPending bounds the conversations whose first payload in one
// direction is kept while the other direction's is awaited (at most
// sniffPrefix bytes each). Past it the oldest is given up: its hint stays
// what the one direction showed.
const maxSniffPending = 1 << 14

// sniffer is the builder side: it sets the conversations' App hints from
// the first payload of each direction. It is touched by the builder's
// goroutine only.
type sniffer struct {
	// sides holds, by stream, which of its two endpoints have had their
	// first payload sniffed (sideLow, sideHigh: the lower endpoint and the
	// other, an order that a swap of client and server does not change),
	// and sideDone once both have or the conversation was given up. It is
	// a byte a conversation, read for every segment with payload, so it
	// stays in the cache where a map would not.
	sides []uint8
	// pend holds, by stream, the first payload of the side seen so far;
	// queue lists those streams oldest first (with streams no longer
	// pending, skipped when met).
	pend  map[int32]*sniffPending
	queue []int32
}

const (
	sideLow uint8 = 1 << iota
	sideHigh
	sideDone
)

// sniffPending is one conversation's first payload in one direction: sent
// by from.
type sniffPending struct {
	from model.Endpoint
	pre  []byte
}

// side is the bit of sender src in conversation c.
func side(c *model.Conversation, src model.Endpoint) uint8 {
	other := c.Server
	if src != c.Client {
		other = c.Client
	}
	if cmp := src.Addr.Compare(other.Addr); cmp < 0 || cmp == 0 && src.Port < other.Port {
		return sideLow
	}
	return sideHigh
}

// wants reports whether frame n, just filed with b and sent by src, is the
// first payload of its side that the conversation's hint awaits, and
// returns the conversation.
func (sn *sniffer) wants(b *model.Builder, n uint32, src model.Endpoint) (int32, bool) {
	f := b.Frame(n)
	if f == nil || f.Stream < 0 {
		return 0, false
	}
	idx := f.Stream
	var st uint8
	if int(idx) < len(sn.sides) {
		st = sn.sides[idx]
	}
	if st&sideDone != 0 {
		return 0, false
	}
	return idx, st&side(b.Conversation(idx), src) == 0
}

// mark sets bits of conversation idx's sides.
func (sn *sniffer) mark(idx int32, bits uint8) {
	for int(idx) >= len(sn.sides) {
		sn.sides = append(sn.sides, 0)
	}
	sn.sides[idx] |= bits
}

// file takes the first payload (at most sniffPrefix bytes of it) that
// src sent in conversation idx, which wants asked for, and updates the
// conversation's App hint.
func (sn *sniffer) file(b *model.Builder, idx int32, src model.Endpoint, pre []byte) {
	c := b.Conversation(idx)
	pre = pre[:min(len(pre), sniffPrefix)]
	var client, server []byte
	if st := sn.pend[idx]; st != nil {
		client, server = st.pre, pre
		if st.from != c.Client {
			client, server = pre, st.pre
		}
		delete(sn.pend, idx)
		sn.mark(idx, sideLow|sideHigh|sideDone)
	} else {
		if src == c.Client {
			client = pre
		} else {
			server = pre
		}
		sn.mark(idx, side(c, src))
		sn.keep(idx, &sniffPending{from: src, pre: append([]byte(nil), pre...)})
	}
	h := app.Sniff(client, server, c.Client.Port, c.Server.Port)
	if h.Server == "" && server != nil {
		// The timeline's client is the side that spoke first, which is the
		// server when the capture begins with its SYN/ACK: the name is in
		// whichever side's bytes are a request (Host) or a ClientHello.
		if r := app.Sniff(server, client, c.Server.Port, c.Client.Port); r.Proto == h.Proto && r.Server != "" {
			h.Server = r.Server
		}
	}
	c.App = model.AppHint{Proto: h.Proto.String(), Server: h.Server}
}

// keep holds conversation idx's first payload until the other direction's
// comes, giving up the oldest held past maxSniffPending.
func (sn *sniffer) keep(idx int32, st *sniffPending) {
	if sn.pend == nil {
		sn.pend = make(map[int32]*sniffPending)
	}
	for len(sn.pend) >= maxSniffPending && len(sn.queue) > 0 {
		old := sn.queue[0]
		sn.queue = sn.queue[1:]
		if _, ok := sn.pend[old]; ok {
			delete(sn.pend, old)
			sn.mark(old, sideDone)
		}
	}
	if len(sn.queue) > 2*maxSniffPending {
		// Compact the queue: drop the streams no longer pending.
		q := sn.queue[:0]
		for _, s := range sn.queue {
			if _, ok := sn.pend[s]; ok {
				q = append(q, s)
			}
		}
		sn.queue = q
	}
	sn.pend[idx] = st
	sn.queue = append(sn.queue, idx)
}

// tcpPayload is the TCP payload of the frame the last Extract walked (of
// the datagram it completed, for a fragment), valid until the next Extract.
func (d *dissector) tcpPayload() []byte { return d.w.tcpPayload() }
