package marc

import (
	_ "embed"
	"strconv"
	"strings"
	"sync"
)

// marc8TSV is the Library of Congress MARC-8 code table; see its header for
// the source and columns.
//
//go:embed marc8.tsv
var marc8TSV string

// Final characters of the MARC-8 escape sequences that designate each set.
const (
	setASCII       = 0x42 // B
	setANSEL       = 0x45 // E
	setGreek       = 0x53 // S
	setCyrillic    = 0x4E // N
	setExtCyrillic = 0x51 // Q
	setHebrew      = 0x32 // 2
	setArabic      = 0x33 // 3
	setExtArabic   = 0x34 // 4
	setCJK         = 0x31 // 1 (EACC, multibyte)
	setGreekSymbol = 0x67 // g (technique 1)
	setSubscript   = 0x62 // b (technique 1)
	setSuperscript = 0x70 // p (technique 1)
)

// charEntry is one mapped character: the code point plus whether it is a
// combining mark (which precedes its base in MARC-8).
type charEntry struct {
	r     rune
	comb  bool
	valid bool
}

// marc8Tables holds the parsed code tables: single-byte sets indexed by the
// set's final character then the code, and the EACC set keyed by its three
// bytes.
type marc8Tables struct {
	single [256]*[256]charEntry
	cjk    map[uint32]charEntry
}

var (
	tablesOnce sync.Once
	tables     *marc8Tables
)

// loadTables parses marc8.tsv once.
func loadTables() *marc8Tables {
	tablesOnce.Do(func() {
		t := &marc8Tables{cjk: make(map[uint32]charEntry, 16000)}
		for line := range strings.SplitSeq(marc8TSV, "\n") {
			if line == "" || line[0] == '#' {
				continue
			}
			cols := strings.SplitN(line, "\t", 5)
			if len(cols) < 4 {
				continue
			}
			set, err1 := strconv.ParseUint(cols[0], 16, 8)
			code, err2 := strconv.ParseUint(cols[1], 16, 32)
			ucs, err3 := strconv.ParseUint(cols[2], 16, 32)
			if err1 != nil || err2 != nil || err3 != nil {
				panic("marc: corrupt marc8.tsv line: " + line)
			}
			e := charEntry{r: rune(ucs), comb: cols[3] == "1", valid: true}
			if len(cols[1]) == 6 {
				t.cjk[uint32(code)] = e
				continue
			}
			tab := t.single[byte(set)]
			if tab == nil {
				tab = new([256]charEntry)
				t.single[byte(set)] = tab
			}
			tab[byte(code)] = e
		}
		tables = t
	})
	return tables
}
