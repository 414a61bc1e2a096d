package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"interlend/internal/app"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Screenshots of the partner pages and of a request's protocol messages.
// The pages that name a request or a message are added by the setup,
// once the demo has made them (their ids depend on the seed).
func init() {
	addScreenshot(screenshot{Name: "partners-list", As: "manager@exsup.example", Path: "/partners"})
	addScreenshotSetup(partnersScreenshotSetup)
}

// Two partners the demo does not have, for the pictures: one whose
// server refuses connections (its messages are retried) and one that has
// no endpoint yet (its messages are held).
const (
	shotOffline  = ill.AgencyID("US-EXOFF")
	shotNoServer = ill.AgencyID("US-EXNEW")
)

// partnersScreenshotSetup sends a test StatusRequest from US-EXSUP to
// US-EXCOL and waits for its answer, and sends requests to the two
// partners above; then it adds the pictures of the pages that show them.
func partnersScreenshotSetup(ctx context.Context, a *app.App) error {
	const agency, partner = ill.AgencyID("US-EXSUP"), ill.AgencyID("US-EXCOL")
	const login = "manager@exsup.example"
	var mgr store.User
	if err := a.DB.Read(ctx, func(tx *store.Tx) (err error) { mgr, err = tx.System().UserByEmail(login); return }); err != nil {
		return err
	}
	actor := app.ActorFor(mgr, agency)
	ov, err := a.Partner(ctx, actor, partner)
	if err != nil {
		return err
	}
	if len(ov.StatusRequests) == 0 {
		return errors.New("the demo has no open request from US-EXSUP to US-EXCOL to ask about")
	}
	req := ov.StatusRequests[0].ID
	rt, err := a.SendStatusRequest(ctx, actor, partner, req)
	if err != nil {
		return err
	}
	if err := partnersWaitUntil(ctx, "the StatusRequest's answer", func() (bool, error) {
		rt, err = a.StatusRoundTrip(ctx, actor, req, rt.Sent.ID)
		return err == nil && rt.Done, err
	}); err != nil {
		return err
	}
	for _, e := range []directory.Entry{
		{ID: shotOffline, Name: "Example Offline Library", Status: directory.StatusActive,
			Endpoint: directory.Endpoint{URL: "http://127.0.0.1:9/iso18626", Version: directory.Version2021, Auth: directory.Auth{Outbound: directory.AuthNone}}},
		{ID: shotNoServer, Name: "Example New Member Library", Status: directory.StatusActive},
	} {
		if _, err := a.PutDirectoryEntry(ctx, ill.SystemActor(), e); err != nil {
			return err
		}
		if _, err := a.CreateRequest(ctx, actor, app.NewRequest{Citation: ill.Citation{Title: "Middlemarch", Author: "Eliot, George", PublicationType: ill.PubBook},
			ServiceType: ill.Loan, Send: true, Lenders: []app.RotaChoice{{Lender: e.ID, Reason: "demo: holds the title"}}}); err != nil {
			return err
		}
	}
	if err := partnersWaitUntil(ctx, "a retried and a held message", func() (bool, error) {
		off, err := a.Partner(ctx, actor, shotOffline)
		if err != nil {
			return false, err
		}
		held, err := a.Partner(ctx, actor, shotNoServer)
		return off.Week.FailedAttempts > 0 && len(held.Held) > 0, err
	}); err != nil {
		return err
	}
	reply := rt.Sent.ID
	if len(rt.Replies) > 0 {
		reply = rt.Replies[0].ID
	}
	addScreenshot(
		screenshot{Name: "partner-page", As: login, Path: fmt.Sprintf("/partners/%s?rt=%s:%d", partner, req, rt.Sent.ID)},
		screenshot{Name: "partner-page-held", As: login, Path: "/partners/" + string(shotNoServer)},
		screenshot{Name: "partner-page-retrying", As: login, Path: "/partners/" + string(shotOffline)},
		screenshot{Name: "request-timeline-messages", As: login, Path: fmt.Sprintf("/requests/%s?open=%d#msg-%d", req, reply, reply)},
	)
	return nil
}

// partnersWaitUntil polls cond until it holds, for at most 30 seconds.
func partnersWaitUntil(ctx context.Context, what string, cond func() (bool, error)) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok, err := cond()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("screenshots: still waiting for %s", what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
