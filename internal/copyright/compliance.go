package copyright

import "strings"

// Compliance is a copyright compliance category: what the ledger records and,
// through ISO18626, what an outgoing copy request carries in
// serviceInfo/copyrightCompliance.
type Compliance string

// Compliance categories. All but CodeCAFairDealing are ISO 18626 Annex B
// codes (CopyrightComplianceList-V1.0).
const (
	// CodeUSCCG: conforms to the CONTU guidelines (§108(g)(2)); counts.
	CodeUSCCG Compliance = "US-CCG"
	// CodeUSCCL: conforms to copyright law under another provision (own
	// subscription, older than the window, fair use, licence); never counts.
	CodeUSCCL Compliance = "US-CCL"
	// CodeUKFairDealing: supplied under CDPA s.42A (or s.41) with the user's declaration.
	CodeUKFairDealing Compliance = "UK-FairDealing"
	// CodeUKFeePaid: supplied outside the exceptions, copyright fee paid.
	CodeUKFeePaid Compliance = "UK-CopyRFeePaid"
	// CodeCAFairDealing is Interlend's own code for a copy made under the
	// Canadian Copyright Act s.29 and s.30.2 (fair dealing by a library for a
	// patron, including another library's patron under s.30.2(5)). ISO 18626
	// has no Canadian code, so on the wire it is sent as Other.
	CodeCAFairDealing Compliance = "CA-FairDealing"
	// CodeOther: another regime's code, or none known.
	CodeOther Compliance = "Other"
)

// ComplianceScheme is the scheme of the ISO 18626 copyrightCompliance code list.
const ComplianceScheme = "http://illtransactions.org/ISO18626/OpenCodeList/CopyrightComplianceList-V1.0"

// isoCodes is ISO 18626 Annex B's CopyrightComplianceList-V1.0.
var isoCodes = []Compliance{
	CodeUSCCG, CodeUSCCL, CodeUKFeePaid, CodeUKFairDealing,
	"AU-CopyrightActS49", "AU-CopyrightActS50-1", "AU-CopyrightActS50-7A",
	"AU-CopyRCatS183ComW", "AU-CopyRCatS183State", "AU-CopyrightCleared", "AU-GenBus",
	"NZ-CopyrightActS54", "NZ-CopyrightActS55",
	"EU-DirectiveOrphanWorks", "EU-DirectiveRightsDigitalSingleMarket",
	CodeOther,
}

// ISO18626 is the value to send in copyrightCompliance.
func (c Compliance) ISO18626() string {
	if c == CodeCAFairDealing {
		return string(CodeOther)
	}
	return string(c)
}

// WireNote is the serviceInfo/note to send with a category that goes out
// as Other, which the code list asks to be explained; "" otherwise.
func (c Compliance) WireNote() string {
	if c == CodeCAFairDealing {
		return "Copyright: Canada, fair dealing (Copyright Act s.29 and s.30.2)."
	}
	return ""
}

// Counts reports whether a copy in this category adds to the rule-of-five
// count (R3): only CCG copies do, and only while filled or in process.
func (c Compliance) Counts() bool { return c == CodeUSCCG }

// ParseCompliance maps a received copyrightCompliance value to a known code,
// ignoring case, surrounding space and en dashes (peers are not always exact). known is
// false for a value outside Annex B; the value is then returned trimmed, as
// received, so that it can still be recorded.
func ParseCompliance(s string) (c Compliance, known bool) {
	// The printed standard shows an en dash in AU-CopyrightActS50-1 and -7A.
	s = strings.ReplaceAll(strings.TrimSpace(s), "\u2013", "-")
	for _, k := range isoCodes {
		if strings.EqualFold(s, string(k)) {
			return k, true
		}
	}
	if strings.EqualFold(s, string(CodeCAFairDealing)) {
		return CodeCAFairDealing, true
	}
	return Compliance(s), false
}
