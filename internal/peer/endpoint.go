package peer

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/netip"
	"strings"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/peer/wire"
	"interlend/internal/server"
)

// serve handles one incoming message. Transport problems (method, content
// type, size, authentication) get HTTP errors; everything about the
// message itself gets a confirmation carrying errorData, in the message's
// version, with HTTP 200.
func (p *Peer) serve(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || (mt != "application/xml" && mt != "text/xml") {
		http.Error(w, "send ISO 18626 as application/xml", http.StatusUnsupportedMediaType)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxMessageBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, "message too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "could not read the message", http.StatusBadRequest)
		return
	}
	now := p.app.Clock.Now()
	// A first, lenient reading finds the sender; the partner's own profile
	// then decides what is accepted.
	first, warnings, perr := iso18626.ParseWith(body, iso18626.ParseOptions{Tolerance: iso18626.Lenient()})
	if perr != nil {
		p.confirmParseError(w, perr, now)
		return
	}
	if first.Header() == nil {
		http.Error(w, "a confirmation is an answer, not a message: nothing to do", http.StatusBadRequest)
		return
	}
	sender := senderOf(first)
	if sender.Value == "" {
		// Nobody to look up: say what is missing (the header, the id).
		c, ok := wire.Refusal(iso18626.Lenient().Validate(first))
		if !ok {
			c = wire.Confirmation{ErrorType: string(iso18626.ErrBadlyFormedMessage), ErrorValue: senderField(first) + " is missing"}
		}
		p.confirm(w, first, now, c)
		return
	}
	entry, err := p.app.Library(ctx, sender.Value)
	if ill.Is(err, ill.NotFound) || ill.Is(err, ill.Conflict) {
		p.confirm(w, first, now, wire.Confirmation{ErrorType: string(iso18626.ErrUnrecognisedDataValue), ErrorValue: iso18626.ValueError(senderField(first), agencyValue(sender))})
		return
	}
	if err != nil {
		p.unavailable(w, r, err)
		return
	}
	if err := entry.Authenticate(presented(r, first, p.app.Cfg.TrustProxy)); err != nil {
		if hasMethod(entry, directory.AuthBasic) {
			w.Header().Set("WWW-Authenticate", `Basic realm="interlend iso18626"`)
		}
		http.Error(w, ill.UserMessage(err), http.StatusUnauthorized)
		return
	}
	// Every deviation the lenient reading accepted is a warning: without
	// any, the partner's profile reads the message the same way.
	im := first
	if len(warnings) > 0 {
		// An ill:version that names no version, on a structure both fit,
		// is read in the version the directory says the partner speaks.
		im, _, perr = iso18626.ParseWith(body, iso18626.ParseOptions{Tolerance: toleranceOf(entry), VersionHint: versionOf(entry)})
	}
	if perr != nil {
		// The lenient reading found the message type and header: answer
		// with a confirmation even when the strict one failed before it.
		p.confirmParseErrorOf(w, perr, first, now)
		return
	}
	if probs := toleranceOf(entry).Validate(im); len(probs) > 0 {
		if c, ok := wire.Refusal(probs); ok {
			p.confirm(w, im, now, c)
			return
		}
	}
	msg, err := wire.Decode(im, p.ids)
	if err != nil {
		if c, ok := wire.Refusal(err); ok {
			p.confirm(w, im, now, c)
			return
		}
		p.unavailable(w, r, err)
		return
	}
	from, to := msg.Requester, msg.Supplier
	if msg.Kind == ill.MsgSAM {
		from, to = msg.Supplier, msg.Requester
	}
	if from != entry.ID {
		// The header names a symbol of the authenticated library: use its id.
		from = entry.ID
		if msg.Kind == ill.MsgSAM {
			msg.Supplier = entry.ID
		} else {
			msg.Requester = entry.ID
		}
	}
	if msg.DeliveryURL != "" && !entry.AllowsDeliveryFrom(msg.DeliveryURL) {
		// Files are fetched only from the partner's registered hosts.
		p.confirm(w, im, now, wire.Confirmation{ErrorType: string(iso18626.ErrUnrecognisedDataValue),
			ErrorValue: iso18626.ValueError(deliveryURLElement(im, msg.DeliveryURL), msg.DeliveryURL)})
		return
	}
	conf, err := p.app.Receive(ctx, to, from, msg, string(body))
	if err != nil {
		p.unavailable(w, r, err)
		return
	}
	p.confirm(w, im, now, wire.Confirmation{OK: conf.OK, ErrorType: conf.ErrorType, ErrorValue: conf.ErrorValue})
}

// senderField is the header element naming the sender.
func senderField(m *iso18626.Message) string {
	if m.SupplyingAgencyMessage != nil {
		return "supplyingAgencyId"
	}
	return "requestingAgencyId"
}

// agencyValue writes an agency id for an errorValue as package wire
// does: the value of an ISIL, TYPE:VALUE for any other type.
func agencyValue(a iso18626.AgencyID) string {
	if strings.EqualFold(a.Type.Value, iso18626.AgencyTypeISIL) {
		return a.Value
	}
	return a.String()
}

// deliveryURLElement names the element a SAM's delivery URL came in: the
// 2021 URL, an itemId, or (v1.2) a "URL:" line of the note.
func deliveryURLElement(m *iso18626.Message, url string) string {
	if s := m.SupplyingAgencyMessage; s != nil && s.DeliveryInfo != nil {
		if strings.TrimSpace(s.DeliveryInfo.URL) == url {
			return "URL"
		}
		for _, id := range s.DeliveryInfo.ItemID {
			if strings.TrimSpace(id) == url {
				return "itemId"
			}
		}
	}
	return "note"
}

// senderOf is the agency a message comes from.
func senderOf(m *iso18626.Message) iso18626.AgencyID {
	h := m.Header()
	if m.SupplyingAgencyMessage != nil {
		return h.SupplyingAgencyID
	}
	return h.RequestingAgencyID
}

func hasMethod(e directory.Entry, m directory.AuthMethod) bool {
	for _, x := range e.Endpoint.Auth.Inbound {
		if x == m {
			return true
		}
	}
	return false
}

// presented gathers what the HTTP request and the message offered as
// credentials. The address is the connection's, or X-Forwarded-For's
// when the operator said a trusted proxy is in front (--trust-proxy).
func presented(r *http.Request, m *iso18626.Message, trustProxy bool) directory.Presented {
	var pr directory.Presented
	if u, pw, ok := r.BasicAuth(); ok {
		pr.BasicUser, pr.BasicPassword = u, pw
	}
	if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		pr.Bearer = strings.TrimSpace(b)
	}
	if h := m.Header(); h != nil && h.RequestingAgencyAuthentication != nil {
		pr.AccountID, pr.SecurityCode = h.RequestingAgencyAuthentication.AccountID, h.RequestingAgencyAuthentication.SecurityCode
	}
	if ip, err := netip.ParseAddr(server.ClientIP(r, trustProxy)); err == nil {
		pr.RemoteIP = ip
	}
	if r.TLS != nil {
		for _, c := range r.TLS.PeerCertificates {
			sum := sha256.Sum256(c.Raw)
			pr.CertFingerprints = append(pr.CertFingerprints, hex.EncodeToString(sum[:]))
		}
	}
	return pr
}
