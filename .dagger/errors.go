package main

import (
	"errors"

	"github.com/efortin/vllm-chill/.dagger/internal/dagger"

	"github.com/efortin/vllm-chill/internal/pipeline"
)

// stepErr names the step that failed and, when a command failed, carries
// what it printed: *dagger.ExecError's own text is only "exit code: N".
// The engine's error is copied, not wrapped, so the SDK sends all of it.
func stepErr(step string, err error) error {
	var exec *dagger.ExecError
	if errors.As(err, &exec) {
		return &pipeline.StepError{Step: step, Cmd: exec.Cmd, ExitCode: exec.ExitCode, Stdout: exec.Stdout, Stderr: exec.Stderr}
	}
	return &pipeline.StepError{Step: step, Detail: err.Error()}
}
