package peer

import (
	"errors"
	"net/http"
	"time"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/peer/wire"
	"interlend/internal/server"
)

// confirm writes the confirmation of an incoming message (HTTP 200).
func (p *Peer) confirm(w http.ResponseWriter, in *iso18626.Message, now time.Time, c wire.Confirmation) {
	cm, err := wire.Confirm(in, now, c)
	if err != nil {
		http.Error(w, "could not build the confirmation", http.StatusInternalServerError)
		return
	}
	p.writeXML(w, cm)
}

// confirmParseError answers a message that could not be read.
func (p *Peer) confirmParseError(w http.ResponseWriter, err error, now time.Time) {
	var pe *iso18626.ParseError
	if !errors.As(err, &pe) {
		http.Error(w, "the message could not be read", http.StatusBadRequest)
		return
	}
	cm, cerr := iso18626.ConfirmParseError(pe, now)
	if cerr != nil {
		// Not even the message type could be read: nothing to confirm.
		http.Error(w, "not an ISO 18626 message: "+pe.Error(), http.StatusBadRequest)
		return
	}
	p.writeXML(w, cm)
}

// confirmParseErrorOf answers a message the partner's profile refused,
// echoing what the lenient reading (read) found when the refusal came
// before the strict reading saw the message type.
func (p *Peer) confirmParseErrorOf(w http.ResponseWriter, err error, read *iso18626.Message, now time.Time) {
	var pe *iso18626.ParseError
	if errors.As(err, &pe) && pe.Partial == nil && read != nil {
		cm, cerr := iso18626.Confirm(read, now, pe.ErrorData())
		if cerr == nil {
			p.writeXML(w, cm)
			return
		}
	}
	p.confirmParseError(w, err, now)
}

func (p *Peer) writeXML(w http.ResponseWriter, m *iso18626.Message) {
	b, err := iso18626.Marshal(m)
	if err != nil {
		http.Error(w, "could not write the confirmation", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", `application/xml; charset="utf-8"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// unavailable answers a failure on our side: the partner should resend
// later (its message was not stored, or the store did not answer).
func (p *Peer) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	p.app.Log.Error("iso18626 message not processed", "request_id", server.RequestID(r.Context()), "err", err)
	status := http.StatusServiceUnavailable
	if ill.KindOf(err) == ill.Internal {
		status = http.StatusInternalServerError
	}
	http.Error(w, "the message could not be processed now; send it again later", status)
}
