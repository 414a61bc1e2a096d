package store

import (
	"database/sql"
	"errors"
	"strings"
	"time"

	"interlend/internal/ill"
)

// Session is a logged-in browser. The cookie holds a random token; only its
// hash is stored, so a copy of the database cannot be used to log in.
type Session struct {
	TokenHash    string
	UserID       int64
	Agency       ill.AgencyID
	CSRFToken    string
	Data         string // JSON: flash messages, pending citation, ...
	SecondFactor bool   // the TOTP step is done (or not needed)
	CreatedAt    time.Time
	LastSeenAt   time.Time
	ExpiresAt    time.Time
}

// CreateSession stores a new session.
func (s SystemData) CreateSession(se Session) error {
	_, err := s.t.exec(`INSERT INTO sessions (token_hash, user_id, agency, csrf_token, data, second_factor, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		se.TokenHash, se.UserID, string(se.Agency), se.CSRFToken, se.Data, se.SecondFactor, micros(s.t.now), micros(s.t.now), micros(se.ExpiresAt))
	return err
}

const sessionColumns = `s.user_id, s.agency, s.csrf_token, s.data, s.second_factor, s.created_at, s.last_seen_at, s.expires_at`

// scanSession reads the sessionColumns of a row, then rest (the columns
// the query selects after them).
func scanSession(sc interface{ Scan(...any) error }, hash string, rest ...any) (Session, error) {
	se := Session{TokenHash: hash}
	var agency string
	var created, seen, expires int64
	err := sc.Scan(append([]any{&se.UserID, &agency, &se.CSRFToken, &se.Data, &se.SecondFactor, &created, &seen, &expires}, rest...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ill.E(ill.Unauthenticated, "your session has ended; please log in again")
	}
	se.Agency, se.CreatedAt, se.LastSeenAt, se.ExpiresAt = ill.AgencyID(agency), fromMicros(created), fromMicros(seen), fromMicros(expires)
	return se, err
}

// SessionByHash finds a live session. Returns Unauthenticated when missing
// or expired.
func (s SystemData) SessionByHash(hash string) (Session, error) {
	return scanSession(s.t.queryRow(`SELECT `+sessionColumns+` FROM sessions s WHERE s.token_hash = $1 AND s.expires_at > $2`, hash, micros(s.t.now)), hash)
}

// SessionWithUser finds a live session and its account with the
// account's grants, in two queries (every authenticated request asks).
// Returns Unauthenticated when the session is missing or expired.
func (s SystemData) SessionWithUser(hash string) (Session, User, error) {
	row := s.t.queryRow(`SELECT `+sessionColumns+`, `+qualified("u", userColumns)+`
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2`, hash, micros(s.t.now))
	var se Session
	u, err := scanUser(scanFunc(func(userDest ...any) (err error) {
		se, err = scanSession(row, hash, userDest...)
		return err
	}))
	if err != nil {
		return Session{}, User{}, err
	}
	u.Grants, err = s.Grants(u.ID)
	return se, u, err
}

// qualified prefixes each column of a list such as userColumns with a
// table's alias.
func qualified(alias, columns string) string {
	return alias + "." + strings.ReplaceAll(columns, ", ", ", "+alias+".")
}

// UpdateSession saves the session's agency, data, second-factor flag, last
// activity and expiry.
func (s SystemData) UpdateSession(se Session) error {
	return s.t.execOne(ill.E(ill.Unauthenticated, "your session has ended; please log in again"),
		`UPDATE sessions SET agency = $1, data = $2, second_factor = $3, last_seen_at = $4, expires_at = $5 WHERE token_hash = $6`,
		string(se.Agency), se.Data, se.SecondFactor, micros(s.t.now), micros(se.ExpiresAt), se.TokenHash)
}

// DeleteSession ends a session (logout).
func (s SystemData) DeleteSession(hash string) error {
	_, err := s.t.exec(`DELETE FROM sessions WHERE token_hash = $1`, hash)
	return err
}

// DeleteUserSessions ends every session of a user (password change).
func (s SystemData) DeleteUserSessions(userID int64, except string) error {
	_, err := s.t.exec(`DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, except)
	return err
}

// PurgeExpiredSessions deletes sessions past their expiry and old login
// attempts; returns how many sessions went.
func (s SystemData) PurgeExpiredSessions(attemptsBefore time.Time) (int64, error) {
	res, err := s.t.exec(`DELETE FROM sessions WHERE expires_at <= $1`, micros(s.t.now))
	if err != nil {
		return 0, err
	}
	if _, err := s.t.exec(`DELETE FROM login_attempts WHERE at < $1`, micros(attemptsBefore)); err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// RecordLoginAttempt notes a login attempt under a throttling key.
func (s SystemData) RecordLoginAttempt(key string, ok bool) error {
	_, err := s.t.exec(`INSERT INTO login_attempts (key, at, ok) VALUES ($1, $2, $3)`, key, micros(s.t.now), ok)
	return err
}

// FailedLoginsSince counts failed attempts under a key since t.
func (s SystemData) FailedLoginsSince(key string, since time.Time) (int, error) {
	var n int
	err := s.t.queryRow(`SELECT count(*) FROM login_attempts WHERE key = $1 AND at >= $2 AND ok = $3`, key, micros(since), false).Scan(&n)
	return n, err
}

// APIToken is a bearer credential for the JSON API, acting as one user in
// one agency with one role. Only a hash of the secret is stored.
type APIToken struct {
	ID         int64
	UserID     int64
	Agency     ill.AgencyID
	Role       ill.Role
	Name       string
	TokenHash  string
	Prefix     string // first characters of the token, to recognise it in lists
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RevokedAt  time.Time
	LastUsedAt time.Time
}

// CreateAPIToken stores a token.
func (s SystemData) CreateAPIToken(tk APIToken) (APIToken, error) {
	tk.CreatedAt = s.t.now
	err := s.t.queryRow(`INSERT INTO api_tokens (user_id, agency, role, name, token_hash, prefix, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		tk.UserID, string(tk.Agency), string(tk.Role), tk.Name, tk.TokenHash, tk.Prefix, micros(tk.CreatedAt), micros(tk.ExpiresAt)).Scan(&tk.ID)
	return tk, err
}

const tokenColumns = `id, user_id, agency, role, name, token_hash, prefix, created_at, expires_at, revoked_at, last_used_at`

func scanToken(sc interface{ Scan(...any) error }) (APIToken, error) {
	var tk APIToken
	var agency, role string
	var created, expires int64
	var revoked, used sql.NullInt64
	err := sc.Scan(&tk.ID, &tk.UserID, &agency, &role, &tk.Name, &tk.TokenHash, &tk.Prefix, &created, &expires, &revoked, &used)
	tk.Agency, tk.Role = ill.AgencyID(agency), ill.Role(role)
	tk.CreatedAt, tk.ExpiresAt, tk.RevokedAt, tk.LastUsedAt = fromMicros(created), fromMicros(expires), fromNullMicros(revoked), fromNullMicros(used)
	return tk, err
}

// APITokenByHash finds a usable token (not revoked, not expired) and marks
// it used. Returns Unauthenticated otherwise.
func (s SystemData) APITokenByHash(hash string) (APIToken, error) {
	tk, err := scanToken(s.t.queryRow(`SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = $1`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return APIToken{}, ill.E(ill.Unauthenticated, "unknown API token")
	}
	if err != nil {
		return APIToken{}, err
	}
	if !tk.RevokedAt.IsZero() {
		return APIToken{}, ill.E(ill.Unauthenticated, "this API token has been revoked")
	}
	if !s.t.now.Before(tk.ExpiresAt) {
		return APIToken{}, ill.E(ill.Unauthenticated, "this API token has expired")
	}
	return tk, nil
}

// TouchAPIToken records a token's use (at most once a minute per token).
func (s SystemData) TouchAPIToken(id int64) error {
	_, err := s.t.exec(`UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)`,
		micros(s.t.now), id, micros(s.t.now.Add(-time.Minute)))
	return err
}

// APITokens lists a user's tokens, newest first.
func (s SystemData) APITokens(userID int64) ([]APIToken, error) {
	rows, err := s.t.query(`SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		tk, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, tk)
	}
	return out, rows.Err()
}

// RevokeAPIToken revokes one of a user's tokens. Returns NotFound.
func (s SystemData) RevokeAPIToken(userID, id int64) error {
	return s.t.execOne(ill.Errorf(ill.NotFound, "no API token %d", id),
		`UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL`, micros(s.t.now), id, userID)
}
