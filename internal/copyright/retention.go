package copyright

import "time"

// PurgeNotBefore is R14: records of a CONTU-relevant request are kept until
// the end of the third full calendar year after the request year, so they
// may be purged from 1 January of requestYear+4 (request 2025-03-04: kept
// through 2028-12-31, purge from 2029-01-01), in the request date's zone.
func PurgeNotBefore(requestDate time.Time) time.Time {
	return time.Date(requestDate.Year()+4, 1, 1, 0, 0, 0, 0, requestDate.Location())
}

// CAPurgeNotBefore is the Canadian record's end: kept three years from the
// request (SOR/99-325 s.4, as summarised in copyright.md §2).
func CAPurgeNotBefore(requestDate time.Time) time.Time {
	return requestDate.AddDate(3, 0, 0)
}

// KeepUntil is when the copyright rules stop requiring e's ledger row:
// PurgeNotBefore for CONTU-relevant US rows (and for every row when
// KeepAllCopyRequests is set), three years for Canadian rows, and the zero
// time when no rule requires the row at all.
func (r Rules) KeepUntil(e Entry) time.Time {
	var t time.Time
	if e.Relevant() || r.KeepAllCopyRequests {
		t = PurgeNotBefore(e.RequestDate)
	}
	if r.Regime == RegimeCA {
		if ca := CAPurgeNotBefore(e.RequestDate); ca.After(t) {
			t = ca
		}
	}
	return t
}

// Purgeable is the predicate for the purge job: true when no copyright rule
// requires e's row any more at now. A row still awaiting clearance or in
// process is never purgeable, since it may count. True does not oblige the
// caller to delete: its general retention settings may keep the row longer.
func (r Rules) Purgeable(e Entry, now time.Time) bool {
	if e.State == StateAwaiting || e.State == StateInProcess {
		return false
	}
	return !now.Before(r.KeepUntil(e))
}

// CARecord is the record a Canadian library keeps of a copy it made or
// obtained for a user (SOR/99-325 s.4): who asked (a pseudonym here), when,
// what, which pages. Keep it until PurgeNotBefore.
type CARecord struct {
	RequestID      string    `json:"requestId"`
	RequesterKey   string    `json:"requesterKey"` // pseudonym, never a name
	Date           time.Time `json:"date"`
	Title          string    `json:"title"` // journal or book
	PartTitle      string    `json:"partTitle,omitempty"`
	Volume         string    `json:"volume,omitempty"`
	Issue          string    `json:"issue,omitempty"`
	Pages          string    `json:"pages,omitempty"`
	PubDate        string    `json:"pubDate,omitempty"`
	Identifier     string    `json:"identifier,omitempty"` // ISSN, ISBN or DOI as cited
	PurgeNotBefore time.Time `json:"purgeNotBefore"`
}

// NewCARecord builds the Canadian copy record for a request.
func NewCARecord(q Request) CARecord {
	rec := CARecord{
		RequestID:      q.ID,
		RequesterKey:   q.PatronKey,
		Date:           q.RequestDate,
		Volume:         q.Volume,
		Issue:          q.Issue,
		Pages:          q.Pages,
		PubDate:        q.PubDate.String(),
		PurgeNotBefore: CAPurgeNotBefore(q.RequestDate),
	}
	if q.periodical() {
		rec.Title, rec.PartTitle = q.JournalTitle, q.ArticleTitle
	} else {
		rec.Title, rec.PartTitle = q.WorkTitle, q.Chapter
	}
	for _, id := range []string{q.DOI, q.ISSN, q.EISSN, q.ISSNL, q.ISBN} {
		if id != "" {
			rec.Identifier = id
			break
		}
	}
	return rec
}
