package store

import (
	"database/sql"
	"errors"
	"time"

	"interlend/internal/ill"
)

// DownloadLink is a signed, expiring link to one file, bound to one user
// or one partner agency. Only the hash of its token is stored.
type DownloadLink struct {
	ID           int64
	Agency       ill.AgencyID
	TokenHash    string
	FileID       int64
	UserID       int64        // bound user, or
	Partner      ill.AgencyID // bound partner agency
	ExpiresAt    time.Time
	MaxDownloads int
	Downloads    int
	CreatedAt    time.Time
	CreatedBy    int64
	RevokedAt    time.Time
}

const linkColumns = `id, agency, token_hash, file_id, user_id, partner, expires_at, max_downloads, downloads, created_at, created_by, revoked_at`

func scanLink(sc interface{ Scan(...any) error }) (DownloadLink, error) {
	var l DownloadLink
	var agency string
	var user, by, revoked sql.NullInt64
	var partner sql.NullString
	var exp, at int64
	if err := sc.Scan(&l.ID, &agency, &l.TokenHash, &l.FileID, &user, &partner, &exp, &l.MaxDownloads, &l.Downloads, &at, &by, &revoked); err != nil {
		return DownloadLink{}, err
	}
	l.Agency, l.UserID, l.Partner = ill.AgencyID(agency), user.Int64, ill.AgencyID(partner.String)
	l.ExpiresAt, l.CreatedAt, l.CreatedBy, l.RevokedAt = fromMicros(exp), fromMicros(at), by.Int64, fromNullMicros(revoked)
	return l, nil
}

// CreateDownloadLink stores a link to one of the agency's files. Exactly
// one of UserID and Partner must be set. Returns Invalid or NotFound.
func (a AgencyData) CreateDownloadLink(agency ill.AgencyID, l DownloadLink) (DownloadLink, error) {
	if (l.UserID == 0) == (l.Partner == "") {
		return DownloadLink{}, ill.E(ill.Invalid, "a download link is bound to one user or one partner agency")
	}
	if _, err := a.FileByID(agency, l.FileID); err != nil {
		return DownloadLink{}, err
	}
	l.Agency, l.CreatedAt, l.Downloads, l.RevokedAt = agency, a.t.now, 0, time.Time{}
	err := a.t.queryRow(`INSERT INTO download_links (agency, token_hash, file_id, user_id, partner, expires_at, max_downloads, downloads, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9) RETURNING id`,
		string(agency), l.TokenHash, l.FileID, sql.NullInt64{Int64: l.UserID, Valid: l.UserID != 0}, nullString(string(l.Partner)),
		micros(l.ExpiresAt), l.MaxDownloads, micros(l.CreatedAt), sql.NullInt64{Int64: l.CreatedBy, Valid: l.CreatedBy != 0}).Scan(&l.ID)
	if isForeignKeyViolation(err) {
		return DownloadLink{}, ill.E(ill.NotFound, "no such user")
	}
	if err != nil {
		return DownloadLink{}, err
	}
	return l, nil
}

// DownloadLinkByTokenHash finds a link, of any agency, by the hash of the
// token presented in its URL (the token is the only key a visitor has).
// Returns NotFound.
func (s SystemData) DownloadLinkByTokenHash(hash string) (DownloadLink, error) {
	l, err := scanLink(s.t.queryRow(`SELECT `+linkColumns+` FROM download_links WHERE token_hash = $1`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return DownloadLink{}, ill.E(ill.NotFound, "this download link is not valid")
	}
	return l, err
}

// DownloadLinks lists the links to one of the agency's files, newest first.
func (a AgencyData) DownloadLinks(agency ill.AgencyID, fileID int64) ([]DownloadLink, error) {
	rows, err := a.t.query(`SELECT `+linkColumns+` FROM download_links WHERE agency = $1 AND file_id = $2 ORDER BY id DESC`, string(agency), fileID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DownloadLink
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// CountDownload takes one download from a link if it is still usable at
// now (not revoked, not expired, downloads left). The check and the
// increment are one statement: of concurrent callers racing for the last
// download, exactly one gets true.
func (a AgencyData) CountDownload(agency ill.AgencyID, linkID int64) (bool, error) {
	res, err := a.t.exec(`UPDATE download_links SET downloads = downloads + 1
		WHERE agency = $1 AND id = $2 AND downloads < max_downloads AND revoked_at IS NULL AND expires_at > $3`,
		string(agency), linkID, micros(a.t.now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RefundDownload gives back a download that could not be served.
func (a AgencyData) RefundDownload(agency ill.AgencyID, linkID int64) error {
	_, err := a.t.exec(`UPDATE download_links SET downloads = downloads - 1 WHERE agency = $1 AND id = $2 AND downloads > 0`, string(agency), linkID)
	return err
}

// RevokeDownloadLink ends a link of the agency at once. Returns NotFound.
func (a AgencyData) RevokeDownloadLink(agency ill.AgencyID, linkID int64) error {
	return a.t.execOne(ill.E(ill.NotFound, "no such download link"),
		`UPDATE download_links SET revoked_at = $3 WHERE agency = $1 AND id = $2 AND revoked_at IS NULL`, string(agency), linkID, micros(a.t.now))
}

// DownloadLogEntry is one attempt to use a download link.
type DownloadLogEntry struct {
	ID         int64
	Agency     ill.AgencyID
	LinkID     int64
	At         time.Time
	UserID     int64        // who presented the link: a user, or
	Partner    ill.AgencyID // a partner agency
	ClientAddr string
	Bytes      int64
	Outcome    string
}

// LogDownload records an attempt on one of the agency's links and returns
// the entry's id. Returns NotFound when the link is not the agency's.
func (a AgencyData) LogDownload(agency ill.AgencyID, e DownloadLogEntry) (int64, error) {
	var id int64
	err := a.t.queryRow(`INSERT INTO download_log (agency, link_id, at, user_id, partner, client_addr, bytes, outcome)
		SELECT $1, id, $3, $4, $5, $6, $7, $8 FROM download_links WHERE agency = $1 AND id = $2 RETURNING id`,
		string(agency), e.LinkID, micros(a.t.now), sql.NullInt64{Int64: e.UserID, Valid: e.UserID != 0}, nullString(string(e.Partner)),
		e.ClientAddr, e.Bytes, e.Outcome).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ill.E(ill.NotFound, "no such download link")
	}
	return id, err
}

// FinishDownloadLog records how a started download ended: bytes sent and
// the outcome (done, interrupted, ...).
func (a AgencyData) FinishDownloadLog(agency ill.AgencyID, id, bytes int64, outcome string) error {
	return a.t.execOne(ill.E(ill.NotFound, "no such download log entry"),
		`UPDATE download_log SET bytes = $3, outcome = $4 WHERE agency = $1 AND id = $2`, string(agency), id, bytes, outcome)
}

// DownloadLog lists the attempts on one of the agency's links, oldest first.
func (a AgencyData) DownloadLog(agency ill.AgencyID, linkID int64) ([]DownloadLogEntry, error) {
	rows, err := a.t.query(`SELECT id, link_id, at, user_id, partner, client_addr, bytes, outcome FROM download_log
		WHERE agency = $1 AND link_id = $2 ORDER BY id`, string(agency), linkID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DownloadLogEntry
	for rows.Next() {
		e := DownloadLogEntry{Agency: agency}
		var at int64
		var user sql.NullInt64
		var partner sql.NullString
		if err := rows.Scan(&e.ID, &e.LinkID, &at, &user, &partner, &e.ClientAddr, &e.Bytes, &e.Outcome); err != nil {
			return nil, err
		}
		e.At, e.UserID, e.Partner = fromMicros(at), user.Int64, ill.AgencyID(partner.String)
		out = append(out, e)
	}
	return out, rows.Err()
}

// PurgeDownloadLog removes the agency's log entries older than cutoff
// (client addresses are personal data; the retention job calls this).
func (a AgencyData) PurgeDownloadLog(agency ill.AgencyID, cutoff time.Time) (int64, error) {
	res, err := a.t.exec(`DELETE FROM download_log WHERE agency = $1 AND at < $2`, string(agency), micros(cutoff))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
