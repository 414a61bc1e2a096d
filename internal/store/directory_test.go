package store_test

import (
	"context"
	"strings"
	"testing"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

func dirEntry(id, name string, syms ...string) directory.Entry {
	e := directory.Entry{ID: ill.AgencyID(id), Name: name, Endpoint: directory.Endpoint{URL: "https://" + strings.ToLower(id) + ".example/iso18626", Version: "2021"}}
	for _, s := range syms {
		sym, err := directory.ParseSymbol(s)
		if err != nil {
			panic(err)
		}
		e.Symbols = append(e.Symbols, sym)
	}
	e.Normalise()
	return e
}

func TestDirectoryPutLookupDelete(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sup := dirEntry("US-EXSUP", "Example State University", "ISIL:US-EXSUP", "OCLC:EXS")
		sup.Credentials = []directory.Credential{
			directory.Credential{Direction: directory.Inbound, Method: directory.AuthBasic, Username: "US-EXSUP", Secret: "a-long-inbound-secret"}.Seal(),
			{Direction: directory.Outbound, Method: directory.AuthBasic, Username: "US-OURS", Secret: "clear-outbound"},
		}
		col := dirEntry("US-EXCOL", "Example College", "ISIL:US-EXCOL", "OCLC:EXC", "RESHARE:EXS")
		mustWrite(t, db, func(tx *store.Tx) error {
			if _, err := tx.System().CreateAgency("US-EXSUP", "Example State University"); err != nil {
				return err
			}
			for _, e := range []directory.Entry{sup, col} {
				created, err := tx.Network().PutDirectoryEntry(e, 0)
				if err != nil || !created {
					t.Fatalf("put %s: created=%v err=%v", e.ID, created, err)
				}
			}
			return nil
		})
		lookups := []struct {
			in   string
			want ill.AgencyID
			kind ill.Kind // 0: found
		}{
			{"ISIL:US-EXSUP", "US-EXSUP", 0},
			{"isil:us-exsup", "US-EXSUP", 0},
			{"OCLC:exs", "US-EXSUP", 0},
			{"us-excol", "US-EXCOL", 0},
			{"EXC", "US-EXCOL", 0},
			{"RESHARE:EXS", "US-EXCOL", 0},
			{"EXS", "", ill.Conflict}, // OCLC:EXS and RESHARE:EXS
			{"OCLC:NOPE", "", ill.NotFound},
			{"", "", ill.NotFound},
		}
		err := db.Read(ctx, func(tx *store.Tx) error {
			for _, l := range lookups {
				e, err := tx.Network().LookupLibrary(l.in)
				if l.kind != 0 {
					if !ill.Is(err, l.kind) {
						t.Errorf("LookupLibrary(%q) = %v, %v; want %v", l.in, e.ID, err, l.kind)
					}
					continue
				}
				if err != nil || e.ID != l.want {
					t.Errorf("LookupLibrary(%q) = %v, %v; want %v", l.in, e.ID, err, l.want)
				}
			}
			e, err := tx.Network().DirectoryEntry("us-exsup")
			if err != nil {
				return err
			}
			if !e.Hosted || e.Name != sup.Name || len(e.Symbols) != 2 || e.Endpoint.Version != directory.Version2021 {
				t.Errorf("entry read back: %+v", e)
			}
			if c, ok := e.Credential(directory.Inbound, directory.AuthBasic); !ok || c.Secret != "" || !strings.HasPrefix(c.SecretHash, "sha256:") {
				t.Errorf("inbound credential: %+v", c)
			}
			if c, ok := e.Credential(directory.Outbound, directory.AuthBasic); !ok || c.Secret != "clear-outbound" {
				t.Errorf("outbound credential: %+v", c)
			}
			if col, err := tx.Network().DirectoryEntry("US-EXCOL"); err != nil || col.Hosted {
				t.Errorf("US-EXCOL hosted=%v err=%v", col.Hosted, err)
			}
			list, err := tx.Network().DirectoryEntries(store.DirectoryFilter{Text: "college"})
			if err != nil || len(list) != 1 || list[0].ID != "US-EXCOL" {
				t.Errorf("search college: %v %v", list, err)
			}
			list, err = tx.Network().DirectoryEntries(store.DirectoryFilter{Text: "oclc:exs"})
			if err != nil || len(list) != 1 || list[0].ID != "US-EXSUP" {
				t.Errorf("search by symbol: %v %v", list, err)
			}
			list, err = tx.Network().DirectoryEntries(store.DirectoryFilter{Text: "100%_"})
			if err != nil || len(list) != 0 {
				t.Errorf("wildcards not escaped: %v %v", list, err)
			}
			if n, err := tx.Network().CountDirectoryEntries(store.DirectoryFilter{}); err != nil || n != 2 {
				t.Errorf("count = %d, %v", n, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		// A symbol of another library is refused, and nothing changes.
		thief := dirEntry("US-THIEF", "Thief", "ISIL:US-THIEF", "OCLC:EXS")
		err = db.Transact(ctx, func(tx *store.Tx) error { _, err := tx.Network().PutDirectoryEntry(thief, 0); return err })
		if !ill.Is(err, ill.Conflict) || !strings.Contains(err.Error(), "US-EXSUP") {
			t.Errorf("stolen symbol: %v, want Conflict naming the owner", err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			_, err := tx.Network().DirectoryEntry("US-THIEF")
			return err
		})
		if !ill.Is(err, ill.NotFound) {
			t.Errorf("half-written entry after a refused put: %v", err)
		}

		// Replacing keeps the id's spelling and replaces symbols.
		col2 := dirEntry("us-excol", "Example College (renamed)", "ISIL:us-excol")
		mustWrite(t, db, func(tx *store.Tx) error {
			created, err := tx.Network().PutDirectoryEntry(col2, 7)
			if err != nil || created {
				t.Errorf("replace: created=%v %v", created, err)
			}
			if _, err := tx.Network().LookupLibrary("OCLC:EXC"); !ill.Is(err, ill.NotFound) {
				t.Errorf("old symbol still found: %v", err)
			}
			e, err := tx.Network().LookupLibrary("US-EXCOL")
			if err != nil || e.ID != "US-EXCOL" || e.Name != "Example College (renamed)" {
				t.Errorf("after replace: %+v %v", e, err)
			}
			if err := tx.Network().DeleteDirectoryEntry("US-EXCOL"); err != nil {
				return err
			}
			if err := tx.Network().DeleteDirectoryEntry("US-EXCOL"); !ill.Is(err, ill.NotFound) {
				t.Errorf("second delete: %v", err)
			}
			_, err = tx.Network().LookupLibrary("EXC")
			if !ill.Is(err, ill.NotFound) {
				t.Errorf("symbols of a deleted entry remain: %v", err)
			}
			return nil
		})
	})
}
