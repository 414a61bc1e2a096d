package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

func init() {
	addScope(mailCases, seedMail)
}

// sharedRecipient and sharedRequest are the same in every seeded agency:
// redacting them in one agency must leave the others alone.
const (
	sharedRecipient = "Shared.Patron@example.org"
	sharedRequest   = "REQ-SHARED-1"
)

// seedMail gives an agency a sent, a failed (about a request) and a
// queued message, each with its job.
func seedMail(tx *store.Tx, ag ill.AgencyID, marker string) error {
	for i, st := range []store.MailStatus{store.MailSent, store.MailFailed, store.MailQueued} {
		state := store.JobReady
		if st != store.MailQueued {
			state = store.JobDone
		}
		id, err := tx.System().EnqueueJob(store.NewJob{Kind: "mail.send", Agency: ag,
			Payload: map[string]string{"to": sharedRecipient, "subject": "about " + marker}})
		if err != nil {
			return err
		}
		if err := store.ExecForTest(tx, `UPDATE jobs SET state = $1 WHERE id = $2`, string(state), id); err != nil {
			return err
		}
		m := store.MailLog{Recipient: sharedRecipient, Subject: "Your loan " + marker, Status: st, JobID: id, NoticeKey: "test"}
		if i == 1 {
			m.RequestRef = sharedRequest
		}
		if _, err := tx.Agency().AddMailLog(ag, m); err != nil {
			return err
		}
	}
	return nil
}

// eachJobID calls f with every job id a seeded database may hold, so that
// a method is tried with other agencies' jobs too; NotFound is expected
// for those.
func eachJobID(f func(id int64) error) error {
	for id := int64(1); id <= 200; id++ {
		if err := f(id); err != nil && !ill.Is(err, ill.NotFound) {
			return err
		}
	}
	return nil
}

var mailCases = map[string]agencyCase{
	"AddMailLog": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		id, err := a.AddMailLog(ag, store.MailLog{Recipient: "new@example.org", Subject: "new", JobID: 100000})
		if err != nil {
			return nil, err
		}
		// Another agency's job id cannot be claimed.
		if _, err := a.AddMailLog(ag, store.MailLog{Recipient: "x@example.org", Subject: "x", JobID: 1}); err != nil && !ill.Is(err, ill.Conflict) {
			return nil, err
		}
		return id, nil
	},
	"UpdateMailByJob": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return nil, eachJobID(func(id int64) error {
			return a.UpdateMailByJob(ag, id, store.MailUpdate{Status: store.MailSent, MessageID: "changed@x"})
		})
	},
	"MailByJob": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		var found []store.MailLog
		err := eachJobID(func(id int64) error {
			m, err := a.MailByJob(ag, id)
			if err == nil {
				found = append(found, m)
			}
			return err
		})
		if err == nil && len(found) == 0 {
			err = errors.New("MailByJob did not find the agency's own rows")
		}
		return found, err
	},
	"MailLogs": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		all, err := a.MailLogs(ag, store.MailFilter{})
		if err == nil && len(all) == 0 {
			err = errors.New("MailLogs did not list the agency's own rows")
		}
		return all, err
	},
	"RedactMailRecipient": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.RedactMailRecipient(ag, "shared.patron@EXAMPLE.org")
	},
	"RedactMailForRequest": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.RedactMailForRequest(ag, sharedRequest)
	},
	"PurgeMailLog": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.PurgeMailLog(ag, time.Now().Add(24*time.Hour))
	},
}

func TestMailLog(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	storetest.EachClocked(t, start, func(t *testing.T, db *store.DB, clock *ill.FakeClock) {
		const ag = ill.AgencyID("US-MAIL")
		var jobs []int64
		mustWrite(t, db, func(tx *store.Tx) error {
			if _, err := tx.System().CreateAgency(ag, "Mail Library"); err != nil {
				return err
			}
			for i, to := range []string{"Ann@Example.org", "bob@example.org", "ann@example.org"} {
				id, err := tx.System().EnqueueJob(store.NewJob{Kind: "mail.send", Agency: ag, Payload: map[string]string{"to": to}})
				if err != nil {
					return err
				}
				jobs = append(jobs, id)
				ref := ""
				if i == 1 {
					ref = "REQ-7"
				}
				if _, err := tx.Agency().AddMailLog(ag, store.MailLog{Recipient: to, Subject: "Subject " + to, NoticeKey: "test", RequestRef: ref, JobID: id}); err != nil {
					return err
				}
			}
			// The same job again (an idempotent enqueue) adds no row.
			id, err := tx.Agency().AddMailLog(ag, store.MailLog{Recipient: "x@example.org", Subject: "dup", JobID: jobs[0]})
			if err != nil {
				return err
			}
			all, err := tx.Agency().MailLogs(ag, store.MailFilter{})
			if len(all) != 3 || all[2].ID != id {
				t.Errorf("after a duplicate: %d rows, first id %d; want 3 rows and the first row's id back", len(all), id)
			}
			return err
		})

		clock.Advance(time.Minute)
		sentAt := clock.Now()
		mustWrite(t, db, func(tx *store.Tx) error {
			a := tx.Agency()
			if err := a.UpdateMailByJob(ag, jobs[0], store.MailUpdate{Status: store.MailSent, MessageID: "il.x@example.org"}); err != nil {
				return err
			}
			if err := a.UpdateMailByJob(ag, jobs[1], store.MailUpdate{Status: store.MailQueued, Error: "451 try later"}); err != nil {
				return err
			}
			if err := a.UpdateMailByJob(ag, jobs[1], store.MailUpdate{Status: store.MailFailed, Error: "550 no such user"}); err != nil {
				return err
			}
			if err := a.UpdateMailByJob(ag, jobs[0], store.MailUpdate{Status: "lost"}); !ill.Is(err, ill.Invalid) {
				t.Errorf("unknown status: got %v, want Invalid", err)
			}
			if err := a.UpdateMailByJob(ag, 999999, store.MailUpdate{Status: store.MailSent}); !ill.Is(err, ill.NotFound) {
				t.Errorf("unknown job: got %v, want NotFound", err)
			}
			if err := a.UpdateMailByJob("US-OTHER", jobs[0], store.MailUpdate{Status: store.MailFailed}); !ill.Is(err, ill.NotFound) {
				t.Errorf("another agency's job: got %v, want NotFound", err)
			}
			return nil
		})
		mustRead(t, db, func(tx *store.Tx) error {
			a := tx.Agency()
			m, err := a.MailByJob(ag, jobs[0])
			if err != nil {
				return err
			}
			if m.Status != store.MailSent || m.MessageID != "il.x@example.org" || !m.SentAt.Equal(sentAt) || !m.CreatedAt.Equal(start) {
				t.Errorf("sent row: got %+v", m)
			}
			m, _ = a.MailByJob(ag, jobs[1])
			if m.Status != store.MailFailed || m.Error != "550 no such user" || !m.SentAt.IsZero() {
				t.Errorf("failed row: got %+v", m)
			}
			// A sent message's job keeps no copy; a failed one keeps it for a re-drive.
			for i, want := range []bool{true, false} {
				j, err := tx.System().GetJob(jobs[i])
				if err != nil {
					return err
				}
				if emptied := string(j.Payload) == "{}"; emptied != want {
					t.Errorf("job %d payload %s: emptied %v, want %v", jobs[i], j.Payload, emptied, want)
				}
			}
			filters := []struct {
				name string
				f    store.MailFilter
				want []int64 // job ids, newest first
			}{
				{"all", store.MailFilter{}, []int64{jobs[2], jobs[1], jobs[0]}},
				{"recipient in any case", store.MailFilter{Recipient: "ANN@example.ORG"}, []int64{jobs[2], jobs[0]}},
				{"status", store.MailFilter{Status: store.MailFailed}, []int64{jobs[1]}},
				{"request", store.MailFilter{RequestRef: "REQ-7"}, []int64{jobs[1]}},
				{"page", store.MailFilter{Limit: 1}, []int64{jobs[2]}},
			}
			for _, tc := range filters {
				got, err := a.MailLogs(ag, tc.f)
				if err != nil {
					return err
				}
				var ids []int64
				for _, m := range got {
					ids = append(ids, m.JobID)
				}
				if fmt.Sprint(ids) != fmt.Sprint(tc.want) {
					t.Errorf("%s: got jobs %v, want %v", tc.name, ids, tc.want)
				}
				if tc.name == "page" {
					next, _ := a.MailLogs(ag, store.MailFilter{Limit: 5, BeforeID: got[0].ID})
					if len(next) != 2 {
						t.Errorf("second page: got %d rows, want 2", len(next))
					}
				}
			}
			return nil
		})

		// Finish the jobs of the sent and failed rows; the third is queued.
		mustWrite(t, db, func(tx *store.Tx) error {
			return store.ExecForTest(tx, `UPDATE jobs SET state = 'done' WHERE id IN ($1, $2)`, jobs[0], jobs[1])
		})
		mustWrite(t, db, func(tx *store.Tx) error {
			a := tx.Agency()
			n, err := a.RedactMailRecipient(ag, "ANN@example.org")
			if err != nil || n != 1 {
				t.Errorf("redact ann: got %d, %v; want 1 (the queued one waits)", n, err)
			}
			if n, _ := a.RedactMailRecipient(ag, "ann@example.org"); n != 0 {
				t.Errorf("redact again: got %d rows, want 0", n)
			}
			if n, err := a.RedactMailForRequest(ag, "REQ-7"); err != nil || n != 1 {
				t.Errorf("redact request: got %d, %v; want 1", n, err)
			}
			for _, bad := range []func() (int64, error){
				func() (int64, error) { return a.RedactMailRecipient(ag, "") },
				func() (int64, error) { return a.RedactMailForRequest(ag, "") },
			} {
				if _, err := bad(); !ill.Is(err, ill.Invalid) {
					t.Errorf("empty redaction: got %v, want Invalid", err)
				}
			}
			return nil
		})
		mustRead(t, db, func(tx *store.Tx) error {
			all, err := tx.Agency().MailLogs(ag, store.MailFilter{})
			if err != nil {
				return err
			}
			for _, m := range all {
				redacted := m.Recipient == store.Redacted && m.Subject == store.Redacted && m.Error == ""
				if want := m.JobID != jobs[2]; redacted != want {
					t.Errorf("job %d: redacted %v, want %v (%+v)", m.JobID, redacted, want, m)
				}
			}
			for i, id := range jobs {
				j, err := tx.System().GetJob(id)
				if err != nil {
					return err
				}
				if emptied := string(j.Payload) == "{}"; emptied != (i < 2) {
					t.Errorf("job %d payload %s: emptied %v, want %v", id, j.Payload, emptied, i < 2)
				}
			}
			return nil
		})

		clock.Advance(time.Hour)
		mustWrite(t, db, func(tx *store.Tx) error {
			n, err := tx.Agency().PurgeMailLog(ag, start.Add(time.Second))
			if err != nil || n != 2 {
				t.Errorf("purge: got %d, %v; want the 2 finished rows", n, err)
			}
			all, _ := tx.Agency().MailLogs(ag, store.MailFilter{})
			if len(all) != 1 || all[0].JobID != jobs[2] {
				t.Errorf("after purge: got %+v, want only the queued row", all)
			}
			return err
		})
	})
}
