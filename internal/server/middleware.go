package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"interlend/internal/ill"
)

type ctxKey int

const requestIDKey ctxKey = 0

// RequestID returns the request id of a request context ("" if none).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

var goodRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{8,64}$`)

// requestID gives every request an id (kept from a well-formed incoming
// X-Request-Id, else new), echoed in the response and in every log line.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !goodRequestID.MatchString(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog logs one line per request: method, route pattern, path without
// the query string (queries may carry citations or a patron's email),
// status, size, time and request id. Never names or emails.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		s.metrics.requests.WithLabelValues(route, fmt.Sprintf("%dxx", sw.status/100)).Inc()
		s.metrics.duration.WithLabelValues(route).Observe(d.Seconds())
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			return
		}
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.app.Log.LogAttrs(r.Context(), level, "http",
			slog.String("request_id", RequestID(r.Context())),
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Int64("bytes", sw.bytes),
			slog.Duration("took", d),
			slog.String("client", s.ClientIP(r)))
	})
}

// recoverer turns a panic into a logged 500 instead of a dropped connection.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.app.Log.Error("panic serving request", "request_id", RequestID(r.Context()), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				http.Error(w, "Internal server error. The problem has been logged with request id "+RequestID(r.Context())+".", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// ContentSecurityPolicy allows only Interlend's own scripts, styles and
// images: no inline script, no CDN, no framing.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// bodyLimit caps request bodies at --max-body. Routes that take uploads
// raise the limit for themselves with RaiseBodyLimit.
func (s *Server) bodyLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.app.Cfg.MaxBody && !uploadRoute(r) {
			http.Error(w, fmt.Sprintf("request body too large (limit %d bytes)", s.app.Cfg.MaxBody), http.StatusRequestEntityTooLarge)
			return
		}
		if !uploadRoute(r) {
			r.Body = http.MaxBytesReader(w, r.Body, s.app.Cfg.MaxBody)
		}
		next.ServeHTTP(w, r)
	})
}

// uploadRoute marks paths whose handlers enforce their own (per-agency)
// upload limit before reading the body.
func uploadRoute(r *http.Request) bool {
	return strings.HasSuffix(r.URL.Path, "/upload")
}

// ClientIP is the client address, from X-Forwarded-For only when the
// operator said a trusted proxy is in front.
func (s *Server) ClientIP(r *http.Request) string {
	return ClientIP(r, s.app.Cfg.TrustProxy)
}

// ClientIP extracts the client address from a request.
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func constantEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// StatusFor maps the error vocabulary to HTTP, once for every surface.
func StatusFor(err error) int {
	switch ill.KindOf(err) {
	case ill.Invalid:
		return http.StatusBadRequest
	case ill.NotFound:
		return http.StatusNotFound
	case ill.Conflict:
		return http.StatusConflict
	case ill.Forbidden:
		return http.StatusForbidden
	case ill.Unauthenticated:
		return http.StatusUnauthorized
	case ill.Unavailable:
		return http.StatusServiceUnavailable
	case ill.TooLarge:
		return http.StatusRequestEntityTooLarge
	case ill.RateLimited:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}
