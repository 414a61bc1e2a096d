package iso18626

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"interlend/internal/testenv"
)

// exampleFile reads one example, e.g. "v1_2/01-request-loan-book.xml".
func exampleFile(t testing.TB, name string) []byte {
	t.Helper()
	dir, file, _ := strings.Cut(name, "/")
	data, err := os.ReadFile(testenv.Standards(t, "iso18626", "examples", dir, file))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// mustParse parses an example strictly.
func mustParse(t testing.TB, name string) *Message {
	t.Helper()
	m, err := Parse(exampleFile(t, name))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return m
}

// parseError asserts that err is a *ParseError and returns it.
func parseError(t testing.TB, err error) *ParseError {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *ParseError", err, err)
	}
	return pe
}

func hasWarning(ws []Warning, kind WarningKind) bool {
	for _, w := range ws {
		if w.Kind == kind {
			return true
		}
	}
	return false
}

func date(s string) DateTime {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return At(t)
}

// wrap puts message XML into an ISO18626Message root of the given version
// attribute.
func wrap(version, body string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<ISO18626Message xmlns="` + Namespace + `" xmlns:ill="` + Namespace + `" ill:version="` + version + `">` +
		body + `</ISO18626Message>`)
}

const agencies = `<supplyingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>US-EXSUP</agencyIdValue></supplyingAgencyId>` +
	`<requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>US-EXREQ</agencyIdValue></requestingAgencyId>`

// ram is a minimal v1.2 RAM body with the given action and extra header XML.
func ram(action string) string {
	return `<requestingAgencyMessage><header>` + agencies + `<multipleItemRequestId/>` +
		`<timestamp>2025-03-10T09:01:00Z</timestamp><requestingAgencyRequestId>R1</requestingAgencyRequestId>` +
		`</header><action>` + action + `</action></requestingAgencyMessage>`
}

// sam is a minimal v1.2 SAM body; inner replaces the part after the header.
func sam(inner string) string {
	return `<supplyingAgencyMessage><header>` + agencies + `<multipleItemRequestId/>` +
		`<timestamp>2025-03-10T09:01:00Z</timestamp><requestingAgencyRequestId>R1</requestingAgencyRequestId>` +
		`</header>` + inner + `</supplyingAgencyMessage>`
}

func samWith(reason, status, extra string) string {
	return sam(`<messageInfo><reasonForMessage>` + reason + `</reasonForMessage></messageInfo>` +
		`<statusInfo><status>` + status + `</status><lastChange>2025-03-10T09:01:00Z</lastChange></statusInfo>` + extra)
}
