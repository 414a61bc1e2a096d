package app

import (
	"time"

	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// What the patron is told about the problems found at receipt: each a
// patron notice like the others (portal_notify.go), its text in the
// catalog ("portal.mail.<event>.*", problems_receipt.json), that a library
// may replace in its notice settings.

// The receipt problems' patron notices.
const (
	noticeDelayed         = "patron.problem_delayed"          // the wrong item came: returned, asked again
	noticeDamagedReturned = "patron.problem_damaged_returned" // damaged on arrival, the lender wants it back
	noticeDamageBill      = "patron.problem_damage_bill"      // damaged while with the patron: a bill
	noticeCopyComing      = "patron.problem_copy_coming"      // a bad copy: a new one asked for
	noticeCopyReady       = "patron.problem_copy_ready"       // the new copy is here
)

// The notices are in PatronNotices (portal_notify.go): registered as
// mail notices there, offered in the notice settings and the patron's
// preferences.

// problemNotice queues a receipt problem's notice to the request's
// patron (none without an email address, or when the patron turned the
// notice off). date fills the template's date slot (an amount for a bill).
func (a *App) problemNotice(tx *store.Tx, r *ill.Request, key, date string) error {
	if r.Side != ill.Borrowing {
		return nil
	}
	if off, err := noticeTurnedOff(tx, r, key); err != nil || off {
		return err
	}
	pm, err := a.patronMail(tx, r)
	if err != nil || pm.to == "" {
		return err
	}
	d := pm.data
	d.Date = date
	return a.QueueNotice(tx, Notice{Agency: r.Agency, To: pm.to, ToName: pm.name, Key: key, Data: d, Override: pm.settings.override(key, i18n.Default),
		RequestRef: r.PublicID, IdempotencyKey: "patron:" + r.PublicID + ":" + key + ":" + tx.Now().UTC().Format(time.RFC3339Nano)})
}
