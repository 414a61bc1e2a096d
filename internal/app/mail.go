package app

import (
	"context"
	"strings"
	"time"

	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/mail"
	"interlend/internal/store"
)

// Mailer sends email outside a transaction. The app's Mailer queues each
// message in a transaction of its own (see QueueMail): it is delivered by
// a mail.send job, with retries, moments later.
type Mailer interface {
	Send(ctx context.Context, m OutgoingMail) error
}

// OutgoingMail is one message to send. To, Subject and the bodies are
// personal data: they are kept in the job and the mail log (both redacted
// by the retention job) and never logged.
type OutgoingMail struct {
	Agency  string // the sending library ("" for the deployment itself); its name is the sender's name
	To      string // a bare address
	ToName  string // optional display name
	Subject string
	Text    string // required: every message has a plain text part
	HTML    string // optional HTML alternative (a whole document; see mail.Render)
	// NoticeKey names the template the message was made from, if any.
	NoticeKey string
	// RequestRef is the request the message is about, if any, so that the
	// retention job can redact it with the request.
	RequestRef string
	// Key makes queuing idempotent: a second message with the same key is
	// not queued (and is the same message). Empty: every call queues.
	Key string
}

// QueueMail enqueues a message in tx: it is sent (by a mail.send job, with
// retries) only if the transaction commits, and a mail log row records it.
// Features call this, never SMTP. Bad input is ill.Invalid (or TooLarge)
// and changes nothing; an agency that is not hosted is NotFound.
func (a *App) QueueMail(tx *store.Tx, m OutgoingMail) error {
	m.To = strings.TrimSpace(m.To)
	agency := ill.AgencyID(m.Agency)
	fromName := i18n.Load().Text(i18n.Default, "app.name")
	if agency != "" {
		ag, err := tx.System().GetAgency(agency)
		if err != nil {
			return err
		}
		fromName = ag.Name
	}
	msg := mail.Message{
		From:    mail.Address{Name: fromName, Email: a.Cfg.SMTPFrom},
		To:      mail.Address{Name: m.ToName, Email: m.To},
		Subject: m.Subject, Text: m.Text, HTML: m.HTML,
	}
	if err := msg.Validate(); err != nil {
		return err
	}
	if len(m.Key) > 200 || len(m.NoticeKey) > 100 || len(m.RequestRef) > 100 {
		return ill.E(ill.Invalid, "the message's key, notice or request reference is too long")
	}
	job := store.NewJob{Kind: KindMailSend, Agency: agency, MaxAttempts: mailMaxAttempts,
		Payload: mailPayload{To: m.To, ToName: m.ToName, FromName: fromName, Subject: m.Subject, Text: m.Text, HTML: m.HTML}}
	if m.Key != "" {
		job.IdempotencyKey = KindMailSend + ":" + m.Key
	}
	jobID, err := tx.System().EnqueueJob(job)
	if err != nil {
		return err
	}
	_, err = tx.Agency().AddMailLog(agency, store.MailLog{Recipient: m.To, Subject: m.Subject, NoticeKey: m.NoticeKey,
		RequestRef: m.RequestRef, JobID: jobID})
	return err
}

// queueMailer is the app's Mailer: QueueMail in a transaction of its own.
type queueMailer struct{ a *App }

func (q queueMailer) Send(ctx context.Context, m OutgoingMail) error {
	return q.a.write(ctx, func(tx *store.Tx) error { return q.a.QueueMail(tx, m) })
}

// setupMail prepares a.Mail from the configuration and checks the SMTP
// settings.
func (a *App) setupMail() error {
	c := mail.ConfigFrom(a.Cfg)
	if err := c.Check(); err != nil {
		return err
	}
	a.Mail = queueMailer{a}
	return nil
}

// warnWithoutMail says once, when a node starts its job workers, that
// without an SMTP server its mail is recorded as not sent (one-off
// commands, which run no workers, stay quiet).
func (a *App) warnWithoutMail() {
	if !mail.ConfigFrom(a.Cfg).Enabled() && a.Cfg.Workers > 0 {
		a.Log.Warn("no SMTP server configured (--smtp-host): email is recorded in the mail log as not sent")
	}
}

// Notice is a templated email for QueueNotice.
type Notice struct {
	Agency ill.AgencyID
	To     string
	ToName string
	Key    string // a registered notice (mail.Register), e.g. mail.TestNotice
	Data   any    // the template's data
	Locale string // "" for English
	// Override is the agency's own template for the notice, if it has one
	// (the notice settings keep it). A broken one falls back to the default.
	Override       *mail.Template
	RequestRef     string
	IdempotencyKey string
}

// QueueNotice renders a notice (the agency's template, or the default
// when it has none or it fails) and queues it with QueueMail. A failing
// agency template is reported in the agency's audit log (once a day per
// notice) and in the log, without personal data.
func (a *App) QueueNotice(tx *store.Tx, n Notice) error {
	r, err := mail.Render(n.Key, n.Override, n.Data, n.Locale)
	if err != nil {
		return err
	}
	if r.Problem != nil {
		a.Log.Warn("an agency's mail template failed; the default was used", "agency", n.Agency, "notice", n.Key, "err", r.Problem)
		if err := a.reportTemplateProblem(tx, n.Agency, n.Key, r.Problem); err != nil {
			return err
		}
	}
	return a.QueueMail(tx, OutgoingMail{Agency: string(n.Agency), To: n.To, ToName: n.ToName, Subject: r.Subject,
		Text: r.Text, HTML: r.HTML, NoticeKey: n.Key, RequestRef: n.RequestRef, Key: n.IdempotencyKey})
}

// AuditMailTemplateFailed is the audit action recording that an agency's
// mail template failed and the default was sent instead.
const AuditMailTemplateFailed = "mail.template_failed"

func (a *App) reportTemplateProblem(tx *store.Tx, agency ill.AgencyID, key string, problem error) error {
	if agency == "" {
		return nil
	}
	target := "mail:" + key
	last, err := tx.Agency().AuditLog(agency, target, 1)
	if err != nil {
		return err
	}
	if len(last) > 0 && last[0].Action == AuditMailTemplateFailed && tx.Now().Sub(last[0].At) < 24*time.Hour {
		return nil
	}
	return tx.Agency().Audit(agency, store.AuditRecord{Action: AuditMailTemplateFailed, Target: target, After: problem.Error()})
}

// SendTestMail sends the test notice of the agency to an address, through
// a.Mail (queued at once, delivered by a job): the admin area's check of
// the mail settings. override is the agency's own test template, if any.
func (a *App) SendTestMail(ctx context.Context, actor ill.Actor, agency ill.AgencyID, to string, override *mail.Template) error {
	if err := actor.Require(agency, ill.PermSettings); err != nil {
		return err
	}
	var name string
	err := a.read(ctx, func(tx *store.Tx) error {
		ag, err := tx.System().GetAgency(agency)
		name = ag.Name
		return err
	})
	if err != nil {
		return err
	}
	r, err := mail.Render(mail.TestNotice, override, mail.TestData{Agency: name, SentBy: actor.Name}, "")
	if err != nil {
		return err
	}
	if r.Problem != nil {
		return ill.E(ill.Invalid, "the library's test template has errors; fix it first", r.Problem)
	}
	return a.Mail.Send(ctx, OutgoingMail{Agency: string(agency), To: to, Subject: r.Subject, Text: r.Text, HTML: r.HTML, NoticeKey: mail.TestNotice})
}

// MailLog lists an agency's sent mail, newest first (settings managers).
func (a *App) MailLog(ctx context.Context, actor ill.Actor, agency ill.AgencyID, f store.MailFilter) ([]store.MailLog, error) {
	if err := actor.Require(agency, ill.PermSettings); err != nil {
		return nil, err
	}
	var out []store.MailLog
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.Agency().MailLogs(agency, f)
		return err
	})
	return out, err
}
