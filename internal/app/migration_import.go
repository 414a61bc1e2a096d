package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"interlend/internal/copyright"
	"interlend/internal/ill"
	"interlend/internal/migrate"
	"interlend/internal/store"
)

// Migration import: a library switching from another ILL system brings
// its open transactions (both sides), history, patrons and lender
// addresses as CSV files (internal/migrate reads them; docs/migration.md).
// Open transactions become open off-system requests in their state;
// finished ones become closed requests with their dates; the current
// year's article copies carry their counts into the copyright ledger.
// Every row is keyed on the other system's number, so a second run
// creates nothing twice.

// MigrationOptions tune ImportMigration.
type MigrationOptions struct {
	Kind    migrate.Kind
	Mapping *migrate.Mapping
	// DryRun reads and checks everything and reports what would be
	// created, writing nothing.
	DryRun bool
	// Location is the other system's time zone (default: the agency's
	// statistics time zone, else UTC).
	Location *time.Location
}

// MigrationReport is what an import did (or, for a dry run, would do).
type MigrationReport struct {
	File    string       `json:"file"`
	Kind    migrate.Kind `json:"kind"`
	Mapping string       `json:"mapping"`
	DryRun  bool         `json:"dryRun,omitempty"`
	Lines   int          `json:"lines"` // data rows read
	// Created counts requests created per side and state ("borrowing
	// checked_out"), or patrons/lenders created.
	Created map[string]int `json:"created"`
	// Existing counts rows already imported by an earlier run (left as they are).
	Existing int `json:"existing"`
	// Problems are the rows that cannot be mapped, each with its line
	// and reason: none of them is imported.
	Problems []migrate.Problem `json:"problems,omitempty"`
	// Skipped are rows read and deliberately not imported (Doc Del).
	Skipped []migrate.Problem `json:"skipped,omitempty"`
	// Warnings are rows imported with something left out (a patron not on file).
	Warnings []migrate.Problem `json:"warnings,omitempty"`
	Missing  []string          `json:"missingColumns,omitempty"`
	// Patrons is the patron import's summary (users).
	Patrons *PatronImportSummary `json:"patrons,omitempty"`
	// CopyrightCounts are the counts carried into the copyright ledger
	// (transactions).
	CopyrightCounts []copyright.PriorCount `json:"copyrightCounts,omitempty"`
}

// Total is the number of things created.
func (r MigrationReport) Total() int {
	n := 0
	for _, c := range r.Created {
		n += c
	}
	return n
}

// ImportMigration imports one file of a library's previous system into
// agency. Returns Forbidden (settings.manage), Invalid (a file that
// cannot be read at all), or a database error.
func (a *App) ImportMigration(ctx context.Context, actor ill.Actor, agency ill.AgencyID, r io.Reader, name string, o MigrationOptions) (MigrationReport, error) {
	rep := MigrationReport{File: name, Kind: o.Kind, DryRun: o.DryRun, Created: map[string]int{}}
	if err := actor.Require(agency, ill.PermSettings); err != nil {
		return rep, err
	}
	if o.Mapping == nil {
		return rep, ill.E(ill.Invalid, "give a preset or a mapping file", map[string]string{"preset": "illiad, or --mapping FILE"})
	}
	rep.Mapping = o.Mapping.Name
	if err := a.read(ctx, func(tx *store.Tx) error { _, err := tx.System().GetAgency(agency); return err }); err != nil {
		return rep, err
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	invalid := func(err error) error {
		return ill.E(ill.Invalid, name+": "+err.Error(), map[string]string{"file": err.Error()})
	}
	switch o.Kind {
	case migrate.Transactions, "":
		rep.Kind = migrate.Transactions
		f, err := migrate.ReadTransactions(r, o.Mapping, migrate.Options{Location: o.Location, Now: a.Clock.Now()})
		if err != nil {
			return rep, invalid(err)
		}
		rep.Lines, rep.Problems, rep.Skipped, rep.Missing = f.Lines, f.Problems, f.Skipped, f.Missing
		err = a.importTransactions(ctx, actor, agency, o, f, &rep)
		sortProblems(rep.Problems)
		return rep, err
	case migrate.Users:
		f, err := migrate.ReadUsers(r, o.Mapping, migrate.Options{Location: o.Location})
		if err != nil {
			return rep, invalid(err)
		}
		rep.Lines, rep.Problems, rep.Missing = f.Lines, f.Problems, f.Missing
		sum, err := a.importPatrons(ctx, actor.UserID, agency, bytes.NewReader(f.CSV), name, PatronImportOptions{DryRun: o.DryRun})
		for _, p := range sum.Problems {
			rep.Problems = append(rep.Problems, migrate.Problem{Line: f.SourceLine[p.Line], Reason: p.Msg})
		}
		sum.Problems = nil
		rep.Patrons = &sum
		rep.Created["patrons"] = sum.Created
		rep.Existing = sum.Updated + sum.Unchanged
		sortProblems(rep.Problems)
		return rep, err
	case migrate.Lenders:
		f, err := migrate.ReadLenders(r, o.Mapping)
		if err != nil {
			return rep, invalid(err)
		}
		rep.Lines, rep.Problems, rep.Missing = f.Rows, f.Problems, f.Missing
		err = a.importLenders(ctx, actor, agency, o, f, &rep)
		sortProblems(rep.Problems)
		return rep, err
	}
	return rep, ill.E(ill.Invalid, fmt.Sprintf("unknown kind %q", o.Kind), map[string]string{"kind": "transactions, users or lenders"})
}

func sortProblems(ps []migrate.Problem) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
}

// importKey is a row's key in import_keys: the system and its number.
func importKey(m *migrate.Mapping, number string) string { return m.System + ":" + number }

// migrationBatch is the rows written per transaction.
const migrationBatch = 200

func (a *App) importTransactions(ctx context.Context, actor ill.Actor, agency ill.AgencyID, o MigrationOptions, f *migrate.TransactionFile, rep *MigrationReport) error {
	var done map[string]string
	if err := a.read(ctx, func(tx *store.Tx) (err error) {
		done, err = tx.Agency().ImportKeys(agency, string(migrate.Transactions))
		return
	}); err != nil {
		return err
	}
	var todo []migrate.Transaction
	for _, t := range f.Rows {
		if _, ok := done[importKey(o.Mapping, t.Number)]; ok {
			rep.Existing++
			continue
		}
		todo = append(todo, t)
	}
	for len(todo) > 0 {
		batch := todo[:min(migrationBatch, len(todo))]
		todo = todo[len(batch):]
		created := map[string]int{}
		var problems, warnings []migrate.Problem
		do := a.write
		if o.DryRun {
			do = a.read
		}
		err := do(ctx, func(tx *store.Tx) error {
			clear(created)
			problems, warnings = problems[:0], warnings[:0]
			for _, t := range batch {
				r, warn, err := a.requestFrom(tx, agency, o.Mapping, t)
				if err != nil {
					if !ill.Is(err, ill.Conflict) {
						return err
					}
					problems = append(problems, migrate.Problem{Line: t.Line, Number: t.Number, Reason: ill.UserMessage(err)})
					continue
				}
				if warn != "" {
					warnings = append(warnings, migrate.Problem{Line: t.Line, Number: t.Number, Reason: warn})
				}
				created[string(t.Side)+" "+string(t.State)]++
				if o.DryRun {
					continue
				}
				if err := tx.Agency().ImportRequest(agency, r, migrationEvents(actor, o.Mapping, t), func(r *ill.Request) {
					if r.Side == ill.Borrowing {
						r.PatronRef = "P-" + r.PublicID
					}
				}); err != nil {
					return err
				}
				if err := deskRecords(tx, agency, r, t); err != nil {
					return err
				}
				if err := tx.Agency().PutImportKey(agency, string(migrate.Transactions), importKey(o.Mapping, t.Number), r.PublicID); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for k, n := range created {
			rep.Created[k] += n
		}
		rep.Problems, rep.Warnings = append(rep.Problems, problems...), append(rep.Warnings, warnings...)
	}
	if err := a.carryCopyrightCounts(ctx, actor, agency, o, f.Rows, rep); err != nil || o.DryRun {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		return tx.Agency().Audit(agency, store.AuditRecord{Actor: actor.UserID, Action: "migration.import", Target: rep.File,
			After: fmt.Sprintf("%s: %d created, %d already imported, %d skipped, %d not mapped", rep.Mapping, rep.Total(), rep.Existing, len(rep.Skipped), len(rep.Problems))})
	})
}

// previousOf is where a question state returns to, for requests that
// arrive in one.
var previousOf = map[ill.Side]map[ill.State]ill.State{
	ill.Borrowing: {ill.BAwaitingPatron: ill.BReview, ill.BRenewRequested: ill.BCheckedOut, ill.BProblem: ill.BCheckedOut, ill.BCancelRequested: ill.BSent},
	ill.Lending:   {ill.LRenewRequested: ill.LOnLoan, ill.LCancelRequested: ill.LNew, ill.LProblem: ill.LShipped},
}

// requestFrom builds the request a transaction becomes. warn says what
// was left out. Returns Conflict when the partner's request is here already.
func (a *App) requestFrom(tx *store.Tx, agency ill.AgencyID, m *migrate.Mapping, t migrate.Transaction) (*ill.Request, string, error) {
	r := &ill.Request{Side: t.Side, State: t.State, Partner: t.Partner, Citation: t.Citation, ServiceType: t.ServiceType,
		NeedBefore: t.NeedBefore, MaxCost: t.MaxCost, NoteToPartner: t.Note, Protocol: ProtocolOffSystem,
		ExternalSystem: m.System, ExternalNumber: t.ExternalNumber, CloseReason: t.CloseReason,
		CreatedAt: t.Created, UpdatedAt: t.Updated, Previous: previousOf[t.Side][t.State]}
	if t.Terminal() {
		r.ClosedAt = t.Updated
	}
	if c := strings.ToUpper(t.CopyrightCompliance); c == "CCG" || c == "CCL" {
		r.Copyright = "US-" + c
	} else if c != "" {
		r.Copyright = t.CopyrightCompliance
	}
	switch {
	case t.State == ill.BReview:
		r.ReviewReason = "imported"
	case t.State == ill.BProblem: // also ill.LProblem
		r.Attention, r.AttentionReason = true, "imported with a problem: "+t.Status
	}
	warn := ""
	if t.Side == ill.Lending {
		r.PartnerRequestID = t.ExternalNumber
		if !t.Due.IsZero() {
			r.LenderDue = t.Due
		}
		if old, err := tx.Agency().GetLendingRequest(agency, r.Partner, r.PartnerRequestID); err == nil {
			return nil, "", ill.E(ill.Conflict, fmt.Sprintf("%s's request %s is here already, as %s", r.Partner, r.PartnerRequestID, old.PublicID))
		} else if !ill.Is(err, ill.NotFound) {
			return nil, "", err
		}
		return r, "", nil
	}
	if !t.Due.IsZero() {
		r.LenderDue, r.PatronDue = t.Due, t.Due
	}
	if r.Partner != "" && !slices.Contains(pendingStates, r.State) {
		r.RotaPos = 1 // the lender is the rota's one entry (deskRecords)
	}
	if t.Patron != "" {
		p, err := tx.Agency().FindPatron(agency, t.Patron)
		switch {
		case err == nil:
			r.PatronID, r.OwnerUserID, r.PatronCategory = p.ID, p.UserID, p.Category
		case ill.Is(err, ill.NotFound):
			warn = fmt.Sprintf("patron %s is not on file (import the users file first): imported without a patron", t.Patron)
		default:
			return nil, "", err
		}
	}
	return r, warn, nil
}

// filledStates are the states (of either side) of a request that was
// shipped or delivered.
var filledStates = map[ill.Side][]ill.State{
	ill.Borrowing: {ill.BShipped, ill.BReceived, ill.BAwaitingPickup, ill.BPickupExpired, ill.BCheckedOut, ill.BRenewRequested,
		ill.BOverdue, ill.BRecalled, ill.BReturned, ill.BReturnShipped, ill.BProblem, ill.BCompleted},
	ill.Lending: {ill.LShipped, ill.LOnLoan, ill.LRenewRequested, ill.LOverdue, ill.LRecalled, ill.LReturnReceived, ill.LProblem, ill.LCompleted},
}

// deskRecords gives an imported request what the desks keep beside it: a
// borrowing request its lender as the rota's one entry (the statistics
// by lender read it), a lending request its desk record, entered by hand.
func deskRecords(tx *store.Tx, agency ill.AgencyID, r *ill.Request, t migrate.Transaction) error {
	if r.Side == ill.Lending {
		if r.ClosedAt.IsZero() {
			return tx.Agency().PutLendingMark(agency, store.LendingMark{RequestID: r.ID, ServiceRank: store.ServiceRank(r.ServiceLevel), ByHand: true})
		}
		return nil
	}
	if r.Partner == "" {
		return nil
	}
	e := store.RotaEntry{Position: 1, Lender: r.Partner, Reason: "imported", State: store.RotaCurrent, OurRequestID: r.PublicID,
		LastStatus: t.Status, SentAt: t.Created}
	switch {
	case slices.Contains(filledStates[ill.Borrowing], r.State):
		e.State, e.AnsweredAt = store.RotaFilled, t.Updated
	case r.State == ill.BUnfilled || r.State == ill.BEndOfRota:
		e.State, e.AnsweredAt, e.ClosedAt = store.RotaUnfilled, t.Updated, t.Updated
	case r.State == ill.BCancelled:
		e.State, e.ClosedAt = store.RotaCancelled, t.Updated
	case slices.Contains(pendingStates, r.State):
		e.State, e.SentAt = store.RotaPending, time.Time{}
	}
	if err := tx.Agency().AddRotaEntry(agency, r.ID, e); err != nil {
		return err
	}
	if err := tx.Agency().UpdateRotaEntry(agency, r.ID, e); err != nil {
		return err
	}
	return nil
}

// pendingStates are borrowing states before a request is sent.
var pendingStates = []ill.State{ill.BReview, ill.BValidated, ill.BAwaitingCopyr, ill.BAwaitingPatron}

// migrationEvents is an imported request's log: submitted when it was
// created there, shipped or delivered if it was filled, then its state
// there (closed, for history).
func migrationEvents(actor ill.Actor, m *migrate.Mapping, t migrate.Transaction) []ill.Event {
	data := func(v map[string]any) json.RawMessage { b, _ := json.Marshal(v); return b }
	first := ill.BValidated
	if t.Side == ill.Lending {
		first = ill.LNew
	}
	evs := []ill.Event{{Type: "submitted", Name: "import", ActorKind: actor.Kind, ActorUser: actor.UserID, To: first, At: t.Created,
		Data: data(map[string]any{"externalSystem": m.System, "externalNumber": t.ExternalNumber, "transaction": t.Number})}}
	if slices.Contains(filledStates[t.Side], t.State) && (!t.Terminal() || t.CloseReason == ill.ClosedFilled || t.CloseReason == ill.ClosedLost) {
		// Filled there: the statistics count a request filled when it was
		// shipped or delivered. The other system kept only the last
		// change's date, which stands for it.
		typ := "shipped"
		if t.ServiceType == ill.Copy {
			typ = "delivered"
		}
		evs = append(evs, ill.Event{Type: typ, Name: "import", ActorKind: actor.Kind, ActorUser: actor.UserID, From: first, To: first, At: t.Updated,
			Data: data(map[string]any{"status": t.Status})})
	}
	last := ill.Event{Type: "external_update", Name: "import", ActorKind: actor.Kind, ActorUser: actor.UserID, From: first, To: t.State, At: t.Updated}
	d := map[string]any{"status": t.Status}
	switch {
	case t.CloseReason == ill.ClosedPatronCancelled || t.CloseReason == ill.ClosedStaffCancelled || t.CloseReason == ill.ClosedCancelled:
		last.Type = "cancelled"
	case t.Terminal():
		last.Type = "closed"
	}
	if t.CancelReason != "" {
		d["reason"] = t.CancelReason
	}
	last.Data = data(d)
	return append(evs, last)
}

// carryCopyrightCounts feeds the borrowed article copies to the copyright
// ledger's carried-over counts, counted the way ILLiad's copyright query
// counts them (copyright.ParseILLiadExport): a copy counts unless it was
// cancelled, unfilled, still awaiting clearance, or already paid for.
func (a *App) carryCopyrightCounts(ctx context.Context, actor ill.Actor, agency ill.AgencyID, o MigrationOptions, rows []migrate.Transaction, rep *MigrationReport) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"ProcessType", "RequestType", "TransactionStatus", "CreationDate", "PhotoJournalTitle", "PhotoJournalYear", "ISSN", "CopyrightAlreadyPaid"})
	n := 0
	for _, t := range rows {
		if t.Side != ill.Borrowing || t.ServiceType != ill.Copy {
			continue
		}
		status := t.Status
		switch t.State {
		case ill.BCancelled, ill.BUnfilled:
			status = "Cancelled by ILL Staff"
		case ill.BAwaitingCopyr:
			status = "Awaiting Copyright Clearance"
		}
		paid := ""
		if t.CopyrightPaid {
			paid = "Yes"
		}
		_ = w.Write([]string{"Borrowing", "Article", status, t.Created.In(o.Location).Format("2006-01-02 15:04:05"),
			t.Citation.Container(), t.Citation.PubDate, t.Citation.ISSN, paid})
		n++
	}
	w.Flush()
	if n == 0 {
		return nil
	}
	do := a.write
	if o.DryRun {
		do = a.read
	}
	return do(ctx, func(tx *store.Tx) error {
		_, rules, _, err := copyrightRules(tx, agency)
		if err != nil {
			return err
		}
		res, err := copyright.ParseILLiadExport(bytes.NewReader(buf.Bytes()), copyright.ImportOptions{WindowYears: rules.WindowYears})
		if err != nil {
			return err
		}
		rep.CopyrightCounts = res.Counts
		if o.DryRun {
			return nil
		}
		if err := tx.Agency().PutCopyrightPriorCounts(agency, res.Counts, "migration:"+o.Mapping.Name); err != nil {
			return err
		}
		return tx.Agency().Audit(agency, store.AuditRecord{Actor: actor.UserID, Action: "copyright.counts_import", Target: "migration " + rep.File,
			After: fmt.Sprintf("%d counts", len(res.Counts))})
	})
}

// importLenders adds the file's lenders to the directory; a library the
// directory knows already is left as it is.
func (a *App) importLenders(ctx context.Context, actor ill.Actor, agency ill.AgencyID, o MigrationOptions, f *migrate.LenderFile, rep *MigrationReport) error {
	if !o.DryRun {
		if err := requireDirectory(actor); err != nil {
			return err
		}
	}
	do := a.write
	if o.DryRun {
		do = a.read
	}
	return do(ctx, func(tx *store.Tx) error {
		for _, e := range f.Entries {
			if _, err := tx.Network().DirectoryEntry(e.ID); err == nil {
				rep.Existing++
				continue
			} else if !ill.Is(err, ill.NotFound) {
				return err
			}
			if _, err := tx.Network().LookupLibrary("OCLC:" + string(e.ID)); err == nil {
				rep.Existing++
				continue
			}
			e.Normalise()
			if err := e.Validate(); err != nil {
				rep.Problems = append(rep.Problems, migrate.Problem{Line: f.Lines[e.ID], Number: string(e.ID), Reason: err.Error()})
				continue
			}
			rep.Created["lenders"]++
			if o.DryRun {
				continue
			}
			if _, err := a.putEntry(tx, actor, e, "directory.import"); err != nil {
				return err
			}
			if err := tx.Agency().PutImportKey(agency, string(migrate.Lenders), importKey(o.Mapping, string(e.ID)), string(e.ID)); err != nil {
				return err
			}
		}
		return nil
	})
}
