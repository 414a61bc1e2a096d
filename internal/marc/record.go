package marc

import "strings"

// NS is the MARCXML namespace.
const NS = "http://www.loc.gov/MARC21/slim"

// DefaultLeader is used for records built in code: a new, language material,
// monograph record in Unicode with the MARC 21 entry map. Lengths and base
// address are filled in when the record is written.
const DefaultLeader = "00000nam a2200000 i 4500"

// Record is one MARC 21 record. Fields keep the order they had in the
// source. Control fields (tags 001-009) carry Value; data fields carry
// indicators and subfields.
type Record struct {
	Leader string
	Fields []Field
	// Warnings lists the characters that could not be decoded when the
	// record was read (MARC-8 or UTF-8); they became U+FFFD.
	Warnings []Warning
}

// Field is a control field (Tag "001" to "009", Value set) or a data field
// (indicators and subfields).
type Field struct {
	Tag       string
	Value     string
	Ind1      byte
	Ind2      byte
	Subfields []Subfield
}

// Subfield is one code and value of a data field.
type Subfield struct {
	Code  byte
	Value string
}

// NewRecord returns an empty record with DefaultLeader.
func NewRecord() *Record { return &Record{Leader: DefaultLeader} }

// IsControlTag reports whether tag names a control field (00X).
func IsControlTag(tag string) bool { return len(tag) == 3 && tag[0] == '0' && tag[1] == '0' }

// IsControl reports whether f is a control field.
func (f *Field) IsControl() bool { return IsControlTag(f.Tag) }

// LeaderByte returns the leader character at position i (0-based, as in
// "leader/06"), or ' ' when the leader is shorter.
func (r *Record) LeaderByte(i int) byte {
	if i < 0 || i >= len(r.Leader) {
		return ' '
	}
	return r.Leader[i]
}

// Control returns the value of the first control field with tag, or "".
func (r *Record) Control(tag string) string {
	for i := range r.Fields {
		if r.Fields[i].Tag == tag {
			return r.Fields[i].Value
		}
	}
	return ""
}

// Field returns the first field with tag, or nil.
func (r *Record) Field(tag string) *Field {
	for i := range r.Fields {
		if r.Fields[i].Tag == tag {
			return &r.Fields[i]
		}
	}
	return nil
}

// FieldsByTag returns every field whose tag is one of tags, in record order.
func (r *Record) FieldsByTag(tags ...string) []*Field {
	var out []*Field
	for i := range r.Fields {
		for _, t := range tags {
			if r.Fields[i].Tag == t {
				out = append(out, &r.Fields[i])
				break
			}
		}
	}
	return out
}

// AddControl appends a control field.
func (r *Record) AddControl(tag, value string) {
	r.Fields = append(r.Fields, Field{Tag: tag, Value: value})
}

// AddField appends a data field built from alternating subfield codes and
// values: AddField("245", '1', '0', 'a', "Silent spring /", 'c', "Rachel
// Carson."). Codes must be single characters (rune or byte); an odd tail is
// ignored.
func (r *Record) AddField(tag string, ind1, ind2 byte, codeValues ...any) {
	f := Field{Tag: tag, Ind1: ind1, Ind2: ind2}
	for i := 0; i+1 < len(codeValues); i += 2 {
		var code byte
		switch c := codeValues[i].(type) {
		case byte:
			code = c
		case rune:
			code = byte(c)
		case string:
			if c != "" {
				code = c[0]
			}
		}
		v, _ := codeValues[i+1].(string)
		f.Subfields = append(f.Subfields, Subfield{Code: code, Value: v})
	}
	r.Fields = append(r.Fields, f)
}

// Subfield returns the value of the first subfield with code, or "".
func (f *Field) Subfield(code byte) string {
	if f == nil {
		return ""
	}
	for _, s := range f.Subfields {
		if s.Code == code {
			return s.Value
		}
	}
	return ""
}

// SubfieldValues returns the values of every subfield with code, in order.
func (f *Field) SubfieldValues(code byte) []string {
	if f == nil {
		return nil
	}
	var out []string
	for _, s := range f.Subfields {
		if s.Code == code {
			out = append(out, s.Value)
		}
	}
	return out
}

// Join returns the values of the subfields whose codes appear in codes, in
// field order, joined by sep; empty values are skipped.
func (f *Field) Join(codes string, sep string) string {
	if f == nil {
		return ""
	}
	var b strings.Builder
	for _, s := range f.Subfields {
		if strings.IndexByte(codes, s.Code) < 0 {
			continue
		}
		v := strings.TrimSpace(s.Value)
		if v == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(v)
	}
	return b.String()
}
