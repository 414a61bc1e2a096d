package peer_test

import (
	"context"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/store"
)

const (
	libA = ill.AgencyID("US-EXA") // borrows, hosted by the first process
	libB = ill.AgencyID("US-EXB") // lends, hosted by the second
)

// pair is two Interlend apps, each hosting one library and knowing the
// other from its directory, talking ISO 18626 over real HTTP.
type pair struct {
	a, b *apptest.World
}

func staff(ag ill.AgencyID) ill.Actor {
	return ill.Actor{Kind: ill.ActorStaff, Name: "Staff " + string(ag), Agency: ag, Grants: ill.Grants{{Agency: ag, Role: ill.RoleManager}}}
}

// link puts `other` in w's directory, reached at url, speaking version;
// other presents `in` to w and w presents `out` to other.
func link(t *testing.T, w *apptest.World, other ill.AgencyID, url, version, in, out string) {
	t.Helper()
	ctx := context.Background()
	e := directory.Entry{ID: other, Name: string(other) + " Library", Status: directory.StatusActive,
		Endpoint: directory.Endpoint{URL: url, Version: version, Auth: directory.Auth{Inbound: []directory.AuthMethod{directory.AuthBearer}, Outbound: directory.AuthBearer}}}
	if _, err := w.App.PutDirectoryEntry(ctx, ill.SystemActor(), e); err != nil {
		t.Fatal(err)
	}
	for _, c := range []directory.Credential{
		{Direction: directory.Inbound, Method: directory.AuthBearer, Secret: in},
		{Direction: directory.Outbound, Method: directory.AuthBearer, Secret: out},
	} {
		if _, err := w.App.SetCredential(ctx, ill.SystemActor(), other, c); err != nil {
			t.Fatal(err)
		}
	}
}

func newPair(t *testing.T, engine store.Engine, version string) *pair {
	t.Helper()
	p := &pair{a: apptest.New(t, apptest.Options{Engine: engine, Workers: 2}), b: apptest.New(t, apptest.Options{Engine: engine, Workers: 2})}
	p.a.Agency(t, libA, "Borrower")
	p.b.Agency(t, libB, "Lender")
	const aToB, bToA = "secret-a-presents-to-b", "secret-b-presents-to-a"
	link(t, p.a, libB, p.b.URL+"/iso18626", version, bToA, aToB)
	link(t, p.b, libA, p.a.URL+"/iso18626", version, aToB, bToA)
	return p
}

// eventually polls until the request reaches the state.
func eventually(t *testing.T, w *apptest.World, ag ill.AgencyID, id string, want ill.State) *ill.Request {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		w.App.Jobs.Kick()
		r, err := w.App.GetRequest(context.Background(), staff(ag), id)
		if err != nil {
			t.Fatal(err)
		}
		if r.State == want {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s at %s is %s (attention %v %q), want %s", id, ag, r.State, r.Attention, r.AttentionReason, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLoanBetweenTwoApps(t *testing.T) {
	t.Parallel()
	for _, v := range []string{directory.Version2021, directory.Version12} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			p := newPair(t, store.SQLite, v)
			ctx := context.Background()
			r, err := p.a.App.CreateRequest(ctx, staff(libA), app.NewRequest{
				Citation:    ill.Citation{Title: "Silent spring", Author: "Carson, Rachel", ISBN: "9780618249060", PublicationType: ill.PubBook},
				ServiceType: ill.Loan, Lenders: []app.RotaChoice{{Lender: libB, Reason: "test"}}, Send: true})
			if err != nil {
				t.Fatal(err)
			}
			eventually(t, p.a, libA, r.PublicID, ill.BSent)
			var lid string
			deadline := time.Now().Add(20 * time.Second)
			for lid == "" {
				lid, _ = p.b.App.LendingIDFor(ctx, libB, libA, r.PublicID)
				if time.Now().After(deadline) {
					t.Fatal("the lender never received the request")
				}
				time.Sleep(5 * time.Millisecond)
			}
			if _, err := p.b.App.Perform(ctx, staff(libB), lid, ill.ActExpectToSupply, nil, 0); err != nil {
				t.Fatal(err)
			}
			eventually(t, p.a, libA, r.PublicID, ill.BAnswered)
			for _, act := range []ill.ActionName{ill.ActPrintSlip, ill.ActFound} {
				if _, err := p.b.App.Perform(ctx, staff(libB), lid, act, nil, 0); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := p.b.App.Perform(ctx, staff(libB), lid, ill.ActShip, map[string]any{"barcode": "39001000123"}, 0); err != nil {
				t.Fatal(err)
			}
			got := eventually(t, p.a, libA, r.PublicID, ill.BShipped)
			if len(got.Items) == 0 || got.Items[0].Barcode != "39001000123" {
				t.Errorf("items %+v", got.Items)
			}
			if _, err := p.a.App.Perform(ctx, staff(libA), r.PublicID, ill.ActReceive, nil, 0); err != nil {
				t.Fatal(err)
			}
			eventually(t, p.b, libB, lid, ill.LOnLoan)
		})
	}
}
