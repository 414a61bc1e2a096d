package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/server"
	"interlend/internal/store"
)

func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		// Download links (patrons, staff, partner libraries). The name
		// after the token is only for a pleasant saved file name.
		handle("GET /files/{token}", h.filesDownload)
		handle("GET /files/{token}/{name}", h.filesDownload)
		// The agency's stored files, for staff.
		handle("GET /stored-files", h.requireLogin(h.filesPage))
		handle("POST /stored-files/upload", h.requireLogin(h.filesUpload))
		handle("GET /stored-files/{id}/{name}", h.requireLogin(h.filesServe))
		handle("POST /stored-files/{id}/delete", h.requireLogin(h.filesDelete))
	})
	addNav(navEntry{order: 70, key: "files.nav", href: "/stored-files", perm: ill.PermRequestView})
}

// filesDownload serves a file behind a download link. The link is bound to
// a user (who must be logged in here) or to a partner library (which
// presents the link's credential as "Authorization: Bearer <credential>",
// or as the sig parameter of the signed URL). HEAD answers the same
// question without using a download.
func (h *Handler) filesDownload(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	p := app.Presenter{Client: server.ClientIP(r, h.app.Cfg.TrustProxy)}
	if s := sessionFrom(r.Context()); s != nil {
		p.UserID = s.user.ID
	}
	if cred, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		p.Credential = strings.TrimSpace(cred)
	} else {
		p.Credential = r.URL.Query().Get("sig")
	}
	if r.Method == http.MethodHead {
		f, err := h.app.CheckDownload(r.Context(), token, p)
		if err != nil {
			return h.filesRefused(w, r, err)
		}
		setFileHeaders(w, f)
		w.WriteHeader(http.StatusOK)
		return nil
	}
	d, err := h.app.StartDownload(r.Context(), token, p)
	if err != nil {
		return h.filesRefused(w, r, err)
	}
	n, err := streamStoredFile(w, d.File, d.Body)
	if ferr := d.Finish(r.Context(), n, err); ferr != nil {
		h.app.Log.Error("download log not finished", "request_id", server.RequestID(r.Context()), "err", ferr)
	}
	return nil
}

// streamStoredFile writes a file's headers and content; the content is copied
// in pieces, never held whole.
func streamStoredFile(w http.ResponseWriter, f store.File, body io.Reader) (int64, error) {
	setFileHeaders(w, f)
	// A large file on a slow link may need longer than the server's write
	// timeout: allow ten minutes plus a second per 64 KiB.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(10*time.Minute + time.Duration(f.Size/(64<<10))*time.Second))
	w.WriteHeader(http.StatusOK)
	return io.CopyBuffer(w, body, make([]byte, 256<<10))
}

// setFileHeaders describes a stored file to the browser: its type, length
// and a safe file name, never cached by shared caches, never sniffed.
func setFileHeaders(w http.ResponseWriter, f store.File) {
	hd := w.Header()
	hd.Set("Content-Type", f.ContentType)
	hd.Set("Content-Length", fmt.Sprint(f.Size))
	hd.Set("Content-Disposition", fileDisposition(f.ContentType, f.Name))
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	// The URL carries the link's token: never send it on as a referrer.
	hd.Set("Referrer-Policy", "no-referrer")
}

// fileInlineTypes are shown in the browser; anything else is saved.
var fileInlineTypes = map[string]bool{"application/pdf": true, "image/png": true, "image/jpeg": true, "image/gif": true, "text/plain": true}

// fileDisposition names the file for saving: an ASCII fallback and the
// exact UTF-8 name (RFC 6266, RFC 8187).
func fileDisposition(contentType, name string) string {
	kind := "attachment"
	mt, _, _ := strings.Cut(contentType, ";")
	if fileInlineTypes[strings.TrimSpace(mt)] {
		kind = "inline"
	}
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			return '_'
		}
		return r
	}, name)
	var enc strings.Builder
	for _, b := range []byte(name) {
		if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0 {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	return fmt.Sprintf(`%s; filename="%s"; filename*=UTF-8''%s`, kind, ascii, enc.String())
}

// fileRefusals maps why a link was refused to the page's status and text.
var fileRefusals = []struct {
	cause  error
	status int
	key    string
}{
	{app.ErrLinkUnknown, http.StatusNotFound, "files.refused.unknown"},
	{app.ErrLinkExpired, http.StatusGone, "files.refused.expired"},
	{app.ErrLinkUsedUp, http.StatusGone, "files.refused.usedup"},
	{app.ErrLinkRevoked, http.StatusGone, "files.refused.revoked"},
	{app.ErrLinkFileDeleted, http.StatusGone, "files.refused.deleted"},
	{app.ErrLinkNotYours, http.StatusForbidden, "files.refused.notyours"},
	{app.ErrLinkCredential, http.StatusUnauthorized, "files.refused.credential"},
	{app.ErrLinkBadCredential, http.StatusForbidden, "files.refused.badcredential"},
	{app.ErrLinkNoContent, http.StatusNotFound, "files.refused.nocontent"},
}

// filesRefused explains a refusal. A user-bound link seen without a
// login goes to the login page and comes back here.
func (h *Handler) filesRefused(w http.ResponseWriter, r *http.Request, err error) error {
	if errors.Is(err, app.ErrLinkLogin) {
		return err // the error adapter redirects to the login page
	}
	for _, rf := range fileRefusals {
		if !errors.Is(err, rf.cause) {
			continue
		}
		if rf.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="interlend-download"`)
		}
		w.Header().Set("Referrer-Policy", "no-referrer")
		p := h.page(r, "files.refused.title")
		p.Data = struct{ Message, RequestID string }{p.T(rf.key), server.RequestID(r.Context())}
		h.render(w, r, rf.status, "error", p)
		return nil
	}
	return err
}
