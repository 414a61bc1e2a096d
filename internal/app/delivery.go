package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/store"
)

// Document delivery from partners. A lender that delivers a copy by URL
// (ISO 18626 deliveryInfo/URL, or the v1.2 conventions package wire reads)
// hands us a link on its own server. We fetch the file in a durable job,
// so that a slow partner never holds up the confirmation of its message,
// keep it in our file store as a file of the borrowing request, and give
// the patron our own expiring link (DeliveryLink): the lender never sees
// the patron, and the patron never depends on the lender's link.
//
// The fetch follows the directory only: the URL's host must be one of
// the partner's DeliveryHosts (or its endpoint's host), every redirect
// must stay on those hosts, the file must be of a document type and
// within the library's file size cap (files.max_bytes).

// KindDeliveryFetch fetches one delivered file.
const KindDeliveryFetch = "delivery.fetch"

// deliveryFetchAttempts bounds the retries of a fetch that keeps failing
// for reasons that may pass (404 while the partner's file is being
// published, 5xx, timeouts): with the default backoff about a day.
const deliveryFetchAttempts = 16

// deliveryTypes are the media types accepted for delivered documents.
var deliveryTypes = []string{"application/pdf", "image/tiff", "image/jpeg", "image/png", "image/gif", "text/plain", "application/epub+zip"}

type deliveryFetch struct {
	Agency  ill.AgencyID `json:"agency"`
	Partner ill.AgencyID `json:"partner"`
	Request string       `json:"request"`
	URL     string       `json:"url"`
}

func init() {
	addJobs(func(a *App) {
		a.Jobs.Register(jobs.Kind{Name: KindDeliveryFetch, MaxAttempts: deliveryFetchAttempts, Timeout: 5 * time.Minute, Handler: a.fetchDelivery})
	})
}

// ScheduleDeliveryFetch queues the fetch of a file partner delivered for
// agency's request (its public id) at rawURL. It is idempotent: the same
// request and URL are fetched once however often it is called (a partner
// resending its message, the endpoint retrying). The protocol endpoint
// calls it after the message is stored and before confirming it.
func (a *App) ScheduleDeliveryFetch(ctx context.Context, agency, partner ill.AgencyID, requestID, rawURL string) error {
	return a.write(ctx, func(tx *store.Tx) error { return a.scheduleDeliveryFetch(tx, agency, partner, requestID, rawURL) })
}

// scheduleDeliveryFetch is ScheduleDeliveryFetch in the caller's
// transaction (to be called where a SAM's delivery URL is recorded).
func (a *App) scheduleDeliveryFetch(tx *store.Tx, agency, partner ill.AgencyID, requestID, rawURL string) error {
	if requestID == "" || rawURL == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(rawURL))
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindDeliveryFetch, Agency: agency, Ref: requestID,
		IdempotencyKey: fmt.Sprintf("%s:%s:%s:%s", KindDeliveryFetch, agency, requestID, hex.EncodeToString(sum[:12])),
		Payload:        deliveryFetch{Agency: agency, Partner: partner, Request: requestID, URL: rawURL}, MaxAttempts: deliveryFetchAttempts})
	return err
}

// errOffHosts stops a redirect that leaves the partner's hosts.
var errOffHosts = errors.New("the delivery host redirected to a host not registered for the partner")

// fetchDelivery is the job: fetch, check, store, attach.
func (a *App) fetchDelivery(ctx context.Context, run *jobs.Run) error {
	var p deliveryFetch
	if err := run.Job.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	e, err := a.Library(ctx, string(p.Partner))
	if ill.Is(err, ill.NotFound) {
		return a.deliveryFailed(ctx, p, "the partner is no longer in the directory")
	}
	if err != nil {
		return err
	}
	if !e.AllowsDeliveryFrom(p.URL) {
		return a.deliveryFailed(ctx, p, "the host is not one of the partner's delivery hosts")
	}
	limit, err := a.maxFileSize(ctx, p.Agency)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL, nil)
	if err != nil {
		return a.deliveryFailed(ctx, p, "the URL cannot be fetched")
	}
	req.Header.Set("Accept", "application/pdf, image/*;q=0.8, */*;q=0.1")
	resp, err := a.deliveryClient(e).Do(req)
	if errors.Is(err, errOffHosts) {
		return a.deliveryFailed(ctx, p, errOffHosts.Error())
	}
	if err != nil {
		return a.deliveryRetry(ctx, run, p, fmt.Errorf("fetching the delivered file from %s: %w", hostOf(p.URL), err))
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusRequestTimeout ||
		resp.StatusCode == http.StatusTooEarly || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		// Perhaps not published yet, or a passing failure: try again.
		return a.deliveryRetry(ctx, run, p, fmt.Errorf("%s answered %s", hostOf(p.URL), resp.Status))
	default:
		return a.deliveryFailed(ctx, p, fmt.Sprintf("the delivery host answered %s", resp.Status))
	}
	if resp.ContentLength > limit {
		return a.deliveryFailed(ctx, p, fmt.Sprintf("the file (%d bytes) is over the size limit of %d bytes", resp.ContentLength, limit))
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(resp.Body, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return a.deliveryRetry(ctx, run, p, fmt.Errorf("reading the delivered file: %w", err))
	}
	head = head[:n]
	ctype, ok := deliveryType(resp.Header.Get("Content-Type"), head)
	if !ok {
		return a.deliveryFailed(ctx, p, fmt.Sprintf("the file is of type %q, not a document", ctype))
	}
	backend := a.Files.Backend()
	obj, err := a.Files.Put(ctx, p.Agency, io.MultiReader(bytes.NewReader(head), resp.Body), limit)
	if ill.Is(err, ill.TooLarge) {
		return a.deliveryFailed(ctx, p, fmt.Sprintf("the file is over the size limit of %d bytes", limit))
	}
	if err != nil {
		return a.deliveryRetry(ctx, run, p, fmt.Errorf("storing the delivered file: %w", err))
	}
	name := deliveryFileName(p, resp.Header.Get("Content-Disposition"), ctype)
	err = run.Complete(ctx, func(tx *store.Tx) error {
		r, err := tx.Agency().LockRequest(p.Agency, p.Request)
		if err != nil {
			return err
		}
		f, err := tx.Agency().CreateFile(p.Agency, store.File{PublicID: publicFileID(), Name: name, ContentType: ctype, Size: obj.Size,
			SHA256: obj.Key, Backend: string(backend), Purpose: string(FileScan), RequestRef: r.PublicID})
		if err != nil {
			return err
		}
		if err := tx.Agency().Audit(p.Agency, store.AuditRecord{Action: "file.store", Target: f.PublicID,
			After: fmt.Sprintf("delivered by %s for %s, %d bytes, %s", p.Partner, r.PublicID, f.Size, f.SHA256)}); err != nil {
			return err
		}
		if err := a.event(tx, r, ill.SystemActor(), "delivery_fetched", "delivery", map[string]any{"file": f.PublicID,
			"size": f.Size, "contentType": f.ContentType, "host": hostOf(p.URL)}, 0); err != nil {
			return err
		}
		return a.scheduleFileSweep(tx)
	})
	if err != nil && !errors.Is(err, store.ErrLeaseLost) {
		// The content may belong to no file: have it purged after the grace
		// period unless a retry records it.
		_ = a.write(context.WithoutCancel(ctx), func(tx *store.Tx) error {
			return a.enqueuePurge(tx, p.Agency, backend, obj.Key, "delivery-orphan:"+run.Job.IdempotencyKey+":"+fmt.Sprint(run.Job.Attempts))
		})
	}
	if ill.Is(err, ill.NotFound) {
		return jobs.Permanent(fmt.Errorf("delivered file for %s: %w", p.Request, err)) // the request is gone
	}
	return err
}

// deliveryClient follows redirects only on the partner's delivery hosts.
func (a *App) deliveryClient(e directory.Entry) *http.Client {
	c := *a.HTTP
	c.Timeout = 0 // the job's timeout bounds the fetch: large files take a while
	if tr := a.partnerTransport(); tr != nil {
		c.Transport = tr
	}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !e.AllowsDeliveryFrom(req.URL.String()) {
			return errOffHosts
		}
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		return nil
	}
	return &c
}

// deliveryType decides the stored media type: the declared one when it
// is a document type and the content does not say otherwise (an HTML
// login page served for a PDF link is the common failure); for an
// unnamed type (application/octet-stream) the one the content shows.
func deliveryType(declared string, head []byte) (string, bool) {
	mt, _, err := mime.ParseMediaType(declared)
	if err != nil {
		mt = ""
	}
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	if sniffed == "text/html" || sniffed == "text/xml" {
		return sniffed, false
	}
	if mt == "" || mt == "application/octet-stream" || mt == "binary/octet-stream" {
		mt = sniffed
	}
	return mt, slices.Contains(deliveryTypes, mt)
}

// deliveryFileName is the name the file is kept under: the one the
// partner gives (Content-Disposition), else the URL's last segment, else
// a name made from the request.
func deliveryFileName(p deliveryFetch, disposition, ctype string) string {
	if _, params, err := mime.ParseMediaType(disposition); err == nil && params["filename"] != "" {
		return CleanFileName(params["filename"])
	}
	if u, err := url.Parse(p.URL); err == nil {
		if base := path.Base(u.Path); base != "." && base != "/" && strings.Contains(base, ".") {
			return CleanFileName(base)
		}
	}
	ext := ".pdf"
	if exts, _ := mime.ExtensionsByType(ctype); len(exts) > 0 && ctype != "application/pdf" {
		ext = exts[0]
	}
	return CleanFileName(p.Request + ext)
}

func hostOf(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		return u.Host
	}
	return "(unreadable URL)"
}

// deliveryRetry is a failure that may pass: retried with backoff, until
// the last attempt, which records the failure on the request.
func (a *App) deliveryRetry(ctx context.Context, run *jobs.Run, p deliveryFetch, err error) error {
	if run.Job.Attempts >= deliveryFetchAttempts {
		return a.deliveryFailed(ctx, p, err.Error())
	}
	return err
}

// deliveryFailed records on the request that the file could not be
// fetched and flags it for staff (who ask the partner to deliver again),
// and ends the job.
func (a *App) deliveryFailed(ctx context.Context, p deliveryFetch, reason string) error {
	err := a.write(ctx, func(tx *store.Tx) error {
		r, err := tx.Agency().LockRequest(p.Agency, p.Request)
		if ill.Is(err, ill.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		r.Attention, r.AttentionReason = true, "delivery_failed"
		if err := tx.Agency().UpdateRequest(p.Agency, r, 0); err != nil {
			return err
		}
		return a.event(tx, r, ill.SystemActor(), "delivery_failed", "delivery", map[string]any{"reason": reason, "host": hostOf(p.URL)}, 0)
	})
	if err != nil {
		return err // try again: the failure is not recorded yet
	}
	return jobs.Permanent(fmt.Errorf("delivered file for %s not fetched: %s", p.Request, reason))
}

// DeliveredFile returns the newest file delivered for a borrowing request
// the actor may see (a patron: only their own). Returns NotFound.
func (a *App) DeliveredFile(ctx context.Context, actor ill.Actor, publicID string) (store.File, error) {
	var f store.File
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		f, err = deliveredFile(tx, r)
		return err
	})
	return f, err
}

func deliveredFile(tx *store.Tx, r *ill.Request) (store.File, error) {
	fs, err := tx.Agency().Files(r.Agency, store.FileFilter{RequestRef: r.PublicID, Purpose: string(FileScan)})
	if err != nil {
		return store.File{}, err
	}
	var newest store.File
	for _, f := range fs {
		if !f.Deleted() && (newest.ID == 0 || f.ID > newest.ID) {
			newest = f
		}
	}
	if newest.ID == 0 {
		return store.File{}, ill.Errorf(ill.NotFound, "no file has been delivered for %s yet", r.PublicID)
	}
	return newest, nil
}

// DeliveryLink makes the actor (the request's patron, or staff) a
// download link of our own to the file delivered for a borrowing request:
// bound to the actor's login, expiring after ttl (0: DefaultLinkTTL).
// Returns NotFound (no such request for the actor, or nothing delivered
// yet) or Invalid.
func (a *App) DeliveryLink(ctx context.Context, actor ill.Actor, publicID string, ttl time.Duration) (Link, error) {
	if actor.UserID == 0 {
		return Link{}, ill.E(ill.Invalid, "a delivery link is made for a logged-in user")
	}
	var l Link
	err := a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		f, err := deliveredFile(tx, r)
		if err != nil {
			return err
		}
		sys := ill.SystemActor()
		sys.Agency = r.Agency
		l, err = a.CreateDownloadLinkTx(tx, sys, r.Agency, LinkRequest{File: f.PublicID, UserID: actor.UserID, TTL: ttl})
		return err
	})
	return l, err
}
