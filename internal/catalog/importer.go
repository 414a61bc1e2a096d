package catalog

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"interlend/internal/ill"
	"interlend/internal/marc"
)

// Problem is something wrong with one record of an import: an error (the
// record was skipped) or a warning (it was imported, e.g. with a
// character that could not be decoded).
type Problem struct {
	Where   string // "record 17 (byte 40213)", "record 3 (line 9)", "header"
	ID      string // the record's id, when it could be read
	Warning bool
	Msg     string
}

func (p Problem) String() string {
	kind := "error"
	if p.Warning {
		kind = "warning"
	}
	s := kind + ": " + p.Where
	if p.ID != "" {
		s += " [" + p.ID + "]"
	}
	return s + ": " + p.Msg
}

// Progress counts an import so far.
type Progress struct {
	Read      int   // records read (good and bad)
	Inserted  int   // new records stored
	Updated   int   // records that changed
	Unchanged int   // records already stored as they are
	Failed    int   // records skipped because of an error
	Warnings  int   // warnings (records imported all the same)
	Bytes     int64 // input read
	Size      int64 // input size, when known (0 otherwise)
	Elapsed   time.Duration
}

// Rate is the records read per second.
func (p Progress) Rate() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Read) / p.Elapsed.Seconds()
}

// Report is the outcome of an import.
type Report struct {
	Progress
	Format Format
	Holder ill.AgencyID
	// Deleted counts records removed because the file no longer has them
	// (ImportOptions.Replace).
	Deleted int
	// Problems are the first MaxProblems problems; MoreProblems counts the
	// rest (OnProblem sees them all).
	Problems     []Problem
	MoreProblems int
}

// MaxProblems bounds the problems a Report keeps, so that a file of
// millions of bad records does not fill memory.
const MaxProblems = 1000

// BatchResult counts what one batch did.
type BatchResult struct {
	Inserted, Updated, Unchanged int
}

// Writer stores imported records. The store implements it (through the
// application layer, which opens the transactions).
type Writer interface {
	// WriteBatch stores records of one holder in one transaction: new ones
	// are inserted, changed ones updated (by holder and local id), and
	// those whose Hash is unchanged are left alone. Every record written
	// or confirmed is marked with generation.
	WriteBatch(ctx context.Context, holder ill.AgencyID, recs []Record, generation int64) (BatchResult, error)
	// DeleteUnseen removes the holder's records not marked with
	// generation, returning how many.
	DeleteUnseen(ctx context.Context, holder ill.AgencyID, generation int64) (int, error)
}

// ImportOptions configure Import.
type ImportOptions struct {
	Holder ill.AgencyID
	// Format of the input; "" detects it from Name and the first bytes.
	Format Format
	Name   string // file name, for detection
	Size   int64  // input size for progress, 0 when unknown
	// BatchSize is the records per transaction (default 1000).
	BatchSize int
	// Replace deletes the holder's records that the input does not have,
	// once the whole input has been read without a fatal error.
	Replace bool
	// Generation marks the records of this import (default: the start
	// time in nanoseconds); it must differ from the previous import's.
	Generation int64
	// OnProgress is called after each batch is stored.
	OnProgress func(Progress)
	// OnProblem is called for every problem, as it is found.
	OnProblem func(Problem)
}

// DefaultBatchSize is the records per transaction.
const DefaultBatchSize = 1000

// Import reads a catalog file and stores its records through w. Memory
// stays constant whatever the size of the input: at most three batches
// are held (one being read, one queued, one being written). A record
// that cannot be read is reported and skipped; an input that cannot be
// read on (malformed XML, a read error) ends the import with an error
// after what was read before it is stored, and then the Report says how
// far it got. Each batch is one transaction, so a record is stored whole
// or not at all.
func Import(ctx context.Context, r io.Reader, w Writer, o ImportOptions) (Report, error) {
	start := time.Now()
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.Generation == 0 {
		o.Generation = start.UnixNano()
	}
	if o.Holder == "" {
		return Report{}, ill.E(ill.Invalid, "the holding library is required (--agency)")
	}
	cr := &countingReader{r: r}
	br := bufio.NewReaderSize(cr, 256<<10)
	if o.Format == "" {
		head, _ := br.Peek(512)
		o.Format = DetectFormat(o.Name, head)
	}
	rep := Report{Format: o.Format, Holder: o.Holder}
	rep.Size = o.Size
	problem := func(p Problem) {
		if p.Warning {
			rep.Warnings++
		} else {
			rep.Failed++
		}
		if len(rep.Problems) < MaxProblems {
			rep.Problems = append(rep.Problems, p)
		} else {
			rep.MoreProblems++
		}
		if o.OnProblem != nil {
			o.OnProblem(p)
		}
	}
	src, headerProblems, err := newSource(o.Format, br)
	if err != nil {
		return rep, ill.E(ill.Invalid, fmt.Sprintf("cannot read %s as %s: %v", nameOr(o.Name), o.Format, err), err)
	}
	for _, p := range headerProblems {
		problem(p)
	}

	// The reader goroutine fills batches; this one writes them. Problems
	// travel with their batch so that they are reported in order.
	type batch struct {
		recs  []Record
		probs []Problem
		read  int
		bytes int64
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, 1)
	var readErr error
	go func() {
		defer close(batches)
		b := batch{}
		index := map[string]int{}
		send := func() bool {
			b.bytes = cr.n.Load()
			select {
			case batches <- b:
			case <-ctx.Done():
				return false
			}
			b = batch{recs: make([]Record, 0, o.BatchSize)}
			clear(index)
			return true
		}
		for ctx.Err() == nil {
			h, pos, warns, err := src.next()
			if errors.Is(err, io.EOF) {
				send()
				return
			}
			var re *marc.RecordError
			if errors.As(err, &re) {
				b.read++
				b.probs = append(b.probs, Problem{Where: recordErrorWhere(re), Msg: re.Err.Error()})
				continue
			}
			if err != nil {
				readErr = err
				send()
				return
			}
			b.read++
			for _, w := range warns {
				w.Where, w.ID = pos.String(), h.ID
				b.probs = append(b.probs, w)
			}
			rec, perr := toRecord(o.Holder, o.Format, h)
			if perr != "" {
				b.probs = append(b.probs, Problem{Where: pos.String(), ID: h.ID, Msg: perr})
				continue
			}
			for _, msg := range h.Problems {
				b.probs = append(b.probs, Problem{Where: pos.String(), ID: h.ID, Warning: true, Msg: msg})
			}
			if i, dup := index[rec.ID]; dup {
				// The same id twice in a batch: the later record wins, as
				// it would across batches.
				b.probs = append(b.probs, Problem{Where: pos.String(), ID: h.ID, Warning: true, Msg: "record id appears again; this later record replaces the earlier one"})
				b.recs[i] = rec
				continue
			}
			index[rec.ID] = len(b.recs)
			b.recs = append(b.recs, rec)
			if len(b.recs) >= o.BatchSize {
				if !send() {
					return
				}
			}
		}
	}()

	var writeErr error
	for b := range batches {
		if writeErr != nil {
			continue // drain so the reader can stop
		}
		for _, p := range b.probs {
			problem(p)
		}
		rep.Read += b.read
		if len(b.recs) > 0 {
			res, err := w.WriteBatch(ctx, o.Holder, b.recs, o.Generation)
			if err != nil {
				writeErr = err
				cancel()
				continue
			}
			rep.Inserted += res.Inserted
			rep.Updated += res.Updated
			rep.Unchanged += res.Unchanged
		}
		rep.Bytes = b.bytes
		rep.Elapsed = time.Since(start)
		if o.OnProgress != nil {
			o.OnProgress(rep.Progress)
		}
	}
	rep.Bytes = cr.n.Load()
	rep.Elapsed = time.Since(start)
	if writeErr != nil {
		return rep, fmt.Errorf("catalog import stopped after %d records: %w", rep.Read, writeErr)
	}
	if readErr != nil {
		return rep, ill.E(ill.Invalid, fmt.Sprintf("the input cannot be read past record %d: %v; the %d records before it are stored", rep.Read, readErr, rep.Inserted+rep.Updated+rep.Unchanged), readErr)
	}
	if o.Replace {
		n, err := w.DeleteUnseen(ctx, o.Holder, o.Generation)
		if err != nil {
			return rep, fmt.Errorf("catalog import: removing records no longer in the file: %w", err)
		}
		rep.Deleted = n
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

func nameOr(name string) string {
	if name == "" {
		return "the input"
	}
	return name
}

func recordErrorWhere(re *marc.RecordError) string {
	if re.Line > 0 {
		return fmt.Sprintf("record %d (line %d)", re.Ordinal, re.Line)
	}
	return fmt.Sprintf("record %d (byte %d)", re.Ordinal, re.Offset)
}

// toRecord checks a holding and makes it a Record; a non-empty message
// says why it cannot be stored.
func toRecord(holder ill.AgencyID, f Format, h *marc.Holding) (Record, string) {
	switch {
	case h.ID == "":
		return Record{}, "no record id (MARC 001, or the CSV id column): the record cannot be kept up to date, so it is skipped"
	case len(h.ID) > 200:
		return Record{}, "the record id is longer than 200 characters"
	case h.Title == "" && len(h.ISBNs) == 0 && len(h.ISSNs) == 0 && len(h.OCLCNumbers) == 0 && h.LCCN == "":
		return Record{}, "neither a title nor an identifier: nothing to match requests against"
	}
	return Record{Holder: holder, Holding: *h, Source: f, Counts: CountItems(h.Items), Hash: ContentHash(h, f)}, ""
}
