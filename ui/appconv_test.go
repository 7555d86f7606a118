package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/model"
)

// P switches the ladder's arrows between the application messages and
// the raw payload: the rows drawn, the ladder's title and the note say
// which; the setting holds in another conversation.
func TestRawPayloadKey(t *testing.T) {
	m := loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1}, 200, 50)
	s := screenOf(m)
	if !strings.Contains(s, "len 10 SMTP VRFY root ") || !strings.Contains(s, "1 Ladder  SMTP messages") || strings.Contains(s, `"VRFY root␊"`) {
		t.Fatalf("the ladder should name the SMTP messages:\n%s", s)
	}
	if !strings.Contains(s, "P raw payload") {
		t.Errorf("the footer should offer P:\n%s", s)
	}
	m = press(t, m, "P")
	s = screenOf(m)
	if !strings.Contains(s, `len 10 "VRFY root␊"`) || strings.Contains(s, "SMTP VRFY root") || !strings.Contains(s, "1 Ladder  raw payload") {
		t.Fatalf("P should preview the raw payload:\n%s", s)
	}
	if !strings.Contains(m.note, "raw payload") {
		t.Errorf("note after P: %q", m.note)
	}
	m = press(t, m, "P")
	if s := screenOf(m); !strings.Contains(s, "len 10 SMTP VRFY root ") {
		t.Fatalf("P again should name the messages again:\n%s", s)
	}
}

// The application layer is read in a command, once per conversation: the
// Update that opens the conversation returns at once with the payloads
// held back, the ladder previews the raw payload meanwhile, says it is
// reading once the reading is slow, and names the messages when it is
// done; nothing is filed meanwhile (busy).
func TestAppReadOffTheUIGoroutine(t *testing.T) {
	src := gatedSource{sample(t, "smtp-figure10").(*decode.Input), make(chan struct{})}
	m := New(src, Options{Stream: -1})
	m = update(t, m, tea.WindowSizeMsg{Width: 200, Height: 50})
	tl, err := src.Input.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		m   *Model
		cmd tea.Cmd
	}
	done := make(chan result, 1)
	go func() {
		nm, cmd := m.Update(loadedMsg{tl: tl})
		done <- result{nm.(*Model), cmd}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		close(src.gate)
		t.Fatal("Update blocked on the application layer")
	}
	m = r.m
	if m.busy != 1 || r.cmd == nil {
		t.Fatalf("busy %d, command %v", m.busy, r.cmd != nil)
	}
	if s := screenOf(m); !strings.Contains(s, `"VRFY root␊"`) || strings.Contains(s, "reading application layer") {
		t.Fatalf("before the reading is slow:\n%s", s)
	}
	// Run the commands, each on its goroutine: the slow tick comes first,
	// as the payloads are held back.
	msgs := make(chan tea.Msg, 16)
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() {
			switch msg := c().(type) {
			case tea.BatchMsg:
				for _, c := range msg {
					run(c)
				}
			case nil:
			default:
				msgs <- msg
			}
		}()
	}
	run(r.cmd)
	next := func() tea.Msg {
		select {
		case msg := <-msgs:
			return msg
		case <-time.After(10 * time.Second):
			t.Fatal("no message")
		}
		return nil
	}
	msg := next()
	if _, ok := msg.(appSlowMsg); !ok {
		t.Fatalf("first message %T, want the slow tick", msg)
	}
	nm, _ := m.Update(msg)
	m = nm.(*Model)
	if s := screenOf(m); !strings.Contains(s, "reading application layer…") {
		t.Fatalf("the ladder should say it is reading:\n%s", s)
	}
	close(src.gate)
	for {
		msg = next()
		nm, _ = m.Update(msg)
		m = nm.(*Model)
		if _, ok := msg.(appDoneMsg); ok {
			break
		}
	}
	if s := screenOf(m); !strings.Contains(s, "SMTP VRFY root") || strings.Contains(s, "reading application layer") || m.busy != 0 {
		t.Fatalf("after the reading: busy %d\n%s", m.busy, s)
	}
	// Kept: stepping and coming back start no other reading.
	if _, cmd := m.Update(keyMsg("right")); cmd != nil {
		if _, ok := cmd().(appDoneMsg); ok {
			t.Fatal("the application layer was read twice")
		}
	}
	if m.apps.convs[m.conv].loading {
		t.Fatal("a second reading started")
	}
}

// A conversation that grows is read again, but no sooner than the gap
// after the last reading began: a tick brings the reading when the gap
// has passed.
func TestAppRereadThrottled(t *testing.T) {
	m := loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1}, 80, 24)
	e := m.apps.convs[m.conv]
	if e == nil || e.app == nil || e.loading {
		t.Fatalf("after loading: %+v", e)
	}
	first := e.app
	m.appsGrew(map[*model.Conversation]bool{m.conv: true})
	nm, cmd := m.Update(keyMsg("right"))
	m = nm.(*Model)
	if e.loading || !e.retry || cmd == nil {
		t.Fatalf("read again at once: loading %v, retry %v", e.loading, e.retry)
	}
	// The gap passed: the tick's Update starts the reading.
	e.started = e.started.Add(-2 * appRereadGap)
	nm, _ = m.Update(appRetryMsg{conv: m.conv})
	m = nm.(*Model)
	if !e.loading || e.retry || m.busy != 1 {
		t.Fatalf("after the tick: loading %v, retry %v, busy %d", e.loading, e.retry, m.busy)
	}
	m = finishApp(t, m)
	if e.loading || e.app == first || e.app == nil || m.busy != 0 {
		t.Fatalf("after the reading: loading %v, same %v, busy %d", e.loading, e.app == first, m.busy)
	}
}
