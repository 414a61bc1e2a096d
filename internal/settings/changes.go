package settings

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Display is a value as the audit trail shows it: a catalog key to
// translate (yes, no, a choice's label, "not set") or, when Key is empty,
// Text to show as it is (data typed by a person).
type Display struct {
	Key  string
	Text string
}

// Change is one field that differs between two stored values.
type Change struct {
	Field  Field
	Before Display
	After  Display
}

// Changes lists the fields that differ between two stored JSON values of
// the group ("" before means the defaults were in force). Secrets never
// appear: only that one was set, changed or removed.
func (g *Group) Changes(before, after string) []Change {
	b, a := g.objectOf(before), g.objectOf(after)
	var out []Change
	for _, f := range g.Fields {
		if f.Name == "" {
			if !sameJSON(mustJSON(b), mustJSON(a)) {
				out = append(out, Change{Field: f, Before: Display{Text: string(mustJSON(b))}, After: Display{Text: string(mustJSON(a))}})
			}
			continue
		}
		x, y := b[f.Name], a[f.Name]
		if sameJSON(x, y) {
			continue
		}
		c := Change{Field: f, Before: f.display(x), After: f.display(y)}
		if f.Kind == Secret && c.Before == c.After {
			c.After = Display{Key: "platform.settings.secret.changed"}
		}
		out = append(out, c)
	}
	return out
}

// RawChange describes a change of a value no registered group reads.
func RawChange(before, after string) []Change {
	return []Change{{Field: Field{Label: "platform.settings.value"}, Before: Display{Text: before}, After: Display{Text: after}}}
}

func (g *Group) objectOf(raw string) map[string]json.RawMessage {
	if raw == "" {
		obj, _ := toObject(g.defaults())
		return obj
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(raw), &obj) != nil || obj == nil {
		return map[string]json.RawMessage{}
	}
	return obj
}

func (f Field) display(raw json.RawMessage) Display {
	switch f.Kind {
	case Secret:
		if scalarText(raw) != "" {
			return Display{Key: "platform.settings.secret.set"}
		}
		return Display{Key: "platform.settings.secret.unset"}
	case Bool:
		var v bool
		if json.Unmarshal(raw, &v) == nil && v {
			return Display{Key: "platform.yes"}
		}
		return Display{Key: "platform.no"}
	case Select:
		s := scalarText(raw)
		for _, o := range f.Options {
			if o.Value == s {
				return Display{Key: o.Label}
			}
		}
	case List:
		var items []string
		if json.Unmarshal(raw, &items) == nil {
			if len(items) == 0 {
				return Display{Key: "platform.settings.empty"}
			}
			return Display{Text: strings.Join(items, ", ")}
		}
	case Week:
		var m map[string]string
		if json.Unmarshal(raw, &m) == nil {
			parts := make([]string, 0, 7)
			for _, d := range Weekdays {
				parts = append(parts, d+" "+m[d])
			}
			return Display{Text: strings.Join(parts, ", ")}
		}
	case Records:
		var rows []map[string]json.RawMessage
		if json.Unmarshal(raw, &rows) != nil || len(rows) == 0 {
			return Display{Key: "platform.settings.empty"}
		}
		return Display{Text: f.recordsText(rows)}
	case JSON:
		if len(raw) == 0 || string(raw) == "null" || string(raw) == "[]" {
			return Display{Key: "platform.settings.empty"}
		}
		return Display{Text: string(raw)}
	}
	if s := scalarText(raw); s != "" {
		return Display{Text: s}
	}
	return Display{Key: "platform.settings.empty"}
}

// recordsText writes rows as people read them: each row's values in
// column order, a ticked box by its key in brackets, rows apart by " | ".
func (f Field) recordsText(rows []map[string]json.RawMessage) string {
	out := make([]string, 0, len(rows))
	for _, row := range rows {
		var vals []string
		for _, c := range f.Columns {
			raw := row[c.Name]
			if c.Kind == Bool {
				if string(raw) == "true" {
					vals = append(vals, "["+c.Name+"]")
				}
				continue
			}
			if v := scalarText(raw); v != "" {
				vals = append(vals, v)
			}
		}
		out = append(out, strings.Join(vals, " "))
	}
	return strings.Join(out, " | ")
}

// sameJSON compares two JSON texts ignoring spacing; a missing value, null
// and an empty list are the same (an empty list may be left out).
func sameJSON(a, b json.RawMessage) bool {
	a, b = canonicalEmpty(a), canonicalEmpty(b)
	var x, y bytes.Buffer
	if json.Compact(&x, a) != nil || json.Compact(&y, b) != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(x.Bytes(), y.Bytes())
}

func canonicalEmpty(raw json.RawMessage) json.RawMessage {
	switch strings.TrimSpace(string(raw)) {
	case "", "null", "[]":
		return json.RawMessage("null")
	}
	return raw
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}
