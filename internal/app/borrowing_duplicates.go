package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"interlend/internal/bibid"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// The duplicate check at intake: a patron asking again for something they
// asked for within the look-back (BorrowingSettings.DuplicateDays), still
// open or filled, is told so and nothing is stored; a case that may or may
// not be the same item (another edition, a chapter of a book asked for
// whole, a title without its author) goes to review as a possible
// duplicate. Staff placing a request for a patron are not refused: a clear
// duplicate goes to review too, so that they decide. Cancelled and
// unfilled requests never make a duplicate (asking again is the point).

// Review reasons of the duplicate check.
const (
	ReviewDuplicate         = "duplicate"          // the same item, asked for by staff on the patron's behalf
	ReviewPossibleDuplicate = "possible_duplicate" // borderline: staff decide
)

// DupVerdict is how alike two requests' citations are.
type DupVerdict string

// Verdicts of CompareCitations.
const (
	DupDifferent  DupVerdict = "different"
	DupSame       DupVerdict = "same"
	DupBorderline DupVerdict = "borderline"
)

// maxDuplicateScan bounds the patron's earlier requests compared.
const maxDuplicateScan = 200

func init() {
	addIntake(duplicateIntake)
}

// normIDs are a citation's identifiers in their normal forms.
type normIDs struct{ doi, pmid, isbn, oclc string }

func idsOf(c ill.Citation) normIDs {
	var n normIDs
	n.doi, _ = bibid.NormaliseDOI(c.DOI)
	n.pmid, _ = bibid.NormalisePMID(c.PMID)
	n.isbn, _ = bibid.NormaliseISBN(c.ISBN)
	n.oclc, _ = bibid.NormaliseOCLC(c.OCLCNumber)
	return n
}

// isPart reports whether a citation asks for a part (article, chapter).
func isPart(c ill.Citation) bool {
	return c.ArticleTitle != "" || c.Chapter != "" || c.PublicationType == ill.PubArticle || c.PublicationType == ill.PubChapter
}

func norm(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// CompareCitations decides whether two citations ask for the same thing.
// Article-level identifiers (DOI, PMID) settle it; work-level ones (ISBN,
// OCLC number) settle the work, and then the part asked for decides;
// otherwise the normalised title and first author do, with near misses
// borderline.
func CompareCitations(a, b ill.Citation) DupVerdict {
	ia, ib := idsOf(a), idsOf(b)
	switch {
	case ia.doi != "" && ia.doi == ib.doi, ia.pmid != "" && ia.pmid == ib.pmid:
		return DupSame
	case ia.doi != "" && ib.doi != "", ia.pmid != "" && ib.pmid != "":
		return DupDifferent // both carry an article id, and they differ
	}
	pa, pb := isPart(a), isPart(b)
	sameWork := (ia.isbn != "" && ia.isbn == ib.isbn) || (ia.oclc != "" && ia.oclc == ib.oclc)
	if sameWork {
		switch {
		case pa != pb:
			return DupBorderline // a chapter, and the whole book
		case !pa:
			if a.Volume != "" && b.Volume != "" && norm(a.Volume) != norm(b.Volume) {
				return DupDifferent // volumes of a set
			}
			return DupSame
		}
		return comparePart(a, b)
	}
	// Articles: the journal, volume and first page name the article.
	if pa && pb && a.JournalTitle != "" && b.JournalTitle != "" {
		if bibid.Similarity(a.JournalTitle, b.JournalTitle) >= 0.9 && a.Volume != "" && norm(a.Volume) == norm(b.Volume) &&
			firstPage(a.Pages) != "" && firstPage(a.Pages) == firstPage(b.Pages) {
			return DupSame
		}
	}
	if pa != pb {
		// A part of a work against a whole work: the part's container may be
		// the book asked for.
		whole, part := a, b
		if pa {
			whole, part = b, a
		}
		if part.JournalTitle == "" && bibid.Similarity(whole.Title, part.Title) >= 0.9 && sameAuthor(whole, part) != authorsDiffer {
			return DupBorderline
		}
		return DupDifferent
	}
	if pa {
		return comparePart(a, b)
	}
	sim := bibid.Similarity(a.DisplayTitle(), b.DisplayTitle())
	au := sameAuthor(a, b)
	idsConflict := (ia.isbn != "" && ib.isbn != "") || (ia.oclc != "" && ib.oclc != "") // different editions or works
	volDiffer := a.Volume != "" && b.Volume != "" && norm(a.Volume) != norm(b.Volume)
	switch {
	case au == authorsDiffer:
		return DupDifferent
	case volDiffer:
		return DupDifferent
	case sim == 1 && au == authorsSame && !idsConflict:
		return DupSame
	case sim >= 0.9 && au == authorsSame:
		return DupBorderline // another edition, or a subtitle cited differently
	case sim >= 0.9 && au == authorsUnknown:
		return DupBorderline
	case sim >= 0.75 && au == authorsSame:
		return DupBorderline // a spelling variant
	}
	return DupDifferent
}

// comparePart compares two parts (articles, chapters) of the same or an
// unknown container.
func comparePart(a, b ill.Citation) DupVerdict {
	ta, tb := a.ArticleTitle, b.ArticleTitle
	if ta == "" || tb == "" {
		if a.Chapter != "" && b.Chapter != "" {
			if norm(a.Chapter) == norm(b.Chapter) {
				return DupSame
			}
			return DupDifferent
		}
		if fa, fb := firstPage(a.Pages), firstPage(b.Pages); fa != "" && fb != "" {
			if fa == fb {
				return DupSame
			}
			return DupDifferent
		}
		return DupBorderline
	}
	sim := bibid.Similarity(ta, tb)
	au := sameAuthor(a, b)
	na, nb := bibid.NormaliseTitle(ta), bibid.NormaliseTitle(tb)
	prefix := min(len(na), len(nb)) >= 12 && (strings.HasPrefix(na, nb) || strings.HasPrefix(nb, na))
	switch {
	case sim == 1 && au != authorsDiffer:
		return DupSame
	case (sim >= 0.8 || prefix) && au != authorsDiffer:
		return DupBorderline // a title cited in part
	}
	return DupDifferent
}

type authorMatch int

const (
	authorsUnknown authorMatch = iota // one or both without an author
	authorsSame
	authorsDiffer
)

func sameAuthor(a, b ill.Citation) authorMatch {
	ka, kb := bibid.NormaliseAuthor(a.Author), bibid.NormaliseAuthor(b.Author)
	switch {
	case ka == "" || kb == "":
		return authorsUnknown
	case ka == kb:
		return authorsSame
	}
	// "Carson" against "Carson, Rachel": the surnames agree.
	sa, sb := strings.Fields(ka), strings.Fields(kb)
	if (len(sa) == 1 || len(sb) == 1) && sa[0] == sb[0] {
		return authorsSame
	}
	return authorsDiffer
}

// firstPage is the first page of a page range ("123-145" → "123").
func firstPage(p string) string {
	p = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(p), "pp."), "p."))
	if i := strings.IndexAny(p, "-–—,"); i >= 0 {
		p = p[:i]
	}
	return strings.TrimSpace(p)
}

// DuplicateMatch is an earlier request of the patron like a new one.
type DuplicateMatch struct {
	Request *ill.Request
	Verdict DupVerdict
}

// duplicateCandidate reports whether an earlier request can make a new one
// a duplicate: open, or filled (a cancelled or unfilled one cannot).
func duplicateCandidate(r *ill.Request) bool {
	if r.Side != ill.Borrowing {
		return false
	}
	if !ill.BorrowingWorkflow.Terminal(r.State) {
		return true
	}
	return r.State == ill.BCompleted
}

// findDuplicates compares a request with the patron's requests created
// within the agency's look-back; the strongest verdicts come first.
func findDuplicates(tx *store.Tx, agency ill.AgencyID, patronID int64, r *ill.Request) ([]DuplicateMatch, error) {
	if patronID == 0 {
		return nil, nil
	}
	set, err := BorrowingSetting.GetTx(tx, agency)
	if err != nil {
		return nil, err
	}
	since := tx.Now().Add(-time.Duration(set.DuplicateDays) * 24 * time.Hour)
	earlier, err := tx.Agency().PatronRecentRequests(agency, patronID, since, maxDuplicateScan)
	if err != nil {
		return nil, err
	}
	var same, border []DuplicateMatch
	for _, e := range earlier {
		if e.ID == r.ID || !duplicateCandidate(e) {
			continue
		}
		switch CompareCitations(r.Citation, e.Citation) {
		case DupSame:
			same = append(same, DuplicateMatch{Request: e, Verdict: DupSame})
		case DupBorderline:
			border = append(border, DuplicateMatch{Request: e, Verdict: DupBorderline})
		}
	}
	return append(same, border...), nil
}

// duplicateIntake is the intake step.
func duplicateIntake(tx *store.Tx, actor ill.Actor, r *ill.Request) error {
	if r.Side != ill.Borrowing || r.State != ill.BValidated {
		return nil
	}
	patronID := r.PatronID
	if patronID == 0 {
		p, ok, err := intakePatron(tx, actor.Agency, actor, r)
		if err != nil || !ok {
			return err
		}
		patronID = p.ID
	}
	matches, err := findDuplicates(tx, actor.Agency, patronID, r)
	if err != nil || len(matches) == 0 {
		return err
	}
	m := matches[0]
	if m.Verdict == DupBorderline {
		r.State, r.ReviewReason = ill.BReview, ReviewPossibleDuplicate
		return nil
	}
	if actor.Kind != ill.ActorPatron {
		r.State, r.ReviewReason = ill.BReview, ReviewDuplicate
		return nil
	}
	return ill.E(ill.Conflict, fmt.Sprintf("You already asked for this on %s (request %s): you can follow it under My requests.",
		m.Request.CreatedAt.UTC().Format("2 January 2006"), m.Request.PublicID),
		map[string]string{"duplicateOf": m.Request.PublicID})
}

// Duplicates lists a borrowing request's possible duplicates among the
// same patron's requests (the desk shows them for requests in review).
func (a *App) Duplicates(ctx context.Context, actor ill.Actor, publicID string) ([]DuplicateMatch, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, err
	}
	var out []DuplicateMatch
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil || r.Side != ill.Borrowing {
			return err
		}
		out, err = findDuplicates(tx, r.Agency, r.PatronID, r)
		return err
	})
	return out, err
}
