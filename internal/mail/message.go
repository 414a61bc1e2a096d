package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"interlend/internal/ill"

	gomail "github.com/wneessen/go-mail"
)

// Limits on what one message may hold.
const (
	MaxSubject = 400     // characters
	MaxBody    = 1 << 20 // bytes, per part
)

// Address is a mailbox with an optional display name (any UTF-8).
type Address struct {
	Name  string
	Email string
}

// Message is one email to compose: a plain text part (required) and an
// optional HTML alternative.
type Message struct {
	From    Address
	To      Address
	ReplyTo Address // optional
	Subject string
	Text    string
	HTML    string
	// Key identifies the message for its whole life (the job's idempotency
	// key): the Message-ID is derived from it, so a retry or a duplicate
	// delivery after a crash carries the same Message-ID. Empty: random.
	Key  string
	Date time.Time // zero: now
}

// ValidAddress reports whether s is a bare email address (no display
// name, no angle brackets), as the mail log and SMTP envelope need.
func ValidAddress(s string) bool {
	if s == "" || len(s) > 254 || strings.ContainsAny(s, "<>\r\n\t ") {
		return false
	}
	a, err := netmail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-1
}

// Validate checks a message before it is queued or sent. The errors are
// ill.Invalid (or ill.TooLarge) with a message per field; they never quote
// the addresses.
func (m Message) Validate() error {
	fields := map[string]string{}
	if !ValidAddress(m.To.Email) {
		fields["to"] = "is not a valid email address"
	}
	if !ValidAddress(m.From.Email) {
		fields["from"] = "is not a valid email address"
	}
	if m.ReplyTo.Email != "" && !ValidAddress(m.ReplyTo.Email) {
		fields["reply_to"] = "is not a valid email address"
	}
	for name, v := range map[string]string{"to_name": m.To.Name, "from_name": m.From.Name, "reply_to_name": m.ReplyTo.Name} {
		if strings.ContainsAny(v, "\r\n") || !utf8.ValidString(v) {
			fields[name] = "must be one line of text"
		}
	}
	switch {
	case strings.TrimSpace(m.Subject) == "":
		fields["subject"] = "is empty"
	case strings.ContainsAny(m.Subject, "\r\n") || !utf8.ValidString(m.Subject):
		fields["subject"] = "must be one line of text"
	case utf8.RuneCountInString(m.Subject) > MaxSubject:
		return ill.E(ill.TooLarge, fmt.Sprintf("the subject is longer than %d characters", MaxSubject), map[string]string{"subject": "is too long"})
	}
	if strings.TrimSpace(m.Text) == "" {
		fields["text"] = "is empty: every message needs a plain text part"
	}
	if !utf8.ValidString(m.Text) || !utf8.ValidString(m.HTML) {
		fields["body"] = "is not valid UTF-8"
	}
	if len(m.Text) > MaxBody || len(m.HTML) > MaxBody {
		return ill.E(ill.TooLarge, fmt.Sprintf("a message part is larger than %d bytes", MaxBody), map[string]string{"body": "is too large"})
	}
	if len(fields) > 0 {
		return ill.E(ill.Invalid, "the message cannot be sent as it is", fields)
	}
	return nil
}

// MessageID derives the Message-ID (without angle brackets) from a stable
// key and the sender address: the same key always gives the same id. The
// key itself is hashed, so nothing in it shows in the header.
func MessageID(key, from string) string {
	sum := sha256.Sum256([]byte(key))
	id := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:20]))
	domain := "interlend.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		domain = from[i+1:]
	}
	return "il." + id + "@" + domain
}

// Compose builds the MIME message. It validates m first.
func Compose(m Message) (*gomail.Msg, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP), gomail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(m.From.Name, m.From.Email); err != nil {
		return nil, ill.E(ill.Invalid, "the sender address is not valid", err)
	}
	if err := msg.AddToFormat(m.To.Name, m.To.Email); err != nil {
		return nil, ill.E(ill.Invalid, "the recipient address is not valid", map[string]string{"to": "is not a valid email address"})
	}
	if m.ReplyTo.Email != "" {
		if err := msg.ReplyToFormat(m.ReplyTo.Name, m.ReplyTo.Email); err != nil {
			return nil, ill.E(ill.Invalid, "the reply-to address is not valid", err)
		}
	}
	msg.Subject(m.Subject)
	if m.Key != "" {
		msg.SetMessageIDWithValue(MessageID(m.Key, m.From.Email))
	} else {
		msg.SetMessageID()
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	msg.SetDateWithValue(date)
	// RFC 3834: an automatic message; auto-responders must not answer it.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	msg.SetUserAgent("Interlend")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// Bytes composes m and returns the whole message as it would be sent.
func Bytes(m Message) ([]byte, error) {
	msg, err := Compose(m)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("mail: write message: %w", err)
	}
	return b.Bytes(), nil
}
