package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"interlend/internal/ill"
)

// LendingMark is what the lending desk keeps about a lending request
// beyond its lifecycle record (table lending_desk).
type LendingMark struct {
	RequestID int64
	// ServiceRank orders service levels: 0 Urgent, 1 Express, 2 Rush, 3
	// Normal or Standard (and unknown), 4 SecondaryMail.
	ServiceRank   int
	Unread        int
	SlipPrintedAt time.Time
	SearchAgainAt time.Time
	AutoRule      string
	AutoDetail    string
	ByHand        bool
	UpdatedAt     time.Time
}

// ServiceRank is the desk's order of an ISO 18626 service level.
func ServiceRank(level string) int {
	switch strings.ToLower(strings.TrimSpace(level)) {
	case "urgent":
		return 0
	case "express":
		return 1
	case "rush":
		return 2
	case "secondarymail":
		return 4
	}
	return 3
}

// PutLendingMark writes a lending request's desk record (insert or
// replace). The request must be the agency's.
func (a AgencyData) PutLendingMark(agency ill.AgencyID, m LendingMark) error {
	m.UpdatedAt = a.t.now
	res, err := a.t.exec(`INSERT INTO lending_desk (request_id, agency, service_rank, unread, slip_printed_at, search_again_at, auto_rule, auto_detail, by_hand, updated_at)
		SELECT id, agency, $3, $4, $5, $6, $7, $8, $9, $10 FROM requests WHERE id = $1 AND agency = $2 AND side = 'lending'
		ON CONFLICT (request_id) DO UPDATE SET service_rank = excluded.service_rank, unread = excluded.unread,
			slip_printed_at = excluded.slip_printed_at, search_again_at = excluded.search_again_at, auto_rule = excluded.auto_rule,
			auto_detail = excluded.auto_detail, by_hand = excluded.by_hand, updated_at = excluded.updated_at`,
		m.RequestID, string(agency), m.ServiceRank, m.Unread, nullMicros(m.SlipPrintedAt), nullMicros(m.SearchAgainAt),
		m.AutoRule, m.AutoDetail, m.ByHand, micros(m.UpdatedAt))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ill.Errorf(ill.NotFound, "no lending request %d here", m.RequestID)
	}
	return nil
}

// LendingMark returns a lending request's desk record; a request without
// one gets the defaults (ok false). Another agency's request is NotFound.
func (a AgencyData) LendingMark(agency ill.AgencyID, requestID int64) (m LendingMark, ok bool, err error) {
	var slip, again sql.NullInt64
	var updated int64
	err = a.t.queryRow(`SELECT request_id, service_rank, unread, slip_printed_at, search_again_at, auto_rule, auto_detail, by_hand, updated_at
		FROM lending_desk WHERE request_id = $1 AND agency = $2`, requestID, string(agency)).
		Scan(&m.RequestID, &m.ServiceRank, &m.Unread, &slip, &again, &m.AutoRule, &m.AutoDetail, &m.ByHand, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := a.GetRequestByID(agency, requestID); err != nil {
			return m, false, err
		}
		return LendingMark{RequestID: requestID, ServiceRank: 3}, false, nil
	}
	if err != nil {
		return m, false, err
	}
	m.SlipPrintedAt, m.SearchAgainAt, m.UpdatedAt = fromNullMicros(slip), fromNullMicros(again), fromMicros(updated)
	return m, true, nil
}

// GetRequestByID finds an agency's request by its row id. Returns NotFound.
func (a AgencyData) GetRequestByID(agency ill.AgencyID, id int64) (*ill.Request, error) {
	r, err := scanRequest(a.t.queryRow(`SELECT id, version, data FROM requests WHERE id = $1 AND agency = $2`, id, string(agency)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ill.Errorf(ill.NotFound, "no request %d here", id)
	}
	return r, err
}

// LendingCounts are the lending desk's queue counts.
type LendingCounts struct {
	ByState   map[ill.State]int // open lending requests per state
	Unread    int               // open requests with notes from the borrower not yet read
	Attention int               // open requests needing attention
	Open      int
}

// unreadCond selects requests with unread notes (the desk record follows
// the request's count: the desk's transition hook and marking read keep
// it).
const unreadCond = `r.id IN (SELECT u.request_id FROM lending_desk u WHERE u.agency = $1 AND u.unread > 0)`

// openLending names the requests table for the desk's queries: on SQLite
// with the open-lending index named (without statistics the planner may
// otherwise walk every lending request of the agency, closed ones too).
func (a AgencyData) openLending() string {
	if a.t.Engine() == SQLite {
		return "requests r INDEXED BY requests_lending_open"
	}
	return "requests r"
}

// LendingQueueCounts counts an agency's open lending requests per state,
// with unread notes, and needing attention.
func (a AgencyData) LendingQueueCounts(agency ill.AgencyID) (LendingCounts, error) {
	c := LendingCounts{ByState: map[ill.State]int{}}
	rows, err := a.t.query(`SELECT r.state, count(*) FROM `+a.openLending()+` WHERE r.agency = $1 AND r.side = 'lending' AND r.closed_at IS NULL GROUP BY r.state`, string(agency))
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return c, err
		}
		c.ByState[ill.State(s)] = n
		c.Open += n
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	if err := a.t.queryRow(`SELECT count(*) FROM requests WHERE agency = $1 AND side = 'lending' AND attention = $2 AND closed_at IS NULL`, string(agency), true).Scan(&c.Attention); err != nil {
		return c, err
	}
	err = a.t.queryRow(`SELECT count(*) FROM lending_desk m JOIN requests r ON r.id = m.request_id
		WHERE m.agency = $1 AND m.unread > 0 AND r.closed_at IS NULL`, string(agency)).Scan(&c.Unread)
	return c, err
}

// LendingFilter selects open lending requests for a desk queue.
type LendingFilter struct {
	States    []ill.State
	Unread    bool // only with unread notes from the borrower
	Attention bool // only needing attention
	// Sort: "need_before" (default: need-before date, then service level),
	// "service" (service level, then need-before date), "oldest" (arrival),
	// "updated" (latest activity first).
	Sort   string
	Limit  int
	Offset int
}

// LendingRow is a request in a desk queue with its desk record.
type LendingRow struct {
	R    *ill.Request
	Mark LendingMark
}

// LendingQueue lists an agency's open lending requests of a queue, with
// the total without paging.
func (a AgencyData) LendingQueue(agency ill.AgencyID, f LendingFilter) ([]LendingRow, int, error) {
	where := []string{"r.agency = $1", "r.side = 'lending'", "r.closed_at IS NULL"}
	args := []any{string(agency)}
	if len(f.States) > 0 {
		ph := make([]string, len(f.States))
		for i, s := range f.States {
			args = append(args, string(s))
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		where = append(where, "r.state IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Attention {
		args = append(args, true)
		where = append(where, fmt.Sprintf("r.attention = $%d", len(args)))
	}
	if f.Unread {
		where = append(where, unreadCond)
	}
	w := strings.Join(where, " AND ")
	var total int
	from := a.openLending()
	if f.Attention || f.Unread {
		from = "requests r"
	}
	if err := a.t.queryRow(`SELECT count(*) FROM `+from+` WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	order := "CASE WHEN r.need_before IS NULL THEN 1 ELSE 0 END, r.need_before, COALESCE(m.service_rank, 3), r.id"
	switch f.Sort {
	case "service":
		order = "COALESCE(m.service_rank, 3), CASE WHEN r.need_before IS NULL THEN 1 ELSE 0 END, r.need_before, r.id"
	case "oldest":
		order = "r.id"
	case "updated":
		order = "r.updated_at DESC, r.id DESC"
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	// The page's ids first (the sort handles narrow rows), then their
	// documents.
	ids, err := queryColumn[int64](a.t, fmt.Sprintf(`SELECT r.id FROM %s LEFT JOIN lending_desk m ON m.request_id = r.id WHERE %s ORDER BY %s LIMIT %d OFFSET %d`,
		from, w, order, limit, max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, err
	}
	if len(ids) == 0 {
		return nil, total, nil
	}
	ph := make([]string, len(ids))
	iargs := []any{string(agency), false}
	for i, id := range ids {
		iargs = append(iargs, id)
		ph[i] = fmt.Sprintf("$%d", len(iargs))
	}
	rows, err := a.t.query(`SELECT r.id, r.version, r.data, COALESCE(m.service_rank, 3), COALESCE(m.unread, 0), m.slip_printed_at, m.search_again_at,
		COALESCE(m.auto_rule, ''), COALESCE(m.by_hand, $2)
		FROM requests r LEFT JOIN lending_desk m ON m.request_id = r.id WHERE r.agency = $1 AND r.id IN (`+strings.Join(ph, ", ")+`)`, iargs...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	byID := map[int64]LendingRow{}
	for rows.Next() {
		var id, version int64
		var data string
		var m LendingMark
		var slip, again sql.NullInt64
		if err := rows.Scan(&id, &version, &data, &m.ServiceRank, &m.Unread, &slip, &again, &m.AutoRule, &m.ByHand); err != nil {
			return nil, 0, err
		}
		r, err := scanRequest(rowOf{id, version, data})
		if err != nil {
			return nil, 0, err
		}
		m.RequestID, m.SlipPrintedAt, m.SearchAgainAt = id, fromNullMicros(slip), fromNullMicros(again)
		byID[id] = LendingRow{R: r, Mark: m}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	out := make([]LendingRow, 0, len(ids))
	for _, id := range ids {
		if row, ok := byID[id]; ok {
			out = append(out, row)
		}
	}
	return out, total, nil
}

// rowOf feeds scanned columns to scanRequest.
type rowOf struct {
	id, version int64
	data        string
}

func (r rowOf) Scan(dest ...any) error {
	*dest[0].(*int64), *dest[1].(*int64), *dest[2].(*string) = r.id, r.version, r.data
	return nil
}
