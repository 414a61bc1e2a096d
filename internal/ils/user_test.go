package ils

import (
	"slices"
	"testing"
	"time"

	"interlend/internal/ncip"
)

// TestUserOfReadsEveryWayOfSayingBlocked: responders say "blocked" with
// BlockOrTrap or with the privilege status, and "expired" with the status
// or the privilege's end date.
func TestUserOfReadsEveryWayOfSayingBlocked(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	priv := func(status string, until time.Time) *ncip.LookupUserResponse {
		return &ncip.LookupUserResponse{UserID: ncip.UserBarcode("P1"), UserOptionalFields: &ncip.UserOptionalFields{
			UserPrivilege: []ncip.UserPrivilege{{AgencyUserPrivilegeType: ncip.Value("staff"), ValidToDate: ncip.At(until),
				UserPrivilegeStatus: &ncip.UserPrivilegeStatus{Type: ncip.Value(status)}}}}}
	}
	tests := []struct {
		name    string
		resp    *ncip.LookupUserResponse
		blocks  []string
		expired bool
		reason  string
	}{
		{name: "active", resp: priv("Active", now.AddDate(1, 0, 0))},
		{name: "status blocked", resp: priv("BLOCKED", time.Time{}), blocks: []string{"BLOCKED"}, reason: ReasonUserBlocked},
		{name: "status expired", resp: priv("Expired", time.Time{}), expired: true, reason: ReasonUserExpired},
		{name: "end date passed", resp: priv("Active", now.AddDate(0, 0, -2)), reason: ReasonUserExpired},
		{name: "block or trap", resp: &ncip.LookupUserResponse{UserOptionalFields: &ncip.UserOptionalFields{
			BlockOrTrap: []ncip.BlockOrTrap{{Type: ncip.Value("Lost items")}}}}, blocks: []string{"Lost items"}, reason: ReasonUserBlocked},
		{name: "nothing said", resp: &ncip.LookupUserResponse{}},
	}
	for _, tc := range tests {
		u := userOf(tc.resp, "P1", now)
		if !slices.Equal(u.Blocks, tc.blocks) || u.Expired != tc.expired || u.ID != "P1" {
			t.Errorf("%s: user = %+v, want blocks %v expired %v", tc.name, u, tc.blocks, tc.expired)
		}
		if got := ReasonOf(judge(u, now)); got != tc.reason {
			t.Errorf("%s: judged %q, want %q", tc.name, got, tc.reason)
		}
	}
}
