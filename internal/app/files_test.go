package app_test

import (
	"context"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/blob"
	"interlend/internal/config"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// fileWorld is a world for the files tests with its cast.
type fileWorld struct {
	*apptest.World
	name                          string
	lender, reader, student       ill.Actor // lending staff, read-only staff, student assistant of US-EXA
	patron, otherPatron, outsider ill.Actor // two patrons of US-EXA, staff of US-EXB
	patronID, otherPatronID       int64
}

// eachFileWorld runs fn in a world per engine and backend: SQLite with the
// local and with the database backend, PostgreSQL with the database
// backend (its default).
func eachFileWorld(t *testing.T, workers int, fn func(t *testing.T, w *fileWorld)) {
	t.Helper()
	type variant struct {
		name    string
		engine  store.Engine
		backend string
	}
	vs := []variant{{"sqlite-local", store.SQLite, "local"}, {"sqlite-database", store.SQLite, "database"}}
	if len(storetest.Engines(t)) > 1 {
		vs = append(vs, variant{"postgres-database", store.Postgres, "auto"})
	}
	for _, v := range vs {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			w := apptest.New(t, apptest.Options{Engine: v.engine, Workers: workers, Config: func(c *config.Config) { c.FileStore = v.backend }})
			fn(t, newFileWorld(t, w, v.name))
		})
	}
}

func newFileWorld(t *testing.T, w *apptest.World, name string) *fileWorld {
	t.Helper()
	w.Agency(t, "US-EXA", "Example A")
	w.Agency(t, "US-EXB", "Example B")
	fw := &fileWorld{World: w, name: name}
	u := w.User(t, "lend@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleLending})
	fw.lender = app.ActorFor(u, "US-EXA")
	u = w.User(t, "ro@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleReadOnly})
	fw.reader = app.ActorFor(u, "US-EXA")
	u = w.User(t, "student@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleStudent})
	fw.student = app.ActorFor(u, "US-EXA")
	u = w.User(t, "pat@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RolePatron})
	fw.patron, fw.patronID = app.ActorFor(u, "US-EXA"), u.ID
	u = w.User(t, "other@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RolePatron})
	fw.otherPatron, fw.otherPatronID = app.ActorFor(u, "US-EXA"), u.ID
	u = w.User(t, "b@example.edu", ill.Grant{Agency: "US-EXB", Role: ill.RoleManager})
	fw.outsider = app.ActorFor(u, "US-EXB")
	return fw
}

func (w *fileWorld) store(t *testing.T, actor ill.Actor, content, name string) store.File {
	t.Helper()
	f, err := w.App.StoreFile(context.Background(), actor, "US-EXA", strings.NewReader(content),
		app.FileMeta{Name: name, ContentType: "application/pdf", Purpose: app.FileScan, RequestRef: "B100"})
	if err != nil {
		t.Fatalf("StoreFile %q: %v", name, err)
	}
	return f
}

// contentPieces counts stored content in both backends: database objects
// and published files in the local folder.
func (w *fileWorld) contentPieces(t *testing.T) int {
	t.Helper()
	var n int
	if err := w.App.DB.SQL().QueryRow(`SELECT count(*) FROM blob_objects`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	_ = filepath.WalkDir(filepath.Join(w.App.Cfg.DataDir, "files"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++ // .incoming included: a leftover counts too
		}
		return nil
	})
	return n
}

func (w *fileWorld) fileRows(t *testing.T) int {
	t.Helper()
	var n int
	if err := w.App.DB.SQL().QueryRow(`SELECT count(*) FROM files`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func openStoredFile(t *testing.T, w *fileWorld, actor ill.Actor, publicID string) (store.File, string, error) {
	t.Helper()
	f, r, err := w.App.OpenFile(context.Background(), actor, "US-EXA", publicID)
	if err != nil {
		return f, "", err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	return f, string(b), err
}

func TestStoreAndOpenFile(t *testing.T) {
	t.Parallel()
	eachFileWorld(t, 0, func(t *testing.T, w *fileWorld) {
		ctx := context.Background()
		f := w.store(t, w.lender, "%PDF-1.7 scan", "../../tmp/Smith \x00article\n.pdf")
		if f.Name != "Smith article .pdf" || f.Size != 13 || f.Purpose != "scan" || f.RequestRef != "B100" || f.CreatedBy != w.lender.UserID {
			t.Errorf("stored %+v", f)
		}
		wantBackend := map[string]string{"sqlite-local": "local", "sqlite-database": "database", "postgres-database": "database"}[w.name]
		if f.Backend != wantBackend {
			t.Errorf("backend %q, want %q", f.Backend, wantBackend)
		}
		got, body, err := openStoredFile(t, w, w.reader, f.PublicID)
		if err != nil || body != "%PDF-1.7 scan" || got.ID != f.ID {
			t.Errorf("read-only staff opened %+v %q %v", got, body, err)
		}
		for name, actor := range map[string]ill.Actor{"patron": w.patron} {
			if _, _, err := openStoredFile(t, w, actor, f.PublicID); !ill.Is(err, ill.Forbidden) {
				t.Errorf("%s opening a stored file: %v, want Forbidden", name, err)
			}
		}
		// Staff of another agency cannot reach it, not even by its id.
		if _, _, err := w.App.OpenFile(ctx, w.outsider, "US-EXB", f.PublicID); !ill.Is(err, ill.NotFound) {
			t.Errorf("another agency opening the file: %v, want NotFound", err)
		}
		if _, _, err := w.App.OpenFile(ctx, w.outsider, "US-EXA", f.PublicID); !ill.Is(err, ill.Forbidden) {
			t.Errorf("another agency's staff in US-EXA: %v, want Forbidden", err)
		}
		list, err := w.App.ListFiles(ctx, w.reader, "US-EXA", store.FileFilter{RequestRef: "B100"})
		if err != nil || len(list) != 1 || list[0].PublicID != f.PublicID {
			t.Errorf("ListFiles = %v, %v", list, err)
		}
		if list, err := w.App.ListFiles(ctx, w.outsider, "US-EXB", store.FileFilter{}); err != nil || len(list) != 0 {
			t.Errorf("US-EXB's list = %v, %v; want empty", list, err)
		}
	})
}

func TestStoreFileRefusedLeavesNothing(t *testing.T) {
	t.Parallel()
	eachFileWorld(t, 0, func(t *testing.T, w *fileWorld) {
		ctx := context.Background()
		if err := w.App.DB.Transact(ctx, func(tx *store.Tx) error {
			return tx.Agency().PutSetting("US-EXA", app.MaxFileSizeSetting, "1000", 0)
		}); err != nil {
			t.Fatal(err)
		}
		scan := app.FileMeta{Name: "a.pdf", ContentType: "application/pdf", Purpose: app.FileScan}
		with := func(f func(m *app.FileMeta)) app.FileMeta { m := scan; f(&m); return m }
		cases := []struct {
			name    string
			actor   ill.Actor
			agency  ill.AgencyID
			meta    app.FileMeta
			content string
			want    ill.Kind
		}{
			{"over the agency's limit", w.lender, "US-EXA", scan, strings.Repeat("x", 1001), ill.TooLarge},
			{"unknown purpose", w.lender, "US-EXA", with(func(m *app.FileMeta) { m.Purpose = "poster" }), "x", ill.Invalid},
			{"bad content type", w.lender, "US-EXA", with(func(m *app.FileMeta) { m.ContentType = "pdf please" }), "x", ill.Invalid},
			{"request reference too long", w.lender, "US-EXA", with(func(m *app.FileMeta) { m.RequestRef = strings.Repeat("R", 101) }), "x", ill.Invalid},
			{"patron", w.patron, "US-EXA", scan, "x", ill.Forbidden},
			{"read-only staff", w.reader, "US-EXA", scan, "x", ill.Forbidden},
			{"student storing an invoice", w.student, "US-EXA", with(func(m *app.FileMeta) { m.Purpose = app.FileInvoice }), "x", ill.Forbidden},
			{"another agency's staff", w.outsider, "US-EXA", scan, "x", ill.Forbidden},
			{"agency not hosted here", ill.SystemActor(), "US-NONE", scan, "x", ill.NotFound},
		}
		for _, c := range cases {
			_, err := w.App.StoreFile(ctx, c.actor, c.agency, strings.NewReader(c.content), c.meta)
			if ill.KindOf(err) != c.want {
				t.Errorf("%s: %v, want %s", c.name, err, c.want)
			}
			if n := w.contentPieces(t); n != 0 {
				t.Errorf("%s: %d pieces of content stored, want none", c.name, n)
			}
			if n := w.fileRows(t); n != 0 {
				t.Errorf("%s: %d file records, want none", c.name, n)
			}
		}
		// Exactly at the limit is accepted.
		if _, err := w.App.StoreFile(ctx, w.lender, "US-EXA", strings.NewReader(strings.Repeat("x", 1000)), scan); err != nil {
			t.Errorf("a file at the limit: %v", err)
		}
	})
}

func TestFilePurposePermissions(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-EXA", "A")
	ctx := context.Background()
	for _, role := range ill.Roles {
		u := w.User(t, string(role)+"@example.edu", ill.Grant{Agency: "US-EXA", Role: role})
		actor := app.ActorFor(u, "US-EXA")
		for _, p := range app.FilePurposes {
			_, err := w.App.StoreFile(ctx, actor, "US-EXA", strings.NewReader("content of "+string(p)), app.FileMeta{Name: "f", Purpose: p})
			if want := role.Can(p.WritePermission()); want != (err == nil) {
				t.Errorf("%s storing a %s file: %v (allowed by the matrix: %v)", role, p, err, want)
			}
			if err != nil && !ill.Is(err, ill.Forbidden) {
				t.Errorf("%s storing a %s file: %v, want Forbidden", role, p, err)
			}
		}
	}
}

// waitForPurges waits until every purge job that is due has run.
func waitForPurges(t *testing.T, w *fileWorld) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var pending int
		err := w.App.DB.Read(context.Background(), func(tx *store.Tx) error {
			jobs, err := tx.System().ListJobs(store.JobFilter{AllAgencies: true, Kind: app.KindFilePurge, Limit: 1000})
			for _, j := range jobs {
				if j.State != store.JobDone && !j.RunAt.After(w.Clock.Now()) {
					pending++
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d purge jobs still pending", pending)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (w *fileWorld) contentExists(t *testing.T, f store.File) bool {
	t.Helper()
	bs, err := w.App.Files.For(blob.Backend(f.Backend))
	if err != nil {
		t.Fatal(err)
	}
	ok, err := bs.Exists(context.Background(), f.Agency, f.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestDeleteFilePurgesUnusedContent(t *testing.T) {
	t.Parallel()
	eachFileWorld(t, 1, func(t *testing.T, w *fileWorld) {
		ctx := context.Background()
		x := w.store(t, w.lender, "same scan", "x.pdf")
		y := w.store(t, w.lender, "same scan", "y.pdf")
		if x.SHA256 != y.SHA256 {
			t.Fatal("identical content got different keys")
		}
		if err := w.App.DeleteFile(ctx, w.patron, "US-EXA", x.PublicID); !ill.Is(err, ill.Forbidden) {
			t.Errorf("patron deleting: %v, want Forbidden", err)
		}
		if err := w.App.DeleteFile(ctx, w.outsider, "US-EXB", x.PublicID); !ill.Is(err, ill.NotFound) {
			t.Errorf("another agency deleting: %v, want NotFound", err)
		}
		if err := w.App.DeleteFile(ctx, w.lender, "US-EXA", x.PublicID); err != nil {
			t.Fatal(err)
		}
		if err := w.App.DeleteFile(ctx, w.lender, "US-EXA", x.PublicID); !ill.Is(err, ill.Conflict) {
			t.Errorf("deleting twice: %v, want Conflict", err)
		}
		w.Clock.Advance(time.Hour)
		waitForPurges(t, w)
		// y still uses the content.
		if _, body, err := openStoredFile(t, w, w.reader, y.PublicID); err != nil || body != "same scan" {
			t.Fatalf("the other file after deleting its twin: %q, %v", body, err)
		}
		if _, _, err := openStoredFile(t, w, w.reader, x.PublicID); !ill.Is(err, ill.NotFound) {
			t.Errorf("opening a deleted file: %v, want NotFound", err)
		}
		all, _ := w.App.ListFiles(ctx, w.reader, "US-EXA", store.FileFilter{IncludeDeleted: true})
		for _, f := range all {
			if f.PublicID == x.PublicID && (f.Name != store.DeletedFileName || !f.Deleted()) {
				t.Errorf("deleted record %+v: want the name redacted", f)
			}
		}
		// The race StoreFile leaves open: its Put of the same content is
		// done, its record not yet written, when y is deleted. The Put
		// renewed the content, so the purge keeps it.
		if _, err := w.App.Files.Put(ctx, "US-EXA", strings.NewReader("same scan"), 1<<20); err != nil {
			t.Fatal(err)
		}
		if err := w.App.DeleteFile(ctx, w.lender, "US-EXA", y.PublicID); err != nil {
			t.Fatal(err)
		}
		waitForPurges(t, w)
		if !w.contentExists(t, y) {
			t.Fatal("content put within the grace period was purged")
		}
		z := w.store(t, w.lender, "same scan", "z.pdf")
		w.Clock.Advance(app.FilePurgeGrace + time.Minute)
		waitForPurges(t, w) // the re-check finds z using the content
		if _, body, err := openStoredFile(t, w, w.reader, z.PublicID); err != nil || body != "same scan" {
			t.Fatalf("z after the re-check: %q, %v", body, err)
		}
		// Once the last file is gone, content older than the grace period
		// goes at once.
		if err := w.App.DeleteFile(ctx, w.lender, "US-EXA", z.PublicID); err != nil {
			t.Fatal(err)
		}
		waitForPurges(t, w)
		if w.contentExists(t, z) {
			t.Error("content of the last deleted file still stored")
		}
		// Fresh content waits out the grace period.
		q := w.store(t, w.lender, "fresh scan", "q.pdf")
		if err := w.App.DeleteFile(ctx, w.lender, "US-EXA", q.PublicID); err != nil {
			t.Fatal(err)
		}
		waitForPurges(t, w)
		if !w.contentExists(t, q) {
			t.Error("content purged within the grace period")
		}
		w.Clock.Advance(app.FilePurgeGrace + time.Minute)
		waitForPurges(t, w)
		if n := w.contentPieces(t); n != 0 {
			t.Errorf("%d pieces of content still stored after every file was deleted", n)
		}
	})
}

func TestDeleteRequestFiles(t *testing.T) {
	t.Parallel()
	w := newFileWorld(t, apptest.New(t, apptest.Options{}), "sqlite-local")
	ctx := context.Background()
	w.store(t, w.lender, "one", "1.pdf")
	w.store(t, w.lender, "two", "2.pdf")
	other, err := w.App.StoreFile(ctx, w.lender, "US-EXA", strings.NewReader("three"), app.FileMeta{Name: "3.pdf", Purpose: app.FileScan, RequestRef: "B200"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := w.App.DeleteRequestFiles(ctx, ill.SystemActor(), "US-EXA", "B100")
	if err != nil || n != 2 {
		t.Fatalf("DeleteRequestFiles = %d, %v; want 2", n, err)
	}
	if _, body, err := openStoredFile(t, w, w.reader, other.PublicID); err != nil || body != "three" {
		t.Errorf("another request's file: %q, %v", body, err)
	}
	if _, err := w.App.DeleteRequestFiles(ctx, ill.SystemActor(), "US-EXA", ""); !ill.Is(err, ill.Invalid) {
		t.Errorf("no request: %v, want Invalid", err)
	}
}

func TestCleanFileName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 200) + ".pdf"
	for _, c := range []struct{ in, want string }{
		{"article.pdf", "article.pdf"},
		{`C:\Users\smith\scan 1.pdf`, "scan 1.pdf"},
		{"../../etc/passwd", "passwd"},
		{"  \"quoted\"\t\nname .pdf. ", "quoted name .pdf"},
		{"bad\xffutf8.pdf", "bad_utf8.pdf"},
		{"rtl\u202egnp.pdf", "rtlgnp.pdf"},
		{"", "file"},
		{"...", "file"},
		{long, strings.Repeat("é", 116) + ".pdf"},
	} {
		if got := app.CleanFileName(c.in); got != c.want {
			t.Errorf("CleanFileName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
