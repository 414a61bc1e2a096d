package pdf

import (
	"bytes"
	"compress/gzip"
	_ "embed" // the CJK fallback font
	"fmt"
	"io"
	"sync"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// droidGz is Droid Sans Fallback (Apache-2.0), gzip-compressed to keep
// the binary smaller; see fonts/SOURCE.md. It is inflated once, on first use.
//
//go:embed fonts/DroidSansFallback.ttf.gz
var droidGz []byte

// face is a typographic weight. CJK text has no bold cut and prints in the
// fallback font's only weight in both faces.
type face int

const (
	regular face = iota
	bold
)

// Font family names as registered in each gopdf document.
const (
	famGoRegular = "go-regular"
	famGoBold    = "go-bold"
	famCJK       = "droid-sans-fallback"
)

// replacementRunes are tried in order for a character no font has.
var replacementRunes = []rune{'\uFFFD', '?'}

// fontFile is one parsed font: the gopdf object used to answer "has it
// this glyph?" and "how wide is it?" without touching a document.
type fontFile struct {
	family    string
	obj       *gopdf.SubsetFontObj
	ascender  float64 // typo ascender per unit of font size
	descender float64 // typo descender per unit of font size (negative)
}

// hasGlyph reports whether the font maps r to a real glyph.
func (f *fontFile) hasGlyph(r rune) bool {
	gi, err := f.obj.CharCodeToGlyphIndex(r)
	return err == nil && gi != 0
}

// advance is r's advance width in thousandths of the font size.
func (f *fontFile) advance(r rune) float64 {
	gi, err := f.obj.CharCodeToGlyphIndex(r)
	if err != nil {
		return 0
	}
	return float64(f.obj.GlyphIndexToPdfWidth(gi))
}

// fontSet is every embedded font, parsed once per process.
type fontSet struct {
	container *gopdf.FontContainer
	chains    [2][]*fontFile // by face: fonts in fallback order
	fallback  rune           // what an uncovered character prints as
}

var (
	fontsOnce sync.Once
	fontsVal  *fontSet
	fontsErr  error
)

// loadFonts returns the process-wide font set.
func loadFonts() (*fontSet, error) {
	fontsOnce.Do(func() { fontsVal, fontsErr = parseFonts() })
	return fontsVal, fontsErr
}

// CJKFontTTF returns the uncompressed TrueType data of the embedded CJK
// fallback font, for tests and for checks of the vendored file.
func CJKFontTTF() ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(droidGz))
	if err != nil {
		return nil, fmt.Errorf("pdf: open embedded CJK font: %w", err)
	}
	defer zr.Close()
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("pdf: inflate embedded CJK font: %w", err)
	}
	return data, nil
}

func parseFonts() (*fontSet, error) {
	cjk, err := CJKFontTTF()
	if err != nil {
		return nil, err
	}
	fs := &fontSet{container: new(gopdf.FontContainer)}
	parsed := map[string]*fontFile{}
	for _, f := range []struct {
		family string
		data   []byte
	}{
		{famGoRegular, goregular.TTF},
		{famGoBold, gobold.TTF},
		{famCJK, cjk},
	} {
		if err := fs.container.AddTTFFontData(f.family, f.data); err != nil {
			return nil, fmt.Errorf("pdf: parse font %s: %w", f.family, err)
		}
		ff, err := newFontFile(f.family, f.data)
		if err != nil {
			return nil, err
		}
		parsed[f.family] = ff
	}
	fs.chains[regular] = []*fontFile{parsed[famGoRegular], parsed[famCJK]}
	fs.chains[bold] = []*fontFile{parsed[famGoBold], parsed[famCJK]}
	fs.fallback = '?'
	for _, r := range replacementRunes {
		if parsed[famGoRegular].hasGlyph(r) && parsed[famGoBold].hasGlyph(r) {
			fs.fallback = r
			break
		}
	}
	return fs, nil
}

func newFontFile(family string, data []byte) (*fontFile, error) {
	obj := new(gopdf.SubsetFontObj)
	obj.SetTtfFontOption(gopdf.TtfOption{})
	if err := obj.SetTTFData(data); err != nil {
		return nil, fmt.Errorf("pdf: parse font %s: %w", family, err)
	}
	p := obj.GetTTFParser()
	upem := float64(p.UnitsPerEm())
	if upem == 0 {
		return nil, fmt.Errorf("pdf: font %s has no unitsPerEm", family)
	}
	return &fontFile{
		family:    family,
		obj:       obj,
		ascender:  float64(p.TypoAscender()) / upem,
		descender: float64(p.TypoDescender()) / upem,
	}, nil
}

// pick returns the font of the chain that draws r, or nil when none does.
func (fs *fontSet) pick(fc face, r rune) *fontFile {
	for _, f := range fs.chains[fc] {
		if f.hasGlyph(r) {
			return f
		}
	}
	return nil
}

// depth is how far below the baseline text of this size reaches in the
// primary font, for spacing after a line.
func (fs *fontSet) depth(size float64) float64 {
	return -fs.chains[regular][0].descender * size
}
