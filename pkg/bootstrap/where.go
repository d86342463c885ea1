package bootstrap

import (
	"fmt"

	"github.com/efortin/vllm-chill/pkg/manifest"
)

// located pairs a manifest document with how messages name it.
type located struct {
	manifest.Document
	Where string
}

// locate names each document the way pkg/manifest's errors do: the quoted
// file, plus "document N of M" (counted from 1) when the file holds several,
// so a failure during apply points at the same place a parse error would.
func locate(docs []manifest.Document) []located {
	count := map[string]int{}
	for _, d := range docs {
		count[d.File]++
	}
	out := make([]located, len(docs))
	for i, d := range docs {
		w := fmt.Sprintf("%q", d.File)
		if n := count[d.File]; n > 1 {
			w += fmt.Sprintf(" document %d of %d", d.Index+1, n)
		}
		out[i] = located{d, w}
	}
	return out
}
