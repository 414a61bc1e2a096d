package store

import (
	"database/sql"
	"errors"
	"time"

	"interlend/internal/ill"
)

// BlobObject is one piece of content in the database blob backend: its
// SHA-256 (the key), the upload whose chunks hold it, and when it was last
// written (every Put of the same content renews it).
type BlobObject struct {
	SHA256    string
	Upload    string
	Size      int64
	Chunks    int
	WrittenAt time.Time
}

// ErrBlobMissing is the cause of NotFound errors for blob content.
var ErrBlobMissing = errors.New("blob missing")

// PutBlobChunk stores chunk seq of an upload of the agency. Chunks are
// invisible until CommitBlob publishes the upload.
func (a AgencyData) PutBlobChunk(agency ill.AgencyID, upload string, seq int, data []byte) error {
	_, err := a.t.exec(`INSERT INTO blob_chunks (agency, upload, seq, data, created_at) VALUES ($1, $2, $3, $4, $5)`,
		string(agency), upload, seq, data, micros(a.t.now))
	return err
}

// CommitBlob publishes an upload under its SHA-256. If the agency already
// holds that content, the existing object is kept (its WrittenAt renewed)
// and the new upload's chunks are dropped. It returns the object as stored
// and whether o was the one published.
func (a AgencyData) CommitBlob(agency ill.AgencyID, o BlobObject) (BlobObject, bool, error) {
	o.WrittenAt = a.t.now
	var stored BlobObject
	var at int64
	// The upsert takes the row lock, so a concurrent conditional delete
	// (DeleteBlobIfIdle) either runs first and we insert afresh, or sees
	// the renewed written_at and keeps the content.
	err := a.t.queryRow(`INSERT INTO blob_objects (agency, sha256, upload, size, chunks, written_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (agency, sha256) DO UPDATE SET written_at = excluded.written_at
		RETURNING sha256, upload, size, chunks, written_at`,
		string(agency), o.SHA256, o.Upload, o.Size, o.Chunks, micros(o.WrittenAt)).Scan(&stored.SHA256, &stored.Upload, &stored.Size, &stored.Chunks, &at)
	if err != nil {
		return BlobObject{}, false, err
	}
	stored.WrittenAt = fromMicros(at)
	if stored.Upload == o.Upload {
		return stored, true, nil
	}
	if err := a.DeleteBlobUpload(agency, o.Upload); err != nil {
		return BlobObject{}, false, err
	}
	return stored, false, nil
}

// BlobObject finds a published blob of the agency. Returns NotFound.
func (a AgencyData) BlobObject(agency ill.AgencyID, sha256 string) (BlobObject, error) {
	o := BlobObject{SHA256: sha256}
	var at int64
	err := a.t.queryRow(`SELECT upload, size, chunks, written_at FROM blob_objects WHERE agency = $1 AND sha256 = $2`,
		string(agency), sha256).Scan(&o.Upload, &o.Size, &o.Chunks, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return BlobObject{}, ill.E(ill.NotFound, "the file's content is not stored", ErrBlobMissing)
	}
	o.WrittenAt = fromMicros(at)
	return o, err
}

// BlobChunk appends chunk seq of an upload to dst and returns it (pass a
// reused buffer to read a large blob without garbage). Returns NotFound.
func (a AgencyData) BlobChunk(agency ill.AgencyID, upload string, seq int, dst []byte) ([]byte, error) {
	rows, err := a.t.query(`SELECT data FROM blob_chunks WHERE agency = $1 AND upload = $2 AND seq = $3`, string(agency), upload, seq)
	if err != nil {
		return dst, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return dst, err
		}
		return dst, ill.E(ill.NotFound, "the file's content is no longer stored", ErrBlobMissing)
	}
	var raw sql.RawBytes
	if err := rows.Scan(&raw); err != nil {
		return dst, err
	}
	dst = append(dst, raw...)
	return dst, rows.Close()
}

// DeleteBlobIfIdle removes a published blob and its chunks if it was last
// written before cutoff (the zero time: whatever its age). It reports
// whether it removed anything.
func (a AgencyData) DeleteBlobIfIdle(agency ill.AgencyID, sha256 string, cutoff time.Time) (bool, error) {
	q := `DELETE FROM blob_objects WHERE agency = $1 AND sha256 = $2`
	args := []any{string(agency), sha256}
	if !cutoff.IsZero() {
		q += ` AND written_at < $3`
		args = append(args, micros(cutoff))
	}
	var upload string
	err := a.t.queryRow(q+` RETURNING upload`, args...).Scan(&upload)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, a.DeleteBlobUpload(agency, upload)
}

// DeleteBlobUpload removes the chunks of an upload of the agency (an
// upload that failed, or was a duplicate).
func (a AgencyData) DeleteBlobUpload(agency ill.AgencyID, upload string) error {
	_, err := a.t.exec(`DELETE FROM blob_chunks WHERE agency = $1 AND upload = $2`, string(agency), upload)
	return err
}

// SweepBlobUploads removes chunks of uploads that were never published and
// started before cutoff (an upload interrupted by a crash). It returns the
// number of chunks removed.
func (s SystemData) SweepBlobUploads(cutoff time.Time) (int64, error) {
	res, err := s.t.exec(`DELETE FROM blob_chunks WHERE created_at < $1 AND NOT EXISTS
		(SELECT 1 FROM blob_objects o WHERE o.agency = blob_chunks.agency AND o.upload = blob_chunks.upload)`, micros(cutoff))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
