package app

import (
	"context"
	"fmt"
	"io"
	"mime"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"interlend/internal/auth"
	"interlend/internal/blob"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// FileStore keeps the content of stored files. New files go to the
// embedded blob.Store (the backend chosen by --file-store); For finds the
// backend of an existing file, so that files written before the operator
// switched backends stay readable.
type FileStore interface {
	blob.Store
	For(b blob.Backend) (blob.Store, error)
}

// fileStores is the FileStore of a running app: the chosen backend plus
// both backends by name.
type fileStores struct {
	blob.Store
	local    *blob.LocalStore
	database *blob.DatabaseStore
}

func (f *fileStores) For(b blob.Backend) (blob.Store, error) {
	switch b {
	case blob.Local:
		return f.local, nil
	case blob.Database:
		return f.database, nil
	}
	return nil, fmt.Errorf("app: unknown file backend %q", b)
}

// setupFiles prepares a.Files from the configuration: local (a folder in
// the data folder), database, or auto (local on SQLite, database on
// PostgreSQL, where several nodes may serve).
func (a *App) setupFiles() error {
	fs := &fileStores{
		local:    blob.NewLocal(filepath.Join(a.Cfg.DataDir, filesDir), a.Clock),
		database: blob.NewDatabase(a.DB, 0),
	}
	switch a.Cfg.FileStore {
	case "local":
		fs.Store = fs.local
	case "database":
		fs.Store = fs.database
	case "auto", "":
		fs.Store = fs.local
		if a.Cfg.IsPostgres() {
			fs.Store = fs.database
		}
	default:
		return ill.Errorf(ill.Invalid, "--file-store %q: use local, database or auto", a.Cfg.FileStore)
	}
	a.Files = fs
	return nil
}

// FilePurpose says what a stored file is for. It decides who may store,
// link and delete it.
type FilePurpose string

// The purposes of stored files.
const (
	FileScan    FilePurpose = "scan"    // a scanned article or chapter
	FileSlip    FilePurpose = "slip"    // pull slip, book band
	FileLabel   FilePurpose = "label"   // shipping label
	FileInvoice FilePurpose = "invoice" // IFM or fee invoice
	FileExport  FilePurpose = "export"  // a report or data export
	FileNotice  FilePurpose = "notice"  // a generated letter or notice
	FileOther   FilePurpose = "other"
)

// FilePurposes lists every purpose in display order.
var FilePurposes = []FilePurpose{FileScan, FileSlip, FileLabel, FileInvoice, FileExport, FileNotice, FileOther}

// writePermission is what storing, linking or deleting a file of each
// purpose needs in its agency.
var writePermission = map[FilePurpose]ill.Permission{
	FileScan:    ill.PermScan,
	FileSlip:    ill.PermScan,
	FileLabel:   ill.PermScan,
	FileInvoice: ill.PermFees,
	FileExport:  ill.PermStats,
	FileNotice:  ill.PermScan,
	FileOther:   ill.PermScan,
}

// WritePermission is what storing, linking or deleting a file of the
// purpose needs in its agency.
func (p FilePurpose) WritePermission() ill.Permission {
	if perm, ok := writePermission[p]; ok {
		return perm
	}
	return ill.PermScan
}

// readPermission is what opening a file of the purpose needs, beyond
// seeing the agency's requests.
func readPermission(p FilePurpose) ill.Permission {
	if p == FileExport {
		return ill.PermStats
	}
	return ill.PermRequestView
}

// DefaultMaxFileSize caps stored files unless the agency's setting
// files.max_bytes says otherwise.
const DefaultMaxFileSize int64 = 256 << 20

// MaxFileSizeSetting is the agency setting (a JSON number of bytes) that
// overrides DefaultMaxFileSize.
const MaxFileSizeSetting = "files.max_bytes"

// FileMeta describes a file being stored.
type FileMeta struct {
	Name        string      // original file name; cleaned (no folders, no control characters)
	ContentType string      // e.g. application/pdf; empty: application/octet-stream
	Purpose     FilePurpose // required
	RequestRef  string      // the request it belongs to, if any
}

// clean validates the metadata and returns it normalised. Returns Invalid.
func (m FileMeta) clean() (FileMeta, error) {
	fields := map[string]string{}
	m.Name = CleanFileName(m.Name)
	ct := strings.TrimSpace(m.ContentType)
	if ct == "" {
		ct = "application/octet-stream"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || !strings.Contains(mt, "/") || len(ct) > 200 {
		fields["content_type"] = "not a media type such as application/pdf"
	} else {
		m.ContentType = mime.FormatMediaType(mt, params)
	}
	if _, ok := writePermission[m.Purpose]; !ok {
		fields["purpose"] = "one of scan, slip, label, invoice, export, notice, other"
	}
	m.RequestRef = strings.TrimSpace(m.RequestRef)
	if len(m.RequestRef) > 100 || strings.IndexFunc(m.RequestRef, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		fields["request"] = "at most 100 printable characters"
	}
	if len(fields) > 0 {
		return m, ill.E(ill.Invalid, "the file's description is not valid", fields)
	}
	return m, nil
}

// CleanFileName makes an uploaded name safe to store and to offer back in
// a download: the last path element only, valid UTF-8 without control or
// quote characters, at most 120 characters (keeping the extension).
func CleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "_")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r), r == '"', unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, name)
	name = strings.Trim(strings.Join(strings.Fields(name), " "), " .")
	if utf8.RuneCountInString(name) > 120 {
		ext := filepath.Ext(name)
		if utf8.RuneCountInString(ext) > 16 {
			ext = ""
		}
		runes := []rune(strings.TrimSuffix(name, ext))
		name = strings.TrimSpace(string(runes[:120-utf8.RuneCountInString(ext)])) + ext
	}
	if name == "" {
		name = "file"
	}
	return name
}

// maxFileSize is the agency's cap on stored files. Returns NotFound for
// an agency not hosted here.
func (a *App) maxFileSize(ctx context.Context, agency ill.AgencyID) (int64, error) {
	limit := DefaultMaxFileSize
	err := a.read(ctx, func(tx *store.Tx) error {
		if _, err := tx.System().GetAgency(agency); err != nil {
			return err
		}
		st, ok, err := tx.Agency().GetSetting(agency, MaxFileSizeSetting)
		if err != nil || !ok {
			return err
		}
		var n int64
		if _, err := fmt.Sscanf(strings.TrimSpace(st.Value), "%d", &n); err == nil && n > 0 {
			limit = n
		}
		return nil
	})
	return limit, err
}

// StoreFile streams r into the file store and records it as a file of the
// agency. The content is never held in memory; its size is capped per
// agency (files.max_bytes). Returns Forbidden, Invalid, TooLarge (nothing
// is kept), NotFound (agency not hosted) or Unavailable.
func (a *App) StoreFile(ctx context.Context, actor ill.Actor, agency ill.AgencyID, r io.Reader, meta FileMeta) (store.File, error) {
	meta, err := meta.clean()
	if err != nil {
		return store.File{}, err
	}
	if err := actor.Require(agency, writePermission[meta.Purpose]); err != nil {
		return store.File{}, err
	}
	limit, err := a.maxFileSize(ctx, agency)
	if err != nil {
		return store.File{}, err
	}
	backend := a.Files.Backend()
	obj, err := a.Files.Put(ctx, agency, r, limit)
	if err != nil {
		return store.File{}, err
	}
	f := store.File{
		PublicID: publicFileID(), Name: meta.Name, ContentType: meta.ContentType, Size: obj.Size,
		SHA256: obj.Key, Backend: string(backend), Purpose: string(meta.Purpose), RequestRef: meta.RequestRef,
		CreatedBy: actor.UserID,
	}
	err = a.write(ctx, func(tx *store.Tx) error {
		created, err := tx.Agency().CreateFile(agency, f)
		if err != nil {
			return err
		}
		f = created
		if err := tx.Agency().Audit(agency, store.AuditRecord{Actor: actor.UserID, Action: "file.store", Target: f.PublicID,
			After: fmt.Sprintf("%s, %d bytes, %s", meta.Purpose, f.Size, f.SHA256)}); err != nil {
			return err
		}
		return a.scheduleFileSweep(tx)
	})
	if err != nil {
		// The content may now belong to no file: have it purged (after the
		// grace period) unless another file uses it.
		_ = a.write(context.WithoutCancel(ctx), func(tx *store.Tx) error {
			return a.enqueuePurge(tx, agency, backend, obj.Key, "orphan:"+f.PublicID)
		})
		return store.File{}, err
	}
	return f, nil
}

// OpenFile opens one of the agency's files for staff. The caller must
// close the reader. Returns Forbidden, NotFound or Unavailable.
func (a *App) OpenFile(ctx context.Context, actor ill.Actor, agency ill.AgencyID, publicID string) (store.File, blob.Reader, error) {
	if err := actor.Require(agency, ill.PermRequestView); err != nil {
		return store.File{}, nil, err
	}
	var f store.File
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		f, err = tx.Agency().FileByPublicID(agency, publicID)
		return err
	})
	if err != nil {
		return store.File{}, nil, err
	}
	if f.Deleted() {
		return store.File{}, nil, ill.E(ill.NotFound, "the file has been deleted")
	}
	if err := actor.Require(agency, readPermission(FilePurpose(f.Purpose))); err != nil {
		return store.File{}, nil, err
	}
	rd, err := a.openContent(ctx, f)
	return f, rd, err
}

// openContent opens a file's content in the backend that holds it.
func (a *App) openContent(ctx context.Context, f store.File) (blob.Reader, error) {
	bs, err := a.Files.For(blob.Backend(f.Backend))
	if err != nil {
		return nil, err
	}
	rd, err := bs.Open(ctx, f.Agency, f.SHA256)
	if ill.Is(err, ill.NotFound) {
		a.Log.Error("stored file has no content", "agency", f.Agency, "file", f.PublicID, "backend", f.Backend, "sha256", f.SHA256)
		return nil, ill.E(ill.NotFound, "the file's content is missing; the problem has been logged", err)
	}
	return rd, err
}

// ListFiles lists the agency's files, newest first. Returns Forbidden.
func (a *App) ListFiles(ctx context.Context, actor ill.Actor, agency ill.AgencyID, f store.FileFilter) ([]store.File, error) {
	if err := actor.Require(agency, ill.PermRequestView); err != nil {
		return nil, err
	}
	var out []store.File
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.Agency().Files(agency, f)
		return err
	})
	return out, err
}

// DeleteFile deletes one of the agency's files: the record stays (name
// redacted) for the audit trail, its links stop working at once, and its
// content is purged by a durable job unless another file has the same
// content. Returns Forbidden, NotFound or Conflict (already deleted).
func (a *App) DeleteFile(ctx context.Context, actor ill.Actor, agency ill.AgencyID, publicID string) error {
	if err := actor.Require(agency, ill.PermRequestView); err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		f, err := tx.Agency().FileByPublicID(agency, publicID)
		if err != nil {
			return err
		}
		if err := actor.Require(agency, writePermission[FilePurpose(f.Purpose)]); err != nil {
			return err
		}
		return a.deleteFileTx(tx, actor, f)
	})
}

// DeleteRequestFiles deletes every file of a request (retention). It
// returns how many it deleted. Returns Forbidden.
func (a *App) DeleteRequestFiles(ctx context.Context, actor ill.Actor, agency ill.AgencyID, requestRef string) (int, error) {
	if requestRef == "" {
		return 0, ill.E(ill.Invalid, "which request?")
	}
	n := 0
	err := a.write(ctx, func(tx *store.Tx) error {
		n = 0
		fs, err := tx.Agency().Files(agency, store.FileFilter{RequestRef: requestRef, Limit: 1000})
		if err != nil {
			return err
		}
		for _, f := range fs {
			if err := actor.Require(agency, writePermission[FilePurpose(f.Purpose)]); err != nil {
				return err
			}
			if err := a.deleteFileTx(tx, actor, f); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func (a *App) deleteFileTx(tx *store.Tx, actor ill.Actor, f store.File) error {
	if _, err := tx.Agency().MarkFileDeleted(f.Agency, f.ID); err != nil {
		return err
	}
	if err := tx.Agency().Audit(f.Agency, store.AuditRecord{Actor: actor.UserID, Action: "file.delete", Target: f.PublicID,
		Before: fmt.Sprintf("%s, %d bytes", f.Purpose, f.Size)}); err != nil {
		return err
	}
	return a.enqueuePurge(tx, f.Agency, blob.Backend(f.Backend), f.SHA256, "file:"+f.PublicID)
}

// publicFileID is the random id of a file in URLs (128 bits).
func publicFileID() string { return auth.NewToken("")[:22] }
