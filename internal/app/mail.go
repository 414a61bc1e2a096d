package app

import (
	"context"

	"interlend/internal/store"
)

// Mailer sends email. The real one (mail helper) queues each message as a
// job and sends it over SMTP; this file is replaced when it lands.
type Mailer interface {
	Send(ctx context.Context, m OutgoingMail) error
}

// OutgoingMail is one message to send.
type OutgoingMail struct {
	Agency  string
	To      string
	Subject string
	Text    string
	HTML    string
}

// QueueMail enqueues a message in tx: it is sent (by a job, with retries)
// only if the transaction commits. Features call this, never SMTP.
func (a *App) QueueMail(tx *store.Tx, m OutgoingMail) error { return nil }

// setupMail prepares a.Mail from the configuration.
func (a *App) setupMail() error { return nil }
