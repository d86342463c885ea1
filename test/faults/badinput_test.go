//go:build integration

package faults

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/discovery"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/efortin/vllm-chill/internal/bootstrap/bootstraptest"
	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/proc"
	"github.com/efortin/vllm-chill/pkg/catalog"
	"github.com/efortin/vllm-chill/pkg/manifest"
)

// badInputBound is how long the CLI may take to refuse a bad input: every
// case below fails on the first look (a file, the kubeconfig, the first
// answer of the API server), never by waiting.
const badInputBound = 5 * time.Second

// badCase is one bad input given to the bootstrap CLI.
type badCase struct {
	name string
	// prepare writes the case's inputs into dir and returns the CLI's
	// arguments and the substrings its stderr must hold.
	prepare func(t *testing.T, dir string) (args, want []string)
	code    int           // expected exit code; 0 means 1 (a failed step)
	bound   time.Duration // 0 means badInputBound
	// check, if set, runs after the CLI exited (e.g. no connection was made).
	check func(t *testing.T)
}

// TestBadInput gives the bootstrap CLI, against one real control plane,
// broken manifests, CRDs, kubeconfigs, contexts and credentials: each must
// exit non-zero within its bound, name the file, document, field or context
// at fault, and leave no process and no temp dir behind.
func TestBadInput(t *testing.T) {
	t.Parallel()
	bin := bin.bootstrap

	cp, stop := startControlPlane(t)
	defer stop()
	kc := cp.KubeconfigPath()
	global := []string{"--kubeconfig", kc, "--context", contract.ContextLocal}

	// The CRD goes in through the CLI too, so a fixture fails on its fields,
	// not on an unknown kind.
	if res := runCLI(t, bin, t.TempDir(), append(global, "install-crds", filepath.Join(root, "manifests", "crds"))...); res.code != 0 {
		t.Fatalf("install the CRD: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	fixtures := invalidFixtures(t)
	// Names that must not exist afterwards: every apply below is refused.
	refused := []string{"badinput-doc1", "badinput-gadget"}
	cases := []badCase{
		{name: "malformed YAML in document 2 of 2", prepare: func(t *testing.T, dir string) ([]string, []string) {
			f := write(t, dir, "models/two.yaml", validModel("badinput-doc1")+"---\napiVersion: vllm.sir-alfred.io/v1alpha1\nkind: VLLMModel\nmetadata: {name: [unclosed\n")
			return append(global, "apply", filepath.Dir(f)), []string{f, "document 2 of 2"}
		}},
		{name: "not a VLLMModel (unknown kind)", prepare: func(t *testing.T, dir string) ([]string, []string) {
			f := write(t, dir, "gadget.yaml", "apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: badinput-gadget\n")
			return append(global, "apply", f), []string{f, "Gadget"}
		}},
		{name: "unknown field", prepare: func(t *testing.T, dir string) ([]string, []string) {
			f := write(t, dir, "unknown-field.yaml", readFile(t, filepath.Join(root, "manifests", "test-assets", "unknown-field.yaml")))
			return append(global, "apply", f), []string{f, "spec.tensorParallelSize"}
		}},
	}
	for _, fx := range fixtures {
		refused = append(refused, fx.name)
		cases = append(cases, badCase{name: "invalid fixture " + filepath.Base(fx.file), prepare: func(t *testing.T, _ string) ([]string, []string) {
			return append(global, "apply", fx.file), append([]string{fx.file}, fx.fields...)
		}})
	}
	cases = append(cases, []badCase{
		{name: "missing directory", prepare: func(t *testing.T, dir string) ([]string, []string) {
			missing := filepath.Join(dir, "no-such-dir")
			return append(global, "apply", missing), []string{missing, "no such file or directory"}
		}},
		{name: "empty directory", prepare: func(t *testing.T, dir string) ([]string, []string) {
			return append(global, "apply", dir), []string{fmt.Sprintf("no manifests in %q", dir)}
		}},
		{name: "CRD with a broken schema", prepare: func(t *testing.T, dir string) ([]string, []string) {
			crd := readFile(t, filepath.Join(root, "manifests", "crds", "vllm.sir-alfred.io_models.yaml"))
			if strings.Count(crd, "type: number") != 1 {
				t.Fatalf("the CRD has %d `type: number` lines, want exactly 1 (gpuMemoryUtilization)", strings.Count(crd, "type: number"))
			}
			f := write(t, dir, "broken-crd.yaml", strings.Replace(crd, "type: number", "type: numbr", 1))
			return append(global, "install-crds", f), []string{f, "properties[gpuMemoryUtilization].type", `"numbr"`}
		}},
		{name: "missing kubeconfig", prepare: func(t *testing.T, dir string) ([]string, []string) {
			missing := filepath.Join(dir, "no-such-kubeconfig")
			return []string{"--kubeconfig", missing, "--context", contract.ContextLocal, "wait"}, []string{missing, "no such file or directory"}
		}},
		{name: "unknown context", prepare: func(t *testing.T, dir string) ([]string, []string) {
			return []string{"--kubeconfig", kc, "--context", "nowhere", "wait"},
				[]string{`context "nowhere" not found`, kc, "known contexts: " + contract.ContextLocal}
		}},
	}...)

	// Refused before any connection: the server is a listener that counts.
	var accepts func() int64
	cases = append(cases, badCase{name: "context not the expected one",
		prepare: func(t *testing.T, dir string) ([]string, []string) {
			var url string
			url, accepts = bootstraptest.AcceptRecorder(t)
			f := editKubeconfig(t, kc, dir, func(c *clientcmdapi.Cluster, _ *clientcmdapi.AuthInfo) { c.Server = url })
			return []string{"--kubeconfig", f, "--context", contract.ContextLocal, "--expect-context", "other", "wait"},
				[]string{`refusing context "vllm-local"`, `expected context "other"`}
		},
		check: func(t *testing.T) {
			if n := accepts(); n != 0 {
				t.Errorf("the refused context still reached the API server: %d connection(s)", n)
			}
		}})

	caCert, caKey := cp.CAFiles()
	cases = append(cases, []badCase{
		{name: "wrong credential", bound: 2 * time.Second, prepare: func(t *testing.T, dir string) ([]string, []string) {
			f := editKubeconfig(t, kc, dir, func(_ *clientcmdapi.Cluster, u *clientcmdapi.AuthInfo) {
				u.ClientCertificateData, u.ClientKeyData, u.Token = nil, nil, "not-a-valid-token"
			})
			return []string{"--kubeconfig", f, "--context", contract.ContextLocal, "wait"}, []string{"Unauthorized", `context "vllm-local"`}
		}},
		{name: "expired credential", bound: 2 * time.Second, prepare: func(t *testing.T, dir string) ([]string, []string) {
			cert, key := clientCert(t, caCert, caKey, time.Now().Add(-time.Hour))
			f := editKubeconfig(t, kc, dir, func(_ *clientcmdapi.Cluster, u *clientcmdapi.AuthInfo) {
				u.ClientCertificateData, u.ClientKeyData = cert, key
			})
			return []string{"--kubeconfig", f, "--context", contract.ContextLocal, "wait"}, []string{"Unauthorized", `context "vllm-local"`}
		}, check: func(t *testing.T) {
			// The same certificate, still valid, is accepted: the expiry
			// alone is what the server refused.
			cfg := cp.RESTConfig()
			cfg.CertData, cfg.KeyData = clientCert(t, caCert, caKey, time.Now().Add(time.Hour))
			dc, err := discovery.NewDiscoveryClientForConfig(cfg)
			if err == nil {
				_, err = dc.ServerVersion()
			}
			if err != nil {
				t.Errorf("a valid certificate from the same CA is refused too: %v", err)
			}
		}},
		{name: "API server not listening", bound: 6 * time.Second, prepare: func(t *testing.T, dir string) ([]string, []string) {
			url := bootstraptest.ClosedPort(t)
			f := editKubeconfig(t, kc, dir, func(c *clientcmdapi.Cluster, _ *clientcmdapi.AuthInfo) { c.Server = url })
			return []string{"--kubeconfig", f, "--context", contract.ContextLocal, "--timeout", "3s", "wait"},
				[]string{"timed out after", "waiting for API server " + url + "/readyz", "connection refused"}
		}},
	}...)

	for _, tc := range cases {
		var dirs []string
		t.Run(tc.name, func(t *testing.T) {
			inputs, runTmp := t.TempDir(), t.TempDir()
			dirs = []string{inputs, runTmp}
			args, want := tc.prepare(t, inputs)
			code, bound := tc.code, tc.bound
			if code == 0 {
				code = 1
			}
			if bound == 0 {
				bound = badInputBound
			}
			res := runCLI(t, bin, runTmp, args...)
			if res.code != code {
				t.Errorf("exit code %d, want %d", res.code, code)
			}
			if res.took > bound {
				t.Errorf("took %.2fs, bound %s", res.took.Seconds(), bound)
			}
			for _, w := range want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr does not name %q", w)
				}
			}
			if tc.check != nil {
				tc.check(t)
			}
			if t.Failed() {
				t.Logf("vllm-bootstrap %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), res.stdout, res.stderr)
			}
			t.Logf("FAULT %s | %s | %.2f", tc.name, trimmed(firstLine(res.stderr), 160), res.took.Seconds())
		})
		// The subtest's cleanup has run: its temp dirs must be gone.
		for _, d := range dirs {
			if _, err := os.Stat(d); !os.IsNotExist(err) {
				t.Errorf("%s: temp dir %s left behind", tc.name, d)
			}
		}
	}

	// Refused means refused: none of those models may exist.
	cat, err := catalog.New(cp.RESTConfig())
	if err != nil {
		t.Fatalf("create catalog client: %v", err)
	}
	lctx, lcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer lcancel()
	models, err := cat.List(lctx)
	if err != nil {
		t.Fatalf("list models after the bad inputs: %v", err)
	}
	exists := map[string]bool{}
	for _, m := range models {
		exists[m.Name] = true
	}
	for _, name := range refused {
		if exists[name] {
			t.Errorf("model %q exists although its apply was refused", name)
		}
	}
}

// cliResult is one finished run of the CLI.
type cliResult struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

// runCLI runs the bootstrap CLI with TMPDIR=runTmp in a process group of its
// own, kills it past a hard bound, and checks it left nothing: its group is
// gone and runTmp is empty.
func runCLI(t *testing.T, bin, runTmp string, args ...string) cliResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Dir = root
	cmd.Env = caseEnv(runTmp)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	t0 := time.Now()
	g, err := proc.Start(cmd)
	if err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	select {
	case <-g.Done():
	case <-time.After(30 * time.Second): // far past every case's bound: a hang
		g.Kill()
		t.Fatalf("vllm-bootstrap %s still running after 30s; stderr:\n%s", strings.Join(args, " "), stderr.String())
	}
	res := cliResult{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String(), took: time.Since(t0)}

	if g.Running() {
		t.Errorf("vllm-bootstrap's process group (pid %d) still exists after it exited", g.PID())
	}
	entries, err := os.ReadDir(runTmp)
	if err != nil {
		t.Errorf("read the run's TMPDIR %s: %v", runTmp, err)
	}
	for _, e := range entries {
		t.Errorf("temp dir left behind in the run's TMPDIR: %s", filepath.Join(runTmp, e.Name()))
	}
	return res
}

// fixture is one invalid fixture of manifests/test-assets.
type fixture struct {
	file, name string
	fields     []string // from its expect-field annotation
}

func invalidFixtures(t *testing.T) []fixture {
	t.Helper()
	docs, err := manifest.ReadDir(filepath.Join(root, "manifests", "test-assets"))
	if err != nil {
		t.Fatalf("read the invalid fixtures: %v", err)
	}
	var out []fixture
	for _, d := range docs {
		ann := d.Object.GetAnnotations()["test.vllm.sir-alfred.io/expect-field"]
		if ann == "" {
			t.Fatalf("%s: fixture lacks the expect-field annotation", d.File)
		}
		out = append(out, fixture{file: d.File, name: d.Object.GetName(), fields: strings.Split(ann, ",")})
	}
	if len(out) == 0 {
		t.Fatal("no invalid fixtures in manifests/test-assets")
	}
	return out
}

// validModel is a VLLMModel the CRD accepts.
func validModel(name string) string {
	return `apiVersion: vllm.sir-alfred.io/v1alpha1
kind: VLLMModel
metadata:
  name: ` + name + `
spec:
  modelName: Qwen/Qwen3-Coder-30B-A3B-Instruct-FP8
  servedModelName: ` + name + `
  toolCallParser: qwen3_coder
  reasoningParser: ""
  maxModelLen: 112640
  gpuMemoryUtilization: 0.91
  enableChunkedPrefill: true
  maxNumBatchedTokens: 8192
  maxNumSeqs: 16
  dtype: float16
  disableCustomAllReduce: true
  enablePrefixCaching: true
  enableAutoToolChoice: true
`
}

// editKubeconfig writes a copy of the kubeconfig at src into dir, with the
// vllm-local cluster and user changed by edit, and returns its path.
func editKubeconfig(t *testing.T, src, dir string, edit func(*clientcmdapi.Cluster, *clientcmdapi.AuthInfo)) string {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(src)
	if err != nil {
		t.Fatalf("read kubeconfig %s: %v", src, err)
	}
	c, u := cfg.Clusters[contract.ContextLocal], cfg.AuthInfos[contract.ContextLocal]
	if c == nil || u == nil {
		t.Fatalf("kubeconfig %s has no cluster or user %q", src, contract.ContextLocal)
	}
	edit(c, u)
	path := filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatalf("write kubeconfig %s: %v", path, err)
	}
	return path
}

// clientCert signs, with the control plane's CA, an admin client
// certificate valid from two hours ago until notAfter.
func clientCert(t *testing.T, caCertFile, caKeyFile string, notAfter time.Time) (certPEM, keyPEM []byte) {
	t.Helper()
	caBlock, _ := pem.Decode([]byte(readFile(t, caCertFile)))
	keyBlock, _ := pem.Decode([]byte(readFile(t, caKeyFile)))
	if caBlock == nil || keyBlock == nil {
		t.Fatalf("no PEM block in %s or %s", caCertFile, caKeyFile)
	}
	ca, err := x509.ParseCertificate(caBlock.Bytes)
	if err != nil {
		t.Fatalf("parse CA certificate %s: %v", caCertFile, err)
	}
	caKey, err := x509.ParseECPrivateKey(keyBlock.Bytes)
	if err != nil {
		t.Fatalf("parse CA key %s: %v", caKeyFile, err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: "vllm-local-admin", Organization: []string{"system:masters"}},
		NotBefore:    now.Add(-2 * time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatalf("sign a client certificate: %v", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

// write creates dir/rel (and its parent) with content and returns its path.
func write(t *testing.T, dir, rel, content string) string {
	t.Helper()
	path := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// trimmed cuts s to at most n bytes, marking the cut.
func trimmed(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
