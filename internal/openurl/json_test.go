package openurl

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

func TestResultJSONRedactsRequester(t *testing.T) {
	t.Parallel()
	r, err := Parse("rft.btitle=T&req_id=mailto:jane.doe@exreq.example.edu")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); strings.Contains(got, "jane") || !strings.Contains(got, `"requester":"[redacted]"`) {
		t.Errorf("JSON = %s, want the requester redacted", got)
	}
	var sb strings.Builder
	slog.New(slog.NewJSONHandler(&sb, nil)).Info("openurl", "result", r, "requester", r.Requester)
	if strings.Contains(sb.String(), "jane") {
		t.Errorf("slog output shows the requester: %s", sb.String())
	}
}
