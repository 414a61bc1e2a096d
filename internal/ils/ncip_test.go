package ils_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/ncip"
	"interlend/internal/ncip/nciptest"
)

func TestNCIPBorrowingSteps(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	ctx := context.Background()

	u, err := w.d.LookupUser(ctx, ils.LookupUserInput{Patron: "21000001"})
	if err != nil {
		t.Fatal(err)
	}
	want := ils.User{ID: "21000001", Name: "Ada Lovelace", Email: "ada@example.edu", Category: "faculty", Expires: now.AddDate(1, 0, 0)}
	if u.ID != want.ID || u.Name != want.Name || u.Email != want.Email || u.Category != want.Category || !u.Expires.Equal(want.Expires) || len(u.Blocks) != 0 {
		t.Errorf("LookupUser = %+v, want %+v", u, want)
	}

	due := now.AddDate(0, 1, 0)
	in := ils.AcceptItemInput{RequestID: "BR-1001", Patron: "21000001", ItemBarcode: "ILL1001", DueDate: due,
		Citation: ill.Citation{Title: "The Mill on the Floss", Author: "Eliot, George", ISBN: "9780141439624"}}
	acc, err := w.d.AcceptItem(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if acc.ItemID != "ILL1001" || acc.RequestID != "BR-1001" {
		t.Errorf("AcceptItem = %+v", acc)
	}
	it, ok := w.srv.Item("ILL1001")
	if !ok || !it.Temporary || it.Title != "The Mill on the Floss" || it.Location != "MAIN-CIRC" {
		t.Errorf("temporary item in the ILS = %+v, %v", it, ok)
	}
	m := w.lastSent(t, "AcceptItem", "BR-1001").Body.(*ncip.AcceptItem)
	if m.RequestID.AgencyID.Value != "US-EXA" || !m.RequestedActionType.Is(ils.DefaultAcceptAction) || !m.DateForReturn.Equal(due) {
		t.Errorf("AcceptItem sent %+v", m)
	}
	// A retried AcceptItem is recognised by its RequestId: no second item.
	again, err := w.d.AcceptItem(ctx, in)
	if err != nil || again.ItemID != "ILL1001" {
		t.Fatalf("retried AcceptItem = %+v, %v", again, err)
	}
	calls := w.srv.CallsTo("AcceptItem")
	if len(calls) != 2 || calls[0].Duplicate || !calls[1].Duplicate {
		t.Errorf("AcceptItem calls = %+v: want the second marked Duplicate", calls)
	}
	if n := len(w.srv.Items()); n != 3 {
		t.Errorf("ILS has %d items after the retry, want 3", n)
	}

	// The ILS holds the item for pickup; the patron checks it out.
	loan, err := w.d.CheckOutItem(ctx, ils.CheckOutItemInput{Patron: "21000001", ItemID: "ILL1001", RequestID: "BR-1001", DueDate: due})
	if err != nil || !loan.Due.Equal(due) {
		t.Fatalf("CheckOutItem = %+v, %v; want due %s", loan, err, due)
	}
	renewed, err := w.d.RenewItem(ctx, ils.RenewItemInput{Patron: "21000001", ItemID: "ILL1001", DesiredDue: due.AddDate(0, 0, 14)})
	if err != nil || !renewed.Due.Equal(due.AddDate(0, 0, 14)) || renewed.RenewalCount != 1 {
		t.Fatalf("RenewItem = %+v, %v", renewed, err)
	}
	in1, err := w.d.CheckInItem(ctx, ils.CheckInItemInput{ItemID: "ILL1001"})
	if err != nil || in1.NotOnLoan || in1.Patron != "21000001" {
		t.Fatalf("CheckInItem = %+v, %v", in1, err)
	}
	in2, err := w.d.CheckInItem(ctx, ils.CheckInItemInput{ItemID: "ILL1001"})
	if err != nil || !in2.NotOnLoan {
		t.Fatalf("second CheckInItem = %+v, %v; want NotOnLoan", in2, err)
	}
	del, err := w.d.DeleteItem(ctx, ils.DeleteItemInput{ItemID: "ILL1001"})
	if err != nil || del.AlreadyGone {
		t.Fatalf("DeleteItem = %+v, %v", del, err)
	}
	if _, ok := w.srv.Item("ILL1001"); ok {
		t.Error("the temporary item is still in the ILS")
	}
	del, err = w.d.DeleteItem(ctx, ils.DeleteItemInput{ItemID: "ILL1001"})
	if err != nil || !del.AlreadyGone {
		t.Fatalf("second DeleteItem = %+v, %v; want AlreadyGone", del, err)
	}
}

func TestNCIPAcceptItemLetsTheILSAssignTheBarcode(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(s *ils.Settings) { s.AcceptAction = ncip.ActionCirculate; s.ItemLocation = "ILL shelf" })
	acc, err := w.d.AcceptItem(context.Background(), ils.AcceptItemInput{RequestID: "BR-2002", Patron: "21000001", Citation: ill.Citation{Title: "Untitled"}})
	if err != nil {
		t.Fatal(err)
	}
	if acc.ItemID == "" {
		t.Fatal("no item id from the ILS")
	}
	if l, ok := w.srv.Loan(acc.ItemID); !ok || l.UserID != "21000001" {
		t.Errorf("Circulate did not lend the item to the patron: %+v %v", l, ok)
	}
	m := w.lastSent(t, "AcceptItem", "BR-2002").Body.(*ncip.AcceptItem)
	if m.ItemOptionalFields == nil || m.ItemOptionalFields.LocationString() != "ILL shelf" || m.ItemID != nil {
		t.Errorf("AcceptItem sent %+v", m)
	}
}

func TestNCIPLendingSteps(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	ctx := context.Background()

	it, err := w.d.LookupItem(ctx, ils.LookupItemInput{ItemID: "39000001"})
	if err != nil {
		t.Fatal(err)
	}
	if it.CallNumber != "QH545 .P4 C38" || it.Location != "Main / Stacks" || !it.Available || it.Title != "Silent spring" || it.ISBN != "9780618249060" {
		t.Errorf("LookupItem = %+v", it)
	}

	borrower := w.d.Settings().InstitutionalUserFor("US-EXB")
	in := ils.RequestItemInput{RequestID: "LR-77", Patron: borrower, BibID: "b100", NeedBefore: now.AddDate(0, 0, 10)}
	h, err := w.d.RequestItem(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if h.RequestID != "LR-77" || h.ItemID != "39000001" || h.Item.CallNumber != "QH545 .P4 C38" || h.Duplicate {
		t.Errorf("RequestItem = %+v", h)
	}
	m := w.lastSent(t, "RequestItem", "LR-77").Body.(*ncip.RequestItem)
	if !m.RequestType.Is(ncip.RequestTypeLoan) || !m.RequestScopeType.Is(ncip.ScopeBibliographicItem) || m.UserID.Value != "ILL-US-EXB" || !m.PickupLocation.Is("MAIN-CIRC") {
		t.Errorf("RequestItem sent %+v", m)
	}
	// A retry with the same RequestId is recognised, and the copy found.
	h2, err := w.d.RequestItem(ctx, in)
	if err != nil || !h2.Duplicate || h2.ItemID != "39000001" {
		t.Fatalf("retried RequestItem = %+v, %v; want Duplicate with the item", h2, err)
	}
	if n := len(w.srv.Requests()); n != 1 {
		t.Errorf("ILS has %d requests after the retry, want 1", n)
	}

	loan, err := w.d.CheckOutItem(ctx, ils.CheckOutItemInput{Patron: borrower, ItemID: h.ItemID, RequestID: "LR-77"})
	if err != nil || loan.Due.IsZero() {
		t.Fatalf("CheckOutItem = %+v, %v", loan, err)
	}
	if q, _ := w.srv.Request("LR-77"); q.State != nciptest.RequestFilled {
		t.Errorf("request state after checkout = %s, want filled", q.State)
	}
	if _, err := w.d.CheckInItem(ctx, ils.CheckInItemInput{ItemID: h.ItemID}); err != nil {
		t.Fatal(err)
	}
	// Cancelling a filled request is reported, not refused.
	c, err := w.d.CancelRequestItem(ctx, ils.CancelRequestItemInput{RequestID: "LR-77", Patron: borrower})
	if err != nil || !c.AlreadyProcessed {
		t.Fatalf("CancelRequestItem of a filled request = %+v, %v", c, err)
	}

	// A request cancelled before it is filled.
	if _, err := w.d.RequestItem(ctx, ils.RequestItemInput{RequestID: "LR-78", Patron: borrower, ItemID: "39000001"}); err != nil {
		t.Fatal(err)
	}
	if m := w.lastSent(t, "RequestItem", "LR-78").Body.(*ncip.RequestItem); !m.RequestScopeType.Is(ncip.ScopeItem) {
		t.Errorf("a copy-level request was sent with scope %q", m.RequestScopeType.Value)
	}
	if c, err := w.d.CancelRequestItem(ctx, ils.CancelRequestItemInput{RequestID: "LR-78", Patron: borrower}); err != nil || c.AlreadyProcessed {
		t.Fatalf("CancelRequestItem = %+v, %v", c, err)
	}
	if q, _ := w.srv.Request("LR-78"); q.State != nciptest.RequestCancelled {
		t.Errorf("request state = %s, want cancelled", q.State)
	}
	// By ISBN.
	if h, err := w.d.RequestItem(ctx, ils.RequestItemInput{RequestID: "LR-79", Patron: borrower, ISBN: "9780618249060"}); err != nil || h.ItemID != "39000001" {
		t.Fatalf("RequestItem by ISBN = %+v, %v", h, err)
	}
}

func TestNCIPRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name   string
		fault  *nciptest.Fault // scripted on the service, if any
		call   func(d *ils.NCIP) error
		class  ils.Class
		reason string
	}{
		{name: "unknown user", class: ils.Refused, reason: ils.ReasonUnknownUser,
			call: func(d *ils.NCIP) error {
				_, err := d.LookupUser(ctx, ils.LookupUserInput{Patron: "nobody"})
				return err
			}},
		{name: "blocked user at lookup", class: ils.Refused, reason: ils.ReasonUserBlocked,
			call: func(d *ils.NCIP) error {
				_, err := d.LookupUser(ctx, ils.LookupUserInput{Patron: "21000002"})
				return err
			}},
		{name: "expired user at lookup", class: ils.Refused, reason: ils.ReasonUserExpired,
			call: func(d *ils.NCIP) error {
				_, err := d.LookupUser(ctx, ils.LookupUserInput{Patron: "21000003"})
				return err
			}},
		{name: "blocked user at checkout", class: ils.Refused, reason: string(ncip.UserBlocked),
			call: func(d *ils.NCIP) error {
				_, err := d.CheckOutItem(ctx, ils.CheckOutItemInput{Patron: "21000002", ItemID: "39000001"})
				return err
			}},
		{name: "user blocked problem from the ILS", fault: faultOf(nciptest.ProblemFault(ncip.UserBlocked)), class: ils.Refused, reason: string(ncip.UserBlocked),
			call: func(d *ils.NCIP) error {
				_, err := d.AcceptItem(ctx, ils.AcceptItemInput{RequestID: "BR-9", Patron: "21000001"})
				return err
			}},
		{name: "unknown item", class: ils.Refused, reason: ils.ReasonUnknownItem,
			call: func(d *ils.NCIP) error { _, err := d.LookupItem(ctx, ils.LookupItemInput{ItemID: "nope"}); return err }},
		{name: "item does not circulate", class: ils.Refused, reason: string(ncip.ItemDoesNotCirculate),
			call: func(d *ils.NCIP) error {
				_, err := d.RequestItem(ctx, ils.RequestItemInput{RequestID: "LR-1", Patron: "ILL-US-EXB", ItemID: "39000002"})
				return err
			}},
		{name: "unknown request", class: ils.Refused, reason: ils.ReasonUnknownRequest,
			call: func(d *ils.NCIP) error {
				_, err := d.CancelRequestItem(ctx, ils.CancelRequestItemInput{RequestID: "LR-404", Patron: "ILL-US-EXB"})
				return err
			}},
		{name: "temporary failure is retried", fault: faultOf(nciptest.ProblemFault(ncip.TemporaryProcessingFailure)), class: ils.Unavailable,
			call: func(d *ils.NCIP) error {
				_, err := d.AcceptItem(ctx, ils.AcceptItemInput{RequestID: "BR-9", Patron: "21000001"})
				return err
			}},
		{name: "agency authentication failed", fault: faultOf(nciptest.ProblemFault(ncip.AgencyAuthenticationFailed)), class: ils.Misconfigured,
			call: func(d *ils.NCIP) error {
				_, err := d.AcceptItem(ctx, ils.AcceptItemInput{RequestID: "BR-9", Patron: "21000001"})
				return err
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, nil)
			if tc.fault != nil {
				w.srv.Fail("", *tc.fault)
			}
			err := tc.call(w.d)
			e := wantClass(t, err, tc.class, tc.reason)
			if e.Retryable() != (tc.class == ils.Unavailable) || ils.Retryable(err) != e.Retryable() {
				t.Errorf("Retryable = %v for class %s", e.Retryable(), tc.class)
			}
			if !strings.Contains(ill.UserMessage(err), "library system") {
				t.Errorf("staff message = %q", ill.UserMessage(err))
			}
		})
	}
}

func faultOf(f nciptest.Fault) *nciptest.Fault { return &f }

func TestNCIPBlockedLookupStillDescribesThePatron(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	u, err := w.d.LookupUser(context.Background(), ils.LookupUserInput{Patron: "21000002"})
	e := wantClass(t, err, ils.Refused, ils.ReasonUserBlocked)
	if u.Category != "undergraduate" || !slices.Equal(u.Blocks, []string{"Excessive Fines"}) {
		t.Errorf("user = %+v, want the category and the block", u)
	}
	if strings.Contains(e.Error(), "Excessive Fines") {
		t.Errorf("Error() = %q carries the ILS's detail, which may be personal", e.Error())
	}
	if !strings.Contains(e.StaffMessage(), "Excessive Fines") {
		t.Errorf("StaffMessage() = %q, want the ILS's detail", e.StaffMessage())
	}
}

func TestNCIPTransportFaults(t *testing.T) {
	t.Parallel()
	lookup := func(ctx context.Context, d *ils.NCIP) error {
		_, err := d.LookupUser(ctx, ils.LookupUserInput{Patron: "21000001"})
		return err
	}
	tests := []struct {
		name   string
		setup  func(w *world)
		ctx    func() (context.Context, context.CancelFunc)
		class  ils.Class
		reason string
	}{
		{name: "down for maintenance", setup: func(w *world) { w.srv.Fail("", nciptest.Unavailable()) }, class: ils.Unavailable, reason: "HTTP 503"},
		{name: "connection dropped", setup: func(w *world) { w.srv.Fail("", nciptest.CloseConnection()) }, class: ils.Unavailable, reason: "network"},
		{name: "not NCIP", setup: func(w *world) { w.srv.Fail("", nciptest.Garbage()) }, class: ils.Unavailable, reason: "bad response"},
		{name: "slow, caller's deadline", setup: func(w *world) { w.srv.Fail("", nciptest.Slow(nil)) }, class: ils.Unavailable, reason: "timeout",
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 200*time.Millisecond)
			}},
		{name: "wrong credentials", setup: func(w *world) { w.srv.RequireBasicAuth("ill", "other") }, class: ils.Misconfigured, reason: "HTTP 401"},
		{name: "server gone", setup: func(w *world) { w.srv.HTTP.Close() }, class: ils.Unavailable, reason: "network"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, func(s *ils.Settings) { s.Auth, s.User = "basic", "ill" })
			tc.setup(w)
			ctx, cancel := context.Background(), func() {}
			if tc.ctx != nil {
				ctx, cancel = tc.ctx()
			}
			defer cancel()
			wantClass(t, lookup(ctx, w.d), tc.class, tc.reason)
		})
	}
}

func TestNCIPAuthentication(t *testing.T) {
	t.Parallel()
	tests := []struct {
		auth    string
		require func(r *nciptest.Responder)
	}{
		{"basic", func(r *nciptest.Responder) { r.RequireBasicAuth("ill", "s3cret") }},
		{"bearer", func(r *nciptest.Responder) { r.RequireBearer("s3cret") }},
		{"agency", func(r *nciptest.Responder) { r.RequireAgencyAuthentication("s3cret") }},
	}
	for _, tc := range tests {
		t.Run(tc.auth, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, func(s *ils.Settings) { s.Auth, s.User = tc.auth, "ill" })
			tc.require(w.srv.Responder)
			if _, err := w.d.LookupUser(context.Background(), ils.LookupUserInput{Patron: "21000001"}); err != nil {
				t.Fatalf("LookupUser with %s authentication: %v", tc.auth, err)
			}
		})
	}
	if _, err := ils.NewNCIP("US-EXA", ils.Settings{NCIPSettings: ils.NCIPSettings{Endpoint: "https://ils.example.edu/ncip", ToAgency: "X", Auth: "bearer"}}, nil, nil); ils.ClassOf(err) != ils.Misconfigured {
		t.Errorf("bearer authentication without a secret: %v, want Misconfigured", err)
	}
}

func TestNCIPSwitchedOffServiceIsNotCalled(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(s *ils.Settings) { s.Services = []ils.Service{ils.LookupUser, ils.CheckInItem} })
	ctx := context.Background()
	if !w.d.Supports(ils.LookupUser) || w.d.Supports(ils.AcceptItem) {
		t.Errorf("Supports disagrees with the settings")
	}
	_, err := w.d.AcceptItem(ctx, ils.AcceptItemInput{RequestID: "BR-1", Patron: "21000001"})
	wantClass(t, err, ils.NotConfigured, "")
	_, err = w.d.RequestItem(ctx, ils.RequestItemInput{RequestID: "LR-1", Patron: "x", ItemID: "39000001"})
	wantClass(t, err, ils.NotConfigured, "")
	if calls := w.srv.Calls(); len(calls) != 0 {
		t.Errorf("switched-off services called the ILS: %+v", calls)
	}
}

func TestNCIPMissingIdsAreNotSent(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	ctx := context.Background()
	_, err := w.d.CheckOutItem(ctx, ils.CheckOutItemInput{Patron: "21000001"})
	wantClass(t, err, ils.Misconfigured, "no item id given")
	_, err = w.d.LookupUser(ctx, ils.LookupUserInput{Patron: " "})
	wantClass(t, err, ils.Misconfigured, "no patron id given")
	_, err = w.d.RequestItem(ctx, ils.RequestItemInput{RequestID: "LR-1", Patron: "x"})
	wantClass(t, err, ils.Misconfigured, "")
	if calls := w.srv.Calls(); len(calls) != 0 {
		t.Errorf("incomplete calls reached the ILS: %+v", calls)
	}
}

func TestNCIPVersion20(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(s *ils.Settings) {
		s.Version, s.UserIDType, s.FromAgency, s.ApplicationProfile = "2.0", ncip.IDTypeInstitutionIDNumber, "ILLSYS", "ILL"
	})
	ctx := context.Background()
	if _, err := w.d.LookupUser(ctx, ils.LookupUserInput{Patron: "21000001"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.d.RequestItem(ctx, ils.RequestItemInput{RequestID: "LR-5", Patron: "ILL-US-EXB", ItemID: "39000001"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.d.AcceptItem(ctx, ils.AcceptItemInput{RequestID: "BR-5", Patron: "21000001", Citation: ill.Citation{Title: "X"}}); err != nil {
		t.Fatal(err)
	}
	m := w.lastSent(t, "LookupUser", "21000001")
	h := m.Body.(*ncip.LookupUser)
	if !m.Version.Is20() || h.InitiationHeader.FromAgencyID.Value != "ILLSYS" || !h.InitiationHeader.ApplicationProfileType.Is("ILL") ||
		!h.UserID.Type.Is(ncip.IDTypeInstitutionIDNumber) {
		t.Errorf("sent version %q header %v user id type %q", m.Version, h.InitiationHeader, h.UserID.Type.Value)
	}
	if calls := w.srv.CallsTo("AcceptItem"); len(calls) != 1 || calls[0].RequestID != "BR-5" {
		t.Errorf("AcceptItem calls = %+v", calls)
	}
}

func TestErrorClassesWrapCauses(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	_, err := w.d.LookupUser(context.Background(), ils.LookupUserInput{Patron: "nobody"})
	if !errors.Is(err, ncip.UnknownUser) {
		t.Errorf("errors.Is(err, ncip.UnknownUser) = false for %v", err)
	}
	if ill.KindOf(err) != ill.Conflict || ils.ClassOf(err) != ils.Refused || ils.ReasonOf(err) != ils.ReasonUnknownUser {
		t.Errorf("kind %s class %s reason %q", ill.KindOf(err), ils.ClassOf(err), ils.ReasonOf(err))
	}
	if ils.ClassOf(errors.New("other")) != 0 || ils.ClassOf(nil) != 0 {
		t.Error("ClassOf of a foreign error is not 0")
	}
}
