package marc

import (
	"strconv"
	"strings"

	"interlend/internal/bibid"
)

// Holding is what interlibrary loan needs to know about one title in one
// library's catalog: how to match it (identifiers, title, author), where it
// is (call number, location, branch), whether and which copies can be lent,
// and for serials which years and volumes are held.
type Holding struct {
	ID    string // local record id (001)
	IDOrg string // organisation that assigned ID (003): MARC code or ISIL

	ISBNs       []string // valid ISBNs from 020 $a, 13-digit form ($z excluded)
	ISSNs       []string // valid ISSNs from 022 $a, "NNNN-NNNC"
	OtherISSNs  []string // ISSNs of other formats, 776 $x (e.g. the online version)
	OCLCNumbers []string // from 035 $a "(OCoLC)..." and 001 when 003 is OCoLC
	LCCN        string   // 010 $a normalised
	DOIs        []string // 024 7_ $a with $2 doi

	Title     string // 245 $a $b $n $p without trailing ISBD punctuation
	Author    string // 100/110/111, else first 700/710/711
	Edition   string // 250 $a
	Publisher string // 264 (publication) or 260 $b
	Place     string // 264 or 260 $a
	Year      int    // 008/07-10, else 264/260 $c; 0 when unknown
	Language  string // 008/35-37 (MARC language code), else 041 $a

	Format     Format // from leader/06-07, 008 and 502
	LCClass    string // 050 $a, else 090 $a
	CallNumber string // 852 $h $i, else item call number, else 050/090/099
	Location   string // shelving location: 852 $c (or first item's)
	Branch     string // library or branch: 852 $b (or first item's)

	Items    []Item
	Coverage Coverage // serial holdings from 866 and 853/863

	// Problems lists data that was present but unusable (an ISBN with a bad
	// check digit, an unparseable year), for import reports.
	Problems []string
}

// SystemNumber returns the record id in the MARC "(org)id" form used in
// 035 fields, or the bare id when 003 is absent.
func (h *Holding) SystemNumber() string {
	if h.IDOrg == "" {
		return h.ID
	}
	return "(" + h.IDOrg + ")" + h.ID
}

// LendableItems returns the items that may circulate, on the shelf or not.
func (h *Holding) LendableItems() []Item {
	var out []Item
	for _, it := range h.Items {
		if it.Lendable {
			out = append(out, it)
		}
	}
	return out
}

// AvailableItems returns the lendable items that are not on loan.
func (h *Holding) AvailableItems() []Item {
	var out []Item
	for _, it := range h.Items {
		if it.Lendable && !it.OnLoan {
			out = append(out, it)
		}
	}
	return out
}

// ToHolding maps a MARC 21 bibliographic record with embedded holdings to a
// Holding.
func ToHolding(r *Record) *Holding {
	h := &Holding{ID: strings.TrimSpace(r.Control("001")), IDOrg: strings.TrimSpace(r.Control("003"))}
	mapIdentifiers(r, h)
	mapDescription(r, h)
	h.Format = FormatOf(r)
	mapLocation(r, h)
	h.Items = itemsOf(r, h)
	if h.CallNumber == "" {
		for _, it := range h.Items {
			if it.CallNumber != "" {
				h.CallNumber = it.CallNumber
				break
			}
		}
	}
	if h.CallNumber == "" {
		h.CallNumber = classCallNumber(r)
	}
	if h.Location == "" && h.Branch == "" && len(h.Items) > 0 {
		h.Location, h.Branch = h.Items[0].Location, h.Items[0].Branch
	}
	h.Coverage = coverageOf(r)
	return h
}

func mapIdentifiers(r *Record, h *Holding) {
	for _, f := range r.FieldsByTag("020") {
		for _, v := range f.SubfieldValues('a') {
			if isbn, ok := bibid.NormaliseISBN(v); ok {
				h.ISBNs = appendUnique(h.ISBNs, isbn)
			} else {
				h.Problems = append(h.Problems, "020 $a "+strconv.Quote(v)+": not a valid ISBN")
			}
		}
	}
	for _, f := range r.FieldsByTag("022") {
		for _, v := range f.SubfieldValues('a') {
			if issn, ok := bibid.NormaliseISSN(v); ok {
				h.ISSNs = appendUnique(h.ISSNs, issn)
			} else {
				h.Problems = append(h.Problems, "022 $a "+strconv.Quote(v)+": not a valid ISSN")
			}
		}
	}
	for _, f := range r.FieldsByTag("776") {
		for _, v := range f.SubfieldValues('x') {
			if issn, ok := bibid.NormaliseISSN(v); ok && !contains(h.ISSNs, issn) {
				h.OtherISSNs = appendUnique(h.OtherISSNs, issn)
			}
		}
	}
	if strings.EqualFold(h.IDOrg, "OCoLC") {
		if n, ok := bibid.NormaliseOCLC(h.ID); ok {
			h.OCLCNumbers = appendUnique(h.OCLCNumbers, n)
		}
	}
	for _, f := range r.FieldsByTag("035") {
		for _, v := range f.SubfieldValues('a') {
			if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), "(ocolc)") {
				continue
			}
			if n, ok := bibid.NormaliseOCLC(v); ok {
				h.OCLCNumbers = appendUnique(h.OCLCNumbers, n)
			}
		}
	}
	if f := r.Field("010"); f != nil {
		if v := f.Subfield('a'); v != "" {
			if lccn, ok := bibid.NormaliseLCCN(v); ok {
				h.LCCN = lccn
			} else {
				h.Problems = append(h.Problems, "010 $a "+strconv.Quote(v)+": not a valid LCCN")
			}
		}
	}
	for _, f := range r.FieldsByTag("024") {
		if f.Ind1 == '7' && strings.EqualFold(f.Subfield('2'), "doi") {
			if doi, ok := bibid.NormaliseDOI(f.Subfield('a')); ok {
				h.DOIs = appendUnique(h.DOIs, doi)
			}
		}
	}
}

func mapDescription(r *Record, h *Holding) {
	if f := r.Field("245"); f != nil {
		h.Title = CleanISBD(f.Join("abnp", " "))
	}
	for _, tag := range []string{"100", "110", "111", "700", "710", "711"} {
		if f := r.Field(tag); f != nil {
			codes := "abcq"
			if tag[1] != '0' { // corporate and meeting names
				codes = "ab"
			}
			h.Author = cleanName(f.Join(codes, " "))
			break
		}
	}
	if f := r.Field("250"); f != nil {
		h.Edition = cleanName(f.Subfield('a'))
	}
	imprint := imprintField(r)
	if imprint != nil {
		h.Publisher = cleanName(imprint.Subfield('b'))
		h.Place = cleanPlace(imprint.Subfield('a'))
	}
	f008 := r.Control("008")
	if len(f008) >= 11 {
		if y, err := strconv.Atoi(f008[7:11]); err == nil && y > 0 {
			h.Year = y
		}
	}
	if h.Year == 0 {
		for _, f := range append([]*Field{imprint}, r.FieldsByTag("260", "264")...) {
			if f == nil {
				continue
			}
			if y := yearIn(f.Subfield('c')); y > 0 {
				h.Year = y
				break
			}
		}
	}
	if len(f008) >= 38 {
		lang := strings.ToLower(strings.TrimSpace(f008[35:38]))
		if len(lang) == 3 && isLetters(lang) {
			h.Language = lang
		}
	}
	if h.Language == "" {
		if f := r.Field("041"); f != nil {
			h.Language = strings.ToLower(strings.TrimSpace(f.Subfield('a')))
		}
	}
	for _, tag := range []string{"050", "090"} {
		if f := r.Field(tag); f != nil && f.Subfield('a') != "" {
			h.LCClass = strings.TrimSpace(f.Subfield('a'))
			break
		}
	}
}

// imprintField picks 264 with second indicator 1 (publication), else 260,
// else the first 264.
func imprintField(r *Record) *Field {
	var first264 *Field
	for _, f := range r.FieldsByTag("264") {
		if f.Ind2 == '1' {
			return f
		}
		if first264 == nil {
			first264 = f
		}
	}
	if f := r.Field("260"); f != nil {
		return f
	}
	return first264
}

func mapLocation(r *Record, h *Holding) {
	if f := r.Field("852"); f != nil {
		h.Branch = strings.TrimSpace(f.Subfield('b'))
		h.Location = strings.TrimSpace(f.Subfield('c'))
		h.CallNumber = f.Join("khim", " ")
	}
}

// cleanPlace removes ISBD punctuation and the brackets of a supplied place;
// "[S.l.]" (sine loco) and RDA's "Place of publication not identified" give
// "".
func cleanPlace(s string) string {
	p := CleanISBD(strings.Trim(CleanISBD(s), "[]"))
	switch strings.ToLower(p) {
	case "s.l", "s. l", "place of publication not identified":
		return ""
	}
	return p
}

// classCallNumber builds a call number from the classification fields when
// no holdings field gives one.
func classCallNumber(r *Record) string {
	for _, tag := range []string{"050", "090", "099", "082", "092"} {
		if f := r.Field(tag); f != nil {
			codes := "ab"
			if tag == "082" {
				codes = "a"
			}
			if v := f.Join(codes, " "); v != "" {
				return v
			}
		}
	}
	return ""
}

// CleanISBD removes the trailing ISBD punctuation that MARC subfields carry
// (" /", " :", " ;", " =", ",", "."), keeping an ellipsis.
func CleanISBD(s string) string {
	s = strings.TrimSpace(s)
	for s != "" {
		last := s[len(s)-1]
		if strings.HasSuffix(s, "...") {
			break
		}
		if !strings.ContainsRune("/:;=,.", rune(last)) {
			break
		}
		s = strings.TrimSpace(s[:len(s)-1])
	}
	return s
}

// cleanName is CleanISBD that keeps the full stop of an initial or a short
// abbreviation ("Smith, J.", "2nd ed.", "Wiley & Sons, Inc.").
func cleanName(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, " /:;=,")
	if strings.HasSuffix(s, ".") {
		word := s[:len(s)-1]
		if i := strings.LastIndexAny(word, " ,"); i >= 0 {
			word = word[i+1:]
		}
		if len([]rune(word)) <= 4 && word != "" && !isDigitsOnly(word) {
			return s
		}
	}
	return CleanISBD(s)
}

// yearIn returns the first four-digit year (1000-2999) in an imprint date
// such as "c2002.", "[2002?]" or "©2021".
func yearIn(s string) int {
	for i := 0; i+4 <= len(s); i++ {
		if (s[i] == '1' || s[i] == '2') && isDigitsOnly(s[i:i+4]) && (i+4 == len(s) || s[i+4] < '0' || s[i+4] > '9') && (i == 0 || s[i-1] < '0' || s[i-1] > '9') {
			y, _ := strconv.Atoi(s[i : i+4])
			return y
		}
	}
	return 0
}

func isDigitsOnly(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

func appendUnique(list []string, v string) []string {
	if contains(list, v) {
		return list
	}
	return append(list, v)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
