package marc

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// ISO 2709 structural characters.
const (
	RecordTerminator  = 0x1D
	FieldTerminator   = 0x1E
	SubfieldDelimiter = 0x1F
	maxRecordLength   = 99999
	leaderLength      = 24
	directoryEntryLen = 12
)

// Reader reads ISO 2709 records one at a time. It holds at most one record
// in memory (records are at most 99,999 bytes), so a file of any size is
// read in constant memory.
//
// A record that is structurally broken (bad leader, directory out of range,
// length not matching) is reported as a *RecordError carrying its ordinal
// and byte offset; the reader has then skipped to the byte after the
// record's terminator (0x1D), so the caller may log the error and call Next
// again. Other errors (from the underlying reader) are returned as they are.
//
// MARC-8 records (leader/09 blank) are converted to UTF-8 and their
// leader/09 set to 'a'; undecodable bytes are listed in Record.Warnings.
type Reader struct {
	br      *bufio.Reader
	buf     []byte
	offset  int64 // stream offset of the next unread byte
	ordinal int
	err     error // sticky error from the underlying reader
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64*1024)}
}

// Next returns the next record, a *RecordError for a broken record (reading
// can go on), or io.EOF after the last record.
func (r *Reader) Next() (*Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	raw, start, tooLong, err := r.readRaw()
	if err != nil && len(raw) == 0 && !tooLong {
		r.err = err
		return nil, err
	}
	r.ordinal++
	if tooLong {
		return nil, &RecordError{Ordinal: r.ordinal, Offset: start, Err: ErrTooLong}
	}
	if err != nil { // data without a terminator at the end of the stream
		r.err = err
		if err == io.EOF {
			return nil, &RecordError{Ordinal: r.ordinal, Offset: start, Err: fmt.Errorf("%w: %d bytes without record terminator at end of input", ErrTruncated, len(raw))}
		}
		return nil, err
	}
	rec, perr := parseISO2709(raw, r.ordinal, start)
	if perr != nil {
		return nil, &RecordError{Ordinal: r.ordinal, Offset: start, Err: perr}
	}
	return rec, nil
}

// readRaw returns the bytes of the next record up to and including its
// terminator, skipping line breaks and spaces between records. When a
// record exceeds the maximum length it is skipped up to its terminator and
// tooLong is set. At the end of the stream it returns any unterminated tail
// with io.EOF.
func (r *Reader) readRaw() (raw []byte, start int64, tooLong bool, err error) {
	// Skip separators some exporters put between records.
	for {
		c, err := r.br.ReadByte()
		if err != nil {
			return nil, r.offset, false, err
		}
		if c == '\n' || c == '\r' || c == ' ' || c == 0 || c == 0x1A {
			r.offset++
			continue
		}
		if uerr := r.br.UnreadByte(); uerr != nil {
			return nil, r.offset, false, uerr
		}
		break
	}
	start = r.offset
	r.buf = r.buf[:0]
	for {
		chunk, err := r.br.ReadSlice(RecordTerminator)
		r.offset += int64(len(chunk))
		if len(r.buf)+len(chunk) <= maxRecordLength {
			r.buf = append(r.buf, chunk...)
		} else {
			tooLong = true
		}
		switch {
		case err == nil:
			if tooLong {
				return nil, start, true, nil
			}
			return r.buf, start, false, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			if tooLong {
				return nil, start, true, nil
			}
			return r.buf, start, false, err
		}
	}
}

// parseISO2709 checks the structure of one raw record (terminator
// included) and builds the Record.
func parseISO2709(raw []byte, ordinal int, start int64) (*Record, error) {
	if len(raw) < leaderLength+2 {
		return nil, fmt.Errorf("%w: %d bytes is shorter than a leader and directory", ErrLeader, len(raw))
	}
	declared, ok := atoi(raw[0:5])
	if !ok {
		return nil, fmt.Errorf("%w: record length %q is not numeric", ErrLeader, raw[0:5])
	}
	if declared != len(raw) {
		return nil, fmt.Errorf("%w: leader gives length %d, record has %d bytes", ErrLeader, declared, len(raw))
	}
	base, ok := atoi(raw[12:17])
	if !ok {
		return nil, fmt.Errorf("%w: base address %q is not numeric", ErrLeader, raw[12:17])
	}
	if base <= leaderLength || base >= len(raw) {
		return nil, fmt.Errorf("%w: base address %d outside the record (length %d)", ErrLeader, base, len(raw))
	}
	if raw[base-1] != FieldTerminator {
		return nil, fmt.Errorf("%w: no field terminator before base address %d", ErrDirectory, base)
	}
	dir := raw[leaderLength : base-1]
	if len(dir)%directoryEntryLen != 0 {
		return nil, fmt.Errorf("%w: directory length %d is not a multiple of 12", ErrDirectory, len(dir))
	}
	// One string holds the whole record; field values of UTF-8 records are
	// substrings of it, which costs one allocation per record.
	s := string(raw)
	utf8Rec := raw[9] == 'a'
	validUTF8 := !utf8Rec || utf8.ValidString(s)
	rec := &Record{Leader: s[:leaderLength], Fields: make([]Field, 0, len(dir)/directoryEntryLen)}
	dataEnd := len(raw) - 1 // index of the record terminator
	for e := 0; e < len(dir); e += directoryEntryLen {
		entry := dir[e : e+directoryEntryLen]
		tag := s[leaderLength+e : leaderLength+e+3]
		length, ok1 := atoi(entry[3:7])
		pos, ok2 := atoi(entry[7:12])
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%w: entry %d (%q) is not numeric", ErrDirectory, e/directoryEntryLen+1, entry)
		}
		from, to := base+pos, base+pos+length
		if length < 1 || to > dataEnd {
			return nil, fmt.Errorf("%w: field %s at %d+%d runs past the end of the data (%d)", ErrDirectory, tag, pos, length, dataEnd-base)
		}
		if raw[to-1] != FieldTerminator {
			return nil, fmt.Errorf("%w: field %s at %d+%d does not end with a field terminator", ErrDirectory, tag, pos, length)
		}
		fieldOff := start + int64(from)
		body := s[from : to-1]
		if IsControlTag(tag) {
			v, warns := decodeValue(body, utf8Rec, validUTF8)
			rec.Fields = append(rec.Fields, Field{Tag: tag, Value: v})
			rec.addWarnings(warns, ordinal, fieldOff, tag, 0)
			continue
		}
		f := Field{Tag: tag, Ind1: ' ', Ind2: ' '}
		if len(body) >= 2 && body[0] != SubfieldDelimiter {
			f.Ind1, f.Ind2 = body[0], body[1]
			body = body[2:]
			fieldOff += 2
		}
		if len(body) > 0 && body[0] != SubfieldDelimiter {
			return nil, fmt.Errorf("%w: field %s does not start with a subfield delimiter", ErrField, tag)
		}
		n := strings.Count(body, "\x1f")
		f.Subfields = make([]Subfield, 0, n)
		for len(body) > 0 {
			body = body[1:] // delimiter
			fieldOff++
			end := strings.IndexByte(body, SubfieldDelimiter)
			if end < 0 {
				end = len(body)
			}
			chunk := body[:end]
			body = body[end:]
			if chunk == "" {
				continue // empty delimiter pair, tolerated
			}
			code := chunk[0]
			v, warns := decodeValue(chunk[1:], utf8Rec, validUTF8)
			rec.addWarnings(warns, ordinal, fieldOff+1, tag, code)
			f.Subfields = append(f.Subfields, Subfield{Code: code, Value: v})
			fieldOff += int64(len(chunk))
		}
		rec.Fields = append(rec.Fields, f)
	}
	if !utf8Rec {
		rec.Leader = rec.Leader[:9] + "a" + rec.Leader[10:]
	}
	return rec, nil
}

// decodeValue returns v as UTF-8: unchanged for valid UTF-8 records,
// repaired for invalid UTF-8, converted for MARC-8.
func decodeValue(v string, utf8Rec, validUTF8 bool) (string, []CharProblem) {
	if utf8Rec {
		if validUTF8 || utf8.ValidString(v) {
			return v, nil
		}
		return repairUTF8(v)
	}
	return DecodeMARC8(v)
}

// repairUTF8 replaces each invalid byte with U+FFFD and reports it.
func repairUTF8(v string) (string, []CharProblem) {
	var b strings.Builder
	var probs []CharProblem
	for i := 0; i < len(v); {
		r, n := utf8.DecodeRuneInString(v[i:])
		if r == utf8.RuneError && n <= 1 {
			probs = append(probs, CharProblem{Offset: i, Msg: fmt.Sprintf("byte 0x%02X is not valid UTF-8", v[i])})
			b.WriteRune(utf8.RuneError)
			i++
			continue
		}
		b.WriteString(v[i : i+n])
		i += n
	}
	return b.String(), probs
}

func (r *Record) addWarnings(probs []CharProblem, ordinal int, off int64, tag string, code byte) {
	for _, p := range probs {
		r.Warnings = append(r.Warnings, Warning{Ordinal: ordinal, Offset: off + int64(p.Offset), Tag: tag, Code: code, Msg: p.Msg})
	}
}

// atoi parses ASCII digits; ok is false for anything else or empty input.
func atoi(b []byte) (int, bool) {
	if len(b) == 0 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// ReadAll reads every record from r. Broken records are skipped and their
// errors returned joined in the second result, so a caller can import what
// is good and show what is not.
func ReadAll(r io.Reader) ([]*Record, error) {
	rd := NewReader(r)
	var recs []*Record
	var errs []error
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return recs, errors.Join(errs...)
		}
		var re *RecordError
		if errors.As(err, &re) {
			errs = append(errs, err)
			continue
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, rec)
	}
}
