package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/store"
)

// Diagnostic job kinds. diag.noop only writes its effect row; diag.post
// first POSTs to a URL (given by an operator's bench command or a test, never
// by a partner) with the job's idempotency key, then writes its effect.
// `interlend bench jobs` and the crash tests use them.
const (
	KindDiagNoop = "diag.noop"
	KindDiagPost = "diag.post"
)

// DiagPayload is the payload of the diagnostic jobs.
type DiagPayload struct {
	URL string `json:"url,omitempty"`
}

func (a *App) registerDiagJobs() {
	a.Jobs.Register(jobs.Kind{Name: KindDiagNoop, Handler: func(ctx context.Context, run *jobs.Run) error {
		return run.Complete(ctx, func(tx *store.Tx) error {
			return tx.System().RecordDiagEffect(run.Job.ID, a.Cfg.NodeName)
		})
	}})
	a.Jobs.Register(jobs.Kind{Name: KindDiagPost, Handler: func(ctx context.Context, run *jobs.Run) error {
		var p DiagPayload
		if err := run.Job.Decode(&p); err != nil {
			return jobs.Permanent(err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL, bytes.NewReader([]byte(fmt.Sprint(run.Job.ID))))
		if err != nil {
			return jobs.Permanent(err)
		}
		req.Header.Set("Idempotency-Key", run.IdempotencyKey())
		resp, err := a.HTTP.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			return fmt.Errorf("receiver answered %s", resp.Status)
		}
		return run.Complete(ctx, func(tx *store.Tx) error {
			return tx.System().RecordDiagEffect(run.Job.ID, a.Cfg.NodeName)
		})
	}})
}

// EnqueueDiag adds n diagnostic jobs in one transaction (url empty:
// diag.noop). Operators only.
func (a *App) EnqueueDiag(ctx context.Context, actor ill.Actor, n int, url string) ([]int64, error) {
	if !actor.Grants.IsOperator() {
		return nil, ill.E(ill.Forbidden, "only operators may enqueue diagnostic jobs")
	}
	kind := KindDiagNoop
	if url != "" {
		kind = KindDiagPost
	}
	ids := make([]int64, 0, n)
	err := a.write(ctx, func(tx *store.Tx) error {
		ids = ids[:0]
		for range n {
			id, err := tx.System().EnqueueJob(store.NewJob{Kind: kind, Payload: DiagPayload{URL: url}})
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}
