package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"interlend/internal/copyright"
	"interlend/internal/ill"
)

// ChargePurchase is an article bought from a publisher or document supplier
// instead of borrowed (a copyright clearance choice).
const ChargePurchase ChargeType = "article_purchase"

// CopyrightEntry is one row of an agency's copyright ledger: the pure
// ledger entry (no patron identity) plus what the clearance screen and
// the auditor need.
type CopyrightEntry struct {
	ID int64 `json:"id"`
	copyright.Entry
	RequestDBID int64            `json:"-"`
	Regime      copyright.Regime `json:"regime,omitempty"`
	ArticleID   string           `json:"articleId,omitempty"`
	IssueID     string           `json:"issueId,omitempty"`
	Payee       string           `json:"payee,omitempty"`
	Reference   string           `json:"reference,omitempty"`
	// Outcome is the staff choice or the reason the state last changed.
	Outcome string `json:"outcome,omitempty"`
	// Decision is the assessment made at submission (or at the last check).
	Decision   copyright.Decision `json:"decision"`
	PurgeAfter time.Time          `json:"purgeAfter,omitzero"`
	// PatronKey is written to the side table (never to the ledger row) and
	// is not read back.
	PatronKey string    `json:"-"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

const copyrightColumns = `id, request_id, request_ref, key, year, request_date, title, issn, pub_year, category, state, regime,
	article_id, issue_id, fee_minor, fee_currency, payee, reference, outcome, decision, purge_after, created_at, updated_at`

func scanCopyright(sc interface{ Scan(...any) error }) (CopyrightEntry, error) {
	var e CopyrightEntry
	var req, fee, purge sql.NullInt64
	var key, cat, state, regime, feeCur, decision string
	var date, created, updated int64
	err := sc.Scan(&e.ID, &req, &e.RequestID, &key, &e.Year, &date, &e.Title, &e.ISSN, &e.PubYear, &cat, &state, &regime,
		&e.ArticleID, &e.IssueID, &fee, &feeCur, &e.Payee, &e.Reference, &e.Outcome, &decision, &purge, &created, &updated)
	if err != nil {
		return e, err
	}
	e.RequestDBID, e.Key, e.Category, e.State, e.Regime = req.Int64, copyright.Key(key), copyright.Compliance(cat), copyright.State(state), copyright.Regime(regime)
	e.RequestDate, e.CreatedAt, e.UpdatedAt = fromMicros(date), fromMicros(created), fromMicros(updated)
	if fee.Valid {
		e.Fee = &copyright.Fee{AmountMinor: fee.Int64, Currency: feeCur}
	}
	if purge.Valid {
		e.PurgeAfter = fromMicros(purge.Int64)
	}
	if decision != "" {
		if err := json.Unmarshal([]byte(decision), &e.Decision); err != nil {
			return e, fmt.Errorf("store: copyright entry %d: decision: %w", e.ID, err)
		}
	}
	return e, nil
}

func feeArgs(f *copyright.Fee) (sql.NullInt64, string) {
	if f == nil {
		return sql.NullInt64{}, ""
	}
	return sql.NullInt64{Int64: f.AmountMinor, Valid: true}, f.Currency
}

// AddCopyrightEntry records a copy request in the ledger (one row per
// request: a second row for the same request is a Conflict), with its
// patron pseudonym, if any, in the side table.
func (a AgencyData) AddCopyrightEntry(agency ill.AgencyID, e *CopyrightEntry) error {
	dec, err := json.Marshal(e.Decision)
	if err != nil {
		return err
	}
	fee, cur := feeArgs(e.Fee)
	e.CreatedAt, e.UpdatedAt = a.t.now, a.t.now
	err = a.t.queryRow(`INSERT INTO copyright_ledger (agency, request_id, request_ref, key, year, request_date, title, issn, pub_year, category, state, regime,
		article_id, issue_id, fee_minor, fee_currency, payee, reference, outcome, decision, purge_after, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22) RETURNING id`,
		string(agency), sql.NullInt64{Int64: e.RequestDBID, Valid: e.RequestDBID != 0}, e.RequestID, string(e.Key), e.Year, micros(e.RequestDate),
		e.Title, e.ISSN, e.PubYear, string(e.Category), string(e.State), string(e.Regime), e.ArticleID, e.IssueID, fee, cur, e.Payee, e.Reference,
		e.Outcome, string(dec), nullMicros(e.PurgeAfter), micros(a.t.now)).Scan(&e.ID)
	if isUniqueViolation(err) {
		return ill.Errorf(ill.Conflict, "request %s is already in the copyright ledger", e.RequestID)
	}
	if err != nil {
		return fmt.Errorf("store: add copyright entry: %w", err)
	}
	if e.PatronKey != "" {
		if _, err := a.t.exec(`INSERT INTO copyright_copy_patrons (ledger_id, agency, patron_key) VALUES ($1, $2, $3)`, e.ID, string(agency), e.PatronKey); err != nil {
			return fmt.Errorf("store: copyright patron key: %w", err)
		}
	}
	return nil
}

// UpdateCopyrightEntry writes an entry's state, category, fee, payee,
// reference, outcome, decision and purge date. Returns NotFound.
func (a AgencyData) UpdateCopyrightEntry(agency ill.AgencyID, e *CopyrightEntry) error {
	dec, err := json.Marshal(e.Decision)
	if err != nil {
		return err
	}
	fee, cur := feeArgs(e.Fee)
	e.UpdatedAt = a.t.now
	return a.t.execOne(ill.Errorf(ill.NotFound, "no copyright entry %d", e.ID),
		`UPDATE copyright_ledger SET key = $1, year = $2, request_date = $3, category = $4, state = $5, fee_minor = $6, fee_currency = $7, payee = $8,
			reference = $9, outcome = $10, decision = $11, purge_after = $12, updated_at = $13, article_id = $14, issue_id = $15
		WHERE id = $16 AND agency = $17`,
		string(e.Key), e.Year, micros(e.RequestDate), string(e.Category), string(e.State), fee, cur, e.Payee, e.Reference, e.Outcome, string(dec),
		nullMicros(e.PurgeAfter), micros(a.t.now), e.ArticleID, e.IssueID, e.ID, string(agency))
}

// CopyrightEntryFor returns the ledger row of a request. Returns NotFound.
func (a AgencyData) CopyrightEntryFor(agency ill.AgencyID, requestID int64) (CopyrightEntry, error) {
	e, err := scanCopyright(a.t.queryRow(`SELECT `+copyrightColumns+` FROM copyright_ledger WHERE agency = $1 AND request_id = $2`, string(agency), requestID))
	if errors.Is(err, sql.ErrNoRows) {
		return e, ill.E(ill.NotFound, "the request is not in the copyright ledger")
	}
	return e, err
}

// CopyrightFilter selects ledger rows. Zero fields do not filter.
type CopyrightFilter struct {
	Year   int
	States []copyright.State
	Key    copyright.Key
	// Limit caps the rows (0: all), newest first when set.
	Limit int
}

// CopyrightEntries lists an agency's ledger rows, by request date (newest
// first when Limit is set, else oldest first).
func (a AgencyData) CopyrightEntries(agency ill.AgencyID, f CopyrightFilter) ([]CopyrightEntry, error) {
	q := `SELECT ` + copyrightColumns + ` FROM copyright_ledger WHERE agency = $1`
	args := []any{string(agency)}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.Year != 0 {
		q += ` AND year = ` + arg(f.Year)
	}
	if f.Key != "" {
		q += ` AND key = ` + arg(string(f.Key))
	}
	if len(f.States) > 0 {
		var ph []string
		for _, s := range f.States {
			ph = append(ph, arg(string(s)))
		}
		q += ` AND state IN (` + strings.Join(ph, ", ") + `)`
	}
	if f.Limit > 0 {
		q += ` ORDER BY request_date DESC, id DESC LIMIT ` + arg(f.Limit)
	} else {
		q += ` ORDER BY request_date, id`
	}
	rows, err := a.t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: copyright entries: %w", err)
	}
	defer rows.Close()
	var out []CopyrightEntry
	for rows.Next() {
		e, err := scanCopyright(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CopyrightYears lists the years that have ledger rows or prior counts,
// newest first.
func (a AgencyData) CopyrightYears(agency ill.AgencyID) ([]int, error) {
	years, err := queryColumn[int](a.t, `SELECT year FROM copyright_ledger WHERE agency = $1 UNION SELECT year FROM copyright_prior_counts WHERE agency = $1 ORDER BY 1 DESC`, string(agency))
	if err != nil {
		return nil, fmt.Errorf("store: copyright years: %w", err)
	}
	return years, nil
}

// CopyrightCount is R3's count for a key in a year: ledger rows classed
// US-CCG that are in process or filled, plus any imported prior count.
func (a AgencyData) CopyrightCount(agency ill.AgencyID, key copyright.Key, year int) (int, error) {
	var n, prior int
	err := a.t.queryRow(`SELECT count(*) FROM copyright_ledger WHERE agency = $1 AND key = $2 AND year = $3 AND category = $4 AND state IN ($5, $6)`,
		string(agency), string(key), year, string(copyright.CodeUSCCG), string(copyright.StateInProcess), string(copyright.StateFilled)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: copyright count: %w", err)
	}
	err = a.t.queryRow(`SELECT coalesce(sum(count), 0) FROM copyright_prior_counts WHERE agency = $1 AND key = $2 AND year = $3`,
		string(agency), string(key), year).Scan(&prior)
	if err != nil {
		return 0, fmt.Errorf("store: copyright prior count: %w", err)
	}
	return n + prior, nil
}

func (a AgencyData) priorCopies(q string, args ...any) ([]copyright.PriorCopy, error) {
	rows, err := a.t.query(`SELECT l.request_ref, coalesce(p.patron_key, ''), l.article_id, l.issue_id, l.request_date, l.state
		FROM copyright_ledger l LEFT JOIN copyright_copy_patrons p ON p.ledger_id = l.id WHERE `+q+` ORDER BY l.request_date, l.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: prior copies: %w", err)
	}
	defer rows.Close()
	var out []copyright.PriorCopy
	for rows.Next() {
		var c copyright.PriorCopy
		var at int64
		var state string
		if err := rows.Scan(&c.RequestID, &c.PatronKey, &c.ArticleID, &c.IssueID, &at, &state); err != nil {
			return nil, err
		}
		c.RequestDate, c.State = fromMicros(at), copyright.State(state)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CopyrightArticleCopies lists copy requests for an article made on or
// after since, with their patron pseudonyms (R9, the UK one-copy rule).
func (a AgencyData) CopyrightArticleCopies(agency ill.AgencyID, articleID string, since time.Time) ([]copyright.PriorCopy, error) {
	if articleID == "" {
		return nil, nil
	}
	return a.priorCopies(`l.agency = $1 AND l.article_id = $2 AND l.request_date >= $3`, string(agency), articleID, micros(since))
}

// CopyrightIssueCopies lists one patron's copy requests from an issue made
// on or after since (R8).
func (a AgencyData) CopyrightIssueCopies(agency ill.AgencyID, patronKey, issueID string, since time.Time) ([]copyright.PriorCopy, error) {
	if patronKey == "" || issueID == "" {
		return nil, nil
	}
	return a.priorCopies(`l.agency = $1 AND p.patron_key = $2 AND l.issue_id = $3 AND l.request_date >= $4`, string(agency), patronKey, issueID, micros(since))
}

// ForgetCopyrightPatron removes the patron pseudonym of a request's
// ledger row (when the request's patron data is purged); the row stays.
func (a AgencyData) ForgetCopyrightPatron(agency ill.AgencyID, requestID int64) error {
	_, err := a.t.exec(`DELETE FROM copyright_copy_patrons WHERE agency = $1 AND ledger_id IN
		(SELECT id FROM copyright_ledger WHERE agency = $1 AND request_id = $2)`, string(agency), requestID)
	return err
}

// PurgeCopyrightEntries deletes the ledger rows whose purge date has come
// (R14), except those still awaiting clearance or in process. It returns
// how many went.
func (a AgencyData) PurgeCopyrightEntries(agency ill.AgencyID, now time.Time) (int, error) {
	where := `agency = $1 AND purge_after IS NOT NULL AND purge_after <= $2 AND state NOT IN ($3, $4)`
	args := []any{string(agency), micros(now), string(copyright.StateAwaiting), string(copyright.StateInProcess)}
	if _, err := a.t.exec(`DELETE FROM copyright_copy_patrons WHERE ledger_id IN (SELECT id FROM copyright_ledger WHERE `+where+`)`, args...); err != nil {
		return 0, fmt.Errorf("store: purge copyright patrons: %w", err)
	}
	res, err := a.t.exec(`DELETE FROM copyright_ledger WHERE `+where, args...)
	if err != nil {
		return 0, fmt.Errorf("store: purge copyright ledger: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// PutCopyrightPriorCounts stores imported counts, replacing earlier ones
// for the same key and year.
func (a AgencyData) PutCopyrightPriorCounts(agency ill.AgencyID, counts []copyright.PriorCount, source string) error {
	for _, c := range counts {
		if c.Key == "" || c.Year < 1900 || c.Count < 0 {
			return ill.Errorf(ill.Invalid, "a prior count needs a title, a year and a count of 0 or more (%q %d)", c.Key, c.Year)
		}
		_, err := a.t.exec(`INSERT INTO copyright_prior_counts (agency, key, year, title, issn, count, source, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (agency, key, year) DO UPDATE SET title = excluded.title, issn = excluded.issn, count = excluded.count,
				source = excluded.source, imported_at = excluded.imported_at`,
			string(agency), string(c.Key), c.Year, c.Title, c.ISSN, c.Count, source, micros(a.t.now))
		if err != nil {
			return fmt.Errorf("store: prior count: %w", err)
		}
	}
	return nil
}

// CopyrightPriorCounts lists imported counts (of one year when year > 0).
func (a AgencyData) CopyrightPriorCounts(agency ill.AgencyID, year int) ([]copyright.PriorCount, error) {
	rows, err := a.t.query(`SELECT key, year, title, issn, count FROM copyright_prior_counts WHERE agency = $1 AND ($2 = 0 OR year = $2) ORDER BY year, key`,
		string(agency), year)
	if err != nil {
		return nil, fmt.Errorf("store: prior counts: %w", err)
	}
	defer rows.Close()
	var out []copyright.PriorCount
	for rows.Next() {
		var c copyright.PriorCount
		var key string
		if err := rows.Scan(&key, &c.Year, &c.Title, &c.ISSN, &c.Count); err != nil {
			return nil, err
		}
		c.Key = copyright.Key(key)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Sources of subscribed titles.
const (
	TitleEHoldings = "eholdings"
	TitleStaff     = "staff"
)

// CopyrightTitle is a title the agency subscribes to: an e-holdings row
// from a KBART import, or a staff flag.
type CopyrightTitle struct {
	ID        int64                `json:"id"`
	Source    string               `json:"source"`
	PackageID string               `json:"packageId,omitempty"`
	Note      string               `json:"note,omitempty"`
	KBART     copyright.KBARTTitle `json:"kbart"`
	CreatedAt time.Time            `json:"createdAt"`
}

// ReplaceCopyrightPackage replaces the e-holdings of one package with the
// titles of a new KBART import. It returns how many rows were replaced.
func (a AgencyData) ReplaceCopyrightPackage(agency ill.AgencyID, packageID string, titles []copyright.KBARTTitle, actor int64) (int, error) {
	res, err := a.t.exec(`DELETE FROM copyright_titles WHERE agency = $1 AND source = $2 AND package_id = $3`, string(agency), TitleEHoldings, packageID)
	if err != nil {
		return 0, fmt.Errorf("store: replace package: %w", err)
	}
	old, _ := res.RowsAffected()
	for _, t := range titles {
		t.PackageID = packageID
		if err := a.addTitle(agency, TitleEHoldings, "", t, actor); err != nil {
			return 0, err
		}
	}
	return int(old), nil
}

func (a AgencyData) addTitle(agency ill.AgencyID, source, note string, t copyright.KBARTTitle, actor int64) error {
	data, err := json.Marshal(t)
	if err != nil {
		return err
	}
	_, err = a.t.exec(`INSERT INTO copyright_titles (agency, source, package_id, title, title_norm, print_id, online_id, title_id, note, data, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		string(agency), source, t.PackageID, t.Title, copyright.NormaliseTitle(t.Title), t.PrintID, t.OnlineID, t.TitleID, note, string(data), nullActor(actor), micros(a.t.now))
	if err != nil {
		return fmt.Errorf("store: add subscribed title: %w", err)
	}
	return nil
}

// AddCopyrightStaffTitle records a staff member's flag that the library
// holds a title (R6).
func (a AgencyData) AddCopyrightStaffTitle(agency ill.AgencyID, t copyright.KBARTTitle, note string, actor int64) error {
	if t.Title == "" && t.PrintID == "" && t.OnlineID == "" {
		return ill.E(ill.Invalid, "give the title or its ISSN", map[string]string{"title": "a title or an ISSN"})
	}
	return a.addTitle(agency, TitleStaff, note, t, actor)
}

// DeleteCopyrightTitle removes a staff flag. Returns NotFound.
func (a AgencyData) DeleteCopyrightTitle(agency ill.AgencyID, id int64) error {
	return a.t.execOne(ill.Errorf(ill.NotFound, "no subscribed title %d", id),
		`DELETE FROM copyright_titles WHERE id = $1 AND agency = $2 AND source = $3`, id, string(agency), TitleStaff)
}

func (a AgencyData) titles(q string, limit int, args ...any) ([]CopyrightTitle, error) {
	q = `SELECT id, source, package_id, note, data, created_at FROM copyright_titles WHERE ` + q + ` ORDER BY title_norm, id`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	rows, err := a.t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: subscribed titles: %w", err)
	}
	defer rows.Close()
	var out []CopyrightTitle
	for rows.Next() {
		var t CopyrightTitle
		var data string
		var at int64
		if err := rows.Scan(&t.ID, &t.Source, &t.PackageID, &t.Note, &data, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &t.KBART); err != nil {
			return nil, fmt.Errorf("store: subscribed title %d: %w", t.ID, err)
		}
		t.CreatedAt = fromMicros(at)
		out = append(out, t)
	}
	return out, rows.Err()
}

// CopyrightTitles lists subscribed titles, of one source when source is
// not "" (limit 0: all).
func (a AgencyData) CopyrightTitles(agency ill.AgencyID, source string, limit int) ([]CopyrightTitle, error) {
	return a.titles(`agency = $1 AND ($2 = '' OR source = $2)`, limit, string(agency), source)
}

// CopyrightTitlesMatching finds subscribed titles by ISSN (normalised) or
// normalised title (R6).
func (a AgencyData) CopyrightTitlesMatching(agency ill.AgencyID, issns []string, titleNorm string) ([]CopyrightTitle, error) {
	var out []CopyrightTitle
	seen := map[int64]bool{}
	add := func(ts []CopyrightTitle) {
		for _, t := range ts {
			if !seen[t.ID] {
				seen[t.ID] = true
				out = append(out, t)
			}
		}
	}
	for _, id := range issns {
		if id == "" {
			continue
		}
		ts, err := a.titles(`agency = $1 AND (print_id = $2 OR online_id = $2)`, 0, string(agency), id)
		if err != nil {
			return nil, err
		}
		add(ts)
	}
	if titleNorm != "" {
		ts, err := a.titles(`agency = $1 AND title_norm = $2`, 0, string(agency), titleNorm)
		if err != nil {
			return nil, err
		}
		add(ts)
	}
	return out, nil
}

// CopyrightPackage is one imported e-holdings package.
type CopyrightPackage struct {
	ID       string    `json:"id"`
	Titles   int       `json:"titles"`
	Imported time.Time `json:"imported"`
}

// CopyrightPackages lists the imported e-holdings packages.
func (a AgencyData) CopyrightPackages(agency ill.AgencyID) ([]CopyrightPackage, error) {
	rows, err := a.t.query(`SELECT package_id, count(*), max(created_at) FROM copyright_titles WHERE agency = $1 AND source = $2 GROUP BY package_id ORDER BY package_id`,
		string(agency), TitleEHoldings)
	if err != nil {
		return nil, fmt.Errorf("store: packages: %w", err)
	}
	defer rows.Close()
	var out []CopyrightPackage
	for rows.Next() {
		var p CopyrightPackage
		var at int64
		if err := rows.Scan(&p.ID, &p.Titles, &at); err != nil {
			return nil, err
		}
		p.Imported = fromMicros(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

// ReplaceCopyrightLicenceTerms replaces all of the agency's licence terms
// with those of a new import.
func (a AgencyData) ReplaceCopyrightLicenceTerms(agency ill.AgencyID, terms []copyright.LicenceTerm) error {
	if _, err := a.t.exec(`DELETE FROM copyright_licence_terms WHERE agency = $1`, string(agency)); err != nil {
		return fmt.Errorf("store: replace licence terms: %w", err)
	}
	for _, t := range terms {
		data, err := json.Marshal(t)
		if err != nil {
			return err
		}
		if _, err := a.t.exec(`INSERT INTO copyright_licence_terms (agency, package_id, data, created_at) VALUES ($1, $2, $3, $4)`,
			string(agency), t.PackageID, string(data), micros(a.t.now)); err != nil {
			return fmt.Errorf("store: licence term: %w", err)
		}
	}
	return nil
}

// CopyrightLicenceTerms lists the agency's licence terms.
func (a AgencyData) CopyrightLicenceTerms(agency ill.AgencyID) ([]copyright.LicenceTerm, error) {
	rows, err := a.t.query(`SELECT data FROM copyright_licence_terms WHERE agency = $1 ORDER BY id`, string(agency))
	if err != nil {
		return nil, fmt.Errorf("store: licence terms: %w", err)
	}
	defer rows.Close()
	var out []copyright.LicenceTerm
	for rows.Next() {
		var data string
		var t copyright.LicenceTerm
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// LicenceLogEntry is one licence check or delivery of a lending copy.
type LicenceLogEntry struct {
	ID          int64           `json:"id"`
	RequestDBID int64           `json:"-"`
	Request     string          `json:"request"`
	Event       string          `json:"event"` // checked, delivered
	Allowed     bool            `json:"allowed"`
	PackageID   string          `json:"packageId,omitempty"`
	Data        json.RawMessage `json:"data"`
	CreatedAt   time.Time       `json:"createdAt"`
}

// AddLicenceLog records a licence check or a delivery.
func (a AgencyData) AddLicenceLog(agency ill.AgencyID, e *LicenceLogEntry) error {
	if len(e.Data) == 0 {
		e.Data = json.RawMessage(`{}`)
	}
	allowed := 0
	if e.Allowed {
		allowed = 1
	}
	e.CreatedAt = a.t.now
	return a.t.queryRow(`INSERT INTO copyright_licence_log (agency, request_id, request_ref, event, allowed, package_id, data, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		string(agency), sql.NullInt64{Int64: e.RequestDBID, Valid: e.RequestDBID != 0}, e.Request, e.Event, allowed, e.PackageID, string(e.Data), micros(a.t.now)).Scan(&e.ID)
}

// LicenceLog lists the newest licence log entries (limit 0: 500).
func (a AgencyData) LicenceLog(agency ill.AgencyID, limit int) ([]LicenceLogEntry, error) {
	if limit <= 0 {
		limit = 500
	}
	rows, err := a.t.query(`SELECT id, request_id, request_ref, event, allowed, package_id, data, created_at FROM copyright_licence_log
		WHERE agency = $1 ORDER BY id DESC LIMIT $2`, string(agency), limit)
	if err != nil {
		return nil, fmt.Errorf("store: licence log: %w", err)
	}
	defer rows.Close()
	var out []LicenceLogEntry
	for rows.Next() {
		var e LicenceLogEntry
		var req sql.NullInt64
		var allowed int
		var data string
		var at int64
		if err := rows.Scan(&e.ID, &req, &e.Request, &e.Event, &allowed, &e.PackageID, &data, &at); err != nil {
			return nil, err
		}
		e.RequestDBID, e.Allowed, e.Data, e.CreatedAt = req.Int64, allowed == 1, json.RawMessage(data), fromMicros(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
