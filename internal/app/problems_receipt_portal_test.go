package app_test

import (
	"strings"
	"testing"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// deliveredArticle is a patron's article request delivered by staff.
func (pw *portalWorld) deliveredArticle(title string) *ill.Request {
	pw.t.Helper()
	r := pw.submit(app.PortalForm{Kind: app.FormArticle, CopyrightAccepted: true,
		Fields: map[string]string{"atitle": title, "jtitle": "Nature", "date": "1953"}})
	pw.do(staff(libA), r.PublicID, ill.ActCompleteCopy, nil)
	pw.wantState(libA, r.PublicID, ill.BCompleted)
	return r
}

// A patron reports a bad copy from the portal: the bad_copy problem opens
// as when staff report it, the event is the patron's, and the lender's
// Notification carries the reason but not who the patron is. A second
// report, another patron, a loan, an undelivered copy and a bad choice
// are refused.
func TestPortalReportBadCopy(t *testing.T) {
	t.Parallel()
	pw := newPortalWorld(t, store.SQLite)
	r := pw.deliveredArticle("Molecular structure of nucleic acids")
	if v := pw.view(r.PublicID); !v.BadCopy || v.BadCopyOpen {
		t.Fatalf("delivered copy: may report %v, open %v", v.BadCopy, v.BadCopyOpen)
	}

	// Refused before anything happens.
	if _, err := pw.app.PortalReportBadCopy(pw.ctx, pw.other, r.PublicID, app.BadCopyPagesMissing, ""); !ill.Is(err, ill.NotFound) {
		t.Errorf("another patron's request: %v", err)
	}
	if _, err := pw.app.PortalReportBadCopy(pw.ctx, staff(libA), r.PublicID, app.BadCopyPagesMissing, ""); !ill.Is(err, ill.Forbidden) {
		t.Errorf("staff through the portal: %v", err)
	}
	_, err := pw.app.PortalReportBadCopy(pw.ctx, pw.actor, r.PublicID, "smudged", "")
	if !ill.Is(err, ill.Invalid) || ill.FieldErrors(err)["what"] != "problems.portal.err.what" {
		t.Errorf("a bad choice: %v %v", err, ill.FieldErrors(err))
	}
	_, err = pw.app.PortalReportBadCopy(pw.ctx, pw.actor, r.PublicID, app.BadCopyOther, "  ")
	if !ill.Is(err, ill.Invalid) || ill.FieldErrors(err)["note"] != "problems.portal.err.note" {
		t.Errorf("other without a note: %v %v", err, ill.FieldErrors(err))
	}
	_, err = pw.app.PortalReportBadCopy(pw.ctx, pw.actor, r.PublicID, app.BadCopyPagesMissing, strings.Repeat("n", app.BadCopyNoteMax+1))
	if !ill.Is(err, ill.Invalid) || ill.FieldErrors(err)["note"] != "problems.portal.err.long" {
		t.Errorf("an oversized note: %v %v", err, ill.FieldErrors(err))
	}
	loan := pw.submit(book("A loan, not a copy"))
	if _, err := pw.app.PortalReportBadCopy(pw.ctx, pw.actor, loan.PublicID, app.BadCopyPagesMissing, ""); !ill.Is(err, ill.Conflict) {
		t.Errorf("a loan: %v", err)
	}
	sent := pw.submit(app.PortalForm{Kind: app.FormArticle, CopyrightAccepted: true, Fields: map[string]string{"atitle": "Not yet here", "jtitle": "Nature", "date": "1954"}})
	if _, err := pw.app.PortalReportBadCopy(pw.ctx, pw.actor, sent.PublicID, app.BadCopyPagesMissing, ""); !ill.Is(err, ill.Conflict) {
		t.Errorf("a copy not yet delivered (%s): %v", pw.req(libA, sent.PublicID).State, err)
	}
	if v := pw.view(sent.PublicID); v.BadCopy {
		t.Error("the form is offered for a copy not yet delivered")
	}
	if ps, _ := pw.app.RequestProblems(pw.ctx, staff(libA), r.PublicID); len(ps) != 0 {
		t.Fatalf("a refused report opened a problem: %+v", ps)
	}

	// The report, with the patron's name and email in the note.
	note := "Pages 738 and 739 are blank. Write to " + pw.email + " or ask for pat reader."
	if _, err := pw.app.PortalReportBadCopy(pw.ctx, pw.actor, r.PublicID, app.BadCopyPagesMissing, note); err != nil {
		t.Fatalf("report: %v %v", err, ill.FieldErrors(err))
	}
	pw.settle()
	pw.wantState(libA, r.PublicID, ill.BCompleted)
	p := pw.transitOpen(libA, r.PublicID, ill.ProbBadCopy)
	if p.Step != "resend_asked" || !strings.Contains(p.Note, "Pages are missing.") {
		t.Errorf("problem at %q, note %q", p.Step, p.Note)
	}
	if q, err := pw.app.Problems(pw.ctx, staff(libA), store.ProblemFilter{Kind: ill.ProbBadCopy}); err != nil || len(q) != 1 || q[0].Request != r.PublicID {
		t.Errorf("staff's problems page: %+v (%v)", q, err)
	}
	evs, msgs, err := pw.app.Timeline(pw.ctx, sys(libA), r.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	byPatron := false
	for _, e := range evs {
		if e.Type == "bad_copy_reported" {
			byPatron = e.ActorKind == ill.ActorPatron && e.ActorUser == pw.actor.UserID
		}
	}
	if !byPatron {
		t.Error("no bad_copy_reported event by the patron")
	}
	var out []string
	for _, m := range msgs {
		if m.Direction == "out" && m.Body.Action == ill.ActionNotification {
			out = append(out, m.Body.Note)
		}
	}
	if len(out) != 1 {
		t.Fatalf("Notifications to the lender: %q", out)
	}
	n := out[0]
	if !strings.HasPrefix(n, ill.MarkResendCopy) || !strings.Contains(n, "Pages are missing.") || !strings.Contains(n, "738 and 739") {
		t.Errorf("the lender's note does not carry the reason: %q", n)
	}
	for _, secret := range []string{pw.email, "Pat Reader", "pat reader", "P100"} {
		if strings.Contains(n, secret) {
			t.Errorf("the lender's note names the patron (%q): %q", secret, n)
		}
	}
	pw.transitOpen(libB, pw.lendingFor(libB, r).PublicID, ill.ProbBadCopy)
	if v := pw.view(r.PublicID); v.BadCopy || !v.BadCopyOpen {
		t.Errorf("after the report: may report %v, open %v", v.BadCopy, v.BadCopyOpen)
	}

	// Once is enough, in the portal and through the generic action.
	if _, err := pw.app.PortalReportBadCopy(pw.ctx, pw.actor, r.PublicID, app.BadCopyUnreadable, ""); !ill.Is(err, ill.Conflict) {
		t.Errorf("a second report: %v", err)
	}
	if _, err := pw.app.Perform(pw.ctx, pw.actor, r.PublicID, ill.ActReportBadCopy, map[string]any{"note": "again"}, 0); !ill.Is(err, ill.Conflict) {
		t.Errorf("a second report as the action: %v", err)
	}
}
