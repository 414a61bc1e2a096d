package openurl

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// ParseRequest reads an OpenURL sent to the request form: the query of a
// GET (or HEAD), or the body of a POST sent as
// application/x-www-form-urlencoded or text/plain (a KEV; Z39.88 allows
// both), after any query the POST URL carries. A charset parameter of the
// Content-Type is used when the KEV has no ctx_enc. Errors wrap
// ErrUnsupported (other methods or content types), ErrTooLarge and
// ErrNoCitation.
func ParseRequest(r *http.Request) (*Result, error) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return parse(r.URL.RawQuery, charsetUnset)
	case http.MethodPost:
	default:
		return nil, fmt.Errorf("openurl: method %s: %w", r.Method, ErrUnsupported)
	}
	hint := charsetUnset
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			return nil, fmt.Errorf("openurl: content type %q: %w", ct, ErrUnsupported)
		}
		if mt != "application/x-www-form-urlencoded" && mt != "text/plain" {
			return nil, fmt.Errorf("openurl: content type %s: %w", mt, ErrUnsupported)
		}
		if cs, ok := charsetOf(params["charset"]); ok {
			hint = cs
		}
	}
	room := MaxInputBytes - len(r.URL.RawQuery)
	if room < 0 {
		room = 0
	}
	var body []byte
	if r.Body != nil {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, int64(room)+1))
		if err != nil {
			return nil, fmt.Errorf("openurl: reading body: %w", err)
		}
	}
	if len(body) > room {
		return nil, fmt.Errorf("openurl: body over %d bytes: %w", room, ErrTooLarge)
	}
	kev := string(body)
	if q := r.URL.RawQuery; q != "" {
		kev = q + "&" + kev
	}
	return parse(strings.TrimSuffix(kev, "&"), hint)
}
