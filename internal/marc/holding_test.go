package marc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestToHoldingExamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want Holding
	}{
		{"marc-book.xml", Holding{
			ID: "1234567", IDOrg: "US-EXSUP",
			ISBNs: []string{"9780618249060"}, OCLCNumbers: []string{"49593382"},
			Title: "Silent spring", Author: "Carson, Rachel", Edition: "40th anniversary edition",
			Publisher: "Houghton Mifflin", Place: "Boston", Year: 2002, Language: "eng",
			Format: FormatBook, CallNumber: "QH545.P4 C38 2002", Branch: "MAIN",
			Items: []Item{{Barcode: "39012004567891", CallNumber: "QH545.P4 C38 2002", Branch: "MAIN", Lendable: true, Tag: "852"}},
		}},
		{"marc-journal.xml", Holding{
			ID: "2345678", IDOrg: "US-EXSUP",
			ISSNs: []string{"1072-303X"}, OtherISSNs: []string{"1540-3572"},
			Title:     "Journal of interlibrary loan, document delivery & electronic reserve",
			Publisher: "Taylor & Francis", Place: "Philadelphia, PA", Year: 1990, Language: "eng",
			Format: FormatSerial, CallNumber: "Z713", Branch: "PER",
			Coverage: Coverage{Statements: []string{"v.20 (2010)-"}, Ranges: []Range{{StartYear: 2010, StartVolume: 20, Open: true}}},
		}},
		{"marc-thesis.xml", Holding{
			ID: "3456789", IDOrg: "US-EXREQ",
			Title:  "Interlibrary loan turnaround in consortial networks : a quantitative study",
			Author: "Raman, Priya", Place: "Springfield, Illinois", Year: 2021, Language: "eng",
			Format: FormatThesis,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			got := ToHolding(readExample(t, tt.file))
			if diff := cmp.Diff(&tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ToHolding mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestToHoldingJournalCoverage(t *testing.T) {
	t.Parallel()
	h := ToHolding(readExample(t, "marc-journal.xml"))
	tests := []struct {
		year, volume int
		want         bool
	}{
		{2024, 34, true},
		{2010, 20, true},
		{2009, 19, false},
		{2023, 0, true},
		{0, 25, true},
	}
	for _, tt := range tests {
		if got := h.Coverage.Covers(tt.year, tt.volume); got != tt.want {
			t.Errorf("journal Covers(%d, %d) = %v, want %v", tt.year, tt.volume, got, tt.want)
		}
	}
}

func TestToHoldingIdentifiersAndItems(t *testing.T) {
	t.Parallel()
	r := NewRecord()
	r.Leader = "00000cam a2200000 a 4500"
	r.AddControl("001", "ocm00012345")
	r.AddControl("003", "OCoLC")
	r.AddControl("008", "850101s19uu    nyu           000 0 ger d")
	r.AddField("010", ' ', ' ', 'a', "   85-2 ")
	r.AddField("020", ' ', ' ', 'a', "0618249060 (pbk.)", 'z', "9780000000001")
	r.AddField("020", ' ', ' ', 'a', "978-0-618-24906-0")
	r.AddField("020", ' ', ' ', 'a', "0618249061")
	r.AddField("024", '7', ' ', 'a', "10.1000/XYZ", '2', "doi")
	r.AddField("035", ' ', ' ', 'a', "(OCoLC)ocm00012345")
	r.AddField("035", ' ', ' ', 'a', "(OCoLC)99999")
	r.AddField("035", ' ', ' ', 'a', "(DLC)   85000002")
	r.AddField("050", '0', '0', 'a', "PT2603.E455", 'b', "Z3")
	r.AddField("110", '2', ' ', 'a', "Deutsche Bibliothek.", 'b', "Abteilung X.")
	r.AddField("245", '1', '4', 'a', "Die Blechtrommel :", 'b', "Roman /", 'c', "G. Grass.")
	r.AddField("260", ' ', ' ', 'a', "[Berlin] :", 'b', "Luchterhand,", 'c', "c1959.")
	r.AddField("952", ' ', ' ', 'a', "CPL", 'b', "MPL", 'c', "GEN", 'o', "PT 2613 G7", 'p', "3900001", '7', "0")
	r.AddField("952", ' ', ' ', 'a', "CPL", 'c', "REF", 'o', "PT 2613 G7", 'p', "3900002", '7', "1")
	r.AddField("952", ' ', ' ', 'a', "CPL", 'p', "3900003", '1', "2")
	r.AddField("952", ' ', ' ', 'a', "CPL", 'p', "3900004", 'q', "2025-04-01")
	r.AddField("876", ' ', ' ', 'p', "4000001", 'j', "Missing")
	r.AddField("876", ' ', ' ', 'p', "4000002", 'h', "Library use only")
	r.AddField("876", ' ', ' ', 'p', "4000003", 'j', "Available")
	r.AddField("949", ' ', ' ', 'a', "PT2613 .G7", 'i', "5000001", 'l', "STACKS", 'm', "LAW", 's', "Checked out")
	r.AddField("949", ' ', ' ', 'a', "PT2613 .G7", 'l', "STACKS") // no barcode: not an item
	h := ToHolding(r)

	want := Holding{
		ID: "ocm00012345", IDOrg: "OCoLC",
		ISBNs: []string{"9780618249060"}, OCLCNumbers: []string{"12345", "99999"}, LCCN: "85000002",
		DOIs:  []string{"10.1000/xyz"},
		Title: "Die Blechtrommel : Roman", Author: "Deutsche Bibliothek. Abteilung X.",
		Publisher: "Luchterhand", Place: "Berlin", Year: 1959, Language: "ger",
		Format: FormatBook, LCClass: "PT2603.E455", CallNumber: "PT 2613 G7", Location: "GEN", Branch: "MPL",
		Problems: []string{`020 $a "0618249061": not a valid ISBN`},
		Items: []Item{
			{Barcode: "3900001", CallNumber: "PT 2613 G7", Location: "GEN", Branch: "MPL", Status: "available", Lendable: true, Tag: "952"},
			{Barcode: "3900002", CallNumber: "PT 2613 G7", Location: "REF", Branch: "CPL", Status: "not for loan (1)", Tag: "952"},
			{Barcode: "3900003", Branch: "CPL", Status: "lost (2)", Tag: "952"},
			{Barcode: "3900004", Branch: "CPL", Status: "on loan until 2025-04-01", Lendable: true, OnLoan: true, Tag: "952"},
			{Barcode: "4000001", Status: "Missing", Tag: "876"},
			{Barcode: "4000002", Status: "Library use only", Tag: "876"},
			{Barcode: "4000003", Status: "Available", Lendable: true, Tag: "876"},
			{Barcode: "5000001", CallNumber: "PT2613 .G7", Location: "STACKS", Branch: "LAW", Status: "Checked out", Lendable: true, OnLoan: true, Tag: "949"},
		},
	}
	if diff := cmp.Diff(&want, h, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("ToHolding mismatch (-want +got):\n%s", diff)
	}
	if got := len(h.LendableItems()); got != 4 {
		t.Errorf("LendableItems = %d, want 4", got)
	}
	if got := len(h.AvailableItems()); got != 2 {
		t.Errorf("AvailableItems = %d, want 2", got)
	}
	if got := h.SystemNumber(); got != "(OCoLC)ocm00012345" {
		t.Errorf("SystemNumber = %q", got)
	}
}

func TestFormatOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		leader string
		f008   string
		has502 bool
		want   Format
	}{
		{"00000nam a2200000 i 4500", "", false, FormatBook},
		{"00000nas a2200000 i 4500", "", false, FormatSerial},
		{"00000nai a2200000 i 4500", "", false, FormatSerial},
		{"00000naa a2200000 i 4500", "", false, FormatArticle},
		{"00000nab a2200000 i 4500", "", false, FormatArticle},
		{"00000nam a2200000 i 4500", "", true, FormatThesis},
		{"00000nam a2200000 i 4500", "220301s2021    ilua     bm   000 0 eng d", false, FormatThesis},
		{"00000ntm a2200000 i 4500", "", true, FormatThesis},
		{"00000ntm a2200000 i 4500", "", false, FormatManuscript},
		{"00000nem a2200000 i 4500", "", false, FormatMap},
		{"00000ncm a2200000 i 4500", "", false, FormatScore},
		{"00000njm a2200000 i 4500", "", false, FormatMusic},
		{"00000nim a2200000 i 4500", "", false, FormatAudio},
		{"00000ngm a2200000 i 4500", "", false, FormatVideo},
		{"00000nmm a2200000 i 4500", "", false, FormatComputer},
		{"00000nkm a2200000 i 4500", "", false, FormatImage},
		{"00000nrm a2200000 i 4500", "", false, FormatObject},
		{"00000nom a2200000 i 4500", "", false, FormatKit},
		{"00000npc a2200000 i 4500", "", false, FormatMixed},
		{"", "", false, FormatUnknown},
	}
	for _, tt := range tests {
		r := &Record{Leader: tt.leader}
		if tt.f008 != "" {
			r.AddControl("008", tt.f008)
		}
		if tt.has502 {
			r.AddField("502", ' ', ' ', 'a', "Thesis (Ph.D.)")
		}
		if got := FormatOf(r); got != tt.want {
			t.Errorf("FormatOf(leader %q, 008 %q, 502 %v) = %q, want %q", tt.leader, tt.f008, tt.has502, got, tt.want)
		}
	}
}

func TestCleanISBD(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want, name string }{
		{"Silent spring /", "Silent spring", "Silent spring"},
		{"Boston :", "Boston", "Boston"},
		{"Houghton Mifflin,", "Houghton Mifflin", "Houghton Mifflin"},
		{"Title ; subtitle =", "Title ; subtitle", "Title ; subtitle"},
		{"Waiting for...", "Waiting for...", "Waiting for..."},
		{"2nd ed.", "2nd ed", "2nd ed."},
		{"Smith, J.", "Smith, J", "Smith, J."},
		{"Wiley & Sons, Inc.", "Wiley & Sons, Inc", "Wiley & Sons, Inc."},
		{"Carson, Rachel,", "Carson, Rachel", "Carson, Rachel"},
		{"40th anniversary edition.", "40th anniversary edition", "40th anniversary edition"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := CleanISBD(tt.in); got != tt.want {
			t.Errorf("CleanISBD(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := cleanName(tt.in); got != tt.name {
			t.Errorf("cleanName(%q) = %q, want %q", tt.in, got, tt.name)
		}
	}
}
