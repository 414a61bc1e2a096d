package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"interlend/internal/ill"
)

// MailStatus is what became of a queued email.
type MailStatus string

// Mail statuses. A message is queued until its job ends: sent when the
// server accepted it, failed when it refused it for good (or every attempt
// failed), not_sent when no SMTP server was configured.
const (
	MailQueued  MailStatus = "queued"
	MailSent    MailStatus = "sent"
	MailFailed  MailStatus = "failed"
	MailNotSent MailStatus = "not_sent"
)

// Redacted replaces personal data in place.
const Redacted = "[redacted]"

// MailLog is one row of the mail log. Recipient, Subject and Error are
// personal data: never log them.
type MailLog struct {
	ID         int64
	Agency     ill.AgencyID
	Recipient  string
	Subject    string
	NoticeKey  string
	RequestRef string
	Status     MailStatus
	JobID      int64
	MessageID  string
	Error      string
	CreatedAt  time.Time
	SentAt     time.Time
}

const mailColumns = `id, agency, recipient, subject, notice_key, request_ref, status, job_id, message_id, error, created_at, sent_at`

func scanMail(sc interface{ Scan(...any) error }) (MailLog, error) {
	var m MailLog
	var agency, status string
	var created int64
	var sent sql.NullInt64
	err := sc.Scan(&m.ID, &agency, &m.Recipient, &m.Subject, &m.NoticeKey, &m.RequestRef, &status, &m.JobID, &m.MessageID, &m.Error, &created, &sent)
	m.Agency, m.Status, m.CreatedAt, m.SentAt = ill.AgencyID(agency), MailStatus(status), fromMicros(created), fromNullMicros(sent)
	return m, err
}

// AddMailLog records a queued message of job m.JobID. A second row for the
// same job (the caller enqueued the same idempotency key twice) is not
// added: it returns the first row's id.
func (a AgencyData) AddMailLog(agency ill.AgencyID, m MailLog) (int64, error) {
	if m.JobID == 0 {
		return 0, ill.E(ill.Internal, "store: mail log row without a job")
	}
	if m.Status == "" {
		m.Status = MailQueued
	}
	var id int64
	err := a.t.queryRow(`INSERT INTO mail_log (agency, recipient, subject, notice_key, request_ref, status, job_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (job_id) DO NOTHING RETURNING id`,
		string(agency), m.Recipient, m.Subject, m.NoticeKey, m.RequestRef, string(m.Status), m.JobID, micros(a.t.now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = a.t.queryRow(`SELECT id FROM mail_log WHERE job_id = $1 AND agency = $2`, m.JobID, string(agency)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, ill.Errorf(ill.Conflict, "job %d already sends mail for another agency", m.JobID)
		}
	}
	if err != nil {
		return 0, fmt.Errorf("store: add mail log: %w", err)
	}
	return id, nil
}

// MailUpdate is the outcome of a delivery attempt.
type MailUpdate struct {
	Status    MailStatus
	MessageID string // set when sent
	Error     string // the server's reply or the reason; "" clears it
}

// UpdateMailByJob records the outcome of job jobID on its mail log row.
// A sent or not_sent message will not be tried again, so the job's payload
// (address and bodies, perhaps a password reset link) is emptied in the
// same transaction. Returns NotFound when the agency has no row for the job.
func (a AgencyData) UpdateMailByJob(agency ill.AgencyID, jobID int64, u MailUpdate) error {
	switch u.Status {
	case MailQueued, MailSent, MailFailed, MailNotSent:
	default:
		return ill.Errorf(ill.Invalid, "unknown mail status %q", u.Status)
	}
	var sent sql.NullInt64
	if u.Status == MailSent {
		sent = nullMicros(a.t.now)
	}
	if err := a.t.execOne(ill.Errorf(ill.NotFound, "no mail log row for job %d", jobID),
		`UPDATE mail_log SET status = $1, message_id = CASE WHEN $2 = '' THEN message_id ELSE $2 END, error = $3, sent_at = $4
		WHERE agency = $5 AND job_id = $6`,
		string(u.Status), u.MessageID, truncate(u.Error, 1000), sent, string(agency), jobID); err != nil {
		return err
	}
	if u.Status == MailSent || u.Status == MailNotSent {
		if _, err := a.t.exec(`UPDATE jobs SET payload = '{}' WHERE id = $1 AND agency = $2`, jobID, string(agency)); err != nil {
			return fmt.Errorf("store: empty sent mail job: %w", err)
		}
	}
	return nil
}

// MailByJob finds the mail log row of a job. Returns NotFound.
func (a AgencyData) MailByJob(agency ill.AgencyID, jobID int64) (MailLog, error) {
	m, err := scanMail(a.t.queryRow(`SELECT `+mailColumns+` FROM mail_log WHERE agency = $1 AND job_id = $2`, string(agency), jobID))
	if errors.Is(err, sql.ErrNoRows) {
		return MailLog{}, ill.Errorf(ill.NotFound, "no mail log row for job %d", jobID)
	}
	return m, err
}

// MailFilter selects mail log rows; empty fields match everything.
type MailFilter struct {
	Status     MailStatus
	Recipient  string // exact address, any case
	RequestRef string
	BeforeID   int64 // paging: rows with a smaller id
	Limit      int   // 0: 100; at most 1000
}

// MailLogs lists an agency's mail log, newest first.
func (a AgencyData) MailLogs(agency ill.AgencyID, f MailFilter) ([]MailLog, error) {
	args := []any{string(agency)}
	q := `SELECT ` + mailColumns + ` FROM mail_log WHERE agency = $1`
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.Status != "" {
		add("status = $%d", string(f.Status))
	}
	if f.Recipient != "" {
		add("lower(recipient) = lower($%d)", f.Recipient)
	}
	if f.RequestRef != "" {
		add("request_ref = $%d", f.RequestRef)
	}
	if f.BeforeID > 0 {
		add("id < $%d", f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	rows, err := a.t.query(q+` ORDER BY id DESC LIMIT `+itoa(f.Limit), args...)
	if err != nil {
		return nil, fmt.Errorf("store: mail log: %w", err)
	}
	defer rows.Close()
	var out []MailLog
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// emptyMailJobs empties the payloads (address and bodies) of the
// agency's finished mail jobs whose log rows match cond ($1 is the agency,
// $2 the argument).
func (a AgencyData) emptyMailJobs(agency ill.AgencyID, cond string, arg any) error {
	if _, err := a.t.exec(`UPDATE jobs SET payload = '{}' WHERE agency = $1 AND state IN ('done', 'dead', 'cancelled')
		AND id IN (SELECT job_id FROM mail_log WHERE agency = $1 AND `+cond+`)`, string(agency), arg); err != nil {
		return fmt.Errorf("store: empty mail jobs: %w", err)
	}
	return nil
}

// redactMail blanks the personal data of the agency's finished mail rows
// matching cond, and their finished jobs' payloads. Queued rows are left
// alone: they are still to be sent, and a later run redacts them.
func (a AgencyData) redactMail(agency ill.AgencyID, cond string, arg any) (int64, error) {
	cond = `status <> 'queued' AND recipient <> '` + Redacted + `' AND ` + cond
	if err := a.emptyMailJobs(agency, cond, arg); err != nil {
		return 0, err
	}
	res, err := a.t.exec(`UPDATE mail_log SET recipient = '`+Redacted+`', subject = '`+Redacted+`', error = '' WHERE agency = $1 AND `+cond,
		string(agency), arg)
	if err != nil {
		return 0, fmt.Errorf("store: redact mail log: %w", err)
	}
	return res.RowsAffected()
}

// RedactMailRecipient removes an address (any case) from the agency's
// finished mail: recipient, subject and error become [redacted], and the
// finished jobs' payloads are emptied. Returns how many rows changed.
func (a AgencyData) RedactMailRecipient(agency ill.AgencyID, recipient string) (int64, error) {
	if recipient == "" || recipient == Redacted {
		return 0, ill.E(ill.Invalid, "no address to redact")
	}
	return a.redactMail(agency, `lower(recipient) = lower($2)`, recipient)
}

// RedactMailForRequest does the same for every finished mail about a
// request (the retention job, when the request's personal data goes).
func (a AgencyData) RedactMailForRequest(agency ill.AgencyID, requestRef string) (int64, error) {
	if requestRef == "" {
		return 0, ill.E(ill.Invalid, "no request to redact")
	}
	return a.redactMail(agency, `request_ref = $2`, requestRef)
}

// PurgeMailLog deletes the agency's finished mail rows created before
// (and empties their finished jobs' payloads). Returns how many rows.
func (a AgencyData) PurgeMailLog(agency ill.AgencyID, before time.Time) (int64, error) {
	if err := a.emptyMailJobs(agency, `status <> 'queued' AND created_at < $2`, micros(before)); err != nil {
		return 0, err
	}
	res, err := a.t.exec(`DELETE FROM mail_log WHERE agency = $1 AND status <> 'queued' AND created_at < $2`, string(agency), micros(before))
	if err != nil {
		return 0, fmt.Errorf("store: purge mail log: %w", err)
	}
	return res.RowsAffected()
}
