package store

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"interlend/internal/calendar"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/routing"
)

// PutExchangeRate stores a dated exchange rate (replacing the rate of the
// same pair and date). The rate must be valid (routing.Rate.Validate).
func (n NetworkData) PutExchangeRate(r routing.Rate, actor int64) error {
	if err := r.Validate(); err != nil {
		return ill.E(ill.Invalid, err.Error(), map[string]string{"rate": err.Error()})
	}
	_, err := n.t.exec(`INSERT INTO exchange_rates (from_currency, to_currency, valid_from, rate, source, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (from_currency, to_currency, valid_from) DO UPDATE SET rate = excluded.rate, source = excluded.source,
			created_at = excluded.created_at, created_by = excluded.created_by`,
		r.From, r.To, r.On.String(), r.Value, r.Source, micros(n.t.now), nullActor(actor))
	if err != nil {
		return fmt.Errorf("store: put exchange rate: %w", err)
	}
	return nil
}

// DeleteExchangeRate removes the rate of a pair from a date. Returns
// NotFound.
func (n NetworkData) DeleteExchangeRate(from, to string, on calendar.Date) error {
	return n.t.execOne(ill.Errorf(ill.NotFound, "no %s→%s rate from %s", from, to, on),
		`DELETE FROM exchange_rates WHERE from_currency = $1 AND to_currency = $2 AND valid_from = $3`,
		strings.ToUpper(from), strings.ToUpper(to), on.String())
}

// ExchangeRates lists every stored rate, by pair and date.
func (n NetworkData) ExchangeRates() ([]routing.Rate, error) {
	rows, err := n.t.query(`SELECT from_currency, to_currency, valid_from, rate, source FROM exchange_rates
		ORDER BY from_currency, to_currency, valid_from`)
	if err != nil {
		return nil, fmt.Errorf("store: exchange rates: %w", err)
	}
	defer rows.Close()
	var out []routing.Rate
	for rows.Next() {
		var r routing.Rate
		var on string
		if err := rows.Scan(&r.From, &r.To, &on, &r.Value, &r.Source); err != nil {
			return nil, err
		}
		if r.On, err = calendar.ParseDate(on); err != nil {
			return nil, fmt.Errorf("store: exchange rate %s→%s: %w", r.From, r.To, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// TakeLenderSlot counts one more request sent to lender on its local day,
// unless that would take it past limit (0: no limit). ok is false, and
// nothing changes, when the lender is at its limit; sent is the day's
// count after the call. Concurrent calls never take more than limit: the
// count is one conditional upsert (on PostgreSQL the row lock orders
// them; SQLite has one writer).
func (n NetworkData) TakeLenderSlot(lender ill.AgencyID, day calendar.Date, limit int) (sent int, ok bool, err error) {
	if limit <= 0 {
		limit = math.MaxInt32
	}
	err = n.t.queryRow(`INSERT INTO routing_load (lender, day, sent) VALUES ($1, $2, 1)
		ON CONFLICT (lender, day) DO UPDATE SET sent = routing_load.sent + 1 WHERE routing_load.sent < $3
		RETURNING sent`, string(lender), day.String(), limit).Scan(&sent)
	if errors.Is(err, sql.ErrNoRows) {
		err = n.t.queryRow(`SELECT sent FROM routing_load WHERE lender = $1 AND day = $2`, string(lender), day.String()).Scan(&sent)
		return sent, false, err
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: take a slot of %s on %s: %w", lender, day, err)
	}
	return sent, true, nil
}

// LoadKey names a lender's local day.
type LoadKey struct {
	Lender ill.AgencyID
	Day    calendar.Date
}

// LenderLoad returns how many requests were sent to each lender on the
// day given for it (missing: none).
func (n NetworkData) LenderLoad(keys []LoadKey) (map[ill.AgencyID]int, error) {
	out := map[ill.AgencyID]int{}
	for len(keys) > 0 {
		batch := keys[:min(len(keys), 200)]
		keys = keys[len(batch):]
		var conds []string
		var args []any
		for _, k := range batch {
			conds = append(conds, fmt.Sprintf("(lender = $%d AND day = $%d)", len(args)+1, len(args)+2))
			args = append(args, string(k.Lender), k.Day.String())
		}
		rows, err := n.t.query(`SELECT lender, sent FROM routing_load WHERE `+strings.Join(conds, " OR "), args...)
		if err != nil {
			return nil, fmt.Errorf("store: lender load: %w", err)
		}
		for rows.Next() {
			var l string
			var s int
			if err := rows.Scan(&l, &s); err != nil {
				rows.Close()
				return nil, err
			}
			out[ill.AgencyID(l)] = s
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// LoadOn sums the requests sent to every lender on the given local days
// (the network's load today, whatever each lender's zone) and counts the
// lenders they went to.
func (n NetworkData) LoadOn(days []calendar.Date) (sent, lenders int, err error) {
	if len(days) == 0 {
		return 0, 0, nil
	}
	var ph []string
	var args []any
	for i, d := range days {
		ph = append(ph, fmt.Sprintf("$%d", i+1))
		args = append(args, d.String())
	}
	var total sql.NullInt64
	if err := n.t.queryRow(`SELECT SUM(sent), COUNT(*) FROM routing_load WHERE day IN (`+strings.Join(ph, ", ")+`)`, args...).Scan(&total, &lenders); err != nil {
		return 0, 0, fmt.Errorf("store: network load: %w", err)
	}
	return int(total.Int64), lenders, nil
}

// PutRoutingExplanation keeps a routed request's plan (JSON). Nothing is
// written for a request of another agency.
func (a AgencyData) PutRoutingExplanation(agency ill.AgencyID, requestID int64, data []byte) error {
	_, err := a.t.exec(`INSERT INTO routing_explanations (agency, request_id, created_at, data)
		SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM requests WHERE id = $2 AND agency = $1)`,
		string(agency), requestID, micros(a.t.now), string(data))
	if err != nil {
		return fmt.Errorf("store: routing explanation: %w", err)
	}
	return nil
}

// RoutingExplanation returns a request's latest plan and when it was
// made. Returns NotFound when the request was never routed.
func (a AgencyData) RoutingExplanation(agency ill.AgencyID, requestID int64) ([]byte, time.Time, error) {
	var data string
	var at int64
	err := a.t.queryRow(`SELECT data, created_at FROM routing_explanations WHERE agency = $1 AND request_id = $2 ORDER BY id DESC LIMIT 1`,
		string(agency), requestID).Scan(&data, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, ill.E(ill.NotFound, "the request was not routed")
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("store: routing explanation: %w", err)
	}
	return []byte(data), fromMicros(at), nil
}

// RoutingEntries returns the directory entries of the given libraries
// (by library id, case-insensitively) in one query, keyed by their ids as
// given, without credentials: what routing reads of the holders of a
// title. Libraries the directory does not list are missing from the map.
func (n NetworkData) RoutingEntries(ids []ill.AgencyID) (map[ill.AgencyID]directory.Entry, error) {
	out := map[ill.AgencyID]directory.Entry{}
	byKey := map[string][]ill.AgencyID{}
	for _, id := range ids {
		k := strings.ToUpper(string(id))
		byKey[k] = append(byKey[k], id)
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	for len(keys) > 0 {
		batch := keys[:min(len(keys), 500)]
		keys = keys[len(batch):]
		ph := make([]string, len(batch))
		args := make([]any, len(batch))
		for i, k := range batch {
			ph[i], args[i] = fmt.Sprintf("$%d", i+1), k
		}
		rows, err := n.t.query(`SELECT `+directoryColumns+`, e.id_key FROM directory_entries e WHERE e.id_key IN (`+strings.Join(ph, ", ")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: directory entries for routing: %w", err)
		}
		for rows.Next() {
			var key string
			e, err := scanDirectoryEntry(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &key)...) }))
			if err != nil {
				rows.Close()
				return nil, err
			}
			for _, id := range byKey[key] {
				out[id] = e
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// scanFunc adapts a function to scanDirectoryEntry's scanner.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }
