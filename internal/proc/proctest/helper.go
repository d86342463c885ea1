package proctest

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// StartHelper runs this test binary again with env (NAME=1) set, which its
// TestMain takes as "be a helper process" (a runner, an owner), and returns
// the running helper and the first line it printed. The helper is killed
// when the test ends.
func StartHelper(t *testing.T, env string) (*exec.Cmd, string) {
	t.Helper()
	helper := exec.Command(os.Args[0], "-test.run=^$")
	helper.Env = append(os.Environ(), env)
	out, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = helper.Process.Kill(); _ = helper.Wait() })
	line, _ := bufio.NewReader(out).ReadString('\n')
	return helper, strings.TrimSpace(line)
}
