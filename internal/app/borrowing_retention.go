package app

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/settings"
	"interlend/internal/store"
)

// Retention (docs/borrowing.md): one engine removes a patron's identity
// from every store once the agency's personal-data period
// (settings.RetentionPeriods.PersonalDataDays) has passed since the
// request closed: the request row (patron link, delivery address, notes to
// the patron), its event payloads, the stored ISO 18626 and NCIP messages
// (patron elements redacted in place), circulation steps' data and
// problems, its delivered files, the mail about it; and saved exports past
// the period, and mail logs past theirs. The patron category stays for
// statistics. A patron record expired before the period, with nothing
// open or recent, is anonymised itself (and its patron-only login). Each
// redacted request gets a "redacted" event; the job logs ids and counts,
// never a name.

// KindRetention is the daily retention job.
const KindRetention = "borrowing.retention"

// retentionBatch bounds the requests redacted in one transaction.
const retentionBatch = 100

// RedactedText replaces personal data.
const RedactedText = "[redacted]"

func init() {
	addJobs(func(a *App) {
		a.Jobs.Register(jobs.Kind{Name: KindRetention, Timeout: 30 * time.Minute, Handler: func(ctx context.Context, run *jobs.Run) error {
			if _, err := a.RunRetention(ctx); err != nil {
				return err
			}
			return run.Complete(ctx, func(tx *store.Tx) error { return scheduleRetention(tx, tx.Now().Add(24*time.Hour)) })
		}})
	})
	addSchedule(func(a *App, tx *store.Tx) error { return scheduleRetention(tx, tx.Now()) })
}

// scheduleRetention enqueues the run of at's day (at 02:00 UTC); the
// idempotency key names the day, so every node schedules it once.
func scheduleRetention(tx *store.Tx, at time.Time) error {
	y, m, d := at.UTC().Date()
	run := time.Date(y, m, d, 2, 0, 0, 0, time.UTC)
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindRetention, RunAt: run, OrderingKey: KindRetention,
		IdempotencyKey: KindRetention + ":" + run.Format("2006-01-02")})
	return err
}

// RetentionReport says what a retention run did, per agency (ids only).
type RetentionReport struct {
	Requests []string `json:"requests"` // public ids of requests redacted
	Rows     int      `json:"rows"`     // event, message and step rows rewritten
	Mail     int64    `json:"mail"`     // mail log rows redacted or purged
	Files    int      `json:"files"`    // delivered files and saved exports deleted
	Patrons  []int64  `json:"patrons"`  // patron records anonymised
	Audit    int      `json:"audit"`    // audit rows rewritten
}

// RunRetention runs the retention engine for every hosted agency.
func (a *App) RunRetention(ctx context.Context) (map[ill.AgencyID]*RetentionReport, error) {
	var ags []store.Agency
	if err := a.read(ctx, func(tx *store.Tx) (err error) { ags, err = tx.System().Agencies(); return }); err != nil {
		return nil, err
	}
	out := map[ill.AgencyID]*RetentionReport{}
	scrub := false
	for _, ag := range ags {
		rep, err := a.retainAgency(ctx, ag.ID)
		if err != nil {
			return out, fmt.Errorf("retention %s: %w", ag.ID, err)
		}
		out[ag.ID] = rep
		if len(rep.Requests)+len(rep.Patrons) > 0 {
			scrub = true
		}
		if len(rep.Requests)+len(rep.Patrons)+rep.Files > 0 || rep.Mail > 0 {
			a.Log.Info("retention", "agency", ag.ID, "requests", rep.Requests, "rows", rep.Rows, "mail", rep.Mail,
				"files", rep.Files, "patrons", rep.Patrons, "audit", rep.Audit)
		}
	}
	if scrub {
		if err := a.DB.Scrub(ctx); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (a *App) retainAgency(ctx context.Context, agency ill.AgencyID) (*RetentionReport, error) {
	rep := &RetentionReport{}
	sys := ill.SystemActor()
	sys.Agency = agency
	var cutoff time.Time
	for {
		more := false
		err := a.write(ctx, func(tx *store.Tx) error {
			per, err := settings.RetentionSetting.GetTx(tx, agency)
			if err != nil {
				return err
			}
			cutoff = tx.Now().Add(-time.Duration(per.PersonalDataDays) * settings.Day)
			due, err := tx.Agency().RetentionDue(agency, cutoff, retentionBatch)
			if err != nil {
				return err
			}
			more = len(due) == retentionBatch
			for _, r := range due {
				n, err := a.redactRequest(tx, sys, r)
				if err != nil {
					return fmt.Errorf("request %s: %w", r.PublicID, err)
				}
				rep.Requests = append(rep.Requests, r.PublicID)
				rep.Rows += n.rows
				rep.Mail += n.mail
				rep.Files += n.files
			}
			return nil
		})
		if err != nil {
			return rep, err
		}
		if !more {
			break
		}
	}
	err := a.write(ctx, func(tx *store.Tx) error {
		per, err := settings.RetentionSetting.GetTx(tx, agency)
		if err != nil {
			return err
		}
		now := tx.Now()
		// Mail logs past their own period.
		n, err := tx.Agency().PurgeMailLog(agency, now.Add(-time.Duration(per.MailLogDays)*settings.Day))
		if err != nil {
			return err
		}
		rep.Mail += n
		// Saved exports past the personal-data period.
		exports, err := tx.Agency().Files(agency, store.FileFilter{Purpose: string(FileExport), Limit: 1000})
		if err != nil {
			return err
		}
		for _, f := range exports {
			if f.CreatedAt.Before(cutoff) {
				if err := a.deleteFileTx(tx, sys, f); err != nil {
					return err
				}
				rep.Files++
			}
		}
		// Patron records that expired before the period, with nothing open.
		ids, err := tx.Agency().RetentionPatrons(agency, now, cutoff, 500)
		if err != nil {
			return err
		}
		for _, id := range ids {
			p, err := tx.Agency().Patron(agency, id)
			if err != nil {
				return err
			}
			red := identityRedactor(patronValues(p, ""))
			for _, v := range patronValues(p, "") {
				k, err := tx.Agency().RedactAudit(agency, v, red)
				if err != nil {
					return err
				}
				rep.Audit += k
			}
			if p.Email != "" {
				k, err := tx.Agency().RedactMailRecipient(agency, p.Email)
				if err != nil {
					return err
				}
				rep.Mail += k
			}
			if err := tx.Agency().AnonymisePatron(agency, id); err != nil {
				return err
			}
			if err := tx.Agency().Audit(agency, store.AuditRecord{Action: "patron.anonymise", Target: fmt.Sprint(id), After: "retention"}); err != nil {
				return err
			}
			rep.Patrons = append(rep.Patrons, id)
		}
		return nil
	})
	return rep, err
}

type redactCounts struct {
	rows, files int
	mail        int64
}

// redactRequest removes the patron's identity from one closed request
// and everything stored with it.
func (a *App) redactRequest(tx *store.Tx, sys ill.Actor, r *ill.Request) (redactCounts, error) {
	var n redactCounts
	agency := r.Agency
	var email string
	var values []string
	if r.PatronID != 0 {
		p, err := tx.Agency().Patron(agency, r.PatronID)
		switch {
		case err == nil:
			values = patronValues(p, "")
			email = p.Email
		case !ill.Is(err, ill.NotFound):
			return n, err
		}
	}
	if r.OwnerUserID != 0 {
		if u, err := tx.System().UserByID(r.OwnerUserID); err == nil {
			values = append(values, u.Email, u.Name)
		}
	}
	red := identityRedactor(values)
	locked, err := tx.Agency().LockRequestByID(agency, r.ID)
	if err != nil {
		return n, err
	}
	locked.PatronID, locked.OwnerUserID = 0, 0
	locked.DeliveryAddr = ill.Address{}
	// Free-text notes may quote a patron whom this side cannot name (a
	// lender never knows the borrower's patron): they go whole.
	if locked.NoteToPatron != "" {
		locked.NoteToPatron = RedactedText
	}
	if locked.NoteToPartner != "" {
		locked.NoteToPartner = RedactedText
	}
	if err := tx.Agency().UpdateRequest(agency, locked, 0); err != nil {
		return n, err
	}
	if n.rows, err = tx.Agency().RedactRequestData(agency, r.ID, red); err != nil {
		return n, err
	}
	// The copyright records keep no name: the declaration's typed
	// signature and the ledger's patron pseudonym go (copyright_uk.go).
	if err := tx.Agency().ForgetCopyrightPatronData(agency, r.ID); err != nil {
		return n, err
	}
	if n.mail, err = tx.Agency().RedactMailForRequest(agency, r.PublicID); err != nil {
		return n, err
	}
	if email != "" {
		// Mail to the patron that named no request (a reminder, say) goes
		// with the patron's last request.
		k, err := tx.Agency().RedactMailRecipient(agency, email)
		if err != nil {
			return n, err
		}
		n.mail += k
	}
	files, err := tx.Agency().Files(agency, store.FileFilter{RequestRef: r.PublicID, Limit: 1000})
	if err != nil {
		return n, err
	}
	for _, f := range files {
		if err := a.deleteFileTx(tx, sys, f); err != nil {
			return n, err
		}
		n.files++
	}
	err = a.event(tx, locked, sys, "redacted", "retention", map[string]any{"rows": n.rows, "mail": n.mail, "files": n.files}, 0)
	return n, err
}

// patronValues are the strings that identify a patron.
func patronValues(p store.Patron, extra string) []string {
	out := []string{}
	for _, v := range []string{p.Name, p.DisplayName(), p.FirstName + " " + p.LastName, p.LastName + ", " + p.FirstName, p.Email, p.Barcode, p.ILSID, extra} {
		if v = strings.TrimSpace(v); len([]rune(v)) >= 3 && v != "," {
			out = append(out, v)
		}
	}
	return out
}

// patronElements are the XML elements of ISO 18626 patronInfo and NCIP
// user data whose text is personal data.
var patronElements = regexp.MustCompile(`(?is)(<(?:[\w-]+:)?(patronId|surname|givenName|patronReference|sendToPatron|electronicAddressData|line1|line2|locality|postalCode|region|userIdentifierValue|unstructuredPersonalUserName|prefix|suffix|authenticationInputData)(?:\s[^>]*)?>)([^<]*)(</(?:[\w-]+:)?(?:patronId|surname|givenName|patronReference|sendToPatron|electronicAddressData|line1|line2|locality|postalCode|region|userIdentifierValue|unstructuredPersonalUserName|prefix|suffix|authenticationInputData)>)`)

// patronInfoBlock finds an ISO 18626 patronInfo element, inside which
// every element's text is personal data (but the patron type).
var patronInfoBlock = regexp.MustCompile(`(?is)<(?:[\w-]+:)?patronInfo\b.*?</(?:[\w-]+:)?patronInfo>`)

// noteElements are the free-text notes of ISO 18626 and NCIP messages.
var noteElements = regexp.MustCompile(`(?is)(<(?:[\w-]+:)?(?:note|noteToPatron)(?:\s[^>]*)?>)([^<]*)(</(?:[\w-]+:)?(?:note|noteToPatron)>)`)

// noteKeys are free-text notes in JSON payloads (events, request data).
var noteKeys = regexp.MustCompile(`("(?:note|noteToPartner|noteToPatron|text|comment)"\s*:\s*")((?:[^"\\]|\\.)*)(")`)

// identityPattern matches any of the values (any case; values shorter
// than 3 characters are left out, too common to be someone's), or is nil
// when none is left.
func identityPattern(values []string) *regexp.Regexp {
	var quoted []string
	for _, v := range values {
		if v = strings.TrimSpace(v); len([]rune(v)) >= 3 {
			quoted = append(quoted, regexp.QuoteMeta(v))
		}
	}
	if len(quoted) == 0 {
		return nil
	}
	return regexp.MustCompile(`(?i)` + strings.Join(quoted, "|"))
}

// identityRedactor returns a function that replaces the given values (any
// case) and the patron elements of XML with RedactedText.
func identityRedactor(values []string) store.RedactText {
	re := identityPattern(values)
	return func(s string) string {
		if s == "" {
			return s
		}
		if strings.Contains(s, "<") {
			s = patronInfoBlock.ReplaceAllStringFunc(s, func(block string) string {
				return patronElements.ReplaceAllString(block, "${1}"+RedactedText+"${4}")
			})
			s = patronElements.ReplaceAllStringFunc(s, func(m string) string {
				sub := patronElements.FindStringSubmatch(m)
				switch strings.ToLower(sub[2]) {
				case "useridentifiervalue", "unstructuredpersonalusername", "authenticationinputdata", "surname", "givenname", "electronicaddressdata":
					return sub[1] + RedactedText + sub[4]
				}
				return m
			})
		}
		if strings.Contains(s, "<") {
			s = noteElements.ReplaceAllString(s, "${1}"+RedactedText+"${3}")
		}
		if strings.Contains(s, `"`) {
			s = noteKeys.ReplaceAllString(s, "${1}"+RedactedText+"${3}")
		}
		if re != nil {
			s = re.ReplaceAllString(s, RedactedText)
		}
		return s
	}
}
