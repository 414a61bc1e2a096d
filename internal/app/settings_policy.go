package app

import (
	"time"

	"interlend/internal/ill"
	"interlend/internal/settings"
	"interlend/internal/store"
)

// The settings feature gives the lifecycle each agency's own periods. The
// job registrars run once per App at Open, which makes them the start-up
// hook for features; a PolicyFor set by the caller is kept.
func init() {
	addJobs(func(a *App) {
		if a.PolicyFor == nil {
			a.PolicyFor = a.policyFromSettings
		}
	})
}

// policyFromSettings reads the agency's "lending.policy" group; when it
// cannot be read the defaults apply (and the problem is logged).
func (a *App) policyFromSettings(tx *store.Tx, agency ill.AgencyID) Policy {
	p, err := settings.PolicySetting.GetTx(tx, agency)
	if err != nil {
		a.Log.Error("lending policy unreadable: using the defaults", "agency", agency, "err", err)
		return DefaultPolicy
	}
	return PolicyOf(p)
}

// PolicyOf converts the stored periods (days) into a Policy.
func PolicyOf(p settings.LendingPolicy) Policy {
	day := func(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
	return Policy{
		ResponseWindow: day(p.ResponseWindowDays),
		LoanPeriod:     day(p.LoanPeriodDays),
		RenewalPeriod:  day(p.RenewalPeriodDays),
		ReturnTransit:  day(p.ReturnTransitDays),
		PickupPeriod:   day(p.PickupPeriodDays),
		PatronLoan:     day(p.PatronLoanDays),
		SearchAgain:    day(p.SearchAgainDays),
	}
}
