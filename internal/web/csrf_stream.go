package web

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
)

// A form posted without JavaScript carries its CSRF token in the body.
// For a multipart upload, parsing the whole form to find it would read
// (and spool) the scan before the upload's own size cap is applied, so
// the token is taken from the form's first part instead: every upload
// form puts its hidden csrf field first. At most csrfPeekLimit bytes are
// read, and they are put back in front of the body for the handler.

// csrfPeekLimit bounds what is read of a multipart body to find the token
// (part headers, the token, and what the multipart reader buffers ahead).
const csrfPeekLimit = 16 << 10

// csrfFromMultipart returns the token of a multipart form whose first part
// is the csrf field, reading only the start of the body; ok is false for
// any other body, which is then left for the usual form parsing.
func csrfFromMultipart(r *http.Request) (token string, ok bool) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" || r.Body == nil || r.Body == http.NoBody {
		return "", false
	}
	var seen bytes.Buffer
	orig := r.Body
	defer func() {
		r.Body = replayBody{Reader: io.MultiReader(bytes.NewReader(seen.Bytes()), orig), Closer: orig}
	}()
	mr := multipart.NewReader(io.TeeReader(io.LimitReader(orig, csrfPeekLimit), &seen), params["boundary"])
	part, err := mr.NextPart()
	if err != nil || part.FormName() != "csrf" || part.FileName() != "" {
		return "", false
	}
	b, err := io.ReadAll(io.LimitReader(part, 512))
	if err != nil {
		return "", false
	}
	return string(b), true
}

// replayBody is a request body with what was already read put back.
type replayBody struct {
	io.Reader
	io.Closer
}
