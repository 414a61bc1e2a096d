package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"interlend/internal/auth"
	"interlend/internal/blob"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Presenter is whoever presents a download link: the logged-in user, or a
// partner library. The web route builds it from the session and the
// request.
type Presenter struct {
	UserID int64 // the logged-in user; 0 when nobody is logged in
	// Partner is a partner agency the caller has already authenticated by
	// its own means (e.g. the ISO 18626 endpoint's peer authentication).
	Partner ill.AgencyID
	// Credential is a partner link credential as presented: the bearer
	// token of an Authorization header, or the link's sig parameter.
	Credential string
	Client     string // client address, for the download log
}

// Why a download link was refused. Each is the cause (errors.Is) of the
// *ill.Error a download returns, whose message is safe to show.
var (
	ErrLinkUnknown       = errors.New("download link: unknown")
	ErrLinkExpired       = errors.New("download link: expired")
	ErrLinkUsedUp        = errors.New("download link: used up")
	ErrLinkRevoked       = errors.New("download link: revoked")
	ErrLinkFileDeleted   = errors.New("download link: file deleted")
	ErrLinkLogin         = errors.New("download link: login needed")
	ErrLinkNotYours      = errors.New("download link: bound to another user")
	ErrLinkCredential    = errors.New("download link: partner credential needed")
	ErrLinkBadCredential = errors.New("download link: wrong partner credential")
	ErrLinkNoContent     = errors.New("download link: content missing")
)

// Download outcomes, as recorded in the download log.
const (
	DownloadStarted       = "started"
	DownloadDone          = "done"
	DownloadInterrupted   = "interrupted"
	DownloadExpired       = "expired"
	DownloadUsedUp        = "used_up"
	DownloadRevoked       = "revoked"
	DownloadFileDeleted   = "file_deleted"
	DownloadLogin         = "login_required"
	DownloadNotYours      = "wrong_user"
	DownloadCredential    = "credential_required"
	DownloadBadCredential = "wrong_credential"
	DownloadNoContent     = "content_missing"
)

// Download is a download in progress: the file, its open content and the
// log entry to finish. The caller streams Body and must call Finish.
type Download struct {
	File store.File
	Link store.DownloadLink
	Body blob.Reader

	a     *App
	logID int64
	done  bool
}

// StartDownload checks a link for p and, if it may be used, takes one of
// its downloads and opens the file. Taking the download and writing the
// log entry are one transaction, so that of two downloads racing for the
// last one exactly one wins. Every refusal of a known link is logged too.
// Returns an *ill.Error whose cause is one of the ErrLink values.
func (a *App) StartDownload(ctx context.Context, token string, p Presenter) (*Download, error) {
	d := &Download{a: a}
	var refused error
	err := a.write(ctx, func(tx *store.Tx) error {
		refused = nil
		link, f, entry, rerr := a.judgeLink(tx, token, p)
		if errors.Is(rerr, ErrLinkUnknown) {
			refused = rerr // no link to log against
			return nil
		}
		if rerr != nil && entry.Outcome == "" {
			return rerr // not a refusal: a database error
		}
		if rerr == nil {
			ok, err := tx.Agency().CountDownload(link.Agency, link.ID)
			if err != nil {
				return err
			}
			entry.Outcome = DownloadStarted
			if !ok { // someone else took the last one meanwhile
				entry.Outcome, rerr = DownloadUsedUp, linkUsedUp(link)
			}
		}
		id, err := tx.Agency().LogDownload(link.Agency, entry)
		if err != nil {
			return err
		}
		if rerr != nil {
			refused = rerr
			return nil
		}
		d.File, d.Link, d.logID = f, link, id
		return nil
	})
	if err != nil {
		return nil, err
	}
	if refused != nil {
		return nil, refused
	}
	body, err := a.openContent(ctx, d.File)
	if err != nil {
		// Give the download back: the visitor got nothing.
		_ = a.write(context.WithoutCancel(ctx), func(tx *store.Tx) error {
			if err := tx.Agency().RefundDownload(d.Link.Agency, d.Link.ID); err != nil {
				return err
			}
			return tx.Agency().FinishDownloadLog(d.Link.Agency, d.logID, 0, DownloadNoContent)
		})
		if ill.Is(err, ill.NotFound) {
			return nil, ill.E(ill.NotFound, "The file behind this link is missing. The library has been told.", ErrLinkNoContent)
		}
		return nil, err
	}
	d.Body = body
	return d, nil
}

// Finish closes the content and records how the download ended: bytes
// sent, and done or interrupted. A download that broke off still counts.
func (d *Download) Finish(ctx context.Context, sent int64, streamErr error) error {
	if d.done {
		return nil
	}
	d.done = true
	if d.Body != nil {
		d.Body.Close()
	}
	outcome := DownloadDone
	if streamErr != nil || sent != d.File.Size {
		outcome = DownloadInterrupted
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return d.a.write(ctx, func(tx *store.Tx) error {
		return tx.Agency().FinishDownloadLog(d.Link.Agency, d.logID, sent, outcome)
	})
}

// CheckDownload judges a link for p without using or logging it (HTTP
// HEAD). Returns the same errors as StartDownload.
func (a *App) CheckDownload(ctx context.Context, token string, p Presenter) (store.File, error) {
	var f store.File
	err := a.read(ctx, func(tx *store.Tx) error {
		link, file, _, err := a.judgeLink(tx, token, p)
		if err != nil {
			return err
		}
		if link.Downloads >= link.MaxDownloads {
			return linkUsedUp(link)
		}
		f = file
		return nil
	})
	return f, err
}

// judgeLink finds the link behind token and decides whether p may use it
// now. A refusal comes with its log entry's outcome set; an error without
// an outcome is a failure of the database.
func (a *App) judgeLink(tx *store.Tx, token string, p Presenter) (store.DownloadLink, store.File, store.DownloadLogEntry, error) {
	entry := store.DownloadLogEntry{UserID: p.UserID, Partner: p.Partner, ClientAddr: p.Client}
	if token == "" || len(token) > 100 {
		return store.DownloadLink{}, store.File{}, entry, unknownLink()
	}
	link, err := tx.System().DownloadLinkByTokenHash(auth.HashToken(token))
	if ill.Is(err, ill.NotFound) {
		return link, store.File{}, entry, unknownLink()
	}
	if err != nil {
		return link, store.File{}, entry, err
	}
	entry.LinkID = link.ID
	f, err := tx.Agency().FileByID(link.Agency, link.FileID)
	if err != nil {
		return link, f, entry, err
	}
	refuse := func(outcome string, err error) (store.DownloadLink, store.File, store.DownloadLogEntry, error) {
		entry.Outcome = outcome
		return link, f, entry, err
	}
	// Whose link is it? Strangers learn nothing else about it.
	switch {
	case link.UserID != 0 && p.UserID == 0:
		return refuse(DownloadLogin, ill.E(ill.Unauthenticated, "Please log in to download this file.", ErrLinkLogin))
	case link.UserID != 0 && p.UserID != link.UserID:
		return refuse(DownloadNotYours, ill.E(ill.Forbidden, "This download link was made for someone else. Log in with the account it was sent to.", ErrLinkNotYours))
	case link.Partner != "" && p.Partner == link.Partner:
		// authenticated by the caller
	case link.Partner != "" && p.Credential == "":
		return refuse(DownloadCredential, ill.E(ill.Unauthenticated, "This download link is for a partner library: present the link's credential.", ErrLinkCredential))
	case link.Partner != "":
		if !auth.SameToken(p.Credential, a.partnerCredential(token, link.Partner)) {
			return refuse(DownloadBadCredential, ill.E(ill.Forbidden, "The credential does not match this download link.", ErrLinkBadCredential))
		}
		entry.Partner = link.Partner
	}
	now := tx.Now()
	switch {
	case !link.RevokedAt.IsZero():
		return refuse(DownloadRevoked, ill.E(ill.Forbidden, "This download link was withdrawn by the library.", ErrLinkRevoked))
	case f.Deleted():
		return refuse(DownloadFileDeleted, ill.E(ill.NotFound, "The file behind this link is no longer available.", ErrLinkFileDeleted))
	case !now.Before(link.ExpiresAt):
		return refuse(DownloadExpired, ill.E(ill.Forbidden, fmt.Sprintf("This download link expired on %s. Ask the library for a new one.", link.ExpiresAt.Format("2 January 2006")), ErrLinkExpired))
	case link.Downloads >= link.MaxDownloads:
		return refuse(DownloadUsedUp, linkUsedUp(link))
	}
	return link, f, entry, nil
}

func unknownLink() error {
	return ill.E(ill.NotFound, "This download link is not valid. Check that the whole address was copied.", ErrLinkUnknown)
}

func linkUsedUp(l store.DownloadLink) error {
	return ill.E(ill.Forbidden, fmt.Sprintf("This download link has been used the most times allowed (%d). Ask the library for a new one.", l.MaxDownloads), ErrLinkUsedUp)
}
