package app

import (
	"strconv"
	"strings"

	"golang.org/x/text/currency"

	"interlend/internal/directory"
	"interlend/internal/routing"
	"interlend/internal/settings"
)

// RoutingSettings are an agency's routing choices (admin area: "Routing").
type RoutingSettings struct {
	// MaxLenders is the rota's length.
	MaxLenders int `json:"maxLenders"`
	// Scope limits the lenders: all, groups (our consortia and reciprocal
	// partners) or consortium.
	Scope string `json:"scope"`
	// Currency is the one charges are compared in when a request states
	// no maximum cost.
	Currency string `json:"currency"`
	// CostScale is the charge (whole units of Currency) that halves a
	// lender's score.
	CostScale int `json:"costScale"`
	// LoadSpreading lowers the score of lenders sent more than their fair
	// share today.
	LoadSpreading bool `json:"loadSpreading"`
	// ScoreDays is how far back lender scores look.
	ScoreDays int `json:"scoreDays"`
}

// RoutingSetting is the routing settings group.
var RoutingSetting = settings.Register(settings.Spec[RoutingSettings]{
	Key: "routing", Title: "routing.settings.title", Help: "routing.settings.help", Order: 45,
	Defaults: func() RoutingSettings {
		return RoutingSettings{MaxLenders: 5, Scope: string(routing.ScopeAll), Currency: "USD", CostScale: 20, LoadSpreading: true, ScoreDays: 60}
	},
	Fields: []settings.Field{
		{Name: "maxLenders", Kind: settings.Number, Label: "routing.settings.maxlenders", Help: "routing.settings.maxlendershelp", Min: 1, Max: 20},
		{Name: "scope", Kind: settings.Select, Label: "routing.settings.scope", Help: "routing.settings.scopehelp", Options: []settings.Option{
			{Value: string(routing.ScopeAll), Label: "routing.settings.scope.all"},
			{Value: string(routing.ScopeGroups), Label: "routing.settings.scope.groups"},
			{Value: string(routing.ScopeConsortium), Label: "routing.settings.scope.consortium"},
		}},
		{Name: "currency", Kind: settings.Text, Label: "routing.settings.currency", Help: "routing.settings.currencyhelp", Required: true},
		{Name: "costScale", Kind: settings.Number, Label: "routing.settings.costscale", Help: "routing.settings.costscalehelp", Min: 1, Max: 100000},
		{Name: "loadSpreading", Kind: settings.Bool, Label: "routing.settings.load", Help: "routing.settings.loadhelp"},
		{Name: "scoreDays", Kind: settings.Number, Label: "routing.settings.scoredays", Help: "routing.settings.scoredayshelp", Min: 7, Max: 730},
	},
	Validate: func(s RoutingSettings) settings.Errors {
		errs := settings.Errors{}
		if _, err := currency.ParseISO(strings.ToUpper(s.Currency)); err != nil || len(s.Currency) != 3 {
			errs["currency"] = settings.M("routing.settings.err.currency", s.Currency)
		}
		switch routing.Scope(s.Scope) {
		case routing.ScopeAll, routing.ScopeGroups, routing.ScopeConsortium:
		default:
			errs["scope"] = settings.M("platform.settings.err.choice")
		}
		return errs
	},
})

// config turns the settings into routing's configuration.
func (s RoutingSettings) config() routing.Config {
	c := routing.DefaultConfig()
	c.MaxLenders, c.Scope, c.Currency = s.MaxLenders, routing.Scope(s.Scope), strings.ToUpper(s.Currency)
	c.CostScale = wholeUnits(s.CostScale, c.Currency)
	return c
}

// wholeUnits converts whole units of a currency into its minor units.
func wholeUnits(units int, code string) int64 {
	m, err := directory.NewMoney(strconv.Itoa(units), code)
	if err != nil {
		return int64(units) * 100
	}
	return m.Minor
}

// Automation rules: what sends a new request to review instead of
// routing and sending it (the borrowing side is unmediated by default).
const (
	RuleCategory     = "category"     // the patron's category is one of Value (comma-separated codes)
	RuleCost         = "cost"         // the cheapest lender routing finds charges more than Value ("25.00 USD")
	RuleFormat       = "format"       // the format or publication type asked for is one of Value
	RuleNeedBefore   = "needBefore"   // the need-by date is within Value days (or past)
	RuleNoIdentifier = "noIdentifier" // the citation has no ISBN, ISSN, OCLC number, LCCN, DOI or PMID
)

// AutomationRule sends the requests it matches to review.
type AutomationRule struct {
	Name  string `json:"name"`
	When  string `json:"when"`
	Value string `json:"value"`
	Off   bool   `json:"off"`
}

// AutomationRules are an agency's rules, tried in order.
type AutomationRules struct {
	Rules []AutomationRule `json:"rules"`
}

// AutomationSetting is the automation rules group (admin area).
var AutomationSetting = settings.Register(settings.Spec[AutomationRules]{
	Key: "routing.rules", Title: "routing.rules.title", Help: "routing.rules.help", Order: 46,
	Defaults: func() AutomationRules { return AutomationRules{Rules: []AutomationRule{}} },
	Fields: []settings.Field{
		{Name: "rules", Kind: settings.Records, Label: "routing.rules.list", Help: "routing.rules.listhelp", Columns: []settings.Field{
			{Name: "name", Kind: settings.Text, Label: "routing.rules.name", Required: true},
			{Name: "when", Kind: settings.Select, Label: "routing.rules.when", Options: []settings.Option{
				{Value: RuleCategory, Label: "routing.rules.when.category"},
				{Value: RuleCost, Label: "routing.rules.when.cost"},
				{Value: RuleFormat, Label: "routing.rules.when.format"},
				{Value: RuleNeedBefore, Label: "routing.rules.when.needBefore"},
				{Value: RuleNoIdentifier, Label: "routing.rules.when.noIdentifier"},
			}},
			{Name: "value", Kind: settings.Text, Label: "routing.rules.value"},
			{Name: "off", Kind: settings.Bool, Label: "routing.rules.off"},
		}},
	},
	Validate: func(v AutomationRules) settings.Errors {
		for _, r := range v.Rules {
			if m := r.check(); m != nil {
				return settings.Errors{"rules": *m}
			}
		}
		return nil
	},
})

// check reports what is wrong with a rule's value for its condition.
func (r AutomationRule) check() *settings.Message {
	bad := func(key string) *settings.Message { m := settings.M(key, r.Name, r.Value); return &m }
	v := strings.TrimSpace(r.Value)
	switch r.When {
	case RuleCategory, RuleFormat:
		if len(splitList(v)) == 0 {
			return bad("routing.rules.err.list")
		}
	case RuleCost:
		if m, err := directory.ParseMoney(v, ""); err != nil || m.Currency == "" || m.Minor < 0 {
			return bad("routing.rules.err.cost")
		}
	case RuleNeedBefore:
		if n, err := strconv.Atoi(v); err != nil || n < 0 || n > 365 {
			return bad("routing.rules.err.days")
		}
	case RuleNoIdentifier:
	default:
		return bad("routing.rules.err.when")
	}
	return nil
}

// splitList reads "a, b;c" as [a b c].
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
