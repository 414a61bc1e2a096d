package peer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"syscall"

	"interlend/internal/app"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/jobs"
	"interlend/internal/peer/wire"
	"interlend/internal/store"
)

// Send delivers a stored outgoing message to a partner not hosted here:
// the endpoint and credentials come from the directory only; the message
// is written in the partner's version and POSTed with the job's
// idempotency key. The XML is returned in the confirmation's Raw (also
// with an error, once written) for the caller to store verbatim with the
// outcome. It returns the partner's confirmation; transport
// failures and 5xx answers are errors (retried), 4xx answers permanent
// (staff fix the directory, then re-drive).
func (p *Peer) Send(ctx context.Context, from ill.AgencyID, e directory.Entry, sm store.StoredMessage, key string) (app.Confirmation, error) {
	to := sm.Partner
	if e.Endpoint.URL == "" {
		return app.Confirmation{}, app.ErrNoEndpoint
	}
	im, err := wire.Encode(sm.Body, versionOf(e), p.ids)
	if err != nil {
		return app.Confirmation{}, jobs.Permanent(fmt.Errorf("cannot write %s for %s: %w", sm.Summary, to, err))
	}
	if e.Endpoint.Auth.Outbound == directory.AuthHeader {
		if c, ok := e.Credential(directory.Outbound, directory.AuthHeader); ok {
			if h := im.Header(); h != nil && (im.SupplyingAgencyMessage == nil || im.Version == iso18626.V1_2) {
				h.RequestingAgencyAuthentication = &iso18626.Authentication{AccountID: c.Username, SecurityCode: c.Secret}
			}
		}
	}
	raw, err := iso18626.Marshal(im)
	if err != nil {
		return app.Confirmation{}, jobs.Permanent(err)
	}
	// From here on the confirmation carries the XML, even with an error:
	// the caller keeps it with the message together with the outcome.
	sent := app.Confirmation{Raw: string(raw)}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.Endpoint.URL, bytes.NewReader(raw))
	if err != nil {
		return sent, jobs.Permanent(err)
	}
	req.Header.Set("Content-Type", `application/xml; charset="utf-8"`)
	req.Header.Set("Idempotency-Key", key)
	switch e.Endpoint.Auth.Outbound {
	case directory.AuthBasic:
		if c, ok := e.Credential(directory.Outbound, directory.AuthBasic); ok {
			req.SetBasicAuth(c.Username, c.Secret)
		}
	case directory.AuthBearer:
		if c, ok := e.Credential(directory.Outbound, directory.AuthBearer); ok {
			req.Header.Set("Authorization", "Bearer "+c.Secret)
		}
	}
	resp, err := p.client.Do(req)
	if err != nil {
		if req.URL.Scheme == "https" && (errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)) {
			// In TLS 1.3 a partner refuses our client certificate after
			// the handshake: the refusal often reaches us only as a
			// connection closed while the request was being written.
			return sent, fmt.Errorf("%s closed the connection after the TLS handshake (tls: it may not accept our client certificate): %w", to, err)
		}
		return sent, fmt.Errorf("%s did not answer: %w", to, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxMessageBytes))
	if err != nil {
		return sent, fmt.Errorf("%s: reading the confirmation: %w", to, err)
	}
	switch {
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout:
		return sent, fmt.Errorf("%s answered %s", to, resp.Status)
	case resp.StatusCode >= 300:
		return sent, jobs.Permanent(fmt.Errorf("%s refused the message with %s: %s", to, resp.Status, bytes.TrimSpace(body)))
	}
	cm, _, perr := iso18626.ParseWith(body, iso18626.ParseOptions{Tolerance: iso18626.Lenient()})
	if perr != nil {
		return sent, fmt.Errorf("%s answered with no readable confirmation: %w", to, perr)
	}
	c, err := wire.ReadConfirmation(cm)
	if err != nil {
		return sent, fmt.Errorf("%s: %w", to, err)
	}
	return app.Confirmation{OK: c.OK, ErrorType: c.ErrorType, ErrorValue: c.ErrorValue, Raw: sent.Raw}, nil
}
