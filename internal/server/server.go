// Package server assembles Interlend's HTTP surfaces (web pages, JSON API,
// ISO 18626 endpoint, health and metrics) behind one middleware chain:
// panic recovery, request ids, an access log without personal data,
// security headers and body limits. It owns listening and graceful shutdown.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"interlend/internal/app"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Surface is a group of routes (web, api, peer) mounted on the server.
type Surface interface {
	Register(mux *http.ServeMux)
}

// Server serves Interlend over HTTP.
type Server struct {
	app     *app.App
	mux     *http.ServeMux
	handler http.Handler
	metrics *httpMetrics
}

// New builds the server and mounts the surfaces.
func New(a *app.App, surfaces ...Surface) *Server {
	s := &Server{app: a, mux: http.NewServeMux(), metrics: newHTTPMetrics(a.Registry)}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if a.Cfg.MetricsListen == "" {
		s.mux.Handle("GET /metrics", s.metricsAuth(s.metricsHandler()))
	}
	for _, sf := range surfaces {
		sf.Register(s.mux)
	}
	s.handler = s.recoverer(s.requestID(s.accessLog(securityHeaders(s.bodyLimit(s.mux)))))
	return s
}

// Handler is the full HTTP handler (tests use it with httptest).
func (s *Server) Handler() http.Handler { return s.handler }

// Serve serves on ln (and on the metrics address, if configured) until ctx
// ends, then shuts down gracefully within the configured grace period.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	cfg := s.app.Cfg
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // large scan uploads on slow links
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.app.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	servers := []*http.Server{srv}
	errc := make(chan error, 2)
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return fmt.Errorf("loading --tls-cert: %w", err)
		}
		// Client certificates are asked for, not required: staff browsers
		// have none, and partners using mutual TLS are checked by the
		// certificate's fingerprint in their directory profile.
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequestClientCert, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	go func() { errc <- srv.Serve(ln) }()
	if cfg.MetricsListen != "" {
		mln, err := net.Listen("tcp", cfg.MetricsListen)
		if err != nil {
			srv.Close()
			return err
		}
		msrv := &http.Server{Handler: s.metricsHandler(), ReadHeaderTimeout: 5 * time.Second}
		servers = append(servers, msrv)
		go func() { errc <- msrv.Serve(mln) }()
	}
	select {
	case err := <-errc:
		for _, sv := range servers {
			sv.Close()
		}
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	var err error
	for _, sv := range servers {
		if e := sv.Shutdown(sctx); e != nil && !errors.Is(e, http.ErrServerClosed) {
			err = errors.Join(err, e)
		}
	}
	return err
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.app.Ready(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("not ready: database unavailable\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.app.Registry, promhttp.HandlerOpts{Registry: s.app.Registry})
}

// metricsAuth guards /metrics on the main address with a bearer token; with
// no token configured, /metrics is only served on --metrics-listen.
func (s *Server) metricsAuth(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := s.app.Cfg.MetricsToken
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if tok == "" || !ok || !constantEqual(got, tok) {
			http.Error(w, "metrics need a bearer token (--metrics-token) or a separate --metrics-listen address", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "interlend_http_requests_total", Help: "HTTP requests by route and status class."}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "interlend_http_request_duration_seconds", Help: "HTTP request latency by route.", Buckets: prometheus.ExponentialBuckets(0.0005, 3, 10)}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}
