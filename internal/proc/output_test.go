package proc

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
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

// TestPrefixLinesShareOneStream is what os/exec does to several children's
// writers on one stream: each is written from a goroutine of its own, in
// chunks that split lines. Run with -race, an unguarded stream is a report;
// without it, lines come out mixed or lost.
func TestPrefixLinesShareOneStream(t *testing.T) {
	const writers, lines = 4, 200
	var out bytes.Buffer
	var wg sync.WaitGroup
	for i := range writers {
		w := PrefixLines(&out, fmt.Sprintf("w%d: ", i))
		wg.Go(func() {
			for j := range lines {
				line := fmt.Sprintf("line %d of writer %d\n", j, i)
				_, _ = w.Write([]byte(line[:5]))
				_, _ = w.Write([]byte(line[5:]))
			}
		})
	}
	wg.Wait()
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != writers*lines {
		t.Fatalf("%d lines on the shared stream, want %d", len(got), writers*lines)
	}
	for _, l := range got {
		var i, j, k int
		if _, err := fmt.Sscanf(l, "w%d: line %d of writer %d", &i, &j, &k); err != nil || i != k {
			t.Fatalf("line %q is not one writer's whole line", l)
		}
	}
}

// TestPrefixLinesNested: a writer whose stream is another PrefixLines (a
// component's prefix inside vllm-local's) takes two different locks, one
// per destination, and does not wait on itself.
func TestPrefixLinesNested(t *testing.T) {
	var out strings.Builder
	w := PrefixLines(PrefixLines(&out, "vllm-local: "), "etcd: ")
	_, _ = w.Write([]byte("ready\n"))
	if got := out.String(); got != "vllm-local: etcd: ready\n" {
		t.Errorf("got %q, want both prefixes", got)
	}
}
