package marc_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"interlend/internal/marc"
	"interlend/internal/marc/marcgen"
)

const benchRecords = 5000

func generated(b *testing.B, opts marcgen.Options) []byte {
	b.Helper()
	var buf bytes.Buffer
	if _, err := marcgen.Generate(&buf, benchRecords, 1, opts); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// benchRead reads one record per iteration, starting over at the end of
// the data, and reports records per second.
func benchRead(b *testing.B, data []byte, next func(io.Reader) func() (*marc.Record, error)) {
	b.SetBytes(int64(len(data) / benchRecords))
	b.ReportAllocs()
	nextRec := next(bytes.NewReader(data))
	for b.Loop() {
		_, err := nextRec()
		if err == io.EOF {
			nextRec = next(bytes.NewReader(data))
			continue
		}
		var re *marc.RecordError
		if err != nil && !errors.As(err, &re) {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func iso(r io.Reader) func() (*marc.Record, error) { return marc.NewReader(r).Next }

func BenchmarkReader(b *testing.B) {
	utf8Only := marcgen.DefaultOptions()
	utf8Only.MARC8Rate, utf8Only.BrokenRate = 0, 0
	allMARC8 := marcgen.DefaultOptions()
	allMARC8.MARC8Rate, allMARC8.BrokenRate = 1, 0
	b.Run("utf8", func(b *testing.B) { benchRead(b, generated(b, utf8Only), iso) })
	b.Run("marc8", func(b *testing.B) { benchRead(b, generated(b, allMARC8), iso) })
	b.Run("default-mix", func(b *testing.B) { benchRead(b, generated(b, marcgen.DefaultOptions()), iso) })
}

func BenchmarkXMLReader(b *testing.B) {
	opts := marcgen.DefaultOptions()
	opts.BrokenRate = 0
	recs, err := marc.ReadAll(bytes.NewReader(generated(b, opts)))
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	w := marc.NewXMLWriter(&buf)
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	benchRead(b, buf.Bytes(), func(r io.Reader) func() (*marc.Record, error) { return marc.NewXMLReader(r).Next })
}

func BenchmarkToHolding(b *testing.B) {
	opts := marcgen.DefaultOptions()
	opts.BrokenRate = 0
	recs, err := marc.ReadAll(bytes.NewReader(generated(b, opts)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		marc.ToHolding(recs[i%len(recs)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkWriter(b *testing.B) {
	opts := marcgen.DefaultOptions()
	opts.BrokenRate = 0
	recs, err := marc.ReadAll(bytes.NewReader(generated(b, opts)))
	if err != nil {
		b.Fatal(err)
	}
	w := marc.NewWriter(io.Discard)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := w.Write(recs[i%len(recs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
