package bibid

import (
	"errors"
	"slices"
	"testing"
)

func TestValidISBN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		valid10 bool
		valid13 bool
	}{
		{"0618249060", true, false},
		{"0-618-24906-0", true, false},
		{"0 618 24906 0", true, false},
		{"0618249061", false, false}, // wrong check digit
		{"080442957X", true, false},
		{"080442957x", true, false}, // lower-case x
		{"0804429579", false, false},
		{"9780618249060", false, true},
		{"978-0-618-24906-0", false, true},
		{"9780618249061", false, false}, // wrong check digit
		{"9790000000001", false, true},  // 979 prefix (music, new ranges)
		{"9770000000000", false, false}, // 977 is ISSN's EAN prefix, not an ISBN
		{"061824906", false, false},     // too short
		{"06182490600", false, false},   // too long
		{"X618249060", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		if got := ValidISBN10(tt.in); got != tt.valid10 {
			t.Errorf("ValidISBN10(%q) = %v, want %v", tt.in, got, tt.valid10)
		}
		if got := ValidISBN13(tt.in); got != tt.valid13 {
			t.Errorf("ValidISBN13(%q) = %v, want %v", tt.in, got, tt.valid13)
		}
	}
}

func TestISBNConversion(t *testing.T) {
	t.Parallel()
	tests := []struct{ isbn10, isbn13 string }{
		{"0618249060", "9780618249060"},
		{"080442957X", "9780804429573"},
		{"0306406152", "9780306406157"},
		{"0000000000", "9780000000002"},
	}
	for _, tt := range tests {
		got13, err := ISBN10To13(tt.isbn10)
		if err != nil || got13 != tt.isbn13 {
			t.Errorf("ISBN10To13(%q) = %q, %v; want %q", tt.isbn10, got13, err, tt.isbn13)
		}
		got10, err := ISBN13To10(tt.isbn13)
		if err != nil || got10 != tt.isbn10 {
			t.Errorf("ISBN13To10(%q) = %q, %v; want %q", tt.isbn13, got10, err, tt.isbn10)
		}
	}
	for _, bad := range []string{"0618249061", "abc", ""} {
		if got, err := ISBN10To13(bad); !errors.Is(err, ErrInvalidISBN) {
			t.Errorf("ISBN10To13(%q) = %q, %v; want ErrInvalidISBN", bad, got, err)
		}
	}
	for _, bad := range []string{"9790000000001", "9780618249061", "0618249060"} {
		if got, err := ISBN13To10(bad); !errors.Is(err, ErrInvalidISBN) {
			t.Errorf("ISBN13To10(%q) = %q, %v; want ErrInvalidISBN", bad, got, err)
		}
	}
}

func TestNormaliseISBN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"0618249060", "9780618249060", true},
		{"0618249060 (pbk.)", "9780618249060", true},
		{"0-618-24906-0 (pbk. : alk. paper)", "9780618249060", true},
		{"ISBN 978 0 618 24906 0", "9780618249060", true},
		{"ISBN-13: 978-0-618-24906-0", "9780618249060", true},
		{"ISBN-10 0618249060", "9780618249060", true},
		{"080442957x (v. 1)", "9780804429573", true},
		{"9780618249060 : $24.00", "9780618249060", true},
		{"0618249060 2002", "9780618249060", true},
		{"0618249061 (pbk.)", "0618249061", false},
		{"9780618249061", "9780618249061", false},
		{"no isbn here", "", false},
		{"12345", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := NormaliseISBN(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("NormaliseISBN(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestExtractISBNs(t *testing.T) {
	t.Parallel()
	got := ExtractISBNs("0618249060 (pbk.) ; 9780618249060 (dup) ; 080442957X (hbk.); 1234567890 (bad)")
	want := []string{"9780618249060", "9780804429573"}
	if !slices.Equal(got, want) {
		t.Errorf("ExtractISBNs = %q, want %q", got, want)
	}
}
