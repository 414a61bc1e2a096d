package app

import "context"

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

// setupMail prepares a.Mail from the configuration.
func (a *App) setupMail() error { return nil }
