package demo_test

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"interlend/internal/app"
	"interlend/internal/auth"
	"interlend/internal/config"
	"interlend/internal/demo"
	"interlend/internal/directory"
	"interlend/internal/ill"
)

// TestCatalogDataMatchesStandards: the demo embeds copies of the MARCXML
// examples; they must not drift from standards/sru/examples.
func TestCatalogDataMatchesStandards(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"marc-book.xml", "marc-journal.xml", "marc-thesis.xml"} {
		want, err := os.ReadFile(filepath.Join("..", "..", "standards", "sru", "examples", name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("catalogdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("catalogdata/%s differs from standards/sru/examples/%s: copy it again", name, name)
		}
	}
}

// TestDemoDirectoryAndCatalog: the seeded directory authenticates the
// demo partner and the union catalog knows who holds the demo titles.
func TestDemoDirectoryAndCatalog(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.Workers = 0
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.PasswordParams = auth.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}
	if _, err := demo.Seed(ctx, a); err != nil {
		t.Fatal(err)
	}
	libs, err := a.Libraries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hosted, zones := 0, map[string]bool{}
	for _, e := range libs {
		if e.Hosted {
			hosted++
		}
		if e.Calendar != nil {
			zones[e.Calendar.Location.String()] = true
		}
	}
	if hosted != 3 || len(libs) < 7 || len(zones) < 5 {
		t.Errorf("directory: %d libraries, %d hosted, %d time zones", len(libs), hosted, len(zones))
	}
	p := directory.Presented{BasicUser: "US-EXREQ", BasicPassword: demo.ExReqSecret, RemoteIP: netip.MustParseAddr("203.0.113.5")}
	if _, err := a.AuthenticatePartner(ctx, "ISIL:US-EXREQ", p); err != nil {
		t.Errorf("demo partner credential: %v", err)
	}
	p.BasicPassword = "wrong"
	if _, err := a.AuthenticatePartner(ctx, "ISIL:US-EXREQ", p); !ill.Is(err, ill.Unauthenticated) {
		t.Errorf("wrong password: %v", err)
	}
	hs, err := a.CatalogHolders(ctx, ill.SystemActor())
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, h := range hs {
		total += h.Records
	}
	if len(hs) < 7 || total < 2000 {
		t.Errorf("union catalog: %d libraries, %d records", len(hs), total)
	}
	tests := []struct {
		c       ill.Citation
		atLeast int
	}{
		{ill.Citation{Title: "Silent spring", Author: "Carson, Rachel", ISBN: "9780618249060", PublicationType: ill.PubBook}, 3},
		{ill.Citation{Title: "Middlemarch", Author: "Eliot, George", ISBN: "9780141439549", PublicationType: ill.PubBook}, 3},
		{ill.Citation{ArticleTitle: "Molecular structure of nucleic acids", JournalTitle: "Nature", ISSN: "0028-0836", Volume: "171", PubDate: "1953", PublicationType: ill.PubArticle}, 2},
		{ill.Citation{Title: "Библиотечное дело", Author: "Иванова, Н. А.", PublicationType: ill.PubBook}, 1},
	}
	for _, tc := range tests {
		got, err := a.Holders(ctx, tc.c)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) < tc.atLeast {
			t.Errorf("%s: %d holders, want at least %d", tc.c.DisplayTitle(), len(got), tc.atLeast)
		}
	}
}
