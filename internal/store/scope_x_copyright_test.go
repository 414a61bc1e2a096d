package store_test

import (
	"fmt"
	"time"

	"interlend/internal/copyright"
	"interlend/internal/ill"
	"interlend/internal/store"
)

func init() { addScope(copyrightCases, seedCopyright) }

// scopeKey is the same title for every agency, so that a count that
// leaked across agencies would show.
const scopeKey = copyright.Key("issn:0000-0019")

var scopeDay = time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)

func scopeEntry(r *ill.Request, marker string) *store.CopyrightEntry {
	return &store.CopyrightEntry{
		Entry: copyright.Entry{RequestID: r.PublicID, Key: scopeKey, Year: 2026, RequestDate: scopeDay, Title: "Journal " + marker,
			ISSN: "0000-0019", PubYear: 2025, Category: copyright.CodeUSCCG, State: copyright.StateInProcess},
		RequestDBID: r.ID, ArticleID: "doi:10.1/" + "x", IssueID: "issn:0000-0019|1|1", PatronKey: "pk-" + marker,
		PurgeAfter: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Outcome: marker,
	}
}

// seedCopyright gives the agency a ledger row (counting, purgeable only
// once closed), a prior count, a staff title, an e-holdings package,
// licence terms and a licence log line, all holding the marker.
func seedCopyright(tx *store.Tx, ag ill.AgencyID, marker string) error {
	a := tx.Agency()
	r := firstRequest(a, ag, ill.Borrowing)
	if err := a.AddCopyrightEntry(ag, scopeEntry(r, marker)); err != nil {
		return err
	}
	if err := a.PutCopyrightPriorCounts(ag, []copyright.PriorCount{{Key: scopeKey, Year: 2026, Title: marker, Count: 2}}, marker); err != nil {
		return err
	}
	if err := a.AddCopyrightStaffTitle(ag, copyright.KBARTTitle{Title: "Staff " + marker, PrintID: "0000-0019"}, marker, 0); err != nil {
		return err
	}
	if _, err := a.ReplaceCopyrightPackage(ag, "PKG", []copyright.KBARTTitle{{Title: "Held " + marker, PrintID: "0000-0019"}}, 0); err != nil {
		return err
	}
	if err := a.ReplaceCopyrightLicenceTerms(ag, []copyright.LicenceTerm{{PackageID: "PKG", ILL: copyright.ILLPrint, Notes: marker}}); err != nil {
		return err
	}
	return a.AddLicenceLog(ag, &store.LicenceLogEntry{RequestDBID: r.ID, Request: r.PublicID, Event: "checked", Allowed: true, PackageID: "PKG",
		Data: []byte(`{"note":"` + marker + `"}`)})
}

// seededEntry is the agency's seeded ledger row.
func seededEntry(a store.AgencyData, ag ill.AgencyID) store.CopyrightEntry {
	es, err := a.CopyrightEntries(ag, store.CopyrightFilter{})
	if err != nil || len(es) == 0 {
		panic(fmt.Sprintf("no copyright entry for %s: %v", ag, err))
	}
	return es[0]
}

// wantCount checks the count against the agency's own rows and prior
// counts, read back (the cases run in turn on one database).
func wantCount(a store.AgencyData, ag ill.AgencyID) error {
	es, err := a.CopyrightEntries(ag, store.CopyrightFilter{})
	if err != nil {
		return err
	}
	prior, err := a.CopyrightPriorCounts(ag, 0)
	if err != nil {
		return err
	}
	entries := make([]copyright.Entry, len(es))
	for i, e := range es {
		entries[i] = e.Entry
	}
	want := copyright.Counts(entries, prior)[copyright.KeyYear{Key: scopeKey, Year: 2026}]
	n, err := a.CopyrightCount(ag, scopeKey, 2026)
	if err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("count %d, want %d (only this agency's row and prior count)", n, want)
	}
	return nil
}

var copyrightCases = map[string]agencyCase{
	"AddCopyrightEntry": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		// The seeded request is taken: a lending request gets a row.
		r := firstRequest(a, ag, ill.Lending)
		e := scopeEntry(r, "new")
		if err := a.AddCopyrightEntry(ag, e); err != nil {
			return nil, err
		}
		return nil, wantCount(a, ag)
	},
	"UpdateCopyrightEntry": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		e := seededEntry(a, ag)
		e.State = copyright.StateCancelled
		if err := a.UpdateCopyrightEntry(ag, &e); err != nil {
			return nil, err
		}
		if err := wantCount(a, ag); err != nil {
			return nil, err
		}
		theirs, err := a.CopyrightEntries(otherAgency, store.CopyrightFilter{})
		if err != nil || len(theirs) != 1 {
			return nil, fmt.Errorf("other agency's rows: %d %v", len(theirs), err)
		}
		theirs[0].State = copyright.StateCancelled
		if err := a.UpdateCopyrightEntry(ag, &theirs[0]); !ill.Is(err, ill.NotFound) {
			return nil, fmt.Errorf("updating another agency's row: got %v, want NotFound", err)
		}
		return nil, nil
	},
	"CopyrightEntryFor": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if _, err := a.CopyrightEntryFor(ag, seededEntry(a, otherAgency).RequestDBID); err != nil {
			if err := crossTenant(err, "ledger row"); err != nil {
				return nil, err
			}
		} else {
			return nil, fmt.Errorf("another agency's ledger row was found")
		}
		return a.CopyrightEntryFor(ag, seededEntry(a, ag).RequestDBID)
	},
	"CopyrightEntries": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.CopyrightEntries(ag, store.CopyrightFilter{Year: 2026, Key: scopeKey, States: []copyright.State{copyright.StateInProcess}, Limit: 10})
	},
	"CopyrightYears": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.CopyrightYears(ag) },
	"CopyrightCount": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return nil, wantCount(a, ag) },
	"CopyrightArticleCopies": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		cs, err := a.CopyrightArticleCopies(ag, "doi:10.1/x", time.Time{})
		if err == nil && len(cs) == 0 {
			err = fmt.Errorf("own copies not found")
		}
		return cs, err
	},
	"CopyrightIssueCopies": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		cs, err := a.CopyrightIssueCopies(ag, "pk-MARK-BBB", "issn:0000-0019|1|1", time.Time{})
		if err == nil && len(cs) != 0 {
			err = fmt.Errorf("another agency's patron key found %d copies", len(cs))
		}
		return cs, err
	},
	"ForgetCopyrightPatron": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if err := a.ForgetCopyrightPatron(ag, seededEntry(a, otherAgency).RequestDBID); err != nil {
			return nil, err
		}
		return nil, a.ForgetCopyrightPatron(ag, seededEntry(a, ag).RequestDBID)
	},
	"PurgeCopyrightEntries": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		n, err := a.PurgeCopyrightEntries(ag, scopeDay)
		if err == nil && n != 0 {
			err = fmt.Errorf("purged %d rows in process, want 0", n)
		}
		return n, err
	},
	"PutCopyrightPriorCounts": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if err := a.PutCopyrightPriorCounts(ag, []copyright.PriorCount{{Key: scopeKey, Year: 2026, Count: 4}}, "test"); err != nil {
			return nil, err
		}
		return nil, wantCount(a, ag)
	},
	"CopyrightPriorCounts": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.CopyrightPriorCounts(ag, 2026) },
	"ReplaceCopyrightPackage": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.ReplaceCopyrightPackage(ag, "PKG", []copyright.KBARTTitle{{Title: "New"}}, 0)
	},
	"AddCopyrightStaffTitle": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return nil, a.AddCopyrightStaffTitle(ag, copyright.KBARTTitle{Title: "Flagged"}, "", 0)
	},
	"DeleteCopyrightTitle": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		theirs, err := a.CopyrightTitles(otherAgency, store.TitleStaff, 0)
		if err != nil || len(theirs) == 0 {
			return nil, fmt.Errorf("other agency's titles: %v", err)
		}
		if err := a.DeleteCopyrightTitle(ag, theirs[0].ID); !ill.Is(err, ill.NotFound) {
			return nil, fmt.Errorf("deleting another agency's title: got %v, want NotFound", err)
		}
		mine, err := a.CopyrightTitles(ag, store.TitleStaff, 0)
		if err != nil || len(mine) == 0 {
			return nil, fmt.Errorf("own titles: %v", err)
		}
		return nil, a.DeleteCopyrightTitle(ag, mine[0].ID)
	},
	"CopyrightTitles": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.CopyrightTitles(ag, "", 10) },
	"CopyrightTitlesMatching": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		ts, err := a.CopyrightTitlesMatching(ag, []string{"0000-0019"}, copyright.NormaliseTitle("Held MARK-BBB"))
		if err == nil && len(ts) != 2 {
			err = fmt.Errorf("got %d titles, want 2 (own staff flag and e-holdings)", len(ts))
		}
		return ts, err
	},
	"CopyrightPackages": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.CopyrightPackages(ag) },
	"ReplaceCopyrightLicenceTerms": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return nil, a.ReplaceCopyrightLicenceTerms(ag, nil)
	},
	"CopyrightLicenceTerms": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.CopyrightLicenceTerms(ag) },
	"AddLicenceLog": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return nil, a.AddLicenceLog(ag, &store.LicenceLogEntry{Request: "L1", Event: "delivered", Allowed: true})
	},
	"LicenceLog": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.LicenceLog(ag, 10) },
}
