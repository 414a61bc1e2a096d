package app

import (
	"crypto/tls"
	"net/http"
)

// partnerTransport is the transport for fetching from partners' hosts
// (delivery files) when the operator trusts its own certificate
// authorities for partners (--peer-ca-file); nil means a.HTTP's own. A
// fresh transport without keep-alives: fetches are rare and each is its
// own job.
func (a *App) partnerTransport() http.RoundTripper {
	pool, err := a.Cfg.PeerCAs()
	if err != nil || pool == nil {
		return nil // checked at start-up; the system's roots otherwise
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DisableKeepAlives = true
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if a.Cfg.TLSCert != "" {
		if cert, err := tls.LoadX509KeyPair(a.Cfg.TLSCert, a.Cfg.TLSKey); err == nil {
			tr.TLSClientConfig.Certificates = []tls.Certificate{cert}
		}
	}
	return tr
}
