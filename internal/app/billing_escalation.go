package app

import (
	"context"
	"fmt"
	"time"

	"interlend/internal/billing"
	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/mail"
	"interlend/internal/store"
)

// Overdue escalation for patrons (docs/billing.md): a daily job walks the
// borrowing loans past the patron's due date and takes the steps of the
// agency's ladder (EscalationSettings) they have reached: overdue notices
// of rising level, then a block on the patron's record (source
// "overdue"), then a lost-book bill on the ledger. Each step is recorded
// on the request (event overdue_escalation) and in patron_escalations, so
// that it is taken once and shown on the patron page.

// KindOverdueEscalation is the daily escalation job.
const KindOverdueEscalation = "billing.overdue_escalation"

// BlockOverdue is the source of the blocks the escalation places.
const BlockOverdue = "overdue"

// EscalationNoticeData is what the escalation emails get.
type EscalationNoticeData struct {
	PatronNoticeData
	Level  int    // notice level, 1 first
	Amount string // the bill, for the bill notice
}

// Escalation notice keys.
const (
	noticeOverdueLevel = "patron.overdue_level"
	noticeLostBill     = "patron.lost_bill"
)

func init() {
	sample := EscalationNoticeData{PatronNoticeData: PatronNoticeData{Library: "Example University Library", Patron: "Ada Lovelace",
		Title: "Silent spring", RequestID: "B1000042", Lender: "State Library", Date: "12 March 2026",
		Link: "https://ill.example.edu/portal/requests/B1000042"}, Level: 2, Amount: "100.00 USD"}
	for _, key := range []string{noticeOverdueLevel, noticeLostBill} {
		ev := "overdue_level"
		if key == noticeLostBill {
			ev = "lost_bill"
		}
		mail.Register(mail.Notice{Key: key, Description: "to patrons: " + ev, Sample: sample, Default: mail.Template{
			Subject: `{{t "billing.mail.` + ev + `.subject" .Title .Level}}`,
			Text: `{{t "portal.mail.greeting" .Patron}}

{{t "billing.mail.` + ev + `.body" .Title .Date .Level .Amount .Library}}

{{t "portal.mail.link"}} {{.Link}}

-- 
{{.Library}}
{{t "mail.footer.automatic"}}
`,
			HTML: `<p>{{t "portal.mail.greeting" .Patron}}</p>
<p>{{t "billing.mail.` + ev + `.body" .Title .Date .Level .Amount .Library}}</p>
<p><a href="{{.Link}}">{{t "portal.mail.open"}}</a></p>
<hr>
<p style="color:#555;font-size:14px">{{.Library}}<br>{{t "mail.footer.automatic"}}</p>`}})
	}
	addJobs(func(a *App) {
		a.Jobs.Register(jobs.Kind{Name: KindOverdueEscalation, Timeout: 10 * time.Minute, Handler: func(ctx context.Context, run *jobs.Run) error {
			if _, err := a.RunOverdueEscalation(ctx); err != nil {
				return err
			}
			return run.Complete(ctx, func(tx *store.Tx) error { return scheduleEscalation(tx, tx.Now().Add(time.Hour)) })
		}})
	})
	addSchedule(func(a *App, tx *store.Tx) error { return scheduleEscalation(tx, tx.Now()) })
	addTransitionHook(liftEscalationBlock)
}

// scheduleEscalation enqueues the next daily run (06:00 UTC); the key
// names the day, so every node schedules it once.
func scheduleEscalation(tx *store.Tx, at time.Time) error {
	at = at.UTC()
	next := time.Date(at.Year(), at.Month(), at.Day(), 6, 0, 0, 0, time.UTC)
	if !next.After(at) {
		next = next.AddDate(0, 0, 1)
	}
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindOverdueEscalation, RunAt: next, OrderingKey: KindOverdueEscalation,
		IdempotencyKey: KindOverdueEscalation + ":" + next.Format("2006-01-02")})
	return err
}

// escalating are the states of a loan the patron still has.
var escalating = []ill.State{ill.BCheckedOut, ill.BOverdue, ill.BRecalled, ill.BRenewRequested}

// RunOverdueEscalation takes the escalation steps due on every hosted
// agency's overdue loans. Returns the number of steps taken.
func (a *App) RunOverdueEscalation(ctx context.Context) (int, error) {
	ags, err := a.Agencies(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ag := range ags {
		err := a.write(ctx, func(tx *store.Tx) error {
			es, err := EscalationSetting.GetTx(tx, ag.ID)
			if err != nil {
				return err
			}
			ladder := es.Ladder()
			rs, _, err := tx.Agency().ListRequests(ag.ID, store.RequestFilter{Side: ill.Borrowing, States: escalating, Limit: 10000})
			if err != nil {
				return err
			}
			for _, r := range rs {
				if r.PatronDue.IsZero() || !r.PatronDue.Before(tx.Now()) {
					continue
				}
				days := int(tx.Now().Sub(r.PatronDue) / (24 * time.Hour))
				e, err := tx.Agency().Escalation(ag.ID, r.ID)
				if err != nil {
					return err
				}
				for _, step := range ladder.Due(days, e.Done) {
					if err := a.escalate(tx, r, &e, step, es); err != nil {
						return err
					}
					n++
				}
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("overdue escalation %s: %w", ag.ID, err)
		}
	}
	return n, nil
}

// escalate takes one step on a request and records it.
func (a *App) escalate(tx *store.Tx, r *ill.Request, e *store.Escalation, step billing.Step, es EscalationSettings) error {
	sys := ill.SystemActor()
	sys.Agency = r.Agency
	data := map[string]any{"step": step.Kind, "days": step.Days}
	switch step.Kind {
	case billing.StepNotice:
		data["level"] = step.Level
		if err := a.escalationNotice(tx, r, noticeOverdueLevel, step.Level, ""); err != nil {
			return err
		}
	case billing.StepBlock:
		if r.PatronID != 0 {
			b, err := tx.Agency().AddPatronBlock(r.Agency, r.PatronID, BlockOverdue, "Overdue: "+r.PublicID, 0)
			if err != nil {
				return err
			}
			e.BlockID, data["block"] = b.ID, b.ID
		}
	case billing.StepBill:
		bs, err := BillingSetting.GetTx(tx, r.Agency)
		if err != nil {
			return err
		}
		amount := bs.money(es.BillAmount)
		if amount.Minor > 0 {
			c := &store.Charge{RequestID: r.ID, Type: store.ChargePatronFee, Amount: amount, Payer: billing.Patron, Payee: string(r.Agency),
				Status: store.ChargeAccepted, Note: string(FeeLostBook) + ": overdue escalation"}
			if err := tx.Agency().AddCharge(r.Agency, c); err != nil {
				return err
			}
			e.ChargeID, data["charge"] = c.ID, c.ID
			if err := a.escalationNotice(tx, r, noticeLostBill, 0, billing.Format(amount)); err != nil {
				return err
			}
		}
	}
	e.RequestID, e.LastStep = r.ID, string(step.Kind)
	if step.Kind == billing.StepNotice {
		e.LastStep = fmt.Sprintf("notice%d", step.Level)
	}
	e.Done++
	if err := tx.Agency().PutEscalation(r.Agency, e); err != nil {
		return err
	}
	return a.event(tx, r, sys, "overdue_escalation", "escalate", data, 0)
}

// escalationNotice queues an escalation email to the request's patron
// (none without an email address).
func (a *App) escalationNotice(tx *store.Tx, r *ill.Request, key string, level int, amount string) error {
	if r.PatronID == 0 {
		return nil
	}
	p, err := tx.Agency().Patron(r.Agency, r.PatronID)
	if err != nil || p.Email == "" {
		return nil
	}
	ag, err := tx.System().GetAgency(r.Agency)
	if err != nil {
		return err
	}
	loc, _ := calendarLocation(tx, r.Agency)
	if loc == nil {
		loc = time.UTC
	}
	d := EscalationNoticeData{PatronNoticeData: PatronNoticeData{Library: ag.Name, Patron: p.DisplayName(), Title: r.Citation.DisplayTitle(),
		RequestID: r.PublicID, Lender: lenderName(tx, r.Partner), Date: i18n.NewFormatter(i18n.Default).Date(r.PatronDue, loc),
		Link: a.Cfg.BaseURL + "/portal/requests/" + r.PublicID}, Level: level, Amount: amount}
	if d.Title == "" {
		d.Title = r.PublicID
	}
	return a.QueueNotice(tx, Notice{Agency: r.Agency, To: p.Email, ToName: p.DisplayName(), Key: key, Data: d, RequestRef: r.PublicID,
		IdempotencyKey: fmt.Sprintf("escalation:%s:%s:%d:%s", r.PublicID, key, level, r.PatronDue.UTC().Format("20060102"))})
}

// liftEscalationBlock lifts the escalation's block when the patron
// brings the item back (if the agency says so).
func liftEscalationBlock(a *App, tx *store.Tx, r *ill.Request, ev *ill.Event) error {
	if r.Side != ill.Borrowing || ev.Type != "returned_by_patron" || r.PatronID == 0 {
		return nil
	}
	e, err := tx.Agency().Escalation(r.Agency, r.ID)
	if err != nil || e.BlockID == 0 {
		return err
	}
	es, err := EscalationSetting.GetTx(tx, r.Agency)
	if err != nil || !es.LiftBlockOnReturn {
		return err
	}
	if err := tx.Agency().LiftPatronBlock(r.Agency, r.PatronID, e.BlockID, 0); err != nil && !ill.Is(err, ill.NotFound) {
		return err
	}
	e.LastStep = "returned"
	return tx.Agency().PutEscalation(r.Agency, &e)
}

// EscalationView is a patron's overdue loan and where its escalation
// stands, for the patron page.
type EscalationView struct {
	store.Escalation
	Title       string        `json:"title"`
	DaysOverdue int           `json:"daysOverdue"`
	Next        *billing.Step `json:"next,omitempty"`
	NextOn      time.Time     `json:"nextOn,omitzero"` // when the next step is due
	Returned    bool          `json:"returned"`
}

// PatronEscalations lists the escalations of a patron's loans, with the
// next step of each still out. Returns NotFound or Forbidden.
func (a *App) PatronEscalations(ctx context.Context, actor ill.Actor, patronID int64) ([]EscalationView, error) {
	if err := actor.Require(actor.Agency, ill.PermPatronView); err != nil {
		return nil, err
	}
	var out []EscalationView
	err := a.read(ctx, func(tx *store.Tx) error {
		es, err := EscalationSetting.GetTx(tx, actor.Agency)
		if err != nil {
			return err
		}
		list, err := tx.Agency().PatronEscalations(actor.Agency, patronID)
		if err != nil {
			return err
		}
		// Overdue loans no step has been taken on yet show their first.
		seen := map[string]bool{}
		for _, e := range list {
			seen[e.Request] = true
		}
		loans, _, err := tx.Agency().ListRequests(actor.Agency, store.RequestFilter{Side: ill.Borrowing, PatronID: patronID, States: escalating, Limit: 200})
		if err != nil {
			return err
		}
		for _, r := range loans {
			if !seen[r.PublicID] && !r.PatronDue.IsZero() && r.PatronDue.Before(tx.Now()) {
				list = append(list, store.Escalation{RequestID: r.ID, Request: r.PublicID, LastStep: "none"})
			}
		}
		for _, e := range list {
			r, err := tx.Agency().GetRequest(actor.Agency, e.Request)
			if err != nil {
				return err
			}
			v := EscalationView{Escalation: e, Title: r.Citation.DisplayTitle(), Returned: !isEscalating(r.State)}
			if !r.PatronDue.IsZero() && r.PatronDue.Before(tx.Now()) {
				v.DaysOverdue = int(tx.Now().Sub(r.PatronDue) / (24 * time.Hour))
			}
			if next, ok := es.Ladder().Next(e.Done); ok && !v.Returned {
				v.Next, v.NextOn = &next, r.PatronDue.Add(time.Duration(next.Days)*24*time.Hour)
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

func isEscalating(s ill.State) bool {
	for _, x := range escalating {
		if x == s {
			return true
		}
	}
	return false
}
