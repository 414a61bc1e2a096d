package store

import (
	"database/sql"
	"errors"
	"time"

	"interlend/internal/ill"
)

// File is the record of one stored file (a scan, a generated PDF): who
// stored it, for what, and where its content is (Backend and SHA256 name
// the blob). A deleted file keeps its row, with the name redacted, for the
// audit trail; its content is purged.
type File struct {
	ID          int64
	Agency      ill.AgencyID
	PublicID    string
	Name        string
	ContentType string
	Size        int64
	SHA256      string
	Backend     string
	Purpose     string
	RequestRef  string
	CreatedAt   time.Time
	CreatedBy   int64 // user id; 0 for the system
	DeletedAt   time.Time
}

// Deleted reports whether the file has been deleted.
func (f File) Deleted() bool { return !f.DeletedAt.IsZero() }

const fileColumns = `id, agency, public_id, name, content_type, size, sha256, backend, purpose, request_ref, created_at, created_by, deleted_at`

func scanFile(sc interface{ Scan(...any) error }) (File, error) {
	var f File
	var agency string
	var ref sql.NullString
	var at int64
	var by, del sql.NullInt64
	if err := sc.Scan(&f.ID, &agency, &f.PublicID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.Backend, &f.Purpose, &ref, &at, &by, &del); err != nil {
		return File{}, err
	}
	f.Agency, f.RequestRef, f.CreatedAt, f.CreatedBy, f.DeletedAt = ill.AgencyID(agency), ref.String, fromMicros(at), by.Int64, fromNullMicros(del)
	return f, nil
}

// CreateFile records a stored file of the agency; f.Agency, ID and
// CreatedAt are set here. Returns NotFound for an agency not hosted here.
func (a AgencyData) CreateFile(agency ill.AgencyID, f File) (File, error) {
	f.Agency, f.CreatedAt, f.DeletedAt = agency, a.t.now, time.Time{}
	err := a.t.queryRow(`INSERT INTO files (agency, public_id, name, content_type, size, sha256, backend, purpose, request_ref, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		string(agency), f.PublicID, f.Name, f.ContentType, f.Size, f.SHA256, f.Backend, f.Purpose, nullString(f.RequestRef),
		micros(f.CreatedAt), sql.NullInt64{Int64: f.CreatedBy, Valid: f.CreatedBy != 0}).Scan(&f.ID)
	if isForeignKeyViolation(err) {
		return File{}, ill.Errorf(ill.NotFound, "agency %s is not hosted here", agency)
	}
	if err != nil {
		return File{}, err
	}
	return f, nil
}

// FileByPublicID finds one of the agency's files, deleted or not.
// Returns NotFound.
func (a AgencyData) FileByPublicID(agency ill.AgencyID, publicID string) (File, error) {
	f, err := scanFile(a.t.queryRow(`SELECT `+fileColumns+` FROM files WHERE agency = $1 AND public_id = $2`, string(agency), publicID))
	if errors.Is(err, sql.ErrNoRows) {
		return File{}, ill.E(ill.NotFound, "no such file")
	}
	return f, err
}

// FileByID finds one of the agency's files by row id. Returns NotFound.
func (a AgencyData) FileByID(agency ill.AgencyID, id int64) (File, error) {
	f, err := scanFile(a.t.queryRow(`SELECT `+fileColumns+` FROM files WHERE agency = $1 AND id = $2`, string(agency), id))
	if errors.Is(err, sql.ErrNoRows) {
		return File{}, ill.E(ill.NotFound, "no such file")
	}
	return f, err
}

// FileFilter selects files in Files. Zero fields do not filter.
type FileFilter struct {
	RequestRef     string
	Purpose        string
	IncludeDeleted bool
	Limit          int // default 100, at most 1000
}

// Files lists the agency's files, newest first.
func (a AgencyData) Files(agency ill.AgencyID, f FileFilter) ([]File, error) {
	q := `SELECT ` + fileColumns + ` FROM files WHERE agency = $1`
	args := []any{string(agency)}
	if f.RequestRef != "" {
		args = append(args, f.RequestRef)
		q += ` AND request_ref = $` + itoa(len(args))
	}
	if f.Purpose != "" {
		args = append(args, f.Purpose)
		q += ` AND purpose = $` + itoa(len(args))
	}
	if !f.IncludeDeleted {
		q += ` AND deleted_at IS NULL`
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	rows, err := a.t.query(q+` ORDER BY id DESC LIMIT `+itoa(f.Limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		fl, err := scanFile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, fl)
	}
	return out, rows.Err()
}

// DeletedFileName replaces the name of a deleted file: names may carry
// personal data.
const DeletedFileName = "(deleted)"

// MarkFileDeleted deletes a file's record: it stays for the audit trail,
// with deleted_at set and the name redacted. Returns NotFound, or Conflict
// when it was already deleted.
func (a AgencyData) MarkFileDeleted(agency ill.AgencyID, id int64) (File, error) {
	f, err := a.FileByID(agency, id)
	if err != nil {
		return File{}, err
	}
	if f.Deleted() {
		return File{}, ill.E(ill.Conflict, "the file was already deleted")
	}
	err = a.t.execOne(ill.E(ill.Conflict, "the file was already deleted"),
		`UPDATE files SET deleted_at = $3, name = $4 WHERE agency = $1 AND id = $2 AND deleted_at IS NULL`,
		string(agency), id, micros(a.t.now), DeletedFileName)
	if err != nil {
		return File{}, err
	}
	f.DeletedAt, f.Name = a.t.now, DeletedFileName
	return f, nil
}

// LiveFileRefs counts the agency's files, not deleted, whose content is
// the blob sha256 in backend (content is shared by identical files).
func (a AgencyData) LiveFileRefs(agency ill.AgencyID, backend, sha256 string) (int, error) {
	var n int
	err := a.t.queryRow(`SELECT count(*) FROM files WHERE agency = $1 AND backend = $2 AND sha256 = $3 AND deleted_at IS NULL`,
		string(agency), backend, sha256).Scan(&n)
	return n, err
}
