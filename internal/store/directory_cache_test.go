package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"interlend/internal/directory"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// TestDirectoryCacheFollowsOtherWriters: a process keeps the entries it
// read; a change made through another handle on the same database (the
// directory command beside a running server, another node) is seen at
// once, and a change rolled back is never seen.
func TestDirectoryCacheFollowsOtherWriters(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			opts := store.Options{}
			if engine == store.SQLite {
				opts.SQLitePath = filepath.Join(t.TempDir(), "interlend.db")
			} else {
				opts.DSN = storetest.NewPostgresDatabase(t)
			}
			server := openMigrated(t, opts)
			other := openMigrated(t, opts)

			put := func(db *store.DB, e directory.Entry) {
				t.Helper()
				mustWrite(t, db, func(tx *store.Tx) error { _, err := tx.Network().PutDirectoryEntry(e, 0); return err })
			}
			endpoint := func(db *store.DB, symbol string) string {
				t.Helper()
				var e directory.Entry
				if err := db.Read(ctx, func(tx *store.Tx) (err error) { e, err = tx.Network().LookupLibrary(symbol); return }); err != nil {
					t.Fatalf("lookup %s: %v", symbol, err)
				}
				return e.Endpoint.URL
			}
			sup := dirEntry("US-EXSUP", "Example State University", "ISIL:US-EXSUP", "OCLC:EXS")
			put(other, sup)
			first := endpoint(server, "OCLC:EXS")
			if endpoint(server, "OCLC:EXS") != first {
				t.Fatal("the second read differs from the first")
			}

			sup.Endpoint.URL = "https://moved.example/iso18626"
			put(other, sup)
			if got := endpoint(server, "OCLC:EXS"); got != sup.Endpoint.URL {
				t.Fatalf("after another handle moved the endpoint, the server reads %s, want %s", got, sup.Endpoint.URL)
			}

			// A change rolled back, read inside its own transaction first.
			boom := errors.New("rolled back")
			err := server.Transact(ctx, func(tx *store.Tx) error {
				gone := sup
				gone.Endpoint.URL = "https://never.example/iso18626"
				if _, err := tx.Network().PutDirectoryEntry(gone, 0); err != nil {
					return err
				}
				e, err := tx.Network().DirectoryEntry("US-EXSUP")
				if err != nil {
					return err
				}
				if e.Endpoint.URL != gone.Endpoint.URL {
					t.Errorf("inside the changing transaction: %s, want %s", e.Endpoint.URL, gone.Endpoint.URL)
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("transaction: %v", err)
			}
			if got := endpoint(server, "US-EXSUP"); got != sup.Endpoint.URL {
				t.Fatalf("after a rolled-back change: %s, want %s", got, sup.Endpoint.URL)
			}

			// Hosted agencies and the hosted flag follow too.
			var before []store.Agency
			if err := server.Read(ctx, func(tx *store.Tx) (err error) { before, err = tx.System().Agencies(); return }); err != nil {
				t.Fatal(err)
			}
			mustWrite(t, other, func(tx *store.Tx) error {
				_, err := tx.System().CreateAgency("US-EXSUP", "Example State University")
				return err
			})
			var after []store.Agency
			var e directory.Entry
			if err := server.Read(ctx, func(tx *store.Tx) (err error) {
				if after, err = tx.System().Agencies(); err != nil {
					return err
				}
				if _, err = tx.System().GetAgency("US-EXSUP"); err != nil {
					return err
				}
				e, err = tx.Network().DirectoryEntry("us-exsup")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(after) != len(before)+1 || !e.Hosted {
				t.Fatalf("after another handle added an agency: %d agencies (had %d), hosted=%v", len(after), len(before), e.Hosted)
			}

			// What a caller does to an entry it got is its own.
			mustWrite(t, server, func(tx *store.Tx) error {
				e, err := tx.Network().DirectoryEntry("US-EXSUP")
				if err == nil && len(e.Symbols) > 0 {
					e.Symbols[0] = directory.Symbol{}
					e.Name = "changed by a caller"
				}
				return err
			})
			var again directory.Entry
			if err := server.Read(ctx, func(tx *store.Tx) (err error) { again, err = tx.Network().DirectoryEntry("US-EXSUP"); return }); err != nil {
				t.Fatal(err)
			}
			if again.Name != sup.Name || again.Symbols[0] == (directory.Symbol{}) {
				t.Fatalf("a caller's change to its copy reached the next reader: %+v", again)
			}
		})
	}
}

func openMigrated(t *testing.T, opts store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}
