package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

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
	email  string // the patron's
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
		a: n.Staff(libA), b: n.Staff(libB), c: n.Staff(libC)}, smtp: smtp, email: p.email}
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

// patronMail waits for the patron's email about request bid whose
// subject or text holds all of words (case aside).
func (s *problemScene) patronMail(t *testing.T, what, bid string, words ...string) mailtest.Message {
	t.Helper()
	return s.smtp.WaitMatch(t, what, 1, peertest.Wait, func(m mailtest.Message) bool {
		if !m.SentTo(s.email) || !strings.Contains(m.Text, bid) {
			return false
		}
		for _, w := range words {
			if !strings.Contains(strings.ToLower(m.Subject+" "+m.Text), strings.ToLower(w)) {
				return false
			}
		}
		return true
	})[0]
}

// checkWire: every message between the processes was confirmed OK and
// written in the scene's version, and every one on the wire or stored
// (no fewer than least) is valid against that version's XSD.
func (s *problemScene) checkWire(t *testing.T, least int) {
	t.Helper()
	var docs [][]byte
	for _, nd := range []*peertest.Node{s.borrower, s.lender} {
		for _, e := range nd.Tap.Log() {
			if !e.Delivered() {
				t.Errorf("to %s: %s answered %d %s", nd.Spec.Name, e.Msg, e.Status, e.Conf)
			}
			if e.Msg.Version != s.iso {
				t.Errorf("to %s: %s written in %s, want %s", nd.Spec.Name, e.Msg, e.Msg.Version, s.iso)
			}
		}
		docs = append(docs, peertest.Documents(nd.Tap.Log())...)
	}
	for _, tr := range s.touched {
		docs = append(docs, peertest.Raw(tr.c.Timeline(t, tr.id))...)
	}
	n := peertest.ValidateAll(t, s.iso, docs)
	t.Logf("ISO 18626 %s: %d distinct documents valid against the XSD", s.iso, n)
	if n < least {
		t.Errorf("only %d distinct documents checked: the flows did not run", n)
	}
}

// problemIn waits until a node's queue (GET /api/v1/problems?kind=) holds
// request id's problem and ok says yes to it.
func problemIn(t *testing.T, c *peertest.Client, kind ill.ProblemKind, id, what string, ok func(store.Problem) bool) store.Problem {
	t.Helper()
	deadline := time.Now().Add(peertest.Wait)
	for {
		var ps []store.Problem
		if err := c.Call("GET", "/api/v1/problems?kind="+string(kind), nil, &ps); err != nil {
			t.Fatalf("%s: problems queue: %v", c.Agency, err)
		}
		for _, p := range ps {
			if p.Request == id && p.Kind == kind && ok(p) {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s: the %s queue has no problem of %s that fits: %+v", c.Agency, what, kind, id, ps)
		}
		time.Sleep(peertest.Poll)
	}
}

// closedProblem waits until request id has a problem of kind closed with
// outcome (a request may have had several of a kind).
func closedProblem(t *testing.T, c *peertest.Client, kind ill.ProblemKind, id, outcome string) store.Problem {
	t.Helper()
	deadline := time.Now().Add(peertest.Wait)
	for {
		var ps []store.Problem
		if err := c.Call("GET", "/api/v1/requests/"+id+"/problems", nil, &ps); err != nil {
			t.Fatalf("%s: problems of %s: %v", c.Agency, id, err)
		}
		for _, p := range ps {
			if p.Kind == kind && !p.Open() && p.Outcome == outcome {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s has no %s problem closed as %q: %+v", c.Agency, id, kind, outcome, ps)
		}
		time.Sleep(peertest.Poll)
	}
}
