package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/mail/mailtest"
	"interlend/internal/peertest"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// problemScene is what the problem workflows' two-process tests share: a
// borrowing process that emails patrons through an in-process SMTP
// server, with one patron imported, and a lending process; with
// PostgreSQL configured, one of the two runs on it (which one depends on
// the version, so that both engines meet both versions).
type problemScene struct {
	*scene
	smtp   *mailtest.Server
	patron int64
}

// patronSpec is the scene's patron: barcode, name and email.
type patronSpec struct{ barcode, name, email string }

func newProblemScene(t *testing.T, version, name string, p patronSpec, lenderOnPostgres2021 bool) *problemScene {
	t.Helper()
	smtp := mailtest.Start(t)
	env := []string{"INTERLEND_SMTP_HOST=" + smtp.Host(), fmt.Sprintf("INTERLEND_SMTP_PORT=%d", smtp.Port()),
		"INTERLEND_SMTP_TLS=none", "INTERLEND_SMTP_FROM=" + mailtest.From}
	be, le := store.SQLite, store.SQLite
	if storetest.AdminDSN() != "" {
		if (version == directory.Version2021) == lenderOnPostgres2021 {
			le = store.Postgres
		} else {
			be = store.Postgres
		}
	}
	n := peertest.Start(t, version,
		peertest.NodeSpec{Name: name + "-borrower", Libraries: []ill.AgencyID{libA}, Engine: be, Env: env},
		peertest.NodeSpec{Name: name + "-lender", Libraries: []ill.AgencyID{libB, libC}, Engine: le})
	s := &problemScene{scene: &scene{version: version, iso: iso18626.V2021, net: n, borrower: n.Node(libA), lender: n.Node(libB),
		a: n.Staff(libA), b: n.Staff(libB), c: n.Staff(libC)}, smtp: smtp}
	if version == directory.Version12 {
		s.iso = iso18626.V1_2
	}
	csv := filepath.Join(t.TempDir(), "patrons.csv")
	if err := os.WriteFile(csv, []byte("barcode,name,email,category\n"+p.barcode+","+p.name+","+p.email+",faculty\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.borrower.CLI(t, "import", "patrons", csv, "--agency", string(libA))
	_, page, err := s.a.GetPage("/patrons?q=" + p.barcode)
	m := regexp.MustCompile(`href="/patrons/(\d+)"`).FindStringSubmatch(page)
	if err != nil || m == nil {
		t.Fatalf("patron search: %v\n%.500s", err, page)
	}
	fmt.Sscan(m[1], &s.patron)
	return s
}
