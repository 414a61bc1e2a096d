package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"interlend/internal/ill"
)

// Account token purposes.
const (
	TokenInvite = "invite" // a staff invitation: set a password, then log in
	TokenReset  = "reset"  // a password reset link
)

// AccountToken is a one-time secret sent by email. Only its hash is stored.
type AccountToken struct {
	ID        int64
	UserID    int64
	Purpose   string
	TokenHash string
	Agency    ill.AgencyID // the inviting agency; "" for a reset
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// errTokenGone is what every lookup of a missing, used or expired token
// says: the link does not tell which of these it was.
var errTokenGone = ill.E(ill.NotFound, "This link is not valid any more. Ask for a new one.")

// CreateAccountToken stores a token (its hash) and returns its id.
func (s SystemData) CreateAccountToken(tk AccountToken) (int64, error) {
	var id int64
	err := s.t.queryRow(`INSERT INTO account_tokens (user_id, purpose, token_hash, agency, created_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		tk.UserID, tk.Purpose, tk.TokenHash, string(tk.Agency), sql.NullInt64{Int64: tk.CreatedBy, Valid: tk.CreatedBy != 0},
		micros(s.t.now), micros(tk.ExpiresAt)).Scan(&id)
	if isForeignKeyViolation(err) {
		return 0, ill.Errorf(ill.NotFound, "no user %d", tk.UserID)
	}
	if err != nil {
		return 0, fmt.Errorf("store: create account token: %w", err)
	}
	return id, nil
}

const accountTokenColumns = `id, user_id, purpose, token_hash, agency, created_by, created_at, expires_at, used_at`

func scanAccountToken(sc interface{ Scan(...any) error }) (AccountToken, error) {
	var tk AccountToken
	var agency string
	var by, used sql.NullInt64
	var created, expires int64
	err := sc.Scan(&tk.ID, &tk.UserID, &tk.Purpose, &tk.TokenHash, &agency, &by, &created, &expires, &used)
	tk.Agency, tk.CreatedBy = ill.AgencyID(agency), by.Int64
	tk.CreatedAt, tk.ExpiresAt, tk.UsedAt = fromMicros(created), fromMicros(expires), fromNullMicros(used)
	return tk, err
}

// LiveAccountToken finds an unused, unexpired token of a purpose by its
// hash. Returns NotFound for a missing, used or expired token alike.
func (s SystemData) LiveAccountToken(purpose, hash string) (AccountToken, error) {
	tk, err := scanAccountToken(s.t.queryRow(`SELECT `+accountTokenColumns+` FROM account_tokens
		WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`, hash, purpose, micros(s.t.now)))
	if errors.Is(err, sql.ErrNoRows) {
		return AccountToken{}, errTokenGone
	}
	if err != nil {
		return AccountToken{}, fmt.Errorf("store: account token: %w", err)
	}
	return tk, nil
}

// UseAccountToken marks a token used; a second use (a concurrent one
// included) gets NotFound.
func (s SystemData) UseAccountToken(id int64) error {
	return s.t.execOne(errTokenGone, `UPDATE account_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1`,
		micros(s.t.now), id)
}

// EndAccountTokens marks every outstanding token of a user and purpose
// used (a new reset link or a changed password ends the older links).
func (s SystemData) EndAccountTokens(userID int64, purpose string) error {
	_, err := s.t.exec(`UPDATE account_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL`,
		micros(s.t.now), userID, purpose)
	return err
}

// CountAccountTokensSince counts the tokens of a purpose made for a user
// since a time (to limit how many reset mails one address can trigger).
func (s SystemData) CountAccountTokensSince(userID int64, purpose string, since time.Time) (int, error) {
	var n int
	err := s.t.queryRow(`SELECT count(*) FROM account_tokens WHERE user_id = $1 AND purpose = $2 AND created_at >= $3`,
		userID, purpose, micros(since)).Scan(&n)
	return n, err
}

// Invitation is a staff invitation still waiting to be accepted.
type Invitation struct {
	TokenID   int64
	UserID    int64
	Email     string
	Name      string
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Invitations lists an agency's unaccepted, unexpired invitations, newest
// first.
func (a AgencyData) Invitations(agency ill.AgencyID) ([]Invitation, error) {
	rows, err := a.t.query(`SELECT t.id, t.user_id, u.email, u.name, t.created_by, t.created_at, t.expires_at
		FROM account_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.agency = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > $3
		ORDER BY t.id DESC`, string(agency), TokenInvite, micros(a.t.now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		var in Invitation
		var by sql.NullInt64
		var created, expires int64
		if err := rows.Scan(&in.TokenID, &in.UserID, &in.Email, &in.Name, &by, &created, &expires); err != nil {
			return nil, err
		}
		in.CreatedBy, in.CreatedAt, in.ExpiresAt = by.Int64, fromMicros(created), fromMicros(expires)
		out = append(out, in)
	}
	return out, rows.Err()
}

// StaffUsers lists the accounts holding a staff role (anything but
// patron) in an agency, with their grants, by email. Operators are not
// listed unless they also hold a role in the agency.
func (s SystemData) StaffUsers(agency ill.AgencyID) ([]User, error) {
	rows, err := s.t.query(`SELECT `+userColumns+` FROM users WHERE id IN (
		SELECT user_id FROM user_grants WHERE agency = $1 AND role <> $2) ORDER BY email`,
		string(agency), string(ill.RolePatron))
	if err != nil {
		return nil, err
	}
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Grants, err = s.Grants(out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PutTOTPEnrolment keeps a second-factor secret that the user has been
// shown but not yet confirmed with a code (replacing an earlier one).
func (s SystemData) PutTOTPEnrolment(userID int64, secret string) error {
	_, err := s.t.exec(`INSERT INTO totp_enrolments (user_id, secret, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at`,
		userID, secret, micros(s.t.now))
	if isForeignKeyViolation(err) {
		return ill.Errorf(ill.NotFound, "no user %d", userID)
	}
	return err
}

// TOTPEnrolment returns the pending secret of a user and when it was
// made. Returns NotFound when there is none.
func (s SystemData) TOTPEnrolment(userID int64) (string, time.Time, error) {
	var secret string
	var at int64
	err := s.t.queryRow(`SELECT secret, created_at FROM totp_enrolments WHERE user_id = $1`, userID).Scan(&secret, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, ill.E(ill.NotFound, "no second-factor set-up is in progress")
	}
	return secret, fromMicros(at), err
}

// DeleteTOTPEnrolment drops a pending secret (confirmed or abandoned).
func (s SystemData) DeleteTOTPEnrolment(userID int64) error {
	_, err := s.t.exec(`DELETE FROM totp_enrolments WHERE user_id = $1`, userID)
	return err
}

// FailingJobs lists jobs that need a person's eye, newest change first:
// dead and held jobs, and ready jobs that have failed at least once and
// wait for their next try. The filter's States are ignored.
func (s SystemData) FailingJobs(f JobFilter, limit int) ([]Job, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	f.States = nil
	var args []any
	q := `SELECT ` + jobColumns + ` FROM jobs WHERE ` + f.where(&args) +
		` AND (state IN ('dead', 'held') OR (state = 'ready' AND attempts > 0 AND last_error <> ''))
		ORDER BY updated_at DESC, id DESC LIMIT ` + itoa(limit)
	rows, err := s.t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: failing jobs: %w", err)
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// AuditQuery selects audit records. Empty fields match everything.
type AuditQuery struct {
	ActionPrefix string // e.g. "settings." or "user."
	Target       string
	Limit        int // default 100, at most 1000
}

// AuditEntry is an audit record with the acting user's name and email
// ("" for the system or a deleted user).
type AuditEntry struct {
	AuditRecord
	ActorName  string
	ActorEmail string
}

// AuditTrail lists an agency's audit records, newest first, with who
// made each change.
func (a AgencyData) AuditTrail(agency ill.AgencyID, q AuditQuery) ([]AuditEntry, error) {
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 100
	}
	conds, args := []string{"l.agency = $1"}, []any{string(agency)}
	if q.ActionPrefix != "" {
		args = append(args, likePrefix(q.ActionPrefix))
		conds = append(conds, fmt.Sprintf(`l.action LIKE $%d ESCAPE '\'`, len(args)))
	}
	if q.Target != "" {
		args = append(args, q.Target)
		conds = append(conds, fmt.Sprintf("l.target = $%d", len(args)))
	}
	rows, err := a.t.query(`SELECT l.id, l.actor, l.action, l.target, l.before, l.after, l.at, COALESCE(u.name, ''), COALESCE(u.email, '')
		FROM audit_log l LEFT JOIN users u ON u.id = l.actor
		WHERE `+strings.Join(conds, " AND ")+` ORDER BY l.id DESC LIMIT `+itoa(q.Limit), args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit trail: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		e := AuditEntry{AuditRecord: AuditRecord{Agency: agency}}
		var actor sql.NullInt64
		var at int64
		if err := rows.Scan(&e.ID, &actor, &e.Action, &e.Target, &e.Before, &e.After, &at, &e.ActorName, &e.ActorEmail); err != nil {
			return nil, err
		}
		e.Actor, e.At = actor.Int64, fromMicros(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// likePrefix escapes LIKE wildcards in p and appends "%".
func likePrefix(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(p) + "%"
}
