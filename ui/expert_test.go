package ui

import (
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/expert"
)

// expertCursor is what the expert view's cursor is on.
func expertCursor(m *Model) (model.ExpertKind, uint32) {
	k, f, _ := m.views[paneExpert].(*expert.Pane).Cursor()
	return k, f
}

// 9 shows the expert information of the lossy transfer with the counts
// tcpstep expert prints; → opens a row into its frames, enter on one
// moves the ladder there, ← closes the row and never steps; the ladder
// still steps with →.
func TestExpertViewOnLossyTransfer(t *testing.T) {
	for _, sz := range goldenSizes {
		m := loadedModel(t, sample(t, "lossy-transfer"), Options{Stream: -1}, sz[0], sz[1])
		m = pressRun(t, m, "9")
		if m.focus != paneExpert || !m.visible(paneExpert) {
			t.Fatalf("%v: 9: focus %v, visible %v", sz, m.focus, m.visible(paneExpert))
		}
		s := screenOf(m)
		for _, want := range []string{"Whole capture: 18 findings, 18 in stream 0", "Warnings (3; 3 in stream 0)", "Notes (11; 11 in stream 0)", "Chats (4; 4 in stream 0)", "duplicate_ack", "fast_retransmission"} {
			if !strings.Contains(s, want) {
				t.Fatalf("%v: the expert view lacks %q:\n%s", sz, want, s)
			}
		}
		if !m.lay.Tabs && !strings.Contains(s, "9 Expert  capture  · 4 Explain 8 ISN") {
			t.Fatalf("%v: the expert pane's title:\n%s", sz, s)
		}
		m = pressRun(t, m, "down", "down") // over the Notes heading
		if k, _ := expertCursor(m); k != model.ExpertDuplicateAck {
			t.Fatalf("%v: cursor on %v, want duplicate_ack", sz, k)
		}
		m = pressRun(t, m, "right", "down", "down")
		if k, f := expertCursor(m); k != model.ExpertDuplicateAck || f != 18 {
			t.Fatalf("%v: cursor on %v frame %d, want duplicate_ack frame 18\n%s", sz, k, f, screenOf(m))
		}
		if m.cur != 0 {
			t.Fatalf("%v: → and ↓ in the expert view stepped to row %d", sz, m.cur)
		}
		m = pressRun(t, m, "enter")
		if selectedFrame(m) != 18 || m.focus != paneExpert {
			t.Fatalf("%v: enter on frame 18: frame %d selected, focus %v", sz, selectedFrame(m), m.focus)
		}
		if s := screenOf(m); !strings.Contains(s, "step 18/38") || !strings.Contains(s, "•   frame 18") {
			t.Fatalf("%v: after enter on frame 18:\n%s", sz, s)
		}
		m = pressRun(t, m, "left", "left")
		if selectedFrame(m) != 18 || strings.Contains(screenOf(m), "frame 17") {
			t.Fatalf("%v: ← ← should close the row and not step: frame %d\n%s", sz, selectedFrame(m), screenOf(m))
		}
		m = pressRun(t, m, "1", "right")
		if selectedFrame(m) != 19 {
			t.Fatalf("%v: → in the ladder went to frame %d", sz, selectedFrame(m))
		}
	}
}

// Enter on a frame of another conversation opens it, as the picker does,
// and the footer says so.
func TestExpertGoesToAnotherConversation(t *testing.T) {
	m := loadedModel(t, sample(t, "isn-prediction"), Options{Stream: 0}, 80, 24)
	m = pressRun(t, m, "9", "down", "down", "down", "enter") // the SYNs: one per conversation
	if k, _ := expertCursor(m); k != model.ExpertSYN {
		t.Fatalf("cursor on %v, want syn\n%s", k, screenOf(m))
	}
	m = pressRun(t, m, "down", "down", "down", "down")
	if _, f := expertCursor(m); f != 19 {
		t.Fatalf("cursor on frame %d, want 19\n%s", f, screenOf(m))
	}
	m = pressRun(t, m, "enter")
	if m.conv.Index != 3 || selectedFrame(m) != 19 || m.screen != screenStepper || m.focus != paneExpert {
		t.Fatalf("enter on frame 19: stream %d frame %d screen %v focus %v", m.conv.Index, selectedFrame(m), m.screen, m.focus)
	}
	s := screenOf(m)
	if !strings.Contains(s, "frame 19 is in stream 3") || !strings.Contains(s, "6 in stream 3") || !strings.Contains(s, "•   frame 19") {
		t.Fatalf("after going to stream 3:\n%s", s)
	}
	// m: stream 3 alone, its one SYN still open under the cursor.
	m = pressRun(t, m, "m")
	if s := screenOf(m); !strings.Contains(s, "Stream 3: 6 findings") || strings.Contains(s, "frame  7") {
		t.Fatalf("stream 3 alone:\n%s", s)
	}
}

// A big capture is analysed in a command, the view saying so meanwhile;
// no frame is filed while the command reads the timeline.
func TestExpertAnalysisOffTheUIGoroutine(t *testing.T) {
	m := loadedModel(t, bigConversation(20_000), Options{Stream: -1}, 80, 24)
	if len(m.tl.Segments) <= 20_000 {
		t.Fatalf("%d segments: not a big capture", len(m.tl.Segments))
	}
	nm, cmd := m.Update(keyMsg("9"))
	m = nm.(*Model)
	if s := screenOf(m); !strings.Contains(s, "analysing") || cmd == nil || m.busy != 1 {
		t.Fatalf("9 on %d segments: busy %d, command %v\n%s", len(m.tl.Segments), m.busy, cmd != nil, s)
	}
	m = runCmd(t, m, cmd)
	if s := screenOf(m); !strings.Contains(s, "Whole capture: 2 findings") || m.busy != 0 {
		t.Fatalf("after the analysis: busy %d\n%s", m.busy, s)
	}
}

// In a quiz the expert view is hidden, and → asks the quiz's way on
// rather than opening its rows.
func TestQuizHidesTheExpertView(t *testing.T) {
	var m *Model
	for seed := uint64(1); seed < 50; seed++ { // a quiz that does not ask at once
		if m = loadedModel(t, sample(t, "lossy-transfer"), Options{Stream: -1, Quiz: true, Seed: seed}, 80, 24); !m.quiz.Asking() {
			break
		}
	}
	if m.quiz.Asking() {
		t.Fatal("every quiz asks at once")
	}
	m = press(t, m, "9")
	if s := screenOf(m); !strings.Contains(s, "The expert information is hidden during the quiz") {
		t.Fatalf("9 in a quiz:\n%s", s)
	}
	before, _ := expertCursor(m)
	m = press(t, m, "right")
	if after, _ := expertCursor(m); after != before || (m.cur == 0 && !m.quiz.Asking()) {
		t.Fatalf("→ in a quiz with the expert view in front: row %d, asking %v, cursor %v → %v", m.cur, m.quiz.Asking(), before, after)
	}
}
