package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"interlend/internal/config"
	"interlend/internal/ill"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes of the SMTP connection.
const (
	TLSNone     = "none"     // plain text (a local relay only)
	TLSStartTLS = "starttls" // connect in plain text, then STARTTLS (required)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
)

// DefaultTimeout bounds connecting and each SMTP command.
const DefaultTimeout = 30 * time.Second

// SMTPConfig says how to reach the outgoing mail server.
type SMTPConfig struct {
	Host     string // empty: no server configured
	Port     int
	User     string // empty: no authentication
	Password string
	From     string // envelope and header sender address
	TLS      string // TLSNone, TLSStartTLS or TLSImplicit
	// Timeout bounds the connection and every command; 0: DefaultTimeout.
	Timeout time.Duration
	// TLSConfig replaces the default client TLS settings (tests trust a
	// private certificate with it). ServerName defaults to Host.
	TLSConfig *tls.Config
}

// ConfigFrom takes the SMTP settings from the process configuration.
func ConfigFrom(c config.Config) SMTPConfig {
	return SMTPConfig{Host: c.SMTPHost, Port: c.SMTPPort, User: c.SMTPUser, Password: c.SMTPPassword, From: c.SMTPFrom, TLS: c.SMTPTLS}
}

// Enabled reports whether a server is configured.
func (c SMTPConfig) Enabled() bool { return c.Host != "" }

// Check reports configuration mistakes (ill.Invalid), naming the options.
func (c SMTPConfig) Check() error {
	fields := map[string]string{}
	if !ValidAddress(c.From) {
		fields["smtp-from"] = "is not a valid email address"
	}
	switch c.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		fields["smtp-tls"] = "use none, starttls or tls"
	}
	if c.Enabled() && (c.Port <= 0 || c.Port > 65535) {
		fields["smtp-port"] = "is not a port"
	}
	if len(fields) > 0 {
		return ill.E(ill.Invalid, "the outgoing mail settings are not valid", fields)
	}
	return nil
}

// Sender delivers messages over SMTP, one connection per message.
type Sender struct{ cfg SMTPConfig }

// NewSender checks the configuration and returns a sender. A sender
// without a host is valid (Enabled reports false) and refuses to send.
func NewSender(c SMTPConfig) (*Sender, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	return &Sender{cfg: c}, nil
}

// Enabled reports whether a server is configured.
func (s *Sender) Enabled() bool { return s.cfg.Enabled() }

// From is the configured sender address.
func (s *Sender) From() string { return s.cfg.From }

// Receipt tells what the server said when it accepted a message.
type Receipt struct {
	MessageID string // without angle brackets
	Reply     string // the server's final reply, e.g. "2.0.0 Ok: queued as 4F1A"
}

// Stage names the step of an SMTP delivery that failed.
type Stage string

// The stages of a delivery.
const (
	StageConnect Stage = "connect" // TCP, greeting, EHLO, TLS, AUTH
	StageMail    Stage = "mail"    // MAIL FROM
	StageRcpt    Stage = "rcpt"    // RCPT TO
	StageData    Stage = "data"    // DATA, the content, the final reply
)

// SendError is a failed delivery attempt. Temporary errors (4xx replies,
// network trouble, timeouts) are worth retrying; permanent ones (5xx) are
// not. Error() never contains the message's addresses: a server reply
// quoting them has them replaced, so the error may be logged.
type SendError struct {
	Stage     Stage
	Code      int    // the SMTP reply code; 0 when the server gave none
	Reply     string // the server's reply text as received (may quote addresses)
	Temporary bool
	Err       error // the cause
	hide      []string
}

func (e *SendError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "SMTP %s failed", e.Stage)
	if e.Code != 0 {
		fmt.Fprintf(&b, ": %d %s", e.Code, scrub(e.Reply, e.hide))
	} else if e.Err != nil {
		b.WriteString(": " + scrub(e.Err.Error(), e.hide))
	}
	return b.String()
}

func (e *SendError) Unwrap() error { return e.Err }

// Detail is the reply as recorded in the mail log: code and text, or the
// cause when the server did not answer.
func (e *SendError) Detail() string {
	if e.Code != 0 {
		return strconv.Itoa(e.Code) + " " + e.Reply
	}
	if e.Err != nil {
		return e.Err.Error()
	}
	return string(e.Stage) + " failed"
}

// IsPermanent reports whether err is a delivery failure that retrying
// cannot fix (a 5xx reply).
func IsPermanent(err error) bool {
	var se *SendError
	return errors.As(err, &se) && !se.Temporary
}

// scrub replaces each address in s (any case) with a placeholder.
func scrub(s string, addrs []string) string {
	for _, a := range addrs {
		if a == "" {
			continue
		}
		lower := strings.ToLower(s)
		la := strings.ToLower(a)
		var b strings.Builder
		for {
			i := strings.Index(lower, la)
			if i < 0 {
				b.WriteString(s)
				break
			}
			b.WriteString(s[:i] + "[address]")
			s, lower = s[i+len(a):], lower[i+len(a):]
		}
		s = b.String()
	}
	return s
}

func (s *Sender) fail(stage Stage, err error, m Message) *SendError {
	e := &SendError{Stage: stage, Err: err, Temporary: true, hide: []string{m.To.Email, m.From.Email, m.ReplyTo.Email}}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		e.Code, e.Reply = tp.Code, tp.Msg
		e.Temporary = tp.Code < 500
	}
	return e
}

// Send delivers m. The message's From address is the configured one (the
// display name is m.From.Name). Errors are *SendError, or ill.Invalid for a
// message that cannot be composed, or ill.Unavailable when no server is
// configured.
func (s *Sender) Send(ctx context.Context, m Message) (Receipt, error) {
	if !s.Enabled() {
		return Receipt{}, ill.E(ill.Unavailable, "no SMTP server is configured")
	}
	m.From.Email = s.cfg.From
	msg, err := Compose(m)
	if err != nil {
		return Receipt{}, err
	}
	client, err := gomail.NewClient(s.cfg.Host, s.clientOptions()...)
	if err != nil {
		return Receipt{}, ill.E(ill.Invalid, "the outgoing mail settings are not valid", err)
	}
	sc, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return Receipt{}, s.fail(StageConnect, err, m)
	}
	// Closing the connection is what stops a command blocked on a server
	// that went silent when the job's context ends.
	stop := context.AfterFunc(ctx, func() { _ = sc.Close() })
	defer func() {
		stop()
		_ = client.CloseWithSMTPClient(sc)
		_ = sc.Close()
	}()
	step := func(stage Stage, f func() error) error {
		if err := sc.UpdateDeadline(s.cfg.Timeout); err != nil {
			return s.fail(stage, err, m)
		}
		if err := f(); err != nil {
			return s.fail(stage, err, m)
		}
		return nil
	}
	if err := step(StageMail, func() error { return sc.Mail("<" + s.cfg.From + ">") }); err != nil {
		return Receipt{}, err
	}
	if err := step(StageRcpt, func() error { return sc.Rcpt("<" + m.To.Email + ">") }); err != nil {
		return Receipt{}, err
	}
	var reply string
	err = step(StageData, func() error {
		w, err := sc.Data()
		if err != nil {
			return err
		}
		if _, err := msg.WriteTo(w); err != nil {
			_ = w.Close()
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		if dc, ok := w.(interface{ ServerResponse() string }); ok {
			reply = dc.ServerResponse()
		}
		return nil
	})
	if err != nil {
		return Receipt{}, err
	}
	return Receipt{MessageID: strings.Trim(msg.GetMessageID(), "<>"), Reply: reply}, nil
}

func (s *Sender) clientOptions() []gomail.Option {
	c := s.cfg
	tc := c.TLSConfig
	if tc == nil {
		tc = &tls.Config{MinVersion: tls.VersionTLS12}
	} else {
		tc = tc.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = c.Host
	}
	opts := []gomail.Option{
		gomail.WithPort(c.Port),
		gomail.WithTimeout(c.Timeout),
		gomail.WithTLSConfig(tc),
		gomail.WithoutNoop(),
	}
	switch c.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	}
	if c.User != "" {
		auth := gomail.SMTPAuthAutoDiscover
		if c.TLS == TLSNone {
			// The operator chose a plain connection (a local relay): the
			// password then travels in clear, as configured.
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(c.User), gomail.WithPassword(c.Password))
	}
	return opts
}
