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
	return e.Op + " " + where(e.File, e.Index, e.Count) + ": " + e.Err.Error()
}

// Wrap names the document in err, as the errors of this package do.
func (d Document) Wrap(op string, err error) *Error {
	return &Error{Op: op, File: d.File, Index: d.Index, Count: d.Count, Err: err}
}

// Where names the document the way this package's errors do, so a failure
// after reading (an apply the server refused) points at the same place.
func (d Document) Where() string { return where(d.File, d.Index, d.Count) }

// where is the quoted file, plus "document N of M" when the file holds
// several documents (index -1: the whole file).
func where(file string, index, count int) string {
	w := fmt.Sprintf("%q", file)
	if index >= 0 && count > 1 {
		// Humans count documents from 1; Index stays 0-based for code.
		w += fmt.Sprintf(" document %d of %d", index+1, count)
	}
	return w
}

func (e *Error) Unwrap() error { return e.Err }
