package proc

import (
	"strings"
	"testing"
)

func TestPrefixLines(t *testing.T) {
	var out strings.Builder
	w := PrefixLines(&out, "etcd: ")
	for _, chunk := range []string{"first li", "ne\nsecond\nthi", "rd"} {
		if n, err := w.Write([]byte(chunk)); n != len(chunk) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", chunk, n, err)
		}
	}
	if got := out.String(); got != "etcd: first line\netcd: second\n" {
		t.Errorf("got %q: want whole lines only, each prefixed", got)
	}
}
