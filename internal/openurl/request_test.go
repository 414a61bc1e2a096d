package openurl

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"interlend/internal/ill"
)

func TestParseRequest(t *testing.T) {
	t.Parallel()
	const kev = "url_ver=Z39.88-2004&rft.genre=book&rft.btitle=L%27%E9tranger&rft.isbn=0618249060"
	book := func(title string) ill.Citation {
		return ill.Citation{Title: title, ISBN: "0618249060", PublicationType: ill.PubBook}
	}
	tests := []struct {
		name        string
		method      string
		target      string
		contentType string
		body        string
		want        ill.Citation
	}{
		{name: "GET query", method: http.MethodGet, target: "/openurl?" + kev + "&ctx_enc=info:ofi/enc:ISO-8859-1", want: book("L'étranger")},
		{name: "GET semicolons kept", method: http.MethodGet, target: "/openurl?rft.genre=book&rft.btitle=A;+B&rft.isbn=0618249060", want: book("A; B")},
		{name: "HEAD", method: http.MethodHead, target: "/openurl?" + kev, want: book("L'étranger")},
		{name: "POST form", method: http.MethodPost, target: "/openurl", contentType: "application/x-www-form-urlencoded", body: kev + "&ctx_enc=info:ofi/enc:ISO-8859-1", want: book("L'étranger")},
		{name: "POST text/plain Latin-1 by charset", method: http.MethodPost, target: "/openurl", contentType: "text/plain; charset=ISO-8859-1", body: kev, want: book("L'étranger")},
		{name: "POST without content type", method: http.MethodPost, target: "/openurl", body: strings.ReplaceAll(kev, "%E9", "%C3%A9"), want: book("L'étranger")},
		{name: "POST body after query", method: http.MethodPost, target: "/openurl?url_ver=Z39.88-2004&rft.genre=book", contentType: "text/plain", body: "rft.btitle=Silent+spring&rft.isbn=0618249060\n", want: book("Silent spring")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			got, err := ParseRequest(req)
			if err != nil {
				t.Fatalf("ParseRequest: %v", err)
			}
			if diff := cmp.Diff(tc.want, got.Citation); diff != "" {
				t.Errorf("citation mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRequestErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		method      string
		contentType string
		body        string
		want        error
	}{
		{"PUT", http.MethodPut, "text/plain", "rft.btitle=T", ErrUnsupported},
		{"multipart", http.MethodPost, "multipart/form-data; boundary=x", "rft.btitle=T", ErrUnsupported},
		{"JSON", http.MethodPost, "application/json", `{"title":"T"}`, ErrUnsupported},
		{"bad content type", http.MethodPost, "text/plain; charset", "rft.btitle=T", ErrUnsupported},
		{"body too large", http.MethodPost, "text/plain", "rft.btitle=" + strings.Repeat("x", MaxInputBytes), ErrTooLarge},
		{"no citation", http.MethodPost, "text/plain", "sid=x", ErrNoCitation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tc.method, "/openurl", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.contentType)
			got, err := ParseRequest(req)
			if !errors.Is(err, tc.want) || got != nil {
				t.Errorf("ParseRequest = %v, %v; want nil, %v", got, err, tc.want)
			}
		})
	}
}
