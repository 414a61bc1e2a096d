package settings

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// FieldView is a field ready for a template: its values (from the stored
// value, or from a submitted form being shown again) and its problems.
type FieldView struct {
	Field
	ID      string // HTML id of the input
	Value   string
	Checked bool
	IsSet   bool // Secret: a secret is stored
	Error   *Message
	Parts   []PartView   // Week: one per weekday
	Rows    [][]PartView // Records: one row per record, then blank rows
	Columns []Field      // Records: the column headings
}

// PartView is one input inside a field: a weekday of a Week, or a cell of
// a Records row.
type PartView struct {
	Field
	Name    string // form name
	ID      string
	Day     string // Week: mon..sun
	Row     int    // Records: 1-based row number
	Value   string
	Checked bool
	Error   *Message
}

// View prepares the group's fields for a template. form holds the values
// to show (FormValues of the stored value, or what was submitted);
// current tells whether a Secret is set; errs are the problems to show.
func (g *Group) View(form url.Values, current any, errs Errors) []FieldView {
	obj, _ := toObject(current)
	out := make([]FieldView, 0, len(g.Fields))
	for _, f := range g.Fields {
		v := FieldView{Field: f, ID: "f-" + htmlID(f.Name), Value: form.Get(f.Name), Checked: form.Get(f.Name) != ""}
		if f.Name == "" {
			v.ID = "f-value"
		}
		if m, ok := errs[f.Name]; ok {
			v.Error = &m
		}
		switch f.Kind {
		case Secret:
			v.Value = ""
			v.IsSet = scalarText(obj[f.Name]) != ""
		case Week:
			for _, d := range Weekdays {
				name := f.Name + "." + d
				p := PartView{Field: Field{Kind: Text, Label: "platform.day." + d}, Name: name, ID: v.ID + "-" + d, Day: d, Value: form.Get(name)}
				if m, ok := errs[name]; ok {
					p.Error = &m
				}
				v.Parts = append(v.Parts, p)
			}
		case Records:
			v.Columns = f.Columns
			n, _ := strconv.Atoi(form.Get(f.Name + ".rows"))
			n = min(max(n, 1), maxRecords)
			for i := range n {
				var row []PartView
				for _, c := range f.Columns {
					name := cellName(f.Name, i, c.Name)
					p := PartView{Field: c, Name: name, ID: htmlID("f-" + name), Row: i + 1, Value: form.Get(name), Checked: form.Get(name) != ""}
					if m, ok := errs[name]; ok {
						p.Error = &m
					}
					row = append(row, p)
				}
				v.Rows = append(v.Rows, row)
			}
		}
		out = append(out, v)
	}
	return out
}

// RowCount is the number of rows a Records field shows (its hidden
// ".rows" form value).
func (v FieldView) RowCount() int { return len(v.Rows) }

// htmlID turns a form name into an id (dots are legal but awkward in CSS).
func htmlID(name string) string { return strings.NewReplacer(".", "-", " ", "-").Replace(name) }

// Mask hides the secrets in a stored JSON value of the group (for the
// audit trail): a set secret reads "********" and a short fingerprint, so
// that a change of secret is still seen as a change without keeping it.
func (g *Group) Mask(raw string) string {
	var obj map[string]json.RawMessage
	if raw == "" || json.Unmarshal([]byte(raw), &obj) != nil {
		return raw
	}
	changed := false
	for _, f := range g.Fields {
		if f.Kind == Secret && scalarText(obj[f.Name]) != "" {
			sum := sha256.Sum256([]byte(scalarText(obj[f.Name])))
			obj[f.Name] = json.RawMessage(`"******** ` + hex.EncodeToString(sum[:4]) + `"`)
			changed = true
		}
	}
	if !changed {
		return raw
	}
	b, _ := json.Marshal(obj)
	return string(b)
}
