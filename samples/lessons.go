package samples

import "github.com/tcpstep/tcpstep/model"

// Each sample carries a short lesson: a title, what to watch for, and notes
// on chosen steps (keyed by frame number) that the interface shows in the
// explanation pane when that step is selected.
//
// Notes may state numbers, but only in forms a test can check against the
// decoded sample (TestLessonNumbers): "frame N", "SEQ N", "ACK N", "ISN N",
// "A = B + N", "N bytes", "port N", "window N", "scale N", "N ms", "MTU N",
// "ID 0x...", "offset N", addresses, and "N of the 11 states". Every frame
// a note names joins the frames whose values its numbers may be.
//
// Every number that depends on the numbering is written both ways,
// "{absolute|relative}" (model.NewLesson), so a note reads right beside
// either; an ISN is the number on the wire in both. A lesson is absolute
// when its own numbers are (smtp-figure10, as the paper prints them;
// refused and isn-prediction, whose point is the SYN's number), and its
// sample is best opened so.

// Lesson returns the lesson of the named sample.
func Lesson(name string) (model.Lesson, bool) {
	l, ok := lessons[name]
	if !ok {
		return model.Lesson{}, false
	}
	out, err := model.NewLesson(l.title, l.watch, l.notes, l.absolute)
	if err != nil {
		panic(err) // TestEveryLessonParses keeps this from happening
	}
	return out, true
}

// lesson is one lesson's source: its watch text and notes may hold
// "{absolute|relative}" alternatives.
type lesson struct {
	title, watch string
	absolute     bool
	notes        map[uint32]string
}

var lessons = map[string]lesson{
	"smtp-figure10": {
		title:    "The SMTP session of Figure 10: handshake, the ACK as next byte expected, a close that ends in RST",
		absolute: true,
		watch: "Watch the SEQ and ACK of every step ({absolute numbers, as the paper prints them|relative numbers here; " +
			"the paper prints absolute ones}): an ACK is always " +
			"the next byte its sender expects, so it equals the SEQ of the data it acknowledges plus the bytes " +
			"counted. Watch the client's extra pure ACKs after each reply, and the close: the server's FIN, then " +
			"a RST where the last ACK should be. Follow the states of both sides on the diagram.",
		notes: map[uint32]string{
			1: "The opening handshake begins. The client (port 1042) picks its initial sequence number, ISN " +
				"1023645922, and announces it in a SYN. The ISN must be unpredictable: an attacker who can guess it " +
				"can forge segments of a connection he cannot see, or spoof a whole connection from a trusted " +
				"address (sample isn-prediction shows a host whose ISNs can be guessed). The SYN carries no data yet " +
				"consumes one sequence number, so the client's first data byte will be {1023645923|1} = " +
				"{1023645922|0} + 1. The ACK flag is off: ACK 0 means nothing here. The SYN reaches the listening " +
				"server on this very row, which puts it in SYN_RECEIVED: a state is the state after a segment's " +
				"departure or arrival (RFC 9293).",
			2: "The server (port 25) accepts with a SYN,ACK: its own ISN 2234678799, and ACK {1023645923|1} = " +
				"{1023645922|0} + 1 for the client's SYN in frame 1. An ACK is not a count of segments: it is the " +
				"number of the next byte the sender expects. The SYN,ACK takes the client to ESTABLISHED as it " +
				"arrives; the server stays in SYN_RECEIVED until the ACK of its own SYN comes back.",
			3: "The third segment of the three-way handshake: ACK {2234678800|1} = {2234678799|0} + 1 acknowledges " +
				"the server's SYN of frame 2, and both sides are ESTABLISHED. Each side has announced its ISN and " +
				"seen it acknowledged. Its SEQ {1023645923|1} = {1023645922|0} + 1: the SYN of frame 1 used one " +
				"sequence number.",
			4: "The first data: the server's 93-byte greeting, SEQ {2234678800|1}. Its bytes are numbered from " +
				"there, so the next byte it sends will be {2234678893|94} = {2234678800|1} + 93. PSH asks the client " +
				"to hand the text to its application at once.",
			5: "An extra pure ACK: no data, only ACK {2234678893|94} = {2234678800|1} + 93 for the greeting of " +
				"frame 4. The Windows client delays its ACKs in the hope of sending them with data; with nothing to " +
				"send it acknowledges alone, about 200 ms after frame 4.",
			6: "The attacker types help: 5 bytes (the four letters and a bare line feed, as netcat sends them) at " +
				"SEQ {1023645923|1}. That is the SEQ of frame 3 too: the handshake's ACK carried no data, so it used " +
				"no sequence number.",
			7: "The paper's point: the reply acknowledges the 5 bytes of help with ACK {1023645928|6} = " +
				"{1023645923|1} + 5, the SEQ of frame 6 plus the bytes it carried. The ACK is the next byte " +
				"expected. The reply itself carries 440 bytes, the server's help text.",
			8: "Another extra pure ACK, about 200 ms after frame 7: ACK {2234679333|534} = {2234678893|94} + 440.",
			9: "The attacker probes user names: VRFY root asks whether the user root exists, 10 bytes at SEQ " +
				"{1023645928|6}. The reply in frame 10 confirms it, with ACK {1023645938|16} = {1023645928|6} + 10.",
			12: "VRFY guest, 11 bytes; the server answers in frame 13 that the user is unknown, with ACK " +
				"{1023645949|27} = {1023645938|16} + 11. Each answer tells the attacker something: this is why mail " +
				"servers now turn VRFY and EXPN off.",
			15: "EXPN admin asks the server to expand a mailing list; frame 16 lists its members, 101 bytes.",
			24: "QUIT, 5 bytes at SEQ {1023645993|71}. The server answers in frame 25 and then closes.",
			26: "The close begins on the server's side: FIN at SEQ {2234679648|849}, right after its last reply of " +
				"frame 25. The server enters FIN_WAIT_1, and the FIN takes the client to CLOSE_WAIT as it arrives " +
				"(its own application has not closed yet). A FIN, like a SYN, consumes one sequence number.",
			27: "The client acknowledges the FIN: ACK {2234679649|850} = {2234679648|849} + 1 for the FIN of frame " +
				"26. The ACK moves the server to FIN_WAIT_2.",
			28: "The client's application closes too: its FIN, SEQ {1023645998|76}, takes it to LAST_ACK, where it " +
				"waits for the ACK of that FIN. The observer, seeing the FIN pass on its way to the server, has it " +
				"take the server from FIN_WAIT_2 to TIME_WAIT; frame 29 shows what the server's TCP made of it.",
			29: "No final ACK comes: a RST instead, 0.07 ms after the FIN of frame 28 passed beside the server, the " +
				"time its TCP takes to answer. A TCP still in TIME_WAIT would acknowledge the FIN, and an " +
				"application's abort sends nothing from TIME_WAIT: the server's TCP no longer had the connection, " +
				"and answers the FIN as RFC 9293 has a TCP answer a segment for a connection it does not have. Its " +
				"SEQ {2234679649|850} is that FIN's ACK {2234679649|850}, and it carries no ACK, so the client " +
				"accepts it: both sides are CLOSED. Over the session the two sides passed through 10 of the 11 " +
				"states of RFC 793: CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, " +
				"CLOSE_WAIT, LAST_ACK and TIME_WAIT. The eleventh, CLOSING, needs another close: it comes when FINs " +
				"cross (sample simultaneous-close).",
		},
	},
	"http-close": {
		title: "An HTTP fetch and the four-way close, client first",
		watch: "Watch the window scale option in the SYNs and the small window fields after them; the one ACK that " +
			"covers two data segments; and the close: each FIN takes one sequence number, each side passes " +
			"through its own closing states, and the client ends in TIME_WAIT.",
		notes: map[uint32]string{
			1: "The handshake begins: a SYN with window 64240 (a SYN's window is never scaled) and the options of a " +
				"Linux client, among them window scale 7.",
			2: "The SYN,ACK: ACK {3399862848|1} = {3399862847|0} + 1 for the SYN of frame 1. " +
				"The server announces window scale 7 too, so both sides scale their windows from now on.",
			3: "Handshake done. The client's window 502 looks small, but scaled by 2^7 it is 64256 bytes.",
			4: "The first data: the HTTP request, 87 bytes from SEQ {3399862848|1}.",
			5: "The response starts: 1448 bytes, and ACK {3399862935|88} = {3399862848|1} + 87 for the request of " +
				"frame 4.",
			7: "One ACK for two segments: ACK {1749246081|2016} = {1749245514|1449} + 567 covers frame 5 and frame " +
				"6. A receiver need not acknowledge every segment; the ACK names the next byte it expects.",
			8: "The client closes first: FIN at SEQ {3399862935|88}, and it enters FIN_WAIT_1; arriving, the FIN " +
				"takes the server to CLOSE_WAIT.",
			9: "A bare ACK of the FIN of frame 8, ACK {3399862936|89} = {3399862935|88} + 1: the server is in " +
				"CLOSE_WAIT (it may still send), the client in FIN_WAIT_2 (its FIN is acknowledged, it waits for the " +
				"server's).",
			10: "The server's application closes: its FIN takes it to LAST_ACK, and the client, receiving it in " +
				"FIN_WAIT_2, to TIME_WAIT.",
			11: "The last ACK, ACK {1749246082|2017} = {1749246081|2016} + 1 for the FIN of frame 10: the server is " +
				"CLOSED, the client in TIME_WAIT, where it waits 2MSL in case this ACK is lost and the FIN comes " +
				"again.",
		},
	},
	"refused": {
		title:    "A refused connection: SYN answered by RST",
		absolute: true,
		watch:    "Watch the ACK of the reset: it acknowledges the SYN, which is what makes the client accept it.",
		notes: map[uint32]string{
			1: "The client asks to connect to port 8080 with a SYN, ISN 1241754469.",
			2: "Nothing listens on port 8080, so the server's stack answers with RST,ACK. The reset answers a " +
				"segment without ACK, so RFC 793 has it carry ACK {1241754470|1} = {1241754469|0} + 1, " +
				"acknowledging the SYN of frame 1; a SYN_SENT side accepts a reset only if it acknowledges its SYN. " +
				"The client goes from SYN_SENT to CLOSED. {In relative numbers its SEQ would be a guess|Its relative SEQ 1 " +
				"is a guess}: the server sent no SYN, so no base is known.",
		},
	},
	"reset-abort": {
		title: "A download aborted by RST",
		watch: "Watch the client's RST,ACK in the middle of the transfer, then the server's segments that were " +
			"already on their way: each meets a bare RST, because the connection no longer exists.",
		notes: map[uint32]string{
			1: "An ordinary handshake begins.",
			2: "The SYN,ACK: ACK {58308171|1} = {58308170|0} + 1 for the SYN of frame 1. The server is in " +
				"SYN_RECEIVED.",
			3: "Handshake done: both sides are ESTABLISHED.",
			4: "The request, 101 bytes.",
			5: "The download begins: 1448 bytes per segment, ACK {58308272|102} = {58308171|1} + 101 for the " +
				"request of frame 4.",
			7: "One ACK for two segments: ACK {3994118140|2897} = {3994116692|1449} + 1448 covers frame 5 and frame " +
				"6.",
			14: "The user gives up. Closing a socket with unread data makes Linux abort: RST,ACK instead of FIN. " +
				"Both sides are CLOSED at once; nothing is acknowledged any more and no TIME_WAIT follows.",
			15: "Data the server sent before the reset arrived still comes in, 1448 bytes at SEQ {3994123932|8689}.",
			16: "With no connection left, the client's stack answers with a bare RST whose SEQ is the ACK field of " +
				"frame 15: SEQ {58308272|102}, as RFC 793 has a reset answer a segment that carries ACK.",
			18: "The same again for frame 17.",
		},
	},
	"simultaneous-open": {
		title: "Simultaneous open: two SYNs cross",
		watch: "Watch both sides go SYN_SENT, then SYN_RECEIVED, then ESTABLISHED: there is no server waiting in " +
			"LISTEN. Each SYN,ACK repeats its sender's SYN, which tshark calls a retransmission.",
		notes: map[uint32]string{
			1: "One peer sends a SYN: SYN_SENT.",
			2: "The other peer sends its own SYN before the first has reached it: both are active opens. Its SYN " +
				"shows it: it acknowledges nothing, so this peer stays SYN_SENT, while its SYN reaches the first " +
				"peer and moves it to SYN_RECEIVED (RFC 9293, Figure 7).",
			3: "The first peer answers the SYN it received with a SYN,ACK that repeats its own ISN, SEQ {2889498617|0}, " +
				"and ACK {2162747900|1} = {2162747899|0} + 1 for the SYN of frame 2. This repeated SYN is the one " +
				"that reaches the second peer: it moves to SYN_RECEIVED too.",
			4: "The second peer answers the same way, ACK {2889498618|1} = {2889498617|0} + 1 for the SYN of frame 1, " +
				"and the first " +
				"peer, its SYN acknowledged, is ESTABLISHED. The second peer's own SYN,ACK shows the ACK of its SYN " +
				"had not reached it yet: it becomes ESTABLISHED with the next segment that carries it, frame 5.",
			5: "The first data, 17 bytes.",
			9: "Data and FIN in one segment: the second peer sends its last 4 bytes and closes, FIN_WAIT_1; the FIN " +
				"takes the first peer to CLOSE_WAIT.",
			10: "ACK {2162747925|26} = {2162747920|21} + 5 acknowledges frame 9: its 4 bytes from SEQ " +
				"{2162747920|21} and its FIN, which counts one more. The first peer closes in the same segment and " +
				"goes to LAST_ACK; the second, its FIN acknowledged and a FIN received, goes to TIME_WAIT.",
			11: "The last ACK: one side CLOSED, the other in TIME_WAIT.",
		},
	},
	"simultaneous-close": {
		title: "Simultaneous close: two FINs cross, both sides pass CLOSING",
		watch: "Watch the ACK fields of the two FINs: neither covers the other FIN, so each side receives a FIN " +
			"while its own is unacknowledged, and goes to CLOSING instead of FIN_WAIT_2.",
		notes: map[uint32]string{
			1: "An ordinary handshake begins.",
			2: "The SYN,ACK: ACK {3752161758|1} = {3752161757|0} + 1 for the SYN of frame 1.",
			3: "Handshake done: both sides are ESTABLISHED.",
			4: "The request, 84 bytes; frame 5 answers with 256 bytes.",
			7: "The client closes: FIN at SEQ {3752161842|85}, FIN_WAIT_1.",
			8: "The server closes at the same moment: its FIN carries ACK {3752161842|85}, which does not cover the " +
				"client's FIN of frame 7 (that takes ACK {3752161843|86} = {3752161842|85} + 1, which frame 10 " +
				"sends). The FINs crossed: the server sent its FIN before the client's arrived. Each FIN then " +
				"reaches a side whose own FIN is unacknowledged: both go to CLOSING (RFC 9293, Figure 13).",
			9: "The client acknowledges the server's FIN: ACK {2180791118|258} = {2180791117|257} + 1 for frame 8. " +
				"Its own FIN is not acknowledged yet, so it stays in CLOSING; the ACK takes the server to TIME_WAIT.",
			10: "The server acknowledges the client's FIN, ACK {3752161843|86} = {3752161842|85} + 1 for frame 7. " +
				"Each side's FIN is now acknowledged: both are in TIME_WAIT.",
		},
	},
	"lossy-transfer": {
		title: "Loss and recovery: a timeout, duplicate ACKs, fast retransmit, reordering",
		watch: "The tap sits beside the client, so every loss lies beyond it: what the client sends passes the tap " +
			"and may be lost after it, what the server sends may be lost before it and never show. Watch the " +
			"request go out twice (the client's timer, when no ACK comes), the client's ACK stop at one number " +
			"while data keeps arriving (duplicate ACKs), the server resend at once after three of them, and a " +
			"segment that arrives late.",
		notes: map[uint32]string{
			1: "An ordinary handshake begins. It takes about 16 ms (frames 1 to 3), which becomes tshark's " +
				"out-of-order threshold.",
			2: "The SYN,ACK, ACK {4201998336|1} = {4201998335|0} + 1 for the SYN of frame 1.",
			3: "Handshake done: both sides are ESTABLISHED.",
			4: "The request, 95 bytes. The tap beside the client sees it leave; it is lost on the path beyond, and " +
				"the server never answers it.",
			5: "No ACK came back, so the client's retransmission timer runs out, about 216 ms after frame 4, and it " +
				"sends the request again from SEQ {4201998336|1}: a retransmission. Linux's first timeout is the " +
				"round trip it measured in the handshake plus a floor of a fifth of a second.",
			6: "The request got through: the download begins, a flight of segments of 1448 bytes each (frames 6 to " +
				"14), with ACK {4201998431|96} = {4201998336|1} + 95 for the request of frame 5.",
			9: "SEQ {3230043844|5793}, where {3230042396|4345} = {3230040948|2897} + 1448 was expected after frame " +
				"8: the segment between was lost on the path before the tap, so the capture never shows it, and " +
				"tshark reports a previous segment not captured.",
			16: "ACK {3230042396|4345} = {3230040948|2897} + 1448 for frame 8: the client has everything before the " +
				"hole. The segment of frame 9 reached it too (the tap beside it saw it pass), and a SACK option says " +
				"so.",
			17: "A duplicate ACK: each later segment reaches the client, but the hole stays, so it repeats ACK " +
				"{3230042396|4345} and its SACK block grows.",
			22: "After the duplicate ACKs in frames 17 to 21 the server resends SEQ {3230042396|4345} at once: a " +
				"fast retransmission, without waiting for its timer. The tap sees these bytes for the first time.",
			26: "The gap is filled: ACK {3230055428|17377} = {3230053980|15929} + 1448 acknowledges everything up to " +
				"frame 24.",
			27: "This segment overtook its predecessor on the path: SEQ {3230056876|18825}, where {3230055428|17377} " +
				"= {3230053980|15929} + 1448 was expected after frame 24, so tshark reports a previous segment not " +
				"captured.",
			28: "The missing segment, SEQ {3230055428|17377}, arrives 0.8 ms after frame 27: within the threshold, " +
				"so it is out of order, not a retransmission.",
			34: "The last segment, 700 bytes.",
			35: "ACK {3230061920|23869} = {3230061220|23169} + 700 for frame 34: the whole response has arrived.",
			36: "The client closes: FIN_WAIT_1; the FIN takes the server to CLOSE_WAIT.",
			37: "The server's FIN carries ACK {4201998432|97} = {4201998431|96} + 1 for the FIN of frame 36: it goes " +
				"to LAST_ACK, the client to TIME_WAIT.",
			38: "The last ACK: the client in TIME_WAIT, the server CLOSED.",
		},
	},
	"zero-window": {
		title: "Zero window: a receiver that cannot keep up",
		watch: "Watch the printer's window: what its SYN,ACK offers, filled by three segments, then zero. Watch the " +
			"client's one-byte probes and the window update that lets it go on.",
		notes: map[uint32]string{
			1: "The client opens a connection to the printer's port 9100.",
			2: "The printer offers a window of 4380 bytes: room for three segments of 1460 bytes (frames 4 to 6).",
			3: "Handshake done: both sides are ESTABLISHED.",
			4: "The print job starts: 1460 bytes from SEQ {1880008180|1}.",
			6: "Window full: this segment ends at the edge of the window the printer offered in frame 2: " +
				"{1880012560|4381} = {1880008180|1} + 4380.",
			7: "The printer acknowledges everything, ACK {1880012560|4381} = {1880011100|2921} + 1460 for frame 6, " +
				"but advertises window 0: its buffer is full, the client must stop.",
			8: "A zero window probe: one byte at SEQ {1880012560|4381}, the next one to send, about 205 ms after " +
				"frame 7. The client's persist timer asks whether the window has opened.",
			9:  "Still window 0: the printer acknowledges the probe without taking its byte (ACK {1880012560|4381}).",
			12: "A window update: same ACK {1880012560|4381}, window 2920. The printer has room again.",
			13: "The job resumes from the probed byte, SEQ {1880012560|4381}.",
			16: "The client closes: FIN_WAIT_1; the FIN takes the server to CLOSE_WAIT.",
			17: "ACK {1880015001|6822} = {1880015000|6821} + 1 for the FIN of frame 16: client FIN_WAIT_2, server " +
				"CLOSE_WAIT while the printer finishes the job.",
			18: "The printer closes: LAST_ACK; its FIN takes the client to TIME_WAIT.",
			19: "The last ACK: the client in TIME_WAIT, the printer CLOSED.",
		},
	},
	"keepalive": {
		title: "Keep-alives on an idle connection",
		watch: "Watch the SEQ of the keep-alives: one below the next sequence number, so they ask for nothing new " +
			"and the peer must answer with an ACK.",
		notes: map[uint32]string{
			1: "An IMAP session begins.",
			2: "The server's SYN,ACK, ACK {4200096770|1} = {4200096769|0} + 1 for the SYN of frame 1; it announces " +
				"window scale 8.",
			3: "Handshake done: both sides are ESTABLISHED.",
			4: "The server's greeting, 101 bytes; frame 5 acknowledges it with ACK {3349543043|102} = " +
				"{3349542942|1} + 101.",
			12: "After a minute of silence the client sends a keep-alive: no data and SEQ {4200096795|26} = " +
				"{4200096796|27} - 1, one below the next byte it would send (frame 11 was at SEQ {4200096796|27}). " +
				"The server must answer.",
			13: "The server's ACK {4200096796|27} answers the keep-alive of frame 12: the connection is alive.",
			14: "The server's kind of keep-alive: one garbage byte at SEQ {3349543208|267} = {3349543209|268} - 1, " +
				"one below its next byte (frame 13 was at SEQ {3349543209|268}).",
			15: "The client answers with ACK {3349543209|268}: it did not accept the byte, the ACK stays where it " +
				"was.",
			16: "New mail: the server speaks again, 12 bytes.",
			24: "The server closes first: FIN_WAIT_1; the FIN takes the client to CLOSE_WAIT.",
			25: "The client's FIN,ACK acknowledges the FIN of frame 24, ACK {3349543323|382} = {3349543322|381} + 1, " +
				"and closes its side at once: LAST_ACK (it was in CLOSE_WAIT since the FIN arrived), and it takes " +
				"the server to TIME_WAIT.",
			26: "The last ACK, ACK {4200096814|45} = {4200096813|44} + 1 for the FIN of frame 25: the server in " +
				"TIME_WAIT, the client CLOSED.",
		},
	},
	"mid-connection": {
		title: "A capture that begins in the middle of a connection",
		watch: "Watch what has to be guessed without a handshake: both states (assumed ESTABLISHED) and the " +
			"relative numbers, which count from the first byte seen.",
		notes: map[uint32]string{
			1: "No SYN was captured. Both sides are assumed ESTABLISHED, and each side's relative numbers count " +
				"from one below the first sequence number seen: {in relative numbers this ACK's SEQ and ACK are " +
				"guesses (as sent they are SEQ 1413099600 and ACK 1981171587)|this ACK's SEQ 1 is a guess, as is " +
				"ACK 1}.",
			2:  "The server's first segment seen: 1448 bytes at {SEQ 1981171587|relative SEQ 1}.",
			4:  "ACK {1981174483|2897} = {1981173035|1449} + 1448 covers frame 2 and frame 3.",
			13: "A second request on the same connection, 90 bytes.",
			16: "The client closes: FIN_WAIT_1; the FIN takes the server to CLOSE_WAIT.",
			17: "The server's FIN,ACK acknowledges the FIN of frame 16 (ACK {1413099691|92} = {1413099690|91} + 1) " +
				"and closes: LAST_ACK; the client goes to TIME_WAIT.",
			18: "The last ACK: client TIME_WAIT, server CLOSED.",
		},
	},
	"isn-prediction": {
		title:    "Predictable and random initial sequence numbers",
		absolute: true,
		watch: "{Compare|Switch to absolute numbers and compare} the ISNs of the SYNs: the old host's rise by a fixed step, " +
			"the modern host's look random. Compare the source ports too.",
		notes: map[uint32]string{
			1: "The old host's first connection: ISN 52672001 from port 1025.",
			2: "The server answers with its own ISN and ACK {52672002|1} = {52672001|0} + 1 for the SYN " +
				"of frame 1.",
			3: "Handshake done: the check has its answer, the port is open.",
			4: "The old host closes at once: FIN_WAIT_1; the FIN takes the server to CLOSE_WAIT.",
			5: "The server's FIN,ACK acknowledges the FIN of frame 4 and closes too: LAST_ACK; the old host goes to " +
				"TIME_WAIT.",
			6: "The last ACK: the old host in TIME_WAIT, the server CLOSED. The next connections repeat this " +
				"exchange.",
			7: "Its second connection: ISN 52736001 = 52672001 + 64000 (frame 1), from port 1026. A fixed step: " +
				"after seeing one connection, an attacker can predict the ISN of the next and forge its segments " +
				"without seeing them.",
			13: "Third: ISN 52800001 = 52736001 + 64000 (frame 7), port 1027.",
			19: "Fourth: ISN 52864001 = 52800001 + 64000 (frame 13), port 1028.",
			25: "The modern host: ISN 2584411229 from port 40312.",
			31: "Its next connection: ISN 1923609495 from port 55870, with no relation to frame 25. RFC 6528 derives " +
				"the ISN from a secret hash of the addresses and ports plus a clock, so it cannot be predicted.",
			37: "The modern host again: ISN 2507930692 from port 37154.",
			43: "And again: ISN 101920970 from port 60211. Nothing links one ISN to the next.",
		},
	},
	"ipv6": {
		title: "An HTTP fetch over IPv6, the server closes first",
		watch: "TCP is the same over IPv6: the same handshake, numbers and states. Watch the server take the active " +
			"close this time: FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT.",
		notes: map[uint32]string{
			1: "The handshake over IPv6, from 2001:db8:1::23 to port 80.",
			2: "The SYN,ACK: ACK {2065013|1} = {2065012|0} + 1 for the SYN of frame 1, as over IPv4.",
			3: "Handshake done: both sides are ESTABLISHED.",
			4: "The request, 108 bytes.",
			5: "The response, 260 bytes, with ACK {2065121|109} = {2065013|1} + 108 for frame 4.",
			6: "The server closes first: FIN at SEQ {1141761726|261}, FIN_WAIT_1.",
			7: "The client acknowledges the data of frame 5, ACK {1141761726|261} = {1141761466|1} + 260, but not " +
				"yet the FIN.",
			8: "ACK {1141761727|262} = {1141761726|261} + 1 for the FIN of frame 6: client CLOSE_WAIT, server " +
				"FIN_WAIT_2.",
			9:  "The client closes: LAST_ACK; its FIN takes the server to TIME_WAIT.",
			10: "The last ACK, from the server: it waits in TIME_WAIT, the client is CLOSED.",
		},
	},
	"ip-fragments": {
		title: "One TCP segment in three IPv4 fragments",
		watch: "Watch the fragments' ID, offset and More Fragments flag, and the segment that exists only once the " +
			"last fragment to arrive completes the datagram.",
		notes: map[uint32]string{
			1: "An ordinary handshake, on hosts with a large MSS.",
			2: "The SYN,ACK, ACK {1751775092|1} = {1751775091|0} + 1 for the SYN of frame 1.",
			3: "Handshake done: both sides are ESTABLISHED.",
			5: "The first fragment: ID 0x9cfe, offset 0, More Fragments set. It holds the TCP header.",
			6: "The last piece, offset 2960, More Fragments clear; the middle one is still missing.",
			7: "The middle fragment, offset 1480, arrives last and completes the datagram: only now is the segment, " +
				"2968 bytes at SEQ {2205454377|1}, there to see.",
			8: "ACK {2205457345|2969} = {2205454377|1} + 2968 acknowledges the reassembled segment of frame 7.",
			9: "The client closes: FIN_WAIT_1; the FIN takes the server to CLOSE_WAIT.",
			10: "The server's FIN,ACK acknowledges the FIN of frame 9, ACK {1751775190|99} = {1751775189|98} + 1, " +
				"and closes: LAST_ACK; the client goes to TIME_WAIT.",
			11: "The last ACK: client TIME_WAIT, server CLOSED.",
		},
	},
	"icmp-frag-needed": {
		title: "Path MTU discovery: ICMP fragmentation needed",
		watch: "Watch the ICMP errors: who sends them, the MTU they report and the segment each one quotes; then " +
			"the smaller segments that replace the dropped ones.",
		notes: map[uint32]string{
			1: "A client connects to the web server; the capture is taken at the server.",
			2: "The server's SYN,ACK, ACK {3859536515|1} = {3859536514|0} + 1 for the SYN of frame 1.",
			3: "Handshake done: both sides are ESTABLISHED.",
			5: "Full-size segments, 1448 bytes each, with DF set: no router may fragment them.",
			7: "A router at 192.0.2.254 cannot forward frame 5's datagram into a link of MTU 1400 and drops it. Its " +
				"ICMP error tells the sender, 203.0.113.10, the MTU, and quotes the segment: SEQ {2433859727|1}, " +
				"ports and all.",
			8: "The same for frame 6.",
			9: "The server resends the data in 1348-byte segments that fit. tshark calls this one out of order: it " +
				"comes soon after frame 6, within the threshold.",
			11: "The rest, 200 bytes.",
			13: "ACK {2433862623|2897} = {2433862423|2697} + 200 for frame 11: everything has arrived.",
			14: "The client closes: FIN_WAIT_1; the FIN takes the server to CLOSE_WAIT.",
			15: "The server's FIN,ACK acknowledges the FIN of frame 14, ACK {3859536614|100} = {3859536613|99} + 1, " +
				"and closes: LAST_ACK; the client goes to TIME_WAIT.",
			16: "The last ACK: client TIME_WAIT, server CLOSED.",
		},
	},
	"icmp-time-exceeded": {
		title: "TCP traceroute: SYN probes and ICMP time exceeded",
		watch: "Watch each probe's connection: a SYN, then an ICMP error from a router on the path, and for the " +
			"last probe an answer from the server itself.",
		notes: map[uint32]string{
			1: "The first probe: a SYN sent with a TTL of one hop.",
			2: "The first router, 198.51.100.1, decrements the TTL to zero, drops the probe and sends time exceeded " +
				"back to 198.51.100.23. Its address is the first hop of the path.",
			3: "The second probe, from a new source port, with a TTL of two hops.",
			4: "The second router, 192.0.2.1, does the same for the second probe of frame 3: the second hop.",
			5: "The third probe, with a TTL of three hops.",
			6: "The third probe reaches the server, which answers with a SYN,ACK, ACK {707176101|1} = {707176100|0} " +
				"+ 1 for the SYN of frame 5.",
			7: "No socket on the tracing host asked for this connection (the probe was hand-made), so its kernel " +
				"resets it: RST with SEQ {707176101|1}, the ACK field of frame 6.",
		},
	},
}
