package settings

import (
	"sort"
	"strings"

	"interlend/internal/i18n"
	"interlend/internal/ill"
)

// Message is a text for a person: a catalog key and its arguments, so
// that each surface shows it in the reader's language.
type Message struct {
	Key  string
	Args []any
}

// M builds a Message.
func M(key string, args ...any) Message { return Message{Key: key, Args: args} }

// English renders the message in English (logs, the CLI, API errors).
func (m Message) English() string { return i18n.Load().Text(i18n.Default, m.Key, m.Args...) }

// Errors maps form field names (see Field.Name; "week.mon" for a part
// of a field, "closures.2.from" for a cell of a record) to what is wrong
// there; "" holds a message about the group as a whole.
type Errors map[string]Message

// ValidationError is what saving an invalid value returns (wrapped in an
// ill.Invalid error): the per-field messages, for a surface to translate.
type ValidationError struct {
	Group  string
	Fields Errors
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		name := k
		if name == "" {
			name = e.Group
		}
		parts = append(parts, name+": "+e.Fields[k].English())
	}
	return "settings " + e.Group + ": " + strings.Join(parts, "; ")
}

// invalid wraps field errors as an ill.Invalid error whose Fields are in
// English and whose cause is the *ValidationError.
func invalid(group string, errs Errors) error {
	fields := make(map[string]string, len(errs))
	for k, m := range errs {
		if k == "" {
			k = "value"
		}
		fields[k] = m.English()
	}
	return ill.E(ill.Invalid, "the settings need correcting", fields, &ValidationError{Group: group, Fields: errs})
}
