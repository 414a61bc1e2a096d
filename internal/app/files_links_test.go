package app_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// useLink uses a link as p and reads it to the end; it returns the body
// or the refusal.
func useLink(t *testing.T, w *fileWorld, token string, p app.Presenter) (string, error) {
	t.Helper()
	d, err := w.App.StartDownload(context.Background(), token, p)
	if err != nil {
		return "", err
	}
	b, err := io.ReadAll(d.Body)
	if ferr := d.Finish(context.Background(), int64(len(b)), err); ferr != nil {
		t.Fatal(ferr)
	}
	return string(b), err
}

func (w *fileWorld) link(t *testing.T, req app.LinkRequest) app.Link {
	t.Helper()
	l, err := w.App.CreateDownloadLink(context.Background(), w.lender, "US-EXA", req)
	if err != nil {
		t.Fatalf("CreateDownloadLink %+v: %v", req, err)
	}
	return l
}

func linkOutcomes(t *testing.T, w *fileWorld, f store.File, linkID int64) []string {
	t.Helper()
	_, logs, err := w.App.DownloadLinks(context.Background(), w.reader, "US-EXA", f.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range logs[linkID] {
		out = append(out, e.Outcome)
	}
	return out
}

func TestDownloadLinkRules(t *testing.T) {
	t.Parallel()
	eachFileWorld(t, 0, func(t *testing.T, w *fileWorld) {
		f := w.store(t, w.lender, "the article", "article.pdf")
		pat := app.Presenter{UserID: w.patronID, Client: "192.0.2.7"}
		other := app.Presenter{UserID: w.otherPatronID}

		l := w.link(t, app.LinkRequest{File: f.PublicID, UserID: w.patronID, TTL: time.Hour, MaxDownloads: 2})
		if !strings.HasPrefix(l.URL, w.URL+"/files/"+l.Token+"/article.pdf") || l.Credential != "" {
			t.Errorf("user link URL %q credential %q", l.URL, l.Credential)
		}
		refusals := []struct {
			name  string
			token string
			p     app.Presenter
			cause error
			kind  ill.Kind
		}{
			{"nobody logged in", l.Token, app.Presenter{}, app.ErrLinkLogin, ill.Unauthenticated},
			{"another patron", l.Token, other, app.ErrLinkNotYours, ill.Forbidden},
			{"staff of the agency", l.Token, app.Presenter{UserID: w.lender.UserID}, app.ErrLinkNotYours, ill.Forbidden},
			{"a partner credential on a user link", l.Token, app.Presenter{Credential: "x", Partner: "US-PAR"}, app.ErrLinkLogin, ill.Unauthenticated},
			{"unknown token", "nope" + l.Token, pat, app.ErrLinkUnknown, ill.NotFound},
			{"empty token", "", pat, app.ErrLinkUnknown, ill.NotFound},
		}
		for _, c := range refusals {
			_, err := useLink(t, w, c.token, c.p)
			if !errors.Is(err, c.cause) || ill.KindOf(err) != c.kind {
				t.Errorf("%s: %v, want %v (%s)", c.name, err, c.cause, c.kind)
			}
		}
		for i := range 2 {
			if body, err := useLink(t, w, l.Token, pat); err != nil || body != "the article" {
				t.Fatalf("download %d by the patron: %q, %v", i+1, body, err)
			}
		}
		if _, err := useLink(t, w, l.Token, pat); !errors.Is(err, app.ErrLinkUsedUp) {
			t.Errorf("third download of two: %v, want used up", err)
		}
		want := []string{"login_required", "wrong_user", "wrong_user", "login_required", "done", "done", "used_up"}
		if got := linkOutcomes(t, w, f, l.ID); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("log outcomes %v, want %v", got, want)
		}

		// Expiry, by the clock: the link works until the moment it ends.
		exp := w.link(t, app.LinkRequest{File: f.PublicID, UserID: w.patronID, TTL: time.Hour})
		w.Clock.Advance(time.Hour - time.Second)
		if _, err := useLink(t, w, exp.Token, pat); err != nil {
			t.Errorf("a second before expiry: %v", err)
		}
		w.Clock.Advance(time.Second)
		if _, err := useLink(t, w, exp.Token, pat); !errors.Is(err, app.ErrLinkExpired) {
			t.Errorf("at expiry: %v, want expired", err)
		}
		if _, err := w.App.CheckDownload(context.Background(), exp.Token, pat); !errors.Is(err, app.ErrLinkExpired) {
			t.Errorf("CheckDownload at expiry: %v, want expired", err)
		}

		// Revoked, and file deleted.
		rev := w.link(t, app.LinkRequest{File: f.PublicID, UserID: w.patronID})
		if err := w.App.RevokeDownloadLink(context.Background(), w.lender, "US-EXA", rev.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := useLink(t, w, rev.Token, pat); !errors.Is(err, app.ErrLinkRevoked) {
			t.Errorf("revoked: %v", err)
		}
		gone := w.link(t, app.LinkRequest{File: f.PublicID, UserID: w.patronID})
		if err := w.App.DeleteFile(context.Background(), w.lender, "US-EXA", f.PublicID); err != nil {
			t.Fatal(err)
		}
		if _, err := useLink(t, w, gone.Token, pat); !errors.Is(err, app.ErrLinkFileDeleted) {
			t.Errorf("file deleted: %v", err)
		}
	})
}

func TestPartnerLink(t *testing.T) {
	t.Parallel()
	eachFileWorld(t, 0, func(t *testing.T, w *fileWorld) {
		f := w.store(t, w.lender, "scan for a partner", "scan.pdf")
		l := w.link(t, app.LinkRequest{File: f.PublicID, Partner: "US-PAR", MaxDownloads: 10})
		l2 := w.link(t, app.LinkRequest{File: f.PublicID, Partner: "US-PAR"})
		if l.Credential == "" || l.SignedURL != l.URL+"?sig="+l.Credential {
			t.Errorf("partner link %q credential %q signed %q", l.URL, l.Credential, l.SignedURL)
		}
		cases := []struct {
			name  string
			p     app.Presenter
			cause error // nil: allowed
		}{
			{"no credential", app.Presenter{}, app.ErrLinkCredential},
			{"a logged-in user", app.Presenter{UserID: w.patronID}, app.ErrLinkCredential},
			{"a wrong credential", app.Presenter{Credential: "forged"}, app.ErrLinkBadCredential},
			{"another link's credential", app.Presenter{Credential: l2.Credential}, app.ErrLinkBadCredential},
			{"another partner, authenticated", app.Presenter{Partner: "US-OTHER"}, app.ErrLinkCredential},
			{"the link's credential", app.Presenter{Credential: l.Credential}, nil},
			{"the partner, authenticated by the caller", app.Presenter{Partner: "US-PAR"}, nil},
		}
		for _, c := range cases {
			body, err := useLink(t, w, l.Token, c.p)
			if c.cause == nil && (err != nil || body != "scan for a partner") {
				t.Errorf("%s: %q, %v; want the file", c.name, body, err)
			}
			if c.cause != nil && !errors.Is(err, c.cause) {
				t.Errorf("%s: %v, want %v", c.name, err, c.cause)
			}
		}
		_, logs, err := w.App.DownloadLinks(context.Background(), w.reader, "US-EXA", f.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		last := logs[l.ID][len(logs[l.ID])-1]
		if last.Partner != "US-PAR" || last.Outcome != app.DownloadDone || last.Bytes != f.Size {
			t.Errorf("log of the partner's download: %+v", last)
		}
	})
}

func TestLastDownloadRace(t *testing.T) {
	t.Parallel()
	eachFileWorld(t, 0, func(t *testing.T, w *fileWorld) {
		f := w.store(t, w.lender, "contested", "c.pdf")
		l := w.link(t, app.LinkRequest{File: f.PublicID, UserID: w.patronID, MaxDownloads: 3})
		p := app.Presenter{UserID: w.patronID}
		for range 2 {
			if _, err := useLink(t, w, l.Token, p); err != nil {
				t.Fatal(err)
			}
		}
		const racers = 8
		var wg sync.WaitGroup
		start := make(chan struct{})
		results := make([]error, racers)
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				d, err := w.App.StartDownload(context.Background(), l.Token, p)
				if err == nil {
					n, rerr := io.Copy(io.Discard, d.Body)
					err = errors.Join(rerr, d.Finish(context.Background(), n, rerr))
				}
				results[i] = err
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range results {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, app.ErrLinkUsedUp):
				t.Errorf("a racer failed otherwise: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d racers got the last download, want exactly 1", won)
		}
		got := linkOutcomes(t, w, f, l.ID)
		count := map[string]int{}
		for _, o := range got {
			count[o]++
		}
		if count["done"] != 3 || count["used_up"] != racers-1 || len(got) != racers+2 {
			t.Errorf("log outcomes %v: want 3 done and %d used_up", count, racers-1)
		}
	})
}

func TestCreateDownloadLinkRefused(t *testing.T) {
	t.Parallel()
	eachFileWorld(t, 0, func(t *testing.T, w *fileWorld) {
		ctx := context.Background()
		f := w.store(t, w.lender, "content", "a.pdf")
		deleted := w.store(t, w.lender, "other", "b.pdf")
		if err := w.App.DeleteFile(ctx, w.lender, "US-EXA", deleted.PublicID); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name   string
			actor  ill.Actor
			agency ill.AgencyID
			req    app.LinkRequest
			want   ill.Kind
		}{
			{"user and partner", w.lender, "US-EXA", app.LinkRequest{File: f.PublicID, UserID: w.patronID, Partner: "US-PAR"}, ill.Invalid},
			{"neither", w.lender, "US-EXA", app.LinkRequest{File: f.PublicID}, ill.Invalid},
			{"too long", w.lender, "US-EXA", app.LinkRequest{File: f.PublicID, UserID: w.patronID, TTL: app.MaxLinkTTL + time.Hour}, ill.Invalid},
			{"too many downloads", w.lender, "US-EXA", app.LinkRequest{File: f.PublicID, UserID: w.patronID, MaxDownloads: 101}, ill.Invalid},
			{"no such user", w.lender, "US-EXA", app.LinkRequest{File: f.PublicID, UserID: 99999}, ill.NotFound},
			{"deleted file", w.lender, "US-EXA", app.LinkRequest{File: deleted.PublicID, UserID: w.patronID}, ill.NotFound},
			{"patron", w.patron, "US-EXA", app.LinkRequest{File: f.PublicID, UserID: w.patronID}, ill.Forbidden},
			{"read-only staff", w.reader, "US-EXA", app.LinkRequest{File: f.PublicID, UserID: w.patronID}, ill.Forbidden},
			{"another agency's file", w.outsider, "US-EXB", app.LinkRequest{File: f.PublicID, UserID: w.patronID}, ill.NotFound},
		}
		for _, c := range cases {
			if _, err := w.App.CreateDownloadLink(ctx, c.actor, c.agency, c.req); ill.KindOf(err) != c.want {
				t.Errorf("%s: %v, want %s", c.name, err, c.want)
			}
		}
		links, _, err := w.App.DownloadLinks(ctx, w.reader, "US-EXA", f.PublicID)
		if err != nil || len(links) != 0 {
			t.Errorf("links after refusals: %v, %v; want none", links, err)
		}
	})
}
