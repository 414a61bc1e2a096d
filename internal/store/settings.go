package store

import (
	"database/sql"
	"time"

	"interlend/internal/ill"
)

// Setting is one stored per-agency setting: a key and a JSON value.
type Setting struct {
	Key       string
	Value     string
	UpdatedAt time.Time
	UpdatedBy int64
}

// GetSetting reads one setting of an agency; ok is false when unset.
// A transaction reads an agency's settings once, all of them: one step
// of the workflow consults several, and they cannot change under it
// except through PutSetting, which keeps the copy in step.
func (a AgencyData) GetSetting(agency ill.AgencyID, key string) (Setting, bool, error) {
	all, ok := a.t.settings[agency]
	if !ok {
		list, err := a.Settings(agency)
		if err != nil {
			return Setting{}, false, err
		}
		all = make(map[string]Setting, len(list))
		for _, st := range list {
			all[st.Key] = st
		}
		if a.t.settings == nil {
			a.t.settings = map[ill.AgencyID]map[string]Setting{}
		}
		a.t.settings[agency] = all
	}
	st, ok := all[key]
	return st, ok, nil
}

// Settings reads every setting of an agency.
func (a AgencyData) Settings(agency ill.AgencyID) ([]Setting, error) {
	rows, err := a.t.query(`SELECT key, value, updated_at, updated_by FROM agency_settings WHERE agency = $1 ORDER BY key`, string(agency))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Setting
	for rows.Next() {
		var st Setting
		var at int64
		var by sql.NullInt64
		if err := rows.Scan(&st.Key, &st.Value, &at, &by); err != nil {
			return nil, err
		}
		st.UpdatedAt, st.UpdatedBy = fromMicros(at), by.Int64
		out = append(out, st)
	}
	return out, rows.Err()
}

// PutSetting stores a setting and writes an audit record with the old and
// new values. actor is the user id (0 for the system). mask, when given,
// is applied to both values before they go into the audit log (it hides
// secrets).
func (a AgencyData) PutSetting(agency ill.AgencyID, key, value string, actor int64, mask ...func(string) string) error {
	old, _, err := a.GetSetting(agency, key)
	if err != nil {
		return err
	}
	if old.Value == value && old.Key != "" {
		return nil
	}
	by := sql.NullInt64{Int64: actor, Valid: actor != 0}
	if _, err := a.t.exec(`INSERT INTO agency_settings (agency, key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (agency, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		string(agency), key, value, micros(a.t.now), by); err != nil {
		if isForeignKeyViolation(err) {
			return ill.Errorf(ill.NotFound, "agency %s is not hosted here", agency)
		}
		return err
	}
	if all, ok := a.t.settings[agency]; ok {
		all[key] = Setting{Key: key, Value: value, UpdatedAt: a.t.now, UpdatedBy: actor}
	}
	before, after := old.Value, value
	for _, m := range mask {
		before, after = m(before), m(after)
	}
	return a.Audit(agency, AuditRecord{Actor: actor, Action: "settings.update", Target: key, Before: before, After: after})
}

// AuditRecord is one entry of the audit log: who changed what, when.
type AuditRecord struct {
	ID     int64
	Agency ill.AgencyID
	Actor  int64 // user id; 0 for the system
	Action string
	Target string
	Before string
	After  string
	At     time.Time
}

// Audit appends to an agency's audit log.
func (a AgencyData) Audit(agency ill.AgencyID, r AuditRecord) error {
	_, err := a.t.exec(`INSERT INTO audit_log (agency, actor, action, target, before, after, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		string(agency), sql.NullInt64{Int64: r.Actor, Valid: r.Actor != 0}, r.Action, r.Target, r.Before, r.After, micros(a.t.now))
	return err
}

// AuditLog lists an agency's audit records, newest first; target "" lists all.
func (a AgencyData) AuditLog(agency ill.AgencyID, target string, limit int) ([]AuditRecord, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	q := `SELECT id, actor, action, target, before, after, at FROM audit_log WHERE agency = $1`
	args := []any{string(agency)}
	if target != "" {
		q += ` AND target = $2`
		args = append(args, target)
	}
	rows, err := a.t.query(q+` ORDER BY id DESC LIMIT `+itoa(limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditRecord
	for rows.Next() {
		r := AuditRecord{Agency: agency}
		var actor sql.NullInt64
		var at int64
		if err := rows.Scan(&r.ID, &actor, &r.Action, &r.Target, &r.Before, &r.After, &at); err != nil {
			return nil, err
		}
		r.Actor, r.At = actor.Int64, fromMicros(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// SystemAudit appends a deployment-level audit record (account changes).
func (s SystemData) SystemAudit(r AuditRecord) error {
	return AgencyData(s).Audit(r.Agency, r)
}
