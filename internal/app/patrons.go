package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/settings"
	"interlend/internal/store"
)

// PatronCategoriesSetting is the agency's patron categories and request
// limits (admin area: "Patron categories"; settings.manage).
var PatronCategoriesSetting = settings.Register(settings.Spec[patron.Policy]{
	Key: patron.SettingKey, Title: "patrons.categories.title", Help: "patrons.categories.help", Order: 30,
	Defaults: patron.DefaultPolicy,
	Validate: func(p patron.Policy) settings.Errors { return settingErrors(p.Validate()) },
	Fields: []settings.Field{
		{Name: "categories", Kind: settings.Records, Label: "patrons.categories.list", Help: "patrons.categories.listhelp", Columns: []settings.Field{
			{Name: "code", Kind: settings.Text, Label: "patrons.categories.code", Required: true},
			{Name: "name", Kind: settings.Text, Label: "patrons.categories.name"},
			{Name: "maxOpen", Kind: settings.Number, Label: "patrons.categories.maxopen", Min: 0, Max: 100000},
			{Name: "maxPerDay", Kind: settings.Number, Label: "patrons.categories.maxperday", Min: 0, Max: 100000},
			{Name: "noRequests", Kind: settings.Bool, Label: "patrons.categories.norequests"},
		}},
		{Name: "otherMaxOpen", Kind: settings.Number, Label: "patrons.categories.othermaxopen", Help: "patrons.categories.otherhelp", Min: 0, Max: 100000},
		{Name: "otherMaxPerDay", Kind: settings.Number, Label: "patrons.categories.othermaxperday", Min: 0, Max: 100000},
		{Name: "otherNoRequests", Kind: settings.Bool, Label: "patrons.categories.othernorequests"},
	},
})

// PatronPolicy is the agency's patron categories and limits (the default
// policy until the agency stores its own).
func (a *App) PatronPolicy(ctx context.Context, agency ill.AgencyID) (patron.Policy, error) {
	return PatronCategoriesSetting.Get(ctx, a.DB, agency)
}

func patronPolicy(tx *store.Tx, agency ill.AgencyID) (patron.Policy, error) {
	return PatronCategoriesSetting.GetTx(tx, agency)
}

// SetPatronPolicy stores the agency's patron categories. Returns Invalid
// or Forbidden (settings.manage).
func (a *App) SetPatronPolicy(ctx context.Context, actor ill.Actor, agency ill.AgencyID, p patron.Policy) error {
	return a.PutSetting(ctx, actor, agency, patron.SettingKey, p)
}

// CheckPatronMayRequest decides, inside the intake's transaction, whether
// the patron may place one more request at now, given how many requests
// they have open and how many they placed today (the intake counts them).
// It returns nil or a Forbidden error with a message for the patron whose
// cause is a *patron.Refusal (blocked, expired, category may not request,
// open limit, daily limit).
func (a *App) CheckPatronMayRequest(tx *store.Tx, agency ill.AgencyID, p store.Patron, open, today int, now time.Time) error {
	pol, err := patronPolicy(tx, agency)
	if err != nil {
		return err
	}
	return pol.Check(p.Standing(), open, today, now)
}

// SearchPatrons finds patrons by barcode, ILS id, name or email (every
// word must match). Returns Forbidden (patron.view).
func (a *App) SearchPatrons(ctx context.Context, actor ill.Actor, agency ill.AgencyID, q string, limit int) ([]store.Patron, error) {
	if err := actor.Require(agency, ill.PermPatronView); err != nil {
		return nil, err
	}
	var out []store.Patron
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.Agency().SearchPatrons(agency, q, limit)
		return err
	})
	return out, err
}

// PatronDetails is a patron with what the patron page shows around it.
type PatronDetails struct {
	Patron       store.Patron
	BlockHistory []store.PatronBlock // every block, lifted ones too, oldest first
	AccountEmail string              // the linked login account, if any
	Category     patron.Category     // the category as the policy knows it
	Listed       bool                // the category is in the policy
	Expired      bool
}

// Patron reads one patron for staff. Returns NotFound or Forbidden
// (patron.view).
func (a *App) Patron(ctx context.Context, actor ill.Actor, agency ill.AgencyID, id int64) (PatronDetails, error) {
	if err := actor.Require(agency, ill.PermPatronView); err != nil {
		return PatronDetails{}, err
	}
	var d PatronDetails
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		if d.Patron, err = tx.Agency().Patron(agency, id); err != nil {
			return err
		}
		if d.BlockHistory, err = tx.Agency().PatronBlockHistory(agency, id); err != nil {
			return err
		}
		if d.Patron.UserID != 0 {
			u, err := tx.System().UserByID(d.Patron.UserID)
			if err != nil {
				return err
			}
			d.AccountEmail = u.Email
		}
		pol, err := patronPolicy(tx, agency)
		if err != nil {
			return err
		}
		d.Category, d.Listed = pol.Lookup(d.Patron.Category)
		d.Expired = patron.Expired(d.Patron.Expires, tx.Now())
		return nil
	})
	return d, err
}

// MyPatronRecord is the patron record linked to the actor's own account
// in the agency (the portal). Returns NotFound.
func (a *App) MyPatronRecord(ctx context.Context, actor ill.Actor, agency ill.AgencyID) (store.Patron, error) {
	if actor.UserID == 0 {
		return store.Patron{}, ill.E(ill.Unauthenticated, "please log in")
	}
	var p store.Patron
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		p, err = tx.Agency().PatronByUser(agency, actor.UserID)
		return err
	})
	return p, err
}

// CreatePatron adds a patron typed in by staff. Returns Invalid, Conflict
// (barcode taken) or Forbidden (patron.manage).
func (a *App) CreatePatron(ctx context.Context, actor ill.Actor, agency ill.AgencyID, r patron.Record) (store.Patron, error) {
	if err := actor.Require(agency, ill.PermPatronManage); err != nil {
		return store.Patron{}, err
	}
	if err := normalizeForm(&r, patron.AllFields&^patron.FieldBlock); err != nil {
		return store.Patron{}, err
	}
	var p store.Patron
	err := a.write(ctx, func(tx *store.Tx) error {
		var err error
		p, err = tx.Agency().CreatePatron(agency, store.Patron{Record: r, Source: store.PatronByStaff}, actor.UserID)
		return err
	})
	return p, err
}

// UpdatePatron changes the fields f of a patron; an empty barcode keeps
// the patron's. Returns Invalid, NotFound, Conflict or Forbidden
// (patron.manage).
func (a *App) UpdatePatron(ctx context.Context, actor ill.Actor, agency ill.AgencyID, id int64, r patron.Record, f patron.Fields) (store.Patron, error) {
	if err := actor.Require(agency, ill.PermPatronManage); err != nil {
		return store.Patron{}, err
	}
	f &^= patron.FieldBlock // blocks have their own use cases
	var p store.Patron
	err := a.write(ctx, func(tx *store.Tx) error {
		old, err := tx.Agency().Patron(agency, id)
		if err != nil {
			return err
		}
		rec := r
		if strings.TrimSpace(rec.Barcode) == "" {
			rec.Barcode = old.Barcode
		}
		if err := normalizeForm(&rec, f); err != nil {
			return err
		}
		p, err = tx.Agency().UpdatePatron(agency, store.Patron{ID: id, Record: rec}, f, actor.UserID)
		return err
	})
	return p, err
}

// normalizeForm checks a record typed into a form, with a field error per
// problem (named as the form's inputs are).
func normalizeForm(r *patron.Record, f patron.Fields) error {
	problems := r.Normalize(f)
	if len(problems) == 0 {
		return nil
	}
	fields := map[string]string{}
	for _, p := range problems {
		name := p.Field
		if name == "id" {
			name = "ils_id"
		}
		fields[name] = p.Msg
	}
	return ill.E(ill.Invalid, "the patron details need correcting", fields)
}

// BlockPatron places a staff block with a reason. Returns Invalid,
// NotFound or Forbidden (patron.manage).
func (a *App) BlockPatron(ctx context.Context, actor ill.Actor, agency ill.AgencyID, id int64, reason string) (store.PatronBlock, error) {
	if err := actor.Require(agency, ill.PermPatronManage); err != nil {
		return store.PatronBlock{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 200 {
		return store.PatronBlock{}, ill.E(ill.Invalid, "give the reason for the block (at most 200 characters)", map[string]string{"reason": "give a reason the patron can be told"})
	}
	var b store.PatronBlock
	err := a.write(ctx, func(tx *store.Tx) error {
		var err error
		b, err = tx.Agency().AddPatronBlock(agency, id, store.BlockStaff, reason, actor.UserID)
		return err
	})
	return b, err
}

// UnblockPatron lifts a block (staff or import). Returns NotFound or
// Forbidden (patron.manage).
func (a *App) UnblockPatron(ctx context.Context, actor ill.Actor, agency ill.AgencyID, id, blockID int64) error {
	if err := actor.Require(agency, ill.PermPatronManage); err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		return tx.Agency().LiftPatronBlock(agency, id, blockID, actor.UserID)
	})
}

// LinkPatronAccount links a patron record to the login account with the
// email ("" unlinks), granting the account the patron role in the agency
// if it lacks it, so that the patron can use the portal. Returns NotFound,
// Conflict or Forbidden (patron.manage).
func (a *App) LinkPatronAccount(ctx context.Context, actor ill.Actor, agency ill.AgencyID, id int64, email string) error {
	if err := actor.Require(agency, ill.PermPatronManage); err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		if strings.TrimSpace(email) == "" {
			return tx.Agency().LinkPatronUser(agency, id, 0, actor.UserID)
		}
		u, err := tx.System().UserByEmail(email)
		if err != nil {
			return ill.E(ill.NotFound, "no account with this email: create it first", map[string]string{"account": "no such account"})
		}
		if u.Grants.IsOperator() {
			return ill.E(ill.Conflict, "an operator account cannot be a patron's login", map[string]string{"account": "an operator account"})
		}
		if err := tx.Agency().LinkPatronUser(agency, id, u.ID, actor.UserID); err != nil {
			return err
		}
		if !slices.Contains(u.Grants.RolesIn(agency), ill.RolePatron) {
			g := ill.Grant{Agency: agency, Role: ill.RolePatron}
			if err := tx.System().Grant(u.ID, g); err != nil {
				return err
			}
			return tx.System().SystemAudit(store.AuditRecord{Agency: agency, Actor: actor.UserID, Action: "user.grant", Target: u.Email, After: grantsText(ill.Grants{g})})
		}
		return nil
	})
}
