package app

import (
	"context"
	"slices"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// Patron notification preferences: in the portal a patron turns each kind
// of email about their requests on or off; the notices that ask them to
// act (overdue, recalled, a question from staff) are always sent.

// requiredNotices cannot be turned off.
var requiredNotices = []string{"patron.overdue", "patron.recalled", "patron.question"}

// NoticePref is one kind of patron email and whether the patron gets it.
type NoticePref struct {
	Key      string // mail notice key, e.g. "patron.pickup"
	Event    string // the catalog's name for it ("portal.mail.<event>.*")
	On       bool
	Required bool // always sent
}

// MyNoticePrefs lists the patron's email choices. Returns Forbidden.
func (a *App) MyNoticePrefs(ctx context.Context, actor ill.Actor) ([]NoticePref, error) {
	if err := requirePatron(actor); err != nil {
		return nil, err
	}
	var off []string
	err := a.read(ctx, func(tx *store.Tx) (err error) {
		off, err = tx.Agency().NoticesOff(actor.Agency, actor.UserID)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]NoticePref, 0, len(PatronNotices))
	for _, n := range PatronNotices {
		req := slices.Contains(requiredNotices, n.Key)
		out = append(out, NoticePref{Key: n.Key, Event: n.Event, Required: req, On: req || !slices.Contains(off, n.Key)})
	}
	return out, nil
}

// SetMyNoticePrefs records which emails the patron wants (the keys of
// those turned on; the required ones stay on). Returns Forbidden.
func (a *App) SetMyNoticePrefs(ctx context.Context, actor ill.Actor, on []string) error {
	if err := requirePatron(actor); err != nil {
		return err
	}
	var off []string
	for _, n := range PatronNotices {
		if !slices.Contains(requiredNotices, n.Key) && !slices.Contains(on, n.Key) {
			off = append(off, n.Key)
		}
	}
	return a.write(ctx, func(tx *store.Tx) error {
		return tx.Agency().SetNoticesOff(actor.Agency, actor.UserID, off)
	})
}

// noticeTurnedOff reports whether the request's patron turned the notice
// off: the login that owns the request, or the one linked to its patron
// record.
func noticeTurnedOff(tx *store.Tx, r *ill.Request, key string) (bool, error) {
	if slices.Contains(requiredNotices, key) {
		return false, nil
	}
	uid := r.OwnerUserID
	if uid == 0 && r.PatronID != 0 {
		if p, err := tx.Agency().Patron(r.Agency, r.PatronID); err == nil {
			uid = p.UserID
		}
	}
	if uid == 0 {
		return false, nil
	}
	off, err := tx.Agency().NoticesOff(r.Agency, uid)
	return slices.Contains(off, key), err
}
