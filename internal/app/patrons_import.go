package app

import (
	"context"
	"encoding/json"
	"errors"
	"io"

	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/store"
)

// PatronImportOptions adjust ImportPatrons.
type PatronImportOptions struct {
	// DryRun reads and checks the whole file and counts what would
	// change, writing nothing.
	DryRun bool
	// Source marks new records: store.PatronByImport (default) or
	// store.PatronBySync.
	Source string
	// OnProblem, if set, is called with each bad line as it is found (the
	// summary keeps only the first MaxReportedProblems).
	OnProblem func(patron.LineError)
	// OnBatch, if set, is called after each batch is written, with the
	// rows read so far (progress reports, memory measurements).
	OnBatch func(rows int)
	// BatchSize is the rows written per transaction; 0 means 500.
	BatchSize int
}

// MaxReportedProblems bounds the bad lines a summary lists, so that a
// file of any size is imported in constant memory.
const MaxReportedProblems = 100

// PatronImportSummary is what an import did.
type PatronImportSummary struct {
	File   string `json:"file"`
	DryRun bool   `json:"dryRun,omitempty"`
	Rows   int    `json:"rows"` // data lines read, good and bad
	store.ImportCounts
	Bad      int                `json:"bad"`
	Problems []patron.LineError `json:"problems,omitempty"` // the first MaxReportedProblems bad lines
	Ignored  []string           `json:"ignoredColumns,omitempty"`
	Stopped  string             `json:"stopped,omitempty"` // why the import stopped before the end, if it did
	Columns  []string           `json:"columns,omitempty"` // the patron columns the file has
}

// ImportPatrons reads a patron file (CSV, see docs/patrons-import.md) and
// upserts its rows by barcode into the agency, in batches, in constant
// memory. Bad lines are reported by number and skipped; the others are
// imported. Rows written before a fatal error (an unreadable file, the
// database gone) stay: running the import again is safe. A dry run
// writes nothing. One audit record describes the import. name is the
// file's name for the audit record and the summary.
//
// Returns Invalid (no header, no barcode column: nothing is changed),
// Forbidden (patron.manage) or the fatal error with the summary so far.
func (a *App) ImportPatrons(ctx context.Context, actor ill.Actor, agency ill.AgencyID, r io.Reader, name string, o PatronImportOptions) (PatronImportSummary, error) {
	if err := actor.Require(agency, ill.PermPatronManage); err != nil {
		return PatronImportSummary{}, err
	}
	return a.importPatrons(ctx, actor.UserID, agency, r, name, o)
}

func (a *App) importPatrons(ctx context.Context, actorID int64, agency ill.AgencyID, r io.Reader, name string, o PatronImportOptions) (PatronImportSummary, error) {
	sum := PatronImportSummary{File: name, DryRun: o.DryRun}
	if o.Source == "" {
		o.Source = store.PatronByImport
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	// The agency must exist before anything is read (a dry run against a
	// mistyped agency would otherwise report every row as new).
	if err := a.read(ctx, func(tx *store.Tx) error { _, err := tx.System().GetAgency(agency); return err }); err != nil {
		return sum, err
	}
	rd, err := patron.NewReader(r)
	if err != nil {
		return sum, err
	}
	sum.Ignored = rd.Ignored()
	sum.Columns = rd.Columns()
	batch := make([]patron.Row, 0, o.BatchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		var c store.ImportCounts
		do := a.write
		if o.DryRun {
			do = a.read
		}
		err := do(ctx, func(tx *store.Tx) error {
			var err error
			c, err = tx.Agency().ImportPatrons(agency, rd.Fields(), batch, store.ImportOptions{DryRun: o.DryRun, Source: o.Source, Actor: actorID})
			return err
		})
		if err != nil {
			return err
		}
		sum.ImportCounts.Add(c)
		batch = batch[:0]
		if o.OnBatch != nil {
			o.OnBatch(sum.Rows)
		}
		return nil
	}
	var fatal error
	for fatal == nil {
		row, err := rd.Next()
		var le *patron.LineError
		switch {
		case errors.Is(err, io.EOF):
			fatal = flush()
			if fatal == nil {
				return sum, a.auditImport(ctx, actorID, agency, sum)
			}
		case errors.As(err, &le):
			sum.Rows++
			sum.Bad++
			if len(sum.Problems) < MaxReportedProblems {
				sum.Problems = append(sum.Problems, *le)
			}
			if o.OnProblem != nil {
				o.OnProblem(*le)
			}
		case err != nil:
			fatal = err
		default:
			sum.Rows++
			batch = append(batch, row)
			if len(batch) == o.BatchSize {
				fatal = flush()
			}
		}
		if fatal == nil && ctx.Err() != nil {
			fatal = ill.E(ill.Unavailable, "the import was interrupted", ctx.Err())
		}
	}
	sum.Stopped = ill.UserMessage(fatal)
	if err := a.auditImport(context.WithoutCancel(ctx), actorID, agency, sum); err != nil {
		a.Log.Error("could not audit a stopped patron import", "agency", agency, "err", err)
	}
	return sum, fatal
}

// auditImport records one audit entry for an import: counts and the line
// numbers of the first bad lines (no personal data).
func (a *App) auditImport(ctx context.Context, actorID int64, agency ill.AgencyID, sum PatronImportSummary) error {
	if sum.DryRun {
		return nil
	}
	return a.write(ctx, func(tx *store.Tx) error {
		return tx.Agency().Audit(agency, store.AuditRecord{Actor: actorID, Action: "patrons.import", Target: sum.File, After: sum.auditText()})
	})
}

func (s PatronImportSummary) auditText() string {
	short := struct {
		Rows int `json:"rows"`
		store.ImportCounts
		Bad      int    `json:"bad"`
		BadLines []int  `json:"badLines,omitempty"`
		Stopped  string `json:"stopped,omitempty"`
	}{Rows: s.Rows, ImportCounts: s.ImportCounts, Bad: s.Bad, Stopped: s.Stopped}
	for i, p := range s.Problems {
		if i == 20 {
			break
		}
		short.BadLines = append(short.BadLines, p.Line)
	}
	b, _ := json.Marshal(short)
	return string(b)
}
