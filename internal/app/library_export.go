package app

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// Library export: everything a library owns, as documented JSON lines
// (one file per kind) and CSV for requests, patrons and charges, so that
// leaving Interlend is as easy as arriving (docs/migration.md, "Export").
// ImportLibrary (library_import.go) reads it back into another instance.

// LibraryFormat names the export format and its version.
const (
	LibraryFormat        = "interlend-library"
	LibraryFormatVersion = 1
)

// The files of an export.
const (
	libManifest        = "manifest.json"
	libRequests        = "requests.jsonl"
	libRequestsCSV     = "requests.csv"
	libPatrons         = "patrons.jsonl"
	libPatronsCSV      = "patrons.csv"
	libCharges         = "charges.jsonl"
	libChargesCSV      = "charges.csv"
	libSettings        = "settings.jsonl"
	libCopyright       = "copyright_ledger.jsonl"
	libCopyrightCounts = "copyright_counts.jsonl"
	libImportKeys      = "import_keys.jsonl"
)

// LibraryManifest describes an export: the format, the library and how
// many records of each kind it holds.
type LibraryManifest struct {
	Format     string         `json:"format"`
	Version    int            `json:"version"`
	Agency     ill.AgencyID   `json:"agency"`
	ExportedAt time.Time      `json:"exportedAt"`
	Counts     map[string]int `json:"counts"` // by file
}

// Summary is the counts in one line.
func (m LibraryManifest) Summary() string {
	return fmt.Sprintf("%d requests (%d events, %d messages), %d patrons, %d charges, %d settings, %d copyright ledger rows, %d carried-over counts",
		m.Counts[libRequests], m.Counts["events"], m.Counts["messages"], m.Counts[libPatrons], m.Counts[libCharges], m.Counts[libSettings],
		m.Counts[libCopyright], m.Counts[libCopyrightCounts])
}

// LibraryRequest is one line of requests.jsonl: a request with its event
// log, its protocol messages and its rota. Event messageId and message ID
// refer to each other within the line.
type LibraryRequest struct {
	Request  *ill.Request          `json:"request"`
	Events   []ill.Event           `json:"events"`
	Messages []store.StoredMessage `json:"messages,omitempty"`
	Rota     []store.RotaEntry     `json:"rota,omitempty"`
	// Desk is a lending request's desk record (auto-answer rule, entered
	// by hand, pull slip printed).
	Desk *store.LendingMark `json:"desk,omitempty"`
}

// LibraryPatron is one line of patrons.jsonl. ID is the record's id in the
// exporting instance (requests' patronId refers to it).
type LibraryPatron struct {
	ID             int64          `json:"id"`
	Barcode        string         `json:"barcode"`
	ILSID          string         `json:"ilsId,omitempty"`
	FirstName      string         `json:"firstName,omitempty"`
	LastName       string         `json:"lastName,omitempty"`
	Name           string         `json:"name,omitempty"`
	Email          string         `json:"email,omitempty"`
	Category       string         `json:"category,omitempty"`
	HomeLibrary    string         `json:"homeLibrary,omitempty"`
	PickupLocation string         `json:"pickupLocation,omitempty"`
	Expires        time.Time      `json:"expires,omitzero"`
	Notes          string         `json:"notes,omitempty"`
	Source         string         `json:"source"`
	Blocks         []LibraryBlock `json:"blocks,omitempty"` // in force
	CreatedAt      time.Time      `json:"createdAt"`
	UpdatedAt      time.Time      `json:"updatedAt"`
}

// LibraryBlock is a patron block in force.
type LibraryBlock struct {
	Source    string    `json:"source"`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"createdAt"`
}

// LibrarySetting is one line of settings.jsonl: a setting as stored (JSON
// text), secrets included.
type LibrarySetting struct {
	Key       string    `json:"key"`
	Value     string    `json:"value"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// exportPage is the requests and patrons read per query.
const exportPage = 500

// ExportLibrary writes the agency's data into dir (created; it must be
// empty if it exists), from one consistent read. Returns Forbidden or
// Invalid (dir not empty).
func (a *App) ExportLibrary(ctx context.Context, actor ill.Actor, agency ill.AgencyID, dir string) (LibraryManifest, error) {
	m := LibraryManifest{Format: LibraryFormat, Version: LibraryFormatVersion, Agency: agency, ExportedAt: a.Clock.Now().UTC(), Counts: map[string]int{}}
	if err := actor.Require(agency, ill.PermSettings); err != nil {
		return m, err
	}
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return m, ill.E(ill.Invalid, dir+" is not empty", map[string]string{"out": "an empty or new directory"})
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return m, err
	}
	w := &exportWriter{dir: dir, files: map[string]*exportFile{}}
	err := a.read(ctx, func(tx *store.Tx) error {
		if _, err := tx.System().GetAgency(agency); err != nil {
			return err
		}
		if err := exportPatrons(tx, agency, w, &m); err != nil {
			return err
		}
		if err := exportRequests(tx, agency, w, &m); err != nil {
			return err
		}
		return exportRest(tx, agency, w, &m)
	})
	if cerr := w.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return m, err
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	return m, os.WriteFile(filepath.Join(dir, libManifest), append(b, '\n'), 0o600)
}

func exportPatrons(tx *store.Tx, agency ill.AgencyID, w *exportWriter, m *LibraryManifest) error {
	if err := w.csv(libPatronsCSV, "id", "barcode", "ils_id", "first_name", "last_name", "name", "email", "category", "home_library",
		"pickup_location", "expiry_date", "blocked", "block_reason", "notes", "source", "created_at", "updated_at"); err != nil {
		return err
	}
	var after int64
	for {
		ps, err := tx.Agency().ExportPatrons(agency, after, exportPage)
		if err != nil || len(ps) == 0 {
			return err
		}
		for _, p := range ps {
			lp := LibraryPatron{ID: p.ID, Barcode: p.Barcode, ILSID: p.ILSID, FirstName: p.FirstName, LastName: p.LastName, Name: p.Name,
				Email: p.Email, Category: p.Category, HomeLibrary: p.HomeLibrary, PickupLocation: p.PickupLocation, Expires: p.Expires,
				Notes: p.Notes, Source: p.Source, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
			reason := ""
			for _, b := range p.Blocks {
				lp.Blocks = append(lp.Blocks, LibraryBlock{Source: b.Source, Reason: b.Reason, CreatedAt: b.CreatedAt})
				reason = b.Reason
			}
			if err := w.line(libPatrons, lp); err != nil {
				return err
			}
			if err := w.row(libPatronsCSV, strconv.FormatInt(p.ID, 10), p.Barcode, p.ILSID, p.FirstName, p.LastName, p.Name, p.Email, p.Category,
				p.HomeLibrary, p.PickupLocation, exportDay(p.Expires), exportYes(len(p.Blocks) > 0), reason, p.Notes, p.Source, stamp(p.CreatedAt), stamp(p.UpdatedAt)); err != nil {
				return err
			}
			m.Counts[libPatrons]++
			after = p.ID
		}
	}
}

func exportRequests(tx *store.Tx, agency ill.AgencyID, w *exportWriter, m *LibraryManifest) error {
	if err := w.csv(libRequestsCSV, "id", "side", "state", "service_type", "title", "author", "journal_title", "isbn", "issn", "oclc",
		"partner", "partner_request_id", "patron_id", "external_system", "external_number", "created_at", "updated_at", "closed_at", "close_reason"); err != nil {
		return err
	}
	var after int64
	for {
		rs, err := tx.Agency().ExportRequests(agency, after, exportPage)
		if err != nil || len(rs) == 0 {
			return err
		}
		for _, r := range rs {
			lr := LibraryRequest{Request: r}
			if lr.Events, err = tx.Agency().Events(agency, r.ID); err != nil {
				return err
			}
			if lr.Messages, err = tx.Agency().Messages(agency, r.ID); err != nil {
				return err
			}
			if lr.Rota, err = tx.Agency().Rota(agency, r.ID); err != nil {
				return err
			}
			if m, ok, err := tx.Agency().LendingMark(agency, r.ID); err != nil {
				return err
			} else if ok {
				lr.Desk = &m
			}
			if err := w.line(libRequests, lr); err != nil {
				return err
			}
			c := r.Citation
			if err := w.row(libRequestsCSV, r.PublicID, string(r.Side), string(r.State), string(r.ServiceType), c.DisplayTitle(), c.Author, c.JournalTitle,
				c.ISBN, c.ISSN, c.OCLCNumber, string(r.Partner), r.PartnerRequestID, idOrEmpty(r.PatronID), r.ExternalSystem, r.ExternalNumber,
				stamp(r.CreatedAt), stamp(r.UpdatedAt), stamp(r.ClosedAt), string(r.CloseReason)); err != nil {
				return err
			}
			m.Counts[libRequests]++
			m.Counts["events"] += len(lr.Events)
			m.Counts["messages"] += len(lr.Messages)
			after = r.ID
		}
	}
}

func exportRest(tx *store.Tx, agency ill.AgencyID, w *exportWriter, m *LibraryManifest) error {
	ag := tx.Agency()
	charges, err := ag.Charges(agency, 0)
	if err != nil {
		return err
	}
	if err := w.csv(libChargesCSV, "id", "request", "type", "amount", "currency", "payer", "payee", "billing_method", "payment_method",
		"status", "note", "reference", "created_at", "updated_at"); err != nil {
		return err
	}
	for _, c := range charges {
		if err := w.line(libCharges, c); err != nil {
			return err
		}
		if err := w.row(libChargesCSV, strconv.FormatInt(c.ID, 10), c.Request, string(c.Type), strconv.FormatInt(c.Amount.Minor, 10), c.Amount.Currency,
			c.Payer, c.Payee, c.BillingMethod, c.PaymentMethod, string(c.Status), c.Note, c.Reference, stamp(c.CreatedAt), stamp(c.UpdatedAt)); err != nil {
			return err
		}
		m.Counts[libCharges]++
	}
	settings, err := ag.Settings(agency)
	if err != nil {
		return err
	}
	for _, s := range settings {
		if err := w.line(libSettings, LibrarySetting{Key: s.Key, Value: s.Value, UpdatedAt: s.UpdatedAt}); err != nil {
			return err
		}
		m.Counts[libSettings]++
	}
	entries, err := ag.CopyrightEntries(agency, store.CopyrightFilter{})
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := w.line(libCopyright, e); err != nil {
			return err
		}
		m.Counts[libCopyright]++
	}
	counts, err := ag.CopyrightPriorCounts(agency, 0)
	if err != nil {
		return err
	}
	for _, c := range counts {
		if err := w.line(libCopyrightCounts, c); err != nil {
			return err
		}
		m.Counts[libCopyrightCounts]++
	}
	keys, err := ag.AllImportKeys(agency)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := w.line(libImportKeys, k); err != nil {
			return err
		}
		m.Counts[libImportKeys]++
	}
	return nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func exportDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

func exportYes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func idOrEmpty(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// exportWriter writes the export's files, each opened on first use.
type exportWriter struct {
	dir   string
	files map[string]*exportFile
}

type exportFile struct {
	f   *os.File
	buf *bufio.Writer
	csv *csv.Writer
}

func (w *exportWriter) open(name string) (*exportFile, error) {
	if f, ok := w.files[name]; ok {
		return f, nil
	}
	f, err := os.OpenFile(filepath.Join(w.dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	ef := &exportFile{f: f, buf: bufio.NewWriterSize(f, 256<<10)}
	ef.csv = csv.NewWriter(ef.buf)
	w.files[name] = ef
	return ef, nil
}

func (w *exportWriter) line(name string, v any) error {
	f, err := w.open(name)
	if err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = f.buf.Write(append(b, '\n'))
	return err
}

func (w *exportWriter) csv(name string, header ...string) error { return w.row(name, header...) }

func (w *exportWriter) row(name string, fields ...string) error {
	f, err := w.open(name)
	if err != nil {
		return err
	}
	return f.csv.Write(fields)
}

func (w *exportWriter) close() error {
	var first error
	for _, f := range w.files {
		f.csv.Flush()
		if err := f.csv.Error(); err != nil && first == nil {
			first = err
		}
		if err := f.buf.Flush(); err != nil && first == nil {
			first = err
		}
		if err := f.f.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
