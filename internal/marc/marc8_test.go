package marc

import (
	"strings"
	"testing"
)

func TestDecodeMARC8(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"ascii passes through", "Silent spring /", "Silent spring /"},
		{"acute moves after its base and composes", "\xE2Ecole", "École"},
		{"umlaut", "Bj\xE8ork", "Björk"},
		{"two marks on one letter", "Vi\xF2\xE3et Nam", "Việt Nam"},
		{"cedilla", "Fran\xF0cais", "Français"},
		{"ANSEL spacing letters", "\xB1\xF2od\xBAz \xA2rsted \xC7", "łọdðz Ørsted ß"},
		{"ligature spans two letters", "\xEBt\xECs", "t\u0361s"},
		{"double tilde spans two letters", "\xFAn\xFBg", "n\u0360g"},
		{"Cyrillic", "\x1b(N\x6d\x4f\x53\x4b\x57\x41\x1b(B 1990", "Москва 1990"},
		{"Cyrillic in G1", "\x1b)NMoskva \xed\xcf", "Moskva Мо"},
		{"Greek", "\x1b(S\x61\x62\x64\x1b(B", "αβγ"},
		{"Hebrew", "\x1b(2\x60\x61\x1b(B", "אב"},
		{"Arabic", "\x1b(3\x47\x48\x1b(B", "اب"},
		{"subscript", "H\x1bb2\x1bsO", "H₂O"},
		{"superscript", "E=mc\x1bp2\x1bs", "E=mc²"},
		{"Greek symbols", "\x1bga\x1bs-particle", "α-particle"},
		{"EACC", "\x1b$1\x21\x30\x21\x21\x30\x22\x1b(B!", "一丁!"},
		{"EACC with space", "\x1b$1\x21\x30\x21 \x21\x30\x22\x1b(B", "一 丁"},
		{"ANSEL redesignated with !E", "\x1b)!E\xE2e", "é"},
		{"non-sort marks", "\x88The\x89 end", "\u0098The\u009c end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, probs := DecodeMARC8(tt.in)
			if got != tt.want {
				t.Errorf("DecodeMARC8(%q) = %q (%U), want %q (%U)", tt.in, got, []rune(got), tt.want, []rune(tt.want))
			}
			if len(probs) != 0 {
				t.Errorf("DecodeMARC8(%q) problems = %v, want none", tt.in, probs)
			}
		})
	}
}

func TestDecodeMARC8Problems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		in         string
		want       string
		wantOffset []int
	}{
		{"0xFF", "ab\xFFcd", "ab\uFFFDcd", []int{2}},
		{"unassigned ANSEL", "x\xAFy", "x\uFFFDy", []int{1}},
		{"unknown EACC code", "\x1b$1\x7e\x7e\x7e\x1b(Bok", "\uFFFDok", []int{3}},
		{"truncated EACC", "\x1b$1\x21\x30", "\uFFFD", []int{3}},
		{"unknown escape", "a\x1b(Zb", "a\uFFFDb", []int{1}},
		{"mark without a base", "abc\xE2", "abc", []int{3}},
		{"two bad bytes, rest decoded", "\xFF\xE2e\x7F", "\uFFFDé\uFFFD", []int{0, 3}},
	}
	for _, tt := range tests {
		got, probs := DecodeMARC8(tt.in)
		if got != tt.want {
			t.Errorf("%s: DecodeMARC8(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
		var offs []int
		for _, p := range probs {
			offs = append(offs, p.Offset)
			if p.Msg == "" {
				t.Errorf("%s: problem at %d has no message", tt.name, p.Offset)
			}
		}
		if len(offs) != len(tt.wantOffset) {
			t.Errorf("%s: problem offsets = %v, want %v", tt.name, offs, tt.wantOffset)
			continue
		}
		for i := range offs {
			if offs[i] != tt.wantOffset[i] {
				t.Errorf("%s: problem offsets = %v, want %v", tt.name, offs, tt.wantOffset)
			}
		}
	}
}

func TestMARC8TableCoverage(t *testing.T) {
	t.Parallel()
	tab := loadTables()
	// Counts of the Library of Congress code tables, so a truncated or
	// re-sorted marc8.tsv is caught.
	want := map[byte]int{setASCII: 99, setANSEL: 69, setGreek: 73, setCyrillic: 94, setExtCyrillic: 42,
		setHebrew: 78, setArabic: 83, setExtArabic: 92, setGreekSymbol: 3, setSubscript: 14, setSuperscript: 14}
	for set, n := range want {
		got := 0
		for _, e := range tab.single[set] {
			if e.valid {
				got++
			}
		}
		if got != n {
			t.Errorf("set %q has %d characters, want %d", set, got, n)
		}
	}
	if got := len(tab.cjk); got != 15745 {
		t.Errorf("EACC has %d characters, want 15745", got)
	}
	if !strings.Contains(marc8TSV, "Library of Congress") {
		t.Error("marc8.tsv lost its source note")
	}
}

func BenchmarkDecodeMARC8(b *testing.B) {
	in := "Les mis\xE2erables / Victor Hugo ; traduit par Fran\xF0cois \xE8Ubel, \x1b(NMOSKVA\x1b(B"
	b.SetBytes(int64(len(in)))
	loadTables()
	for b.Loop() {
		DecodeMARC8(in)
	}
}
