package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"interlend/internal/copyright"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// The UK copyright declaration (CDPA s.42A, standards/copyright.md §2):
// when the library's regime is UK, the patron request form for a copy
// shows copyright.UKDeclarationText; the patron ticks that they confirm it
// and types their name as a signature. The declaration (wording version,
// the wording's SHA-256, the typed name, the time) is stored with the
// request before the request is assessed, so a signed request goes ahead
// as UK-FairDealing. A request held for want of a declaration is released
// when the patron signs it later (SignCopyrightDeclaration).

// DeclarationInput is a UK copyright declaration as signed on a form.
type DeclarationInput struct {
	// Accepted: the patron confirmed the declaration's statements.
	Accepted bool `json:"accepted"`
	// Name is the patron's full name, typed as a signature.
	Name string `json:"name"`
}

// Field errors of a declaration carry catalog keys.
const (
	errDeclarationAccept = "portal.err.declaration"
	errDeclarationName   = "portal.err.declarationname"
)

// check returns field errors (catalog keys) for an unsigned declaration.
func (d DeclarationInput) check() map[string]string {
	errs := map[string]string{}
	if !d.Accepted {
		errs["declaration"] = errDeclarationAccept
	}
	if n := strings.TrimSpace(d.Name); n == "" || utf8.RuneCountInString(n) > 200 {
		errs["declarationName"] = errDeclarationName
	}
	return errs
}

// ukDeclarationSHA256 fingerprints the wording the patron was shown.
var ukDeclarationSHA256 = func() string {
	h := sha256.Sum256([]byte(copyright.UKDeclarationText))
	return hex.EncodeToString(h[:])
}()

// addDeclaration stores a declaration with a new borrowing copy request.
// Nothing is stored for nil; an unsigned one is Invalid.
func addDeclaration(tx *store.Tx, r *ill.Request, in *DeclarationInput) error {
	if in == nil {
		return nil
	}
	if errs := in.check(); len(errs) > 0 {
		return ill.E(ill.Invalid, "Please confirm the copyright declaration and type your name to sign it.", errs)
	}
	if r.Side != ill.Borrowing || !copyright.ServiceType(r.ServiceType).IsCopy() {
		return nil // only copies need one
	}
	return tx.Agency().AddCopyrightDeclaration(r.Agency, &store.CopyrightDeclaration{RequestDBID: r.ID, Request: r.PublicID,
		TextVersion: copyright.UKDeclarationVersion, TextSHA256: ukDeclarationSHA256, Signature: strings.TrimSpace(in.Name), SignedAt: tx.Now()})
}

// requestDeclaration reads a request's declaration for the rules (nil
// when there is none).
func requestDeclaration(tx *store.Tx, r *ill.Request) (*copyright.Declaration, error) {
	if r.ID == 0 {
		return nil, nil
	}
	d, err := tx.Agency().CopyrightDeclarationFor(r.Agency, r.ID)
	if ill.Is(err, ill.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return d.Declaration(), nil
}

// UKDeclarationRequired reports whether the agency's copy request form
// asks for the UK declaration (its copyright regime is UK).
func (a *App) UKDeclarationRequired(ctx context.Context, agency ill.AgencyID) (bool, error) {
	s, err := CopyrightSetting.Get(ctx, a.DB, agency)
	if err != nil {
		return false, err
	}
	return copyright.Regime(s.Regime) == copyright.RegimeUK, nil
}

// CopyrightDeclarationOf returns a request's declaration (staff, or the
// request's patron). Returns NotFound.
func (a *App) CopyrightDeclarationOf(ctx context.Context, actor ill.Actor, publicID string) (store.CopyrightDeclaration, error) {
	var out store.CopyrightDeclaration
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		out, err = tx.Agency().CopyrightDeclarationFor(r.Agency, r.ID)
		return err
	})
	return out, err
}

// SignCopyrightDeclaration records the declaration for a request already
// made (the patron signs after being asked to, or staff record a signed
// paper form) and, when the request was held for want of it, assesses it
// again: if the rules now let it go it is sent. Returns NotFound,
// Conflict (already signed, or not a borrowing copy) or Invalid.
func (a *App) SignCopyrightDeclaration(ctx context.Context, actor ill.Actor, publicID string, in DeclarationInput) (*ill.Request, error) {
	if errs := in.check(); len(errs) > 0 {
		return nil, ill.E(ill.Invalid, "Please confirm the copyright declaration and type your name to sign it.", errs)
	}
	var out *ill.Request
	err := a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		if r.Side != ill.Borrowing || !copyright.ServiceType(r.ServiceType).IsCopy() {
			return ill.E(ill.Conflict, fmt.Sprintf("%s is not a copy request; it needs no copyright declaration", r.PublicID))
		}
		if err := addDeclaration(tx, r, &in); err != nil {
			return err
		}
		if err := a.event(tx, r, actor, "edited", "copyright_declaration_signed", declarationEventData(), 0); err != nil {
			return err
		}
		out = r
		e, err := tx.Agency().CopyrightEntryFor(r.Agency, r.ID)
		if ill.Is(err, ill.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if e.State != copyright.StateAwaiting || r.State != ill.BAwaitingCopyr || !e.Decision.HasFlag(copyright.FlagNoDeclaration) {
			return nil
		}
		_, _, loc, err := copyrightRules(tx, r.Agency)
		if err != nil {
			return err
		}
		return a.recheckCopyright(tx, lendingSystemActor(r.Agency), r, &e, tx.Now().In(loc))
	})
	return out, err
}

// portalDeclaration adds the UK declaration to a portal copy request when
// the library's regime is UK: its field errors join the form's (err is
// the form check's), else it goes with the new request.
func (a *App) portalDeclaration(ctx context.Context, agency ill.AgencyID, f PortalForm, n *NewRequest, err error) error {
	if n.ServiceType != ill.Copy {
		return err
	}
	uk, uerr := a.UKDeclarationRequired(ctx, agency)
	if uerr != nil {
		return uerr
	}
	if !uk {
		return err
	}
	derrs := f.Declaration.check()
	if len(derrs) == 0 {
		d := f.Declaration
		n.CopyrightDeclaration = &d
		return err
	}
	if err != nil && !ill.Is(err, ill.Invalid) {
		return err
	}
	for k, v := range ill.FieldErrors(err) {
		derrs[k] = v
	}
	return ill.E(ill.Invalid, "Please correct the marked fields.", derrs)
}

// declarationEventData is the data of a copyright_declaration_signed
// event: the wording's version, never the typed name.
func declarationEventData() map[string]any {
	return map[string]any{"textVersion": copyright.UKDeclarationVersion}
}

// DeclarationNeeded reports whether a request is held until its patron
// signs the UK copyright declaration (the portal then offers the form).
func (a *App) DeclarationNeeded(ctx context.Context, actor ill.Actor, publicID string) (bool, error) {
	need := false
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		if r.Side != ill.Borrowing || r.State != ill.BAwaitingCopyr || !copyright.ServiceType(r.ServiceType).IsCopy() {
			return nil
		}
		d, err := requestDeclaration(tx, r)
		if err != nil || d != nil {
			return err
		}
		e, err := tx.Agency().CopyrightEntryFor(r.Agency, r.ID)
		if ill.Is(err, ill.NotFound) {
			return nil
		}
		need = err == nil && e.State == copyright.StateAwaiting && e.Decision.HasFlag(copyright.FlagNoDeclaration)
		return err
	})
	return need, err
}
