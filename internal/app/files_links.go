package app

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"interlend/internal/auth"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Download link limits. A link lives DefaultLinkTTL and allows
// DefaultLinkDownloads unless its creator says otherwise, within the
// maxima.
const (
	DefaultLinkTTL       = 30 * 24 * time.Hour
	MaxLinkTTL           = 180 * 24 * time.Hour
	DefaultLinkDownloads = 5
	MaxLinkDownloads     = 100
)

// LinkRequest asks for a download link to one of an agency's files, bound
// to one user (a patron, or staff) or to one partner agency.
type LinkRequest struct {
	File         string       // the file's public id
	UserID       int64        // the user who may download, or
	Partner      ill.AgencyID // the partner agency that may download
	TTL          time.Duration
	MaxDownloads int
}

// Link is a created download link. Token, URL, Credential and SignedURL
// exist only in this value: the database keeps hashes.
type Link struct {
	store.DownloadLink
	Token string // the random part of the URL
	URL   string // BaseURL/files/<token>/<file name>
	// Credential is what a partner presents with URL, as
	// "Authorization: Bearer <Credential>" (partner links only).
	Credential string
	// SignedURL is URL with the credential as its sig parameter, for a
	// partner system that can only follow a URL (partner links only).
	SignedURL string
}

// CreateDownloadLink makes a link to one of the agency's files. Returns
// Forbidden, Invalid or NotFound (no such file, or it was deleted).
func (a *App) CreateDownloadLink(ctx context.Context, actor ill.Actor, agency ill.AgencyID, req LinkRequest) (Link, error) {
	var l Link
	err := a.write(ctx, func(tx *store.Tx) error {
		var err error
		l, err = a.CreateDownloadLinkTx(tx, actor, agency, req)
		return err
	})
	return l, err
}

// CreateDownloadLinkTx is CreateDownloadLink inside the caller's
// transaction (e.g. with the ISO 18626 message that hands the link to a
// partner in deliveryInfo, or with the patron's notification mail).
func (a *App) CreateDownloadLinkTx(tx *store.Tx, actor ill.Actor, agency ill.AgencyID, req LinkRequest) (Link, error) {
	if err := actor.Require(agency, ill.PermRequestView); err != nil {
		return Link{}, err
	}
	fields := map[string]string{}
	if (req.UserID == 0) == (req.Partner == "") {
		fields["bound"] = "a link is for one user or one partner library"
	}
	if req.TTL == 0 {
		req.TTL = DefaultLinkTTL
	}
	if req.TTL < time.Minute || req.TTL > MaxLinkTTL {
		fields["ttl"] = "from one minute to 180 days"
	}
	if req.MaxDownloads == 0 {
		req.MaxDownloads = DefaultLinkDownloads
	}
	if req.MaxDownloads < 1 || req.MaxDownloads > MaxLinkDownloads {
		fields["max_downloads"] = "from 1 to 100"
	}
	if len(fields) > 0 {
		return Link{}, ill.E(ill.Invalid, "the download link is not valid", fields)
	}
	f, err := tx.Agency().FileByPublicID(agency, req.File)
	if err != nil {
		return Link{}, err
	}
	if f.Deleted() {
		return Link{}, ill.E(ill.NotFound, "the file has been deleted")
	}
	if err := actor.Require(agency, writePermission[FilePurpose(f.Purpose)]); err != nil {
		return Link{}, err
	}
	token := auth.NewToken("")
	dl, err := tx.Agency().CreateDownloadLink(agency, store.DownloadLink{
		TokenHash: auth.HashToken(token), FileID: f.ID, UserID: req.UserID, Partner: req.Partner,
		ExpiresAt: tx.Now().Add(req.TTL), MaxDownloads: req.MaxDownloads, CreatedBy: actor.UserID,
	})
	if err != nil {
		return Link{}, err
	}
	bound := "partner " + string(req.Partner)
	if req.UserID != 0 {
		bound = "user " + linkItoa(req.UserID)
	}
	if err := tx.Agency().Audit(agency, store.AuditRecord{Actor: actor.UserID, Action: "file.link", Target: f.PublicID,
		After: bound + ", until " + dl.ExpiresAt.Format(time.RFC3339) + ", " + linkItoa(int64(dl.MaxDownloads)) + " downloads"}); err != nil {
		return Link{}, err
	}
	l := Link{DownloadLink: dl, Token: token, URL: a.Cfg.BaseURL + "/files/" + token + "/" + url.PathEscape(f.Name)}
	if req.Partner != "" {
		l.Credential = a.partnerCredential(token, req.Partner)
		l.SignedURL = l.URL + "?sig=" + url.QueryEscape(l.Credential)
	}
	return l, nil
}

// partnerCredential is the secret a partner presents with a link: an HMAC
// under the deployment's secret key of the link's token and the partner.
// It is not stored; any node recomputes it.
func (a *App) partnerCredential(token string, partner ill.AgencyID) string {
	return auth.Sign(a.SecretKey(), "interlend download partner\x00"+token+"\x00"+string(partner))
}

// RevokeDownloadLink ends a link at once. Returns Forbidden or NotFound.
func (a *App) RevokeDownloadLink(ctx context.Context, actor ill.Actor, agency ill.AgencyID, linkID int64) error {
	if err := actor.Require(agency, ill.PermRequestView); err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		if err := tx.Agency().RevokeDownloadLink(agency, linkID); err != nil {
			return err
		}
		return tx.Agency().Audit(agency, store.AuditRecord{Actor: actor.UserID, Action: "file.link.revoke", Target: linkItoa(linkID)})
	})
}

// DownloadLinks lists the links to one of the agency's files with their
// logs. Returns Forbidden or NotFound.
func (a *App) DownloadLinks(ctx context.Context, actor ill.Actor, agency ill.AgencyID, publicID string) ([]store.DownloadLink, map[int64][]store.DownloadLogEntry, error) {
	if err := actor.Require(agency, ill.PermRequestView); err != nil {
		return nil, nil, err
	}
	var links []store.DownloadLink
	logs := map[int64][]store.DownloadLogEntry{}
	err := a.read(ctx, func(tx *store.Tx) error {
		f, err := tx.Agency().FileByPublicID(agency, publicID)
		if err != nil {
			return err
		}
		if links, err = tx.Agency().DownloadLinks(agency, f.ID); err != nil {
			return err
		}
		for _, l := range links {
			if logs[l.ID], err = tx.Agency().DownloadLog(agency, l.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return links, logs, err
}

func linkItoa(n int64) string { return strconv.FormatInt(n, 10) }
