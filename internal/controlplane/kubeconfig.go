package controlplane

import (
	"fmt"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/efortin/vllm-chill/internal/contract"
)

// writeKubeconfig writes a self-contained kubeconfig (certs inline, so it
// stays valid if copied) with a single context named contextName.
func writeKubeconfig(path, server, contextName string, ca []byte, user keyPair) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[contextName] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos[contextName] = &clientcmdapi.AuthInfo{ClientCertificateData: user.CertPEM, ClientKeyData: user.KeyPEM}
	cfg.Contexts[contextName] = &clientcmdapi.Context{Cluster: contextName, AuthInfo: contextName}
	// current-context is set for tools such as kubectl that insist on one; this
	// project's own code always names the context.
	cfg.CurrentContext = contextName
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return fmt.Errorf("write kubeconfig %s: %w", path, err)
	}
	return nil
}

// restConfig is the admin client configuration matching the written kubeconfig.
func restConfig(server string, ca []byte, user keyPair) *rest.Config {
	return &rest.Config{
		Host: server,
		TLSClientConfig: rest.TLSClientConfig{
			CAData:   ca,
			CertData: user.CertPEM,
			KeyData:  user.KeyPEM,
		},
		QPS:   contract.ClientQPS,
		Burst: contract.ClientBurst,
	}
}
