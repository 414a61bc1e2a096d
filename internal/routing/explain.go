package routing

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Reason is one fact in a rota's explanation: a code and its arguments.
// The text is the message catalog's "routing.why.<code>" (docs/routing.md
// lists them), so that staff read it in their language.
type Reason struct {
	Code string   `json:"code"`
	Args []string `json:"args,omitempty"`
}

// Key is the message catalog key of the reason's text.
func (r Reason) Key() string { return "routing.why." + r.Code }

// Anys returns the arguments for a catalog's Text.
func (r Reason) Anys() []any {
	out := make([]any, len(r.Args))
	for i, a := range r.Args {
		out[i] = a
	}
	return out
}

func why(code string, args ...string) Reason { return Reason{Code: code, Args: args} }

// Reasons a lender is in the rota (and why there).
const (
	WhyMatchID        = "match.id"        // {0} identifier kind
	WhyMatchTitle     = "match.title"     // {0} similarity in percent
	WhyCoverageYes    = "coverage.yes"    // {0} what was asked (vol. 12, 2019)
	WhyCoverageMaybe  = "coverage.maybe"  // {0} what was asked
	WhyOnLoan         = "copies.onloan"   //
	WhyMeasured       = "score.measured"  // {0} fill %, {1} filled, {2} tries, {3} turnaround days, {4} estimated fill %, {5} estimated days
	WhyNew            = "score.new"       // {0} service, {1} fill %, {2} days (the network median)
	WhyFree           = "cost.free"       //
	WhyFreeGroup      = "cost.freegroup"  // {0} group
	WhyCharge         = "cost.charge"     // {0} amount
	WhyChargeRate     = "cost.converted"  // {0} amount, {1} converted, {2} rate, {3} date
	WhyChargeUnknown  = "cost.unknown"    // {0} service
	WhyChargeNoRate   = "cost.norate"     // {0} amount, {1} currency
	WhyTierConsortium = "tier.consortium" // {0} group
	WhyTierReciprocal = "tier.reciprocal" // {0} group
	WhyLoad           = "load"            // {0} sent today, {1} fair share
	WhyClosureWindow  = "closure.window"  // {0} closure name, {1} open days lost
	WhyLate           = "late"            // {0} need-by date
	WhyDeadline       = "deadline"        // {0} deadline in the lender's zone, {1} zone
	PlaceFirst        = "place.first"     // {0} candidates, {1} score
	PlaceAfter        = "place.after"     // {0} position, {1} candidates, {2} score, {3} lender above, {4} its score
	PlaceCapped       = "place.capped"    // {0} sent today, {1} cap
	PlaceDeferred     = "place.deferred"  // {0} position, {1} candidates
	// A closure defers the lender (and, when it falls off the rota, the
	// reason it is left out is the same with "out." for "closed.").
	ClosedNow    = "closed.closed"  // {0} closure name, {1} reopening date
	ClosedWindow = "closed.closure" // {0} closure name, {1} open days lost
)

// Reasons a candidate is left out.
const (
	OutSelf        = "out.self"        //
	OutUnknown     = "out.unknown"     //
	OutStatus      = "out.status"      // {0} status
	OutEndpoint    = "out.endpoint"    //
	OutService     = "out.service"     // {0} service
	OutFormat      = "out.format"      // {0} format asked, {1} formats offered
	OutElectronic  = "out.electronic"  //
	OutScope       = "out.scope"       // {0} scope
	OutHoldings    = "out.holdings"    // {0} error
	OutCoverage    = "out.coverage"    // {0} holdings statement, {1} what was asked
	OutNotLendable = "out.notlendable" //
	OutCost        = "out.cost"        // {0} charge (converted), {1} maximum
	OutNoRate      = "out.norate"      // {0} charge, {1} currency of the maximum
	OutClosed      = "out.closed"      // {0} closure name, {1} reopening date (deferred, then off the rota)
	OutClosure     = "out.closure"     // {0} closure name, {1} open days lost (deferred, then off the rota)
	OutRank        = "out.rank"        // {0} position, {1} candidates, {2} rota length
)

func pct(f float64) string { return fmt.Sprintf("%.0f", 100*f) }

func days(d time.Duration) string { return fmt.Sprintf("%.1f", d.Hours()/24) }

func score(f float64) string {
	if f >= 10 || f == 0 {
		return fmt.Sprintf("%.1f", f)
	}
	// Three significant digits.
	digits := 2 - int(math.Floor(math.Log10(math.Abs(f))))
	return fmt.Sprintf("%.*f", max(digits, 0), f)
}

// Summary writes a plan entry's reasons in English, one line, for the
// rota's reason column and logs: the place first, then the facts. text
// renders one reason (the message catalog); nil uses the codes.
func (e Entry) Summary(text func(Reason) string) string {
	if text == nil {
		text = func(r Reason) string { return r.Code + "(" + strings.Join(r.Args, ", ") + ")" }
	}
	parts := []string{text(e.Place)}
	for _, r := range e.Reasons {
		parts = append(parts, text(r))
	}
	return strings.Join(parts, "; ")
}
