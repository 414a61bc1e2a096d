package web

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// filesPage lists the agency's stored files, newest first, with the
// upload form.
func (h *Handler) filesPage(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	files, err := h.app.ListFiles(r.Context(), actor, actor.Agency, store.FileFilter{RequestRef: r.URL.Query().Get("request"), Limit: 200})
	if err != nil {
		return err
	}
	p := h.page(r, "files.title")
	type row struct {
		store.File
		Href     string
		Size     string
		CanWrite bool
	}
	rows := make([]row, 0, len(files))
	for _, f := range files {
		rows = append(rows, row{File: f, Href: "/stored-files/" + f.PublicID + "/" + url.PathEscape(f.Name), Size: fileSizeText(p.T, f.Size),
			CanWrite: actor.Can(app.FilePurpose(f.Purpose).WritePermission())})
	}
	p.Data = struct {
		Files        []row
		FilePurposes []app.FilePurpose
		CanUpload    bool
	}{rows, app.FilePurposes, actor.Can(ill.PermScan)}
	h.render(w, r, http.StatusOK, "files_list", p)
	return nil
}

// fileSizeText writes a byte count for people, in the reader's language
// (t translates a catalog key).
func fileSizeText(t func(key string, args ...any) string, n int64) string {
	const k = 1024
	switch {
	case n < k:
		return t("files.size.bytes", n)
	case n < k*k:
		return t("files.size.kib", (n+k/2)/k)
	default:
		return t("files.size.mib", (n+k*k/2)/(k*k))
	}
}

// filesUpload stores one uploaded file. The form's text fields come before
// the file, and the file is streamed from the request into the store: a
// 100 MB scan is never held in memory. (A form posted without JavaScript
// carries its CSRF token in the body, which the session check had to parse
// already; that copy is used then.)
func (h *Handler) filesUpload(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	// A large scan on a slow link may need longer than the server's read
	// timeout.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(time.Hour))
	meta := app.FileMeta{Purpose: app.FileScan}
	var stored *store.File
	store1 := func(name, contentType string, body io.Reader) error {
		meta.Name, meta.ContentType = name, contentType
		f, err := h.app.StoreFile(r.Context(), actor, actor.Agency, body, meta)
		if err != nil {
			return err
		}
		stored = &f
		return nil
	}
	var err error
	if r.MultipartForm != nil {
		err = fileUploadFromForm(r.MultipartForm, &meta, store1)
	} else {
		err = fileUploadFromStream(r, &meta, store1)
	}
	if err == nil && stored == nil {
		err = ill.E(ill.Invalid, h.catalog.Text(h.locale(r), "files.upload.nofile"), map[string]string{"file": "required"})
	}
	if err != nil {
		if ill.KindOf(err) == ill.Internal {
			return err
		}
		flash(r, "bad", h.filesUploadError(r, err))
	} else {
		lang := h.locale(r)
		t := func(key string, args ...any) string { return h.catalog.Text(lang, key, args...) }
		flash(r, "ok", t("files.upload.done", stored.Name, fileSizeText(t, stored.Size)))
	}
	// Back to the list, where the flash message shows (htmx follows
	// HX-Redirect with a full page load).
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", "/stored-files")
		w.WriteHeader(http.StatusOK)
		return nil
	}
	http.Redirect(w, r, "/stored-files", http.StatusSeeOther)
	return nil
}

// filesUploadError says in the reader's language why an upload failed.
func (h *Handler) filesUploadError(r *http.Request, err error) string {
	lang := h.locale(r)
	switch ill.KindOf(err) {
	case ill.TooLarge:
		return h.catalog.Text(lang, "files.upload.toolarge")
	case ill.Forbidden:
		return h.catalog.Text(lang, "files.upload.forbidden")
	case ill.Invalid:
		if f := ill.FieldErrors(err); f["file"] != "" {
			return h.catalog.Text(lang, "files.upload.nofile")
		}
		return h.catalog.Text(lang, "files.upload.invalid")
	}
	return h.catalog.Text(lang, "files.upload.failed")
}

// fileUploadFromStream reads the multipart body part by part.
func fileUploadFromStream(r *http.Request, meta *app.FileMeta, save func(name, contentType string, body io.Reader) error) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return ill.E(ill.Invalid, "the upload is not a multipart form", err)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return ill.E(ill.Invalid, "the upload did not complete; please try again", err)
		}
		name := part.FormName()
		if name == "file" && part.FileName() != "" {
			err := save(part.FileName(), fileUploadType(part.Header.Get("Content-Type"), part.FileName()), part)
			part.Close()
			return err
		}
		v, err := io.ReadAll(io.LimitReader(part, 1024))
		part.Close()
		if err != nil {
			return ill.E(ill.Invalid, "the upload did not complete; please try again", err)
		}
		setFileUploadField(meta, name, string(v))
	}
}

// fileUploadFromForm uses a form the CSRF check already parsed.
func fileUploadFromForm(form *multipart.Form, meta *app.FileMeta, save func(name, contentType string, body io.Reader) error) error {
	for name, vs := range form.Value {
		if len(vs) > 0 {
			setFileUploadField(meta, name, vs[0])
		}
	}
	fhs := form.File["file"]
	if len(fhs) == 0 {
		return nil
	}
	f, err := fhs[0].Open()
	if err != nil {
		return err
	}
	defer f.Close()
	return save(fhs[0].Filename, fileUploadType(fhs[0].Header.Get("Content-Type"), fhs[0].Filename), f)
}

func setFileUploadField(meta *app.FileMeta, name, value string) {
	switch name {
	case "purpose":
		meta.Purpose = app.FilePurpose(strings.TrimSpace(value))
	case "request":
		meta.RequestRef = value
	}
}

// fileUploadType keeps the browser's content type if it says something;
// for application/octet-stream (or nothing) it goes by the file name's
// extension among the types libraries exchange.
func fileUploadType(ct, name string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && mt != "application/octet-stream" {
		return ct
	}
	if t, ok := fileTypesByExtension[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	return "application/octet-stream"
}

var fileTypesByExtension = map[string]string{
	".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".gif": "image/gif", ".tif": "image/tiff", ".tiff": "image/tiff", ".txt": "text/plain; charset=utf-8",
	".csv": "text/csv; charset=utf-8", ".xml": "application/xml", ".zip": "application/zip",
}

// filesServe serves one of the agency's files to staff.
func (h *Handler) filesServe(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	f, body, err := h.app.OpenFile(r.Context(), actor, actor.Agency, r.PathValue("id"))
	if err != nil {
		return err
	}
	defer body.Close()
	if r.Method == http.MethodHead {
		setFileHeaders(w, f)
		w.WriteHeader(http.StatusOK)
		return nil
	}
	_, _ = streamStoredFile(w, f, body)
	return nil
}

// filesDelete deletes one of the agency's files.
func (h *Handler) filesDelete(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	if err := h.app.DeleteFile(r.Context(), actor, actor.Agency, r.PathValue("id")); err != nil {
		return err
	}
	flash(r, "ok", h.catalog.Text(h.locale(r), "files.deleted"))
	http.Redirect(w, r, "/stored-files", http.StatusSeeOther)
	return nil
}
