package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"interlend/internal/ill"
)

// Message directions.
const (
	Inbound  = "in"
	Outbound = "out"
)

// Delivery states of an outbound message.
const (
	DeliveryQueued    = "queued"     // waiting for its job
	DeliverySent      = "sent"       // confirmed OK by the partner
	DeliveryError     = "error"      // the partner answered with an ERROR confirmation
	DeliveryHeld      = "held"       // not sent: the partner has no endpoint
	DeliveryRecorded  = "recorded"   // off-system: recorded, not sent
	DeliveryDelivered = "in_process" // delivered to a partner hosted here
)

// StoredMessage is a protocol message as kept: verbatim (Raw) when it
// travelled as XML, and in domain form (Body) always.
type StoredMessage struct {
	ID           int64
	Agency       ill.AgencyID
	RequestID    int64
	Direction    string
	Partner      ill.AgencyID
	Kind         ill.MessageKind
	Summary      string // "SAM Loaned/StatusChange", "RAM Renew", "request(New)"
	DedupeKey    string
	Body         ill.Message
	Raw          string
	Delivery     string
	Confirmation string
	Error        string
	JobID        int64
	CreatedAt    time.Time
	DeliveredAt  time.Time
}

// AddMessage stores a message (before anything acts on it).
func (a AgencyData) AddMessage(agency ill.AgencyID, m *StoredMessage) error {
	body, err := json.Marshal(m.Body)
	if err != nil {
		return err
	}
	m.Agency, m.CreatedAt = agency, a.t.now
	return a.t.queryRow(`INSERT INTO messages (agency, request_id, direction, partner, kind, summary, dedupe_key, body, raw, delivery, confirmation, error, job_id, created_at, delivered_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		string(agency), sql.NullInt64{Int64: m.RequestID, Valid: m.RequestID != 0}, m.Direction, string(m.Partner), string(m.Kind), m.Summary, m.DedupeKey,
		string(body), m.Raw, m.Delivery, m.Confirmation, m.Error, sql.NullInt64{Int64: m.JobID, Valid: m.JobID != 0}, micros(a.t.now), nullMicros(m.DeliveredAt)).Scan(&m.ID)
}

const messageColumns = `id, agency, request_id, direction, partner, kind, summary, dedupe_key, body, raw, delivery, confirmation, error, job_id, created_at, delivered_at`

func scanMessage(sc interface{ Scan(...any) error }) (StoredMessage, error) {
	var m StoredMessage
	var agency, partner, kind, body string
	var req, job, delivered sql.NullInt64
	var created int64
	err := sc.Scan(&m.ID, &agency, &req, &m.Direction, &partner, &kind, &m.Summary, &m.DedupeKey, &body, &m.Raw, &m.Delivery, &m.Confirmation, &m.Error, &job, &created, &delivered)
	if err != nil {
		return m, err
	}
	m.Agency, m.RequestID, m.Partner, m.Kind, m.JobID = ill.AgencyID(agency), req.Int64, ill.AgencyID(partner), ill.MessageKind(kind), job.Int64
	m.CreatedAt, m.DeliveredAt = fromMicros(created), fromNullMicros(delivered)
	return m, json.Unmarshal([]byte(body), &m.Body)
}

// GetMessage finds one of an agency's messages. Returns NotFound.
func (a AgencyData) GetMessage(agency ill.AgencyID, id int64) (StoredMessage, error) {
	m, err := scanMessage(a.t.queryRow(`SELECT `+messageColumns+` FROM messages WHERE id = $1 AND agency = $2`, id, string(agency)))
	if errors.Is(err, sql.ErrNoRows) {
		return m, ill.Errorf(ill.NotFound, "no message %d", id)
	}
	return m, err
}

// Messages lists a request's messages in order.
func (a AgencyData) Messages(agency ill.AgencyID, requestID int64) ([]StoredMessage, error) {
	rows, err := a.t.query(`SELECT `+messageColumns+` FROM messages WHERE request_id = $1 AND agency = $2 ORDER BY id`, requestID, string(agency))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoredMessage
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MessageByDedupeKey finds an earlier message with the same key from or
// to the same partner (duplicate detection); ok is false when none.
func (a AgencyData) MessageByDedupeKey(agency ill.AgencyID, direction string, partner ill.AgencyID, key string) (StoredMessage, bool, error) {
	// "dedupe_key <> ''" lets both engines use the partial index
	// messages_dedupe (a bound parameter does not prove it): without it,
	// SQLite scans every message.
	m, err := scanMessage(a.t.queryRow(`SELECT `+messageColumns+` FROM messages WHERE agency = $1 AND direction = $2 AND partner = $3 AND dedupe_key = $4 AND dedupe_key <> '' ORDER BY id LIMIT 1`,
		string(agency), direction, string(partner), key))
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	return m, err == nil, err
}

// SetMessageDelivery records how an outbound message fared.
func (a AgencyData) SetMessageDelivery(agency ill.AgencyID, id int64, delivery, confirmation, errText string) error {
	var delivered sql.NullInt64
	if delivery == DeliverySent || delivery == DeliveryDelivered {
		delivered = nullMicros(a.t.now)
	}
	return a.t.execOne(ill.Errorf(ill.NotFound, "no message %d", id),
		`UPDATE messages SET delivery = $1, confirmation = $2, error = $3, delivered_at = $4 WHERE id = $5 AND agency = $6`,
		delivery, confirmation, errText, delivered, id, string(agency))
}

// SetMessageSent records a message's delivery together with the XML it
// travelled as (raw; empty keeps what is stored): one write per message
// sent.
func (a AgencyData) SetMessageSent(agency ill.AgencyID, id int64, raw, delivery, confirmation string) error {
	if raw == "" {
		return a.SetMessageDelivery(agency, id, delivery, confirmation, "")
	}
	return a.t.execOne(ill.Errorf(ill.NotFound, "no message %d", id),
		`UPDATE messages SET raw = $1, delivery = $2, confirmation = $3, error = '', delivered_at = $4 WHERE id = $5 AND agency = $6`,
		raw, delivery, confirmation, nullMicros(a.t.now), id, string(agency))
}

// SetMessageRequest links a stored message to the request it turned out to
// belong to (an incoming request creates the request after it is stored).
func (a AgencyData) SetMessageRequest(agency ill.AgencyID, id, requestID int64) error {
	return a.t.execOne(ill.Errorf(ill.NotFound, "no message %d", id),
		`UPDATE messages SET request_id = $1 WHERE id = $2 AND agency = $3`, requestID, id, string(agency))
}

// SetMessageJob links an outbound message to the job that sends it.
func (a AgencyData) SetMessageJob(agency ill.AgencyID, id, jobID int64) error {
	return a.t.execOne(ill.Errorf(ill.NotFound, "no message %d", id),
		`UPDATE messages SET job_id = $1 WHERE id = $2 AND agency = $3`, jobID, id, string(agency))
}

// SetMessageRaw stores the XML an outgoing message travelled as.
func (a AgencyData) SetMessageRaw(agency ill.AgencyID, id int64, raw string) error {
	return a.t.execOne(ill.Errorf(ill.NotFound, "no message %d", id),
		`UPDATE messages SET raw = $1 WHERE id = $2 AND agency = $3`, raw, id, string(agency))
}
