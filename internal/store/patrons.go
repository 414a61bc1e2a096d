package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/patron"
)

// Patron is one patron record of an agency. It holds personal data: never
// log it.
type Patron struct {
	ID     int64
	Agency ill.AgencyID
	patron.Record
	// UserID is the login account linked to the record (0: none).
	UserID int64
	// Source says how the record was created: staff, import or sync.
	Source    string
	CreatedAt time.Time
	UpdatedAt time.Time
	// Blocks are the blocks in force.
	Blocks []PatronBlock
}

// PatronBlock is a block on a patron. Staff place blocks by hand (source
// staff); a patron file places and lifts its own (source import), never
// touching staff blocks.
type PatronBlock struct {
	ID        int64
	PatronID  int64
	Source    string
	Reason    string
	CreatedAt time.Time
	CreatedBy int64
	LiftedAt  time.Time // zero while in force
	LiftedBy  int64
}

// Where patron records and blocks come from.
const (
	PatronByStaff  = "staff"  // typed in by staff
	PatronByImport = "import" // a file imported by hand
	PatronBySync   = "sync"   // the nightly file drop

	BlockStaff  = "staff"  // placed by staff; a patron file never lifts it
	BlockImport = "import" // placed by a patron file; the next file may lift it
)

// Standing is what the request check needs to know about the patron.
func (p Patron) Standing() patron.Standing {
	s := patron.Standing{Category: p.Category, Expires: p.Expires}
	for _, b := range p.Blocks {
		s.Blocks = append(s.Blocks, b.Reason)
	}
	return s
}

const patronColumns = `id, barcode, ils_id, first_name, last_name, name, email, category, home_library, pickup_location,
	expires_on, notes, user_id, source, created_at, updated_at`

func scanPatron(agency ill.AgencyID, sc interface{ Scan(...any) error }) (Patron, error) {
	p := Patron{Agency: agency}
	var expires, user sql.NullInt64
	var created, updated int64
	err := sc.Scan(&p.ID, &p.Barcode, &p.ILSID, &p.FirstName, &p.LastName, &p.Name, &p.Email, &p.Category,
		&p.HomeLibrary, &p.PickupLocation, &expires, &p.Notes, &user, &p.Source, &created, &updated)
	p.Expires, p.UserID = fromNullMicros(expires), user.Int64
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return p, err
}

func searchKey(p Patron) string { return strings.ToLower(p.Name + " " + p.Email) }

func errNoPatron(key any) error { return ill.Errorf(ill.NotFound, "no patron %v", key) }

// CreatePatron adds a patron record. Returns Conflict when the barcode is
// taken in the agency, NotFound for an agency not hosted here.
func (a AgencyData) CreatePatron(agency ill.AgencyID, p Patron, actor int64) (Patron, error) {
	if p.Source == "" {
		p.Source = PatronByStaff
	}
	p, err := a.insertPatron(agency, p)
	if err != nil {
		return Patron{}, err
	}
	return p, a.Audit(agency, AuditRecord{Actor: actor, Action: "patron.create", Target: p.Barcode})
}

// insertPatron writes a new record (the caller audits).
func (a AgencyData) insertPatron(agency ill.AgencyID, p Patron) (Patron, error) {
	p.Agency, p.CreatedAt, p.UpdatedAt = agency, a.t.now, a.t.now
	p.Name = p.DisplayName()
	args := []any{string(agency), p.Barcode, p.ILSID, p.FirstName, p.LastName, p.Name, p.Email, p.Category, p.HomeLibrary,
		p.PickupLocation, nullMicros(p.Expires), p.Notes, sql.NullInt64{Int64: p.UserID, Valid: p.UserID != 0}, p.Source,
		searchKey(p), micros(a.t.now)}
	err := a.t.queryRow(patronInsert, args...).Scan(&p.ID)
	switch {
	case isUniqueViolation(err):
		return Patron{}, ill.E(ill.Conflict, fmt.Sprintf("barcode %s belongs to another patron", p.Barcode), map[string]string{"barcode": "already in use"})
	case isForeignKeyViolation(err):
		return Patron{}, ill.Errorf(ill.NotFound, "agency %s is not hosted here", agency)
	case err != nil:
		return Patron{}, fmt.Errorf("store: create patron: %w", err)
	}
	return p, nil
}

const patronInsert = `INSERT INTO patrons (agency, barcode, ils_id, first_name, last_name, name, email, category, home_library,
	pickup_location, expires_on, notes, user_id, source, search_key, created_at, updated_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id`

// UpdatePatron writes the fields f of p (found by p.ID) and audits which
// fields changed (not their values: they are personal). The barcode is
// always written. Returns NotFound or Conflict (barcode taken).
func (a AgencyData) UpdatePatron(agency ill.AgencyID, p Patron, f patron.Fields, actor int64) (Patron, error) {
	old, err := a.Patron(agency, p.ID)
	if err != nil {
		return Patron{}, err
	}
	next := old
	next.Barcode = p.Barcode
	applyRecord(&next, p.Record, f)
	changed := changedFields(old, next)
	if len(changed) == 0 {
		return old, nil
	}
	if err := a.writePatron(agency, next); err != nil {
		return Patron{}, err
	}
	next.UpdatedAt = a.t.now
	return next, a.Audit(agency, AuditRecord{Actor: actor, Action: "patron.update", Target: next.Barcode, After: strings.Join(changed, ", ")})
}

// writePatron rewrites a record. stmt, if not nil, is patronUpdate
// prepared.
func (a AgencyData) writePatron(agency ill.AgencyID, p Patron, stmt ...*sql.Stmt) error {
	args := []any{string(agency), p.ID, p.Barcode, p.ILSID, p.FirstName, p.LastName, p.Name, p.Email, p.Category, p.HomeLibrary,
		p.PickupLocation, nullMicros(p.Expires), p.Notes, searchKey(p), micros(a.t.now)}
	var err error
	if len(stmt) > 0 && stmt[0] != nil {
		_, err = stmt[0].ExecContext(a.t.ctx, args...)
	} else {
		_, err = a.t.exec(patronUpdate, args...)
	}
	if isUniqueViolation(err) {
		return ill.E(ill.Conflict, fmt.Sprintf("barcode %s belongs to another patron", p.Barcode), map[string]string{"barcode": "already in use"})
	}
	return err
}

const patronUpdate = `UPDATE patrons SET barcode = $3, ils_id = $4, first_name = $5, last_name = $6, name = $7, email = $8,
	category = $9, home_library = $10, pickup_location = $11, expires_on = $12, notes = $13, search_key = $14, updated_at = $15
	WHERE agency = $1 AND id = $2`

// applyRecord copies the fields f of r into p.
func applyRecord(p *Patron, r patron.Record, f patron.Fields) {
	if f.Has(patron.FieldILSID) {
		p.ILSID = r.ILSID
	}
	if f&patron.FieldName != 0 {
		// A file with only a full-name column keeps the first and last
		// names; one with only first and last names makes the full name.
		if f.Has(patron.FieldFirstName) {
			p.FirstName = r.FirstName
		}
		if f.Has(patron.FieldLastName) {
			p.LastName = r.LastName
		}
		full := ""
		if f.Has(patron.FieldFullName) {
			full = r.Name
		}
		p.Name = patron.Record{FirstName: p.FirstName, LastName: p.LastName, Name: full}.DisplayName()
	}
	if f.Has(patron.FieldEmail) {
		p.Email = r.Email
	}
	if f.Has(patron.FieldCategory) {
		p.Category = r.Category
	}
	if f.Has(patron.FieldHomeLibrary) {
		p.HomeLibrary = r.HomeLibrary
	}
	if f.Has(patron.FieldPickup) {
		p.PickupLocation = r.PickupLocation
	}
	if f.Has(patron.FieldExpires) {
		p.Expires = r.Expires
	}
	if f.Has(patron.FieldNotes) {
		p.Notes = r.Notes
	}
}

// changedFields names the stored fields that differ between a and b.
func changedFields(a, b Patron) []string {
	var out []string
	add := func(name string, same bool) {
		if !same {
			out = append(out, name)
		}
	}
	add("barcode", a.Barcode == b.Barcode)
	add("id", a.ILSID == b.ILSID)
	add("name", a.FirstName == b.FirstName && a.LastName == b.LastName && a.Name == b.Name)
	add("email", a.Email == b.Email)
	add("category", a.Category == b.Category)
	add("home_library", a.HomeLibrary == b.HomeLibrary)
	add("pickup_location", a.PickupLocation == b.PickupLocation)
	add("expiry_date", a.Expires.Equal(b.Expires))
	add("notes", a.Notes == b.Notes)
	return out
}

// Patron finds a patron by id, with the blocks in force. Returns NotFound.
func (a AgencyData) Patron(agency ill.AgencyID, id int64) (Patron, error) {
	return a.onePatron(agency, id, `id = $2`, id)
}

// FindPatron finds a patron by barcode or, failing that, by ILS id, with
// the blocks in force. Returns NotFound.
func (a AgencyData) FindPatron(agency ill.AgencyID, ident string) (Patron, error) {
	ident = strings.TrimSpace(ident)
	p, err := a.onePatron(agency, ident, `barcode = $2`, ident)
	if ill.Is(err, ill.NotFound) && ident != "" {
		p, err = a.onePatron(agency, ident, `ils_id = $2 ORDER BY id LIMIT 1`, ident)
	}
	return p, err
}

// PatronByUser finds the patron record linked to a login account.
// Returns NotFound.
func (a AgencyData) PatronByUser(agency ill.AgencyID, userID int64) (Patron, error) {
	return a.onePatron(agency, fmt.Sprintf("for account %d", userID), `user_id = $2`, userID)
}

func (a AgencyData) onePatron(agency ill.AgencyID, key any, where string, arg any) (Patron, error) {
	p, err := scanPatron(agency, a.t.queryRow(`SELECT `+patronColumns+` FROM patrons WHERE agency = $1 AND `+where, string(agency), arg))
	if errors.Is(err, sql.ErrNoRows) {
		return Patron{}, errNoPatron(key)
	}
	if err != nil {
		return Patron{}, fmt.Errorf("store: patron %v: %w", key, err)
	}
	p.Blocks, err = a.blocks(agency, []int64{p.ID}, false)
	return p, err
}

// SearchPatrons finds up to limit patrons whose barcode or ILS id is q, or
// whose name or email holds every word of q; an empty q lists the most
// recently changed. Exact identifier matches come first.
func (a AgencyData) SearchPatrons(agency ill.AgencyID, q string, limit int) ([]Patron, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	q = strings.TrimSpace(q)
	args := []any{string(agency)}
	where, order := ``, `updated_at DESC, id DESC`
	if q != "" {
		args = append(args, q)
		words := strings.Fields(strings.ToLower(q))
		if len(words) > 6 {
			words = words[:6]
		}
		var like []string
		for _, w := range words {
			args = append(args, "%"+escapeLike(w)+"%")
			like = append(like, fmt.Sprintf(`search_key LIKE $%d ESCAPE '\'`, len(args)))
		}
		args = append(args, escapeLike(q)+"%")
		where = fmt.Sprintf(` AND (barcode = $2 OR ils_id = $2 OR barcode LIKE $%d ESCAPE '\' OR (%s))`, len(args), strings.Join(like, " AND "))
		order = `CASE WHEN barcode = $2 THEN 0 WHEN ils_id = $2 THEN 1 ELSE 2 END, name, barcode`
	}
	out, err := a.patronsWithBlocks(agency, `SELECT `+patronColumns+` FROM patrons WHERE agency = $1`+where+` ORDER BY `+order+` LIMIT `+itoa(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("store: search patrons: %w", err)
	}
	return out, nil
}

// patronsWithBlocks runs q, which selects patronColumns, and adds each
// patron's blocks in force.
func (a AgencyData) patronsWithBlocks(agency ill.AgencyID, q string, args ...any) ([]Patron, error) {
	rows, err := a.t.query(q, args...)
	if err != nil {
		return nil, err
	}
	var out []Patron
	var ids []int64
	for rows.Next() {
		p, err := scanPatron(agency, rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
		ids = append(ids, p.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	blocks, err := a.blocks(agency, ids, false)
	if err != nil {
		return nil, err
	}
	at := make(map[int64]int, len(out))
	for i, p := range out {
		at[p.ID] = i
	}
	for _, b := range blocks {
		out[at[b.PatronID]].Blocks = append(out[at[b.PatronID]].Blocks, b)
	}
	return out, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// CountPatrons counts an agency's patrons.
func (a AgencyData) CountPatrons(agency ill.AgencyID) (int, error) {
	var n int
	err := a.t.queryRow(`SELECT count(*) FROM patrons WHERE agency = $1`, string(agency)).Scan(&n)
	return n, err
}

// blocks lists the blocks of the patrons (in force only, unless all),
// oldest first.
func (a AgencyData) blocks(agency ill.AgencyID, patronIDs []int64, all bool) ([]PatronBlock, error) {
	if len(patronIDs) == 0 {
		return nil, nil
	}
	args := []any{string(agency)}
	var in []string
	for _, id := range patronIDs {
		args = append(args, id)
		in = append(in, fmt.Sprintf("$%d", len(args)))
	}
	q := `SELECT id, patron_id, source, reason, created_at, created_by, lifted_at, lifted_by FROM patron_blocks
		WHERE agency = $1 AND patron_id IN (` + strings.Join(in, ", ") + `)`
	if !all {
		q += ` AND lifted_at IS NULL`
	}
	rows, err := a.t.query(q+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: patron blocks: %w", err)
	}
	defer rows.Close()
	var out []PatronBlock
	for rows.Next() {
		var b PatronBlock
		var created int64
		var by, lifted, liftedBy sql.NullInt64
		if err := rows.Scan(&b.ID, &b.PatronID, &b.Source, &b.Reason, &created, &by, &lifted, &liftedBy); err != nil {
			return nil, err
		}
		b.CreatedAt, b.CreatedBy, b.LiftedAt, b.LiftedBy = fromMicros(created), by.Int64, fromNullMicros(lifted), liftedBy.Int64
		out = append(out, b)
	}
	return out, rows.Err()
}

// PatronBlockHistory lists every block of a patron, lifted ones too,
// oldest first. Returns NotFound for a patron not in the agency.
func (a AgencyData) PatronBlockHistory(agency ill.AgencyID, patronID int64) ([]PatronBlock, error) {
	if _, err := a.Patron(agency, patronID); err != nil {
		return nil, err
	}
	return a.blocks(agency, []int64{patronID}, true)
}

// AddPatronBlock places a block. Returns NotFound for a patron not in the
// agency.
func (a AgencyData) AddPatronBlock(agency ill.AgencyID, patronID int64, source, reason string, actor int64) (PatronBlock, error) {
	p, err := a.Patron(agency, patronID)
	if err != nil {
		return PatronBlock{}, err
	}
	b := PatronBlock{PatronID: patronID, Source: source, Reason: reason, CreatedAt: a.t.now, CreatedBy: actor}
	err = a.t.queryRow(`INSERT INTO patron_blocks (agency, patron_id, source, reason, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		string(agency), patronID, source, reason, micros(a.t.now), sql.NullInt64{Int64: actor, Valid: actor != 0}).Scan(&b.ID)
	if err != nil {
		return PatronBlock{}, fmt.Errorf("store: block patron: %w", err)
	}
	if err := a.touchPatron(agency, patronID); err != nil {
		return PatronBlock{}, err
	}
	return b, a.Audit(agency, AuditRecord{Actor: actor, Action: "patron.block", Target: p.Barcode, After: reason})
}

// LiftPatronBlock lifts a block in force. Returns NotFound when the patron
// has no such block in force.
func (a AgencyData) LiftPatronBlock(agency ill.AgencyID, patronID, blockID int64, actor int64) error {
	p, err := a.Patron(agency, patronID)
	if err != nil {
		return err
	}
	if err := a.t.execOne(ill.Errorf(ill.NotFound, "no block %d in force on this patron", blockID),
		`UPDATE patron_blocks SET lifted_at = $4, lifted_by = $5 WHERE agency = $1 AND patron_id = $2 AND id = $3 AND lifted_at IS NULL`,
		string(agency), patronID, blockID, micros(a.t.now), sql.NullInt64{Int64: actor, Valid: actor != 0}); err != nil {
		return err
	}
	if err := a.touchPatron(agency, patronID); err != nil {
		return err
	}
	return a.Audit(agency, AuditRecord{Actor: actor, Action: "patron.unblock", Target: p.Barcode})
}

func (a AgencyData) touchPatron(agency ill.AgencyID, id int64) error {
	_, err := a.t.exec(`UPDATE patrons SET updated_at = $3 WHERE agency = $1 AND id = $2`, string(agency), id, micros(a.t.now))
	return err
}

// LinkPatronUser links a patron record to a login account (userID 0
// unlinks). Returns NotFound, or Conflict when the account is linked to
// another patron of the agency.
func (a AgencyData) LinkPatronUser(agency ill.AgencyID, patronID, userID int64, actor int64) error {
	p, err := a.Patron(agency, patronID)
	if err != nil {
		return err
	}
	_, err = a.t.exec(`UPDATE patrons SET user_id = $3, updated_at = $4 WHERE agency = $1 AND id = $2`,
		string(agency), patronID, sql.NullInt64{Int64: userID, Valid: userID != 0}, micros(a.t.now))
	switch {
	case isUniqueViolation(err):
		return ill.E(ill.Conflict, "this account is already linked to another patron record")
	case isForeignKeyViolation(err):
		return ill.Errorf(ill.NotFound, "no user %d", userID)
	case err != nil:
		return err
	}
	if err := a.ownPatronRequests(agency, patronID, userID); err != nil { // requests_owner.go: the portal's "my requests"
		return err
	}
	action := "patron.link"
	if userID == 0 {
		action = "patron.unlink"
	}
	return a.Audit(agency, AuditRecord{Actor: actor, Action: action, Target: p.Barcode, After: fmt.Sprint(userID)})
}

// patronSyncKey is where an agency's patron file-drop settings live: with
// the deployment's own settings, because the file is on the server and
// only an operator chooses it.
func patronSyncKey(agency ill.AgencyID) string { return "patron.sync:" + string(agency) }

// PatronSyncConfig reads an agency's patron file-drop settings (JSON); ok
// is false when none are stored.
func (s SystemData) PatronSyncConfig(agency ill.AgencyID) (value string, ok bool, err error) {
	return s.GetSystemSetting(patronSyncKey(agency))
}

// PutPatronSyncConfig stores an agency's patron file-drop settings and
// audits the change in the agency's log.
func (s SystemData) PutPatronSyncConfig(agency ill.AgencyID, value string, actor int64) error {
	old, _, err := s.PatronSyncConfig(agency)
	if err != nil {
		return err
	}
	if _, err := s.t.exec(`INSERT INTO system_settings (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		patronSyncKey(agency), value, micros(s.t.now)); err != nil {
		return err
	}
	return s.SystemAudit(AuditRecord{Agency: agency, Actor: actor, Action: "patrons.sync.set", Target: "patron file drop", Before: old, After: value})
}
