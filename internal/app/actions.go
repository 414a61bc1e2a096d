package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// ActionNotAllowed says an action cannot be taken on a request now, and
// which actions can.
type ActionNotAllowed struct {
	Action  ill.ActionName
	State   ill.State
	Allowed []string
}

func (e *ActionNotAllowed) Error() string {
	return fmt.Sprintf("%s is not possible while the request is %s", e.Action, e.State)
}

// loadForActor locks a request of the actor's agency that the actor may
// see: staff see the agency's requests, a patron only their own (others are
// NotFound, not Forbidden: their existence is not disclosed).
func (a *App) loadForActor(tx *store.Tx, actor ill.Actor, publicID string, lock bool) (*ill.Request, error) {
	var r *ill.Request
	var err error
	if lock {
		r, err = tx.Agency().LockRequest(actor.Agency, publicID)
	} else {
		r, err = tx.Agency().GetRequest(actor.Agency, publicID)
	}
	if err != nil {
		return nil, err
	}
	if !canSee(actor, r) {
		return nil, notFound(publicID)
	}
	return r, nil
}

func notFound(publicID string) error { return ill.Errorf(ill.NotFound, "no request %s here", publicID) }

func canSee(actor ill.Actor, r *ill.Request) bool {
	switch {
	case actor.Kind == ill.ActorSystem:
		return true
	case actor.Kind == ill.ActorPatron:
		return r.Side == ill.Borrowing && r.OwnerUserID != 0 && r.OwnerUserID == actor.UserID
	default:
		return actor.Can(ill.PermRequestView)
	}
}

// may reports whether the actor may take the action (kind and permission).
func may(actor ill.Actor, def ill.ActionDef) bool {
	if !slices.Contains(def.Actors, actor.Kind) {
		return false
	}
	switch actor.Kind {
	case ill.ActorStaff:
		return def.Perm == "" || actor.Can(def.Perm)
	case ill.ActorPatron:
		return actor.Can(ill.PermPatronSelf)
	}
	return true
}

// availableFor lists the actions the actor may take on r now.
func availableFor(actor ill.Actor, r *ill.Request) []ill.ActionDef {
	var out []ill.ActionDef
	for _, def := range ill.WorkflowFor(r.Side).Available(r.State, actor.Kind, r.ServiceType) {
		if def.OffSystemOnly && r.Protocol != ProtocolOffSystem {
			continue
		}
		if may(actor, def) && (r.Partner != "" || def.Sends.IsZero() || r.Side == ill.Borrowing && def.Name == ill.ActSend) {
			out = append(out, def)
		}
	}
	return out
}

// ActionsFor lists what the actor may do to a request it has just read
// (through GetRequest, ListRequests or Perform, which checked it may see
// it): the same answer as AvailableActions without reading it again.
func (a *App) ActionsFor(actor ill.Actor, r *ill.Request) []ill.ActionDef {
	return availableFor(actor, r)
}

// AvailableActions lists what the actor may do to a request now.
// Returns NotFound.
func (a *App) AvailableActions(ctx context.Context, actor ill.Actor, publicID string) ([]ill.ActionDef, error) {
	var out []ill.ActionDef
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		out = availableFor(actor, r)
		return nil
	})
	return out, err
}

// Perform takes an action of the state tables on a request. version is the
// request version the person saw (0 skips the check). Returns NotFound,
// Forbidden, Invalid (with field messages), or Conflict (the action is not
// possible now — wrapping *ActionNotAllowed — or someone else changed the
// request meanwhile).
func (a *App) Perform(ctx context.Context, actor ill.Actor, publicID string, name ill.ActionName, raw map[string]any, version int64) (*ill.Request, error) {
	var out *ill.Request
	err := a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		if err := a.perform(tx, actor, r, name, raw, version); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}

// perform is Perform on a loaded, locked request.
func (a *App) perform(tx *store.Tx, actor ill.Actor, r *ill.Request, name ill.ActionName, raw map[string]any, version int64) error {
	wf := ill.WorkflowFor(r.Side)
	def, ok := wf.Action(name)
	if !ok {
		return ill.E(ill.Invalid, fmt.Sprintf("there is no action %q for %s requests", name, r.Side), map[string]string{"action": "unknown action"})
	}
	if !slices.Contains(def.Actors, actor.Kind) || !may(actor, def) {
		if actor.Kind == ill.ActorStaff && slices.Contains(def.Actors, ill.ActorStaff) {
			return actor.Require(r.Agency, def.Perm)
		}
		return ill.Errorf(ill.Forbidden, "you cannot %s", strings.ReplaceAll(string(name), "_", " "))
	}
	if version > 0 && version != r.Version {
		return ill.E(ill.Conflict, fmt.Sprintf("request %s was changed by someone else meanwhile; reload it and try again", r.PublicID))
	}
	allowed := availableFor(actor, r)
	if !slices.ContainsFunc(allowed, func(d ill.ActionDef) bool { return d.Name == name }) {
		na := &ActionNotAllowed{Action: name, State: r.State}
		for _, d := range allowed {
			na.Allowed = append(na.Allowed, string(d.Name))
		}
		return ill.E(ill.Conflict, na.Error(), error(na))
	}
	params, err := parseParams(def, raw)
	if err != nil {
		return err
	}
	if def.Name == ill.ActRecordLender {
		return a.recordLender(tx, actor, r, params)
	}
	ch := &change{req: r, wf: wf, target: def.To, next: def.Next, actor: actor, event: def.EventType(), name: string(def.Name),
		effects: def.Effects, sends: sendsOf(r, def.Sends), params: params, expect: version, data: map[string]any{}}
	if note := params.Str("note"); note != "" {
		ch.data["note"] = note
	}
	if reason := params.Str("reason"); reason != "" {
		ch.data["reason"] = reason
	}
	a.prepareAction(r, def, params, ch)
	if def.Name == ill.ActAcceptConditions {
		if err := a.agreeByRetry(tx, r, ch); err != nil {
			return err
		}
	}
	return a.apply(tx, ch)
}

// prepareAction copies an action's inputs onto the request before the
// transition builds its messages.
func (a *App) prepareAction(r *ill.Request, def ill.ActionDef, p Params, ch *change) {
	switch def.Name {
	case ill.ActOfferConds:
		r.Conditions, r.OfferedCost = p.List("conditions"), p.Money("cost")
	case ill.ActDeliver, ill.ActResendCopy:
		if u := p.Str("deliveryUrl"); u != "" {
			r.DeliveryURL = u
		}
	case ill.ActShipReturn, ill.ActShipForward:
		r.ReturnShipping = ill.Shipping{Courier: p.Str("courier"), TrackingID: p.Str("trackingId")}
	case ill.ActReceive, ill.ActReceiveHold:
		if b := p.Str("barcode"); b != "" && !hasBarcode(r.Items, b) {
			r.Items = append(r.Items, ill.Item{Barcode: b})
		}
	}
	if def.Name == ill.ActRetry {
		// The retry is a new request to the lender: its answers start
		// afresh, whatever status the offer that ended the last one had
		// (an answer in the same second must not look stale beside it).
		r.PartnerStatus = ""
	}
	if def.Name == ill.ActRequestCancel {
		if ch.actor.Kind == ill.ActorPatron {
			r.CloseReason = ill.ClosedPatronCancelled
		} else {
			r.CloseReason = ill.ClosedStaffCancelled
		}
	}
	for i := range ch.sends {
		ch.sends[i].params = p
		ch.sends[i].accept = def.Name == ill.ActAcceptConditions
	}
}

// agreeByRetry turns the acceptance of a lender's conditions into the
// 2021 standard's form when the lender speaks 2021: its offer was a
// RetryPossible, so the agreement is a Retry request carrying the
// conditions (v1.2 partners get the ReShare Notification instead).
func (a *App) agreeByRetry(tx *store.Tx, r *ill.Request, ch *change) error {
	if r.Side != ill.Borrowing || r.Partner == "" || len(ch.sends) == 0 {
		return nil
	}
	e, err := tx.Network().DirectoryEntry(r.Partner)
	if ill.Is(err, ill.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if e.Endpoint.Version == directory.Version12 {
		return nil
	}
	for i := range ch.sends {
		if ch.sends[i].accept {
			ch.sends[i].spec = ill.MessageSpec{Kind: ill.MsgRequest, RequestType: ill.RequestRetry}
		}
	}
	// The answers to the Retry start afresh.
	r.PartnerStatus = ""
	return nil
}

// parseParams checks an action's inputs against its table entry.
func parseParams(def ill.ActionDef, raw map[string]any) (Params, error) {
	p := Params{}
	fields := map[string]string{}
	known := map[string]ill.Param{}
	for _, d := range def.Params {
		known[d.Name] = d
	}
	for k := range raw {
		if _, ok := known[k]; !ok {
			fields[k] = "not an input of " + string(def.Name)
		}
	}
	for _, d := range def.Params {
		v, present := raw[d.Name]
		if !present || v == nil || v == "" {
			if d.Required {
				fields[d.Name] = "required"
			}
			continue
		}
		val, err := parseParam(d, v)
		if err != nil {
			fields[d.Name] = err.Error()
			continue
		}
		p[d.Name] = val
	}
	if len(fields) > 0 {
		return nil, ill.E(ill.Invalid, "the action's inputs need correcting", fields)
	}
	return p, nil
}

func parseParam(d ill.Param, v any) (any, error) {
	str := func() (string, error) {
		s, ok := v.(string)
		if !ok {
			return "", errors.New("must be text")
		}
		s = strings.TrimSpace(s)
		if len(s) > 4000 {
			return "", errors.New("too long (at most 4000 characters)")
		}
		return s, nil
	}
	switch d.Kind {
	case "date":
		s, err := str()
		if err != nil {
			return nil, err
		}
		return parseDate(s)
	case "money":
		return parseMoney(v)
	case "choice":
		s, err := str()
		if err != nil {
			return nil, err
		}
		if !slices.Contains(d.Choices, s) {
			return nil, fmt.Errorf("must be one of %s", strings.Join(d.Choices, ", "))
		}
		return s, nil
	case "list":
		switch x := v.(type) {
		case []string:
			return x, nil
		case []any:
			var out []string
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, errors.New("must be a list of text")
				}
				out = append(out, s)
			}
			return out, nil
		case string:
			var out []string
			for _, s := range strings.Split(x, ",") {
				if s = strings.TrimSpace(s); s != "" {
					out = append(out, s)
				}
			}
			return out, nil
		}
		return nil, errors.New("must be a list of text")
	}
	return str()
}

// parseDate reads YYYY-MM-DD or an RFC 3339 time.
func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, errors.New("must be a date like 2026-03-14")
}

// parseMoney reads {"minor": 1500, "currency": "USD"} or "15.00 USD".
func parseMoney(v any) (ill.Money, error) {
	bad := errors.New(`must be an amount like "15.00 USD"`)
	switch x := v.(type) {
	case ill.Money:
		return x, nil
	case map[string]any:
		cur, _ := x["currency"].(string)
		minor, ok := x["minor"].(float64)
		if !ok || len(cur) != 3 || minor < 0 {
			return ill.Money{}, bad
		}
		return ill.Money{Minor: int64(minor), Currency: strings.ToUpper(cur)}, nil
	case string:
		amt, cur, ok := strings.Cut(strings.TrimSpace(x), " ")
		if !ok || len(strings.TrimSpace(cur)) != 3 {
			return ill.Money{}, bad
		}
		f, err := strconv.ParseFloat(amt, 64)
		if err != nil || f < 0 {
			return ill.Money{}, bad
		}
		return ill.Money{Minor: int64(f*100 + 0.5), Currency: strings.ToUpper(strings.TrimSpace(cur))}, nil
	}
	return ill.Money{}, bad
}
