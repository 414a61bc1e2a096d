// Package marcgen writes synthetic MARC 21 records in ISO 2709 for load
// tests and benchmarks: realistic field layout, items in the layouts real
// catalogs use (Koha 952, MARC 876, local 949), serials with 866 holdings,
// non-ASCII titles, MARC-8 records with ANSEL diacritics and a few
// deliberately broken records. Output is deterministic for a seed.
package marcgen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"interlend/internal/marc"
)

// Options sets the mix of records. Rates are fractions of all records.
type Options struct {
	SerialRate   float64 // serials (leader/07 s) with 022 and 866
	NonASCIIRate float64 // UTF-8 titles with accents, Cyrillic, Greek or CJK
	MARC8Rate    float64 // records in MARC-8 (leader/09 blank) with ANSEL diacritics
	BrokenRate   float64 // records with a wrong leader length or a broken directory
	MinItems     int     // items per record, at least 1
	MaxItems     int
}

// DefaultOptions is the mix the load tests use: 1-20 items per record, 10%
// serials, 5% non-ASCII titles, 1% MARC-8, 0.1% broken.
func DefaultOptions() Options {
	return Options{SerialRate: 0.10, NonASCIIRate: 0.05, MARC8Rate: 0.01, BrokenRate: 0.001, MinItems: 1, MaxItems: 20}
}

// Stats counts what Generate wrote.
type Stats struct {
	Records  int
	Serials  int
	NonASCII int
	MARC8    int
	Broken   int
	Items    int
	Bytes    int64
}

// Generate writes n records to w. The same seed and options give the same
// bytes.
func Generate(w io.Writer, n int, seed int64, opts Options) (Stats, error) {
	g := &generator{rng: newRand(seed), opts: opts}
	if g.opts.MinItems < 1 {
		g.opts.MinItems = 1
	}
	if g.opts.MaxItems < g.opts.MinItems {
		g.opts.MaxItems = g.opts.MinItems
	}
	bw := bufio.NewWriterSize(w, 256*1024)
	var st Stats
	var buf []byte
	for i := 0; i < n; i++ {
		rec, kind := g.record(i + 1)
		var err error
		buf, err = marc.AppendISO2709(buf[:0], rec)
		if err != nil {
			return st, fmt.Errorf("marcgen: record %d: %w", i+1, err)
		}
		if g.rng.Float64() < g.opts.BrokenRate {
			g.breakRecord(buf)
			st.Broken++
		}
		if _, err := bw.Write(buf); err != nil {
			return st, fmt.Errorf("marcgen: write: %w", err)
		}
		st.Records++
		st.Bytes += int64(len(buf))
		st.Items += kind.items
		if kind.serial {
			st.Serials++
		}
		if kind.nonASCII {
			st.NonASCII++
		}
		if kind.marc8 {
			st.MARC8++
		}
	}
	if err := bw.Flush(); err != nil {
		return st, fmt.Errorf("marcgen: write: %w", err)
	}
	return st, nil
}

type generator struct {
	rng  *rand.Rand
	opts Options
}

type recordKind struct {
	serial, nonASCII, marc8 bool
	items                   int
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// breakRecord damages an encoded record in one of the two ways real files
// are damaged: a leader length that does not match, or a directory entry
// that is not numeric.
func (g *generator) breakRecord(b []byte) {
	if g.rng.IntN(2) == 0 {
		copy(b[0:5], fmt.Sprintf("%05d", len(b)+g.rng.IntN(50)+1))
		return
	}
	b[24+3+g.rng.IntN(9)] = 'x'
}

func (g *generator) record(n int) (*marc.Record, recordKind) {
	var k recordKind
	k.serial = g.rng.Float64() < g.opts.SerialRate
	k.marc8 = g.rng.Float64() < g.opts.MARC8Rate
	k.nonASCII = !k.marc8 && g.rng.Float64() < g.opts.NonASCIIRate
	year := 1950 + g.rng.IntN(75)
	r := marc.NewRecord()
	switch {
	case k.serial:
		r.Leader = "00000cas a2200000 i 4500"
	default:
		r.Leader = "00000cam a2200000 i 4500"
	}
	if k.marc8 {
		r.Leader = r.Leader[:9] + " " + r.Leader[10:]
	}
	id := fmt.Sprintf("gen%08d", n)
	r.AddControl("001", id)
	r.AddControl("003", "US-GEN")
	r.AddControl("005", fmt.Sprintf("%04d%02d%02d120000.0", 2000+g.rng.IntN(25), 1+g.rng.IntN(12), 1+g.rng.IntN(28)))
	lang := g.pick([]string{"eng", "eng", "eng", "ger", "fre", "spa", "rus", "jpn"})
	if k.serial {
		r.AddControl("008", fmt.Sprintf("940301c%04d9999xxuuu p       0    0%s d", year, lang))
	} else {
		r.AddControl("008", fmt.Sprintf("021015s%04d    xxu      b    001 0 %s d", year, lang))
	}
	if k.serial {
		r.AddField("022", '0', ' ', 'a', issn(g.rng))
	} else {
		r.AddField("020", ' ', ' ', 'a', isbn13(g.rng), 'q', g.pick([]string{"hardcover", "paperback", "ebook"}))
		if g.rng.IntN(4) == 0 {
			r.AddField("020", ' ', ' ', 'z', isbn13(g.rng))
		}
	}
	r.AddField("035", ' ', ' ', 'a', fmt.Sprintf("(OCoLC)%d", 1000000+g.rng.IntN(900000000)))
	r.AddField("040", ' ', ' ', 'a', "US-GEN", 'b', "eng", 'e', "rda", 'c', "US-GEN")
	class := g.pick(lcClasses)
	classNo := fmt.Sprintf("%s%d", class, 1+g.rng.IntN(9000))
	item := fmt.Sprintf(".%c%d %d", 'A'+rune(g.rng.IntN(26)), 10+g.rng.IntN(89), year)
	callNo := classNo + " " + item
	r.AddField("050", '0', '0', 'a', classNo, 'b', item)
	title := g.title()
	author := g.pick(surnames) + ", " + g.pick(forenames)
	switch {
	case k.marc8:
		title, author = g.accentedTitle(), g.pick(accentedSurnames)+", "+g.pick(forenames)
		title, author = encodeMARC8(title), encodeMARC8(author)
	case k.nonASCII:
		title = g.pick(nonASCIITitles)
	}
	if !k.serial {
		r.AddField("100", '1', ' ', 'a', author+",", 'e', "author.")
	}
	sub := g.pick([]string{"", "", "a study", "essays", "an introduction", "selected papers"})
	if sub != "" {
		r.AddField("245", '1', '0', 'a', title+" :", 'b', sub+" /", 'c', "edited by "+g.pick(forenames)+" "+g.pick(surnames)+".")
	} else {
		r.AddField("245", '1', '0', 'a', title+" /", 'c', g.pick(forenames)+" "+g.pick(surnames)+".")
	}
	if !k.serial && g.rng.IntN(3) == 0 {
		r.AddField("250", ' ', ' ', 'a', fmt.Sprintf("%d%s edition.", 2+g.rng.IntN(5), "th"))
	}
	r.AddField("264", ' ', '1', 'a', g.pick(places)+" :", 'b', g.pick(publishers)+",", 'c', fmt.Sprintf("%d.", year))
	r.AddField("300", ' ', ' ', 'a', fmt.Sprintf("xii, %d pages ;", 50+g.rng.IntN(800)), 'c', "24 cm")
	for range 1 + g.rng.IntN(3) {
		r.AddField("650", ' ', '0', 'a', g.pick(subjects), 'x', g.pick([]string{"History.", "Research.", "Periodicals.", "Study and teaching."}))
	}
	branch := g.pick([]string{"MAIN", "EAST", "LAW", "MED", "SCI"})
	r.AddField("852", '0', ' ', 'a', "US-GEN", 'b', branch, 'c', g.pick([]string{"STACKS", "REF", "PER", "RESERVE"}), 'h', classNo, 'i', item)
	if k.serial {
		first := 1 + g.rng.IntN(30)
		startYear := year
		if g.rng.IntN(2) == 0 {
			r.AddField("866", ' ', '0', '8', "0", 'a', fmt.Sprintf("v.%d(%d)-", first, startYear))
		} else {
			span := 1 + g.rng.IntN(20)
			r.AddField("866", ' ', '0', '8', "0", 'a', fmt.Sprintf("v.%d(%d)-v.%d(%d)", first, startYear, first+span, startYear+span))
		}
	}
	k.items = g.opts.MinItems + g.rng.IntN(g.opts.MaxItems-g.opts.MinItems+1)
	layout := g.rng.IntN(3)
	for i := range k.items {
		barcode := fmt.Sprintf("3901%010d", n*100+i)
		switch layout {
		case 0: // Koha
			notForLoan := "0"
			if g.rng.IntN(10) == 0 {
				notForLoan = "1"
			}
			f := []any{'a', branch, 'b', branch, 'c', "GEN", 'o', callNo, 'p', barcode, '7', notForLoan, 'y', "BK"}
			if g.rng.IntN(5) == 0 {
				f = append(f, 'q', fmt.Sprintf("2025-%02d-%02d", 1+g.rng.IntN(12), 1+g.rng.IntN(28)))
			}
			r.AddField("952", ' ', ' ', f...)
		case 1: // MARC 876
			status := g.pick([]string{"Available", "Available", "Available", "Checked out", "Missing", "Library use only"})
			r.AddField("876", ' ', ' ', 'a', fmt.Sprintf("i%d", n*100+i), 'j', status, 'p', barcode)
		default: // local 949
			r.AddField("949", ' ', ' ', 'a', callNo, 'i', barcode, 'l', "STACKS", 'm', branch, 's', g.pick([]string{"Available", "Checked out", "Missing"}))
		}
	}
	return r, k
}

func (g *generator) title() string {
	words := make([]string, 2+g.rng.IntN(5))
	for i := range words {
		words[i] = g.pick(titleWords)
	}
	t := strings.Join(words, " ")
	return strings.ToUpper(t[:1]) + t[1:]
}

func (g *generator) accentedTitle() string {
	words := make([]string, 2+g.rng.IntN(4))
	for i := range words {
		if i%2 == 0 {
			words[i] = g.pick(accentedWords)
		} else {
			words[i] = g.pick(titleWords)
		}
	}
	t := strings.Join(words, " ")
	return strings.ToUpper(t[:1]) + t[1:]
}
