// Package migrate reads the files a library brings from its previous
// interlibrary loan system (ILLiad's Transactions, Users and
// LenderAddresses tables, or any CSV described by a mapping) into plain
// records the application stores: requests on either side with their
// state in our tables, patrons, and lenders for the directory. It checks
// every row and reports, by line, each one it cannot map and why; it
// stores nothing itself (docs/migration.md).
package migrate

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"interlend/internal/ill"
)

// Kind is what a file holds.
type Kind string

// The kinds of file an import reads.
const (
	Transactions Kind = "transactions"
	Users        Kind = "users"
	Lenders      Kind = "lenders"
)

// Kinds lists every kind.
var Kinds = []Kind{Transactions, Users, Lenders}

// Fields are our field names, per kind, that a mapping may give a column
// for. The first of each kind is required.
var Fields = map[Kind][]string{
	Transactions: {"number", "side", "service", "status", "created", "updated", "external_number", "due",
		"patron", "partner", "partner_address", "title", "author", "publisher", "pub_place", "edition",
		"journal_title", "article_title", "article_author", "volume", "issue", "month", "pub_date", "pages",
		"issn", "isbn", "oclc", "doi", "cited_in", "copyright_paid", "copyright_compliance", "call_number",
		"cancel_reason", "note", "need_before", "max_cost", "loan_date"},
	Users: {"username", "barcode", "first_name", "last_name", "email", "category", "department", "site",
		"expiry_date", "cleared", "notes"},
	Lenders: {"symbol", "address_number", "name", "line1", "line2", "line3", "line4", "locality", "region",
		"postal_code", "country", "email", "phone", "fax", "delivery_email"},
}

// Mapping says which column of a file holds each of our fields and what
// the file's values mean. Presets are mappings; a library with another
// system writes its own (docs/migration.md, "Mapping file").
type Mapping struct {
	// Name is the preset's or file's name, for reports.
	Name string `json:"name,omitempty"`
	// System is the ExternalSystem recorded on imported requests ("ILLiad").
	System string `json:"system,omitempty"`
	// Columns maps our field name to the file's column name, per kind.
	Columns map[Kind]map[string]string `json:"columns"`
	// Sides maps the file's side values (ProcessType) to borrowing or
	// lending; a value mapped to "" is skipped with a reason (Doc Del).
	Sides map[string]string `json:"sides,omitempty"`
	// Services maps the file's request type values to Loan, Copy or
	// CopyOrLoan.
	Services map[string]string `json:"services,omitempty"`
	// Statuses maps the file's status values, per side, to our state
	// names (internal/ill). Our own state names are always understood.
	Statuses map[ill.Side]map[string]ill.State `json:"statuses,omitempty"`
	// Skip lists status values that are read but not imported, per side,
	// with the reason shown in the report.
	Skip map[string]string `json:"skip,omitempty"`
	// Yes lists the values read as true (copyright_paid, cleared); default
	// yes, y, true, 1.
	Yes []string `json:"yes,omitempty"`
}

// column returns the file's column name for one of our fields, "" if unmapped.
func (m *Mapping) column(k Kind, field string) string { return m.Columns[k][field] }

// side reads a side value; ok is false for a value the mapping does not
// know, skip holds why a known value is not imported.
func (m *Mapping) side(v string) (s ill.Side, skip string, ok bool) {
	v = strings.TrimSpace(v)
	for from, to := range m.Sides {
		if strings.EqualFold(from, v) {
			if to == "" {
				return "", m.Skip[from], true
			}
			return ill.Side(to), "", true
		}
	}
	switch strings.ToLower(v) {
	case "borrowing", "lending":
		return ill.Side(strings.ToLower(v)), "", true
	}
	return "", "", false
}

// service reads a request type; empty means decided by the citation.
func (m *Mapping) service(v string) (ill.ServiceType, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", true
	}
	for from, to := range m.Services {
		if strings.EqualFold(from, v) {
			return ill.ServiceType(to), true
		}
	}
	st := ill.ServiceType(v)
	return st, st.Valid()
}

// state reads a status for a side. skip is set for statuses read but not
// imported; ok is false for an unknown status.
func (m *Mapping) state(side ill.Side, v string) (st ill.State, skip string, ok bool) {
	v = strings.TrimSpace(v)
	for from, to := range m.Statuses[side] {
		if strings.EqualFold(from, v) {
			return to, "", true
		}
	}
	for from, why := range m.Skip {
		if strings.EqualFold(from, v) {
			return "", why, true
		}
	}
	wf := ill.BorrowingWorkflow
	if side == ill.Lending {
		wf = ill.LendingWorkflow
	}
	for _, d := range wf.States {
		if strings.EqualFold(string(d.Name), v) {
			return d.Name, "", true
		}
	}
	return "", "", false
}

func (m *Mapping) yes(v string) bool {
	yes := m.Yes
	if len(yes) == 0 {
		yes = []string{"yes", "y", "true", "1"}
	}
	return slices.ContainsFunc(yes, func(y string) bool { return strings.EqualFold(y, strings.TrimSpace(v)) })
}

// Check reports a mapping that cannot work: an unknown field, a state
// that is not in our tables, a kind without its required field.
func (m *Mapping) Check() error {
	for k, cols := range m.Columns {
		fs, ok := Fields[k]
		if !ok {
			return fmt.Errorf("mapping: unknown kind %q (want transactions, users or lenders)", k)
		}
		for f := range cols {
			if !slices.Contains(fs, f) {
				return fmt.Errorf("mapping: %s has no field %q (fields: %s)", k, f, strings.Join(fs, ", "))
			}
		}
	}
	for side, sts := range m.Statuses {
		wf := ill.BorrowingWorkflow
		switch side {
		case ill.Borrowing:
		case ill.Lending:
			wf = ill.LendingWorkflow
		default:
			return fmt.Errorf("mapping: statuses: unknown side %q", side)
		}
		for from, to := range sts {
			if _, ok := wf.State(to); !ok {
				return fmt.Errorf("mapping: status %q: %s has no state %q", from, side, to)
			}
		}
	}
	for _, to := range m.Sides {
		if to != "" && to != string(ill.Borrowing) && to != string(ill.Lending) {
			return fmt.Errorf("mapping: sides: %q is not borrowing or lending", to)
		}
	}
	for _, to := range m.Services {
		if !ill.ServiceType(to).Valid() {
			return fmt.Errorf("mapping: services: %q is not Loan, Copy or CopyOrLoan", to)
		}
	}
	return nil
}

// LoadMapping reads a mapping file: JSON (the Mapping type), or CSV with
// the rows "kind,field,column" (kind transactions, users or lenders) and
// "status,side,their status,our state".
func LoadMapping(r io.Reader, name string) (*Mapping, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, err
	}
	m := &Mapping{Name: name}
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(t))
		dec.DisallowUnknownFields()
		if err := dec.Decode(m); err != nil {
			return nil, fmt.Errorf("mapping %s: %w", name, err)
		}
		if m.Name == "" {
			m.Name = name
		}
	} else {
		cr := csv.NewReader(bytes.NewReader(data))
		cr.FieldsPerRecord, cr.Comment, cr.TrimLeadingSpace = -1, '#', true
		recs, err := cr.ReadAll()
		if err != nil {
			return nil, fmt.Errorf("mapping %s: %w", name, err)
		}
		m.Columns = map[Kind]map[string]string{}
		for i, rec := range recs {
			switch {
			case len(rec) == 3 && slices.Contains(Kinds, Kind(rec[0])):
				if m.Columns[Kind(rec[0])] == nil {
					m.Columns[Kind(rec[0])] = map[string]string{}
				}
				m.Columns[Kind(rec[0])][rec[1]] = rec[2]
			case len(rec) == 4 && rec[0] == "status":
				if m.Statuses == nil {
					m.Statuses = map[ill.Side]map[string]ill.State{}
				}
				side := ill.Side(rec[1])
				if m.Statuses[side] == nil {
					m.Statuses[side] = map[string]ill.State{}
				}
				m.Statuses[side][rec[2]] = ill.State(rec[3])
			case i == 0 && len(rec) >= 3 && strings.EqualFold(rec[0], "kind"):
				// a header row
			default:
				return nil, fmt.Errorf("mapping %s: row %d: want kind,field,column or status,side,their status,our state", name, i+1)
			}
		}
	}
	if m.System == "" {
		m.System = "import"
	}
	return m, m.Check()
}
