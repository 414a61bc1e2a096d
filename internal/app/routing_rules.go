package app

import (
	"strconv"
	"strings"
	"time"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/store"
)

// automationIntake applies the agency's automation rules to a new
// request: the first rule that matches sends it to review, with the
// reason "rule:<name>". Without rules (the default) requests go on
// unmediated. Requests placed by staff are not held: staff are the
// mediation.
func automationIntake(tx *store.Tx, actor ill.Actor, r *ill.Request) error {
	if r.Side != ill.Borrowing || r.State != ill.BValidated || actor.Kind == ill.ActorStaff {
		return nil
	}
	set, err := AutomationSetting.GetTx(tx, actor.Agency)
	if err != nil {
		return err
	}
	for _, rule := range set.Rules {
		if rule.Off {
			continue
		}
		hit, err := rule.matches(tx, actor.Agency, r)
		if err != nil {
			return err
		}
		if hit {
			r.State, r.ReviewReason = ill.BReview, "rule:"+rule.Name
			return nil
		}
	}
	return nil
}

// matches reports whether the rule sends r to review. A rule whose value
// no longer parses matches nothing.
func (rule AutomationRule) matches(tx *store.Tx, agency ill.AgencyID, r *ill.Request) (bool, error) {
	v := strings.TrimSpace(rule.Value)
	inList := func(s string) bool {
		for _, x := range splitList(v) {
			if s != "" && strings.EqualFold(x, s) {
				return true
			}
		}
		return false
	}
	c := r.Citation
	switch rule.When {
	case RuleCategory:
		return inList(r.PatronCategory), nil
	case RuleFormat:
		return inList(c.PreferredFormat) || inList(string(c.PublicationType)), nil
	case RuleNeedBefore:
		days, err := strconv.Atoi(v)
		return err == nil && !r.NeedBefore.IsZero() && r.NeedBefore.Before(tx.Now().Add(time.Duration(days)*24*time.Hour)), nil
	case RuleNoIdentifier:
		for _, id := range []string{c.ISBN, c.ISSN, c.EISSN, c.OCLCNumber, c.LCCN, c.DOI, c.PMID} {
			if strings.TrimSpace(id) != "" {
				return false, nil
			}
		}
		return true, nil
	case RuleCost:
		limit, err := directory.ParseMoney(v, "")
		if err != nil || limit.Currency == "" {
			return false, nil
		}
		cheapest, ok, err := cheapestCharge(tx, agency, r, limit.Currency)
		return err == nil && ok && cheapest.Minor > limit.Minor, err
	}
	return false, nil
}

// cheapestCharge is the lowest charge, in currency cur, of the lenders
// routing finds for r (all of them, not only the rota's length); ok is
// false when routing finds none (or none whose charge converts).
func cheapestCharge(tx *store.Tx, agency ill.AgencyID, r *ill.Request, cur string) (ill.Money, bool, error) {
	set, err := RoutingSetting.GetTx(tx, agency)
	if err != nil {
		return ill.Money{}, false, err
	}
	in, err := routeInput(tx, agency, r, set)
	if err != nil {
		return ill.Money{}, false, err
	}
	in.Config.MaxLenders = 1000
	var best ill.Money
	ok := false
	for _, e := range routing.Build(in).Entries {
		m, _, err := in.Rates.Convert(e.Parts.Charge, cur, in.Now)
		if err != nil {
			continue
		}
		if !ok || m.Minor < best.Minor {
			best, ok = m, true
		}
	}
	return best, ok, nil
}
