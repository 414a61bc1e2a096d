package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"interlend/internal/ill"
)

// The borrowing desk's queries (docs/borrowing.md): queue counts and
// lists, the duplicate check's look-back, and the retention job's
// redaction of a request's stored personal data.

// QueueSpec selects the requests of one borrowing desk queue: open
// borrowing requests in States, narrowed by review reason (Reasons, or
// any but NotReasons), or those with unread partner notes.
type QueueSpec struct {
	States     []ill.State
	Reasons    []string
	NotReasons []string
	Unread     bool
}

// jsonText is the SQL expression of a top-level text key of a request's
// data.
func (t *Tx) jsonText(key string) string {
	if t.db.engine == Postgres {
		return "(data::jsonb ->> '" + key + "')"
	}
	return "json_extract(data, '$." + key + "')"
}

// unreadCond matches requests with unread partner notes (the condition
// of the requests_unread index).
func (t *Tx) unreadCond() string { return "unread_messages > 0" }

func (a AgencyData) queueWhere(agency ill.AgencyID, q QueueSpec) (string, []any) {
	where := []string{"agency = $1", "side = 'borrowing'", "closed_at IS NULL"}
	args := []any{string(agency)}
	in := func(col string, vals []string) string {
		ph := make([]string, len(vals))
		for i, v := range vals {
			args = append(args, v)
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		return col + " IN (" + strings.Join(ph, ", ") + ")"
	}
	if len(q.States) > 0 {
		s := make([]string, len(q.States))
		for i, st := range q.States {
			s[i] = string(st)
		}
		where = append(where, in("state", s))
	}
	if len(q.Reasons) > 0 {
		where = append(where, in("COALESCE("+a.t.jsonText("reviewReason")+", '')", q.Reasons))
	}
	if len(q.NotReasons) > 0 {
		where = append(where, "NOT "+in("COALESCE("+a.t.jsonText("reviewReason")+", '')", q.NotReasons))
	}
	if q.Unread {
		where = append(where, a.t.unreadCond())
	}
	return strings.Join(where, " AND "), args
}

// BorrowingQueueCount counts a queue's requests.
func (a AgencyData) BorrowingQueueCount(agency ill.AgencyID, q QueueSpec) (int, error) {
	w, args := a.queueWhere(agency, q)
	var n int
	err := a.t.queryRow(`SELECT count(*) FROM requests WHERE `+w, args...).Scan(&n)
	return n, err
}

// BorrowingStateCounts counts the agency's open borrowing requests by
// state, those in review by reason, and those with unread partner notes:
// everything the desk's queue counts are made of, in three indexed
// queries.
func (a AgencyData) BorrowingStateCounts(agency ill.AgencyID, open []ill.State) (states map[ill.State]int, reasons map[string]int, unread int, err error) {
	states, reasons = map[ill.State]int{}, map[string]int{}
	w, args := a.queueWhere(agency, QueueSpec{States: open})
	rows, err := a.t.query(`SELECT state, count(*) FROM requests WHERE `+w+` GROUP BY state`, args...)
	if err != nil {
		return nil, nil, 0, err
	}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			rows.Close()
			return nil, nil, 0, err
		}
		states[ill.State(s)] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, 0, err
	}
	if states[ill.BReview] > 0 {
		w, args := a.queueWhere(agency, QueueSpec{States: []ill.State{ill.BReview}})
		rows, err := a.t.query(`SELECT COALESCE(`+a.t.jsonText("reviewReason")+`, ''), count(*) FROM requests WHERE `+w+` GROUP BY 1`, args...)
		if err != nil {
			return nil, nil, 0, err
		}
		for rows.Next() {
			var s string
			var n int
			if err := rows.Scan(&s, &n); err != nil {
				rows.Close()
				return nil, nil, 0, err
			}
			reasons[s] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, 0, err
		}
	}
	err = a.t.queryRow(`SELECT count(*) FROM requests WHERE agency = $1 AND side = 'borrowing' AND `+a.t.unreadCond(), string(agency)).Scan(&unread)
	return states, reasons, unread, err
}

// BorrowingQueue lists a queue's requests, the soonest needed first (then
// the oldest activity), and counts them all.
func (a AgencyData) BorrowingQueue(agency ill.AgencyID, q QueueSpec, limit, offset int) ([]*ill.Request, int, error) {
	w, args := a.queueWhere(agency, q)
	if q.Unread {
		// Unread notes may arrive on closed requests too.
		w = strings.Replace(w, " AND closed_at IS NULL", "", 1)
	}
	var total int
	if err := a.t.queryRow(`SELECT count(*) FROM requests WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	out, err := a.t.queryRequests(fmt.Sprintf(`SELECT id, version, data FROM requests WHERE %s
		ORDER BY CASE WHEN need_before IS NULL THEN 1 ELSE 0 END, need_before, updated_at, id LIMIT %d OFFSET %d`, w, limit, max(offset, 0)), args...)
	return out, total, err
}

// PatronRecentRequests lists a patron's borrowing requests that are open,
// or closed since a moment (the duplicate check's look-back), newest
// first.
func (a AgencyData) PatronRecentRequests(agency ill.AgencyID, patronID int64, since time.Time, limit int) ([]*ill.Request, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	return a.t.queryRequests(fmt.Sprintf(`SELECT id, version, data FROM requests WHERE agency = $1 AND patron_id = $2 AND side = 'borrowing'
		AND (closed_at IS NULL OR closed_at >= $3) ORDER BY id DESC LIMIT %d`, limit), string(agency), patronID, micros(since))
}

// RetentionDue lists the agency's requests closed before a moment whose
// personal data has not been removed yet, oldest first.
func (a AgencyData) RetentionDue(agency ill.AgencyID, before time.Time, limit int) ([]*ill.Request, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	return a.t.queryRequests(fmt.Sprintf(`SELECT id, version, data FROM requests WHERE agency = $1 AND redacted_at IS NULL
		AND closed_at IS NOT NULL AND closed_at < $2 ORDER BY closed_at, id LIMIT %d`, limit), string(agency), micros(before))
}

// RedactText rewrites stored text that may hold personal data.
type RedactText func(string) string

// RedactRequestData rewrites, in place, every stored text of one request
// that may quote its patron: event payloads, protocol messages (body, raw
// XML, confirmation, error), circulation steps' problem and data, and the
// statistics fact's patron link; then marks the request redacted. It
// returns how many rows changed.
func (a AgencyData) RedactRequestData(agency ill.AgencyID, requestID int64, fn RedactText) (int, error) {
	changed := 0
	type row struct {
		id   int64
		cols []string
	}
	rewrite := func(table string, cols []string) error {
		rows, err := a.t.query(`SELECT id, `+strings.Join(cols, ", ")+` FROM `+table+` WHERE agency = $1 AND request_id = $2`, string(agency), requestID)
		if err != nil {
			return err
		}
		var todo []row
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			dest := []any{new(int64)}
			for i := range vals {
				dest = append(dest, &vals[i])
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return err
			}
			r := row{id: *dest[0].(*int64)}
			dirty := false
			for _, v := range vals {
				nv := fn(v.String)
				dirty = dirty || nv != v.String
				r.cols = append(r.cols, nv)
			}
			if dirty {
				todo = append(todo, r)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range todo {
			set := make([]string, len(cols))
			args := []any{}
			for i, c := range cols {
				args = append(args, r.cols[i])
				set[i] = fmt.Sprintf("%s = $%d", c, len(args))
			}
			args = append(args, r.id, string(agency))
			if _, err := a.t.exec(fmt.Sprintf(`UPDATE %s SET %s WHERE id = $%d AND agency = $%d`, table, strings.Join(set, ", "), len(args)-1, len(args)), args...); err != nil {
				return err
			}
			changed++
		}
		return nil
	}
	if err := rewrite("events", []string{"data"}); err != nil {
		return changed, fmt.Errorf("store: redact events: %w", err)
	}
	if err := rewrite("messages", []string{"body", "raw", "confirmation", "error", "summary"}); err != nil {
		return changed, fmt.Errorf("store: redact messages: %w", err)
	}
	if err := rewrite("circulation_steps", []string{"data", "problem"}); err != nil {
		return changed, fmt.Errorf("store: redact circulation steps: %w", err)
	}
	if _, err := a.t.exec(`UPDATE stats_requests SET patron_id = NULL WHERE agency = $1 AND request_id = $2`, string(agency), requestID); err != nil {
		return changed, fmt.Errorf("store: redact statistics: %w", err)
	}
	a.t.forgetRow(requestID)
	res, err := a.t.exec(`UPDATE requests SET redacted_at = $1, patron_id = NULL, owner_user_id = NULL WHERE id = $2 AND agency = $3`, micros(a.t.now), requestID, string(agency))
	if err != nil {
		return changed, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return changed, ill.Errorf(ill.NotFound, "no request %d here", requestID)
	}
	return changed, nil
}

// RetentionPatrons lists the agency's patrons whose record expired before
// a moment, not yet anonymised, with no request open or closed since
// another (the start of the retention period).
func (a AgencyData) RetentionPatrons(agency ill.AgencyID, expiredBefore, quietSince time.Time, limit int) ([]int64, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	return queryColumn[int64](a.t, fmt.Sprintf(`SELECT p.id FROM patrons p WHERE p.agency = $1 AND p.expires_on IS NOT NULL AND p.expires_on < $2
		AND p.barcode NOT LIKE 'redacted-%%'
		AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.agency = p.agency AND r.patron_id = p.id AND (r.closed_at IS NULL OR r.closed_at >= $3))
		AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.agency = p.agency AND r.patron_id = p.id AND r.redacted_at IS NULL)
		ORDER BY p.id LIMIT %d`, limit), string(agency), micros(expiredBefore), micros(quietSince))
}

// AnonymisePatron removes a patron record's identity, keeping its
// category and home library for statistics: names, email, notes and ILS
// id are emptied, the barcode becomes redacted-<id>, and a linked login
// that is only this patron's is emptied and disabled (its sessions end).
func (a AgencyData) AnonymisePatron(agency ill.AgencyID, patronID int64) error {
	var user sql.NullInt64
	err := a.t.queryRow(`SELECT user_id FROM patrons WHERE id = $1 AND agency = $2`, patronID, string(agency)).Scan(&user)
	if err == sql.ErrNoRows {
		return ill.Errorf(ill.NotFound, "no patron %d here", patronID)
	}
	if err != nil {
		return err
	}
	if _, err := a.t.exec(`UPDATE patrons SET barcode = $1, ils_id = '', first_name = '', last_name = '', name = '', email = '', notes = '',
		search_key = '', user_id = NULL, updated_at = $2 WHERE id = $3 AND agency = $4`,
		fmt.Sprintf("redacted-%d", patronID), micros(a.t.now), patronID, string(agency)); err != nil {
		return err
	}
	if _, err := a.t.exec(`UPDATE patron_blocks SET reason = '' WHERE patron_id = $1 AND agency = $2`, patronID, string(agency)); err != nil {
		return err
	}
	if !user.Valid {
		return nil
	}
	// Only a login with no grant elsewhere than as this agency's patron.
	var others int
	if err := a.t.queryRow(`SELECT count(*) FROM user_grants WHERE user_id = $1 AND NOT (agency = $2 AND role = 'patron')`, user.Int64, string(agency)).Scan(&others); err != nil {
		return err
	}
	if others > 0 {
		return nil
	}
	if _, err := a.t.exec(`DELETE FROM sessions WHERE user_id = $1`, user.Int64); err != nil {
		return err
	}
	_, err = a.t.exec(`UPDATE users SET email = $1, name = '', password_hash = '', totp_secret = '', disabled = $2, updated_at = $3 WHERE id = $4`,
		fmt.Sprintf("redacted-%d@invalid", user.Int64), true, micros(a.t.now), user.Int64)
	return err
}

// RedactAudit rewrites the agency's audit log rows that quote a value.
func (a AgencyData) RedactAudit(agency ill.AgencyID, value string, fn RedactText) (int, error) {
	if len(value) < 3 {
		return 0, nil
	}
	like := "%" + strings.ReplaceAll(strings.ReplaceAll(value, "%", ""), "_", "") + "%"
	rows, err := a.t.query(`SELECT id, target, before, after FROM audit_log WHERE agency = $1 AND (lower(target) LIKE lower($2) OR lower(before) LIKE lower($2) OR lower(after) LIKE lower($2))`, string(agency), like)
	if err != nil {
		return 0, err
	}
	type row struct {
		id                    int64
		target, before, after string
	}
	var todo []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.target, &r.before, &r.after); err != nil {
			rows.Close()
			return 0, err
		}
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, r := range todo {
		if _, err := a.t.exec(`UPDATE audit_log SET target = $1, before = $2, after = $3 WHERE id = $4 AND agency = $5`,
			fn(r.target), fn(r.before), fn(r.after), r.id, string(agency)); err != nil {
			return 0, err
		}
	}
	return len(todo), nil
}

// Scrub makes removed data unrecoverable from the database files after
// the retention job: on SQLite, VACUUM rewrites the file without the free
// pages that still hold deleted or overwritten rows, and the write-ahead
// log is checkpointed and truncated. PostgreSQL's files are the server's;
// its autovacuum reclaims dead rows.
func (db *DB) Scrub(ctx context.Context) error {
	if db.engine != SQLite {
		return nil
	}
	for _, q := range []string{"VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: scrub: %w", err)
		}
	}
	return nil
}
