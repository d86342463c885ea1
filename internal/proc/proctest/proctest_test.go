package proctest

import (
	"os"
	"os/exec"
	"testing"
)

func TestListSeesAChildAndItsChild(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 5 & wait")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var desc map[int]string
	for i := 0; i < 100; i++ {
		if desc = Descendants(os.Getpid()); len(desc) >= 2 {
			break
		}
	}
	if desc[cmd.Process.Pid] != "sh" {
		t.Errorf("descendants %s lack sh(%d)", Names(desc), cmd.Process.Pid)
	}
	procs, err := List()
	if err != nil {
		t.Fatal(err)
	}
	if chain := Chain(procs, os.Getpid()); len(chain) < 2 || chain[0] != "sh" || chain[1] != "sleep" {
		t.Errorf("deepest chain below the test = %q, want [sh sleep]", chain)
	}
}

func TestListLeavesPsOut(t *testing.T) {
	if kids := Children(os.Getpid()); len(kids) != 0 {
		t.Errorf("children of a test that started none: %s (ps itself?)", Names(kids))
	}
}
