package store_test

import (
	"fmt"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// Migration imports and the library export (import_keys.go). The file
// sorts after scope_requests_test.go and scope_patrons_test.go so that its
// seed finds their rows.
func init() { addScope(importCases, seedImport) }

func seedImport(tx *store.Tx, ag ill.AgencyID, marker string) error {
	return tx.Agency().PutImportKey(ag, "transactions", "ILLiad:"+marker, firstRequest(tx.Agency(), ag, ill.Borrowing).PublicID)
}

var importT = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)

var importCases = map[string]agencyCase{
	"ImportKeys": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		ks, err := a.ImportKeys(ag, "transactions")
		if err == nil && len(ks) != 1 {
			err = fmt.Errorf("%d keys, want the agency's one", len(ks))
		}
		return ks, err
	},
	"AllImportKeys": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		ks, err := a.AllImportKeys(ag)
		if err == nil && len(ks) != 1 {
			err = fmt.Errorf("%d keys, want the agency's one", len(ks))
		}
		return ks, err
	},
	"PutImportKey": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		// The same external key as B's: A's own row, B's untouched.
		return nil, a.PutImportKey(ag, "transactions", "ILLiad:MARK-BBB", "B1")
	},
	"ImportRequest": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		r := &ill.Request{Side: ill.Borrowing, State: ill.BCompleted, ServiceType: ill.Loan, Citation: ill.Citation{Title: "Imported"},
			CreatedAt: importT, UpdatedAt: importT.Add(48 * time.Hour), ClosedAt: importT.Add(48 * time.Hour), CloseReason: ill.ClosedFilled, Version: 4}
		err := a.ImportRequest(ag, r, []ill.Event{{Type: "submitted", Name: "import", ActorKind: ill.ActorSystem, At: importT}}, nil)
		if err != nil {
			return nil, err
		}
		got, err := a.GetRequest(ag, r.PublicID)
		if err == nil && (!got.CreatedAt.Equal(importT) || !got.UpdatedAt.Equal(r.UpdatedAt) || got.Version != 4) {
			err = fmt.Errorf("created %v updated %v version %d", got.CreatedAt, got.UpdatedAt, got.Version)
		}
		return got, err
	},
	"ImportEvents": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		theirs := firstRequest(a, otherAgency, ill.Borrowing)
		if err := a.ImportEvents(ag, theirs.ID, []ill.Event{{Type: "note_added", Name: "x", ActorKind: ill.ActorSystem, At: importT}}); err == nil {
			return nil, fmt.Errorf("an event was added to another agency's request")
		}
		mine := firstRequest(a, ag, ill.Borrowing)
		if err := a.ImportEvents(ag, mine.ID, []ill.Event{{Type: "note_added", Name: "x", ActorKind: ill.ActorSystem, At: importT}}); err != nil {
			return nil, err
		}
		evs, err := a.Events(ag, mine.ID)
		if err == nil && !evs[len(evs)-1].At.Equal(importT) {
			err = fmt.Errorf("event at %v, want %v", evs[len(evs)-1].At, importT)
		}
		return evs, err
	},
	"ImportMessage": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		m := &store.StoredMessage{RequestID: firstRequest(a, ag, ill.Borrowing).ID, Direction: store.Outbound, Partner: "US-LEND",
			Kind: ill.MsgRequest, Body: ill.Message{Kind: ill.MsgRequest}, CreatedAt: importT}
		if err := a.ImportMessage(ag, m); err != nil {
			return nil, err
		}
		got, err := a.GetMessage(ag, m.ID)
		if err == nil && !got.CreatedAt.Equal(importT) {
			err = fmt.Errorf("message created %v", got.CreatedAt)
		}
		return got, err
	},
	"ExportRequests": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		rs, err := a.ExportRequests(ag, 0, 1000)
		if err == nil && len(rs) == 0 {
			err = fmt.Errorf("no requests exported")
		}
		return rs, err
	},
	"ExportPatrons": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		ps, err := a.ExportPatrons(ag, 0, 1000)
		if err == nil && len(ps) == 0 {
			err = fmt.Errorf("no patrons exported")
		}
		return ps, err
	},
	"ImportPatron": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		p := store.Patron{Source: store.PatronByImport, CreatedAt: importT, UpdatedAt: importT.Add(time.Hour)}
		p.Barcode, p.LastName = "IMPORTED-1", "Imported"
		got, err := a.ImportPatron(ag, p, []store.PatronBlock{{Source: "staff", Reason: "owes fines", CreatedAt: importT}})
		if err != nil {
			return nil, err
		}
		back, err := a.Patron(ag, got.ID)
		if err == nil && (!back.CreatedAt.Equal(importT) || len(back.Blocks) != 1) {
			err = fmt.Errorf("created %v, %d blocks", back.CreatedAt, len(back.Blocks))
		}
		return back, err
	},
	"ImportCharge": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		c := &store.Charge{RequestID: firstRequest(a, ag, ill.Borrowing).ID, Type: store.ChargeShipping, Amount: ill.Money{Minor: 300, Currency: "USD"},
			Status: store.ChargePaid, CreatedAt: importT, UpdatedAt: importT.Add(time.Hour)}
		if err := a.ImportCharge(ag, c); err != nil {
			return nil, err
		}
		got, err := a.Charge(ag, c.ID)
		if err == nil && (!got.CreatedAt.Equal(importT) || !got.UpdatedAt.Equal(c.UpdatedAt)) {
			err = fmt.Errorf("charge dated %v / %v", got.CreatedAt, got.UpdatedAt)
		}
		return got, err
	},
	"ImportCopyrightEntry": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		r := &ill.Request{Side: ill.Borrowing, State: ill.BSent, ServiceType: ill.Copy, Citation: ill.Citation{JournalTitle: "J", ArticleTitle: "A"}}
		if err := a.CreateRequest(ag, r); err != nil {
			return nil, err
		}
		e := &store.CopyrightEntry{RequestDBID: r.ID, CreatedAt: importT, UpdatedAt: importT.Add(time.Hour)}
		e.RequestID, e.Key, e.Year, e.RequestDate, e.Category, e.State = r.PublicID, "issn:0000-0000", 2025, importT, "US-CCG", "in_process"
		if err := a.ImportCopyrightEntry(ag, e); err != nil {
			return nil, err
		}
		got, err := a.CopyrightEntryFor(ag, r.ID)
		if err == nil && !got.CreatedAt.Equal(importT) {
			err = fmt.Errorf("entry created %v", got.CreatedAt)
		}
		return got, err
	},
}
