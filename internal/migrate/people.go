package migrate

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"interlend/internal/directory"
	"interlend/internal/ill"
)

// UserFile is a users file turned into a patron file (the columns of
// docs/patrons-import.md), for the patron import to upsert by barcode.
type UserFile struct {
	// CSV is the patron file. Its line n+1 is the n-th user kept.
	CSV []byte `json:"-"`
	// SourceLine maps a line of CSV to the line of the users file.
	SourceLine map[int]int `json:"-"`
	Users      int         `json:"users"` // rows kept
	Problems   []Problem   `json:"problems,omitempty"`
	Missing    []string    `json:"missingColumns,omitempty"`
	Lines      int         `json:"lines"`
}

// blockedCleared are ILLiad Cleared values that mean the user may not
// request (B: blocked, DIS: disavowed).
var blockedCleared = []string{"b", "dis", "blocked"}

// ReadUsers reads a users file. The patron's barcode is the barcode
// column (ILLiad SSN, often the library card number) or else the
// username; the username is kept as the patron's ILS id, which is how
// imported borrowing requests find their patron.
func ReadUsers(r io.Reader, m *Mapping, o Options) (*UserFile, error) {
	t, err := readTable(r, m, Users)
	if err != nil {
		return nil, err
	}
	out := &UserFile{Problems: t.problems, Missing: t.missing, SourceLine: map[int]int{}, Lines: len(t.rows) + len(t.problems)}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"barcode", "id", "first_name", "last_name", "email", "category", "home_library", "expiry_date", "blocked", "block_reason", "notes"})
	seen := map[string]int{}
	barcodes := map[string]int{}
	for _, rw := range t.rows {
		get := rw.get
		user := get("username")
		bad := func(format string, args ...any) {
			out.Problems = append(out.Problems, Problem{Line: rw.line, Number: user, Reason: fmt.Sprintf(format, args...)})
		}
		if user == "" {
			bad("no username (%s)", m.column(Users, "username"))
			continue
		}
		if first, dup := seen[strings.ToLower(user)]; dup {
			bad("username %s appears again (first on line %d)", user, first)
			continue
		}
		barcode := get("barcode")
		if barcode == "" {
			barcode = user
		}
		if first, dup := barcodes[barcode]; dup {
			bad("barcode (%s) appears again (first on line %d)", m.column(Users, "barcode"), first)
			continue
		}
		expiry := ""
		if v := get("expiry_date"); v != "" {
			d, ok := parseDate(v, o.Location)
			if !ok {
				bad("%s %q is not a date", m.column(Users, "expiry_date"), v)
				continue
			}
			expiry = d.Format("2006-01-02")
		}
		blocked, reason := "", ""
		if c := get("cleared"); slices.Contains(blockedCleared, strings.ToLower(c)) {
			blocked, reason = "yes", fmt.Sprintf("%s: %s = %s", m.System, m.column(Users, "cleared"), c)
		}
		home := get("department")
		if home == "" {
			home = get("site")
		}
		seen[strings.ToLower(user)], barcodes[barcode] = rw.line, rw.line
		_ = w.Write([]string{barcode, user, get("first_name"), get("last_name"), get("email"), get("category"), home, expiry, blocked, reason, get("notes")})
		out.Users++
		out.SourceLine[out.Users+1] = rw.line
	}
	w.Flush()
	out.CSV = buf.Bytes()
	return out, w.Error()
}

// LenderFile is a lender addresses file turned into directory entries.
type LenderFile struct {
	Entries  []directory.Entry    `json:"entries"`
	Lines    map[ill.AgencyID]int `json:"-"` // first line of each entry
	Problems []Problem            `json:"problems,omitempty"`
	Missing  []string             `json:"missingColumns,omitempty"`
	Rows     int                  `json:"lines"`
}

// ReadLenders reads a lender addresses file. Each symbol (ILLiad
// LenderString, an OCLC symbol) becomes one directory entry with every
// address the file has for it, inactive until staff review it (it has no
// ISO 18626 endpoint: requests to it are tracked off-system).
func ReadLenders(r io.Reader, m *Mapping) (*LenderFile, error) {
	t, err := readTable(r, m, Lenders)
	if err != nil {
		return nil, err
	}
	out := &LenderFile{Problems: t.problems, Missing: t.missing, Lines: map[ill.AgencyID]int{}, Rows: len(t.rows) + len(t.problems)}
	index := map[ill.AgencyID]int{}
	seen := map[string]int{}
	for _, rw := range t.rows {
		get := rw.get
		sym := strings.ToUpper(get("symbol"))
		bad := func(format string, args ...any) {
			out.Problems = append(out.Problems, Problem{Line: rw.line, Number: sym, Reason: fmt.Sprintf(format, args...)})
		}
		if sym == "" {
			bad("no lender symbol (%s)", m.column(Lenders, "symbol"))
			continue
		}
		if strings.ContainsAny(sym, " :/") || len(sym) > 100 {
			bad("%q is not a library symbol", sym)
			continue
		}
		key := sym + "#" + get("address_number")
		if first, dup := seen[key]; dup {
			bad("lender %s address %s appears again (first on line %d)", sym, get("address_number"), first)
			continue
		}
		seen[key] = rw.line
		id := ill.AgencyID(sym)
		i, ok := index[id]
		if !ok {
			name := get("name")
			if name == "" {
				name = sym
			}
			out.Entries = append(out.Entries, directory.Entry{ID: id, Name: name, Symbols: []directory.Symbol{{Type: "OCLC", Value: sym}},
				Status: directory.StatusInactive, Notes: fmt.Sprintf("Imported from %s lender addresses: no ISO 18626 endpoint, requests are tracked off-system.", m.System)})
			i = len(out.Entries) - 1
			index[id], out.Lines[id] = i, rw.line
		}
		e := &out.Entries[i]
		a := directory.Address{Purpose: directory.AddressShipping, Name: get("line1"), Line1: get("line2"),
			Line2: strings.Trim(get("line3")+", "+get("line4"), ", "), Locality: get("locality"), Region: get("region"),
			PostalCode: get("postal_code"), Country: strings.ToUpper(get("country"))}
		if a != (directory.Address{Purpose: directory.AddressShipping}) {
			e.Addresses = append(e.Addresses, a)
		}
		if em, ph := get("email"), get("phone"); em != "" || ph != "" {
			c := directory.Contact{Role: "ill", Name: "ILL " + get("address_number"), Email: em, Phone: ph}
			if !slices.Contains(e.Contacts, c) {
				e.Contacts = append(e.Contacts, c)
			}
		}
	}
	return out, nil
}
