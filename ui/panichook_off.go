//go:build !panichook

package ui

import tea "charm.land/bubbletea/v2"

// Normal builds: the test hooks of panichook.go do nothing (and inline
// away).
func panicHookUpdate(tea.Msg) {}
func panicHookView()          {}
