package store_test

import (
	"context"
	"strings"
	"testing"

	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

func init() {
	addScope(patronCases, seedPatrons)
}

// Both agencies have a patron with barcode P1, so that a query that
// forgets the agency finds the other's.
var patronCases = map[string]agencyCase{
	"CreatePatron": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.CreatePatron(ag, store.Patron{Record: patron.Record{Barcode: "NEW", Name: "New Patron"}}, 0)
	},
	"UpdatePatron": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		p, err := a.FindPatron(ag, "P1")
		if err != nil {
			return nil, err
		}
		p.Name, p.Notes = "Renamed", "edited"
		return a.UpdatePatron(ag, p, patron.FieldName|patron.FieldNotes, 0)
	},
	"Patron": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		p, err := a.FindPatron(ag, "P1")
		if err != nil {
			return nil, err
		}
		return a.Patron(ag, p.ID)
	},
	"FindPatron": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		byBarcode, err := a.FindPatron(ag, "P1")
		if err != nil {
			return nil, err
		}
		byID, err := a.FindPatron(ag, "ILS-1")
		return []store.Patron{byBarcode, byID}, err
	},
	"PatronByUser": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		p, err := a.FindPatron(ag, "P1")
		if err != nil {
			return nil, err
		}
		return a.PatronByUser(ag, p.UserID)
	},
	"SearchPatrons": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		all, err := a.SearchPatrons(ag, "", 100)
		if err != nil {
			return nil, err
		}
		byName, err := a.SearchPatrons(ag, "pat mark", 100)
		if err != nil {
			return nil, err
		}
		byBarcode, err := a.SearchPatrons(ag, "P1", 100)
		return [][]store.Patron{all, byName, byBarcode}, err
	},
	"CountPatrons": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.CountPatrons(ag) },
	"PatronBlockHistory": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		p, err := a.FindPatron(ag, "P1")
		if err != nil {
			return nil, err
		}
		return a.PatronBlockHistory(ag, p.ID)
	},
	"AddPatronBlock": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		p, err := a.FindPatron(ag, "P1")
		if err != nil {
			return nil, err
		}
		return a.AddPatronBlock(ag, p.ID, store.BlockStaff, "another", 0)
	},
	"LiftPatronBlock": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		p, err := a.FindPatron(ag, "P1")
		if err != nil {
			return nil, err
		}
		b, err := a.AddPatronBlock(ag, p.ID, store.BlockStaff, "to lift", 0)
		if err != nil {
			return nil, err
		}
		return nil, a.LiftPatronBlock(ag, p.ID, b.ID, 0)
	},
	"LinkPatronUser": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		p, err := a.FindPatron(ag, "P1")
		if err != nil {
			return nil, err
		}
		if err := a.LinkPatronUser(ag, p.ID, 0, 0); err != nil {
			return nil, err
		}
		return nil, a.LinkPatronUser(ag, p.ID, p.UserID, 0)
	},
	"ImportPatrons": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		rows := []patron.Row{
			{Line: 2, Record: patron.Record{Barcode: "P1", Name: "Imported", Blocked: false}},
			{Line: 3, Record: patron.Record{Barcode: "P2", Name: "Second", Blocked: true, BlockReason: "fines"}},
		}
		return a.ImportPatrons(ag, patron.AllFields, rows, store.ImportOptions{Source: store.PatronByImport})
	},
}

// seedPatrons gives the agency patron P1 (ILS id ILS-1) linked to an
// account, with a staff block and an import block.
func seedPatrons(tx *store.Tx, ag ill.AgencyID, marker string) error {
	u, err := tx.System().CreateUser(store.User{Email: "patron-" + strings.ToLower(marker) + "@example.edu", Name: marker})
	if err != nil {
		return err
	}
	a := tx.Agency()
	p, err := a.CreatePatron(ag, store.Patron{UserID: u.ID, Record: patron.Record{Barcode: "P1", ILSID: "ILS-1",
		Name: "Pat " + marker, Email: strings.ToLower(marker) + "@example.edu", Category: "faculty", Notes: marker}}, 0)
	if err != nil {
		return err
	}
	if _, err := a.AddPatronBlock(ag, p.ID, store.BlockStaff, "staff "+marker, 0); err != nil {
		return err
	}
	_, err = a.ImportPatrons(ag, patron.FieldBlock, []patron.Row{{Line: 2, Record: patron.Record{Barcode: "P1", Blocked: true, BlockReason: "import " + marker}}},
		store.ImportOptions{Source: store.PatronByImport})
	return err
}

// TestPatronIDsOfAnotherAgency tries B's patron and block ids as agency A:
// every method must answer NotFound and change nothing.
func TestPatronIDsOfAnotherAgency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const a, b = ill.AgencyID("US-AAA"), ill.AgencyID("US-BBB")
		seedAgency(t, db, a, "MARK-AAA")
		seedAgency(t, db, b, "MARK-BBB")
		var pb store.Patron
		mustWrite(t, db, func(tx *store.Tx) error {
			var err error
			pb, err = tx.Agency().FindPatron(b, "P1")
			return err
		})
		before, err := store.SnapshotAgency(ctx, db, string(b))
		if err != nil {
			t.Fatal(err)
		}
		calls := map[string]func(x store.AgencyData) error{
			"Patron": func(x store.AgencyData) error { _, err := x.Patron(a, pb.ID); return err },
			"UpdatePatron": func(x store.AgencyData) error {
				_, err := x.UpdatePatron(a, store.Patron{ID: pb.ID, Record: patron.Record{Barcode: "X", Name: "Hijacked"}}, patron.AllFields, 0)
				return err
			},
			"PatronByUser": func(x store.AgencyData) error { _, err := x.PatronByUser(a, pb.UserID); return err },
			"PatronBlockHistory": func(x store.AgencyData) error {
				_, err := x.PatronBlockHistory(a, pb.ID)
				return err
			},
			"AddPatronBlock": func(x store.AgencyData) error {
				_, err := x.AddPatronBlock(a, pb.ID, store.BlockStaff, "x", 0)
				return err
			},
			"LiftPatronBlock": func(x store.AgencyData) error { return x.LiftPatronBlock(a, pb.ID, pb.Blocks[0].ID, 0) },
			"LiftPatronBlock of B with A's patron": func(x store.AgencyData) error {
				pa, err := x.FindPatron(a, "P1")
				if err != nil {
					return err
				}
				return x.LiftPatronBlock(a, pa.ID, pb.Blocks[0].ID, 0)
			},
			"LinkPatronUser": func(x store.AgencyData) error { return x.LinkPatronUser(a, pb.ID, 0, 0) },
		}
		for name, call := range calls {
			err := db.Transact(ctx, func(tx *store.Tx) error { return call(tx.Agency()) })
			if !ill.Is(err, ill.NotFound) {
				t.Errorf("%s with B's ids as A: %v, want NotFound", name, err)
			}
		}
		after, err := store.SnapshotAgency(ctx, db, string(b))
		if err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Errorf("B's rows changed:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}

// TestImportPatronsWithinOneBatch: a barcode given several times in one
// batch ends as its last line says, new records and block changes included.
func TestImportPatronsWithinOneBatch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		const ag = ill.AgencyID("US-AAA")
		seedAgency(t, db, ag, "MARK-AAA") // P1 has a staff block and an import block
		row := func(line int, barcode, name string, blocked bool, reason string) patron.Row {
			return patron.Row{Line: line, Record: patron.Record{Barcode: barcode, Name: name, Blocked: blocked, BlockReason: reason}}
		}
		rows := []patron.Row{
			row(2, "N1", "New One", true, "first"),
			row(3, "N1", "New One Renamed", true, "second"),
			row(4, "N1", "New One Renamed", false, ""),
			row(5, "N1", "New One Renamed", true, "third"),
			row(6, "P1", "Pat", false, ""),
			row(7, "P1", "Pat", true, "again"),
		}
		var c store.ImportCounts
		mustWrite(t, db, func(tx *store.Tx) error {
			var err error
			c, err = tx.Agency().ImportPatrons(ag, patron.FieldFullName|patron.FieldBlock, rows, store.ImportOptions{Source: store.PatronByImport})
			return err
		})
		want := store.ImportCounts{Created: 1, Updated: 2, Unchanged: 3, Blocked: 4, Unblocked: 2}
		if c != want {
			t.Errorf("counts = %+v, want %+v", c, want)
		}
		mustWrite(t, db, func(tx *store.Tx) error {
			n1, err := tx.Agency().FindPatron(ag, "N1")
			if err != nil {
				return err
			}
			hist, err := tx.Agency().PatronBlockHistory(ag, n1.ID)
			if err != nil {
				return err
			}
			if n1.Name != "New One Renamed" || len(n1.Blocks) != 1 || n1.Blocks[0].Reason != "third" || len(hist) != 2 {
				t.Errorf("N1 = %+v, history %+v", n1, hist)
			}
			p1, err := tx.Agency().FindPatron(ag, "P1")
			if err != nil {
				return err
			}
			var reasons []string
			for _, b := range p1.Blocks {
				reasons = append(reasons, b.Source+":"+b.Reason)
			}
			if strings.Join(reasons, ",") != "staff:staff MARK-AAA,import:again" {
				t.Errorf("P1 blocks = %v, want the staff block and the new file block", reasons)
			}
			return nil
		})
	})
}
