package store_test

import (
	"fmt"
	"time"

	"interlend/internal/copyright"
	"interlend/internal/ill"
	"interlend/internal/store"
)

func init() { addScope(copyrightRecordCases, seedCopyrightRecords) }

// seedCopyrightRecords gives the agency's first borrowing request a UK
// declaration and a Canadian copy record, both holding the marker.
func seedCopyrightRecords(tx *store.Tx, ag ill.AgencyID, marker string) error {
	a := tx.Agency()
	r := firstRequest(a, ag, ill.Borrowing)
	if err := a.AddCopyrightDeclaration(ag, &store.CopyrightDeclaration{RequestDBID: r.ID, Request: r.PublicID,
		TextVersion: copyright.UKDeclarationVersion, TextSHA256: "sha-" + marker, Signature: "Signed " + marker, SignedAt: scopeDay}); err != nil {
		return err
	}
	return a.AddCopyRecord(ag, scopeCopyRecord(r, store.CopyRecordBorrowing, marker))
}

func scopeCopyRecord(r *ill.Request, side, marker string) *store.CopyRecord {
	return &store.CopyRecord{RequestDBID: r.ID, Side: side, CARecord: copyright.CARecord{RequestID: r.PublicID, RequesterKey: "pk-" + marker,
		Date: scopeDay, Title: "Journal " + marker, Pages: "1-10", PurgeNotBefore: scopeDay.AddDate(3, 0, 0)}}
}

var copyrightRecordCases = map[string]agencyCase{
	"AddCopyrightDeclaration": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		r := firstRequest(a, ag, ill.Lending)
		return nil, a.AddCopyrightDeclaration(ag, &store.CopyrightDeclaration{RequestDBID: r.ID, Request: r.PublicID,
			TextVersion: copyright.UKDeclarationVersion, Signature: "new", SignedAt: scopeDay})
	},
	"CopyrightDeclarationFor": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if _, err := a.CopyrightDeclarationFor(ag, firstRequest(a, otherAgency, ill.Borrowing).ID); err != nil {
			if err := crossTenant(err, "declaration"); err != nil {
				return nil, err
			}
		} else {
			return nil, fmt.Errorf("another agency's declaration was found")
		}
		return a.CopyrightDeclarationFor(ag, firstRequest(a, ag, ill.Borrowing).ID)
	},
	"ForgetCopyrightPatronData": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if err := a.ForgetCopyrightPatronData(ag, firstRequest(a, otherAgency, ill.Borrowing).ID); err != nil {
			return nil, err
		}
		if err := a.ForgetCopyrightPatronData(ag, firstRequest(a, ag, ill.Borrowing).ID); err != nil {
			return nil, err
		}
		d, err := a.CopyrightDeclarationFor(ag, firstRequest(a, ag, ill.Borrowing).ID)
		if err == nil && d.Signature != "" {
			err = fmt.Errorf("signature kept: %q", d.Signature)
		}
		return d, err
	},
	"AddCopyRecord": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return nil, a.AddCopyRecord(ag, scopeCopyRecord(firstRequest(a, ag, ill.Lending), store.CopyRecordLending, "new"))
	},
	"MarkCopyRecordSupplied": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if err := a.MarkCopyRecordSupplied(ag, firstRequest(a, otherAgency, ill.Borrowing).ID, scopeDay); !ill.Is(err, ill.NotFound) {
			return nil, fmt.Errorf("marking another agency's record: got %v, want NotFound", err)
		}
		return nil, a.MarkCopyRecordSupplied(ag, firstRequest(a, ag, ill.Borrowing).ID, scopeDay)
	},
	"CopyRecordFor": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if _, err := a.CopyRecordFor(ag, firstRequest(a, otherAgency, ill.Borrowing).ID); err != nil {
			if err := crossTenant(err, "copy record"); err != nil {
				return nil, err
			}
		} else {
			return nil, fmt.Errorf("another agency's copy record was found")
		}
		return a.CopyRecordFor(ag, firstRequest(a, ag, ill.Borrowing).ID)
	},
	"CopyRecords": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		rs, err := a.CopyRecords(ag, time.Time{}, scopeDay.AddDate(1, 0, 0))
		if err == nil && len(rs) == 0 {
			err = fmt.Errorf("own records not found")
		}
		return rs, err
	},
	"PurgeCopyRecords": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		n, err := a.PurgeCopyRecords(ag, scopeDay.AddDate(5, 0, 0))
		if err == nil && n == 0 {
			err = fmt.Errorf("own records not purged")
		}
		return n, err
	},
}
