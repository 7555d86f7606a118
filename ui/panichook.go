//go:build panichook

// This file is compiled only with -tags panichook, for the test that
// checks on the real binary in a real terminal (panic_tmux_test.go in the
// module root) that a panic inside the interface restores the terminal and
// ends with a one-line error. No normal build contains it, so no user can
// provoke the panics.

package ui

import (
	"os"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"
)

// panicKey is the key that fires the hook: bound to nothing in the stepper.
const panicKey = "!"

// viewArmed is set by Update when the key is typed under
// TCPSTEP_PANIC=view, so that the next View panics. (View cannot change
// the model it is given.)
var viewArmed atomic.Bool

// panicHookUpdate panics inside Update when panicKey is typed and
// TCPSTEP_PANIC is "update"; under "view" it arms the panic in View.
func panicHookUpdate(msg tea.Msg) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || k.String() != panicKey {
		return
	}
	switch os.Getenv("TCPSTEP_PANIC") {
	case "update":
		panic("panichook: injected panic in Update")
	case "view":
		viewArmed.Store(true)
	}
}

// panicHookView panics inside View once armed.
func panicHookView() {
	if viewArmed.Load() {
		panic("panichook: injected panic in View")
	}
}
