package app

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// advanceRota closes the current lender's turn (sending Cancel when we are
// abandoning a lender that still has the request) and sends the request to
// the next untried lender, or ends at end of rota.
func (a *App) advanceRota(tx *store.Tx, ch *change) error {
	r := ch.req
	entries, err := tx.Agency().Rota(r.Agency, r.ID)
	if err != nil {
		return err
	}
	now := tx.Now()
	if r.RotaPos > 0 && r.RotaPos <= len(entries) {
		cur := entries[r.RotaPos-1]
		if cur.State == store.RotaCurrent {
			cancel := false
			switch {
			case ch.in != nil && ch.in.Status == ill.StatusUnfilled:
				cur.State = store.RotaUnfilled
			case ch.in != nil && ch.in.Status == ill.StatusRetryPossible, ch.from == ill.BRetryOffered:
				cur.State = store.RotaRetry // RetryPossible ended the request there
			case ch.name == string(ill.ActResponseTimeout):
				cur.State, cancel = store.RotaTimedOut, true
			default:
				cur.State, cancel = store.RotaCancelled, true
			}
			cur.ClosedAt = now
			if ch.in != nil && ch.in.Status != "" {
				cur.LastStatus = ch.in.Status
			}
			if err := tx.Agency().UpdateRotaEntry(r.Agency, r.ID, cur); err != nil {
				return err
			}
			if cancel {
				m := a.buildMessage(tx, r, outgoing{to: cur.Lender, spec: ill.MessageSpec{Kind: ill.MsgRAM, Action: ill.ActionCancel}})
				m.RequesterRequestID, m.SupplierRequestID = orDefault(cur.OurRequestID, r.PublicID), cur.SupplierRequestID
				m.Note = "Cancelled: the request has moved on to another lender."
				ch.sends = append(ch.sends, outgoing{to: cur.Lender, spec: ill.MessageSpec{Kind: ill.MsgRAM, Action: ill.ActionCancel}, prepared: &m})
				ch.data["cancelled_at"] = cur.Lender
			}
		}
	}
	for _, e := range entries {
		if e.State != store.RotaPending {
			continue
		}
		if ok, err := a.passRotaGates(tx, ch, &e); err != nil || !ok {
			if err != nil {
				return err
			}
			continue
		}
		e.State, e.SentAt, e.OurRequestID = store.RotaCurrent, now, r.PublicID
		pol := a.policyFor(tx, r.Agency)
		e.WindowEndsAt = now.Add(a.responseWindow(tx, e.Lender, pol))
		if err := tx.Agency().UpdateRotaEntry(r.Agency, r.ID, e); err != nil {
			return err
		}
		r.RotaPos, r.Partner, r.PartnerRequestID, r.PartnerStatus = e.Position, e.Lender, "", ""
		r.Conditions, r.OfferedCost = nil, ill.Money{}
		ch.to = ill.BSent
		ch.sends = append(ch.sends, outgoing{to: e.Lender, spec: ill.MessageSpec{Kind: ill.MsgRequest, RequestType: ill.RequestNew}})
		ch.data["lender"], ch.data["position"] = e.Lender, e.Position
		if ch.event == "" || ch.event == "unfilled_by_lender" || ch.event == "response_timeout" || ch.event == "conditions_rejected" || ch.event == "moved_on" {
			ch.data["next"] = "sent_to_lender"
		}
		return a.scheduleResponseTimer(tx, r, e.WindowEndsAt)
	}
	ch.to = ill.BEndOfRota
	r.Attention, r.AttentionReason = true, "end_of_rota"
	ch.data["end_of_rota"] = true
	return nil
}

// RotaGate decides, when a pending lender's turn comes, whether the
// request may be sent to it now: a non-empty note skips the lender, with
// the note on its rota entry. Features register gates with addRotaGate
// (routing: the lender's daily cap).
type RotaGate func(a *App, tx *store.Tx, r *ill.Request, e store.RotaEntry) (note string, err error)

var rotaGates []RotaGate

// addRotaGate registers a gate (call from init).
func addRotaGate(g RotaGate) { rotaGates = append(rotaGates, g) }

// passRotaGates runs the gates for a lender; a lender a gate stops is
// marked skipped.
func (a *App) passRotaGates(tx *store.Tx, ch *change, e *store.RotaEntry) (bool, error) {
	for _, g := range rotaGates {
		note, err := g(a, tx, ch.req, *e)
		if err != nil {
			return false, err
		}
		if note != "" {
			e.State, e.Note, e.ClosedAt = store.RotaSkipped, note, tx.Now()
			skipped, _ := ch.data["skipped"].([]ill.AgencyID)
			ch.data["skipped"] = append(skipped, e.Lender)
			return false, tx.Agency().UpdateRotaEntry(ch.req.Agency, ch.req.ID, *e)
		}
	}
	return true, nil
}

// responseWindow is how long a lender has to answer: from the directory
// when it says (business days on the lender's calendar), else the policy.
func (a *App) responseWindow(tx *store.Tx, lender ill.AgencyID, pol Policy) time.Duration {
	if a.ResponseWindowFor != nil {
		if d := a.ResponseWindowFor(tx, lender, tx.Now()); d > 0 {
			return d
		}
	}
	return pol.ResponseWindow
}

// SetRota replaces the untried part of a request's rota with lenders (in
// order, with a reason each). Tried lenders stay as they are.
func (a *App) setRota(tx *store.Tx, r *ill.Request, lenders []RotaChoice) error {
	existing, err := tx.Agency().Rota(r.Agency, r.ID)
	if err != nil {
		return err
	}
	for _, e := range existing {
		if e.State == store.RotaPending {
			return ill.E(ill.Conflict, "the rota already has untried lenders; reorder or add to it instead")
		}
	}
	for _, l := range lenders {
		if l.Lender == "" {
			return ill.E(ill.Invalid, "a lender needs an agency id", map[string]string{"lenders": "empty agency id"})
		}
		if l.Lender == r.Agency {
			return ill.E(ill.Invalid, "a library cannot borrow from itself", map[string]string{"lenders": string(l.Lender)})
		}
		if err := tx.Agency().AddRotaEntry(r.Agency, r.ID, store.RotaEntry{Lender: l.Lender, Reason: l.Reason, Score: l.Score}); err != nil {
			return err
		}
	}
	return nil
}

// RotaChoice is a lender to try, with the reason it is there.
type RotaChoice struct {
	Lender ill.AgencyID `json:"lender"`
	Reason string       `json:"reason,omitempty"`
	Score  float64      `json:"score,omitempty"`
}

// retrySuffix marks our request id of a retry: B1000042-R1.
var retrySuffix = regexp.MustCompile(`-R[0-9]+$`)

// basePublicID strips a retry suffix from a requesting agency request id.
func basePublicID(id string) string {
	return retrySuffix.ReplaceAllString(strings.TrimSpace(id), "")
}

// nextRetryID is our request id for the next retry with the same lender.
func nextRetryID(current string) string {
	base := basePublicID(current)
	n := 0
	if m := retrySuffix.FindString(current); m != "" {
		fmt.Sscanf(m, "-R%d", &n)
	}
	return fmt.Sprintf("%s-R%d", base, n+1)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
