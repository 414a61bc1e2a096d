package store_test

import (
	"context"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

func TestAccountTokensWorkOnceAndExpire(t *testing.T) {
	t.Parallel()
	storetest.EachClocked(t, t0, func(t *testing.T, db *store.DB, clock *ill.FakeClock) {
		var u store.User
		mustWrite(t, db, func(tx *store.Tx) error {
			var err error
			u, err = tx.System().CreateUser(store.User{Email: "tok@example.edu"})
			if err != nil {
				return err
			}
			for _, h := range []string{"h1", "h2"} {
				if _, err := tx.System().CreateAccountToken(store.AccountToken{UserID: u.ID, Purpose: store.TokenReset, TokenHash: h, ExpiresAt: tx.Now().Add(time.Hour)}); err != nil {
					return err
				}
			}
			return nil
		})
		use := func(purpose, hash string) error {
			return db.Transact(context.Background(), func(tx *store.Tx) error {
				tk, err := tx.System().LiveAccountToken(purpose, hash)
				if err != nil {
					return err
				}
				return tx.System().UseAccountToken(tk.ID)
			})
		}
		if err := use(store.TokenInvite, "h1"); !ill.Is(err, ill.NotFound) {
			t.Errorf("reset token used as an invitation: %v, want NotFound", err)
		}
		if err := use(store.TokenReset, "h1"); err != nil {
			t.Fatalf("first use: %v", err)
		}
		if err := use(store.TokenReset, "h1"); !ill.Is(err, ill.NotFound) {
			t.Errorf("second use: %v, want NotFound", err)
		}
		clock.Advance(time.Hour)
		if err := use(store.TokenReset, "h2"); !ill.Is(err, ill.NotFound) {
			t.Errorf("expired token: %v, want NotFound", err)
		}
		mustRead(t, db, func(tx *store.Tx) error {
			n, err := tx.System().CountAccountTokensSince(u.ID, store.TokenReset, t0)
			if n != 2 {
				t.Errorf("tokens since t0: got %d, want 2", n)
			}
			return err
		})
	})
}

func TestEndAccountTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, ill.NewFakeClock(t0), func(t *testing.T, db *store.DB) {
		mustWrite(t, db, func(tx *store.Tx) error {
			u, err := tx.System().CreateUser(store.User{Email: "end@example.edu"})
			if err != nil {
				return err
			}
			if _, err := tx.System().CreateAccountToken(store.AccountToken{UserID: u.ID, Purpose: store.TokenReset, TokenHash: "e1", ExpiresAt: tx.Now().Add(time.Hour)}); err != nil {
				return err
			}
			if _, err := tx.System().CreateAccountToken(store.AccountToken{UserID: u.ID, Purpose: store.TokenInvite, TokenHash: "e2", ExpiresAt: tx.Now().Add(time.Hour)}); err != nil {
				return err
			}
			return tx.System().EndAccountTokens(u.ID, store.TokenReset)
		})
		mustRead(t, db, func(tx *store.Tx) error {
			if _, err := tx.System().LiveAccountToken(store.TokenReset, "e1"); !ill.Is(err, ill.NotFound) {
				t.Errorf("ended reset token still live: %v", err)
			}
			if _, err := tx.System().LiveAccountToken(store.TokenInvite, "e2"); err != nil {
				t.Errorf("invitation ended with the resets: %v", err)
			}
			return nil
		})
	})
}

func TestStaffUsersLeaveOutPatrons(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		mustWrite(t, db, func(tx *store.Tx) error {
			for _, ag := range []ill.AgencyID{"US-EXA", "US-EXB"} {
				if _, err := tx.System().CreateAgency(ag, string(ag)); err != nil {
					return err
				}
			}
			for _, u := range []store.User{
				{Email: "m@example.edu", Grants: ill.Grants{{Agency: "US-EXA", Role: ill.RoleManager}}},
				{Email: "p@example.edu", Grants: ill.Grants{{Agency: "US-EXA", Role: ill.RolePatron}}},
				{Email: "b@example.edu", Grants: ill.Grants{{Agency: "US-EXB", Role: ill.RoleBorrowing}}},
				{Email: "both@example.edu", Grants: ill.Grants{{Agency: "US-EXA", Role: ill.RolePatron}, {Agency: "US-EXA", Role: ill.RoleStudent}}},
			} {
				if _, err := tx.System().CreateUser(u); err != nil {
					return err
				}
			}
			return nil
		})
		mustRead(t, db, func(tx *store.Tx) error {
			us, err := tx.System().StaffUsers("US-EXA")
			if err != nil {
				return err
			}
			var got []string
			for _, u := range us {
				got = append(got, u.Email)
			}
			if want := "both@example.edu m@example.edu"; join(got) != want {
				t.Errorf("staff of US-EXA: got %q, want %q", join(got), want)
			}
			if len(us) > 0 && len(us[0].Grants) != 2 {
				t.Errorf("grants not loaded: %v", us[0].Grants)
			}
			return nil
		})
	})
}

func join(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}

func TestTOTPEnrolment(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		var id int64
		mustWrite(t, db, func(tx *store.Tx) error {
			u, err := tx.System().CreateUser(store.User{Email: "totp@example.edu"})
			id = u.ID
			if err != nil {
				return err
			}
			if err := tx.System().PutTOTPEnrolment(u.ID, "FIRST"); err != nil {
				return err
			}
			return tx.System().PutTOTPEnrolment(u.ID, "SECOND")
		})
		mustRead(t, db, func(tx *store.Tx) error {
			s, _, err := tx.System().TOTPEnrolment(id)
			if s != "SECOND" {
				t.Errorf("pending secret: got %q, want SECOND", s)
			}
			return err
		})
		mustWrite(t, db, func(tx *store.Tx) error { return tx.System().DeleteTOTPEnrolment(id) })
		mustRead(t, db, func(tx *store.Tx) error {
			if _, _, err := tx.System().TOTPEnrolment(id); !ill.Is(err, ill.NotFound) {
				t.Errorf("after delete: %v, want NotFound", err)
			}
			if err := tx.System().PutTOTPEnrolment(999999, "X"); err == nil {
				t.Error("enrolment for a missing user accepted")
			}
			return nil
		})
	})
}

func TestFailingJobs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, ill.NewFakeClock(t0), func(t *testing.T, db *store.DB) {
		mustWrite(t, db, func(tx *store.Tx) error {
			for _, nj := range []store.NewJob{
				{Kind: "k.ok", Agency: "US-EXA"},
				{Kind: "k.fail", Agency: "US-EXA", MaxAttempts: 1},
				{Kind: "k.retry", Agency: "US-EXA", MaxAttempts: 5},
				{Kind: "k.held", Agency: "US-EXA", HoldReason: "no endpoint"},
				{Kind: "k.fail", Agency: "US-EXB", MaxAttempts: 1},
			} {
				if _, err := tx.System().EnqueueJob(nj); err != nil {
					return err
				}
			}
			return nil
		})
		mustWrite(t, db, func(tx *store.Tx) error {
			js, err := tx.System().ClaimJobs("n", 10, time.Minute, nil)
			if err != nil {
				return err
			}
			for _, j := range js {
				if j.Kind == "k.ok" {
					if err := tx.System().CompleteJob(j); err != nil {
						return err
					}
					continue
				}
				if err := tx.System().FailJob(j, "boom "+j.Kind, tx.Now().Add(time.Minute), false); err != nil {
					return err
				}
			}
			return nil
		})
		mustRead(t, db, func(tx *store.Tx) error {
			js, err := tx.System().FailingJobs(store.JobFilter{Agency: "US-EXA"}, 0)
			if err != nil {
				return err
			}
			got := map[string]store.JobState{}
			for _, j := range js {
				got[j.Kind] = j.State
			}
			want := map[string]store.JobState{"k.fail": store.JobDead, "k.retry": store.JobReady, "k.held": store.JobHeld}
			if len(got) != len(want) {
				t.Errorf("failing jobs of US-EXA: got %v, want %v", got, want)
			}
			for k, st := range want {
				if got[k] != st {
					t.Errorf("%s: got %q, want %q", k, got[k], st)
				}
			}
			all, err := tx.System().FailingJobs(store.JobFilter{AllAgencies: true}, 0)
			if len(all) != 4 {
				t.Errorf("failing jobs everywhere: got %d, want 4", len(all))
			}
			return err
		})
	})
}

func TestAuditTrailFiltersAndNamesActors(t *testing.T) {
	t.Parallel()
	storetest.Each(t, ill.NewFakeClock(t0), func(t *testing.T, db *store.DB) {
		mustWrite(t, db, func(tx *store.Tx) error {
			if _, err := tx.System().CreateAgency("US-EXA", "A"); err != nil {
				return err
			}
			u, err := tx.System().CreateUser(store.User{Email: "aud@example.edu", Name: "Audrey"})
			if err != nil {
				return err
			}
			if err := tx.Agency().PutSetting("US-EXA", "fiscal", `{"startMonth":7}`, u.ID); err != nil {
				return err
			}
			if err := tx.Agency().Audit("US-EXA", store.AuditRecord{Action: "settingsXupdate", Target: "fiscal"}); err != nil {
				return err
			}
			return tx.Agency().Audit("US-EXA", store.AuditRecord{Action: "user.grant", Target: "x@example.edu"})
		})
		mustRead(t, db, func(tx *store.Tx) error {
			es, err := tx.Agency().AuditTrail("US-EXA", store.AuditQuery{ActionPrefix: "settings."})
			if err != nil {
				return err
			}
			if len(es) != 1 || es[0].ActorName != "Audrey" || es[0].ActorEmail != "aud@example.edu" || es[0].After != `{"startMonth":7}` {
				t.Errorf("settings trail (the _ of a prefix must not be a wildcard): %+v", es)
			}
			es, err = tx.Agency().AuditTrail("US-EXA", store.AuditQuery{Target: "fiscal"})
			if len(es) != 2 {
				t.Errorf("trail of target fiscal: got %d, want 2", len(es))
			}
			if len(es) == 2 && (es[0].ActorName != "" || es[0].Action != "settingsXupdate") {
				t.Errorf("newest first, system actor without a name: %+v", es[0])
			}
			return err
		})
	})
}
