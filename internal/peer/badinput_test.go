package peer_test

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/store/storetest"
)

// badCase is one file of testdata/bad: header lines, a line "---", then
// the body exactly as sent. Header keys:
//
//	what:          what the case is
//	status:        the HTTP status expected
//	error, value:  the confirmation's errorType and (exact) errorValue
//	value-prefix:  the start of the errorValue
//	outcome:       refused (default: nothing changes), accepted (OK), or
//	               flagged (OK; the borrowing request keeps its state and
//	               is flagged for attention)
//	kept:          refused messages kept for the record (default 0)
//	auth:          none, basic:USER:SECRET or bearer:TOKEN (default:
//	               US-EXREQ's Basic credential)
//	header:        "Name: value" added to the HTTP request
//	content-type:  the Content-Type ("none" for no header)
//	method:        the HTTP method (default POST)
//	chunked:       true sends the body without a length
//	pad:           {{PAD}} is filled so that the body has this many bytes
//	body-contains: text the (non-XML) answer must contain
//	answer-version: 1.2 or 2021, the version of the confirmation
//
// Bodies may use {{TS}} (now), {{NEXT}} (a fresh request id), {{BORROW}}
// (a borrowing request of US-EXSUP sent to US-EXREQ) and {{LENDID}} (the
// lending request US-EXREQ's EXREQ-SEED-1 made at US-EXSUP).
type badCase struct {
	name   string
	header map[string][]string
	body   []byte
}

func (c badCase) get(key string) string {
	if v := c.header[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func readBadCases(t *testing.T) []badCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "bad", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []badCase
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		head, body, ok := bytes.Cut(b, []byte("\n---\n"))
		if !ok {
			t.Fatalf("%s: no --- line", f)
		}
		c := badCase{name: strings.TrimSuffix(filepath.Base(f), ".txt"), header: map[string][]string{}, body: body}
		for _, line := range strings.Split(string(head), "\n") {
			if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
				continue
			}
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				t.Fatalf("%s: header line %q", f, line)
			}
			c.header[strings.TrimSpace(k)] = append(c.header[strings.TrimSpace(k)], strings.TrimSpace(v))
		}
		if c.get("what") == "" || c.get("status") == "" {
			t.Fatalf("%s: every case says what it is and the status expected", f)
		}
		out = append(out, c)
	}
	return out
}

// TestBadInputCorpus sends every case of testdata/bad to a site with a
// borrowing and a lending request, on both engines, and checks the answer,
// that the confirmation validates, and that the database did not change.
func TestBadInputCorpus(t *testing.T) {
	t.Parallel()
	cases := readBadCases(t)
	if len(cases) < 40 {
		t.Fatalf("the corpus has %d cases; it should have at least 40", len(cases))
	}
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			s := newSite(t, siteOptions{engine: e})
			borrow := s.borrow(t, pBasic, ill.Loan)
			lend := s.lend(t, pBasic, "EXREQ-SEED-1")
			for i, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					s.runBadCase(t, c, i, borrow.PublicID, lend.PublicID)
				})
			}
			// Still answering, and what every case refused is still there.
			if r := s.sendMessage(t, ram(pBasic, "EXREQ-SEED-1", lend.PublicID, ill.ActionStatusRequest, s.tick()), iso18626.V2021); !r.ok() {
				t.Fatalf("after the corpus, a good message got %s", r)
			}
		})
	}
}

func (s *site) runBadCase(t *testing.T, c badCase, i int, borrowID, lendID string) {
	ts := s.tick().Format("2006-01-02T15:04:05Z")
	body := c.body
	for k, v := range map[string]string{"{{TS}}": ts, "{{NEXT}}": fmt.Sprintf("BAD-%d", i), "{{BORROW}}": borrowID, "{{LENDID}}": lendID} {
		body = bytes.ReplaceAll(body, []byte(k), []byte(v))
	}
	if p := c.get("pad"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.Replace(body, []byte("{{PAD}}"), bytes.Repeat([]byte("n"), max(n-len(body)+len("{{PAD}}"), 0)), 1)
	}
	var opts []postOpt
	switch a := c.get("auth"); {
	case a == "":
	case a == "none":
		opts = append(opts, withoutAuth())
	case strings.HasPrefix(a, "basic:"):
		parts := strings.SplitN(a, ":", 3)
		opts = append(opts, withBasic(parts[1], parts[2]))
	case strings.HasPrefix(a, "bearer:"):
		opts = append(opts, withBearer(strings.TrimPrefix(a, "bearer:")))
	default:
		t.Fatalf("auth %q", a)
	}
	for _, h := range c.header["header"] {
		k, v, _ := strings.Cut(h, ":")
		opts = append(opts, withHeader(strings.TrimSpace(k), strings.TrimSpace(v)))
	}
	switch ct := c.get("content-type"); ct {
	case "":
	case "none":
		opts = append(opts, withContentType(""))
	default:
		opts = append(opts, withContentType(ct))
	}
	if m := c.get("method"); m != "" {
		opts = append(opts, withMethod(m))
	}
	if c.get("chunked") == "true" {
		opts = append(opts, withChunked())
	}
	before, rejected := s.snapshot(t), s.rejected(t)
	got := s.send(t, body, opts...)
	t.Logf("%s: %s", c.get("what"), got)
	if want, _ := strconv.Atoi(c.get("status")); got.status != want {
		t.Fatalf("status %d, want %d (%s)", got.status, want, got)
	}
	if want := c.get("body-contains"); want != "" && !strings.Contains(string(got.body), want) {
		t.Errorf("the answer %q does not say %q", got.body, want)
	}
	checkConfirmationXSD(t, got)
	if v := c.get("answer-version"); v != "" && got.conf != nil {
		want := iso18626.V2021
		if v == "1.2" {
			want = iso18626.V1_2
		}
		if got.conf.Version != want {
			t.Errorf("answered in %s, want %s", got.conf.Version, want)
		}
	}
	outcome := c.get("outcome")
	if want := c.get("error"); want != "" {
		ed := got.errorData()
		if got.conf == nil || got.ok() || string(ed.ErrorType) != want {
			t.Fatalf("got %s, want an ERROR confirmation %s", got, want)
		}
		if v := strings.ReplaceAll(strings.ReplaceAll(c.get("value"), "{{LENDID}}", lendID), "{{BORROW}}", borrowID); v != "" && ed.ErrorValue != v {
			t.Errorf("errorValue %q, want %q", ed.ErrorValue, v)
		}
		if p := c.get("value-prefix"); p != "" && !strings.HasPrefix(ed.ErrorValue, p) {
			t.Errorf("errorValue %q, want it to start %q", ed.ErrorValue, p)
		}
	} else if outcome == "accepted" || outcome == "flagged" {
		if !got.ok() {
			t.Fatalf("got %s, want an OK confirmation", got)
		}
	}
	switch outcome {
	case "", "refused":
		s.unchanged(t, before, c.name)
		kept, _ := strconv.Atoi(c.get("kept"))
		if n := s.rejected(t) - rejected; n != kept {
			t.Errorf("%d refused messages kept, want %d", n, kept)
		}
	case "flagged":
		r := s.request(t, hosted, borrowID)
		if was := before.requestLine(borrowID); !strings.HasPrefix(was, borrowID+" "+string(r.State)+" ") {
			t.Errorf("the request moved: was %q, now %s", was, r.State)
		}
		if !r.Attention {
			t.Errorf("the request is not flagged for attention")
		}
	case "accepted":
	default:
		t.Fatalf("outcome %q", outcome)
	}
	if got.status == http.StatusOK && got.conf == nil && c.get("method") != http.MethodGet {
		t.Errorf("200 without a confirmation")
	}
}
