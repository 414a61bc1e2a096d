package openurl

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseErrors(t *testing.T) {
	t.Parallel()
	binary := string([]byte{0x00, 0xff, 0xfe, '=', 0x01, '&', 0x80, '=', '=', '&', 0x7f, 0x1b, '[', '2', 'J'})
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrNoCitation},
		{"only separators", "&&&amp;&", ErrNoCitation},
		{"referrer and version only", "url_ver=Z39.88-2004&ctx_ver=Z39.88-2004&sid=EBSCO:aph&rfr_id=info:sid/x", ErrNoCitation},
		{"genre alone is not a citation", "genre=article&rft.genre=book", ErrNoCitation},
		{"empty values", "rft.atitle=&rft.jtitle=&title=+++&id=doi:", ErrNoCitation},
		{"binary junk", binary, ErrNoCitation},
		{"URL without query", "https://resolver.example.edu/openurl", ErrNoCitation},
		{"unknown keys only", "foo=bar&baz=qux", ErrNoCitation},
		{"requester only", "req_id=mailto:someone@example.org", ErrNoCitation},
		{"over the size limit", "rft.atitle=" + strings.Repeat("a", MaxInputBytes), ErrTooLarge},
		{"1 MB of keys", strings.Repeat("k", 1<<20), ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Parse(%.60q) error = %v, want %v", tc.in, err, tc.want)
			}
			if got != nil {
				t.Errorf("Parse(%.60q) result = %+v, want nil with the error", tc.in, got)
			}
		})
	}
}

func TestParseErrorDoesNotEchoRequester(t *testing.T) {
	t.Parallel()
	_, err := Parse("req_id=mailto:someone@example.org&req_dat=Jane+Doe")
	if err == nil || strings.Contains(err.Error(), "someone") || strings.Contains(err.Error(), "Jane") {
		t.Errorf("error = %v, want ErrNoCitation without requester data", err)
	}
}

func TestParseLimits(t *testing.T) {
	t.Parallel()
	t.Run("thousands of repeated keys", func(t *testing.T) {
		t.Parallel()
		in := "rft.btitle=Big+book" + strings.Repeat("&rft.au=A+N+Other", 5000)
		r, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(r.Citation.Authors), MaxPairs-1; got != want {
			t.Errorf("authors = %d, want %d (pair cap)", got, want)
		}
		want := []Warning{{Message: fmt.Sprintf("%d pairs beyond the limit of %d ignored", 5001-MaxPairs, MaxPairs)}}
		if diff := cmp.Diff(want, r.Warnings); diff != "" {
			t.Errorf("warnings (-want +got):\n%s", diff)
		}
	})
	t.Run("long value cut at a character boundary", func(t *testing.T) {
		t.Parallel()
		in := "rft.btitle=" + strings.Repeat("%C3%A9", MaxValueBytes) // 2 bytes each
		r, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := r.Citation.Title, strings.Repeat("é", MaxValueBytes/2); got != want {
			t.Errorf("title has %d bytes, want %d", len(got), len(want))
		}
		want := []Warning{{Key: "rft.btitle", Message: fmt.Sprintf("value cut to %d bytes", MaxValueBytes)}}
		if diff := cmp.Diff(want, r.Warnings); diff != "" {
			t.Errorf("warnings (-want +got):\n%s", diff)
		}
	})
	t.Run("warnings are capped", func(t *testing.T) {
		t.Parallel()
		var b strings.Builder
		b.WriteString("rft.btitle=T")
		for i := range 200 {
			fmt.Fprintf(&b, "&x%d=%%zz", i) // one malformed-escape warning each
		}
		r, err := Parse(b.String())
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(r.Warnings), MaxWarnings+1; got != want {
			t.Fatalf("%d warnings, want %d", got, want)
		}
		if got, want := r.Warnings[MaxWarnings].Message, "151 more warnings not kept"; got != want {
			t.Errorf("last warning = %q, want %q", got, want)
		}
	})
	t.Run("malformed keys are dropped", func(t *testing.T) {
		t.Parallel()
		in := "rft.btitle=T&" + strings.Repeat("k", MaxKeyBytes+1) + "=v&bad%00key=v&=novalue&a%zzb=v"
		r, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		want := []Warning{{Message: "4 pairs with malformed keys ignored"}}
		if diff := cmp.Diff(want, r.Warnings); diff != "" {
			t.Errorf("warnings (-want +got):\n%s", diff)
		}
		if r.Extra != nil {
			t.Errorf("Extra = %v, want nil", r.Extra)
		}
	})
}

func TestRequesterIsRedacted(t *testing.T) {
	t.Parallel()
	r, err := Parse("rft.btitle=T&req_id=mailto:jane.doe@exreq.example.edu&req.name=Jane%20Doe")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Requester.Email(), "jane.doe@exreq.example.edu"; got != want {
		t.Errorf("Email() = %q, want %q", got, want)
	}
	if got, want := r.Requester.Value(), "mailto:jane.doe@exreq.example.edu"; got != want {
		t.Errorf("Value() = %q, want %q", got, want)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		if s := fmt.Sprintf(format, r); strings.Contains(s, "jane") || strings.Contains(s, "Jane") {
			t.Errorf("fmt %s of the Result shows the requester: %s", format, s)
		}
		if s := fmt.Sprintf(format, r.Requester); s != redacted {
			t.Errorf("fmt %s of the Requester = %q, want %q", format, s, redacted)
		}
	}
	if got := r.Requester.LogValue().String(); got != redacted {
		t.Errorf("LogValue = %q, want %q", got, redacted)
	}
	if got := fmt.Sprint(r.Warnings); strings.Contains(got, "Jane") {
		t.Errorf("warnings show requester data: %s", got)
	}
	if Requester("").String() != "" {
		t.Errorf("empty requester should print as empty")
	}
	if got := Requester("https://example.org/me").Email(); got != "" {
		t.Errorf("Email of a non-mailto requester = %q, want empty", got)
	}
}
