package store

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"interlend/internal/ill"
)

// Agency is a library hosted by this deployment.
type Agency struct {
	ID        ill.AgencyID
	Name      string
	CreatedAt time.Time
}

// User is an account: staff or patron. Grants say what it may do where.
type User struct {
	ID           int64
	Email        string
	Name         string
	PasswordHash string
	Disabled     bool
	TOTPSecret   string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	LastLoginAt  time.Time
	Grants       ill.Grants
}

// CreateAgency adds a hosted agency. Returns Conflict if it exists.
func (s SystemData) CreateAgency(id ill.AgencyID, name string) (Agency, error) {
	s.t.directoryChanged()
	a := Agency{ID: id, Name: name, CreatedAt: s.t.now}
	_, err := s.t.exec(`INSERT INTO agencies (id, name, created_at) VALUES ($1, $2, $3)`, string(id), name, micros(a.CreatedAt))
	if isUniqueViolation(err) {
		return Agency{}, ill.Errorf(ill.Conflict, "agency %s already exists", id)
	}
	return a, err
}

// Agencies lists the hosted agencies by id.
// They are kept with the directory (directory_cache.go).
func (s SystemData) Agencies() ([]Agency, error) {
	v, err := s.t.directoryVersion()
	if err != nil {
		return nil, err
	}
	if c := s.t.db.dir.at(v); c != nil {
		list := slices.Clone(c.agencies)
		c.done()
		if list != nil {
			return list, nil
		}
	}
	list, err := s.readAgencies()
	if err == nil {
		kept := slices.Clone(list)
		if kept == nil {
			kept = []Agency{}
		}
		s.t.cacheDirectory(v, func(c *directoryCache) { c.agencies = kept })
	}
	return list, err
}

func (s SystemData) readAgencies() ([]Agency, error) {
	rows, err := s.t.query(`SELECT id, name, created_at FROM agencies ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Agency
	for rows.Next() {
		var a Agency
		var id string
		var at int64
		if err := rows.Scan(&id, &a.Name, &at); err != nil {
			return nil, err
		}
		a.ID, a.CreatedAt = ill.AgencyID(id), fromMicros(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// GetAgency finds one hosted agency. Returns NotFound.
func (s SystemData) GetAgency(id ill.AgencyID) (Agency, error) {
	list, err := s.Agencies()
	if err != nil {
		return Agency{}, err
	}
	for _, a := range list {
		if a.ID == id {
			return a, nil
		}
	}
	return Agency{}, ill.Errorf(ill.NotFound, "agency %s is not hosted here", id)
}

// NormaliseEmail is the stored form of a login name.
func NormaliseEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CreateUser adds an account. Returns Conflict if the email is taken.
func (s SystemData) CreateUser(u User) (User, error) {
	u.Email = NormaliseEmail(u.Email)
	u.CreatedAt, u.UpdatedAt = s.t.now, s.t.now
	err := s.t.queryRow(`INSERT INTO users (email, name, password_hash, disabled, totp_secret, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		u.Email, u.Name, u.PasswordHash, u.Disabled, u.TOTPSecret, micros(u.CreatedAt), micros(u.UpdatedAt)).Scan(&u.ID)
	if isUniqueViolation(err) {
		return User{}, ill.E(ill.Conflict, fmt.Sprintf("a user with email %s already exists", u.Email), map[string]string{"email": "already in use"})
	}
	if err != nil {
		return User{}, fmt.Errorf("store: create user: %w", err)
	}
	for _, g := range u.Grants {
		if err := s.Grant(u.ID, g); err != nil {
			return User{}, err
		}
	}
	return u, nil
}

const userColumns = `id, email, name, password_hash, disabled, totp_secret, created_at, updated_at, last_login_at`

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	var created, updated int64
	var last sql.NullInt64
	if err := sc.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Disabled, &u.TOTPSecret, &created, &updated, &last); err != nil {
		return User{}, err
	}
	u.CreatedAt, u.UpdatedAt, u.LastLoginAt = fromMicros(created), fromMicros(updated), fromNullMicros(last)
	return u, nil
}

// UserByEmail finds an account with its grants. Returns NotFound.
func (s SystemData) UserByEmail(email string) (User, error) {
	u, err := scanUser(s.t.queryRow(`SELECT `+userColumns+` FROM users WHERE email = $1`, NormaliseEmail(email)))
	return s.withGrants(u, err, email)
}

// UserByID finds an account with its grants. Returns NotFound.
func (s SystemData) UserByID(id int64) (User, error) {
	u, err := scanUser(s.t.queryRow(`SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return s.withGrants(u, err, fmt.Sprint(id))
}

func (s SystemData) withGrants(u User, err error, key string) (User, error) {
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ill.Errorf(ill.NotFound, "no user %s", key)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: user %s: %w", key, err)
	}
	u.Grants, err = s.Grants(u.ID)
	return u, err
}

// Users lists accounts with their grants; agency "" lists all.
func (s SystemData) Users(agency ill.AgencyID) ([]User, error) {
	q := `SELECT ` + userColumns + ` FROM users ORDER BY email`
	var args []any
	if agency != "" {
		q = `SELECT ` + userColumns + ` FROM users WHERE id IN (SELECT user_id FROM user_grants WHERE agency = $1) ORDER BY email`
		args = append(args, string(agency))
	}
	rows, err := s.t.query(q, args...)
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

// Grants lists a user's roles.
func (s SystemData) Grants(userID int64) (ill.Grants, error) {
	rows, err := s.t.query(`SELECT agency, role FROM user_grants WHERE user_id = $1 ORDER BY agency, role`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out ill.Grants
	for rows.Next() {
		var a, r string
		if err := rows.Scan(&a, &r); err != nil {
			return nil, err
		}
		out = append(out, ill.Grant{Agency: ill.AgencyID(a), Role: ill.Role(r)})
	}
	return out, rows.Err()
}

// Grant gives a user a role in an agency (idempotent).
func (s SystemData) Grant(userID int64, g ill.Grant) error {
	if !g.Role.Valid() {
		return ill.Errorf(ill.Invalid, "unknown role %q", g.Role)
	}
	if g.Role == ill.RoleOperator {
		g.Agency = ""
	} else if g.Agency == "" {
		return ill.Errorf(ill.Invalid, "role %s needs an agency", g.Role)
	}
	_, err := s.t.exec(`INSERT INTO user_grants (user_id, agency, role, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, agency, role) DO NOTHING`, userID, string(g.Agency), string(g.Role), micros(s.t.now))
	if isForeignKeyViolation(err) {
		return ill.Errorf(ill.NotFound, "no user %d", userID)
	}
	return err
}

// Revoke removes a role.
func (s SystemData) Revoke(userID int64, g ill.Grant) error {
	_, err := s.t.exec(`DELETE FROM user_grants WHERE user_id = $1 AND agency = $2 AND role = $3`, userID, string(g.Agency), string(g.Role))
	return err
}

// SetPassword replaces a user's password hash. Returns NotFound.
func (s SystemData) SetPassword(userID int64, hash string) error {
	return s.t.execOne(ill.Errorf(ill.NotFound, "no user %d", userID),
		`UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, micros(s.t.now), userID)
}

// SetDisabled disables or enables an account; disabling ends its sessions
// and revokes its API tokens.
func (s SystemData) SetDisabled(userID int64, disabled bool) error {
	if err := s.t.execOne(ill.Errorf(ill.NotFound, "no user %d", userID),
		`UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3`, disabled, micros(s.t.now), userID); err != nil {
		return err
	}
	if disabled {
		if _, err := s.t.exec(`DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return err
		}
		if _, err := s.t.exec(`UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, micros(s.t.now), userID); err != nil {
			return err
		}
	}
	return nil
}

// SetTOTPSecret stores (or clears, with "") a user's second-factor secret.
func (s SystemData) SetTOTPSecret(userID int64, secret string) error {
	return s.t.execOne(ill.Errorf(ill.NotFound, "no user %d", userID),
		`UPDATE users SET totp_secret = $1, updated_at = $2 WHERE id = $3`, secret, micros(s.t.now), userID)
}

// UpdateUserName changes the display name.
func (s SystemData) UpdateUserName(userID int64, name string) error {
	return s.t.execOne(ill.Errorf(ill.NotFound, "no user %d", userID),
		`UPDATE users SET name = $1, updated_at = $2 WHERE id = $3`, name, micros(s.t.now), userID)
}

// RecordLogin notes a successful login.
func (s SystemData) RecordLogin(userID int64) error {
	_, err := s.t.exec(`UPDATE users SET last_login_at = $1 WHERE id = $2`, micros(s.t.now), userID)
	return err
}

// GetSystemSetting reads a deployment-wide value; ok is false when unset.
func (s SystemData) GetSystemSetting(key string) (value string, ok bool, err error) {
	err = s.t.queryRow(`SELECT value FROM system_settings WHERE key = $1`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return value, err == nil, err
}

// PutSystemSettingIfAbsent stores a value unless one exists, and returns
// the value now stored (so that several nodes agree on a generated secret).
func (s SystemData) PutSystemSettingIfAbsent(key, value string) (string, error) {
	if _, err := s.t.exec(`INSERT INTO system_settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`,
		key, value, micros(s.t.now)); err != nil {
		return "", err
	}
	v, _, err := s.GetSystemSetting(key)
	return v, err
}
