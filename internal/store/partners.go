package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"interlend/internal/ill"
)

// MessageDelivery is a stored message with what the job queue knows of
// its delivery: the state of the job that sends it, how many attempts it
// made, its last error and when it runs next. Incoming messages and
// messages that never had a job have an empty JobState.
type MessageDelivery struct {
	StoredMessage
	RequestPublicID string
	JobState        JobState
	// Tries counts the job's recorded attempts (every re-drive included),
	// leaving out the bookkeeping ones: held without trying, and
	// released at shutdown.
	Tries int
	// JobAttempts counts the attempts since the job was last re-driven
	// or released (the job's own counter).
	JobAttempts int
	LastError   string
	HoldReason  string
	NextRunAt   time.Time
	JobKey      string // the job's ordering key
}

// MessageQuery selects an agency's messages. Empty fields match
// everything; at least one of RequestIDs, IDs and Partners must be set.
type MessageQuery struct {
	RequestIDs []int64
	IDs        []int64
	Partners   []ill.AgencyID
	Direction  string
	Limit      int
}

// MessageDeliveries lists an agency's messages matching q, oldest first,
// with their delivery jobs.
func (a AgencyData) MessageDeliveries(agency ill.AgencyID, q MessageQuery) ([]MessageDelivery, error) {
	if len(q.RequestIDs) == 0 && len(q.IDs) == 0 && len(q.Partners) == 0 {
		return nil, ill.E(ill.Invalid, "store: a message query needs requests, ids or partners")
	}
	args := []any{string(agency)}
	where := []string{"m.agency = $1"}
	in := func(col string, n int, at func(i int) any) {
		ph := make([]string, n)
		for i := range n {
			args = append(args, at(i))
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		where = append(where, col+" IN ("+strings.Join(ph, ", ")+")")
	}
	if len(q.RequestIDs) > 0 {
		in("m.request_id", len(q.RequestIDs), func(i int) any { return q.RequestIDs[i] })
	}
	if len(q.IDs) > 0 {
		in("m.id", len(q.IDs), func(i int) any { return q.IDs[i] })
	}
	if len(q.Partners) > 0 {
		in("m.partner", len(q.Partners), func(i int) any { return string(q.Partners[i]) })
	}
	if q.Direction != "" {
		args = append(args, q.Direction)
		where = append(where, fmt.Sprintf("m.direction = $%d", len(args)))
	}
	cols := strings.ReplaceAll("m."+messageColumns, ", ", ", m.")
	sqlText := `SELECT ` + cols + `, COALESCE(r.public_id, ''), COALESCE(j.state, ''), COALESCE(j.last_error, ''), COALESCE(j.hold_reason, ''),
		COALESCE(j.run_at, 0), COALESCE(j.ordering_key, ''), COALESCE(j.attempts, 0),
		(SELECT count(*) FROM job_attempts t WHERE t.job_id = m.job_id AND t.outcome <> 'held' AND t.outcome <> 'released')
		FROM messages m
		LEFT JOIN requests r ON r.id = m.request_id AND r.agency = m.agency
		LEFT JOIN jobs j ON j.id = m.job_id AND j.agency = m.agency
		WHERE ` + strings.Join(where, " AND ") + ` ORDER BY m.id`
	if q.Limit > 0 {
		sqlText += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	rows, err := a.t.query(sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("store: message deliveries: %w", err)
	}
	defer rows.Close()
	var out []MessageDelivery
	for rows.Next() {
		var d MessageDelivery
		var state string
		var runAt int64
		m, err := scanMessage(scanTail{rows, []any{&d.RequestPublicID, &state, &d.LastError, &d.HoldReason, &runAt, &d.JobKey, &d.JobAttempts, &d.Tries}})
		if err != nil {
			return nil, err
		}
		d.StoredMessage, d.JobState = m, JobState(state)
		if runAt != 0 {
			d.NextRunAt = fromMicros(runAt)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// scanTail lets scanMessage read a row that has more columns after the
// message's own.
type scanTail struct {
	sc   interface{ Scan(...any) error }
	rest []any
}

func (s scanTail) Scan(dest ...any) error { return s.sc.Scan(append(dest, s.rest...)...) }

// MessageAttempts lists the delivery attempts of one of an agency's
// outgoing messages, oldest first (every re-drive included). Returns
// NotFound for a message of another agency.
func (a AgencyData) MessageAttempts(agency ill.AgencyID, messageID int64) ([]JobAttempt, error) {
	var job sql.NullInt64
	err := a.t.queryRow(`SELECT job_id FROM messages WHERE id = $1 AND agency = $2`, messageID, string(agency)).Scan(&job)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ill.Errorf(ill.NotFound, "no message %d", messageID)
	}
	if err != nil || !job.Valid {
		return nil, err
	}
	rows, err := a.t.query(`SELECT t.attempt, t.node, t.started_at, t.finished_at, t.outcome, t.error
		FROM job_attempts t JOIN jobs j ON j.id = t.job_id
		WHERE t.job_id = $1 AND j.agency = $2 ORDER BY t.id`, job.Int64, string(agency))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JobAttempt
	for rows.Next() {
		var at JobAttempt
		var started int64
		var finished sql.NullInt64
		if err := rows.Scan(&at.Attempt, &at.Node, &started, &finished, &at.Outcome, &at.Error); err != nil {
			return nil, err
		}
		at.StartedAt, at.FinishedAt = fromMicros(started), fromNullMicros(finished)
		out = append(out, at)
	}
	return out, rows.Err()
}

// TrafficCount counts an agency's messages with one partner, in one
// direction, in one delivery state (and, for outgoing messages, one state
// of their job), created since a time and since a more recent one.
type TrafficCount struct {
	Partner   ill.AgencyID
	Direction string
	Delivery  string
	JobState  JobState
	// Retrying: the job is waiting to be tried again after failures.
	Retrying bool
	Since    int
	Recent   int
}

// PartnerTraffic counts an agency's messages with the partners created
// since a time (by direction, delivery and job state), and how many of
// them since recent. Only the window is read: the index on (partner,
// direction, created_at) bounds it.
func (a AgencyData) PartnerTraffic(agency ill.AgencyID, partners []ill.AgencyID, since, recent time.Time) ([]TrafficCount, error) {
	if len(partners) == 0 {
		return nil, nil
	}
	args := []any{string(agency), micros(since), micros(recent)}
	ph := make([]string, len(partners))
	for i, p := range partners {
		args = append(args, string(p))
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	retrying := `CASE WHEN j.state = 'ready' AND j.attempts > 0 AND j.last_error <> '' THEN 1 ELSE 0 END`
	rows, err := a.t.query(`SELECT m.partner, m.direction, m.delivery, COALESCE(j.state, ''), `+retrying+`, count(*),
		COALESCE(sum(CASE WHEN m.created_at >= $3 THEN 1 ELSE 0 END), 0)
		FROM messages m LEFT JOIN jobs j ON j.id = m.job_id AND j.agency = m.agency
		WHERE m.partner IN (`+strings.Join(ph, ", ")+`) AND m.direction IN ('in', 'out') AND m.created_at >= $2 AND m.agency = $1
		GROUP BY m.partner, m.direction, m.delivery, COALESCE(j.state, ''), `+retrying+`
		ORDER BY m.partner, m.direction, m.delivery`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: partner traffic: %w", err)
	}
	defer rows.Close()
	var out []TrafficCount
	for rows.Next() {
		var c TrafficCount
		var partner, state string
		var retry int64
		if err := rows.Scan(&partner, &c.Direction, &c.Delivery, &state, &retry, &c.Since, &c.Recent); err != nil {
			return nil, err
		}
		c.Partner, c.JobState, c.Retrying = ill.AgencyID(partner), JobState(state), retry == 1
		out = append(out, c)
	}
	return out, rows.Err()
}

// LastMessage is when the newest of an agency's messages with any of the
// partners in one direction was stored (zero when none).
func (a AgencyData) LastMessage(agency ill.AgencyID, partners []ill.AgencyID, direction string) (time.Time, error) {
	var newest time.Time
	for _, p := range partners {
		var at int64
		err := a.t.queryRow(`SELECT created_at FROM messages WHERE partner = $1 AND direction = $2 AND agency = $3
			ORDER BY created_at DESC LIMIT 1`, string(p), direction, string(agency)).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return time.Time{}, err
		}
		if t := fromMicros(at); t.After(newest) {
			newest = t
		}
	}
	return newest, nil
}

// AttemptCounts counts delivery attempts and how many of them failed (to
// be retried, or given up).
type AttemptCounts struct {
	Total  int
	Failed int
}

// PartnerAttempts counts the delivery attempts of an agency's messages to
// the partners that were stored since the earliest of the times given,
// made since each of the times, in their order. (An attempt at an older
// message, re-driven now, is not counted: the messages' window bounds
// what is read.)
func (a AgencyData) PartnerAttempts(agency ill.AgencyID, partners []ill.AgencyID, since ...time.Time) ([]AttemptCounts, error) {
	out := make([]AttemptCounts, len(since))
	if len(partners) == 0 || len(since) == 0 {
		return out, nil
	}
	args := []any{string(agency)}
	ph := make([]string, len(partners))
	for i, p := range partners {
		args = append(args, string(p))
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	var sums []string
	for _, s := range since {
		args = append(args, micros(s))
		n := len(args)
		sums = append(sums, fmt.Sprintf(`COALESCE(sum(CASE WHEN t.started_at >= $%d THEN 1 ELSE 0 END), 0),
			COALESCE(sum(CASE WHEN t.started_at >= $%d AND t.outcome IN ('retry', 'dead') THEN 1 ELSE 0 END), 0)`, n, n))
	}
	args = append(args, micros(minTime(since)))
	row := a.t.queryRow(`SELECT `+strings.Join(sums, ", ")+`
		FROM messages m JOIN job_attempts t ON t.job_id = m.job_id
		WHERE m.partner IN (`+strings.Join(ph, ", ")+`) AND m.direction = 'out' AND m.created_at >= $`+fmt.Sprint(len(args))+` AND m.agency = $1
		  AND t.outcome <> 'held' AND t.outcome <> 'released'`, args...)
	dest := make([]any, 0, 2*len(since))
	for i := range out {
		dest = append(dest, &out[i].Total, &out[i].Failed)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, fmt.Errorf("store: partner attempts: %w", err)
	}
	return out, nil
}

func minTime(ts []time.Time) time.Time {
	m := ts[0]
	for _, t := range ts[1:] {
		if t.Before(m) {
			m = t
		}
	}
	return m
}

// RequestsHeardFrom says which of an agency's requests (row ids) the
// partner has sent us a message about.
func (a AgencyData) RequestsHeardFrom(agency, partner ill.AgencyID, requestIDs []int64) (map[int64]bool, error) {
	heard := map[int64]bool{}
	if len(requestIDs) == 0 {
		return heard, nil
	}
	args := []any{string(agency), string(partner)}
	ph := make([]string, len(requestIDs))
	for i, id := range requestIDs {
		args = append(args, id)
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	ids, err := queryColumn[int64](a.t, `SELECT DISTINCT request_id FROM messages
		WHERE agency = $1 AND partner = $2 AND direction = '`+Inbound+`' AND request_id IN (`+strings.Join(ph, ", ")+`)`, args...)
	for _, id := range ids {
		heard[id] = true
	}
	return heard, err
}
