package catalog

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"strconv"
	"strings"
	"time"
	"unicode"

	"interlend/internal/bibid"
	"interlend/internal/ill"
	"interlend/internal/marc"
)

// Record is one title in one library's catalog: the holding as the MARC
// mapping sees it (identifiers, description, call number, items, serial
// coverage) and where it is kept. Holding.ID is the library's own record
// id (MARC 001), unique per holder.
type Record struct {
	// RowID is the store's id; 0 for a record not read from the store.
	RowID int64
	// Holder is the library holding the title (its directory id).
	Holder ill.AgencyID
	marc.Holding
	// Source is the format it came from: marc21, marcxml, csv or sru.
	Source Format
	// Counts summarise the items; they are kept even when Items is not
	// loaded (searches that list records).
	Counts ItemCounts
	// Hash fingerprints the content, so that a re-import can skip records
	// that did not change.
	Hash      string
	UpdatedAt time.Time
}

// ItemCounts summarise a record's items.
type ItemCounts struct {
	Items     int // copies
	Lendable  int // copies that may circulate
	Available int // lendable copies not on loan now
}

// CountItems counts items.
func CountItems(items []marc.Item) ItemCounts {
	c := ItemCounts{Items: len(items)}
	for _, it := range items {
		if it.Lendable {
			c.Lendable++
			if !it.OnLoan {
				c.Available++
			}
		}
	}
	return c
}

// IDKind names a kind of identifier in the catalog's index.
type IDKind string

// Identifier kinds. Values are normalised: ISBNs in 13 digits, ISSNs as
// NNNN-NNNC, OCLC numbers as digits, LCCNs and DOIs as bibid writes them.
const (
	KindISBN IDKind = "isbn"
	KindISSN IDKind = "issn" // print and other-format ISSNs alike
	KindOCLC IDKind = "oclc"
	KindLCCN IDKind = "lccn"
	KindDOI  IDKind = "doi"
)

// Identifier is one normalised identifier.
type Identifier struct {
	Kind  IDKind
	Value string
}

// Identifiers lists every identifier of the record, normalised, for the
// index.
func (r *Record) Identifiers() []Identifier {
	var out []Identifier
	add := func(k IDKind, vs ...string) {
		for _, v := range vs {
			if v == "" {
				continue
			}
			id := Identifier{k, v}
			dup := false
			for _, have := range out {
				dup = dup || have == id
			}
			if !dup {
				out = append(out, id)
			}
		}
	}
	add(KindISBN, r.ISBNs...)
	add(KindISSN, r.ISSNs...)
	add(KindISSN, r.OtherISSNs...)
	add(KindOCLC, r.OCLCNumbers...)
	add(KindLCCN, r.LCCN)
	add(KindDOI, r.DOIs...)
	return out
}

// ParseIdentifier normalises an identifier typed by a person or found in
// a citation; ok is false when the value is not valid for the kind.
func ParseIdentifier(kind IDKind, v string) (Identifier, bool) {
	var n string
	var ok bool
	switch kind {
	case KindISBN:
		n, ok = bibid.NormaliseISBN(v)
	case KindISSN:
		n, ok = bibid.NormaliseISSN(v)
	case KindOCLC:
		n, ok = bibid.NormaliseOCLC(v)
	case KindLCCN:
		n, ok = bibid.NormaliseLCCN(v)
	case KindDOI:
		n, ok = bibid.NormaliseDOI(v)
	}
	return Identifier{kind, n}, ok
}

// GuessIdentifier reads a search box: "isbn:0-618-...", an ISBN, an ISSN,
// "(OCoLC)123", "ocn123", an LCCN such as "2001012345" or "n 79-21164", a
// DOI. ok is false when s is not an identifier (search it as keywords).
func GuessIdentifier(s string) (Identifier, bool) {
	s = strings.TrimSpace(s)
	if k, v, ok := strings.Cut(s, ":"); ok {
		switch kind := IDKind(strings.ToLower(strings.TrimSpace(k))); kind {
		case KindISBN, KindISSN, KindOCLC, KindLCCN, KindDOI:
			return ParseIdentifier(kind, v)
		}
	}
	lower := strings.ToLower(s)
	if strings.HasPrefix(lower, "(ocolc)") || strings.HasPrefix(lower, "ocm") || strings.HasPrefix(lower, "ocn") || strings.HasPrefix(lower, "on") && len(s) > 2 && unicode.IsDigit(rune(s[2])) {
		return ParseIdentifier(KindOCLC, s)
	}
	if strings.HasPrefix(lower, "10.") || strings.Contains(lower, "doi.org/") {
		return ParseIdentifier(KindDOI, s)
	}
	compact := strings.NewReplacer("-", "", " ", "").Replace(s)
	switch {
	case len(compact) == 8 && isDigits(compact[:7]):
		return ParseIdentifier(KindISSN, s)
	case (len(compact) == 10 || len(compact) == 13) && isDigits(compact[:9]):
		if id, ok := ParseIdentifier(KindISBN, s); ok {
			return id, true
		}
	}
	if id, ok := ParseIdentifier(KindLCCN, s); ok && strings.IndexFunc(s, unicode.IsDigit) >= 0 && len(compact) >= 8 {
		return id, true
	}
	return Identifier{}, false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// maxWordBytes bounds an indexed word: longer runs are noise (and
// PostgreSQL limits lexemes to 2047 bytes).
const maxWordBytes = 100

// Words folds text for the keyword index and for keyword queries: lower
// case, diacritics removed (bibid.Fold), split into runs of letters and
// digits; runs longer than 100 bytes are dropped. Both engines index
// these words as they are, so a search behaves the same on SQLite and
// PostgreSQL.
func Words(s string) []string {
	f := bibid.Fold(s)
	var out []string
	start := -1
	flush := func(end int) {
		if start >= 0 && end-start <= maxWordBytes {
			out = append(out, f[start:end])
		}
		start = -1
	}
	for i, r := range f {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(f))
	return out
}

// KeywordText is Words joined by single spaces: what the index stores.
func KeywordText(s string) string { return strings.Join(Words(s), " ") }

// ContentHash fingerprints what a record says (not where it is stored), so
// that re-importing an unchanged record writes nothing.
func ContentHash(h *marc.Holding, src Format) string {
	w := hasher{sha256.New()}
	w.str(string(src), h.ID, h.IDOrg, h.LCCN, h.Title, h.Author, h.Edition, h.Publisher, h.Place, strconv.Itoa(h.Year),
		h.Language, string(h.Format), h.LCClass, h.CallNumber, h.Location, h.Branch)
	for _, l := range [][]string{h.ISBNs, h.ISSNs, h.OtherISSNs, h.OCLCNumbers, h.DOIs, h.Coverage.Statements} {
		w.int(len(l))
		w.str(l...)
	}
	w.int(len(h.Items))
	for _, it := range h.Items {
		w.str(it.Barcode, it.CallNumber, it.Location, it.Branch, it.Status, it.Tag, strconv.FormatBool(it.Lendable), strconv.FormatBool(it.OnLoan))
	}
	w.int(len(h.Coverage.Ranges))
	for _, r := range h.Coverage.Ranges {
		w.int(r.StartYear, r.EndYear, r.StartVolume, r.EndVolume)
		w.str(strconv.FormatBool(r.Open))
	}
	return hex.EncodeToString(w.h.Sum(nil)[:16])
}

type hasher struct{ h hash.Hash }

func (w hasher) str(ss ...string) {
	var n [4]byte
	for _, s := range ss {
		binary.LittleEndian.PutUint32(n[:], uint32(len(s)))
		w.h.Write(n[:])
		w.h.Write([]byte(s))
	}
}

func (w hasher) int(vs ...int) {
	var n [8]byte
	for _, v := range vs {
		binary.LittleEndian.PutUint64(n[:], uint64(v))
		w.h.Write(n[:])
	}
}
