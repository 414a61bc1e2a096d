package marcgen

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// anselMarks maps the combining marks the generator uses to their ANSEL
// bytes (Library of Congress code table, Extended Latin).
var anselMarks = map[rune]byte{
	0x0300: 0xE1, // grave
	0x0301: 0xE2, // acute
	0x0302: 0xE3, // circumflex
	0x0303: 0xE4, // tilde
	0x0308: 0xE8, // diaeresis
	0x030A: 0xEA, // ring above
	0x030C: 0xE9, // caron
	0x0327: 0xF0, // cedilla
}

// anselLetters maps letters ANSEL has as single characters.
var anselLetters = map[rune]byte{
	'Ł': 0xA1, 'Ø': 0xA2, 'Æ': 0xA5, 'ł': 0xB1, 'ø': 0xB2, 'æ': 0xB5, 'ß': 0xC7,
}

// encodeMARC8 writes s in MARC-8 (ASCII + ANSEL), putting each combining
// mark before its base letter as MARC-8 requires. It handles the Latin
// letters in this package's word lists; anything else becomes '?'.
func encodeMARC8(s string) string {
	var b strings.Builder
	rs := []rune(norm.NFD.String(s))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		// Collect the marks that follow the base.
		j := i + 1
		for j < len(rs) {
			if _, ok := anselMarks[rs[j]]; !ok {
				break
			}
			j++
		}
		for _, m := range rs[i+1 : j] {
			b.WriteByte(anselMarks[m])
		}
		switch {
		case r < 0x80:
			b.WriteByte(byte(r))
		case anselLetters[r] != 0:
			b.WriteByte(anselLetters[r])
		default:
			b.WriteByte('?')
		}
		i = j - 1
	}
	return b.String()
}
