package theme

import (
	"reflect"
	"testing"
)

// TestEveryColourSet checks that both palettes give every named colour a
// value and that light and dark differ for each, as a colour chosen for
// one background rarely reads on the other.
func TestEveryColourSet(t *testing.T) {
	light, dark := reflect.ValueOf(For(false)), reflect.ValueOf(For(true))
	for i := range light.NumField() {
		name := light.Type().Field(i).Name
		l, d := light.Field(i).Interface(), dark.Field(i).Interface()
		if l == nil || d == nil {
			t.Errorf("%s is not set (light %v, dark %v)", name, l, d)
			continue
		}
		if reflect.DeepEqual(l, d) {
			t.Errorf("%s is the same on both backgrounds: %v", name, l)
		}
	}
}
