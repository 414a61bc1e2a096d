package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/store"
)

func TestDirectoryImportIsAllOrNothing(t *testing.T) {
	t.Parallel()
	catEach(t, func(t *testing.T, w *apptest.World) {
		ctx := context.Background()
		sys := ill.SystemActor()
		imp := func(data string, o app.DirectoryImport) (app.DirectoryImportReport, error) {
			return w.App.ImportDirectory(ctx, sys, strings.NewReader(data), o)
		}
		count := func() int {
			libs, err := w.App.Libraries(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return len(libs)
		}
		bad := []struct{ name, data, want string }{
			{"invalid entry", `[{"id":"US-A","name":"A"},{"id":"US-B","name":"","endpoint":{"url":"ftp://b"}}]`, "library 2 (US-B)"},
			{"same library twice", `[{"id":"US-A","name":"A"},{"id":"us-a","name":"A again"}]`, "the same library as library 1"},
			{"symbol of two libraries", `[{"id":"US-A","name":"A","symbols":["ISIL:US-A","OCLC:X"]},{"id":"US-B","name":"B","symbols":["ISIL:US-B","OCLC:X"]}]`, "OCLC:X"},
			{"short inbound secret", `[{"id":"US-A","name":"A","credentials":[{"direction":"inbound","method":"basic","username":"u","secret":"short"}]}]`, "credentials[0]"},
		}
		for _, tc := range bad {
			_, err := imp(tc.data, app.DirectoryImport{})
			if !ill.Is(err, ill.Invalid) || !strings.Contains(fieldText(err), tc.want) {
				t.Errorf("%s: %v (fields %v), want Invalid mentioning %q", tc.name, err, ill.FieldErrors(err), tc.want)
			}
			if n := count(); n != 0 {
				t.Fatalf("%s: %d entries written by a refused import", tc.name, n)
			}
		}
		if _, err := imp(`{"format":"other/2","libraries":[]}`, app.DirectoryImport{}); !ill.Is(err, ill.Invalid) {
			t.Errorf("wrong format: %v", err)
		}

		w.Agency(t, "US-HOST", "Hosted Library")
		if added, err := w.App.EnsureHostedEntries(ctx); err != nil || len(added) != 1 {
			t.Fatalf("hosted entries: %v %v", added, err)
		}
		rep, err := imp(`{"libraries":[{"id":"US-A","name":"A","credentials":[{"direction":"inbound","method":"basic","username":"US-A","secret":"secret-of-library-a"}]},{"id":"US-B","name":"B"}]}`, app.DirectoryImport{})
		if err != nil || len(rep.Created) != 2 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		// The consortium's published file (no secrets) keeps our secret;
		// pruning removes US-B but never the hosted library.
		rep, err = imp(`{"libraries":[{"id":"US-A","name":"A renamed"}]}`, app.DirectoryImport{Prune: true})
		if err != nil || len(rep.Updated) != 1 || len(rep.Deleted) != 1 || rep.Deleted[0] != "US-B" {
			t.Fatalf("sync: %+v %v", rep, err)
		}
		a, err := w.App.AuthenticatePartner(ctx, "US-A", directory.Presented{BasicUser: "US-A", BasicPassword: "secret-of-library-a"})
		if err == nil {
			t.Errorf("authenticated without an inbound method: %+v", a.Endpoint.Auth)
		}
		e, err := w.App.Library(ctx, "us-a")
		if err != nil || e.Name != "A renamed" || len(e.Credentials) != 1 || e.Credentials[0].SecretHash == "" {
			t.Errorf("after sync: %+v %v", e, err)
		}
		if _, err := w.App.Library(ctx, "US-HOST"); err != nil {
			t.Errorf("pruned the hosted library: %v", err)
		}

		// The audit log has the changes, without secrets.
		err = w.App.DB.Read(ctx, func(tx *store.Tx) error {
			recs, err := tx.Agency().AuditLog("", "US-A", 100)
			if err != nil {
				return err
			}
			if len(recs) < 2 {
				t.Errorf("audit records for US-A: %d", len(recs))
			}
			for _, r := range recs {
				if strings.Contains(r.Before+r.After, "secret-of-library-a") || strings.Contains(r.Before+r.After, "sha256:") {
					t.Errorf("audit record holds a secret: %+v", r)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		// Export and import back: the same directory.
		var buf bytes.Buffer
		if err := w.App.ExportDirectory(ctx, sys, &buf, app.DirectoryJSON, "Test", true); err != nil {
			t.Fatal(err)
		}
		if rep, err := imp(buf.String(), app.DirectoryImport{DryRun: true}); err != nil || len(rep.Updated) != 2 || len(rep.Created) != 0 {
			t.Errorf("re-import of an export: %+v %v", rep, err)
		}
	})
}

func TestDirectoryPermissions(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	ctx := context.Background()
	w.Agency(t, "US-HOST", "Hosted Library")
	mgr := w.User(t, "mgr@host.example", ill.Grant{Agency: "US-HOST", Role: ill.RoleManager})
	adm := w.User(t, "adm@host.example", ill.Grant{Agency: "US-HOST", Role: ill.RoleConsortiumAdmin})
	manager := ill.Actor{Kind: ill.ActorStaff, UserID: mgr.ID, Agency: "US-HOST", Grants: mgr.Grants}
	admin := ill.Actor{Kind: ill.ActorStaff, UserID: adm.ID, Agency: "US-HOST", Grants: adm.Grants}
	e := directory.Entry{ID: "US-P", Name: "Partner"}
	if _, err := w.App.PutDirectoryEntry(ctx, manager, e); !ill.Is(err, ill.Forbidden) {
		t.Errorf("manager puts: %v", err)
	}
	if _, _, err := w.App.DirectoryPage(ctx, manager, store.DirectoryFilter{}); !ill.Is(err, ill.Forbidden) {
		t.Errorf("manager lists: %v", err)
	}
	if _, err := w.App.ImportDirectory(ctx, manager, strings.NewReader(`[]`), app.DirectoryImport{}); !ill.Is(err, ill.Forbidden) {
		t.Errorf("manager imports: %v", err)
	}
	if _, err := w.App.PutDirectoryEntry(ctx, admin, e); err != nil {
		t.Errorf("consortium admin puts: %v", err)
	}
	secret, err := w.App.SetCredential(ctx, admin, "US-P", directory.Credential{Direction: directory.Inbound, Method: directory.AuthBearer})
	if err != nil || len(secret) < directory.MinSecretLength {
		t.Fatalf("generated secret: %q %v", secret, err)
	}
	got, err := w.App.DirectoryEntry(ctx, admin, "US-P")
	if err != nil || len(got.Credentials) != 1 || !got.Credentials[0].Stored || got.Credentials[0].SecretHash != "" {
		t.Errorf("masked entry: %+v %v", got.Credentials, err)
	}
	if _, err := w.App.SetCredential(ctx, admin, "US-P", directory.Credential{Direction: directory.Outbound, Method: directory.AuthBasic, Username: "us"}); !ill.Is(err, ill.Invalid) {
		t.Errorf("outbound without a secret: %v", err)
	}
	if err := w.App.RemoveCredential(ctx, admin, "US-P", directory.Outbound, directory.AuthBasic); !ill.Is(err, ill.NotFound) {
		t.Errorf("removing a missing credential: %v", err)
	}
	if err := w.App.DeleteDirectoryEntry(ctx, manager, "US-P"); !ill.Is(err, ill.Forbidden) {
		t.Errorf("manager deletes: %v", err)
	}
	if _, err := w.App.AuthenticatePartner(ctx, "US-NOPE", directory.Presented{}); !ill.Is(err, ill.Unauthenticated) {
		t.Errorf("unknown partner: %v", err)
	}
}

// fieldText joins an error's message and field messages.
func fieldText(err error) string {
	s := ill.UserMessage(err)
	for k, v := range ill.FieldErrors(err) {
		s += "; " + k + ": " + v
	}
	return s
}
