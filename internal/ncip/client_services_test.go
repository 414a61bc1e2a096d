package ncip_test

import (
	"context"
	"slices"
	"testing"

	"interlend/internal/ncip"
	"interlend/internal/ncip/nciptest"
)

func TestLookupUser(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	all := ncip.UserElementTypes(ncip.UserElementNameInformation, ncip.UserElementUserAddressInformation, ncip.UserElementUserPrivilege, ncip.UserElementBlockOrTrap)

	t.Run("found", func(t *testing.T) {
		resp, err := w.client.LookupUser(ctx, &ncip.LookupUser{UserID: ncip.UserBarcode("P1"), UserElementType: all})
		if err != nil {
			t.Fatal(err)
		}
		f := resp.UserOptionalFields
		if got := resp.UserID.Value; got != "P1" {
			t.Errorf("UserID = %q, want P1", got)
		}
		if got, want := f.Name(), "Jane Doe"; got != want {
			t.Errorf("Name = %q, want %q", got, want)
		}
		if got, want := f.Email(), "jane@example.edu"; got != want {
			t.Errorf("Email = %q, want %q", got, want)
		}
		if got, want := f.PatronGroup(), "Faculty"; got != want {
			t.Errorf("PatronGroup = %q, want %q", got, want)
		}
		if got := f.Blocks(now); len(got) != 0 {
			t.Errorf("Blocks = %v, want none", got)
		}
		if got := resp.ResponseHeader.FromAgencyID.Value; got != "US-EXREQ" {
			t.Errorf("ResponseHeader from %q, want US-EXREQ", got)
		}
	})
	t.Run("blocked user is reported, not refused", func(t *testing.T) {
		resp, err := w.client.LookupUser(ctx, &ncip.LookupUser{UserID: ncip.UserBarcode("PB"), UserElementType: all})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := resp.UserOptionalFields.Blocks(now), []string{"Excessive Fines"}; !slices.Equal(got, want) {
			t.Errorf("Blocks = %v, want %v", got, want)
		}
	})
	t.Run("no elements asked, none returned", func(t *testing.T) {
		resp, err := w.client.LookupUser(ctx, &ncip.LookupUser{UserID: ncip.UserBarcode("P1")})
		if err != nil {
			t.Fatal(err)
		}
		if resp.UserOptionalFields != nil {
			t.Errorf("UserOptionalFields = %+v, want nil", resp.UserOptionalFields)
		}
	})
	t.Run("unknown user", func(t *testing.T) {
		_, err := w.client.LookupUser(ctx, &ncip.LookupUser{UserID: ncip.UserBarcode("NOBODY")})
		p := wantProblem(t, err, ncip.UnknownUser)
		if p.Element != "UserIdentifierValue" || p.Value != "NOBODY" || p.Service != "LookupUserResponse" {
			t.Errorf("problem = %+v, want element UserIdentifierValue, value NOBODY, service LookupUserResponse", p)
		}
	})
	t.Run("authentication input", func(t *testing.T) {
		auth := []ncip.AuthenticationInput{
			ncip.NewAuthenticationInput(ncip.AuthBarcodeID, "P1"),
			ncip.NewAuthenticationInput(ncip.AuthPIN, "1234"),
		}
		resp, err := w.client.LookupUser(ctx, &ncip.LookupUser{AuthenticationInput: auth})
		if err != nil {
			t.Fatal(err)
		}
		if resp.UserID.Value != "P1" {
			t.Errorf("UserID = %q, want P1", resp.UserID.Value)
		}
		auth[1] = ncip.NewAuthenticationInput(ncip.AuthPIN, "0000")
		_, err = w.client.LookupUser(ctx, &ncip.LookupUser{AuthenticationInput: auth})
		wantProblem(t, err, ncip.UserAuthenticationFailed)
	})
}

func TestLookupItem(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.srv.SetLoan(nciptest.Loan{ItemBarcode: "I2", UserID: "P2", Due: now.AddDate(0, 0, 14)})
	elements := ncip.ItemElementTypes(ncip.ItemElementBibliographicDescription, ncip.ItemElementCirculationStatus,
		ncip.ItemElementItemDescription, ncip.ItemElementLocation, ncip.ItemElementHoldQueueLength)

	t.Run("on shelf", func(t *testing.T) {
		resp, err := w.client.LookupItem(ctx, &ncip.LookupItem{ItemID: ncip.ItemBarcode("I1"), ItemElementType: elements})
		if err != nil {
			t.Fatal(err)
		}
		f := resp.ItemOptionalFields
		for _, c := range []struct{ name, got, want string }{
			{"title", f.Title(), "Silent spring"},
			{"status", f.Status(), ncip.StatusAvailableOnShelf},
			{"call number", f.CallNumber(), "QH545 .P4 C38"},
			{"location", f.LocationString(), "Main / Stacks"},
			{"isbn", f.BibliographicDescription.BibliographicItemID.Identifier, "9780618249060"},
		} {
			if c.got != c.want {
				t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
			}
		}
		if f.HoldQueueLength == nil || *f.HoldQueueLength != 0 {
			t.Errorf("HoldQueueLength = %v, want 0", f.HoldQueueLength)
		}
	})
	t.Run("on loan, with borrower", func(t *testing.T) {
		resp, err := w.client.LookupItem(ctx, &ncip.LookupItem{ItemID: ncip.ItemBarcode("I2"), ItemElementType: elements, CurrentBorrowerDesired: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.ItemOptionalFields.Status(); got != ncip.StatusOnLoan {
			t.Errorf("status = %q, want On Loan", got)
		}
		if got, want := resp.ItemOptionalFields.DateDue.Time, now.AddDate(0, 0, 14); !got.Equal(want) {
			t.Errorf("DateDue = %v, want %v", got, want)
		}
		if tx := resp.ItemTransaction; tx == nil || tx.CurrentBorrower == nil || tx.CurrentBorrower.UserID.Value != "P2" {
			t.Errorf("ItemTransaction = %+v, want borrower P2", tx)
		}
	})
	t.Run("unknown item", func(t *testing.T) {
		_, err := w.client.LookupItem(ctx, &ncip.LookupItem{ItemID: ncip.ItemBarcode("NOPE")})
		wantProblem(t, err, ncip.UnknownItem)
	})
}

func acceptItem(id, barcode string) *ncip.AcceptItem {
	m := &ncip.AcceptItem{
		RequestID:           *ncip.NewRequestID("US-EXREQ", id),
		RequestedActionType: ncip.NewRequestedActionType(ncip.ActionHoldForPickupAndNotify),
		UserID:              ncip.UserBarcode("P1"),
		DateForReturn:       ncip.At(now.AddDate(0, 1, 0)),
		ItemOptionalFields: &ncip.ItemOptionalFields{BibliographicDescription: &ncip.BibliographicDescription{
			Author: "Woolf, Virginia", Title: "Orlando",
		}},
		PickupLocation: ncip.Value("MAIN-CIRC"),
	}
	if barcode != "" {
		m.ItemID = ncip.ItemBarcode(barcode)
	}
	return m
}

func TestAcceptItem(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()

	t.Run("creates a temporary item on hold", func(t *testing.T) {
		resp, err := w.client.AcceptItem(ctx, acceptItem("ILL-1", "TMP-1"))
		if err != nil {
			t.Fatal(err)
		}
		if resp.ItemID.Value != "TMP-1" || resp.RequestID.Value != "ILL-1" {
			t.Errorf("answer item %q request %q, want TMP-1, ILL-1", resp.ItemID.Value, resp.RequestID.Value)
		}
		it, ok := w.srv.Item("TMP-1")
		if !ok || !it.Temporary || it.Title != "Orlando" || it.Status != ncip.StatusAvailableForPickup {
			t.Errorf("ILS item = %+v, %v; want temporary Orlando, Available For Pickup", it, ok)
		}
		if q, ok := w.srv.Request("ILL-1"); !ok || q.UserID != "P1" || q.State != nciptest.RequestOpen {
			t.Errorf("ILS hold = %+v, %v; want open hold for P1", q, ok)
		}
	})
	t.Run("same request again returns the same item", func(t *testing.T) {
		first, err := w.client.AcceptItem(ctx, acceptItem("ILL-2", ""))
		if err != nil {
			t.Fatal(err)
		}
		again, err := w.client.AcceptItem(ctx, acceptItem("ILL-2", ""))
		if err != nil {
			t.Fatal(err)
		}
		if first.ItemID.Value == "" || again.ItemID.Value != first.ItemID.Value {
			t.Errorf("item ids %q then %q, want the same assigned id", first.ItemID.Value, again.ItemID.Value)
		}
		var dups int
		for _, c := range w.srv.CallsTo("AcceptItem") {
			if c.RequestID == "ILL-2" && c.Duplicate {
				dups++
			}
		}
		if dups != 1 {
			t.Errorf("duplicate AcceptItem calls recorded = %d, want 1", dups)
		}
	})
	t.Run("circulate checks out to the patron", func(t *testing.T) {
		m := acceptItem("ILL-3", "TMP-3")
		m.RequestedActionType = ncip.NewRequestedActionType(ncip.ActionCirculate)
		if _, err := w.client.AcceptItem(ctx, m); err != nil {
			t.Fatal(err)
		}
		l, ok := w.srv.Loan("TMP-3")
		if !ok || l.UserID != "P1" || !l.Due.Equal(now.AddDate(0, 1, 0)) {
			t.Errorf("loan = %+v, %v; want P1 due %v", l, ok, now.AddDate(0, 1, 0))
		}
	})
	t.Run("unknown user", func(t *testing.T) {
		m := acceptItem("ILL-4", "TMP-4")
		m.UserID = ncip.UserBarcode("NOBODY")
		_, err := w.client.AcceptItem(ctx, m)
		wantProblem(t, err, ncip.UnknownUser)
	})
	t.Run("barcode already in use", func(t *testing.T) {
		_, err := w.client.AcceptItem(ctx, acceptItem("ILL-5", "I1"))
		wantProblem(t, err, ncip.CannotAcceptItem)
	})
}

func requestItem(user, bib string) *ncip.RequestItem {
	return &ncip.RequestItem{
		UserID:           ncip.UserBarcode(user),
		BibliographicID:  []ncip.BibliographicID{ncip.BibRecord("US-EXREQ", bib)},
		RequestType:      ncip.NewRequestType(ncip.RequestTypeHold),
		RequestScopeType: ncip.NewRequestScopeType(ncip.ScopeBibliographicItem),
		PickupLocation:   ncip.Value("ILL-OFFICE"),
	}
}

func TestRequestItem(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()

	t.Run("title level", func(t *testing.T) {
		m := requestItem("ILL-US-EXSUP", "b1")
		m.RequestID = ncip.NewRequestID("US-EXREQ", "SUP-1")
		resp, err := w.client.RequestItem(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		if resp.RequestID.Value != "SUP-1" || resp.UserID.Value != "ILL-US-EXSUP" || !resp.RequestScopeType.Is(ncip.ScopeBibliographicItem) {
			t.Errorf("answer = request %q user %q scope %q", resp.RequestID.Value, resp.UserID.Value, resp.RequestScopeType.Value)
		}
		if q, ok := w.srv.Request("SUP-1"); !ok || q.ItemBarcode != "I1" || q.BibID != "b1" {
			t.Errorf("ILS request = %+v, %v; want on I1 for b1", q, ok)
		}
	})
	t.Run("item level, ILS assigns the id", func(t *testing.T) {
		m := &ncip.RequestItem{
			UserID: ncip.UserBarcode("P2"), ItemID: []ncip.ItemID{*ncip.ItemBarcode("I2")},
			RequestType: ncip.NewRequestType("Page"), RequestScopeType: ncip.NewRequestScopeType(ncip.ScopeItem),
		}
		resp, err := w.client.RequestItem(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		if resp.RequestID == nil || resp.RequestID.Value == "" || resp.ItemID == nil || resp.ItemID.Value != "I2" {
			t.Errorf("answer = %+v, want an assigned request id and item I2", resp)
		}
	})
	for _, c := range []struct {
		name string
		req  *ncip.RequestItem
		want ncip.ProblemType
	}{
		{"duplicate request id", func() *ncip.RequestItem {
			m := requestItem("P1", "b1")
			m.RequestID = ncip.NewRequestID("US-EXREQ", "SUP-1")
			return m
		}(), ncip.DuplicateRequest},
		{"blocked user", requestItem("PB", "b1"), ncip.UserBlocked},
		{"unknown user", requestItem("NOBODY", "b1"), ncip.UnknownUser},
		{"unknown title", requestItem("P1", "b404"), ncip.UnknownItem},
		{"lost copy", requestItem("P1", "b2"), ncip.ItemDoesNotCirculate},
		{"reference copy", requestItem("P1", "b3"), ncip.ItemDoesNotCirculate},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := w.client.RequestItem(ctx, c.req)
			wantProblem(t, err, c.want)
		})
	}
	t.Run("not back before the need-before date", func(t *testing.T) {
		w.srv.AddItem(nciptest.Item{Barcode: "I9", BibID: "b9", Title: "Busy book"})
		w.srv.SetLoan(nciptest.Loan{ItemBarcode: "I9", UserID: "P2", Due: now.AddDate(0, 0, 30)})
		m := requestItem("P1", "b9")
		m.NeedBeforeDate = ncip.At(now.AddDate(0, 0, 7))
		_, err := w.client.RequestItem(ctx, m)
		wantProblem(t, err, ncip.ItemNotAvailableByNeedBeforeDate)
	})
}

func TestCancelRequestItem(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	m := requestItem("ILL-US-EXSUP", "b1")
	m.RequestID = ncip.NewRequestID("US-EXREQ", "SUP-7")
	if _, err := w.client.RequestItem(ctx, m); err != nil {
		t.Fatal(err)
	}
	cancel := &ncip.CancelRequestItem{
		UserID:      ncip.UserBarcode("ILL-US-EXSUP"),
		RequestID:   ncip.NewRequestID("US-EXREQ", "SUP-7"),
		RequestType: ncip.NewRequestType(ncip.RequestTypeHold),
	}
	resp, err := w.client.CancelRequestItem(ctx, cancel)
	if err != nil {
		t.Fatal(err)
	}
	if resp.RequestID.Value != "SUP-7" {
		t.Errorf("RequestID = %q, want SUP-7", resp.RequestID.Value)
	}
	if q, _ := w.srv.Request("SUP-7"); q.State != nciptest.RequestCancelled {
		t.Errorf("ILS request state = %q, want cancelled", q.State)
	}
	_, err = w.client.CancelRequestItem(ctx, cancel)
	wantProblem(t, err, ncip.RequestAlreadyProcessed)

	cancel.RequestID = ncip.NewRequestID("US-EXREQ", "SUP-404")
	_, err = w.client.CancelRequestItem(ctx, cancel)
	wantProblem(t, err, ncip.UnknownRequest)
}

func TestCheckOutCheckInRenewDelete(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.srv.MaxRenewals = 1
	ctx := context.Background()
	user := ncip.UserBarcode("ILL-US-EXSUP")

	out, err := w.client.CheckOutItem(ctx, &ncip.CheckOutItem{UserID: user, ItemID: *ncip.ItemBarcode("I1"), DesiredDateDue: ncip.At(now.AddDate(0, 0, 40))})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out.DateDue.Time, now.AddDate(0, 0, 40); !got.Equal(want) {
		t.Errorf("DateDue = %v, want %v", got, want)
	}
	again, err := w.client.CheckOutItem(ctx, &ncip.CheckOutItem{UserID: user, ItemID: *ncip.ItemBarcode("I1")})
	if err != nil {
		t.Fatalf("repeated checkout to the same user: %v", err)
	}
	if !again.DateDue.Equal(out.DateDue.Time) {
		t.Errorf("repeated checkout DateDue = %v, want unchanged %v", again.DateDue, out.DateDue)
	}

	for _, c := range []struct {
		name string
		req  *ncip.CheckOutItem
		want ncip.ProblemType
	}{
		{"on loan to someone else", &ncip.CheckOutItem{UserID: ncip.UserBarcode("P2"), ItemID: *ncip.ItemBarcode("I1")}, ncip.ResourceCannotBeProvided},
		{"blocked user", &ncip.CheckOutItem{UserID: ncip.UserBarcode("PB"), ItemID: *ncip.ItemBarcode("I2")}, ncip.UserBlocked},
		{"unknown item", &ncip.CheckOutItem{UserID: user, ItemID: *ncip.ItemBarcode("NOPE")}, ncip.UnknownItem},
		{"reference item", &ncip.CheckOutItem{UserID: user, ItemID: *ncip.ItemBarcode("I-REF")}, ncip.ItemDoesNotCirculate},
		{"lost item", &ncip.CheckOutItem{UserID: user, ItemID: *ncip.ItemBarcode("I-LOST")}, ncip.ResourceCannotBeProvided},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := w.client.CheckOutItem(ctx, c.req)
			wantProblem(t, err, c.want)
		})
	}

	renewed, err := w.client.RenewItem(ctx, &ncip.RenewItem{UserID: user, ItemID: *ncip.ItemBarcode("I1")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := renewed.DateDue.Time, now.AddDate(0, 0, 40+28); !got.Equal(want) {
		t.Errorf("renewed DateDue = %v, want %v", got, want)
	}
	if renewed.RenewalCount == nil || *renewed.RenewalCount != 1 {
		t.Errorf("RenewalCount = %v, want 1", renewed.RenewalCount)
	}
	_, err = w.client.RenewItem(ctx, &ncip.RenewItem{UserID: user, ItemID: *ncip.ItemBarcode("I1")})
	wantProblem(t, err, ncip.MaximumRenewalsExceeded)

	in, err := w.client.CheckInItem(ctx, &ncip.CheckInItem{ItemID: *ncip.ItemBarcode("I1"), ItemElementType: ncip.ItemElementTypes(ncip.ItemElementBibliographicDescription)})
	if err != nil {
		t.Fatal(err)
	}
	if in.UserID == nil || in.UserID.Value != "ILL-US-EXSUP" || in.ItemOptionalFields.Title() != "Silent spring" {
		t.Errorf("check-in answer = %+v, want user ILL-US-EXSUP and the title", in)
	}
	_, err = w.client.CheckInItem(ctx, &ncip.CheckInItem{ItemID: *ncip.ItemBarcode("I1")})
	wantProblem(t, err, ncip.ItemNotCheckedOut)
	_, err = w.client.RenewItem(ctx, &ncip.RenewItem{UserID: user, ItemID: *ncip.ItemBarcode("I1")})
	wantProblem(t, err, ncip.ItemNotCheckedOut)

	if _, err := w.client.DeleteItem(ctx, &ncip.DeleteItem{ItemID: *ncip.ItemBarcode("I1")}); err != nil {
		t.Fatal(err)
	}
	if _, ok := w.srv.Item("I1"); ok {
		t.Error("item I1 still in the ILS after DeleteItem")
	}
	_, err = w.client.DeleteItem(ctx, &ncip.DeleteItem{ItemID: *ncip.ItemBarcode("I1")})
	wantProblem(t, err, ncip.UnknownItem)
}

// TestBorrowingFlow runs the borrowing side of an ILL loan end to end.
func TestBorrowingFlow(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	if _, err := w.client.LookupUser(ctx, &ncip.LookupUser{UserID: ncip.UserBarcode("P1")}); err != nil {
		t.Fatal(err)
	}
	acc, err := w.client.AcceptItem(ctx, acceptItem("ILL-9", ""))
	if err != nil {
		t.Fatal(err)
	}
	tmp := *acc.ItemID
	if _, err := w.client.CheckOutItem(ctx, &ncip.CheckOutItem{UserID: ncip.UserBarcode("P1"), ItemID: tmp}); err != nil {
		t.Fatal(err)
	}
	if q, _ := w.srv.Request("ILL-9"); q.State != nciptest.RequestFilled {
		t.Errorf("hold state after checkout = %q, want filled", q.State)
	}
	if _, err := w.client.CheckInItem(ctx, &ncip.CheckInItem{ItemID: tmp}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.client.DeleteItem(ctx, &ncip.DeleteItem{ItemID: tmp}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range w.srv.Calls() {
		got = append(got, c.Service)
	}
	want := []string{"LookupUser", "AcceptItem", "CheckOutItem", "CheckInItem", "DeleteItem"}
	if !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
}
