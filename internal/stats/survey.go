package stats

import "interlend/internal/ill"

// SurveyLine is one figure of an annual survey: the ARL Statistics and
// the ACRL Academic Library Trends and Statistics survey (whose
// interlibrary loan questions are those of the IPEDS Academic Libraries
// component). The catalog holds each line's label and definition under
// "stats.survey.<Key>.label" and ".def"; Query reproduces the figure from
// the stats_requests table (see docs/statistics.md).
type SurveyLine struct {
	Survey string `json:"survey"` // ARL, ACRL/IPEDS, or "" for the lines that explain exclusions
	Key    string `json:"key"`
	Value  int    `json:"value"`
	Query  string `json:"query"`
}

// The surveys.
const (
	SurveyARL   = "ARL"
	SurveyACRL  = "ACRL/IPEDS"
	SurveyNotes = ""
)

// surveyQuery is the SQL of a line: requests of one side filled (shipped
// or delivered: outcome filled, decided_at in the fiscal year), of one
// kind of service, with or without partners of the same institution.
func surveyQuery(side ill.Side, service string, internal bool) string {
	q := `SELECT count(*) FROM stats_requests
WHERE agency = :agency AND side = '` + string(side) + `' AND outcome = 'filled'
  AND decided_at >= :fy_start AND decided_at < :fy_end`
	switch service {
	case "returnables":
		q += "\n  AND service = 'Loan'"
	case "nonreturnables":
		q += "\n  AND service <> 'Loan'"
	}
	if internal {
		return q + "\n  AND partner IN (:same_institution)"
	}
	return q + "\n  AND partner NOT IN (:same_institution)"
}

// Survey computes the survey lines for fiscal year fy. Requests whose
// partner belongs to the same institution (a branch: sameInstitution
// reports it) are not interlibrary loans for either survey and are left
// out (and counted on the last two lines, for the record).
func Survey(js []Journey, fy Period, sameInstitution func(ill.AgencyID) bool) []SurveyLine {
	if sameInstitution == nil {
		sameInstitution = func(ill.AgencyID) bool { return false }
	}
	type tally struct{ all, returnables, nonreturnables, internal int }
	var lend, borrow tally
	for _, j := range js {
		if !j.Filled() || !fy.Contains(j.FilledAt()) {
			continue
		}
		t := &borrow
		if j.Side == ill.Lending {
			t = &lend
		}
		if sameInstitution(j.Partner) {
			t.internal++
			continue
		}
		t.all++
		if j.Service == ill.Loan {
			t.returnables++
		} else {
			t.nonreturnables++
		}
	}
	return []SurveyLine{
		{SurveyARL, "arl.lent", lend.all, surveyQuery(ill.Lending, "", false)},
		{SurveyARL, "arl.lent.returnables", lend.returnables, surveyQuery(ill.Lending, "returnables", false)},
		{SurveyARL, "arl.lent.nonreturnables", lend.nonreturnables, surveyQuery(ill.Lending, "nonreturnables", false)},
		{SurveyARL, "arl.borrowed", borrow.all, surveyQuery(ill.Borrowing, "", false)},
		{SurveyARL, "arl.borrowed.returnables", borrow.returnables, surveyQuery(ill.Borrowing, "returnables", false)},
		{SurveyARL, "arl.borrowed.nonreturnables", borrow.nonreturnables, surveyQuery(ill.Borrowing, "nonreturnables", false)},
		{SurveyACRL, "ipeds.provided", lend.all, surveyQuery(ill.Lending, "", false)},
		{SurveyACRL, "ipeds.received", borrow.all, surveyQuery(ill.Borrowing, "", false)},
		{SurveyNotes, "internal.lent", lend.internal, surveyQuery(ill.Lending, "", true)},
		{SurveyNotes, "internal.borrowed", borrow.internal, surveyQuery(ill.Borrowing, "", true)},
	}
}
