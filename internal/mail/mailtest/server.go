// Package mailtest is an SMTP server for tests: it listens on a loopback
// port, captures every message (parsed into from, to, subject, text and
// HTML parts, Message-ID and headers) and can be scripted to fail.
//
//	srv := mailtest.Start(t)
//	srv.Configure(&cfg)                         // point an Interlend config at it
//	... something sends mail ...
//	msg := srv.WaitFor(t, "patron@example.org", 5*time.Second)
//	if !strings.Contains(msg.Text, "arrived") { ... }
//
// Faults: srv.FailNext(mailtest.Temporary) makes the next connection's
// delivery fail with 451; mailtest.Permanent with 550; srv.Refuse(true)
// closes the port so that connections are refused. The server stops when
// the test ends.
package mailtest

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/config"
	"interlend/internal/mail"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is a running test SMTP server.
type Server struct {
	tb   testing.TB
	smtp *smtp.Server
	addr string
	opt  options

	mu          sync.Mutex
	ln          net.Listener
	refusing    bool
	messages    []Message
	rejected    []Message
	faults      []Fault
	helloFaults map[*smtp.Conn]Fault
	connections int
	changed     chan struct{} // closed (and replaced) whenever something is captured
	served      sync.WaitGroup
}

type options struct {
	tls            string // "", "starttls" or "tls"
	user, password string
}

// Option configures Start.
type Option func(*options)

// WithTLS serves STARTTLS ("starttls") or implicit TLS ("tls") with a
// certificate made for the test; SMTPConfig trusts it.
func WithTLS(mode string) Option { return func(o *options) { o.tls = mode } }

// WithAuth requires AUTH PLAIN with this user and password before MAIL.
func WithAuth(user, password string) Option {
	return func(o *options) { o.user, o.password = user, password }
}

// Start runs a server on 127.0.0.1 on a free port until the test ends.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{tb: tb, changed: make(chan struct{}), helloFaults: map[*smtp.Conn]Fault{}}
	for _, o := range opts {
		o(&s.opt)
	}
	s.smtp = smtp.NewServer(smtp.BackendFunc(s.newSession))
	s.smtp.Domain = "mailtest.invalid"
	s.smtp.AllowInsecureAuth = true
	s.smtp.EnableSMTPUTF8 = true
	s.smtp.MaxMessageBytes = 8 << 20
	s.smtp.MaxRecipients = 50
	s.smtp.ReadTimeout = 30 * time.Second
	s.smtp.WriteTimeout = 30 * time.Second
	s.smtp.ErrorLog = discardLogger{}
	switch s.opt.tls {
	case "", mail.TLSNone:
		s.opt.tls = mail.TLSNone
	case mail.TLSStartTLS, mail.TLSImplicit:
		s.smtp.TLSConfig = serverTLS(tb)
	default:
		tb.Fatalf("mailtest: unknown TLS mode %q", s.opt.tls)
	}
	ln, err := s.listen("127.0.0.1:0")
	if err != nil {
		tb.Fatalf("mailtest: listen: %v", err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	tb.Cleanup(s.Close)
	return s
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}

func (s *Server) listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if s.opt.tls == mail.TLSImplicit {
		ln = tls.NewListener(ln, s.smtp.TLSConfig)
	}
	return ln, nil
}

func (s *Server) serve(ln net.Listener) {
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	s.served.Add(1)
	go func() {
		defer s.served.Done()
		_ = s.smtp.Serve(ln)
	}()
}

// Close stops the server (also done when the test ends).
func (s *Server) Close() {
	_ = s.smtp.Close()
	// Serve may not have registered the listener with the server yet.
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()
	_ = ln.Close()
	s.served.Wait()
}

// Addr is host:port.
func (s *Server) Addr() string { return s.addr }

// Host is the address the server listens on (127.0.0.1).
func (s *Server) Host() string { h, _, _ := net.SplitHostPort(s.addr); return h }

// Port is the server's port.
func (s *Server) Port() int { _, p, _ := net.SplitHostPort(s.addr); n, _ := strconv.Atoi(p); return n }

// From is the sender address Configure and SMTPConfig set.
const From = "interlend@mailtest.invalid"

// Configure points an Interlend configuration at the server. A server
// started WithTLS cannot be used this way (Interlend would rightly not
// trust its certificate): use SMTPConfig with the mail package instead.
func (s *Server) Configure(cfg *config.Config) {
	s.tb.Helper()
	if s.opt.tls != mail.TLSNone {
		s.tb.Fatalf("mailtest: Configure needs a plain server; a TLS test server's certificate is trusted only through SMTPConfig")
	}
	cfg.SMTPHost, cfg.SMTPPort, cfg.SMTPTLS = s.Host(), s.Port(), mail.TLSNone
	cfg.SMTPUser, cfg.SMTPPassword = s.opt.user, s.opt.password
	cfg.SMTPFrom = From
}

// SMTPConfig is a mail sender configuration for the server, trusting its
// test certificate when it serves TLS.
func (s *Server) SMTPConfig() mail.SMTPConfig {
	c := mail.SMTPConfig{Host: s.Host(), Port: s.Port(), TLS: s.opt.tls, User: s.opt.user, Password: s.opt.password,
		From: From, Timeout: 10 * time.Second}
	if s.smtp.TLSConfig != nil {
		c.TLSConfig = clientTLS(s.smtp.TLSConfig)
	}
	return c
}

// Refuse closes the listening port (connections are refused) or, with
// false, opens it again on the same address.
func (s *Server) Refuse(refuse bool) {
	s.tb.Helper()
	s.mu.Lock()
	if refuse == s.refusing {
		s.mu.Unlock()
		return
	}
	s.refusing = refuse
	ln := s.ln
	s.mu.Unlock()
	if refuse {
		// Close only the listener: the server keeps serving open connections.
		_ = ln.Close()
		return
	}
	ln, err := s.listen(s.addr)
	if err != nil {
		s.tb.Fatalf("mailtest: listen again on %s: %v", s.addr, err)
	}
	s.serve(ln)
}

// Stage is where a scripted fault strikes.
type Stage string

// The stages a fault can strike at.
const (
	AtHello Stage = "hello" // the EHLO/HELO reply
	AtMail  Stage = "mail"  // MAIL FROM
	AtRcpt  Stage = "rcpt"  // RCPT TO
	AtData  Stage = "data"  // after the content was received (it is kept in Rejected)
)

// Fault is a scripted failure of one connection.
type Fault struct {
	At   Stage
	Code int    // SMTP reply code, e.g. 451 or 550
	Text string // reply text; a leading enhanced code ("4.3.0 ...") is sent as one
}

// Ready-made faults.
var (
	Temporary = Fault{At: AtData, Code: 451, Text: "4.3.0 Temporary failure, please try again later"}
	Permanent = Fault{At: AtRcpt, Code: 550, Text: "5.1.1 Mailbox unavailable"}
)

// FailNext queues faults: each new connection takes the next one, and
// connections after the last fault succeed.
func (s *Server) FailNext(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// Reset forgets captured messages and pending faults.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages, s.rejected, s.faults = nil, nil, nil
	s.connections = 0
}

// Connections counts the connections that reached the greeting.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connections
}

func (f Fault) err() *smtp.SMTPError {
	e := &smtp.SMTPError{Code: f.Code, EnhancedCode: smtp.NoEnhancedCode, Message: f.Text}
	if code, rest, ok := strings.Cut(f.Text, " "); ok {
		var a, b, c int
		if n, _ := fmt.Sscanf(code, "%d.%d.%d", &a, &b, &c); n == 3 {
			e.EnhancedCode, e.Message = smtp.EnhancedCode{a, b, c}, rest
		}
	}
	return e
}

// newSession takes the connection's fault, if any.
// A client whose EHLO failed may try HELO on the same connection: it gets
// the same fault.
func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	if f, ok := s.helloFaults[c]; ok {
		s.mu.Unlock()
		return nil, f.err()
	}
	s.connections++
	var f *Fault
	if len(s.faults) > 0 {
		f = &s.faults[0]
		s.faults = s.faults[1:]
	}
	if f != nil && f.At == AtHello {
		s.helloFaults[c] = *f
		s.mu.Unlock()
		return nil, f.err()
	}
	s.mu.Unlock()
	return &session{srv: s, fault: f}, nil
}

type session struct {
	srv    *Server
	fault  *Fault
	authed bool
	from   string
	rcpts  []string
}

func (ss *session) failAt(st Stage) error {
	if ss.fault != nil && ss.fault.At == st {
		return ss.fault.err()
	}
	return nil
}

func (ss *session) AuthMechanisms() []string {
	if ss.srv.opt.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.srv.opt.user || pass != ss.srv.opt.password {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.srv.opt.user != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	if err := ss.failAt(AtMail); err != nil {
		return err
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := ss.failAt(AtRcpt); err != nil {
		return err
	}
	ss.rcpts = append(ss.rcpts, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, perr := parse(raw)
	m.EnvelopeFrom, m.Recipients, m.ReceivedAt = ss.from, append([]string(nil), ss.rcpts...), time.Now()
	if perr != nil {
		m.ParseError = perr.Error()
	}
	ferr := ss.failAt(AtData)
	ss.srv.capture(m, ferr == nil)
	if ferr != nil {
		return ferr
	}
	return nil
}

func (ss *session) Reset() { ss.from, ss.rcpts = "", nil }

func (ss *session) Logout() error { return nil }

func (s *Server) capture(m Message, accepted bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m.Accepted = accepted
	if accepted {
		s.messages = append(s.messages, m)
	} else {
		s.rejected = append(s.rejected, m)
	}
	close(s.changed)
	s.changed = make(chan struct{})
}
