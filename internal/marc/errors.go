package marc

import (
	"errors"
	"fmt"
)

// Errors wrapped in a RecordError say what was wrong with a record.
var (
	ErrLeader    = errors.New("bad leader")
	ErrDirectory = errors.New("bad directory")
	ErrTruncated = errors.New("truncated record")
	ErrTooLong   = errors.New("record longer than 99999 bytes")
	ErrField     = errors.New("bad field")
)

// RecordError reports a record that could not be read. The reader has
// already moved past it: call Next again for the following record.
type RecordError struct {
	Ordinal int   // 1-based position of the record in the stream
	Offset  int64 // byte offset of the record's first byte (ISO 2709 only)
	Line    int   // line number, for MARCXML and CSV; 0 for ISO 2709
	Err     error
}

func (e *RecordError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("marc: record %d at line %d: %v", e.Ordinal, e.Line, e.Err)
	}
	return fmt.Sprintf("marc: record %d at byte %d: %v", e.Ordinal, e.Offset, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Warning reports characters that could not be decoded; they were replaced
// by U+FFFD and the rest of the record was kept.
type Warning struct {
	Ordinal int    // record's position in the stream (1-based)
	Offset  int64  // byte offset of the bad byte in the stream
	Tag     string // field tag ("LDR" never occurs: the leader is ASCII)
	Code    byte   // subfield code, 0 for control fields
	Msg     string
}

func (w Warning) String() string {
	where := w.Tag
	if w.Code != 0 {
		where += " $" + string(w.Code)
	}
	return fmt.Sprintf("record %d, %s, byte %d: %s", w.Ordinal, where, w.Offset, w.Msg)
}
