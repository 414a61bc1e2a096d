package mailtest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"time"
)

// Message is one captured message, parsed.
type Message struct {
	EnvelopeFrom string   // MAIL FROM
	Recipients   []string // RCPT TO
	From         *netmail.Address
	To           []*netmail.Address
	Subject      string // decoded
	MessageID    string // without angle brackets
	Text         string // the text/plain part, decoded
	HTML         string // the text/html part, decoded
	Header       netmail.Header
	Raw          []byte
	Accepted     bool   // false: a scripted fault rejected it after DATA
	ParseError   string // why the message could not be parsed fully, if so
	ReceivedAt   time.Time
}

// SentTo reports whether addr (any case) was an envelope recipient.
func (m Message) SentTo(addr string) bool {
	for _, r := range m.Recipients {
		if strings.EqualFold(r, addr) {
			return true
		}
	}
	return false
}

var words = &mime.WordDecoder{}

func parse(raw []byte) (Message, error) {
	m := Message{Raw: raw}
	pm, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return m, err
	}
	m.Header = pm.Header
	if m.Subject, err = words.DecodeHeader(pm.Header.Get("Subject")); err != nil {
		return m, fmt.Errorf("subject: %w", err)
	}
	m.MessageID = strings.Trim(strings.TrimSpace(pm.Header.Get("Message-Id")), "<>")
	if from, err := pm.Header.AddressList("From"); err == nil && len(from) > 0 {
		m.From = from[0]
	}
	if to, err := pm.Header.AddressList("To"); err == nil {
		m.To = to
	}
	err = m.walk(pm.Header.Get("Content-Type"), pm.Header.Get("Content-Transfer-Encoding"), pm.Body)
	return m, err
}

// walk collects the text and HTML parts, descending into multiparts.
func (m *Message) walk(contentType, encoding string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := m.walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body) // ignores line breaks
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("%s part: %w", mt, err)
	}
	switch mt {
	case "text/plain":
		if m.Text == "" {
			m.Text = strings.ReplaceAll(string(b), "\r\n", "\n")
		}
	case "text/html":
		if m.HTML == "" {
			m.HTML = strings.ReplaceAll(string(b), "\r\n", "\n")
		}
	}
	return nil
}
