package controlplane

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// keyPair is a PEM certificate with its PEM private key.
type keyPair struct {
	CertPEM, KeyPEM []byte
	cert            *x509.Certificate
	key             crypto.Signer
}

// pki holds everything the components need to trust each other. ECDSA P-256
// keys are used throughout because generating them takes microseconds, where
// RSA 2048 keys would add a noticeable share of the start time.
type pki struct {
	CA        keyPair
	Serving   keyPair // kube-apiserver's serving cert for 127.0.0.1 and localhost
	Admin     keyPair // the kubeconfig user: O=system:masters
	KCM       keyPair // kube-controller-manager's own identity, bound by the default RBAC policy
	SAKeyPEM  []byte  // signs service-account tokens (apiserver and kcm)
	SAPubPEM  []byte  // verifies them (apiserver)
	notBefore time.Time
}

func newPKI() (*pki, error) {
	p := &pki{notBefore: time.Now().Add(-time.Hour)} // tolerate small clock skew
	var err error
	if p.CA, err = p.sign("vllm-local-ca", nil, true, nil, nil); err != nil {
		return nil, fmt.Errorf("generate CA: %w", err)
	}
	serving := &x509.Certificate{
		DNSNames:    []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback, net.IPv4(10, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if p.Serving, err = p.sign("kube-apiserver", nil, false, serving, &p.CA); err != nil {
		return nil, fmt.Errorf("generate serving cert: %w", err)
	}
	client := func(cn string, orgs ...string) (keyPair, error) {
		tmpl := &x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
		return p.sign(cn, orgs, false, tmpl, &p.CA)
	}
	if p.Admin, err = client("vllm-local-admin", "system:masters"); err != nil {
		return nil, fmt.Errorf("generate admin client cert: %w", err)
	}
	if p.KCM, err = client("system:kube-controller-manager"); err != nil {
		return nil, fmt.Errorf("generate kube-controller-manager client cert: %w", err)
	}
	sa, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate service-account key: %w", err)
	}
	if p.SAKeyPEM, err = ecKeyPEM(sa); err != nil {
		return nil, err
	}
	pub, err := x509.MarshalPKIXPublicKey(&sa.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("encode service-account public key: %w", err)
	}
	p.SAPubPEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})
	return p, nil
}

// sign makes a key and a certificate for it, self-signed when parent is nil.
func (p *pki) sign(cn string, orgs []string, isCA bool, tmpl *x509.Certificate, parent *keyPair) (keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return keyPair{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return keyPair{}, err
	}
	if tmpl == nil {
		tmpl = &x509.Certificate{}
	}
	tmpl.SerialNumber = serial
	tmpl.Subject = pkix.Name{CommonName: cn, Organization: orgs}
	tmpl.NotBefore = p.notBefore
	tmpl.NotAfter = p.notBefore.Add(7 * 24 * time.Hour) // a local plane lives minutes, not weeks
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	if isCA {
		tmpl.IsCA = true
		tmpl.BasicConstraintsValid = true
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	}
	signerCert, signerKey := tmpl, crypto.Signer(key)
	if parent != nil {
		signerCert, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, &key.PublicKey, signerKey)
	if err != nil {
		return keyPair{}, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return keyPair{}, err
	}
	keyPEM, err := ecKeyPEM(key)
	if err != nil {
		return keyPair{}, err
	}
	return keyPair{
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  keyPEM,
		cert:    cert,
		key:     key,
	}, nil
}

func ecKeyPEM(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}

// writeFiles writes the files the component flags point at and returns their paths.
func (p *pki) writeFiles(dir string) (map[string]string, error) {
	files := map[string][]byte{
		"ca.crt":        p.CA.CertPEM,
		"ca.key":        p.CA.KeyPEM, // for tests that mint their own client certs (CAFiles)
		"apiserver.crt": p.Serving.CertPEM,
		"apiserver.key": p.Serving.KeyPEM,
		"sa.key":        p.SAKeyPEM,
		"sa.pub":        p.SAPubPEM,
	}
	paths := map[string]string{}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, fmt.Errorf("write %s: %w", path, err)
		}
		paths[name] = path
	}
	return paths, nil
}
