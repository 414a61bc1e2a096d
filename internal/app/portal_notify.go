package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/mail"
	"interlend/internal/settings"
	"interlend/internal/store"
)

// Patron notices: the emails a patron gets about their requests. Each is
// a registered mail notice (its default text in the message catalog,
// "portal.mail.<event>.*") that a library may replace with its own
// (the "notices" settings), sent through the job queue with retries.

// PatronNotice is one kind of patron email.
type PatronNotice struct {
	Key   string // mail notice key
	Event string // what happened, as the catalog names it
}

// PatronNotices lists the patron emails.
var PatronNotices = []PatronNotice{
	{Key: "patron.received", Event: "received"},
	{Key: "patron.shipped", Event: "shipped"},
	{Key: "patron.unfilled", Event: "unfilled"},
	{Key: "patron.pickup", Event: "pickup"},
	{Key: "patron.article", Event: "article"},
	{Key: "patron.due_soon", Event: "due_soon"},
	{Key: "patron.overdue", Event: "overdue"},
	{Key: "patron.cancelled", Event: "cancelled"},
	{Key: "patron.question", Event: "question"},
	{Key: "patron.pickup_expired", Event: "pickup_expired"},
	{Key: "patron.recalled", Event: "recalled"},
	{Key: "patron.renewed", Event: "renewed"},
	{Key: "patron.renewal_refused", Event: "renewal_refused"},
	{Key: "patron.message", Event: "message"}, // staff writing to the patron (borrowing_more.go)
	// Problems found at receipt (problems_receipt_notice.go).
	{Key: noticeDelayed, Event: "problem_delayed"},
	{Key: noticeDamagedReturned, Event: "problem_damaged_returned"},
	{Key: noticeDamageBill, Event: "problem_damage_bill"},
	{Key: noticeCopyComing, Event: "problem_copy_coming"},
	{Key: noticeCopyReady, Event: "problem_copy_ready"},
}

// PatronNoticeData is what a patron notice template gets. Dates are
// written out in the library's time zone.
type PatronNoticeData struct {
	Library   string // the library's name
	Patron    string // the patron's name, for the greeting
	Title     string // what was asked for
	RequestID string
	Lender    string
	Date      string // the date the notice is about (deadline, due date, expected arrival)
	Location  string // pickup location
	Note      string // staff's question or the reason given
	Link      string // the request's page in the portal
}

const (
	noticeSubject = `{{t "portal.mail.%s.subject" .Title .RequestID}}`
	noticeText    = `{{t "portal.mail.greeting" .Patron}}

{{t "portal.mail.%[1]s.body" .Title .Lender .Date .Location .Library}}
{{if .Note}}
{{t "portal.mail.note" .Note}}
{{end}}
{{t "portal.mail.link"}} {{.Link}}

-- 
{{.Library}}
{{t "mail.footer.automatic"}}
`
	noticeHTML = `<p>{{t "portal.mail.greeting" .Patron}}</p>
<p>{{t "portal.mail.%[1]s.body" .Title .Lender .Date .Location .Library}}</p>
{{if .Note}}<blockquote style="border-left:4px solid #ccc;margin:0;padding:0 12px">{{t "portal.mail.note" .Note}}</blockquote>{{end}}
<p><a href="{{.Link}}" style="display:inline-block;padding:10px 16px;background:#1d4f91;color:#fff;text-decoration:none;border-radius:4px">{{t "portal.mail.open"}}</a></p>
<hr>
<p style="color:#555;font-size:14px">{{.Library}}<br>{{t "mail.footer.automatic"}}</p>`
)

// registerPatronNotices registers patron notices as mail notices with the
// shared default templates (their text in the catalog under
// "portal.mail.<event>.*"); note fills the preview's note slot.
func registerPatronNotices(list []PatronNotice, note string) {
	sample := PatronNoticeData{Library: "Example University Library", Patron: "Ada Lovelace", Title: "Silent spring",
		RequestID: "B1000042", Lender: "State Library", Date: "12 March 2026", Location: "Main Library",
		Note: note, Link: "https://ill.example.edu/portal/requests/B1000042"}
	for _, n := range list {
		mail.Register(mail.Notice{Key: n.Key, Description: "to patrons: " + n.Event, Sample: sample,
			Default: mail.Template{Subject: fmt.Sprintf(noticeSubject, n.Event), Text: fmt.Sprintf(noticeText, n.Event), HTML: fmt.Sprintf(noticeHTML, n.Event)}})
	}
}

func init() {
	registerPatronNotices(PatronNotices, "Which edition do you need?")
	addJobs(func(a *App) {
		if a.NotifyPatron == nil {
			a.NotifyPatron = a.sendPatronNotice
		}
		a.Jobs.Register(jobs.Kind{Name: KindPatronDueSoon, Timeout: 10 * time.Minute, Handler: func(ctx context.Context, run *jobs.Run) error {
			if _, err := a.SendDueSoonNotices(ctx); err != nil {
				return err
			}
			return run.Complete(ctx, func(tx *store.Tx) error { return scheduleDueSoon(tx, tx.Now().Add(time.Hour)) })
		}})
	})
	addSchedule(func(a *App, tx *store.Tx) error { return scheduleDueSoon(tx, tx.Now()) })
	addTransitionHook(notifyOnShipped)
}

// notifyOnShipped tells the patron when the lender has sent the item on
// (the tables' shipment rule has no notice of its own).
func notifyOnShipped(a *App, tx *store.Tx, r *ill.Request, ev *ill.Event) error {
	if r.Side != ill.Borrowing || ev.Type != "shipped" || ev.From == ev.To {
		return nil
	}
	return a.notifyPatron(tx, r, "shipped")
}

// noticeFor picks the notice for an event of a request in its state now.
func noticeFor(event string, r *ill.Request) string {
	if strings.HasPrefix(event, evStaffMessage) { // "staff_message#n": borrowing_more.go
		return "patron.message"
	}
	switch event {
	case "submitted":
		return "patron.received"
	case "shipped":
		if r.State == ill.BShipped {
			return "patron.shipped"
		}
	case "received", "available_to_patron":
		if r.State == ill.BAwaitingPickup {
			return "patron.pickup"
		}
	case "delivered":
		if r.ServiceType == ill.Copy {
			return "patron.article"
		}
	case "ask_patron":
		if r.State == ill.BAwaitingPatron {
			return "patron.question"
		}
	case "overdue":
		return "patron.overdue"
	case "recalled":
		return "patron.recalled"
	case "pickup_expired":
		return "patron.pickup_expired"
	case "renewed":
		return "patron.renewed"
	case "renewal_refused":
		return "patron.renewal_refused"
	case "due_soon":
		if r.State == ill.BCheckedOut {
			return "patron.due_soon"
		}
	case "cancelled", "closed", "copyright_deny":
		switch {
		case r.State == ill.BUnfilled:
			return "patron.unfilled"
		case r.State == ill.BCancelled:
			return "patron.cancelled"
		}
	}
	return ""
}

// sendPatronNotice is the app's PatronNotifier: it renders the notice
// for the event (the library's own template when it has one) and queues
// the email in tx. A patron without an email address gets none.
func (a *App) sendPatronNotice(ctx context.Context, tx *store.Tx, r *ill.Request, event string) error {
	key := noticeFor(event, r)
	if key == "" {
		return nil
	}
	if off, err := noticeTurnedOff(tx, r, key); err != nil || off { // the patron's choice in the portal (portal_prefs.go)
		return err
	}
	pm, err := a.patronMail(tx, r)
	if err != nil || pm.to == "" {
		return err
	}
	d := pm.data
	loc := time.UTC
	if c, err := calendarLocation(tx, r.Agency); err == nil && c != nil {
		loc = c
	}
	f := i18n.NewFormatter(i18n.Default)
	var date time.Time
	switch key {
	case "patron.pickup", "patron.pickup_expired":
		date = r.PickupDeadline
	case "patron.due_soon", "patron.overdue", "patron.recalled", "patron.renewed", "patron.renewal_refused":
		date = r.PatronDue
	case "patron.shipped":
		ps, err := PortalSetting.GetTx(tx, r.Agency)
		if err != nil {
			return err
		}
		date = estimateArrival(r, tx.Now(), tx.Now(), 0, ps)
	}
	if !date.IsZero() {
		d.Date = f.Date(date, loc)
	}
	if key == "patron.question" || key == "patron.cancelled" || key == "patron.unfilled" || key == "patron.message" {
		if evs, err := tx.Agency().Events(r.Agency, r.ID); err == nil {
			for i := len(evs) - 1; i >= 0; i-- {
				if n := eventNote(evs[i]); n != "" && evs[i].ActorKind == ill.ActorStaff {
					d.Note = n
					break
				}
			}
		}
	}
	idem := "patron:" + r.PublicID + ":" + key + ":" + date.UTC().Format("20060102") + ":" + string(r.State) + fmt.Sprint(r.RenewalCount)
	if key == "patron.message" {
		idem += ":" + event // every message of staff's is a mail of its own ("staff_message#n")
	}
	return a.QueueNotice(tx, Notice{Agency: r.Agency, To: pm.to, ToName: pm.name, Key: key, Data: d,
		Override: pm.settings.override(key, i18n.Default), RequestRef: r.PublicID, IdempotencyKey: idem})
}

// patronMail is what every notice to a request's patron starts from: the
// address (the patron record's, else the login that owns the request;
// none when neither has one), the name, the data every template has, and
// the library's notice settings.
type patronMail struct {
	to, name string
	data     PatronNoticeData
	settings NoticeSettings
}

func (a *App) patronMail(tx *store.Tx, r *ill.Request) (pm patronMail, err error) {
	if r.PatronID != 0 {
		if p, err := tx.Agency().Patron(r.Agency, r.PatronID); err == nil {
			pm.to, pm.name = p.Email, p.DisplayName()
		}
	}
	if pm.to == "" && r.OwnerUserID != 0 {
		if u, err := tx.System().UserByID(r.OwnerUserID); err == nil {
			pm.to = u.Email
			if pm.name == "" {
				pm.name = u.Name
			}
		}
	}
	if pm.to == "" {
		return patronMail{}, nil
	}
	ag, err := tx.System().GetAgency(r.Agency)
	if err != nil {
		return patronMail{}, err
	}
	if pm.settings, err = NoticeSetting.GetTx(tx, r.Agency); err != nil {
		return patronMail{}, err
	}
	pm.data = PatronNoticeData{Library: ag.Name, Patron: pm.name, Title: r.Citation.DisplayTitle(), RequestID: r.PublicID,
		Lender: lenderName(tx, r.Partner), Location: r.PickupLocation, Link: a.Cfg.BaseURL + "/portal/requests/" + r.PublicID}
	if pm.data.Title == "" {
		pm.data.Title = r.PublicID
	}
	if pm.data.Patron == "" {
		pm.data.Patron = i18n.Load().Text(i18n.Default, "portal.mail.reader")
	}
	return pm, nil
}

// KindPatronDueSoon is the daily job that reminds patrons of loans due soon.
const KindPatronDueSoon = "portal.due_soon"

// scheduleDueSoon enqueues the next daily run (07:00 UTC).
func scheduleDueSoon(tx *store.Tx, at time.Time) error {
	at = at.UTC()
	next := time.Date(at.Year(), at.Month(), at.Day(), 7, 0, 0, 0, time.UTC)
	if !next.After(at) {
		next = next.AddDate(0, 0, 1)
	}
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindPatronDueSoon, RunAt: next,
		IdempotencyKey: KindPatronDueSoon + ":" + next.Format("2006-01-02")})
	return err
}

// SendDueSoonNotices queues a reminder for each loan with the patron due
// within the library's reminder window (once per loan and due date).
// Returns how many were queued.
func (a *App) SendDueSoonNotices(ctx context.Context) (int, error) {
	ags, err := a.Agencies(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ag := range ags {
		err := a.write(ctx, func(tx *store.Tx) error {
			ps, err := PortalSetting.GetTx(tx, ag.ID)
			if err != nil || ps.DueSoonDays <= 0 {
				return err
			}
			rs, _, err := tx.Agency().ListRequests(ag.ID, store.RequestFilter{Side: ill.Borrowing, States: []ill.State{ill.BCheckedOut}, Limit: 10000})
			if err != nil {
				return err
			}
			until := tx.Now().Add(time.Duration(ps.DueSoonDays) * 24 * time.Hour)
			for _, r := range rs {
				if r.PatronDue.IsZero() || r.PatronDue.After(until) || r.PatronDue.Before(tx.Now()) {
					continue
				}
				if err := a.sendPatronNotice(ctx, tx, r, "due_soon"); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// calendarLocation is the agency's time zone from its business calendar.
func calendarLocation(tx *store.Tx, agency ill.AgencyID) (*time.Location, error) {
	c, err := settings.CalendarSetting.GetTx(tx, agency)
	return c.Location, err
}
