package pdf

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustFonts(t *testing.T) *fontSet {
	t.Helper()
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

type runText struct{ Family, Text string }

func TestRunsSplitByFont(t *testing.T) {
	t.Parallel()
	fs := mustFonts(t)
	tests := []struct {
		name string
		in   string
		fc   face
		want []runText
	}{
		{"latin only", "Library science", regular, []runText{{famGoRegular, "Library science"}}},
		{"chinese in latin", "Intro 图书馆学导论 vol. 2", regular, []runText{
			{famGoRegular, "Intro "}, {famCJK, "图书馆学导论 "}, {famGoRegular, "vol. 2"},
		}},
		{"cyrillic and greek stay in Go", "Библиотечное дело αβγ", bold, []runText{{famGoBold, "Библиотечное дело αβγ"}}},
		{"korean", "도서관 Library", regular, []runText{{famCJK, "도서관 "}, {famGoRegular, "Library"}}},
		{"controls dropped, tabs and newlines spaced", "a\tb\nc\x00d\u200be", regular, []runText{{famGoRegular, "a b cde"}}},
		{"unknown glyph replaced", "smile \U0001F600!", regular, []runText{{famGoRegular, "smile \uFFFD!"}}},
		{"invalid utf-8 replaced", "bad \xff byte", regular, []runText{{famGoRegular, "bad \uFFFD byte"}}},
		{"empty", "", regular, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []runText
			for _, r := range fs.runs(tt.fc, tt.in) {
				got = append(got, runText{r.font.family, r.text})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("runs(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestWidthAddsRuns(t *testing.T) {
	t.Parallel()
	fs := mustFonts(t)
	latin, cjk := fs.width(regular, 10, "Intro "), fs.width(regular, 10, "图书馆")
	if latin <= 0 || cjk <= 0 {
		t.Fatalf("width: latin %v, cjk %v: want both positive", latin, cjk)
	}
	if got, want := fs.width(regular, 10, "Intro 图书馆"), latin+cjk; abs(got-want) > 1e-9 {
		t.Errorf("width of mixed text = %v, want %v (sum of its runs)", got, want)
	}
	if got, want := fs.width(regular, 20, "Intro"), 2*fs.width(regular, 10, "Intro"); abs(got-want) > 1e-9 {
		t.Errorf("width at 20pt = %v, want twice the 10pt width %v", got, want)
	}
	// A CJK ideograph is a full em wide in Droid Sans Fallback.
	if got := fs.width(regular, 10, "图"); abs(got-10) > 0.5 {
		t.Errorf("width of one ideograph at 10pt = %v, want about 10", got)
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestWrap(t *testing.T) {
	t.Parallel()
	fs := mustFonts(t)
	tests := []struct {
		name     string
		in       string
		maxW     float64
		maxLines int
		want     []string
	}{
		{"fits", "Short title", 200, 0, []string{"Short title"}},
		{"breaks at spaces", "one two three four", fs.width(regular, 10, "three four") + 1, 0, []string{"one two", "three four"}},
		{"keeps newlines", "first\nsecond", 200, 0, []string{"first", "second"}},
		{"cjk breaks between characters", "图书馆学导论", fs.width(regular, 10, "图书馆") + 0.1, 0, []string{"图书馆", "学导论"}},
		{"cut to max lines", "one two three four five six", fs.width(regular, 10, "one two") + 1, 2, []string{"one two", "three…"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fs.wrap(regular, 10, tt.in, tt.maxW, tt.maxLines)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("wrap(%q, %.1f, %d) mismatch (-want +got):\n%s", tt.in, tt.maxW, tt.maxLines, diff)
			}
			for _, line := range got {
				if w := fs.width(regular, 10, line); w > tt.maxW {
					t.Errorf("line %q is %.1f wide, more than %.1f", line, w, tt.maxW)
				}
			}
		})
	}
}

func TestWrapBreaksLongWord(t *testing.T) {
	t.Parallel()
	fs := mustFonts(t)
	word := "Donaudampfschifffahrtsgesellschaft"
	maxW := fs.width(regular, 10, "Donau") + 0.1
	got := fs.wrap(regular, 10, word, maxW, 0)
	if len(got) < 4 || strings.Join(got, "") != word {
		t.Fatalf("wrap(%q) = %q: want several pieces that join back to the word", word, got)
	}
	for _, line := range got {
		if line == "" || fs.width(regular, 10, line) > maxW {
			t.Errorf("piece %q: want non-empty and at most %.1f wide", line, maxW)
		}
	}
}

func TestFit(t *testing.T) {
	t.Parallel()
	fs := mustFonts(t)
	s := "QA76.73 .G63 D66 2016 copy 2"
	if got := fs.fit(bold, 12, s, 1000); got != s {
		t.Errorf("fit with room = %q, want it unchanged", got)
	}
	maxW := fs.width(bold, 12, s) / 2
	got := fs.fit(bold, 12, s, maxW)
	if !strings.HasSuffix(got, ellipsis) || !strings.HasPrefix(s, strings.TrimSuffix(got, ellipsis)) {
		t.Errorf("fit to half = %q, want a prefix of %q and an ellipsis", got, s)
	}
	if w := fs.width(bold, 12, got); w > maxW {
		t.Errorf("fit result %q is %.1f wide, more than %.1f", got, w, maxW)
	}
	maxW = fs.width(bold, 12, s) * 0.8
	size := fs.fitSize(bold, s, 24, 8, maxW)
	if size >= 12 || fs.width(bold, size, s) > maxW || fs.width(bold, size+0.5, s) <= maxW {
		t.Errorf("fitSize = %v: want the largest half-point size that fits %.1f", size, maxW)
	}
	if got := fs.fitSize(bold, s, 24, 8, 1); got != 8 {
		t.Errorf("fitSize with no room = %v, want the minimum 8", got)
	}
}
