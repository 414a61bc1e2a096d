package openurl

import (
	"strings"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	inputs := map[string]string{
		"example 3.1":  exampleCases[0].in,
		"Primo":        vendorCases[8].in,
		"5000 authors": "rft.btitle=Big+book" + strings.Repeat("&rft.au=A+N+Other", 5000),
	}
	for name, in := range inputs {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				if _, err := Parse(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	r, err := Parse(exampleCases[0].in)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Encode(r.Citation)
	}
}
