package copyright

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"interlend/internal/testenv"
)

// TestWarningNoticeMatchesStandard compares the 37 CFR 201.14 text with the
// quotation in standards/copyright.md §1.7.
func TestWarningNoticeMatchesStandard(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(testenv.Standards(t, "copyright.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(data), "### 1.7")
	if !ok {
		t.Fatal("copyright.md: no section 1.7")
	}
	var quoted []string
	for _, line := range strings.Split(sec, "\n") {
		if rest, ok := strings.CutPrefix(line, ">"); ok {
			quoted = append(quoted, strings.TrimSpace(rest))
		} else if len(quoted) > 0 && strings.TrimSpace(line) == "" {
			break
		}
	}
	want := strings.Join(strings.Fields(strings.Join(quoted, " ")), " ")
	got := strings.Join(strings.Fields(WarningNoticeTitle+" "+WarningNotice), " ")
	if got != want {
		t.Errorf("warning notice differs from copyright.md §1.7:\n got %q\nwant %q", got, want)
	}
}

// TestComplianceCodesMatchCodeList checks the Annex B codes against the
// repository's ISO 18626 code lists.
func TestComplianceCodesMatchCodeList(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(testenv.Standards(t, "iso18626", "code-lists.json"))
	if err != nil {
		t.Fatal(err)
	}
	var lists struct {
		OpenCodes map[string]struct {
			Scheme string            `json:"scheme"`
			Values map[string]string `json:"values"`
		} `json:"openCodes"`
	}
	if err := json.Unmarshal(data, &lists); err != nil {
		t.Fatal(err)
	}
	cc := lists.OpenCodes["copyrightCompliance"]
	if cc.Scheme != ComplianceScheme {
		t.Errorf("scheme %q, code list says %q", ComplianceScheme, cc.Scheme)
	}
	var want, got []string
	for k := range cc.Values {
		want = append(want, k)
	}
	for _, c := range isoCodes {
		got = append(got, string(c))
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("codes %q, code list has %q", got, want)
	}
	if c, ok := ParseCompliance("AU-CopyrightActS50\u20137A"); c != "AU-CopyrightActS50-7A" || !ok {
		t.Errorf("ParseCompliance with an en dash = %q, %v; want AU-CopyrightActS50-7A, true", c, ok)
	}
	if CodeCAFairDealing.WireNote() == "" || CodeUSCCG.WireNote() != "" {
		t.Errorf("WireNote: CA %q, CCG %q; want a note for CA only", CodeCAFairDealing.WireNote(), CodeUSCCG.WireNote())
	}
}

func TestUKDeclarationText(t *testing.T) {
	t.Parallel()
	// s.42A's conditions, each in plain words.
	for _, must := range []string{"non-commercial research", "private study", "No library has given me a copy of the same material",
		"same material for substantially the same purpose", "infringe copyright"} {
		if !strings.Contains(UKDeclarationText, must) {
			t.Errorf("UKDeclarationText lacks %q", must)
		}
	}
}
