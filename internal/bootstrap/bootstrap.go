package bootstrap

import (
	"fmt"
	"io"
	"time"

	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"

	"github.com/efortin/vllm-chill/internal/contract"
)

// Defaults applied by New to fields left empty.
const (
	DefaultTimeout      = 60 * time.Second
	DefaultFieldManager = "vllm-bootstrap"
	DefaultNamespace    = "default"
	// defaultPoll is short because a fresh API server becomes ready and
	// establishes a CRD within about a second; polling slower would
	// dominate the run time of the local path.
	defaultPoll = 100 * time.Millisecond
)

// Options configures a Bootstrapper. Every field may be left empty.
type Options struct {
	// Kubeconfig is a path or a KUBECONFIG-style path list; "" means
	// ~/.kube/config. The CLI defaults it to $KUBECONFIG.
	Kubeconfig string
	// Context is the kubeconfig context to use. Required: the
	// current-context is never used. The CLI defaults it to $VLLM_KUBE_CONTEXT.
	Context string
	// ExpectContext, when set, makes New refuse any other Context before
	// reading the kubeconfig or connecting.
	ExpectContext string
	// Timeout bounds each wait (readiness, CRD establishment). Default 60s.
	Timeout time.Duration
	// Out receives one progress line per step. Default: discarded.
	Out io.Writer
	// FieldManager is the server-side apply field manager. Default "vllm-bootstrap".
	FieldManager string
	// Namespace is used for namespaced objects that name none. Default "default".
	Namespace string
	// PollInterval is the pause between polls of a wait. Default 100ms.
	PollInterval time.Duration
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.FieldManager == "" {
		o.FieldManager = DefaultFieldManager
	}
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.PollInterval <= 0 {
		o.PollInterval = defaultPoll
	}
	return o
}

// Bootstrapper runs the bootstrap steps against one API server.
type Bootstrapper struct {
	opts      Options
	cfg       *rest.Config
	discovery *discovery.DiscoveryClient
	dynamic   dynamic.Interface
	mapper    *restmapper.DeferredDiscoveryRESTMapper
	progress  *progress
}

// New checks the expected context, loads the kubeconfig for the explicit
// context and builds the clients. It does not connect: call WaitReady first.
func New(opts Options) (*Bootstrapper, error) {
	if err := CheckContext(opts.Kubeconfig, opts.Context, opts.ExpectContext); err != nil {
		return nil, err
	}
	cfg, err := LoadConfig(opts.Kubeconfig, opts.Context)
	if err != nil {
		return nil, err
	}
	return NewForConfig(cfg, opts)
}

// NewForConfig builds a Bootstrapper for an already loaded config; the
// Kubeconfig, Context and ExpectContext options then only label messages.
func NewForConfig(cfg *rest.Config, opts Options) (*Bootstrapper, error) {
	opts = opts.withDefaults()
	cfg = rest.CopyConfig(cfg)
	// The client-side default of 5 requests/s would throttle the polls and
	// the discovery walk; this client only ever talks to a test cluster.
	cfg.QPS, cfg.Burst = contract.ClientQPS, contract.ClientBurst
	// Discovery through the REST mapper takes no context; this keeps a
	// server that accepts connections but never answers from hanging it.
	if cfg.Timeout == 0 {
		cfg.Timeout = attemptTimeout
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("create discovery client for %s: %w", cfg.Host, err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("create dynamic client for %s: %w", cfg.Host, err)
	}
	return &Bootstrapper{
		opts:      opts,
		cfg:       cfg,
		discovery: dc,
		dynamic:   dyn,
		mapper:    restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc)),
		progress:  newProgress(opts.Out),
	}, nil
}

// Host is the API server URL the Bootstrapper talks to.
func (b *Bootstrapper) Host() string { return b.cfg.Host }

// Config returns a copy of the client config (with the raised rate limits).
func (b *Bootstrapper) Config() *rest.Config { return rest.CopyConfig(b.cfg) }
