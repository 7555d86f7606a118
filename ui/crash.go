package ui

import (
	"fmt"
	"sync"
)

// crash carries a panic in View out of the program. Update turns its own
// panics into Model.fatal and quits, but View can neither change the model
// nor return a command: it records the error here, shared by every copy of
// the Model, and asks the program to quit, so the program ends with the
// error (printed once, exit status non-zero) as it does for Update.
type crash struct {
	mu   sync.Mutex
	err  error
	quit func() // the program's Quit, set by runProgram; nil in tests of the bare Model
}

// viewPanic records the first panic and asks the program to quit. Quit
// sends a message to the event loop that calls View, so it goes on its own
// goroutine; it returns at once if the program has ended.
func (c *crash) viewPanic(r any) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.err = fmt.Errorf("internal error: %v", r)
	if c.quit != nil {
		go c.quit()
	}
}

// error returns the recorded panic, nil if View never panicked.
func (c *crash) error() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}
