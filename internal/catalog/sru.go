package catalog

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/marc"
	"interlend/internal/sru"
)

// SRU is one library's live catalog, searched over SRU 1.2 or 2.0 for
// MARCXML records with embedded holdings.
type SRU struct {
	Library ill.AgencyID
	Client  *sru.Client
}

var _ AgencySource = (*SRU)(nil)

// NewSRU builds the SRU source of a directory entry (base URL, version,
// index mapping, timeout); ok is false when the library has no SRU
// service. hc is the HTTP client (nil for http.DefaultClient).
func NewSRU(e *directory.Entry, hc *http.Client) (*SRU, bool) {
	if e.SRU == nil || e.SRU.BaseURL == "" {
		return nil, false
	}
	return &SRU{Library: e.ID, Client: &sru.Client{
		BaseURL: e.SRU.BaseURL, Version: e.SRU.Version, IndexMap: e.SRU.IndexMap, HTTP: hc,
		Timeout: e.SRU.Timeout(), RecordSchema: e.SRU.RecordSchema, MaximumRecords: e.SRU.MaxRecords,
		UserAgent: "Interlend",
	}}, true
}

// Name is "sru:" and the library.
func (s *SRU) Name() string { return "sru:" + string(s.Library) }

// Agency is the library the service speaks for.
func (s *SRU) Agency() ill.AgencyID { return s.Library }

// Holders searches by each identifier of the citation in turn (skipping an
// index the server does not support), then by title and author when no
// identifier found anything. A timeout or a diagnostic other than an
// unsupported index is an error: the library's holdings are unknown.
func (s *SRU) Holders(ctx context.Context, c ill.Citation) ([]Holding, error) {
	var recs []Record
	for _, id := range CitationIdentifiers(c) {
		q := sru.Query{}
		switch id.Kind {
		case KindISBN:
			q.ISBN = id.Value
		case KindISSN:
			q.ISSN = id.Value
		case KindOCLC:
			q.OCLC = id.Value
		case KindLCCN:
			q.LCCN = id.Value
		default:
			continue
		}
		found, err := s.search(ctx, q)
		if err != nil {
			var de *sru.DiagnosticError
			if errors.As(err, &de) && (de.Has(sru.DiagUnsupportedIndex) || de.Has(sru.DiagUnsupportedRelation)) {
				continue
			}
			return nil, err
		}
		recs = append(recs, found...)
		if len(found) > 0 {
			break
		}
	}
	if len(recs) == 0 {
		if title := titleQuery(matchTitle(c)); title != "" {
			q := sru.Query{Title: title}
			if useAuthor(c) {
				q.Author = surnameQuery(c.Author)
			}
			found, err := s.search(ctx, q)
			if err != nil {
				return nil, err
			}
			recs = found
		}
	}
	return Rank(c, s.Name(), recs), nil
}

// Search runs one query and returns the records as this library's.
func (s *SRU) search(ctx context.Context, q sru.Query) ([]Record, error) {
	res, err := s.Client.Search(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("SRU catalog of %s: %w", s.Library, err)
	}
	var out []Record
	for _, m := range res.MARCRecords() {
		h := marc.ToHolding(m)
		out = append(out, Record{Holder: s.Library, Holding: *h, Source: FormatSRU, Counts: CountItems(h.Items)})
	}
	return out, nil
}
