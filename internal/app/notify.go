package app

import (
	"context"
	"fmt"

	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/store"
)

// KindNotifyPatron tells a patron about an event of their request (by
// email, from the library's notice templates). The transition records the
// intent as a job; the job sends.
const KindNotifyPatron = "notify.patron"

type notifyPayload struct {
	Agency  ill.AgencyID `json:"agency"`
	Request string       `json:"request"`
	Event   string       `json:"event"`
}

// PatronNotifier sends the notice for an event; the notifications feature
// sets it. Without one, notices are recorded and not sent.
type PatronNotifier func(ctx context.Context, tx *store.Tx, r *ill.Request, event string) error

func init() {
	addJobs(func(a *App) {
		a.Jobs.Register(jobs.Kind{Name: KindNotifyPatron, Handler: func(ctx context.Context, run *jobs.Run) error {
			var p notifyPayload
			if err := run.Job.Decode(&p); err != nil {
				return jobs.Permanent(err)
			}
			return run.Complete(ctx, func(tx *store.Tx) error {
				if a.NotifyPatron == nil {
					return nil
				}
				r, err := tx.Agency().GetRequest(p.Agency, p.Request)
				if err != nil {
					return err
				}
				return a.NotifyPatron(ctx, tx, r, p.Event)
			})
		}})
	})
}

// notifyPatron queues a notice to the request's patron, once per event.
func (a *App) notifyPatron(tx *store.Tx, r *ill.Request, event string) error {
	if r.Side != ill.Borrowing || (r.PatronID == 0 && r.OwnerUserID == 0) {
		return nil
	}
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindNotifyPatron, Agency: r.Agency, Ref: r.PublicID,
		IdempotencyKey: fmt.Sprintf("notify:%s:%s:%d", r.PublicID, event, tx.Now().UnixMicro()),
		Payload:        notifyPayload{Agency: r.Agency, Request: r.PublicID, Event: event}})
	return err
}
