package marc

import (
	"fmt"
	"io"
)

// Writer writes records in ISO 2709. Field values are written byte for byte
// and leader/09 is kept as the record has it ('a' for Unicode, which is what
// records read by this package carry). Record length, base address,
// indicator and subfield-code counts and the entry map (leader/20-23) are
// computed.
type Writer struct {
	w   io.Writer
	buf []byte
}

// NewWriter returns a Writer writing to w. Each Write issues one Write call
// on w; wrap w in a bufio.Writer for many small records.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write writes one record. It fails with ErrTooLong when the record or one
// of its fields does not fit the format's length fields.
func (w *Writer) Write(r *Record) error {
	b, err := AppendISO2709(w.buf[:0], r)
	if err != nil {
		return err
	}
	w.buf = b
	if _, err := w.w.Write(b); err != nil {
		return fmt.Errorf("marc: write record: %w", err)
	}
	return nil
}

// AppendISO2709 appends the ISO 2709 encoding of r to dst.
func AppendISO2709(dst []byte, r *Record) ([]byte, error) {
	nFields := len(r.Fields)
	base := leaderLength + nFields*directoryEntryLen + 1
	// The directory is reserved after the leader and filled in as the field
	// bodies are appended behind it.
	start := len(dst)
	dst = append(dst, DefaultLeader...)
	copy(dst[start:start+leaderLength], r.Leader)
	dirAt := len(dst)
	for range nFields {
		dst = append(dst, directoryPadding...)
	}
	dst = append(dst, FieldTerminator)
	pos := 0
	for i := range r.Fields {
		f := &r.Fields[i]
		before := len(dst)
		if f.IsControl() {
			dst = append(dst, f.Value...)
		} else {
			dst = append(dst, orBlank(f.Ind1), orBlank(f.Ind2))
			for _, sf := range f.Subfields {
				dst = append(dst, SubfieldDelimiter, sf.Code)
				dst = append(dst, sf.Value...)
			}
		}
		dst = append(dst, FieldTerminator)
		length := len(dst) - before
		if length > 9999 || pos > 99999 {
			return dst[:start], fmt.Errorf("marc: field %s: %w", f.Tag, ErrTooLong)
		}
		if len(f.Tag) != 3 {
			return dst[:start], fmt.Errorf("marc: field tag %q: %w", f.Tag, ErrField)
		}
		e := dst[dirAt+i*directoryEntryLen : dirAt+(i+1)*directoryEntryLen]
		copy(e[0:3], f.Tag)
		putDigits(e[3:7], length)
		putDigits(e[7:12], pos)
		pos += length
	}
	dst = append(dst, RecordTerminator)
	total := len(dst) - start
	if total > maxRecordLength {
		return dst[:start], fmt.Errorf("marc: record of %d bytes: %w", total, ErrTooLong)
	}
	ld := dst[start : start+leaderLength]
	putDigits(ld[0:5], total)
	ld[10], ld[11] = '2', '2'
	putDigits(ld[12:17], base)
	copy(ld[20:24], "4500")
	return dst, nil
}

func orBlank(c byte) byte {
	if c == 0 {
		return ' '
	}
	return c
}

// directoryPadding reserves one directory entry.
var directoryPadding = []byte("000000000000")

// putDigits writes n zero-padded into b (n fits: callers check lengths).
func putDigits(b []byte, n int) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
}
