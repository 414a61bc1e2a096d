package iso18626

import "testing"

// go test -run '^$' -bench . -benchmem ./internal/iso18626

func BenchmarkParseRequest(b *testing.B) {
	data := exampleFile(b, "v1_2/01-request-loan-book.xml")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalRequest(b *testing.B) {
	m := mustParse(b, "v1_2/01-request-loan-book.xml")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Marshal(m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseSAM(b *testing.B) {
	data := exampleFile(b, "v1_2/07-sam-StatusChange-Loaned.xml")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseRequest2021(b *testing.B) {
	data := exampleFile(b, "v2021/01-request-loan-2021.xml")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
