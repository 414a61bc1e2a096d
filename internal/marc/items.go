package marc

import "strings"

// Item is one physical copy.
type Item struct {
	Barcode    string
	CallNumber string
	Location   string // shelving location
	Branch     string // library or branch holding it
	Status     string // as the catalog gave it, or a description of the codes
	Lendable   bool   // may circulate (not reference, lost, withdrawn...)
	OnLoan     bool   // lendable but checked out now
	Tag        string // the field it came from: 852, 876, 949, 952
}

// itemsOf collects items from the item fields in common use:
//
//   - 876 (MARC holdings, item information): $p barcode, $j status,
//     $h use restrictions, $l temporary location;
//   - 852 with $p: one item per holdings field;
//   - 952 (Koha): $p barcode, $o call number, $a home and $b holding
//     branch, $c shelving location, $7 not for loan, $1 lost, $0
//     withdrawn, $4 damaged, $q due date when on loan;
//   - 949 (local, SirsiDynix and Innovative import layouts): $i barcode
//     (else $p), $a call number, $l location, $m library, $s status.
func itemsOf(r *Record, h *Holding) []Item {
	var items []Item
	for _, f := range r.FieldsByTag("852", "876", "949", "952") {
		var it Item
		switch f.Tag {
		case "852":
			it = Item{Barcode: f.Subfield('p'), CallNumber: f.Join("khim", " "), Location: f.Subfield('c'), Branch: f.Subfield('b')}
			it.Status = f.Subfield('z')
			it.Lendable = lendableStatus(it.Status)
		case "876":
			it = Item{Barcode: f.Subfield('p'), Location: f.Subfield('l'), Branch: h.Branch, CallNumber: h.CallNumber}
			it.Status = strings.TrimSpace(strings.Join(nonEmpty(f.Subfield('j'), f.Subfield('h')), "; "))
			it.Lendable = lendableStatus(it.Status)
			it.OnLoan = onLoanStatus(f.Subfield('j'))
		case "952":
			it = kohaItem(f)
		case "949":
			it = Item{Barcode: f.Subfield('i'), CallNumber: f.Subfield('a'), Location: f.Subfield('l'), Branch: f.Subfield('m'), Status: f.Subfield('s')}
			if it.Barcode == "" {
				it.Barcode = f.Subfield('p')
			}
			it.Lendable = lendableStatus(it.Status)
			it.OnLoan = onLoanStatus(it.Status)
		}
		it.Barcode = strings.TrimSpace(it.Barcode)
		if it.Barcode == "" {
			continue // a holdings statement, not an item
		}
		it.Tag = f.Tag
		it.CallNumber = strings.TrimSpace(it.CallNumber)
		it.Location = strings.TrimSpace(it.Location)
		it.Branch = strings.TrimSpace(it.Branch)
		items = append(items, it)
	}
	return items
}

// kohaItem reads Koha's 952 item field. Koha's numeric codes: $7 not for
// loan (0 or empty means loanable, negative values such as -1 "ordered" and
// positive ones mean not), $1 lost, $0 withdrawn and $4 damaged (0 or empty
// means not).
func kohaItem(f *Field) Item {
	it := Item{Barcode: f.Subfield('p'), CallNumber: f.Subfield('o'), Location: f.Subfield('c'), Branch: f.Subfield('b')}
	if it.Branch == "" {
		it.Branch = f.Subfield('a')
	}
	var reasons []string
	for _, c := range []struct {
		code byte
		name string
	}{{'7', "not for loan"}, {'1', "lost"}, {'0', "withdrawn"}, {'4', "damaged"}} {
		if v := strings.TrimSpace(f.Subfield(c.code)); v != "" && v != "0" {
			reasons = append(reasons, c.name+" ("+v+")")
		}
	}
	it.Lendable = len(reasons) == 0
	if due := strings.TrimSpace(f.Subfield('q')); due != "" {
		it.OnLoan = true
		reasons = append(reasons, "on loan until "+due)
	}
	if len(reasons) == 0 {
		it.Status = "available"
	} else {
		it.Status = strings.Join(reasons, "; ")
	}
	return it
}

// notLendableWords mark statuses and restrictions that keep an item from
// being lent.
var notLendableWords = []string{
	"not for loan", "notforloan", "non-circ", "noncirc", "non circ", "no loan", "non-loan",
	"library use", "in-library", "in library use", "reference", "ref only", "restricted",
	"lost", "missing", "withdrawn", "discard", "damaged", "repair", "bindery",
	"nicht ausleihbar", "präsenz", "exclu du prêt",
}

// lendableStatus guesses from a free-text status or restriction whether an
// item circulates; an empty status is lendable.
func lendableStatus(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, w := range notLendableWords {
		if strings.Contains(s, w) {
			return false
		}
	}
	return true
}

func onLoanStatus(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "checked out") || strings.Contains(s, "on loan") || strings.Contains(s, "due ") || s == "due" || strings.Contains(s, "charged")
}

func nonEmpty(vals ...string) []string {
	var out []string
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
