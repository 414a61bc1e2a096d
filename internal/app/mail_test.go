package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/config"
	"interlend/internal/ill"
	"interlend/internal/mail"
	"interlend/internal/mail/mailtest"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

const (
	mailLib     = ill.AgencyID("US-MAIL")
	mailLibName = "Bibliothèque Centrale – Prêt"
)

// mailWorld is an app with job workers, a fake clock, a test SMTP server
// (unless noSMTP) and a captured log.
type mailWorld struct {
	t     *testing.T
	app   *app.App
	clock *ill.FakeClock
	smtp  *mailtest.Server
	log   *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newMailWorld(t *testing.T, engine store.Engine, withSMTP bool) *mailWorld {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.Workers = 2
	cfg.JobPoll = 10 * time.Millisecond
	cfg.NodeName = "test"
	if engine == store.Postgres {
		cfg.DB = storetest.NewPostgresDatabase(t)
	}
	w := &mailWorld{t: t, clock: ill.NewFakeClock(t0), log: &syncBuffer{}}
	if withSMTP {
		w.smtp = mailtest.Start(t)
		w.smtp.Configure(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(w.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := app.Open(context.Background(), cfg, app.Options{Clock: w.clock, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	w.app = a
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = a.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		a.Close()
		// Whatever happened, no address or subject reached the log.
		if out := w.log.String(); strings.Contains(out, "@example.org") || strings.Contains(out, "Faust") {
			t.Errorf("the log holds an address or a subject:\n%s", out)
		}
	})
	if err := a.CreateAgency(context.Background(), ill.SystemActor(), mailLib, mailLibName); err != nil {
		t.Fatal(err)
	}
	return w
}

func eachMailWorld(t *testing.T, withSMTP bool, fn func(t *testing.T, w *mailWorld)) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			fn(t, newMailWorld(t, e, withSMTP))
		})
	}
}

func (w *mailWorld) queue(m app.OutgoingMail) {
	w.t.Helper()
	if err := w.app.DB.Transact(context.Background(), func(tx *store.Tx) error { return w.app.QueueMail(tx, m) }); err != nil {
		w.t.Fatal(err)
	}
}

// row returns the mail log row for a recipient (the newest).
func (w *mailWorld) row(to string) store.MailLog {
	w.t.Helper()
	var rows []store.MailLog
	err := w.app.DB.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		rows, err = tx.Agency().MailLogs(mailLib, store.MailFilter{Recipient: to})
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	if len(rows) == 0 {
		w.t.Fatalf("no mail log row for %s", to)
	}
	return rows[0]
}

func (w *mailWorld) job(id int64) store.Job {
	w.t.Helper()
	var j store.Job
	err := w.app.DB.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		j, err = tx.System().GetJob(id)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return j
}

// waitJob polls until the job satisfies cond (real time, with a deadline).
func (w *mailWorld) waitJob(id int64, what string, cond func(store.Job) bool) store.Job {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		j := w.job(id)
		if cond(j) {
			return j
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("job %d: timed out waiting for %s; it is %s after %d attempts (%s)", id, what, j.State, j.Attempts, j.LastError)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func notice(to string) app.OutgoingMail {
	return app.OutgoingMail{Agency: string(mailLib), To: to, ToName: "Zoë Ångström",
		Subject: "Ihre Fernleihe „Faust“ ist da ✓", Text: "Grüße,\nIhre Bibliothek\n", HTML: "<p>Grüße, Ihre Bibliothek</p>",
		NoticeKey: "test", RequestRef: "B-1"}
}

func TestQueuedMailIsSentOnlyWhenCommitted(t *testing.T) {
	t.Parallel()
	eachMailWorld(t, true, func(t *testing.T, w *mailWorld) {
		errRollback := errors.New("roll back")
		err := w.app.DB.Transact(context.Background(), func(tx *store.Tx) error {
			if err := w.app.QueueMail(tx, notice("rolled.back@example.org")); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("got %v", err)
		}
		w.queue(notice("committed@example.org"))
		// The committed message arrives; by then the rolled-back one would have.
		got := w.smtp.WaitFor(t, "committed@example.org", 20*time.Second)
		if n := len(w.smtp.Messages()); n != 1 {
			t.Errorf("got %d messages, want only the committed one", n)
		}
		var rows []store.MailLog
		_ = w.app.DB.Read(context.Background(), func(tx *store.Tx) error {
			rows, err = tx.Agency().MailLogs(mailLib, store.MailFilter{})
			return err
		})
		if len(rows) != 1 || rows[0].Recipient != "committed@example.org" {
			t.Errorf("mail log: got %+v, want one row for the committed message", rows)
		}

		m := notice("committed@example.org")
		row := w.row("committed@example.org")
		j := w.waitJob(row.JobID, "done", func(j store.Job) bool { return j.State == store.JobDone })
		checks := []struct{ what, got, want string }{
			{"subject", got.Subject, m.Subject},
			{"text", got.Text, m.Text},
			{"from name", got.From.Name, mailLibName},
			{"from address", got.From.Address, mailtest.From},
			{"to name", got.To[0].Name, m.ToName},
			{"message id", got.MessageID, mail.MessageID(j.IdempotencyKey, mailtest.From)},
			{"auto-submitted", got.Header.Get("Auto-Submitted"), "auto-generated"},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
			}
		}
		if !strings.Contains(got.HTML, "<p>Grüße, Ihre Bibliothek</p>") {
			t.Errorf("HTML part: %q", got.HTML)
		}
		row = w.waitRow("committed@example.org", store.MailSent)
		if row.MessageID != got.MessageID || !row.SentAt.Equal(w.clock.Now()) || row.NoticeKey != "test" || row.RequestRef != "B-1" || row.Error != "" {
			t.Errorf("mail log row: got %+v", row)
		}
		if j = w.job(j.ID); string(j.Payload) != "{}" {
			t.Errorf("the sent job keeps its payload: %s", j.Payload)
		}
		// The worker logs after its transaction commits: wait for the line.
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(w.log.String(), fmt.Sprintf("job=%d", j.ID)) {
			if time.Now().After(deadline) {
				t.Errorf("the log does not name the job:\n%s", w.log.String())
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}

// waitRow polls until the recipient's row has the status.
func (w *mailWorld) waitRow(to string, st store.MailStatus) store.MailLog {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := w.row(to)
		if r.Status == st {
			return r
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("mail to %s: timed out waiting for %s; it is %s (%s)", to, st, r.Status, r.Error)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestTemporaryFailureIsRetriedAndDeliveredOnce(t *testing.T) {
	t.Parallel()
	eachMailWorld(t, true, func(t *testing.T, w *mailWorld) {
		w.smtp.FailNext(mailtest.Temporary)
		w.queue(notice("grey@example.org"))
		rejected := w.smtp.WaitRejected(t, 1, 20*time.Second)[0]
		row := w.row("grey@example.org")
		j := w.waitJob(row.JobID, "a retry", func(j store.Job) bool { return j.State == store.JobReady && j.Attempts == 1 })
		if !j.RunAt.After(w.clock.Now().Add(20 * time.Second)) {
			t.Errorf("retry at %s: want a backoff of about 30s after %s", j.RunAt, w.clock.Now())
		}
		if strings.Contains(j.LastError, "grey@example.org") || !strings.Contains(j.LastError, "451") {
			t.Errorf("job error %q: want the reply without the address", j.LastError)
		}
		row = w.row("grey@example.org")
		if row.Status != store.MailQueued || !strings.HasPrefix(row.Error, "451 4.3.0 Temporary failure") {
			t.Errorf("after the failure: got status %s error %q, want queued with the reply", row.Status, row.Error)
		}
		w.clock.Advance(2 * time.Minute)
		got := w.smtp.WaitFor(t, "grey@example.org", 20*time.Second)
		row = w.waitRow("grey@example.org", store.MailSent)
		if got.MessageID != rejected.MessageID || row.MessageID != got.MessageID {
			t.Errorf("Message-ID: rejected %q, delivered %q, logged %q; want one id", rejected.MessageID, got.MessageID, row.MessageID)
		}
		if row.Error != "" {
			t.Errorf("a sent row keeps the old error %q", row.Error)
		}
		j = w.waitJob(row.JobID, "done", func(j store.Job) bool { return j.State == store.JobDone })
		if j.Attempts != 2 || len(w.smtp.Messages()) != 1 {
			t.Errorf("attempts %d, messages %d; want 2 and 1", j.Attempts, len(w.smtp.Messages()))
		}
	})
}

func TestPermanentFailureIsDeadWithTheReply(t *testing.T) {
	t.Parallel()
	eachMailWorld(t, true, func(t *testing.T, w *mailWorld) {
		w.smtp.FailNext(mailtest.Fault{At: mailtest.AtRcpt, Code: 550, Text: "5.1.1 <gone@example.org>: Recipient address rejected"})
		w.queue(notice("gone@example.org"))
		row := w.waitRow("gone@example.org", store.MailFailed)
		if row.Error != "550 5.1.1 <gone@example.org>: Recipient address rejected" {
			t.Errorf("mail log error: got %q, want the server's reply", row.Error)
		}
		j := w.waitJob(row.JobID, "dead", func(j store.Job) bool { return j.State == store.JobDead })
		if j.Attempts != 1 || strings.Contains(j.LastError, "gone@example.org") || !strings.Contains(j.LastError, "Recipient address rejected") {
			t.Errorf("job: %d attempts, error %q; want dead at once, the reply without the address", j.Attempts, j.LastError)
		}
		if n := len(w.smtp.Messages()); n != 0 {
			t.Errorf("%d messages accepted", n)
		}
	})
}

func TestWithoutSMTPMailIsNotSent(t *testing.T) {
	t.Parallel()
	eachMailWorld(t, false, func(t *testing.T, w *mailWorld) {
		w.queue(notice("nobody@example.org"))
		row := w.waitRow("nobody@example.org", store.MailNotSent)
		if row.Error != "no SMTP server configured" {
			t.Errorf("error: got %q", row.Error)
		}
		w.waitJob(row.JobID, "done", func(j store.Job) bool { return j.State == store.JobDone })
		// Once: the workers' start warned, and the job's outcome is not
		// logged as a warning again.
		if n := strings.Count(w.log.String(), "no SMTP server configured"); n != 1 {
			t.Errorf("the warning was logged %d times, want once:\n%s", n, w.log.String())
		}
	})
}

func TestQueueMailRejectsBadInput(t *testing.T) {
	t.Parallel()
	eachMailWorld(t, false, func(t *testing.T, w *mailWorld) {
		tests := []struct {
			name   string
			change func(*app.OutgoingMail)
			kind   ill.Kind
		}{
			{"bad address", func(m *app.OutgoingMail) { m.To = "not an address" }, ill.Invalid},
			{"no subject", func(m *app.OutgoingMail) { m.Subject = "" }, ill.Invalid},
			{"header injection", func(m *app.OutgoingMail) { m.Subject = "Hi\r\nBcc: all@example.org" }, ill.Invalid},
			{"no text", func(m *app.OutgoingMail) { m.Text = "" }, ill.Invalid},
			{"huge body", func(m *app.OutgoingMail) { m.Text = strings.Repeat("x", mail.MaxBody+1) }, ill.TooLarge},
			{"unknown agency", func(m *app.OutgoingMail) { m.Agency = "US-NONE" }, ill.NotFound},
			{"long key", func(m *app.OutgoingMail) { m.Key = strings.Repeat("k", 201) }, ill.Invalid},
		}
		for _, tc := range tests {
			m := notice("bad@example.org")
			tc.change(&m)
			err := w.app.DB.Transact(context.Background(), func(tx *store.Tx) error { return w.app.QueueMail(tx, m) })
			if ill.KindOf(err) != tc.kind {
				t.Errorf("%s: got %v, want %v", tc.name, err, tc.kind)
			}
		}
		err := w.app.DB.Read(context.Background(), func(tx *store.Tx) error {
			rows, err := tx.Agency().MailLogs(mailLib, store.MailFilter{})
			js, jerr := tx.System().ListJobs(store.JobFilter{AllAgencies: true, Kind: app.KindMailSend})
			if len(rows) != 0 || len(js) != 0 {
				t.Errorf("bad input left %d log rows and %d jobs", len(rows), len(js))
			}
			return errors.Join(err, jerr)
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestMailerKeysAndTestMessage(t *testing.T) {
	t.Parallel()
	eachMailWorld(t, true, func(t *testing.T, w *mailWorld) {
		ctx := context.Background()
		m := notice("once@example.org")
		m.Key = "request:B-1:arrived"
		for range 2 {
			if err := w.app.Mail.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		w.smtp.WaitFor(t, "once@example.org", 20*time.Second)
		w.waitRow("once@example.org", store.MailSent)
		rows, err := w.app.MailLog(ctx, ill.SystemActor(), mailLib, store.MailFilter{Recipient: "once@example.org"})
		if err != nil || len(rows) != 1 {
			t.Fatalf("same key twice: got %d rows (%v), want 1", len(rows), err)
		}

		staff := ill.Actor{Kind: ill.ActorStaff, UserID: 7, Name: "Ada", Agency: mailLib, Grants: ill.Grants{{Agency: mailLib, Role: ill.RoleBorrowing}}}
		if err := w.app.SendTestMail(ctx, staff, mailLib, "test@example.org", nil); !ill.Is(err, ill.Forbidden) {
			t.Errorf("borrowing staff: got %v, want Forbidden", err)
		}
		if _, err := w.app.MailLog(ctx, staff, mailLib, store.MailFilter{}); !ill.Is(err, ill.Forbidden) {
			t.Errorf("mail log for borrowing staff: got %v, want Forbidden", err)
		}
		manager := staff
		manager.Grants = ill.Grants{{Agency: mailLib, Role: ill.RoleManager}}
		if err := w.app.SendTestMail(ctx, manager, mailLib, "test@example.org", nil); err != nil {
			t.Fatal(err)
		}
		got := w.smtp.WaitFor(t, "test@example.org", 20*time.Second)
		if got.Subject != "Test message from "+mailLibName || !strings.Contains(got.Text, "at the request of Ada") || !strings.Contains(got.HTML, "<!DOCTYPE html>") {
			t.Errorf("test message: subject %q text %q", got.Subject, got.Text)
		}
		if err := w.app.SendTestMail(ctx, manager, mailLib, "test@example.org", &mail.Template{Subject: "{{.Oops}}", Text: "x"}); !ill.Is(err, ill.Invalid) {
			t.Errorf("broken test template: got %v, want Invalid", err)
		}
		if err := w.app.SendTestMail(ctx, manager, mailLib, "nobody", nil); !ill.Is(err, ill.Invalid) {
			t.Errorf("bad address: got %v, want Invalid", err)
		}
	})
}

func TestNoticesEscapeDataAndFallBack(t *testing.T) {
	t.Parallel()
	eachMailWorld(t, true, func(t *testing.T, w *mailWorld) {
		title := `<script>alert("x")</script>`
		broken := &mail.Template{Subject: "{{.Missing}}", Text: "x"}
		for i, to := range []string{"escape@example.org", "fallback@example.org", "again@example.org"} {
			n := app.Notice{Agency: mailLib, To: to, Key: mail.TestNotice, Data: mail.TestData{Agency: title, SentBy: "Ada"}}
			if i > 0 {
				n.Override = broken
			}
			err := w.app.DB.Transact(context.Background(), func(tx *store.Tx) error { return w.app.QueueNotice(tx, n) })
			if err != nil {
				t.Fatal(err)
			}
		}
		got := w.smtp.WaitFor(t, "escape@example.org", 20*time.Second)
		if strings.Contains(got.HTML, "<script>") || !strings.Contains(got.HTML, "&lt;script&gt;") {
			t.Errorf("the title is not escaped in the HTML part:\n%s", got.HTML)
		}
		if !strings.Contains(got.Text, title) {
			t.Errorf("the text part should show the title as it is:\n%s", got.Text)
		}
		fb := w.smtp.WaitFor(t, "fallback@example.org", 20*time.Second)
		if fb.Subject != "Test message from "+title {
			t.Errorf("fallback subject %q, want the default's", fb.Subject)
		}
		var recs []store.AuditRecord
		err := w.app.DB.Read(context.Background(), func(tx *store.Tx) error {
			var err error
			recs, err = tx.Agency().AuditLog(mailLib, "mail:"+mail.TestNotice, 10)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 || recs[0].Action != app.AuditMailTemplateFailed || !strings.Contains(recs[0].After, "Missing") {
			t.Errorf("audit: got %+v, want one template failure (once a day)", recs)
		}
		if !strings.Contains(w.log.String(), "mail template failed") {
			t.Errorf("the failure was not logged:\n%s", w.log.String())
		}
	})
}
