// Package settings is the registry of per-agency settings groups: the
// business calendar, pickup locations, retention periods, the fiscal year,
// single sign-on, and whatever later features add (patron categories,
// lending policies, notices, ...). Each group is a Go type with a JSON
// form, defaults, validation, the permission needed to change it and a
// form description, so that the admin area renders and parses every group
// without a template of its own.
//
// A feature registers its group from its own package:
//
//	var Categories = settings.Register(settings.Spec[Categories]{
//		Key: "patron.categories", Title: "patron.settings.title", ...})
//
// and reads it anywhere with Categories.Get(ctx, db, agency) (or
// settings.Get[Categories](ctx, db, "patron.categories", agency)), which
// returns the defaults while the agency has stored nothing. Values are
// stored as JSON in agency_settings; every change goes through
// store.AgencyData.PutSetting, which writes the audit record (app does the
// writing: see app.SaveSetting).
package settings

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"sync"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// Spec describes a settings group of type T. T must marshal to a JSON
// object (a struct, or a type with its own MarshalJSON such as
// calendar.Calendar); each top-level key of that object is one form field.
type Spec[T any] struct {
	Key   string // stored key, e.g. "calendar" or "patron.categories"
	Title string // catalog key of the group's name
	Help  string // catalog key of a sentence explaining the group (optional)
	// Perm is needed to change the group (default ill.PermSettings).
	Perm  ill.Permission
	Order int // position in the admin area (ascending)
	// Owner names the feature that defines the group, shown when the group
	// is a Placeholder (a catalog key).
	Owner string
	// Placeholder groups hold settings whose owner has not registered a
	// richer group yet; a later Register with the same key replaces them.
	Placeholder bool
	Defaults    func() T
	// Validate checks a whole value after the form has been parsed
	// field by field (optional). Keys of the result are form field names
	// (see Field.Name); "" is a message about the group as a whole.
	Validate func(v T) Errors
	Fields   []Field
}

// Group is a registered group with its type erased: what the admin area
// and the app work with.
type Group struct {
	Key         string
	Title       string
	Help        string
	Perm        ill.Permission
	Order       int
	Owner       string
	Placeholder bool
	Fields      []Field

	typ      reflect.Type
	defaults func() any
	decode   func(raw []byte) (any, error) // stored JSON over the defaults
	validate func(v any) Errors
}

// Key is a typed handle on a registered group.
type Key[T any] string

// Get reads the group for an agency: its stored value over the defaults,
// or the defaults when nothing is stored.
func (k Key[T]) Get(ctx context.Context, db Reader, agency ill.AgencyID) (T, error) {
	return Get[T](ctx, db, agency, string(k))
}

// GetTx is Get inside a transaction.
func (k Key[T]) GetTx(tx *store.Tx, agency ill.AgencyID) (T, error) {
	return GetTx[T](tx, agency, string(k))
}

// Reader runs read-only work against the database (*store.DB).
type Reader interface {
	Read(ctx context.Context, fn func(*store.Tx) error) error
}

// registry holds the groups; tests make their own.
type registry struct {
	mu     sync.RWMutex
	groups map[string]*Group
}

var groups = &registry{groups: map[string]*Group{}}

// Register adds a group (call from a package-level var or init). It panics
// on a second registration of a key, unless the first was a Placeholder,
// and on a malformed Spec: both are wiring bugs found at start-up.
func Register[T any](s Spec[T]) Key[T] { return registerIn(groups, s) }

func registerIn[T any](r *registry, s Spec[T]) Key[T] {
	if s.Key == "" || s.Title == "" || s.Defaults == nil {
		panic("settings: a group needs a Key, a Title and Defaults")
	}
	if s.Perm == "" {
		s.Perm = ill.PermSettings
	}
	g := &Group{
		Key: s.Key, Title: s.Title, Help: s.Help, Perm: s.Perm, Order: s.Order, Owner: s.Owner,
		Placeholder: s.Placeholder, Fields: s.Fields,
		typ:      reflect.TypeFor[T](),
		defaults: func() any { return s.Defaults() },
		decode: func(raw []byte) (any, error) {
			// Stored keys replace the defaults' keys one by one, so that a key
			// added to T later starts at its default; the merged object is
			// decoded into a zero T (decoding over the defaults would keep
			// stale elements of slices in the defaults).
			obj, err := toObject(s.Defaults())
			if err != nil {
				return nil, err
			}
			var stored map[string]json.RawMessage
			if err := json.Unmarshal(raw, &stored); err != nil {
				return nil, err
			}
			for k, v := range stored {
				obj[k] = v
			}
			merged, err := json.Marshal(obj)
			if err != nil {
				return nil, err
			}
			var v T
			if err := json.Unmarshal(merged, &v); err != nil {
				return nil, err
			}
			return v, nil
		},
		validate: func(v any) Errors {
			if s.Validate == nil {
				return nil
			}
			return s.Validate(v.(T))
		},
	}
	if err := g.check(); err != nil {
		panic(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.groups[s.Key]; ok && !old.Placeholder {
		panic("settings: group registered twice: " + s.Key)
	}
	r.groups[s.Key] = g
	return Key[T](s.Key)
}

// check verifies that the defaults form a JSON object whose keys include
// every field (so that the form and the type agree); a misspelt field name
// panics at start-up instead of being silently ignored.
func (g *Group) check() error {
	obj, err := toObject(g.defaults())
	if err != nil {
		return fmt.Errorf("settings: group %s: defaults: %w", g.Key, err)
	}
	for _, f := range g.Fields {
		if f.Name == "" {
			continue
		}
		// An empty list may be left out of the JSON form (omitempty).
		if _, ok := obj[f.Name]; !ok && f.Kind != Records && f.Kind != List && f.Kind != JSON {
			return fmt.Errorf("settings: group %s: field %q is not a key of the JSON form of %s", g.Key, f.Name, g.typ)
		}
		if f.Kind == Records && len(f.Columns) == 0 {
			return fmt.Errorf("settings: group %s: records field %q has no columns", g.Key, f.Name)
		}
	}
	return nil
}

// Lookup finds a registered group.
func Lookup(key string) (*Group, bool) { return groups.lookup(key) }

func (r *registry) lookup(key string) (*Group, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	g, ok := r.groups[key]
	return g, ok
}

// Groups lists the registered groups in admin order.
func Groups() []*Group { return groups.list() }

func (r *registry) list() []*Group {
	r.mu.RLock()
	out := make([]*Group, 0, len(r.groups))
	for _, g := range r.groups {
		out = append(out, g)
	}
	r.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Order != out[j].Order {
			return out[i].Order < out[j].Order
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// Type is the Go type of the group's values.
func (g *Group) Type() reflect.Type { return g.typ }

// Defaults returns a fresh default value.
func (g *Group) Defaults() any { return g.defaults() }

// Decode reads a stored JSON value over the defaults.
func (g *Group) Decode(raw string) (any, error) {
	if raw == "" {
		return g.defaults(), nil
	}
	v, err := g.decode([]byte(raw))
	if err != nil {
		return nil, fmt.Errorf("settings: stored %s: %w", g.Key, err)
	}
	return v, nil
}

// Encode writes a value in its stored JSON form. It fails when v is not of
// the group's type.
func (g *Group) Encode(v any) (string, error) {
	if reflect.TypeOf(v) != g.typ {
		return "", fmt.Errorf("settings: group %s holds %s, not %T", g.Key, g.typ, v)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("settings: encode %s: %w", g.Key, err)
	}
	return string(bytes.TrimSpace(b.Bytes())), nil
}

// Validate checks a value of the group's type.
func (g *Group) Validate(v any) Errors {
	if reflect.TypeOf(v) != g.typ {
		return Errors{"": M("platform.settings.err.type")}
	}
	return g.validate(v)
}

// Load reads an agency's value of the group inside tx; set reports whether
// anything is stored (false: the defaults).
func (g *Group) Load(tx *store.Tx, agency ill.AgencyID) (v any, st store.Setting, set bool, err error) {
	st, set, err = tx.Agency().GetSetting(agency, g.Key)
	if err != nil {
		return nil, st, false, fmt.Errorf("settings: read %s of %s: %w", g.Key, agency, err)
	}
	if !set {
		return g.defaults(), st, false, nil
	}
	v, err = g.Decode(st.Value)
	return v, st, true, err
}

// Get reads the group key of an agency as a T (see Key.Get).
func Get[T any](ctx context.Context, db Reader, agency ill.AgencyID, key string) (T, error) {
	var v T
	err := db.Read(ctx, func(tx *store.Tx) error {
		var err error
		v, err = GetTx[T](tx, agency, key)
		return err
	})
	return v, err
}

// GetTx is Get inside a transaction.
func GetTx[T any](tx *store.Tx, agency ill.AgencyID, key string) (T, error) {
	var zero T
	g, ok := Lookup(key)
	if !ok {
		return zero, fmt.Errorf("settings: no group %q is registered", key)
	}
	if g.typ != reflect.TypeFor[T]() {
		return zero, fmt.Errorf("settings: group %s holds %s, not %s", key, g.typ, reflect.TypeFor[T]())
	}
	v, _, _, err := g.Load(tx, agency)
	if err != nil {
		return zero, err
	}
	return v.(T), nil
}

// toObject turns a value into its JSON object, key by key.
func toObject(v any) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if obj == nil {
		obj = map[string]json.RawMessage{}
	}
	return obj, nil
}
