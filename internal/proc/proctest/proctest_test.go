package proctest

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

func TestListSeesAChildAndItsChild(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 5 & wait")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	// sh forks before sleep execs: for a moment its child is a second "sh".
	// So wait (bounded) for the chain itself, not for two descendants.
	var chain []string
	var desc map[int]string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		desc = Descendants(os.Getpid())
		procs, err := List()
		if err != nil {
			t.Fatal(err)
		}
		chain = Chain(procs, os.Getpid())
		if len(chain) >= 2 && chain[1] == "sleep" || time.Now().After(deadline) {
			break
		}
	}
	if desc[cmd.Process.Pid] != "sh" {
		t.Errorf("descendants %s lack sh(%d)", Names(desc), cmd.Process.Pid)
	}
	if len(chain) < 2 || chain[0] != "sh" || chain[1] != "sleep" {
		t.Errorf("deepest chain below the test = %q after 10 s, want [sh sleep]", chain)
	}
}

func TestListLeavesPsOut(t *testing.T) {
	if kids := Children(os.Getpid()); len(kids) != 0 {
		t.Errorf("children of a test that started none: %s (ps itself?)", Names(kids))
	}
}
