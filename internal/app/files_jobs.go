package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"interlend/internal/blob"
	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/store"
)

// Job kinds of stored files.
const (
	// KindFilePurge deletes the content of a deleted file once no live file
	// uses it and it has not been put again within FilePurgeGrace.
	KindFilePurge = "files.purge"
	// KindFileSweep removes what uploads interrupted by a crash left
	// behind, daily, in both backends.
	KindFileSweep = "files.sweep"
)

// FilePurgeGrace protects content that was just put: a file being stored
// with the same content as a file being deleted puts the content before
// it records the file, and must not lose it in between.
const FilePurgeGrace = 15 * time.Minute

// abandonedUploadAge is how old a leftover of an interrupted upload must
// be before the sweep removes it (no upload takes that long).
const abandonedUploadAge = 24 * time.Hour

type filePurge struct {
	Agency  ill.AgencyID `json:"agency"`
	Backend blob.Backend `json:"backend"`
	SHA256  string       `json:"sha256"`
}

func init() { addJobs(func(a *App) { a.registerFileJobs() }) }

func (a *App) registerFileJobs() {
	a.Jobs.Register(jobs.Kind{Name: KindFilePurge, Handler: a.purgeContent})
	a.Jobs.Register(jobs.Kind{Name: KindFileSweep, Timeout: 10 * time.Minute, Handler: func(ctx context.Context, run *jobs.Run) error {
		var errs []error
		for _, b := range []blob.Backend{blob.Local, blob.Database} {
			bs, err := a.Files.For(b)
			if err != nil {
				return jobs.Permanent(err)
			}
			n, err := bs.Sweep(ctx, abandonedUploadAge)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", b, err))
			} else if n > 0 {
				a.Log.Info("removed leftovers of interrupted uploads", "backend", b, "pieces", n)
			}
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
		return run.Complete(ctx, func(tx *store.Tx) error { return a.scheduleFileSweep(tx) })
	}})
}

// enqueuePurge asks for a content check after a file was deleted (or an
// upload's record failed). reason makes the job's idempotency key.
func (a *App) enqueuePurge(tx *store.Tx, agency ill.AgencyID, backend blob.Backend, sha256, reason string) error {
	return a.enqueuePurgeAt(tx, filePurge{Agency: agency, Backend: backend, SHA256: sha256}, time.Time{}, reason)
}

func (a *App) enqueuePurgeAt(tx *store.Tx, p filePurge, at time.Time, reason string) error {
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindFilePurge, Agency: p.Agency, Payload: p, RunAt: at,
		IdempotencyKey: fmt.Sprintf("%s:%s:%s", KindFilePurge, p.Agency, reason)})
	return err
}

// purgeContent deletes content that no live file uses and that was not put
// within the grace period; content put recently is checked again when the
// grace period has passed.
func (a *App) purgeContent(ctx context.Context, run *jobs.Run) error {
	var p filePurge
	if err := run.Job.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	bs, err := a.Files.For(p.Backend)
	if err != nil {
		return jobs.Permanent(err)
	}
	var refs int
	if err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		refs, err = tx.Agency().LiveFileRefs(p.Agency, string(p.Backend), p.SHA256)
		return err
	}); err != nil {
		return err
	}
	if refs > 0 {
		return nil // another file has the same content
	}
	deleted, err := bs.DeleteIfIdle(ctx, p.Agency, p.SHA256, a.Clock.Now().Add(-FilePurgeGrace))
	if err != nil {
		return err
	}
	if deleted {
		a.Log.Info("file content purged", "agency", p.Agency, "backend", p.Backend, "sha256", p.SHA256)
		return nil
	}
	obj, err := bs.Stat(ctx, p.Agency, p.SHA256)
	if ill.Is(err, ill.NotFound) {
		return nil // already gone
	}
	if err != nil {
		return err
	}
	next := obj.WrittenAt.Add(FilePurgeGrace + time.Second)
	return run.Complete(ctx, func(tx *store.Tx) error {
		return a.enqueuePurgeAt(tx, p, next, fmt.Sprintf("%s:recheck:%d", p.SHA256, next.UnixMicro()))
	})
}

// scheduleFileSweep makes sure tomorrow's sweep exists (03:00 UTC); the
// idempotency key names the day, so every caller and node schedules it once.
func (a *App) scheduleFileSweep(tx *store.Tx) error {
	at := tx.Now().Truncate(24 * time.Hour).Add(27 * time.Hour)
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindFileSweep, RunAt: at,
		IdempotencyKey: KindFileSweep + ":" + at.Format("2006-01-02")})
	return err
}
