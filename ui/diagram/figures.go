package diagram

// The figures, drawn as the student sees them (figure.go says how they
// are read). Both follow RFC 9293's Figure 5 (RFC 793's Figure 6): CLOSED
// at the top, a passive open down the middle to LISTEN, SYN_RECEIVED on the
// left and SYN_SENT on the right, ESTABLISHED below them, the active close
// down the left (FIN_WAIT_1, FIN_WAIT_2), the passive close down the right
// (CLOSE_WAIT, LAST_ACK), CLOSING and TIME_WAIT in the middle, and CLOSED
// again at the bottom right. Two moves the RFC's figure leaves out are
// drawn too: FIN_WAIT_1 → TIME_WAIT on a FIN that acknowledges ours (as
// Stevens draws it), and the resets of every synchronized state, as one
// arrow from any state.

// fullText is the figure with framed boxes and every arrow labelled: 88×22,
// the split layout's pane of a 200×50 terminal less two lines for the
// moves. The tall boxes are the RFC's: SYN_RECEIVED and SYN_SENT take the
// three arrows between them and LISTEN and ESTABLISHED on their sides.
const fullText = `
                                         ┌─────────────────┐
                   rcv RST or snd RST ──▶│     CLOSED      ├─ active OPEN / snd SYN ─┐
                                         └──┬──────────────┘                         ▼
┌──────────────┐               passive OPEN ▼   ▲ CLOSE   ▲               ┌────────────┐
│              │                         ┌──────┴───┐     └─ CLOSE ───────┤            │
│              ├─────── rcv RST ────────▶│  LISTEN  ├─ SEND / snd SYN ───▶│            │
│ SYN_RECEIVED │◀ rcv SYN / snd SYN,ACK ─┤          │                     │  SYN_SENT  │
│              │◀─────────┐              └──────────┘                     │            │
│              ├────┐     └───────────── rcv SYN / snd ACK ───────────────┤            │
└─┬────────────┘    │                  ┌───────────────┐                  └────────┬───┘
  ▼ CLOSE / snd FIN └─ rcv ACK of SYN ▶│  ESTABLISHED  │◀ rcv SYN,ACK / snd ACK ───┘
┌───────────────────┐                  └┬────────────┬─┘                  ┌────────────┐
│                   │◀ CLOSE / snd FIN ─┘            └ rcv FIN / snd ACK ▶│ CLOSE_WAIT │
│    FIN_WAIT_1     │                    ┌─────────┐                      └─────┬──────┘
│                   ├ rcv FIN / snd ACK ▶│ CLOSING │            CLOSE / snd FIN ▼
└──────────────┬───┬┘                    └────┬────┘                       ┌──────────┐
rcv ACK of FIN │   │                          │ rcv ACK of FIN             │ LAST_ACK │
               ▼   │ rcv FIN,ACK / snd ACK    ▼                            └────┬─────┘
┌────────────────┐ │                    ┌─────────────┐          rcv ACK of FIN ▼
│   FIN_WAIT_2   │ └───────────────────▶│  TIME_WAIT  │                    ┌──────────┐
│                ├─ rcv FIN / snd ACK ─▶│             ├─ timeout=2MSL ────▶│  CLOSED  │
└────────────────┘                      └─────────────┘                    └──────────┘
`

// compactText is the same figure in one-line boxes and without labels,
// 64×11: the tab of an 80×24 terminal under a lesson, and the split
// layout's pane from 150 columns. The labels of the arrows taken are in
// the lines under it.
const compactText = `
     ┌─────────────────────┐  [  CLOSED  ]◀─────────────────┐
     │                     ▼    ▼ ▲    └────────────────┐   │
     │     ┌─────────────[  LISTEN  ]────────────────┐  │   │
     │     ▼                                         ▼  ▼   │
  [  SYN_RCVD  ]◀─────────────────────────────────[  SYN_SENT  ]
    │        │                                        │
    ▼        └─────────────▶[  ESTAB  ]◀──────────────┘
  [   FIN_WAIT_1    ]◀────────┘     └──────────▶[  CLOSE_WAIT  ]
      ▼          │ └─▶[  CLOSING  ] RST ─┐             ▼
[  FIN_WAIT_2  ] ▼        ▼              ▼      ┌─[  LAST_ACK  ]
        └──────▶[  TIME_WAIT  ]───▶[  CLOSED  ]◀┘
`

var (
	fullFig    = mustParse(fullText, true)
	compactFig = mustParse(compactText, false)
	// figures are the figures from the largest down.
	figures = []*fig{fullFig, compactFig}
)
