package wire

import (
	"testing"

	"interlend/internal/iso18626"
)

// BenchmarkEncodeMarshal is the outgoing path: domain message to XML.
func BenchmarkEncodeMarshal(b *testing.B) {
	for _, name := range []string{"request/book-loan", "sam/Loaned"} {
		m := richMessages()[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				out, err := Encode(m, iso18626.V2021, ISIL{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := iso18626.Marshal(out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseDecode is the incoming path: XML to domain message.
func BenchmarkParseDecode(b *testing.B) {
	for _, name := range []string{"request/book-loan", "sam/Loaned"} {
		out, err := Encode(richMessages()[name], iso18626.V2021, ISIL{})
		if err != nil {
			b.Fatal(err)
		}
		data, err := iso18626.Marshal(out)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				im, err := iso18626.Parse(data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Decode(im, ISIL{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
