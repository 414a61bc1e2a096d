package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"interlend/internal/bibid"
	"interlend/internal/ill"
)

// Source answers "who holds this?". Implementations: Local (the imported
// catalog), SRU (one partner's live catalog) and Union (several at once);
// a shared index (a national union catalog's API) fits the same shape.
type Source interface {
	// Name identifies the source in holdings and logs ("catalog",
	// "sru:US-EXREQ").
	Name() string
	// Holders returns the libraries holding what c describes, best first
	// (see Rank), each with its matching records. None is not an error.
	Holders(ctx context.Context, c ill.Citation) ([]Holding, error)
}

// AgencySource is a source that speaks for one library only (an SRU
// service). When it fails, a Union reports the failure as that library's
// Holding.Err instead of failing as a whole.
type AgencySource interface {
	Source
	Agency() ill.AgencyID
}

// Query is a keyword search of the imported catalog. Words of Keywords
// may be in the title or the author; words of Title in the title, of
// Author in the author. Every word must match.
type Query struct {
	Holders  []ill.AgencyID // only these libraries; empty means all
	Keywords string
	Title    string
	Author   string
	Limit    int  // default 20, at most 500
	Offset   int  // for paging
	Items    bool // load each record's items (else only their counts)
}

// Empty reports whether the query has no words.
func (q Query) Empty() bool {
	return len(Words(q.Keywords)) == 0 && len(Words(q.Title)) == 0 && len(Words(q.Author)) == 0
}

// Index is the imported catalog as the store keeps it.
type Index interface {
	// ByIdentifiers returns up to limit records that carry any of ids,
	// without their items.
	ByIdentifiers(ctx context.Context, ids []Identifier, limit int) ([]Record, error)
	// Search runs a keyword query, best matches first.
	Search(ctx context.Context, q Query) ([]Record, error)
	// LoadItems fills the items of records it returned.
	LoadItems(ctx context.Context, recs []Record) error
}

// Local is the imported catalog as a Source.
type Local struct {
	Index Index
	// Holders limits answers to these libraries (empty: all).
	Only []ill.AgencyID
}

// Name is "catalog".
func (Local) Name() string { return "catalog" }

// Limits of the candidates fetched per lookup. Title candidates come
// shortest first, so an exact title is among the first few even when a
// common word matches thousands of records.
const (
	idCandidates    = 200
	titleCandidates = 50
)

// Holders looks the citation's identifiers up, then its title (with the
// author's surname for a whole work), ranks what it found and loads the
// items of the records that match.
func (l Local) Holders(ctx context.Context, c ill.Citation) ([]Holding, error) {
	var recs []Record
	if ids := CitationIdentifiers(c); len(ids) > 0 {
		found, err := l.Index.ByIdentifiers(ctx, ids, idCandidates)
		if err != nil {
			return nil, fmt.Errorf("catalog: identifier lookup: %w", err)
		}
		recs = append(recs, found...)
	}
	// Records without the identifier (another edition's ISBN, none at
	// all) are found by title.
	if q, ok := TitleQuery(c); ok {
		q.Holders, q.Limit = l.Only, titleCandidates
		found, err := l.Index.Search(ctx, q)
		if err == nil && len(found) == 0 && q.Author != "" {
			q.Author = ""
			found, err = l.Index.Search(ctx, q)
		}
		if err != nil {
			return nil, fmt.Errorf("catalog: title search: %w", err)
		}
		recs = append(recs, found...)
	}
	if len(l.Only) > 0 {
		recs = slices.DeleteFunc(recs, func(r Record) bool { return !slices.Contains(l.Only, r.Holder) })
	}
	hs := Rank(c, l.Name(), recs)
	var matched []Record
	for _, h := range hs {
		for _, m := range h.Matches {
			matched = append(matched, m.Record)
		}
	}
	if err := l.Index.LoadItems(ctx, matched); err != nil {
		return nil, fmt.Errorf("catalog: items: %w", err)
	}
	i := 0
	for _, h := range hs {
		for j := range h.Matches {
			h.Matches[j].Record.Items = matched[i].Items
			i++
		}
	}
	return hs, nil
}

// TitleQuery is the keyword query that finds a citation's work by title:
// three words of its main title (the longest, without stop words) and, for
// a whole work, its author's surname. ok is false without a title.
func TitleQuery(c ill.Citation) (Query, bool) {
	title := titleQuery(matchTitle(c))
	if title == "" {
		return Query{}, false
	}
	q := Query{Title: title}
	if useAuthor(c) {
		q.Author = surnameQuery(c.Author)
	}
	return q, true
}

// stopWords are left out of title queries: they match nearly everything
// and catalogs disagree about them.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "and": true, "in": true, "on": true, "for": true, "to": true,
	"de": true, "la": true, "le": true, "les": true, "des": true, "du": true, "et": true, "l": true, "d": true,
	"der": true, "die": true, "das": true, "und": true, "el": true, "los": true, "las": true, "y": true, "en": true,
}

// StopWord reports a word title queries leave out ("the", "of", "der"...).
func StopWord(w string) bool { return stopWords[w] }

// titleWords is how many title words a title query uses.
const titleWords = 3

// titleQuery picks the words of a main title to search with: the three
// longest, without stop words (longer words are rarer, and each word costs
// the index a list of every record that has it), in title order. A typo
// or a subtitle in the citation then hides fewer records, and scoring
// sorts out the candidates.
func titleQuery(title string) string {
	all := Words(bibid.MainTitle(title))
	var words []string
	for _, w := range all {
		if !stopWords[w] && !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return strings.Join(all, " ")
	}
	if len(words) > titleWords {
		byLength := slices.Clone(words)
		slices.SortStableFunc(byLength, func(a, b string) int { return len([]rune(b)) - len([]rune(a)) })
		keep := byLength[:titleWords]
		words = slices.DeleteFunc(words, func(w string) bool { return !slices.Contains(keep, w) })
	}
	return strings.Join(words, " ")
}

// surnameQuery is the surname part of a personal name.
func surnameQuery(author string) string {
	return surname(bibid.NormaliseAuthor(author))
}

// Union asks several sources at once and merges their answers by library.
type Union struct {
	Sources []Source
	// Timeout bounds each source (on top of ctx); 0 means none.
	Timeout time.Duration
}

// Name is "union".
func (Union) Name() string { return "union" }

// Holders asks every source concurrently. A library answered by several
// sources gets their matches together. A failing AgencySource becomes its
// library's Holding.Err (unless another source found the library's
// records); any other failing source fails the whole call, since the
// answer would be missing libraries silently.
func (u Union) Holders(ctx context.Context, c ill.Citation) ([]Holding, error) {
	type answer struct {
		hs  []Holding
		err error
	}
	answers := make([]answer, len(u.Sources))
	var wg sync.WaitGroup
	for i, s := range u.Sources {
		wg.Go(func() {
			sctx := ctx
			if u.Timeout > 0 {
				var cancel context.CancelFunc
				sctx, cancel = context.WithTimeout(ctx, u.Timeout)
				defer cancel()
			}
			hs, err := s.Holders(sctx, c)
			answers[i] = answer{hs, err}
		})
	}
	wg.Wait()
	byAgency := map[ill.AgencyID]*Holding{}
	var order []ill.AgencyID
	var errs []error
	put := func(h Holding) {
		have := byAgency[h.Agency]
		if have == nil {
			cp := h
			byAgency[h.Agency] = &cp
			order = append(order, h.Agency)
			return
		}
		have.Matches = append(have.Matches, h.Matches...)
		if len(have.Matches) > 0 {
			have.Err = nil
		} else if have.Err == nil {
			have.Err = h.Err
		}
		if !strings.Contains(have.Source, h.Source) {
			have.Source += "+" + h.Source
		}
	}
	for i, a := range answers {
		if a.err != nil {
			if as, ok := u.Sources[i].(AgencySource); ok {
				put(Holding{Agency: as.Agency(), Source: as.Name(), Err: a.err})
				continue
			}
			errs = append(errs, fmt.Errorf("%s: %w", u.Sources[i].Name(), a.err))
			continue
		}
		for _, h := range a.hs {
			put(h)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	out := make([]Holding, 0, len(order))
	for _, ag := range order {
		h := byAgency[ag]
		sortMatches(h.Matches)
		out = append(out, *h)
	}
	SortHoldings(out)
	return out, nil
}
