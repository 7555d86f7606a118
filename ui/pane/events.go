package pane

import "github.com/tcpstep/tcpstep/model"

// EventName is an analysis event and its short name.
type EventName struct {
	Event model.Event
	Name  string
}

// ShortEvents names events briefly enough for a ladder row or a table
// cell, in the order they are listed there.
var ShortEvents = []EventName{
	{model.Retransmission, "retrans"},
	{model.FastRetransmission, "fast-retrans"},
	{model.SpuriousRetransmission, "spurious-retrans"},
	{model.OutOfOrder, "out-of-order"},
	{model.LostSegment, "prev-seg-lost"},
	{model.AckLostSegment, "acked-unseen"},
	{model.DuplicateAck, "dup-ack"},
	{model.ZeroWindow, "zero-window"},
	{model.ZeroWindowProbe, "zw-probe"},
	{model.ZeroWindowProbeAck, "zw-probe-ack"},
	{model.KeepAlive, "keep-alive"},
	{model.KeepAliveAck, "keep-alive-ack"},
	{model.WindowUpdate, "win-update"},
	{model.WindowFull, "win-full"},
	{model.ReusedPorts, "reused-ports"},
}
