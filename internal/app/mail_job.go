package app

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"interlend/internal/jobs"
	"interlend/internal/mail"
	"interlend/internal/store"
)

// KindMailSend delivers one queued email over SMTP. Its idempotency key is
// the basis of the Message-ID, so a message delivered again after a crash
// (sent, then the node died before recording it) is recognisable.
const KindMailSend = "mail.send"

// mailMaxAttempts with mailBackoff keeps trying a temporarily refused
// message for about seven hours before it is dead.
const mailMaxAttempts = 15

// mailBackoff waits 30s, 1m, 2m ... up to 1h between attempts (±10%):
// greylisting servers want minutes, not seconds.
func mailBackoff(failures int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < failures && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	return d + time.Duration((rand.Float64()-0.5)*0.2*float64(d))
}

// Mail log texts for messages that were not delivered.
const (
	mailNotConfigured = "no SMTP server configured"
	mailRedacted      = "the message was redacted before it was sent"
)

// mailPayload is the mail.send job's payload (personal data: redacted
// with the mail log).
type mailPayload struct {
	To       string `json:"to,omitempty"`
	ToName   string `json:"to_name,omitempty"`
	FromName string `json:"from_name,omitempty"`
	Subject  string `json:"subject,omitempty"`
	Text     string `json:"text,omitempty"`
	HTML     string `json:"html,omitempty"`
}

func init() {
	addJobs(func(a *App) {
		a.Jobs.Register(jobs.Kind{Name: KindMailSend, Handler: a.sendMailJob, MaxAttempts: mailMaxAttempts,
			Timeout: 3 * mail.DefaultTimeout, Backoff: mailBackoff})
	})
}

// sendMailJob delivers the message and records the outcome on its mail
// log row: sent (in the completing transaction), queued again with the
// reply after a temporary failure, failed after a permanent one or the
// last attempt, not_sent without an SMTP server. It logs the job id and
// agency only.
func (a *App) sendMailJob(ctx context.Context, run *jobs.Run) error {
	var p mailPayload
	if err := run.Job.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	agency, id := run.Job.Agency, run.Job.ID
	finish := func(u store.MailUpdate) error {
		return run.Complete(ctx, func(tx *store.Tx) error { return tx.Agency().UpdateMailByJob(agency, id, u) })
	}
	if p.To == "" {
		return finish(store.MailUpdate{Status: store.MailFailed, Error: mailRedacted})
	}
	sender, err := mail.NewSender(mail.ConfigFrom(a.Cfg))
	if err != nil {
		return jobs.Permanent(err)
	}
	if !sender.Enabled() {
		return finish(store.MailUpdate{Status: store.MailNotSent, Error: mailNotConfigured})
	}
	rc, err := sender.Send(ctx, mail.Message{
		From:    mail.Address{Name: p.FromName},
		To:      mail.Address{Name: p.ToName, Email: p.To},
		Subject: p.Subject, Text: p.Text, HTML: p.HTML,
		Key:  run.IdempotencyKey(),
		Date: a.Clock.Now(),
	})
	if err != nil {
		return a.mailAttemptFailed(ctx, run, err)
	}
	if err := finish(store.MailUpdate{Status: store.MailSent, MessageID: rc.MessageID}); err != nil {
		return err
	}
	a.Log.Info("mail sent", "job", id, "agency", agency)
	return nil
}

// mailAttemptFailed records a failed attempt on the mail log row (if this
// worker still holds the job) and tells the runner whether to retry.
// Anything but a temporary SMTP failure is permanent: a message that
// cannot be composed will not compose later.
func (a *App) mailAttemptFailed(ctx context.Context, run *jobs.Run, err error) error {
	var se *mail.SendError
	temporary := errors.As(err, &se) && se.Temporary
	detail := err.Error()
	if se != nil {
		detail = se.Detail()
	}
	status := store.MailQueued
	if !temporary || run.Job.Attempts >= run.Job.MaxAttempts {
		status = store.MailFailed
	}
	werr := a.write(ctx, func(tx *store.Tx) error {
		j, err := tx.System().GetJob(run.Job.ID)
		if err != nil {
			return err
		}
		if j.State != store.JobRunning || j.LeaseToken != run.Job.LeaseToken {
			return store.ErrLeaseLost
		}
		return tx.Agency().UpdateMailByJob(run.Job.Agency, run.Job.ID, store.MailUpdate{Status: status, Error: detail})
	})
	if werr != nil && !errors.Is(werr, store.ErrLeaseLost) {
		a.Log.Warn("could not record a mail failure", "job", run.Job.ID, "agency", run.Job.Agency, "err", werr)
	}
	if !temporary {
		return jobs.Permanent(err)
	}
	return err
}
