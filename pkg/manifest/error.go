package manifest

import (
	"errors"
	"fmt"
)

// ErrNoManifests is wrapped by ReadDir when a directory holds no *.yaml or
// *.yml file, so callers can tell "nothing to do" from a broken file.
var ErrNoManifests = errors.New("no manifests")

// Error is a problem with one manifest file or one document in it. Its message
// names the file and, when the file holds more than one document, which one,
// so a user can find the bad lines without guessing.
type Error struct {
	// Op is what was being done, e.g. "read manifest" or "decode model".
	Op string
	// File is the path as given by the caller.
	File string
	// Index is the 0-based position of the document among the file's
	// non-empty documents; -1 when the problem is the whole file.
	Index int
	// Count is how many non-empty documents the file holds (0 if unknown).
	Count int
	// Err is the underlying problem.
	Err error
}

func (e *Error) Error() string {
	where := fmt.Sprintf("%s %q", e.Op, e.File)
	if e.Index >= 0 && e.Count > 1 {
		// Humans count documents from 1; Index stays 0-based for code.
		where += fmt.Sprintf(" document %d of %d", e.Index+1, e.Count)
	}
	return where + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }
