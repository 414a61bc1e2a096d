package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/pdf"
	"interlend/internal/store"
)

// Copies on the lending side: the scan of an article or chapter is
// uploaded (one PDF, kept as it is with any text layer the scanner made,
// or page images — JPEG, TIFF, PNG — assembled into one PDF), stored in
// the file store as a file of the request, and delivered to the borrowing
// library as an expiring link bound to that library (ISO 18626
// deliveryInfo/URL, with the credential in its sig parameter), in the
// transaction that moves the request to CopyCompleted. A bad scan
// reported by the borrower is answered by a re-send: a new scan, or a
// fresh link to the same file.

// CopyPage is one uploaded file of a scan.
type CopyPage struct {
	Name        string
	ContentType string // as declared; the content decides
	Data        []byte
}

// CopyUpload is a scan to deliver.
type CopyUpload struct {
	Pages []CopyPage
	Note  string // to the borrowing library (re-send: what was wrong)
}

// CopyDelivery is what a delivery did.
type CopyDelivery struct {
	Request *ill.Request `json:"request"`
	File    store.File   `json:"file"`
	// LinkExpires is when the borrower's link stops working.
	LinkExpires time.Time `json:"linkExpires"`
	// Assembled says the PDF was made from page images.
	Assembled bool `json:"assembled"`
	// Pages counts the scan's pages; the delivered PDF has the copyright
	// notice page in front of them.
	Pages int `json:"pages"`
}

// CopyUploadLimit is the agency's cap on one uploaded scan, in bytes
// (setting lending_ops.copyMaxMB, default 100 MB). Callers enforce it
// before they read a body.
func (a *App) CopyUploadLimit(ctx context.Context, agency ill.AgencyID) (int64, error) {
	set, err := LendingOpsSetting.Get(ctx, a.DB, agency)
	if err != nil {
		return 0, err
	}
	return int64(set.CopyMaxMB) << 20, nil
}

// ErrNotScan is wrapped by the Invalid error for an upload that is not a
// PDF, TIFF, JPEG or PNG.
var ErrNotScan = errors.New("not a PDF, TIFF, JPEG or PNG file")

// scanKind tells a scan's type by its first bytes.
func scanKind(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "pdf"
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return "tiff"
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	}
	return ""
}

// assembleScan makes the one PDF to deliver.
func assembleScan(up CopyUpload) (doc []byte, assembled bool, pages int, err error) {
	if len(up.Pages) == 0 {
		return nil, false, 0, ill.E(ill.Invalid, "choose the scan to upload (a PDF, or TIFF or JPEG page images)", map[string]string{"file": "required"})
	}
	var images [][]byte
	for i, p := range up.Pages {
		kind := scanKind(p.Data)
		switch {
		case kind == "":
			return nil, false, 0, ill.E(ill.Invalid, fmt.Sprintf("%s is not a PDF, TIFF or JPEG file; nothing was delivered", CleanFileName(p.Name)),
				map[string]string{"file": "not a PDF, TIFF or JPEG"}, ErrNotScan)
		case kind == "pdf" && len(up.Pages) > 1:
			return nil, false, 0, ill.E(ill.Invalid, "upload one PDF, or page images only; not both", map[string]string{"file": fmt.Sprintf("file %d is a PDF among several files", i+1)})
		case kind == "pdf":
			n, err := pdf.PageCount(p.Data)
			if err != nil {
				return nil, false, 0, ill.E(ill.Invalid, fmt.Sprintf("%s is a damaged or unsupported PDF; nothing was delivered", CleanFileName(p.Name)),
					map[string]string{"file": "damaged PDF"}, err)
			}
			return p.Data, false, n, nil
		}
		images = append(images, p.Data)
	}
	doc, err = pdf.ImagesToPDF(images)
	if err != nil {
		return nil, false, 0, ill.E(ill.Invalid, "a page image cannot be read ("+err.Error()+"); nothing was delivered", map[string]string{"file": "unreadable image"}, err)
	}
	n, err := pdf.PageCount(doc)
	if err != nil {
		return nil, false, 0, err
	}
	return doc, true, n, nil
}

// DeliverCopy delivers a scan for a copy request awaiting scanning.
// Returns Forbidden, NotFound, Conflict (not awaiting a scan), Invalid
// (not a PDF or page images, damaged) or TooLarge; nothing changes then.
func (a *App) DeliverCopy(ctx context.Context, actor ill.Actor, id string, up CopyUpload) (CopyDelivery, error) {
	return a.deliverCopy(ctx, actor, id, up, false)
}

// ResendCopy delivers a delivered copy again, when the borrower reports a
// bad scan or a link that did not work: with a new scan when up has
// pages, else a fresh link to the scan already delivered. The note says
// what was done.
func (a *App) ResendCopy(ctx context.Context, actor ill.Actor, id string, up CopyUpload) (CopyDelivery, error) {
	return a.deliverCopy(ctx, actor, id, up, true)
}

func (a *App) deliverCopy(ctx context.Context, actor ill.Actor, id string, up CopyUpload, resend bool) (CopyDelivery, error) {
	var out CopyDelivery
	if err := actor.Require(actor.Agency, ill.PermScan); err != nil {
		return out, err
	}
	check := func(r *ill.Request) error {
		if r.Side != ill.Lending {
			return notFound(id)
		}
		if r.ServiceType != ill.Copy && r.ServiceType != ill.CopyOrLoan {
			return ill.E(ill.Conflict, fmt.Sprintf("%s is a loan, not a copy; nothing was delivered", r.PublicID))
		}
		if !resend && r.State != ill.LAwaitingScan {
			return ill.E(ill.Conflict, fmt.Sprintf("%s is %s, not awaiting a scan; nothing was delivered", r.PublicID, r.State))
		}
		if resend && (r.State != ill.LCompleted || r.CloseReason != ill.ClosedFilled) {
			return ill.E(ill.Conflict, fmt.Sprintf("%s has no delivered copy to send again", r.PublicID))
		}
		return nil
	}
	// Fail fast on the request before the scan is processed.
	var notice copyNotice
	if err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, id, false)
		if err != nil {
			return err
		}
		if err := check(r); err != nil {
			return err
		}
		notice, err = copyNoticeFor(tx, r)
		return err
	}); err != nil {
		return out, err
	}
	limit, err := a.CopyUploadLimit(ctx, actor.Agency)
	if err != nil {
		return out, err
	}
	var total int64
	for _, p := range up.Pages {
		total += int64(len(p.Data))
	}
	if total > limit {
		return out, ill.E(ill.TooLarge, fmt.Sprintf("the scan is larger than the limit of %d MB; nothing was delivered", limit>>20))
	}
	var doc []byte
	var stored bool
	var obj struct{ key string }
	backend := a.Files.Backend()
	if len(up.Pages) > 0 || !resend {
		d, assembled, pages, err := assembleScan(up)
		if err != nil {
			return out, err
		}
		// The copyright notice page goes first (copyright_notice.go).
		if d, err = withCopyNotice(notice, d); err != nil {
			return out, err
		}
		doc, out.Assembled, out.Pages = d, assembled, pages
		o, err := a.Files.Put(ctx, actor.Agency, bytes.NewReader(doc), max(limit, int64(len(doc))))
		if err != nil {
			return out, err
		}
		obj.key, stored = o.Key, true
	}
	err = a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, id, true)
		if err != nil {
			return err
		}
		if err := check(r); err != nil {
			return err
		}
		set, err := LendingOpsSetting.GetTx(tx, actor.Agency)
		if err != nil {
			return err
		}
		var f store.File
		if stored {
			f, err = tx.Agency().CreateFile(actor.Agency, store.File{PublicID: publicFileID(), Name: r.PublicID + ".pdf", ContentType: "application/pdf",
				Size: int64(len(doc)), SHA256: obj.key, Backend: string(backend), Purpose: string(FileScan), RequestRef: r.PublicID, CreatedBy: actor.UserID})
			if err != nil {
				return err
			}
			if err := tx.Agency().Audit(actor.Agency, store.AuditRecord{Actor: actor.UserID, Action: "file.store", Target: f.PublicID,
				After: fmt.Sprintf("scan for %s, %d bytes, %s", r.PublicID, f.Size, f.SHA256)}); err != nil {
				return err
			}
			if err := a.scheduleFileSweep(tx); err != nil {
				return err
			}
		} else {
			fs, err := tx.Agency().Files(actor.Agency, store.FileFilter{RequestRef: r.PublicID, Limit: 50})
			if err != nil {
				return err
			}
			for _, c := range fs {
				if c.Purpose == string(FileScan) && !c.Deleted() {
					f = c
					break
				}
			}
			if f.ID == 0 {
				return ill.E(ill.Conflict, fmt.Sprintf("the scan of %s is no longer stored: upload it again", r.PublicID))
			}
		}
		link, err := a.CreateDownloadLinkTx(tx, actor, actor.Agency, LinkRequest{File: f.PublicID, Partner: r.Partner,
			TTL: time.Duration(set.CopyLinkDays) * 24 * time.Hour, MaxDownloads: set.CopyLinkDownloads})
		if err != nil {
			return err
		}
		params := map[string]any{"deliveryUrl": link.SignedURL}
		note := strings.TrimSpace(up.Note)
		action := ill.ActDeliver
		if resend {
			action = ill.ActResendCopy
			if note == "" {
				note = "The copy is sent again: a new link to the scan."
			}
		} else {
			params["fileId"] = f.PublicID
		}
		if note != "" && resend {
			params["note"] = note
		}
		if err := a.perform(tx, actor, r, action, params, 0); err != nil {
			return err
		}
		out.Request, out.File, out.LinkExpires = r, f, link.ExpiresAt
		return nil
	})
	if err != nil && stored {
		_ = a.write(context.WithoutCancel(ctx), func(tx *store.Tx) error {
			return a.enqueuePurge(tx, actor.Agency, backend, obj.key, "copy-orphan:"+id)
		})
	}
	if err != nil {
		return CopyDelivery{}, err
	}
	return out, nil
}

// RecentCopies lists the agency's copy requests delivered lately (for a
// re-send), newest first.
func (a *App) RecentCopies(ctx context.Context, actor ill.Actor, limit int) ([]*ill.Request, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, err
	}
	var out []*ill.Request
	err := a.read(ctx, func(tx *store.Tx) error {
		rs, _, err := tx.Agency().ListRequests(actor.Agency, store.RequestFilter{Side: ill.Lending, States: []ill.State{ill.LCompleted}, Limit: limit * 2})
		for _, r := range rs {
			if r.ServiceType == ill.Copy && r.CloseReason == ill.ClosedFilled && len(out) < limit {
				out = append(out, r)
			}
		}
		return err
	})
	return out, err
}
