package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"interlend/internal/calendar"
)

// Kind is how a field is shown and parsed.
type Kind string

// Field kinds. Every kind but Records may also be a column of Records
// (Text, Textarea, URL, Number, Bool, Select and Date make sense there).
const (
	Text     Kind = "text"     // one line of text
	Textarea Kind = "textarea" // several lines of text (notice templates)
	URL      Kind = "url"      // an absolute http(s) URL
	Number   Kind = "number"   // a whole number; Min and Max bound it when Max > Min
	Bool     Kind = "bool"     // a checkbox
	Select   Kind = "select"   // one of Options
	Date     Kind = "date"     // YYYY-MM-DD
	TimeZone Kind = "timezone" // an IANA time zone name, e.g. Europe/Berlin
	List     Kind = "list"     // a list of strings, one per line
	Secret   Kind = "secret"   // write-only text: shown as set or not set, kept when left blank
	JSON     Kind = "json"     // any JSON as text: the escape hatch for nested structures
	Week     Kind = "week"     // opening hours per weekday ("09:00-17:00" or "closed")
	Records  Kind = "records"  // a list of objects edited as a table; Columns are their keys
)

// Field is one input of a group's form.
type Field struct {
	// Name is the top-level key of the group's JSON object, and the form
	// field's name. A JSON field with an empty Name edits the whole value.
	Name     string
	Kind     Kind
	Label    string // catalog key
	Help     string // catalog key (optional)
	Required bool
	Min, Max int64
	Options  []Option
	Columns  []Field // Records
	// Check looks at the field's parsed JSON before the whole value is
	// decoded (optional): rules that span a field's parts, such as a
	// closure that ends before it starts.
	Check func(raw json.RawMessage) *Message
}

// Option is one choice of a Select field.
type Option struct {
	Value string
	Label string // catalog key
}

// Weekdays are the parts of a Week field, Monday first, as in the stored
// calendar JSON.
var Weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// maxRecords bounds a Records field (a form cannot make the server loop).
const maxRecords = 500

// Parse reads a submitted form into a value of the group's type. It starts
// from current, so JSON keys without a field keep their values and a
// Secret left blank keeps its secret. A bad form returns an ill.Invalid
// error wrapping a *ValidationError, and no value.
func (g *Group) Parse(form url.Values, current any) (any, error) {
	obj, err := toObject(current)
	if err != nil {
		return nil, fmt.Errorf("settings: %s: %w", g.Key, err)
	}
	defs, err := toObject(g.defaults())
	if err != nil {
		return nil, fmt.Errorf("settings: %s: %w", g.Key, err)
	}
	errs := Errors{}
	for _, f := range g.Fields {
		raw, ok := f.parse(form, f.Name, obj[f.Name], defs[f.Name], errs)
		if !ok {
			continue
		}
		if f.Check != nil {
			if m := f.Check(raw); m != nil {
				errs[f.Name] = *m
				continue
			}
		}
		if f.Name == "" {
			var whole map[string]json.RawMessage
			if err := json.Unmarshal(raw, &whole); err != nil || whole == nil {
				errs[f.Name] = M("platform.settings.err.object")
				continue
			}
			obj = whole
			continue
		}
		obj[f.Name] = raw
	}
	if len(errs) > 0 {
		return nil, invalid(g.Key, errs)
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("settings: %s: %w", g.Key, err)
	}
	v, err := g.decode(b)
	if err != nil {
		return nil, invalid(g.Key, Errors{"": M("platform.settings.err.decode", err.Error())})
	}
	if errs := g.validate(v); len(errs) > 0 {
		return nil, invalid(g.Key, errs)
	}
	return v, nil
}

// parse reads one field (or a Records cell) named name. cur and def are
// the field's current and default JSON. It records a problem in errs and
// returns ok false, or returns the field's new JSON.
func (f Field) parse(form url.Values, name string, cur, def json.RawMessage, errs Errors) (json.RawMessage, bool) {
	s := form.Get(name)
	fail := func(key string, args ...any) (json.RawMessage, bool) {
		errs[name] = M(key, args...)
		return nil, false
	}
	str := func(v string) (json.RawMessage, bool) { b, _ := json.Marshal(v); return b, true }
	switch f.Kind {
	case Text, URL, Secret, Date, TimeZone, Select:
		s = strings.TrimSpace(s)
	case Textarea, JSON, List:
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	if s == "" && f.Required && f.Kind != Bool && f.Kind != Secret && f.Kind != Week && f.Kind != Records {
		return fail("platform.settings.err.required")
	}
	switch f.Kind {
	case Text:
		return str(s)
	case Textarea:
		return str(strings.TrimRight(s, " \n"))
	case URL:
		if s != "" {
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return fail("platform.settings.err.url")
			}
		}
		return str(s)
	case Secret:
		if s == "" {
			if len(cur) == 0 {
				return str("")
			}
			return cur, true
		}
		return str(s)
	case Number:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return fail("platform.settings.err.integer")
		}
		if f.Max > f.Min && (n < f.Min || n > f.Max) {
			return fail("platform.settings.err.range", f.Min, f.Max)
		}
		return json.RawMessage(strconv.FormatInt(n, 10)), true
	case Bool:
		on := s != "" && s != "false" && s != "0"
		return json.RawMessage(strconv.FormatBool(on)), true
	case Select:
		found := false
		for _, o := range f.Options {
			found = found || o.Value == s
		}
		if !found {
			return fail("platform.settings.err.choice")
		}
		if isNumber(def) {
			if _, err := strconv.ParseInt(s, 10, 64); err != nil {
				return fail("platform.settings.err.choice")
			}
			return json.RawMessage(s), true
		}
		return str(s)
	case Date:
		if s != "" {
			if _, err := calendar.ParseDate(s); err != nil {
				return fail("platform.settings.err.date")
			}
		}
		return str(s)
	case TimeZone:
		if s == "" || s == "Local" {
			return fail("platform.settings.err.timezone")
		}
		if _, err := time.LoadLocation(s); err != nil {
			return fail("platform.settings.err.timezone")
		}
		return str(s)
	case List:
		items := []string{}
		for line := range strings.SplitSeq(s, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				items = append(items, line)
			}
		}
		b, _ := json.Marshal(items)
		return b, true
	case JSON:
		if strings.TrimSpace(s) == "" {
			s = "null"
		}
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return fail("platform.settings.err.json", jsonErrorText(err))
		}
		var b bytes.Buffer
		if err := json.Compact(&b, []byte(s)); err != nil {
			return fail("platform.settings.err.json", jsonErrorText(err))
		}
		return b.Bytes(), true
	case Week:
		return f.parseWeek(form, name, errs)
	case Records:
		return f.parseRecords(form, name, errs)
	}
	return fail("platform.settings.err.type")
}

func (f Field) parseWeek(form url.Values, name string, errs Errors) (json.RawMessage, bool) {
	ok := true
	var b bytes.Buffer
	b.WriteByte('{')
	for i, day := range Weekdays {
		part := name + "." + day
		h, err := calendar.ParseHours(form.Get(part))
		if err != nil {
			errs[part] = M("platform.settings.err.hours")
			ok = false
			continue
		}
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%q", day, h.String())
	}
	b.WriteByte('}')
	if !ok {
		return nil, false
	}
	return b.Bytes(), true
}

func (f Field) parseRecords(form url.Values, name string, errs Errors) (json.RawMessage, bool) {
	n, _ := strconv.Atoi(form.Get(name + ".rows"))
	n = min(max(n, 0), maxRecords)
	ok := true
	rows := []map[string]json.RawMessage{}
	for i := range n {
		blank := true
		for _, c := range f.Columns {
			v := strings.TrimSpace(form.Get(cellName(name, i, c.Name)))
			if c.Kind == Bool {
				continue // a ticked box alone does not make a row
			}
			blank = blank && v == ""
		}
		if blank {
			continue
		}
		row := map[string]json.RawMessage{}
		for _, c := range f.Columns {
			raw, good := c.parse(form, cellName(name, i, c.Name), nil, nil, errs)
			if !good {
				ok = false
				continue
			}
			row[c.Name] = raw
		}
		rows = append(rows, row)
	}
	if !ok {
		return nil, false
	}
	b, err := json.Marshal(rows)
	if err != nil {
		errs[name] = M("platform.settings.err.type")
		return nil, false
	}
	return b, true
}

func cellName(field string, row int, col string) string {
	return fmt.Sprintf("%s.%d.%s", field, row, col)
}

func isNumber(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s != "" && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))
}

// jsonErrorText is the position and nature of a JSON syntax error.
func jsonErrorText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (byte %d)", se.Error(), se.Offset)
	}
	return err.Error()
}

// FormValues are a value's form fields, as a browser would submit them
// (Secret fields are never included: they are write-only). Records get
// two blank rows to add to.
func (g *Group) FormValues(v any) url.Values {
	form := url.Values{}
	obj, err := toObject(v)
	if err != nil {
		return form
	}
	for _, f := range g.Fields {
		if f.Name == "" && f.Kind == JSON {
			b, _ := json.MarshalIndent(obj, "", "  ")
			form.Set("", string(b))
			continue
		}
		f.formValue(form, f.Name, obj[f.Name])
	}
	return form
}

func (f Field) formValue(form url.Values, name string, raw json.RawMessage) {
	switch f.Kind {
	case Secret:
	case Bool:
		var b bool
		if json.Unmarshal(raw, &b) == nil && b {
			form.Set(name, "on")
		}
	case List:
		var items []string
		_ = json.Unmarshal(raw, &items)
		form.Set(name, strings.Join(items, "\n"))
	case JSON:
		var v any
		if json.Unmarshal(raw, &v) == nil {
			b, _ := json.MarshalIndent(v, "", "  ")
			form.Set(name, string(b))
		}
	case Week:
		var m map[string]string
		_ = json.Unmarshal(raw, &m)
		for _, d := range Weekdays {
			form.Set(name+"."+d, m[d])
		}
	case Records:
		var rows []map[string]json.RawMessage
		_ = json.Unmarshal(raw, &rows)
		for i, row := range rows {
			for _, c := range f.Columns {
				c.formValue(form, cellName(name, i, c.Name), row[c.Name])
			}
		}
		form.Set(name+".rows", strconv.Itoa(len(rows)+2))
	default:
		form.Set(name, scalarText(raw))
	}
}

// scalarText is a JSON scalar as a person types it: strings unquoted.
func scalarText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}
