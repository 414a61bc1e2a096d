package copyright

import (
	"errors"
	"fmt"
	"strings"
)

// StatementRule says when an incoming copy request must carry a copyright
// compliance statement (L1, CONTU guideline 3).
type StatementRule string

// Statement rules.
const (
	StatementOff StatementRule = "off" // never required
	// StatementUS: required from US borrowers, and from borrowers whose
	// country is not known (the default).
	StatementUS  StatementRule = "us"
	StatementAll StatementRule = "all" // required from every borrower
)

// MissingAction is what the lender does with a copy request that lacks a
// required statement.
type MissingAction string

// Missing-statement actions. The default is MissingRetry: ISO 18626
// RetryPossible tells the borrower the request could be filled if sent again
// with the statement (a Retry request), which is the protocol's way of
// "asking", needs no staff time, and ends our side cleanly. MissingUnfilled
// refuses for good (Unfilled, reasonUnfilled PolicyProblem); MissingHold
// keeps the request for staff to ask by a Notification.
const (
	MissingRetry    MissingAction = "retry"
	MissingUnfilled MissingAction = "unfilled"
	MissingHold     MissingAction = "hold"
)

// CorporateRule is the policy for copy requests from for-profit borrowers (L4).
type CorporateRule string

// Corporate borrower rules.
const (
	CorporateAccept CorporateRule = "accept" // supply as for anyone (the default)
	CorporateRefuse CorporateRule = "refuse" // answer Unfilled, PolicyProblem
	CorporateFee    CorporateRule = "fee"    // supply only with a copyright fee charged
)

// LendingPolicy is the lender's copyright policy for incoming copy requests.
type LendingPolicy struct {
	// Country is the lender's ISO 3166-1 alpha-2 code (for domestic-only
	// licences and the StatementUS rule); "" if not set.
	Country          string        `json:"country,omitempty"`
	RequireStatement StatementRule `json:"requireStatement"`
	MissingStatement MissingAction `json:"missingStatement"`
	Corporate        CorporateRule `json:"corporate"`
}

// DefaultLendingPolicy: statement required from US borrowers, RetryPossible
// when missing, corporate borrowers accepted.
func DefaultLendingPolicy() LendingPolicy {
	return LendingPolicy{RequireStatement: StatementUS, MissingStatement: MissingRetry, Corporate: CorporateAccept}
}

// Validate reports every invalid field at once.
func (p LendingPolicy) Validate() error {
	var errs []error
	switch p.RequireStatement {
	case StatementOff, StatementUS, StatementAll:
	default:
		errs = append(errs, fmt.Errorf("lending.requireStatement %q: want off, us or all", p.RequireStatement))
	}
	switch p.MissingStatement {
	case MissingRetry, MissingUnfilled, MissingHold:
	default:
		errs = append(errs, fmt.Errorf("lending.missingStatement %q: want retry, unfilled or hold", p.MissingStatement))
	}
	switch p.Corporate {
	case CorporateAccept, CorporateRefuse, CorporateFee:
	default:
		errs = append(errs, fmt.Errorf("lending.corporate %q: want accept, refuse or fee", p.Corporate))
	}
	if p.Country != "" && !validCountry(p.Country) {
		errs = append(errs, fmt.Errorf("lending.country %q: want a two-letter ISO 3166 code such as US", p.Country))
	}
	return errors.Join(errs...)
}

func validCountry(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// Incoming is what the lending checks need from a received request.
type Incoming struct {
	Service ServiceType `json:"service"`
	// Statement is serviceInfo/copyrightCompliance as received ("" if absent).
	Statement string `json:"statement,omitempty"`
	// BorrowerCountry is the borrower's ISO 3166-1 alpha-2 code, "" if unknown.
	BorrowerCountry string `json:"borrowerCountry,omitempty"`
	// BorrowerCorporate: the borrower is a for-profit organisation (L4).
	BorrowerCorporate bool `json:"borrowerCorporate,omitempty"`
}

// Action is what the lender does next with an incoming copy request.
type Action string

// Lending actions.
const (
	ActionSupply Action = "supply" // go on with the normal lending workflow
	ActionHold   Action = "hold"   // wait for staff
	ActionAnswer Action = "answer" // send Answer now
)

// ISO 18626 statuses and reasons used in answers.
const (
	StatusUnfilled           = "Unfilled"
	StatusRetryPossible      = "RetryPossible"
	ReasonPolicyProblem      = "PolicyProblem"
	ReasonNotAvailableForILL = "NotAvailableForILL"
)

// Answer is the ISO 18626 supplyingAgencyMessage to send
// (reasonForMessage RequestResponse).
type Answer struct {
	Status         string `json:"status"`                   // Unfilled or RetryPossible
	ReasonUnfilled string `json:"reasonUnfilled,omitempty"` // with Unfilled
	ReasonRetry    string `json:"reasonRetry,omitempty"`    // with RetryPossible; none fits, so empty
	Note           string `json:"note"`                     // messageInfo/note, for the borrower's staff
}

// IncomingDecision is CheckIncoming's answer.
type IncomingDecision struct {
	Action Action  `json:"action"`
	Answer *Answer `json:"answer,omitempty"` // set when Action is ActionAnswer
	// Statement is the compliance statement to record (normalised when known).
	Statement      Compliance `json:"statement,omitempty"`
	StatementKnown bool       `json:"statementKnown"`
	// Conditions are things the lender must do when it supplies.
	Conditions []string `json:"conditions,omitempty"`
	Warnings   []string `json:"warnings,omitempty"`
	// Reason explains the decision to lending staff.
	Reason string `json:"reason"`
}

// Lending conditions attached to supplied copies.
const (
	ConditionLegend  = "Mark the copy with the work's copyright notice, or with the copyright legend if it has none (section 108(a)(3))."
	ConditionFeePaid = "Supply only with a copyright fee charged: the borrower is a commercial organisation."
)

// CheckIncoming applies L1 and L4 to an incoming request (L3 is
// LicenceSet.Check, L2 the ConditionLegend condition). Loans pass unchecked.
func CheckIncoming(p LendingPolicy, in Incoming) IncomingDecision {
	if !in.Service.IsCopy() {
		return IncomingDecision{Action: ActionSupply, Reason: "A loan: no copyright checks."}
	}
	d := IncomingDecision{Action: ActionSupply}
	country := strings.ToUpper(strings.TrimSpace(in.BorrowerCountry))
	if strings.TrimSpace(in.Statement) != "" {
		d.Statement, d.StatementKnown = ParseCompliance(in.Statement)
		if !d.StatementKnown {
			d.Warnings = append(d.Warnings, fmt.Sprintf("Unknown copyright statement %q; recorded as received.", d.Statement))
		} else if country == "US" && d.Statement != CodeUSCCG && d.Statement != CodeUSCCL {
			d.Warnings = append(d.Warnings, fmt.Sprintf("A US borrower sent %s rather than US-CCG or US-CCL.", d.Statement))
		}
	}

	if in.BorrowerCorporate {
		switch p.Corporate {
		case CorporateRefuse:
			d.Action = ActionAnswer
			d.Answer = &Answer{Status: StatusUnfilled, ReasonUnfilled: ReasonPolicyProblem,
				Note: "We do not supply copies to commercial organisations."}
			d.Reason = "Refused: policy is not to supply copies to for-profit borrowers."
			return d
		case CorporateFee:
			d.Conditions = append(d.Conditions, ConditionFeePaid)
		}
	}

	required := p.RequireStatement == StatementAll ||
		p.RequireStatement == StatementUS && (country == "US" || country == "")
	if required && d.Statement == "" {
		note := "Please send the request again with a copyright compliance statement (for example US-CCG or US-CCL)."
		switch p.MissingStatement {
		case MissingHold:
			d.Action = ActionHold
			d.Reason = "Held: the request has no copyright compliance statement (CONTU guideline 3). Ask the borrower for one."
		case MissingUnfilled:
			d.Action = ActionAnswer
			d.Answer = &Answer{Status: StatusUnfilled, ReasonUnfilled: ReasonPolicyProblem,
				Note: "We need a copyright compliance statement (for example US-CCG or US-CCL) to supply a copy."}
			d.Reason = "Refused: the request has no copyright compliance statement (CONTU guideline 3)."
		default:
			d.Action = ActionAnswer
			d.Answer = &Answer{Status: StatusRetryPossible, Note: note}
			d.Reason = "Asked the borrower to retry: the request has no copyright compliance statement (CONTU guideline 3)."
		}
		return d
	}
	d.Conditions = append(d.Conditions, ConditionLegend)
	if d.Statement == "" {
		d.Reason = "No copyright statement, and none is required from this borrower."
	} else {
		d.Reason = "Copyright statement " + string(d.Statement) + " recorded."
	}
	return d
}
