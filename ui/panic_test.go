package ui

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpstep/tcpstep/model"
)

// termBuffer stands for the terminal: it keeps everything the program
// writes, safe to read while the program runs.
type termBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *termBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *termBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// panicSource is a sample whose Frame, Payload or Name panics once armed,
// standing for a bug reached from Update, a command or View.
type panicSource struct {
	*fakeSource
	frame, payload, name bool
	armed                chan struct{} // closed to arm the panics
}

func (p *panicSource) isArmed() bool {
	select {
	case <-p.armed:
		return true
	default:
		return false
	}
}

func (p *panicSource) Frame(fr *model.Frame) ([]byte, model.Dissection, error) {
	if p.frame && p.isArmed() {
		panic("injected panic in Frame")
	}
	return p.fakeSource.Frame(fr)
}

func (p *panicSource) Payload(tl *model.Timeline, seg int) ([]byte, error) {
	if p.payload && p.isArmed() {
		panic("injected panic in Payload")
	}
	return p.fakeSource.Payload(tl, seg)
}

func (p *panicSource) Name() string {
	if p.name && p.isArmed() {
		panic("injected panic in Name")
	}
	return p.fakeSource.Name()
}

// Terminal modes as Bubble Tea sets and resets them.
const (
	altOn, altOff     = "\x1b[?1049h", "\x1b[?1049l"
	cursorShow        = "\x1b[?25h"
	mouseOn, mouseOff = "\x1b[?1002h", "\x1b[?1002l"
)

// TestPanicRestoresTerminal runs the whole program on a pipe and injects a
// panic at each place one could come from: Update (a key makes the stepper
// read a frame), a command (the follow view's reassembly), View (the
// window title), and the event loop itself (a message filter). A panic in
// Update or View ends the program with the error (View's by asking the
// program to quit, as View cannot return a command); one in a command is
// shown and the program goes on. Each time its last words to the terminal
// leave the alternate screen, show the cursor and stop mouse reporting.
func TestPanicRestoresTerminal(t *testing.T) {
	cases := []struct {
		name           string
		frame, pay, nm bool
		filter         bool
		keys           string // typed once the first screen is drawn
		wantErr        string // in Run's error; "" means none
		wantScreen     string // on the terminal before q is typed
	}{
		{name: "update", frame: true, keys: "3", wantErr: "injected panic in Frame"}, // the layers tab reads the selected frame
		{name: "command", pay: true, keys: "5", wantScreen: "injected panic in Payload"},
		{name: "view", nm: true, keys: "l", wantErr: "injected panic in Name"},
		{name: "event loop", filter: true, keys: "l", wantErr: "internal error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := &panicSource{fakeSource: figure10(), frame: c.frame, payload: c.pay, name: c.nm, armed: make(chan struct{})}
			inR, inW := io.Pipe()
			defer inW.Close()
			out := &termBuffer{}
			popts := []tea.ProgramOption{
				tea.WithInput(inR), tea.WithOutput(out), tea.WithWindowSize(120, 40),
				tea.WithoutSignalHandler(), tea.WithEnvironment([]string{"TERM=xterm-256color"}),
			}
			if c.filter {
				popts = append(popts, tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
					if _, ok := msg.(tea.KeyPressMsg); ok && src.isArmed() {
						panic("injected panic in the event loop")
					}
					return msg
				}))
			}
			done := make(chan error, 1)
			go func() { done <- runProgram(src, Options{Stream: 0}, popts...) }()
			waitOut(t, out, done, "step 1/")
			close(src.armed)
			io.WriteString(inW, c.keys)
			if c.wantScreen != "" {
				waitOut(t, out, done, c.wantScreen)
				io.WriteString(inW, "q")
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("the program did not end; terminal:\n%q", tail(out.String()))
			}
			switch {
			case c.wantErr == "" && err != nil:
				t.Errorf("Run: %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Errorf("Run returned %v, want an error with %q", err, c.wantErr)
			}
			if err != nil && errors.Is(err, tea.ErrProgramKilled) && !strings.Contains(err.Error(), "internal error") {
				t.Errorf("error does not say what happened: %v", err)
			}
			s := out.String()
			if !strings.Contains(s, altOn) {
				t.Fatalf("the program never entered the alternate screen:\n%q", tail(s))
			}
			if strings.LastIndex(s, altOff) < strings.LastIndex(s, altOn) {
				t.Errorf("the terminal is left in the alternate screen:\n%q", tail(s))
			}
			if strings.LastIndex(s, mouseOff) < strings.LastIndex(s, mouseOn) {
				t.Errorf("mouse reporting left on:\n%q", tail(s))
			}
			if !strings.Contains(s[strings.LastIndex(s, altOn):], cursorShow) {
				t.Errorf("the cursor is not shown again:\n%q", tail(s))
			}
		})
	}
}

// waitOut waits until the terminal shows want, failing if the program ends
// first.
func waitOut(t *testing.T, out *termBuffer, done chan error, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(out.String(), want) {
			return
		}
		select {
		case err := <-done:
			t.Fatalf("the program ended (%v) before showing %q:\n%q", err, want, tail(out.String()))
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("the terminal never showed %q:\n%q", want, tail(out.String()))
}

func tail(s string) string { return s[max(0, len(s)-600):] }
