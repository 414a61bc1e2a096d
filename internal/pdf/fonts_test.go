package pdf

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"regexp"
	"testing"
)

func TestCJKFontMatchesSource(t *testing.T) {
	t.Parallel()
	ttf, err := CJKFontTTF()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("fonts/SOURCE.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("sha256 of the TTF \\| `([0-9a-f]{64})`").FindSubmatch(src)
	if m == nil {
		t.Fatal("fonts/SOURCE.md names no sha256 of the TTF")
	}
	sum := sha256.Sum256(ttf)
	if got, want := hex.EncodeToString(sum[:]), string(m[1]); got != want {
		t.Errorf("sha256 of embedded CJK font = %s, SOURCE.md says %s", got, want)
	}
	// gopdf embeds TrueType outlines only: the font must have glyf, not CFF.
	tables := map[string]bool{}
	n := int(binary.BigEndian.Uint16(ttf[4:6]))
	for i := range n {
		tables[string(ttf[12+16*i:16+16*i])] = true
	}
	if !tables["glyf"] || tables["CFF "] {
		t.Errorf("CJK font tables %v: want glyf and no CFF", tables)
	}
}

func TestFontFallback(t *testing.T) {
	t.Parallel()
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		r    rune
		fc   face
		want string // family, "" when no font has it
	}{
		{'A', regular, famGoRegular},
		{'A', bold, famGoBold},
		{'é', regular, famGoRegular},
		{'Ω', regular, famGoRegular},
		{'Ж', bold, famGoBold},
		{'图', regular, famCJK},
		{'图', bold, famCJK},
		{'ア', regular, famCJK},
		{'한', regular, famCJK},
		{'\u3400', regular, ""},     // CJK Extension A: not in Droid Sans Fallback
		{'\U0001F600', regular, ""}, // an emoji: no embedded font
		{'\U000E0001', regular, ""}, // a language tag
	}
	for _, tt := range tests {
		got := ""
		if f := fs.pick(tt.fc, tt.r); f != nil {
			got = f.family
		}
		if got != tt.want {
			t.Errorf("pick(%d, %q) = %q, want %q", tt.fc, tt.r, got, tt.want)
		}
	}
	if fs.fallback != '\uFFFD' {
		t.Errorf("fallback = %q, want U+FFFD (the Go fonts have it)", fs.fallback)
	}
}

func TestCJKFontEmbeddedOnlyWhenUsed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		title string
		want  bool
	}{
		{"Library science", false},
		{titleRussian, false},
		{titleChinese, true},
	}
	for _, tt := range tests {
		doc, err := NoticePDF(Notice{Title: tt.title})
		if err != nil {
			t.Fatal(err)
		}
		if got := bytes.Contains(doc, []byte("/BaseFont /"+famCJK)); got != tt.want {
			t.Errorf("notice titled %q embeds the CJK font: %v, want %v", tt.title, got, tt.want)
		}
	}
}
