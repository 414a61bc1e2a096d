package app

import (
	"context"
	"regexp"
	"strings"
	"unicode/utf8"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// The patron's side of a bad or incomplete copy (problems_receipt.go):
// from the portal, the patron of a delivered copy says what is wrong
// with it; the borrowing action report_bad_copy is taken as the patron
// (the table lets patrons take it), so the event names the patron and
// the bad_copy problem opens as when staff report it. The lender's
// Notification carries the reason only, never who the patron is.

// What the patron says is wrong with a copy.
const (
	BadCopyPagesMissing = "pages_missing"
	BadCopyUnreadable   = "unreadable"
	BadCopyWrongArticle = "wrong_article"
	BadCopyOther        = "other"
)

// BadCopyReasons lists the choices in the portal's order.
var BadCopyReasons = []string{BadCopyPagesMissing, BadCopyUnreadable, BadCopyWrongArticle, BadCopyOther}

// badCopyWords are the reasons as the lender and staff read them.
var badCopyWords = map[string]string{
	BadCopyPagesMissing: "Pages are missing.",
	BadCopyUnreadable:   "Pages are unreadable (blurred, cut off or too dark).",
	BadCopyWrongArticle: "It is not the article we asked for.",
	BadCopyOther:        "Something else is wrong.",
}

// BadCopyNoteMax is the longest note a patron may add, in characters.
const BadCopyNoteMax = 1000

var emailLike = regexp.MustCompile(`[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+`)

// PortalReportBadCopy reports, for the patron, that their delivered copy
// is bad or incomplete: what is one of BadCopyReasons, note is free text
// (required for BadCopyOther). The lender is asked to send it again.
// Returns NotFound, Forbidden, Invalid (fields "what", "note") or
// Conflict (not a delivered copy, or already reported and still open).
func (a *App) PortalReportBadCopy(ctx context.Context, actor ill.Actor, publicID, what, note string) (*ill.Request, error) {
	if err := requirePatron(actor); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	fields := map[string]string{}
	if _, ok := badCopyWords[what]; !ok {
		fields["what"] = "problems.portal.err.what"
	}
	switch {
	case utf8.RuneCountInString(note) > BadCopyNoteMax:
		fields["note"] = "problems.portal.err.long"
	case note == "" && what == BadCopyOther:
		fields["note"] = "problems.portal.err.note"
	}
	var out *ill.Request
	err := a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		if r.ServiceType != ill.Copy || r.State != ill.BCompleted || r.Partner == "" {
			return ill.E(ill.Conflict, "This is not a delivered copy: there is nothing to report here.")
		}
		open, err := hasOpenProblem(tx, r, ill.ProbBadCopy)
		if err != nil {
			return err
		}
		if open {
			return errBadCopyOpen()
		}
		if len(fields) > 0 {
			return ill.E(ill.Invalid, "Say what is wrong with the copy.", fields)
		}
		// The patron's words are cleaned of who they are in the action's
		// effect (patronReportsOnce), as when taken through the API.
		params := map[string]any{"note": badCopyNote(what, note)}
		if err := a.perform(tx, actor, r, ill.ActReportBadCopy, params, 0); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}

// badCopyNote is the note of the report: the reason in words, then the
// patron's own words.
func badCopyNote(what, note string) string {
	s := "Reported by our patron: " + badCopyWords[what]
	if note != "" {
		s += " " + note
	}
	return s
}

// withoutPatron takes any email address and the patron's name, email and
// barcode (who) out of a note: lenders never see who the patron is.
func withoutPatron(who []string, note string) string {
	note = emailLike.ReplaceAllString(note, "[removed]")
	if re := identityPattern(who); re != nil {
		note = re.ReplaceAllString(note, "[removed]")
	}
	return note
}

// errBadCopyOpen refuses a patron's second report while one is open.
func errBadCopyOpen() error {
	return ill.E(ill.Conflict, "You have already reported this copy; the library is asking for a new copy.")
}

// patronReportsOnce refuses a patron's report_bad_copy while a bad-copy
// problem is open, however it is taken (the portal, or the API's generic
// action), and takes who the patron is out of their note; staff may
// report again.
func patronReportsOnce(tx *store.Tx, ch *change) error {
	if ch.actor.Kind != ill.ActorPatron {
		return nil
	}
	open, err := hasOpenProblem(tx, ch.req, ill.ProbBadCopy)
	if err == nil && open {
		err = errBadCopyOpen()
	}
	if err != nil {
		return err
	}
	r := ch.req
	who := []string{ch.actor.Name}
	if r.PatronID != 0 {
		if pat, err := tx.Agency().Patron(r.Agency, r.PatronID); err == nil {
			who = append(who, pat.Name, pat.Email, pat.Barcode)
		}
	}
	ch.params["note"] = withoutPatron(who, ch.params.Str("note"))
	return nil
}

// badCopyFor says whether the patron may report the copy of r as bad
// now, and whether a report is open (the library is asking for a new
// copy).
func badCopyFor(tx *store.Tx, r *ill.Request) (may, open bool, err error) {
	if r.ServiceType != ill.Copy || r.State != ill.BCompleted || r.Partner == "" {
		return false, false, nil
	}
	open, err = hasOpenProblem(tx, r, ill.ProbBadCopy)
	return !open && err == nil, open, err
}
