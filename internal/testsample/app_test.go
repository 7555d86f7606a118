package testsample

import (
	"slices"
	"testing"

	"github.com/tcpstep/tcpstep/app"
)

// TestAppProtosOf checks which protocols a filter is taken to name: the
// words alone or before a dot, not inside a quoted string.
func TestAppProtosOf(t *testing.T) {
	for expr, want := range map[string][]app.Proto{
		"http":                                   {app.HTTP},
		`tcp.len > 0 && !tls && tcp.port == 443`: {app.TLS},
		`http.host contains "example"`:           {app.HTTP},
		`tcp.payload contains "http"`:            nil,
		`tcp.payload matches "ssh-[0-9]"`:        nil,
		`ssh.protocol matches "^SSH-2\\.0"`:      {app.SSH},
		`tcp.port == 80`:                         nil,
	} {
		if got := AppProtosOf(expr); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", expr, got, want)
		}
	}
}
