package migrate

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"interlend/internal/bibid"
	"interlend/internal/ill"
)

// Transaction is one request read from the previous system, ready to be
// stored: an open request on its side in its state, or history (a request
// closed with its dates, so statistics count it).
type Transaction struct {
	Line int `json:"line"`
	// Number is the row's key in the old system (ILLiad TransactionNumber):
	// re-running an import finds requests by it.
	Number string `json:"number"`
	// ExternalNumber is what staff look the request up by in the old
	// system or at the partner (ILLiad ILLNumber, else Number).
	ExternalNumber string          `json:"externalNumber"`
	Side           ill.Side        `json:"side"`
	State          ill.State       `json:"state"`
	Status         string          `json:"status"` // as the old system had it
	CloseReason    ill.CloseReason `json:"closeReason,omitempty"`
	ServiceType    ill.ServiceType `json:"serviceType"`
	Citation       ill.Citation    `json:"citation"`
	// Patron is the patron's username in the old system (borrowing).
	Patron string `json:"patron,omitempty"`
	// Partner is the lender (borrowing) or the borrower (lending) as the
	// old system names it (an OCLC symbol for ILLiad).
	Partner        ill.AgencyID `json:"partner,omitempty"`
	PartnerAddress string       `json:"partnerAddress,omitempty"`
	Created        time.Time    `json:"created"`
	Updated        time.Time    `json:"updated"`
	Due            time.Time    `json:"due,omitzero"`
	NeedBefore     time.Time    `json:"needBefore,omitzero"`
	MaxCost        ill.Money    `json:"maxCost,omitzero"`
	// CopyrightPaid is ILLiad's CopyrightAlreadyPaid: the copy was paid
	// for, so it does not count towards the free copies.
	CopyrightPaid       bool   `json:"copyrightPaid,omitempty"`
	CopyrightCompliance string `json:"copyrightCompliance,omitempty"`
	CitedIn             string `json:"citedIn,omitempty"`
	CallNumber          string `json:"callNumber,omitempty"`
	CancelReason        string `json:"cancelReason,omitempty"`
	Note                string `json:"note,omitempty"`
}

// Terminal reports whether the transaction is history (closed).
func (t Transaction) Terminal() bool { return t.CloseReason != "" }

// Options tune a read.
type Options struct {
	// Location is the old system's time zone for dates without one (default UTC).
	Location *time.Location
	// Now bounds dates: a date more than a day after it is refused.
	Now time.Time
	// Currency is the currency of costs without one (default USD).
	Currency string
}

// TransactionFile is what a transactions file holds.
type TransactionFile struct {
	Rows     []Transaction `json:"rows"`
	Problems []Problem     `json:"problems,omitempty"`
	Skipped  []Skipped     `json:"skipped,omitempty"`
	// Missing lists mapped columns the file's header does not have (their
	// fields stay empty).
	Missing []string `json:"missingColumns,omitempty"`
	Lines   int      `json:"lines"` // data rows read
}

// ReadTransactions reads a transactions file with a mapping. Every row
// that cannot be mapped is a Problem with its line and reason; the others
// are returned in file order. Returns an error only for a file that
// cannot be read at all (no header, no key column).
func ReadTransactions(r io.Reader, m *Mapping, o Options) (*TransactionFile, error) {
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Currency == "" {
		o.Currency = "USD"
	}
	t, err := readTable(r, m, Transactions)
	if err != nil {
		return nil, err
	}
	out := &TransactionFile{Problems: t.problems, Missing: t.missing, Lines: len(t.rows) + len(t.problems)}
	seen := map[string]int{}
	for _, p := range t.problems {
		if p.Number != "" {
			seen[p.Number] = p.Line
		}
	}
	for _, rw := range t.rows {
		tr, skip, err := readTransaction(rw, m, o)
		switch {
		case err != nil:
			out.Problems = append(out.Problems, Problem{Line: rw.line, Number: tr.Number, Reason: err.Error()})
		case skip != "":
			out.Skipped = append(out.Skipped, Skipped{Line: rw.line, Number: tr.Number, Reason: skip})
		default:
			if first, dup := seen[tr.Number]; dup {
				out.Problems = append(out.Problems, Problem{Line: rw.line, Number: tr.Number,
					Reason: fmt.Sprintf("transaction number %s appears again (first on line %d): not imported twice", tr.Number, first)})
				continue
			}
			seen[tr.Number] = rw.line
			out.Rows = append(out.Rows, tr)
		}
	}
	return out, nil
}

func readTransaction(rw row, m *Mapping, o Options) (Transaction, string, error) {
	get := rw.get
	col := func(f string) string { return m.column(Transactions, f) }
	tr := Transaction{Line: rw.line, Number: get("number"), Status: get("status")}
	if tr.Number == "" {
		return tr, "", fmt.Errorf("no transaction number (%s)", col("number"))
	}
	tr.ExternalNumber = get("external_number")
	if tr.ExternalNumber == "" {
		tr.ExternalNumber = tr.Number
	}
	sideRaw := get("side")
	side, skip, ok := m.side(sideRaw)
	if sideRaw == "" && col("side") == "" {
		side, ok = ill.Borrowing, true
	}
	if !ok {
		return tr, "", fmt.Errorf("unknown %s %q (want Borrowing or Lending)", col("side"), sideRaw)
	}
	if skip != "" || side == "" {
		if skip == "" {
			skip = fmt.Sprintf("%s %q is not imported", col("side"), sideRaw)
		}
		return tr, skip, nil
	}
	tr.Side = side
	if tr.Status == "" {
		return tr, "", fmt.Errorf("no status (%s)", col("status"))
	}
	st, skip, ok := m.state(side, tr.Status)
	if !ok {
		return tr, "", fmt.Errorf("unknown %s status %q: add it to a mapping file (docs/migration.md)", side, tr.Status)
	}
	if skip != "" {
		return tr, skip, nil
	}
	tr.State = st
	wf := ill.BorrowingWorkflow
	if side == ill.Lending {
		wf = ill.LendingWorkflow
	}
	if wf.Terminal(st) {
		tr.CloseReason = closeReason(side, st, tr.Status)
	}
	date := func(field string) (time.Time, error) {
		v := get(field)
		if v == "" {
			return time.Time{}, nil
		}
		d, ok := parseDate(v, o.Location)
		if !ok {
			return d, fmt.Errorf("%s %q is not a date", col(field), v)
		}
		if !o.Now.IsZero() && d.After(o.Now.Add(24*time.Hour)) {
			return d, fmt.Errorf("%s %q is in the future", col(field), v)
		}
		return d, nil
	}
	var err error
	if tr.Created, err = date("created"); err != nil {
		return tr, "", err
	}
	if tr.Updated, err = date("updated"); err != nil {
		return tr, "", err
	}
	switch {
	case tr.Created.IsZero() && tr.Updated.IsZero():
		return tr, "", fmt.Errorf("no date (%s or %s)", col("created"), col("updated"))
	case tr.Created.IsZero():
		tr.Created = tr.Updated
	case tr.Updated.IsZero() || tr.Updated.Before(tr.Created):
		tr.Updated = tr.Created
	}
	for _, f := range []struct {
		name string
		to   *time.Time
	}{{"due", &tr.Due}, {"need_before", &tr.NeedBefore}} {
		v := get(f.name)
		if v == "" {
			continue
		}
		d, ok := parseDate(v, o.Location)
		if !ok {
			return tr, "", fmt.Errorf("%s %q is not a date", col(f.name), v)
		}
		*f.to = d
	}
	if v := get("max_cost"); v != "" {
		f, err := strconv.ParseFloat(strings.TrimLeft(v, "$€£ "), 64)
		if err != nil || f < 0 {
			return tr, "", fmt.Errorf("%s %q is not an amount", col("max_cost"), v)
		}
		tr.MaxCost = ill.Money{Minor: int64(f*100 + 0.5), Currency: o.Currency}
	}
	service, ok := m.service(get("service"))
	if !ok {
		return tr, "", fmt.Errorf("unknown %s %q (want Loan or Article)", col("service"), get("service"))
	}
	tr.Citation = citation(get, service)
	c := tr.Citation
	if c.DisplayTitle() == "" && c.Container() == "" && c.ISBN == "" && c.ISSN == "" && c.OCLCNumber == "" && c.DOI == "" {
		return tr, "", fmt.Errorf("no title and no identifier (%s, %s, %s)", col("title"), col("journal_title"), col("article_title"))
	}
	if service == "" {
		service = ill.Loan
		if c.IsCopy() {
			service = ill.Copy
		}
	}
	tr.ServiceType = service
	tr.Patron, tr.Partner, tr.PartnerAddress = get("patron"), ill.AgencyID(strings.ToUpper(get("partner"))), get("partner_address")
	if side == ill.Lending && tr.Partner == "" {
		return tr, "", fmt.Errorf("a lending transaction without the borrowing library (%s)", col("partner"))
	}
	tr.CopyrightPaid = m.yes(get("copyright_paid"))
	tr.CopyrightCompliance, tr.CitedIn, tr.CallNumber = get("copyright_compliance"), get("cited_in"), get("call_number")
	tr.CancelReason, tr.Note = get("cancel_reason"), get("note")
	for _, s := range []string{tr.Note, tr.CitedIn, c.Title, c.ArticleTitle, c.JournalTitle} {
		if len(s) > 2000 {
			return tr, "", fmt.Errorf("a field is longer than 2000 characters")
		}
	}
	return tr, "", nil
}

// citation builds the citation: a book (loan) from the Loan columns, an
// article (copy) from the Photo columns. ILLiad keeps an ISBN or an ISSN
// in one column; it is told apart by its check digit.
func citation(get func(string) string, service ill.ServiceType) ill.Citation {
	c := ill.Citation{Title: get("title"), Author: get("author"), Publisher: get("publisher"), PlaceOfPub: get("pub_place"),
		Edition: get("edition"), OCLCNumber: get("oclc"), DOI: get("doi")}
	article := service == ill.Copy || (service == "" && (get("article_title") != "" || get("journal_title") != "") && c.Title == "")
	if article {
		c = ill.Citation{JournalTitle: get("journal_title"), ArticleTitle: get("article_title"), Author: get("article_author"),
			Volume: get("volume"), Issue: get("issue"), Pages: get("pages"), PubDate: get("pub_date"),
			OCLCNumber: get("oclc"), DOI: get("doi"), PublicationType: ill.PubArticle}
		if c.Author == "" {
			c.Author = get("author")
		}
		if m := get("month"); m != "" && c.PubDate != "" {
			c.PubDate = m + " " + c.PubDate
		}
	} else {
		c.PubDate = get("loan_date")
	}
	if id := get("issn"); id != "" {
		if v, ok := bibid.NormaliseISSN(id); ok {
			c.ISSN = v
		} else if v, ok := bibid.NormaliseISBN(id); ok {
			c.ISBN = v
		} else if article {
			c.ISSN = id
		} else {
			c.ISBN = id
		}
	}
	if c.ISBN != "" && c.PublicationType == "" {
		c.PublicationType = ill.PubBook
	}
	return c
}
