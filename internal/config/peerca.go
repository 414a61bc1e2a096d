package config

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
)

// PeerCAs is the pool of certificate authorities the partner client
// trusts: the system's roots plus every certificate in --peer-ca-file.
// Without the option it is nil (the system's roots). The file must hold
// at least one PEM certificate and nothing that fails to parse.
func (c *Config) PeerCAs() (*x509.CertPool, error) {
	if c.PeerCAFile == "" {
		return nil, nil
	}
	data, err := os.ReadFile(c.PeerCAFile)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	n := 0
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: certificate %d: %w", c.PeerCAFile, n+1, err)
		}
		pool.AddCert(cert)
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("%s holds no PEM certificate", c.PeerCAFile)
	}
	return pool, nil
}
