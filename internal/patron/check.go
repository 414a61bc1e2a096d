package patron

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"interlend/internal/ill"
)

// Standing is what the request check needs to know about a patron.
type Standing struct {
	Category string
	// Expires is the last day the patron's account is valid (a date at
	// 00:00 UTC); zero means it does not expire.
	Expires time.Time
	// Blocks are the reasons of the blocks in force ("" for a block
	// without a reason).
	Blocks []string
}

// Reason says why a patron may not place a request.
type Reason string

// The reasons Check refuses for.
const (
	ReasonBlocked    Reason = "blocked"
	ReasonExpired    Reason = "expired"
	ReasonNoRequests Reason = "no_requests" // the category may not request
	ReasonOpenLimit  Reason = "open_limit"
	ReasonDailyLimit Reason = "daily_limit"
)

// Refusal is the cause inside the Forbidden error Check returns: the
// reason, for programs (staff may override a limit but not a block), next
// to the sentence for the patron.
type Refusal struct {
	Reason Reason
	Limit  int // the limit reached, for the limit reasons
}

func (r *Refusal) Error() string {
	if r.Limit > 0 {
		return fmt.Sprintf("patron may not request: %s (%d)", r.Reason, r.Limit)
	}
	return "patron may not request: " + string(r.Reason)
}

// RefusalOf returns the Refusal inside err, if any.
func RefusalOf(err error) (*Refusal, bool) {
	var r *Refusal
	ok := errors.As(err, &r)
	return r, ok
}

// Expired reports whether an account valid through the date expires is
// no longer valid at now: only from the day after the expiry date.
func Expired(expires, now time.Time) bool {
	if expires.IsZero() {
		return false
	}
	y, m, d := expires.UTC().Date()
	return !now.UTC().Before(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1))
}

// Check decides whether a patron in standing s, with open requests open
// and today requests placed today, may place one more at now. It returns
// nil or a Forbidden error whose message is written for the patron and
// whose cause is a *Refusal. Blocks come first, then expiry, then the
// category's limits.
func (p Policy) Check(s Standing, open, today int, now time.Time) error {
	if len(s.Blocks) > 0 {
		var reasons []string
		for _, b := range s.Blocks {
			if b = strings.TrimSpace(b); b != "" {
				reasons = append(reasons, b)
			}
		}
		msg := "Your library account is blocked. Please contact the library."
		if len(reasons) > 0 {
			msg = fmt.Sprintf("Your library account is blocked (%s). Please contact the library.", strings.Join(reasons, "; "))
		}
		return refuse(msg, ReasonBlocked, 0)
	}
	if Expired(s.Expires, now) {
		return refuse(fmt.Sprintf("Your library account expired on %s. Please renew it at the library before placing a request.",
			s.Expires.UTC().Format("2 January 2006")), ReasonExpired, 0)
	}
	c, listed := p.Lookup(s.Category)
	who := "your patron category"
	if listed {
		who = "the category " + c.Label()
	}
	switch {
	case c.NoRequests:
		return refuse(fmt.Sprintf("Interlibrary loan requests are not available to %s. Please ask at the library.", who), ReasonNoRequests, 0)
	case c.MaxOpen > 0 && open >= c.MaxOpen:
		return refuse(fmt.Sprintf("You already have %d open %s, the most allowed for %s. You can place a new one when one of them is finished.",
			open, plural(open, "request", "requests"), who), ReasonOpenLimit, c.MaxOpen)
	case c.MaxPerDay > 0 && today >= c.MaxPerDay:
		return refuse(fmt.Sprintf("You have placed %d %s today, the most allowed per day for %s. Please try again tomorrow.",
			today, plural(today, "request", "requests"), who), ReasonDailyLimit, c.MaxPerDay)
	}
	return nil
}

func refuse(msg string, r Reason, limit int) error {
	return ill.E(ill.Forbidden, msg, &Refusal{Reason: r, Limit: limit})
}

func plural(n int, one, other string) string {
	if n == 1 {
		return one
	}
	return other
}
