package store

import (
	"database/sql"

	"interlend/internal/ill"
)

// requestCols are the columns of a request row that repeat or derive from
// its JSON document, for lists, queues, search and their indexes.
type requestCols struct {
	state, partner, partnerRequestID, serviceType           string
	title, titleKey, authorKey, isbn, issn, oclc, doi, pmid string
	patronID, needBefore, closedAt, owner                   sql.NullInt64
	attention                                               bool
	closeReason                                             string
	unread                                                  int
}

func colsOf(r *ill.Request) requestCols {
	k := keysOf(r)
	return requestCols{state: string(r.State), partner: string(r.Partner), partnerRequestID: r.PartnerRequestID, serviceType: string(r.ServiceType),
		title: k.title, titleKey: k.titleKey, authorKey: k.authorKey, isbn: k.isbn, issn: k.issn, oclc: k.oclc, doi: k.doi, pmid: k.pmid,
		patronID: nullID(r.PatronID), needBefore: nullMicros(r.NeedBefore), closedAt: nullMicros(r.ClosedAt), owner: nullID(r.OwnerUserID),
		attention: r.Attention, closeReason: string(r.CloseReason), unread: r.UnreadMessages}
}

// column is one column's name and value.
type column struct {
	name  string
	value any
}

// list is every column, always in the same order.
func (c requestCols) list() []column {
	return []column{{"state", c.state}, {"partner", c.partner}, {"partner_request_id", c.partnerRequestID}, {"service_type", c.serviceType},
		{"title", c.title}, {"title_key", c.titleKey}, {"author_key", c.authorKey}, {"isbn", c.isbn}, {"issn", c.issn}, {"oclc", c.oclc},
		{"doi", c.doi}, {"pmid", c.pmid}, {"patron_id", c.patronID}, {"need_before", c.needBefore}, {"attention", c.attention},
		{"close_reason", c.closeReason}, {"closed_at", c.closedAt}, {"owner_user_id", c.owner}, {"unread_messages", c.unread}}
}

// changed returns the columns of c that differ from was (all of them
// when was is unknown).
func (c requestCols) changed(was *requestCols) []column {
	now := c.list()
	if was == nil {
		return now
	}
	before := was.list()
	out := now[:0]
	for i, col := range now {
		if col.value != before[i].value {
			out = append(out, col)
		}
	}
	return out
}

// The transaction keeps the columns of the request rows it has locked or
// written, so that saving a request writes only the columns that changed:
// SQLite maintains an index only when a column of it is written, and a
// request row has a dozen. A row changed by other statements is
// forgotten (written whole next time).

func (t *Tx) rememberRow(id int64, c requestCols) {
	if t.rows == nil {
		t.rows = map[int64]requestCols{}
	}
	t.rows[id] = c
}

func (t *Tx) forgetRow(id int64) { delete(t.rows, id) }

func (t *Tx) knownRow(id int64) *requestCols {
	if c, ok := t.rows[id]; ok {
		return &c
	}
	return nil
}

// locked remembers the row of a request just read with its lock.
func (t *Tx) locked(r *ill.Request, err error) (*ill.Request, error) {
	if err == nil {
		t.rememberRow(r.ID, colsOf(r))
	}
	return r, err
}
