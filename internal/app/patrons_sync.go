package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/store"
)

// KindPatronSync imports an agency's patron file drop once a day, if the
// file changed, and schedules the next run.
const KindPatronSync = "patrons.sync"

// PatronSyncSettings say where an agency's nightly patron file is dropped
// and when it is read. The path is on the server: in a deployment of
// several nodes, every node running jobs must see it (a shared mount).
type PatronSyncSettings struct {
	Path string `json:"path"`           // absolute path of the CSV file; "" switches the sync off
	Hour int    `json:"hour,omitempty"` // hour of the day (UTC) to read it, 0-23
}

// PatronSyncOutcome is one sync run, as the audit log keeps it.
type PatronSyncOutcome struct {
	At      time.Time `json:"-"`
	Outcome string    `json:"outcome"` // imported, unchanged, missing, failed
	Hash    string    `json:"sha256,omitempty"`
	Rows    int       `json:"rows,omitempty"`
	store.ImportCounts
	Bad     int    `json:"bad,omitempty"`
	Message string `json:"message,omitempty"`
}

// Outcomes of a sync run.
const (
	SyncImported  = "imported"
	SyncUnchanged = "unchanged"
	SyncMissing   = "missing"
	SyncFailed    = "failed"
)

func init() {
	addJobs(func(a *App) {
		a.Jobs.Register(jobs.Kind{Name: KindPatronSync, Handler: a.patronSyncJob, Timeout: time.Hour, MaxAttempts: 5})
	})
}

// SetPatronSync stores the agency's file-drop settings and schedules the
// next run. Reading a server path is an operator's decision: other roles
// get Forbidden. Returns Invalid or Forbidden.
func (a *App) SetPatronSync(ctx context.Context, actor ill.Actor, agency ill.AgencyID, s PatronSyncSettings) error {
	if !actor.Grants.IsOperator() {
		return ill.E(ill.Forbidden, "only an operator may point Interlend at a file on the server")
	}
	s.Path = strings.TrimSpace(s.Path)
	switch {
	case s.Path != "" && !filepath.IsAbs(s.Path):
		return ill.E(ill.Invalid, "give the file's absolute path", map[string]string{"path": "not an absolute path"})
	case s.Hour < 0 || s.Hour > 23:
		return ill.E(ill.Invalid, "give an hour from 0 to 23 (UTC)", map[string]string{"hour": "not an hour"})
	}
	b, _ := json.Marshal(s)
	return a.write(ctx, func(tx *store.Tx) error {
		if _, err := tx.System().GetAgency(agency); err != nil {
			return err
		}
		if err := tx.System().PutPatronSyncConfig(agency, string(b), actor.UserID); err != nil {
			return err
		}
		if s.Path == "" {
			return nil
		}
		return schedulePatronSync(tx, agency, nextSyncRun(tx.Now(), s.Hour))
	})
}

// PatronSync reads the agency's file-drop settings and the last run.
func (a *App) PatronSync(ctx context.Context, actor ill.Actor, agency ill.AgencyID) (PatronSyncSettings, *PatronSyncOutcome, error) {
	if err := actor.Require(agency, ill.PermPatronView); err != nil {
		return PatronSyncSettings{}, nil, err
	}
	var s PatronSyncSettings
	var last *PatronSyncOutcome
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		if s, err = patronSyncSettings(tx, agency); err != nil || s.Path == "" {
			return err
		}
		if out, ok, err := lastSync(tx, agency, s.Path, false); ok {
			last = &out
		} else if err != nil {
			return err
		}
		return nil
	})
	return s, last, err
}

func patronSyncSettings(tx *store.Tx, agency ill.AgencyID) (PatronSyncSettings, error) {
	var s PatronSyncSettings
	v, ok, err := tx.System().PatronSyncConfig(agency)
	if err != nil || !ok {
		return s, err
	}
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return s, fmt.Errorf("app: patron file drop of %s: %w", agency, err)
	}
	return s, nil
}

// nextSyncRun is the next time at hour:00 UTC after now.
func nextSyncRun(now time.Time, hour int) time.Time {
	now = now.UTC()
	next := time.Date(now.Year(), now.Month(), now.Day(), hour, 0, 0, 0, time.UTC)
	if !next.After(now) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

// schedulePatronSync enqueues the run at at. The idempotency key names the
// agency and the day, so several nodes (or a re-saved setting) schedule a
// day's run once.
func schedulePatronSync(tx *store.Tx, agency ill.AgencyID, at time.Time) error {
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindPatronSync, Agency: agency, RunAt: at,
		Payload:        map[string]string{"agency": string(agency)},
		IdempotencyKey: KindPatronSync + ":" + string(agency) + ":" + at.UTC().Format(time.DateOnly)})
	return err
}

// patronSyncJob runs one day's sync: it records the outcome in the audit
// log and schedules tomorrow's run in the completing transaction. A file
// that is missing, unchanged or bad is an outcome, not a job failure;
// only a database failure makes the job retry.
func (a *App) patronSyncJob(ctx context.Context, run *jobs.Run) error {
	var p struct {
		Agency ill.AgencyID `json:"agency"`
	}
	if err := run.Job.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	var s PatronSyncSettings
	if err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		s, err = patronSyncSettings(tx, p.Agency)
		return err
	}); err != nil {
		return err
	}
	if s.Path == "" {
		return nil // switched off: the chain of runs ends here
	}
	out, err := a.syncPatronFile(ctx, p.Agency, s.Path)
	if err != nil {
		return err
	}
	return run.Complete(ctx, func(tx *store.Tx) error {
		if err := auditSync(tx, p.Agency, s.Path, out); err != nil {
			return err
		}
		return schedulePatronSync(tx, p.Agency, nextSyncRun(tx.Now(), s.Hour))
	})
}

// SyncPatronsNow runs the agency's file-drop import at once (operators:
// `interlend patrons sync-now`) and records the outcome.
func (a *App) SyncPatronsNow(ctx context.Context, actor ill.Actor, agency ill.AgencyID) (PatronSyncOutcome, error) {
	if err := actor.Require(agency, ill.PermPatronManage); err != nil {
		return PatronSyncOutcome{}, err
	}
	var s PatronSyncSettings
	if err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		s, err = patronSyncSettings(tx, agency)
		return err
	}); err != nil {
		return PatronSyncOutcome{}, err
	}
	if s.Path == "" {
		return PatronSyncOutcome{}, ill.E(ill.Conflict, "no patron file drop is set for this agency")
	}
	out, err := a.syncPatronFile(ctx, agency, s.Path)
	if err != nil {
		return out, err
	}
	return out, a.write(ctx, func(tx *store.Tx) error { return auditSync(tx, agency, s.Path, out) })
}

// syncPatronFile imports the file if its hash differs from the last
// imported one. It returns an error only when the database fails.
func (a *App) syncPatronFile(ctx context.Context, agency ill.AgencyID, path string) (PatronSyncOutcome, error) {
	hash, err := fileHash(path)
	if errors.Is(err, fs.ErrNotExist) {
		return PatronSyncOutcome{Outcome: SyncMissing, Message: "the file is not there"}, nil
	}
	if err != nil {
		return PatronSyncOutcome{Outcome: SyncFailed, Message: "the file cannot be read: " + err.Error()}, nil
	}
	var last PatronSyncOutcome
	var seen bool
	if err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		last, seen, err = lastSync(tx, agency, path, true)
		return err
	}); err != nil {
		return PatronSyncOutcome{}, err
	}
	if seen && last.Hash == hash {
		return PatronSyncOutcome{Outcome: SyncUnchanged, Hash: hash}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return PatronSyncOutcome{Outcome: SyncFailed, Message: "the file cannot be opened"}, nil
	}
	defer f.Close()
	sum, err := a.importPatrons(ctx, 0, agency, f, filepath.Base(path), PatronImportOptions{Source: store.PatronBySync})
	out := PatronSyncOutcome{Outcome: SyncImported, Hash: hash, Rows: sum.Rows, ImportCounts: sum.ImportCounts, Bad: sum.Bad}
	switch {
	case err == nil:
	case ill.Is(err, ill.Invalid):
		out.Outcome, out.Hash, out.Message = SyncFailed, "", ill.UserMessage(err)
	default:
		return out, err
	}
	return out, nil
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func auditSync(tx *store.Tx, agency ill.AgencyID, path string, out PatronSyncOutcome) error {
	b, _ := json.Marshal(out)
	return tx.Agency().Audit(agency, store.AuditRecord{Action: KindPatronSync, Target: path, After: string(b)})
}

// lastSync is the newest sync outcome of the path in the audit log; ok
// is false when there is none. With imported, only runs that imported the
// file or found it unchanged count (a failed run is tried again).
func lastSync(tx *store.Tx, agency ill.AgencyID, path string, imported bool) (out PatronSyncOutcome, ok bool, err error) {
	recs, err := tx.Agency().AuditLog(agency, path, 200)
	if err != nil {
		return out, false, err
	}
	for _, r := range recs {
		var o PatronSyncOutcome
		if r.Action != KindPatronSync || json.Unmarshal([]byte(r.After), &o) != nil {
			continue
		}
		if imported && o.Outcome != SyncImported && o.Outcome != SyncUnchanged {
			continue
		}
		o.At = r.At
		return o, true, nil
	}
	return PatronSyncOutcome{}, false, nil
}
