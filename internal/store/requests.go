package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"interlend/internal/bibid"
	"interlend/internal/ill"
)

// publicIDBase makes request ids at least seven digits long, so that they
// read and scan well (B1000042).
const publicIDBase = 1000000

// PublicID formats a request's public id from its row id and side.
func PublicID(side ill.Side, id int64) string {
	p := "B"
	if side == ill.Lending {
		p = "L"
	}
	return fmt.Sprintf("%s%d", p, publicIDBase+id)
}

// nextID reserves the next id of a table with an identity column.
func (t *Tx) nextID(table string) (int64, error) {
	var id int64
	var err error
	if t.db.engine == Postgres {
		err = t.queryRow(`SELECT nextval(pg_get_serial_sequence($1, 'id'))`, table).Scan(&id)
	} else {
		// One writer at a time: max+1 cannot race.
		err = t.queryRow(`SELECT coalesce(max(id), 0) + 1 FROM ` + table).Scan(&id)
	}
	return id, err
}

// requestKeys are the indexed columns derived from a request.
type requestKeys struct {
	title, titleKey, authorKey, isbn, issn, oclc, doi, pmid string
}

func keysOf(r *ill.Request) requestKeys {
	c := r.Citation
	k := requestKeys{title: c.DisplayTitle()}
	main := c.Title
	if c.ArticleTitle != "" {
		main = c.ArticleTitle
	}
	k.titleKey = bibid.NormaliseTitle(main)
	k.authorKey = bibid.NormaliseAuthor(c.Author)
	if isbn, ok := bibid.NormaliseISBN(c.ISBN); ok {
		k.isbn = isbn
	}
	if issn, ok := bibid.NormaliseISSN(c.ISSN); ok {
		k.issn = issn
	}
	if oclc, ok := bibid.NormaliseOCLC(c.OCLCNumber); ok {
		k.oclc = oclc
	}
	if doi, ok := bibid.NormaliseDOI(c.DOI); ok {
		k.doi = doi
	}
	if pmid, ok := bibid.NormalisePMID(c.PMID); ok {
		k.pmid = pmid
	}
	return k
}

// CreateRequest stores a new request: it gets its id, public id, version 1
// and timestamps. Returns Conflict for a lending request whose partner key
// exists.
func (a AgencyData) CreateRequest(agency ill.AgencyID, r *ill.Request) error {
	id, err := a.t.nextID("requests")
	if err != nil {
		return err
	}
	r.ID, r.PublicID, r.Agency, r.Version = id, PublicID(r.Side, id), agency, 1
	r.CreatedAt, r.UpdatedAt = a.t.now, a.t.now
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	c := colsOf(r)
	_, err = a.t.exec(`INSERT INTO requests (id, public_id, agency, side, state, version, partner, partner_request_id, service_type,
		title, title_key, author_key, isbn, issn, oclc, doi, pmid, patron_id, need_before, attention, close_reason, data, created_at, updated_at, closed_at, owner_user_id, unread_messages)
		VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22, $23, $24, $25)`,
		id, r.PublicID, string(agency), string(r.Side), c.state, c.partner, c.partnerRequestID, c.serviceType,
		c.title, c.titleKey, c.authorKey, c.isbn, c.issn, c.oclc, c.doi, c.pmid, c.patronID,
		c.needBefore, c.attention, c.closeReason, string(data), micros(a.t.now), c.closedAt, c.owner, c.unread)
	if err == nil {
		a.t.rememberRow(id, c)
	}
	if isUniqueViolation(err) {
		return ill.Errorf(ill.Conflict, "a request %s from %s already exists", r.PartnerRequestID, r.Partner)
	}
	if isForeignKeyViolation(err) {
		return ill.Errorf(ill.NotFound, "agency %s is not hosted here", agency)
	}
	return err
}

func scanRequest(sc interface{ Scan(...any) error }) (*ill.Request, error) {
	var id, version int64
	var data string
	if err := sc.Scan(&id, &version, &data); err != nil {
		return nil, err
	}
	r := &ill.Request{}
	if err := json.Unmarshal([]byte(data), r); err != nil {
		return nil, fmt.Errorf("store: request %d: %w", id, err)
	}
	r.ID, r.Version = id, version
	return r, nil
}

// queryRequests runs q, which selects id, version and data from requests,
// and reads every row.
func (t *Tx) queryRequests(q string, args ...any) ([]*ill.Request, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ill.Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func notFoundRequest(id string) error {
	return ill.Errorf(ill.NotFound, "no request %s here", id)
}

// GetRequest finds an agency's request by public id. Returns NotFound
// (also for another agency's request).
func (a AgencyData) GetRequest(agency ill.AgencyID, publicID string) (*ill.Request, error) {
	r, err := scanRequest(a.t.queryRow(`SELECT id, version, data FROM requests WHERE public_id = $1 AND agency = $2`,
		strings.ToUpper(strings.TrimSpace(publicID)), string(agency)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFoundRequest(publicID)
	}
	return r, err
}

// LockRequestByID finds an agency's request by row id, locked. Returns NotFound.
func (a AgencyData) LockRequestByID(agency ill.AgencyID, id int64) (*ill.Request, error) {
	r, err := scanRequest(a.t.queryRow(`SELECT id, version, data FROM requests WHERE id = $1 AND agency = $2`+a.t.db.forUpdate(), id, string(agency)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFoundRequest(fmt.Sprint(id))
	}
	return a.t.locked(r, err)
}

// LockRequest finds an agency's request and locks it until the transaction
// ends, so that messages and actions on one request apply one at a time.
// Returns NotFound.
func (a AgencyData) LockRequest(agency ill.AgencyID, publicID string) (*ill.Request, error) {
	r, err := scanRequest(a.t.queryRow(`SELECT id, version, data FROM requests WHERE public_id = $1 AND agency = $2`+a.t.db.forUpdate(),
		strings.ToUpper(strings.TrimSpace(publicID)), string(agency)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFoundRequest(publicID)
	}
	return a.t.locked(r, err)
}

// LockLendingRequest finds a lending request by the borrower and the
// borrower's request id, locked. Returns NotFound.
func (a AgencyData) LockLendingRequest(agency ill.AgencyID, borrower ill.AgencyID, borrowerRequestID string) (*ill.Request, error) {
	return a.t.locked(a.lendingRequest(agency, borrower, borrowerRequestID, a.t.db.forUpdate()))
}

// GetLendingRequest is LockLendingRequest without the lock (reads).
func (a AgencyData) GetLendingRequest(agency ill.AgencyID, borrower ill.AgencyID, borrowerRequestID string) (*ill.Request, error) {
	return a.lendingRequest(agency, borrower, borrowerRequestID, "")
}

func (a AgencyData) lendingRequest(agency ill.AgencyID, borrower ill.AgencyID, borrowerRequestID, lock string) (*ill.Request, error) {
	r, err := scanRequest(a.t.queryRow(`SELECT id, version, data FROM requests WHERE agency = $1 AND side = 'lending' AND partner = $2 AND partner_request_id = $3`+lock,
		string(agency), string(borrower), borrowerRequestID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ill.Errorf(ill.NotFound, "no request %s from %s here", borrowerRequestID, borrower)
	}
	return r, err
}

// UpdateRequest saves a request. With expectVersion > 0 it succeeds only if
// the stored version still is that (optimistic concurrency for staff);
// otherwise Conflict. The version goes up by one.
func (a AgencyData) UpdateRequest(agency ill.AgencyID, r *ill.Request, expectVersion int64) error {
	r.UpdatedAt = a.t.now
	r.Version++
	data, err := json.Marshal(r)
	if err != nil {
		r.Version--
		return err
	}
	// Only the columns that changed since the row was locked or written
	// in this transaction (requests_columns.go).
	c := colsOf(r)
	set := []string{"version = $1", "data = $2", "updated_at = $3"}
	args := []any{r.Version, string(data), micros(a.t.now)}
	for _, col := range c.changed(a.t.knownRow(r.ID)) {
		args = append(args, col.value)
		set = append(set, fmt.Sprintf("%s = $%d", col.name, len(args)))
	}
	args = append(args, r.ID, string(agency))
	q := fmt.Sprintf("UPDATE requests SET %s WHERE id = $%d AND agency = $%d", strings.Join(set, ", "), len(args)-1, len(args))
	if expectVersion > 0 {
		args = append(args, expectVersion)
		q += fmt.Sprintf(" AND version = $%d", len(args))
	}
	err = a.t.execOne(ill.E(ill.Conflict, fmt.Sprintf("request %s was changed by someone else meanwhile; reload it and try again", r.PublicID)), q, args...)
	if err != nil {
		r.Version--
		return err
	}
	a.t.rememberRow(r.ID, c)
	return nil
}

// RequestFilter selects requests for lists, queues and search.
type RequestFilter struct {
	Side      ill.Side
	States    []ill.State
	Attention bool   // only requests needing attention
	PatronID  int64  // one patron's requests
	Owner     int64  // the requests one login sees in the portal (owner_user_id)
	Query     string // id, barcode, OCLC/ISBN/ISSN, or title words
	Partner   ill.AgencyID
	Open      bool // only non-terminal
	Sort      string
	Limit     int
	Offset    int
}

// ListRequests returns matching requests, newest activity first (or by
// need-before date), and the total count without paging.
func (a AgencyData) ListRequests(agency ill.AgencyID, f RequestFilter) ([]*ill.Request, int, error) {
	where := []string{"agency = $1"}
	args := []any{string(agency)}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	switch f.Side {
	case "":
	case ill.Borrowing, ill.Lending:
		// Written into the text: SQLite compiles a statement again for
		// every new value of a parameter that decides whether a partial
		// index (requests_lending_key) applies.
		where = append(where, "side = '"+string(f.Side)+"'")
	default:
		add("side = $%d", string(f.Side))
	}
	if len(f.States) > 0 {
		ph := make([]string, len(f.States))
		for i, s := range f.States {
			args = append(args, string(s))
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		where = append(where, "state IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Attention {
		add("attention = $%d", true)
	}
	if f.PatronID != 0 {
		add("patron_id = $%d", f.PatronID)
	}
	if f.Owner != 0 {
		add("owner_user_id = $%d", f.Owner)
	}
	if f.Partner != "" {
		add("partner = $%d", string(f.Partner))
	}
	if f.Open {
		where = append(where, "closed_at IS NULL")
	}
	q := strings.TrimSpace(f.Query)
	if q == "" {
		return a.listWhere(where, args, f)
	}
	// A request's own id or the partner's id for it is the usual scan or
	// paste: found through the indexes alone, and it alone is the answer.
	if isRequestID(q) {
		out, total, err := a.listByRequestID(agency, q, where, args, f)
		if err != nil || total > 0 {
			return out, total, err
		}
	}
	cond, qargs := searchCondition(q, len(args))
	return a.listWhere(append(where, cond), append(args, qargs...), f)
}

// isRequestID reports whether a query could be a request id (ours or a
// partner's): one word of letters, digits and id punctuation.
func isRequestID(q string) bool {
	if len(q) > 100 {
		return false
	}
	for _, c := range q {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.ContainsRune("-_.:/", c)) {
			return false
		}
	}
	return true
}

// listWhere runs a request list's count and page for a built condition.
func (a AgencyData) listWhere(where []string, args []any, f RequestFilter) ([]*ill.Request, int, error) {
	w := strings.Join(where, " AND ")
	var total int
	if err := a.t.queryRow(`SELECT count(*) FROM requests WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	out, err := a.t.queryRequests(fmt.Sprintf(`SELECT id, version, data FROM requests WHERE %s ORDER BY %s LIMIT %d OFFSET %d`, w, f.order(), f.limit(), max(f.Offset, 0)), args...)
	return out, total, err
}

func (f RequestFilter) order() string {
	switch f.Sort {
	case "need_before":
		return "CASE WHEN need_before IS NULL THEN 1 ELSE 0 END, need_before, id"
	case "oldest":
		return "updated_at, id"
	case "created":
		return "id DESC"
	case "id":
		return "id"
	}
	return "updated_at DESC, id DESC"
}

func (f RequestFilter) limit() int {
	if f.Limit <= 0 || f.Limit > 500 {
		return 50
	}
	return f.Limit
}

// listByRequestID lists the requests among where that have q as our id or
// as the partner's id for them. The rows are found first by those two
// indexes alone, then read by row id with the other conditions: given
// both at once, SQLite's planner (without statistics) prefers walking the
// agency's whole side of the table through an (agency, side) index.
func (a AgencyData) listByRequestID(agency ill.AgencyID, q string, where []string, args []any, f RequestFilter) ([]*ill.Request, int, error) {
	ids, err := queryColumn[int64](a.t, `SELECT id FROM requests WHERE public_id = $1 AND agency = $2
		UNION SELECT id FROM requests WHERE agency = $2 AND partner_request_id = $3`, strings.ToUpper(q), string(agency), q)
	if err != nil || len(ids) == 0 {
		return nil, 0, err
	}
	ph := make([]string, len(ids))
	args = args[:len(args):len(args)]
	for i, id := range ids {
		args = append(args, id)
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	// Few rows (an id is one request, a partner's id one per partner):
	// all are read, then the page is cut here.
	w := strings.Join(append(where[:len(where):len(where)], "id IN ("+strings.Join(ph, ", ")+")"), " AND ")
	out, err := a.t.queryRequests(`SELECT id, version, data FROM requests WHERE `+w+` ORDER BY `+f.order(), args...)
	if err != nil {
		return nil, 0, err
	}
	total := len(out)
	out = out[min(max(f.Offset, 0), total):]
	return out[:min(f.limit(), len(out))], total, nil
}

// searchCondition matches a scanned or typed query: a public id, a partner's
// request id, an identifier (OCLC, ISBN, ISSN, DOI) or title words.
func searchCondition(q string, n int) (string, []any) {
	up := strings.ToUpper(q)
	conds := []string{fmt.Sprintf("public_id = $%d", n+1), fmt.Sprintf("partner_request_id = $%d", n+2)}
	args := []any{up, q}
	if oclc, ok := bibid.NormaliseOCLC(q); ok {
		args = append(args, oclc)
		conds = append(conds, fmt.Sprintf("oclc = $%d", n+len(args)))
	}
	if isbn, ok := bibid.NormaliseISBN(q); ok {
		args = append(args, isbn)
		conds = append(conds, fmt.Sprintf("isbn = $%d", n+len(args)))
	}
	if issn, ok := bibid.NormaliseISSN(q); ok {
		args = append(args, issn)
		conds = append(conds, fmt.Sprintf("issn = $%d", n+len(args)))
	}
	if doi, ok := bibid.NormaliseDOI(q); ok {
		args = append(args, doi)
		conds = append(conds, fmt.Sprintf("doi = $%d", n+len(args)))
	}
	// Item barcodes live in the JSON document.
	args = append(args, `%"barcode":"`+strings.ReplaceAll(q, `"`, ``)+`"%`)
	conds = append(conds, fmt.Sprintf("data LIKE $%d", n+len(args)))
	if key := bibid.NormaliseTitle(q); len(key) >= 3 {
		args = append(args, "%"+key+"%")
		conds = append(conds, fmt.Sprintf("title_key LIKE $%d", n+len(args)))
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// QueueCounts counts an agency's open requests per side and state, and
// those needing attention.
func (a AgencyData) QueueCounts(agency ill.AgencyID, side ill.Side) (map[ill.State]int, int, error) {
	rows, err := a.t.query(`SELECT state, count(*) FROM requests WHERE agency = $1 AND side = $2 AND closed_at IS NULL GROUP BY state`, string(agency), string(side))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := map[ill.State]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, 0, err
		}
		out[ill.State(s)] = n
	}
	var attention int
	err = a.t.queryRow(`SELECT count(*) FROM requests WHERE agency = $1 AND side = $2 AND attention = $3`, string(agency), string(side), true).Scan(&attention)
	return out, attention, err
}

// PatronRequestCounts counts a patron's open requests and those created
// since a moment (for per-category limits).
func (a AgencyData) PatronRequestCounts(agency ill.AgencyID, patronID int64, since time.Time) (open, recent int, err error) {
	err = a.t.queryRow(`SELECT count(*) FROM requests WHERE agency = $1 AND patron_id = $2 AND closed_at IS NULL`, string(agency), patronID).Scan(&open)
	if err != nil {
		return
	}
	err = a.t.queryRow(`SELECT count(*) FROM requests WHERE agency = $1 AND patron_id = $2 AND created_at >= $3`, string(agency), patronID, micros(since)).Scan(&recent)
	return
}

// SimilarRequests finds a patron's requests that may be the same item:
// the same identifiers, or the same normalised title (and author), created
// since a moment. For duplicate detection at intake.
func (a AgencyData) SimilarRequests(agency ill.AgencyID, patronID int64, r *ill.Request, since time.Time) ([]*ill.Request, error) {
	k := keysOf(r)
	conds := []string{}
	args := []any{string(agency), patronID, micros(since), r.ID}
	add := func(col, v string) {
		if v != "" {
			args = append(args, v)
			conds = append(conds, fmt.Sprintf("%s = $%d", col, len(args)))
		}
	}
	add("oclc", k.oclc)
	add("isbn", k.isbn)
	add("doi", k.doi)
	add("pmid", k.pmid)
	add("title_key", k.titleKey)
	if len(conds) == 0 {
		return nil, nil
	}
	return a.t.queryRequests(`SELECT id, version, data FROM requests WHERE agency = $1 AND patron_id = $2 AND created_at >= $3 AND id <> $4 AND side = 'borrowing' AND (`+
		strings.Join(conds, " OR ")+`) ORDER BY id DESC LIMIT 20`, args...)
}
