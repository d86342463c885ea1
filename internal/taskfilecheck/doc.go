// Package taskfilecheck holds no code: its tests load the repository's
// Taskfile with go-task's own reader (the exact version `go tool task` runs,
// pinned in go.mod because that API is marked experimental) and run the real
// `go tool task --list` and `--dry`, so the promises of the k3d workflow are
// checked by go-task itself rather than by a second YAML parser:
// the only internal tasks are the five k3d helpers, every public task has a
// desc, every kubectl call names its context, no task switches the user's
// current context, and k3d:setup plans its steps in the documented order.
package taskfilecheck
