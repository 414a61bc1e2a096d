package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	"interlend/internal/ill"
	"interlend/internal/settings"
	"interlend/internal/store"
)

// SettingState is one settings group of an agency as the admin area shows
// it: the current value (the defaults while nothing is stored) and who
// changed it last.
type SettingState struct {
	Group     *settings.Group
	Value     any
	Set       bool // false: the defaults are in force
	UpdatedAt time.Time
	UpdatedBy string // name (or email) of who changed it last; "" for the system
	// Version identifies the stored value (a hash of it); a form carries
	// it back so that a change made meanwhile by someone else is not
	// overwritten.
	Version string
}

// SettingChange is one entry of a group's audit trail, secrets masked.
type SettingChange struct {
	At         time.Time
	ActorName  string // "" for the system
	ActorEmail string
	Key        string
	Group      *settings.Group // nil when no registered group reads Key
	Changes    []settings.Change
}

// settingsActionPrefix selects settings changes in the audit log (the
// store writes them as "settings.update").
const settingsActionPrefix = "settings."

// SettingGroups lists the groups the actor may change in an agency, with
// their current values. Returns Forbidden without the settings permission.
func (a *App) SettingGroups(ctx context.Context, actor ill.Actor, agency ill.AgencyID) ([]SettingState, error) {
	if err := requireAgency(actor, agency, ill.PermSettings); err != nil {
		return nil, err
	}
	var out []SettingState
	err := a.read(ctx, func(tx *store.Tx) error {
		out = out[:0]
		for _, g := range settings.Groups() {
			if !actor.CanIn(agency, g.Perm) {
				continue
			}
			st, err := loadState(tx, g, agency)
			if err != nil {
				return err
			}
			out = append(out, st)
		}
		return nil
	})
	return out, err
}

// SettingGroup returns one group of an agency. Returns NotFound or
// Forbidden.
func (a *App) SettingGroup(ctx context.Context, actor ill.Actor, agency ill.AgencyID, key string) (SettingState, error) {
	g, err := groupFor(actor, agency, key)
	if err != nil {
		return SettingState{}, err
	}
	var st SettingState
	err = a.read(ctx, func(tx *store.Tx) error {
		st, err = loadState(tx, g, agency)
		return err
	})
	return st, err
}

// SaveSettingForm parses a submitted admin form for a group and stores
// the value, with an audit record of the change. version is the Version
// the form was made from: if the group changed since, nothing is saved
// and the error is Conflict. Returns Invalid (wrapping a
// *settings.ValidationError), Conflict, NotFound or Forbidden.
func (a *App) SaveSettingForm(ctx context.Context, actor ill.Actor, agency ill.AgencyID, key string, form url.Values, version string) (SettingState, error) {
	g, err := groupFor(actor, agency, key)
	if err != nil {
		return SettingState{}, err
	}
	var st SettingState
	err = a.write(ctx, func(tx *store.Tx) error {
		cur, err := loadState(tx, g, agency)
		if err != nil {
			return err
		}
		if version != cur.Version {
			return ill.E(ill.Conflict, settings.M("platform.settings.err.conflict").English())
		}
		v, err := g.Parse(form, cur.Value)
		if err != nil {
			return err
		}
		if err := putSetting(tx, g, agency, v, actor.UserID); err != nil {
			return err
		}
		st, err = loadState(tx, g, agency)
		return err
	})
	return st, err
}

// PutSetting validates and stores a value of a group's type (for features
// and commands that set values without a form). Returns Invalid, NotFound
// or Forbidden.
func (a *App) PutSetting(ctx context.Context, actor ill.Actor, agency ill.AgencyID, key string, value any) error {
	g, err := groupFor(actor, agency, key)
	if err != nil {
		return err
	}
	if errs := g.Validate(value); len(errs) > 0 {
		return ill.E(ill.Invalid, "the settings need correcting", &settings.ValidationError{Group: key, Fields: errs})
	}
	return a.write(ctx, func(tx *store.Tx) error { return putSetting(tx, g, agency, value, actor.UserID) })
}

func putSetting(tx *store.Tx, g *settings.Group, agency ill.AgencyID, v any, by int64) error {
	raw, err := g.Encode(v)
	if err != nil {
		return err
	}
	if _, err := tx.System().GetAgency(agency); err != nil {
		return err
	}
	return tx.Agency().PutSetting(agency, g.Key, raw, by, g.Mask)
}

// SettingsAudit lists changes to an agency's settings, newest first; key
// "" lists every group's. Secrets are never shown. Returns Forbidden.
func (a *App) SettingsAudit(ctx context.Context, actor ill.Actor, agency ill.AgencyID, key string, limit int) ([]SettingChange, error) {
	if err := requireAgency(actor, agency, ill.PermSettings); err != nil {
		return nil, err
	}
	var es []store.AuditEntry
	err := a.read(ctx, func(tx *store.Tx) (err error) {
		es, err = tx.Agency().AuditTrail(agency, store.AuditQuery{ActionPrefix: settingsActionPrefix, Target: key, Limit: limit})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]SettingChange, 0, len(es))
	for _, e := range es {
		c := SettingChange{At: e.At, ActorName: e.ActorName, ActorEmail: e.ActorEmail, Key: e.Target}
		if g, ok := settings.Lookup(e.Target); ok {
			c.Group, c.Changes = g, g.Changes(e.Before, e.After)
		} else {
			c.Changes = settings.RawChange(e.Before, e.After)
		}
		out = append(out, c)
	}
	return out, nil
}

// AgencyLocation is the agency's time zone from its business calendar
// (UTC when it cannot be read), for showing dates and times.
func (a *App) AgencyLocation(ctx context.Context, agency ill.AgencyID) *time.Location {
	if agency == "" {
		return time.UTC
	}
	c, err := settings.CalendarSetting.Get(ctx, a.DB, agency)
	if err != nil || c.Location == nil {
		return time.UTC
	}
	return c.Location
}

func groupFor(actor ill.Actor, agency ill.AgencyID, key string) (*settings.Group, error) {
	if err := requireAgency(actor, agency, ill.PermSettings); err != nil {
		return nil, err
	}
	g, ok := settings.Lookup(key)
	if !ok {
		return nil, ill.Errorf(ill.NotFound, "there are no settings called %q", key)
	}
	if err := actor.Require(agency, g.Perm); err != nil {
		return nil, err
	}
	return g, nil
}

// requireAgency checks a permission in an agency that must be named.
func requireAgency(actor ill.Actor, agency ill.AgencyID, p ill.Permission) error {
	if agency == "" {
		return ill.E(ill.Invalid, "choose a library first")
	}
	return actor.Require(agency, p)
}

func loadState(tx *store.Tx, g *settings.Group, agency ill.AgencyID) (SettingState, error) {
	v, st, set, err := g.Load(tx, agency)
	if err != nil {
		return SettingState{}, err
	}
	out := SettingState{Group: g, Value: v, Set: set, Version: "0"}
	if set {
		out.UpdatedAt = st.UpdatedAt
		sum := sha256.Sum256([]byte(st.Value))
		out.Version = hex.EncodeToString(sum[:8])
		if st.UpdatedBy != 0 {
			u, err := tx.System().UserByID(st.UpdatedBy)
			switch {
			case err == nil && u.Name != "":
				out.UpdatedBy = u.Name
			case err == nil:
				out.UpdatedBy = u.Email
			case !ill.Is(err, ill.NotFound):
				return SettingState{}, fmt.Errorf("app: setting %s: %w", g.Key, err)
			}
		}
	}
	return out, nil
}
