package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"interlend/internal/ill"
	"interlend/internal/stats"
	"interlend/internal/store"
)

// HistoryRequest is a request that already happened, described by its
// journey (see stats.Replay): demo history, benchmarks, test fixtures.
type HistoryRequest struct {
	Journey  stats.Journey
	Citation ill.Citation
	PatronID int64
	// PartnerRequestID is, for lending, the borrower's id of the request
	// (a random one when empty).
	PartnerRequestID string
	Charges          []store.Charge
}

// historySlice is how many past requests are written per transaction.
const historySlice = 500

// AddStatsHistory writes past requests of an agency with their event
// logs, rota and charges, and returns their public ids in order. It does
// not refresh the statistics (RefreshStats or RebuildStats does). Returns
// NotFound for an agency that is not hosted, Conflict for a lending
// request whose borrower id exists.
func (a *App) AddStatsHistory(ctx context.Context, agency ill.AgencyID, hs []HistoryRequest) ([]string, error) {
	var ids []string
	for start := 0; start < len(hs); start += historySlice {
		part := hs[start:min(start+historySlice, len(hs))]
		batch := make([]store.History, len(part))
		for i, h := range part {
			h.Journey.Agency = agency
			r, evs := stats.Replay(h.Journey, h.Citation)
			r.PatronID = h.PatronID
			if r.Side == ill.Lending {
				r.PartnerRequestID = h.PartnerRequestID
				if r.PartnerRequestID == "" {
					r.PartnerRequestID = "H-" + randomHex()
				}
			}
			var rota []store.RotaEntry
			for _, t := range h.Journey.Tries {
				st := store.RotaEntryState(t.Outcome)
				if t.Outcome == "pending" {
					st = store.RotaCurrent
				}
				rota = append(rota, store.RotaEntry{Lender: t.Lender, Reason: "history", State: st, SentAt: t.Sent, AnsweredAt: t.Answered})
			}
			batch[i] = store.History{Request: r, Events: evs, Rota: rota, Charges: h.Charges}
		}
		if err := a.write(ctx, func(tx *store.Tx) error { return tx.Agency().AddHistory(agency, batch) }); err != nil {
			return ids, err
		}
		for _, h := range batch {
			ids = append(ids, h.Request.PublicID)
		}
	}
	return ids, nil
}

func randomHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
