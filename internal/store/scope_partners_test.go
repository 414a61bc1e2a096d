package store_test

import (
	"errors"
	"fmt"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

func init() { addScope(partnerCases, seedPartners) }

// partnerOf is the partner of the messages the partners seed makes.
const partnerOf = ill.AgencyID("US-PARTNER")

// seedPartners gives an agency an outgoing message to a partner whose
// delivery job failed once, for good.
func seedPartners(tx *store.Tx, ag ill.AgencyID, marker string) error {
	m := &store.StoredMessage{Direction: store.Outbound, Partner: partnerOf, Kind: ill.MsgRAM, Summary: "RAM Renew",
		Body: ill.Message{Kind: ill.MsgRAM, Action: ill.ActionRenew, Note: marker}, Raw: "<note>" + marker + "</note>", Delivery: store.DeliveryQueued}
	if err := tx.Agency().AddMessage(ag, m); err != nil {
		return err
	}
	kind := "partners.seed"
	id, err := tx.System().EnqueueJob(store.NewJob{Kind: kind, Agency: ag, Payload: map[string]any{"message": m.ID}})
	if err != nil {
		return err
	}
	js, err := tx.System().ClaimJobs("seed", 10, time.Minute, []string{kind})
	if err != nil {
		return err
	}
	for _, j := range js {
		if j.ID == id {
			if err := tx.System().FailJob(j, "partner down "+marker, tx.Now(), true); err != nil {
				return err
			}
		}
	}
	return tx.Agency().SetMessageJob(ag, m.ID, id)
}

// partnerMessage is the seeded message of an agency.
func partnerMessage(a store.AgencyData, ag ill.AgencyID) store.MessageDelivery {
	ds, err := a.MessageDeliveries(ag, store.MessageQuery{Partners: []ill.AgencyID{partnerOf}})
	if err != nil || len(ds) != 1 {
		panic(fmt.Sprintf("seeded partner message of %s: %d, %v", ag, len(ds), err))
	}
	return ds[0]
}

var partnerCases = map[string]agencyCase{
	"MessageDeliveries": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		other := partnerMessage(a, otherAgency)
		if ds, err := a.MessageDeliveries(ag, store.MessageQuery{IDs: []int64{other.ID}}); err != nil || len(ds) != 0 {
			return nil, fmt.Errorf("another agency's message by id: %d rows, %v", len(ds), err)
		}
		own := partnerMessage(a, ag)
		if own.JobState != store.JobDead || own.Tries != 1 {
			return nil, fmt.Errorf("own message: job %q, %d tries; want dead after 1", own.JobState, own.Tries)
		}
		if _, err := a.MessageDeliveries(ag, store.MessageQuery{}); !ill.Is(err, ill.Invalid) {
			return nil, fmt.Errorf("an empty query: %v, want Invalid", err)
		}
		return own, nil
	},
	"MessageAttempts": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if _, err := a.MessageAttempts(ag, partnerMessage(a, otherAgency).ID); !ill.Is(err, ill.NotFound) {
			return nil, fmt.Errorf("attempts of another agency's message: %v, want NotFound", err)
		}
		at, err := a.MessageAttempts(ag, partnerMessage(a, ag).ID)
		if err == nil && len(at) != 1 {
			err = errors.New("want the one seeded attempt")
		}
		return at, err
	},
	"PartnerTraffic": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		t0 := time.Unix(0, 0)
		cs, err := a.PartnerTraffic(ag, []ill.AgencyID{partnerOf}, t0, t0)
		if err == nil && (len(cs) != 1 || cs[0].Since != 1 || cs[0].Recent != 1 || cs[0].JobState != store.JobDead) {
			err = fmt.Errorf("traffic %+v: want the one seeded message", cs)
		}
		return cs, err
	},
	"LastMessage": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		at, err := a.LastMessage(ag, []ill.AgencyID{partnerOf, "US-NOBODY"}, store.Outbound)
		if err == nil && at.IsZero() {
			err = errors.New("no last message")
		}
		return at, err
	},
	"PartnerAttempts": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		cs, err := a.PartnerAttempts(ag, []ill.AgencyID{partnerOf}, time.Unix(0, 0))
		if err == nil && (len(cs) != 1 || cs[0].Total != 1 || cs[0].Failed != 1) {
			err = fmt.Errorf("attempts %+v: want the one seeded failure", cs)
		}
		return cs, err
	},
}
