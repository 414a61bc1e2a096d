package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/store"
)

// The daily staff digest (docs/borrowing.md): at each agency's digest
// hour, the addresses of BorrowingSettings.DigestTo get one email with
// the borrowing queues that need a person and how many requests wait in
// each, with links to the desk. Nothing waiting: no mail. The job runs
// hourly; the mail's key (agency and day) sends it once a day.

// KindBorrowingDigest is the hourly digest job.
const KindBorrowingDigest = "borrowing.digest"

// digestQueues are the queues that need a person.
var digestQueues = []string{"new", "duplicates", "own_holdings", "invalid_patron", "conditions", "end_of_rota",
	"pickup_expired", "overdue", "to_return", "problems", "messages"}

func init() {
	addJobs(func(a *App) {
		a.Jobs.Register(jobs.Kind{Name: KindBorrowingDigest, Timeout: 5 * time.Minute, Handler: func(ctx context.Context, run *jobs.Run) error {
			if _, err := a.SendBorrowingDigests(ctx); err != nil {
				return err
			}
			return run.Complete(ctx, func(tx *store.Tx) error { return scheduleDigest(tx, tx.Now().Add(time.Hour)) })
		}})
	})
	addSchedule(func(a *App, tx *store.Tx) error { return scheduleDigest(tx, tx.Now()) })
}

func scheduleDigest(tx *store.Tx, at time.Time) error {
	at = at.Truncate(time.Hour)
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindBorrowingDigest, RunAt: at, OrderingKey: KindBorrowingDigest,
		IdempotencyKey: KindBorrowingDigest + ":" + at.UTC().Format(time.RFC3339)})
	return err
}

// SendBorrowingDigests queues the digest of every agency whose digest
// hour is now; it returns how many messages it queued.
func (a *App) SendBorrowingDigests(ctx context.Context) (int, error) {
	var ags []store.Agency
	if err := a.read(ctx, func(tx *store.Tx) (err error) { ags, err = tx.System().Agencies(); return }); err != nil {
		return 0, err
	}
	sent := 0
	cat := i18n.Load()
	for _, ag := range ags {
		err := a.write(ctx, func(tx *store.Tx) error {
			set, err := BorrowingSetting.GetTx(tx, ag.ID)
			if err != nil {
				return err
			}
			to := digestAddresses(set.DigestTo)
			now := tx.Now().UTC()
			if len(to) == 0 || now.Hour() != set.DigestHour {
				return nil
			}
			states, reasons, unread, err := tx.Agency().BorrowingStateCounts(ag.ID, openBorrowing())
			if err != nil {
				return err
			}
			counts := queueCountsFrom(states, reasons, unread)
			var lines []string
			total := 0
			for _, q := range digestQueues {
				if n := counts[q]; n > 0 {
					total += n
					lines = append(lines, fmt.Sprintf("%-28s %5d   %s/borrowing?queue=%s", cat.Text(i18n.Default, "borrowing.queue."+q), n, strings.TrimRight(a.Cfg.BaseURL, "/"), q))
				}
			}
			if total == 0 {
				return nil
			}
			text := strings.Join(lines, "\n") + "\n"
			for _, addr := range to {
				if err := a.QueueMail(tx, OutgoingMail{Agency: string(ag.ID), To: addr, Subject: cat.Text(i18n.Default, "borrowing.digest.subject", total),
					Text: text, NoticeKey: "borrowing.digest", Key: fmt.Sprintf("digest:%s:%s:%s", ag.ID, now.Format("2006-01-02"), strings.ToLower(addr))}); err != nil {
					return err
				}
				sent++
			}
			return nil
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// queueCountsFrom adds state, review-reason and unread counts up into the
// desk's queue counts.
func queueCountsFrom(states map[ill.State]int, reasons map[string]int, unread int) map[string]int {
	out := map[string]int{}
	for _, q := range BorrowingQueues {
		n := 0
		switch {
		case q.Spec.Unread:
			n = unread
		case len(q.Spec.Reasons) > 0:
			for _, r := range q.Spec.Reasons {
				n += reasons[r]
			}
		case len(q.Spec.NotReasons) > 0:
			n = states[ill.BReview]
			for _, r := range q.Spec.NotReasons {
				n -= reasons[r]
			}
		default:
			for _, s := range q.Spec.States {
				n += states[s]
			}
		}
		out[q.Name] = n
	}
	return out
}
