package web

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
)

// The copies page of the lending desk: copy requests awaiting their scan,
// each with an upload (one PDF, or page images: TIFF, JPEG, PNG), and
// recently delivered copies with a re-send for a bad scan. The library's
// size cap (lending_ops.copyMaxMB) is enforced before the body is read:
// a declared length over it is refused at once, and the body is read
// through http.MaxBytesReader (the paths end in /upload, which the
// server's general body limit leaves to the handler).
func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /lending/copies", h.requirePerm(ill.PermScan, h.lendingCopiesPage))
		handle("POST /lending/copies/{id}/upload", h.requirePerm(ill.PermScan, h.lendingCopyUpload))
		handle("POST /lending/copies/{id}/resend/upload", h.requirePerm(ill.PermScan, h.lendingCopyResend))
	})
}

// multipartOverhead is room for the form's other fields and part headers
// beyond the scan itself.
const multipartOverhead = 64 << 10

type copiesPageData struct {
	Waiting   []requestRow
	Delivered []requestRow
	MaxMB     int64
}

func (h *Handler) lendingCopiesPage(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	waiting, err := h.app.LendingQueue(r.Context(), actor, []ill.State{ill.LAwaitingScan}, 200)
	if err != nil {
		return err
	}
	recent, err := h.app.RecentCopies(r.Context(), actor, 50)
	if err != nil {
		return err
	}
	limit, err := h.app.CopyUploadLimit(r.Context(), actor.Agency)
	if err != nil {
		return err
	}
	rows := func(rs []*ill.Request) []requestRow {
		out := make([]requestRow, 0, len(rs))
		for _, q := range rs {
			out = append(out, requestRow{R: q, StateKey: "state.lending." + string(q.State), StateClass: stateClass(ill.LendingWorkflow, q)})
		}
		return out
	}
	p := h.page(r, "lendingops.copies.title")
	p.BodyClass = "desk"
	p.Data = copiesPageData{Waiting: rows(waiting), Delivered: rows(recent), MaxMB: limit >> 20}
	h.render(w, r, http.StatusOK, "lending_copy", p)
	return nil
}

// readCopyUpload reads the scan's files and note from a multipart body
// already limited by MaxBytesReader.
func readCopyUpload(r *http.Request) (app.CopyUpload, error) {
	var up app.CopyUpload
	mr, err := r.MultipartReader()
	if err != nil {
		return up, ill.E(ill.Invalid, "the upload is not a multipart form", err)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return up, nil
		}
		if err != nil {
			return up, uploadReadError(err)
		}
		switch {
		case part.FormName() == "file" && part.FileName() != "":
			b, err := io.ReadAll(part)
			if err != nil {
				return up, uploadReadError(err)
			}
			up.Pages = append(up.Pages, app.CopyPage{Name: part.FileName(), ContentType: part.Header.Get("Content-Type"), Data: b})
		case part.FormName() == "note":
			b, _ := io.ReadAll(io.LimitReader(part, 4000))
			up.Note = strings.TrimSpace(string(b))
		default:
			_, _ = io.Copy(io.Discard, io.LimitReader(part, 4096))
		}
		part.Close()
	}
}

func uploadReadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return ill.E(ill.TooLarge, "too large", err)
	}
	return ill.E(ill.Invalid, "the upload did not complete; please try again", err)
}

func (h *Handler) lendingCopyUpload(w http.ResponseWriter, r *http.Request) error {
	return h.copyUpload(w, r, false)
}

func (h *Handler) lendingCopyResend(w http.ResponseWriter, r *http.Request) error {
	return h.copyUpload(w, r, true)
}

// copyUpload delivers (or re-sends) a scan, then back to the page with
// what happened.
func (h *Handler) copyUpload(w http.ResponseWriter, r *http.Request, resend bool) error {
	actor, _ := actorFrom(r.Context())
	id := r.PathValue("id")
	p := h.page(r, "lendingops.copies.title")
	limit, err := h.app.CopyUploadLimit(r.Context(), actor.Agency)
	if err != nil {
		return err
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(time.Hour))
	var d app.CopyDelivery
	if r.ContentLength > limit+multipartOverhead {
		err = ill.E(ill.TooLarge, "too large")
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, limit+multipartOverhead)
		var up app.CopyUpload
		if r.MultipartForm != nil { // a form whose csrf field is not first: the CSRF check parsed it
			up, err = copyUploadFromForm(r)
		} else {
			up, err = readCopyUpload(r)
		}
		if err == nil {
			if resend {
				d, err = h.app.ResendCopy(r.Context(), actor, id, up)
			} else {
				d, err = h.app.DeliverCopy(r.Context(), actor, id, up)
			}
		}
	}
	switch {
	case err == nil && resend:
		flash(r, "ok", p.T("lendingops.copies.resent", id))
	case err == nil:
		flash(r, "ok", p.T("lendingops.copies.delivered", id, d.Pages, p.DateTime(d.LinkExpires)))
	case ill.KindOf(err) == ill.TooLarge:
		flash(r, "bad", p.T("lendingops.copies.toolarge", id, limit>>20))
	case ill.KindOf(err) == ill.Internal || ill.KindOf(err) == ill.Unavailable:
		return err
	default:
		flash(r, "bad", p.T("lendingops.copies.failed", id, ill.UserMessage(err)))
	}
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", "/lending/copies")
		w.WriteHeader(http.StatusOK)
		return nil
	}
	http.Redirect(w, r, "/lending/copies", http.StatusSeeOther)
	return nil
}

// copyUploadFromForm reads a form the CSRF check already parsed (a post
// without JavaScript whose csrf field is not the first part; the page's
// own forms put it first, so the check reads only that: csrf_stream.go).
func copyUploadFromForm(r *http.Request) (app.CopyUpload, error) {
	var up app.CopyUpload
	if v := r.MultipartForm.Value["note"]; len(v) > 0 {
		up.Note = strings.TrimSpace(v[0])
	}
	for _, fh := range r.MultipartForm.File["file"] {
		f, err := fh.Open()
		if err != nil {
			return up, uploadReadError(err)
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return up, uploadReadError(err)
		}
		up.Pages = append(up.Pages, app.CopyPage{Name: fh.Filename, ContentType: fh.Header.Get("Content-Type"), Data: b})
	}
	return up, nil
}
