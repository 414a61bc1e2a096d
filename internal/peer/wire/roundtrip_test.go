package wire

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
)

var (
	borrower = ill.AgencyID("US-BORROW")
	lender   = ill.AgencyID("DE-1a") // case kept
	t0       = at("2025-09-01T10:11:12Z")
	usd      = func(minor int64) ill.Money { return ill.Money{Minor: minor, Currency: "USD"} }
)

func domainRequest(f func(*ill.Message)) ill.Message {
	m := ill.Message{Kind: ill.MsgRequest, Requester: borrower, Supplier: lender, RequesterRequestID: "B1000042",
		Timestamp: t0, RequestType: ill.RequestNew, ServiceType: ill.Loan,
		Citation: &ill.Citation{Title: "Silent spring", Author: "Carson, Rachel", PublicationType: ill.PubBook}}
	f(&m)
	return m
}

func domainSAM(status, reason string, f func(*ill.Message)) ill.Message {
	m := ill.Message{Kind: ill.MsgSAM, Requester: borrower, Supplier: lender, RequesterRequestID: "B1000042",
		SupplierRequestID: "L1000007", Timestamp: t0, Status: status, Reason: reason}
	if f != nil {
		f(&m)
	}
	return m
}

func domainRAM(action, note string, f func(*ill.Message)) ill.Message {
	m := ill.Message{Kind: ill.MsgRAM, Requester: borrower, Supplier: lender, RequesterRequestID: "B1000042",
		SupplierRequestID: "L1000007", Timestamp: t0, Action: action, Note: note}
	if f != nil {
		f(&m)
	}
	return m
}

// richMessages covers every status, every action, every request type,
// conditions offered and agreed, URL delivery, costs in currencies with 0,
// 2 and 3 digits, and every citation field.
func richMessages() map[string]ill.Message {
	ms := map[string]ill.Message{
		"request/book-loan": domainRequest(func(m *ill.Message) {
			m.Citation = &ill.Citation{Title: "Silent spring", Author: "Carson, Rachel",
				Authors: []string{"Carson, Rachel", "Darling, Lois", "Darling, Louis"}, Edition: "40th anniversary edition",
				Publisher: "Houghton Mifflin", PlaceOfPub: "Boston", PubDate: "2002", ISBN: "9780618249060",
				OCLCNumber: "49593382", LCCN: "2002019498", PublicationType: ill.PubBook, PreferredFormat: "Printed",
				PreferredEdition: "ThisEdition", Series: "Mariner books", Language: "en", Source: "info:sid/primo"}
			m.ServiceLevel, m.NeedBefore, m.MaxCost = "Rush", at("2025-10-31T23:59:59Z"), usd(2500)
			m.BillingMethod, m.PaymentMethod = "Invoice", "IFM"
			m.PatronRef, m.PatronCategory = "P-7f3a9c", "Faculty"
			m.DeliveryMethod = "Mail"
			m.DeliveryAddress = ill.Address{Name: "ILL office", Line1: "Example State University Library", Line2: "100 College Avenue",
				Locality: "Springfield", Region: "IL", PostalCode: "62704", Country: "US", Email: "ill@example.edu"}
			m.Note = "Patron needs this for a seminar.\nSecond line & <markup>."
		}),
		"request/article-copy-EUR": domainRequest(func(m *ill.Message) {
			m.Citation = &ill.Citation{Title: "Journal of ILL", JournalTitle: "Journal of ILL", ArticleTitle: "Turnaround times",
				Author: "Okafor, Adaeze", Volume: "34", Issue: "2", Pages: "45-61", ISSN: "1072-303X", EISSN: "1540-3572",
				DOI: "10.5555/jill.2024.34.2.45", PMID: "31452104", PubDate: "2024", PublicationType: ill.PubArticle,
				PreferredFormat: "PDF"}
			m.ServiceType, m.Copyright, m.MaxCost = ill.Copy, "US-CCG", ill.Money{Minor: 1250, Currency: "EUR"}
			m.DeliveryMethod, m.DeliveryAddress = "Email", ill.Address{Email: "ill@example.edu"}
			m.PatronRef, m.PatronCategory = "P-1", "GradStudentLocal" // not a PatronTypeList value
		}),
		"request/chapter-JPY": domainRequest(func(m *ill.Message) {
			m.Citation = &ill.Citation{Title: "Handbook of resource sharing", Chapter: "Chapter 3: Rota design", Author: "Sato, Yuki",
				PublicationType: ill.PubChapter, Pages: "51-80", ISBN: "9784000000000", PreferredEdition: "MostRecentEdition"}
			m.ServiceType, m.MaxCost = ill.CopyOrLoan, ill.Money{Minor: 1500, Currency: "JPY"}
		}),
		"request/thesis-BHD": domainRequest(func(m *ill.Message) {
			m.Citation = &ill.Citation{Title: "Networks of lending", Author: "Haddad, Mariam", PublicationType: ill.PubThesis,
				Sponsor: "University of Bahrain", PubDate: "2019", PreferredEdition: "AnyEdition"}
			m.MaxCost = ill.Money{Minor: 1234, Currency: "BHD"}
		}),
		"request/retry-accepting-conditions": domainRequest(func(m *ill.Message) {
			m.RequestType, m.PreviousRequestID, m.RequesterRequestID = ill.RequestRetry, "B1000042", "B1000042-R1"
			m.Conditions, m.AcceptConditions = []string{"LibraryUseOnly", "NoReproduction"}, true
			m.MaxCost, m.Note = usd(6500), "We accept the fee."
		}),
		"request/reminder": domainRequest(func(m *ill.Message) {
			m.RequestType, m.SupplierRequestID = ill.RequestReminder, "L1000007"
		}),

		"sam/RequestReceived": domainSAM(ill.StatusRequestReceived, ill.ReasonRequestResponse, nil),
		"sam/ExpectToSupply": domainSAM(ill.StatusExpectToSupply, ill.ReasonStatusChange, func(m *ill.Message) {
			m.ExpectedDelivery, m.Note = at("2025-09-05T23:59:59Z"), "Pulling it."
		}),
		"sam/WillSupply": domainSAM(ill.StatusWillSupply, ill.ReasonStatusChange, nil),
		"sam/Loaned": domainSAM(ill.StatusLoaned, ill.ReasonStatusChange, func(m *ill.Message) {
			m.DueDate, m.DeliveredService, m.DeliveredFormat, m.DeliveryMethod = at("2025-10-15T23:59:59Z"), ill.Loan, "Printed", "Courier"
			m.Items = []ill.Item{{Barcode: "39012004567891"}, {Barcode: "39012004567892", Volume: "v.2"}}
			m.Shipping = ill.Shipping{Courier: "UPS", TrackingID: "1Z999AA10123456784", Insured: true, Insurance: usd(450)}
			m.Conditions, m.Note = []string{"LibraryUseOnly", "NoReproduction"}, "Handle with care."
		}),
		"sam/Overdue":  domainSAM(ill.StatusOverdue, ill.ReasonStatusChange, func(m *ill.Message) { m.DueDate = at("2025-10-15T23:59:59Z") }),
		"sam/Recalled": domainSAM(ill.StatusRecalled, ill.ReasonStatusChange, func(m *ill.Message) { m.DueDate, m.Note = at("2025-09-20T23:59:59Z"), "Needed back." }),
		"sam/RetryPossible": domainSAM(ill.StatusRetryPossible, ill.ReasonRequestResponse, func(m *ill.Message) {
			m.ReasonRetry, m.RetryAfter = "OnLoan", at("2025-09-30T00:00:00Z")
		}),
		"sam/Unfilled": domainSAM(ill.StatusUnfilled, ill.ReasonRequestResponse, func(m *ill.Message) { m.ReasonUnfilled = "NotHeld" }),
		"sam/CopyCompleted-URL": domainSAM(ill.StatusCopyCompleted, ill.ReasonStatusChange, func(m *ill.Message) {
			m.DeliveryURL, m.DeliveredService, m.DeliveredFormat = "https://files.example.org/d/abc123?t=1&x=2", ill.Copy, "PDF"
			m.Note = "Copy made under section 108."
		}),
		"sam/LoanCompleted":          domainSAM(ill.StatusLoanCompleted, ill.ReasonStatusChange, nil),
		"sam/CompletedWithoutReturn": domainSAM(ill.StatusCompletedWithoutReturn, ill.ReasonStatusChange, nil),
		"sam/Cancelled":              domainSAM(ill.StatusCancelled, ill.ReasonCancelResponse, func(m *ill.Message) { m.Answer = "Y" }),
		"sam/HoldReturn": domainSAM(ill.StatusHoldReturn, ill.ReasonStatusChange, func(m *ill.Message) {
			m.DueDate, m.Note = at("2025-11-15T23:59:59Z"), "Closed for renovation."
		}),
		"sam/ReleaseHoldReturn": domainSAM(ill.StatusReleaseHoldReturn, ill.ReasonStatusChange, nil),
		"sam/RenewResponse-N": domainSAM(ill.StatusLoaned, ill.ReasonRenewResponse, func(m *ill.Message) {
			m.Answer, m.DueDate, m.Note = "N", at("2025-10-15T23:59:59Z"), "Requested by another reader."
		}),
		"sam/Notification-unchanged": domainSAM(ill.StatusLoaned, ill.ReasonNotification, func(m *ill.Message) { m.Note = "Reminder: due soon." }),
		"sam/offer-conditions-and-cost": domainSAM(ill.StatusWillSupply, ill.ReasonRequestResponse, func(m *ill.Message) {
			m.Conditions, m.OfferedCost, m.Note = []string{"LibraryUseOnly"}, usd(1500), "Fragile."
		}),
		"sam/offer-cost-only-EUR": domainSAM(ill.StatusExpectToSupply, ill.ReasonStatusChange, func(m *ill.Message) {
			m.OfferedCost = ill.Money{Minor: 2000, Currency: "EUR"}
		}),
		"sam/offer-two-conditions-JPY": domainSAM(ill.StatusRequestReceived, ill.ReasonRequestResponse, func(m *ill.Message) {
			m.Conditions, m.OfferedCost = []string{"NoReproduction", "SignatureRequired"}, ill.Money{Minor: 3000, Currency: "JPY"}
		}),
		"sam/offer-on-RetryPossible-BHD": domainSAM(ill.StatusRetryPossible, ill.ReasonRequestResponse, func(m *ill.Message) {
			m.Conditions, m.OfferedCost, m.RetryBefore = []string{"LibraryUseOnly"}, ill.Money{Minor: 12500, Currency: "BHD"}, at("2025-09-15T23:59:59Z")
		}),

		"ram/StatusRequest": domainRAM(ill.ActionStatusRequest, "", nil),
		"ram/Received":      domainRAM(ill.ActionReceived, "", nil),
		"ram/Cancel":        domainRAM(ill.ActionCancel, "Patron no longer needs it.", nil),
		"ram/Renew":         domainRAM(ill.ActionRenew, "", nil),
		"ram/ShippedReturn": domainRAM(ill.ActionShippedReturn, "Returned today.", func(m *ill.Message) {
			m.Shipping = ill.Shipping{Courier: "USPS Media Mail", TrackingID: "9400 1000 0000", Insured: true}
		}),
		"ram/ShippedForward": domainRAM(ill.ActionShippedForward, "", func(m *ill.Message) { m.Shipping = ill.Shipping{TrackingID: "T-1"} }),
		"ram/Notification":   domainRAM(ill.ActionNotification, "Please call us.", nil),
		"ram/HoldReturn":     domainRAM(ill.ActionHoldReturn, "Patron is travelling.", nil),
		"ram/Lost":           domainRAM(ill.ActionLost, "", nil),
		"ram/agree": domainRAM(ill.ActionNotification, "Agreed.", func(m *ill.Message) {
			m.AcceptConditions, m.Conditions, m.OfferedCost = true, []string{"LibraryUseOnly"}, usd(1500)
		}),
		"ram/agree-no-note": domainRAM(ill.ActionNotification, "", func(m *ill.Message) { m.AcceptConditions = true }),
	}
	return ms
}

// carried is what a message comes back as after Encode and Decode in
// version v: the list of everything a version cannot carry.
func carried(m ill.Message, v iso18626.Version) ill.Message {
	v12 := v == iso18626.V1_2
	if m.Citation != nil {
		c := *m.Citation
		c.Language = "" // no element
		if isPart(c) {
			c.ArticleTitle, c.Chapter = first(c.ArticleTitle, c.Chapter), "" // one titleOfComponent
		}
		if len(c.Authors) == 1 && c.Authors[0] == c.Author {
			c.Authors = nil // a single author is just Author
		}
		if v12 && c.PreferredEdition == "MostRecentEdition" {
			c.PreferredEdition = "" // anyEdition is Y/N only
		}
		m.Citation = &c
	}
	m.DeliveryAddress.Name = "" // physicalAddress has no name
	m.Items = slices.Clone(m.Items)
	for i := range m.Items {
		m.Items[i] = ill.Item{Barcode: m.Items[i].Barcode} // itemId only
	}
	if !iso18626.OpenLists["patronType"].Has(iso18626.C(m.PatronCategory)) {
		m.PatronCategory = ""
	}
	switch m.Kind {
	case ill.MsgRequest:
		m.AcceptConditions = m.RequestType == ill.RequestRetry && len(m.Conditions) > 0
		if v12 {
			m.DeliveryMethod = "" // no requestedDeliveryInfo/deliveryMethod
		} else {
			m.SupplierRequestID = "" // not in the 2021 request header
		}
	case ill.MsgRAM:
		m.Conditions, m.OfferedCost = nil, ill.Money{} // a RAM is action and note
		m.Shipping.Insured, m.Shipping.Insurance = false, ill.Money{}
		if !v12 {
			m.AcceptConditions = false // the 2021 agreement is a Retry request
		}
	case ill.MsgSAM:
		offer, ship := offersConditions(m), m.Status == ill.StatusLoaned || m.Status == ill.StatusCopyCompleted
		if !offer && !ship {
			m.Conditions = nil
		}
		if offer && (!v12 || m.Status == ill.StatusRetryPossible) {
			m.ReasonRetry = offerReason(m)
		}
		if offer && !v12 {
			m.Status = ill.StatusRetryPossible // the 2021 offer
		}
		if m.DeliveryMethod == "URL" && m.DeliveryURL != "" {
			m.DeliveryMethod = "" // implied by the URL
		}
		if v12 {
			if ship && deliveryInfo(m, v) != nil {
				m.DeliveredService = map[string]ill.ServiceType{ill.StatusLoaned: ill.Loan, ill.StatusCopyCompleted: ill.Copy}[m.Status]
			} else {
				m.DeliveredService = ""
			}
			m.Shipping.Insured, m.Shipping.Insurance = false, ill.Money{} // no shippingInfo
			if (m.Status == ill.StatusHoldReturn || m.Status == ill.StatusReleaseHoldReturn) && m.Reason == ill.ReasonNotification {
				m.Reason = ill.ReasonStatusChange
			}
		}
	}
	return m
}

// TestRoundTrip encodes rich domain messages in both versions, marshals
// them (XSD-checked), parses and decodes them, and gets back what the
// version can carry.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for name, m := range richMessages() {
		for _, v := range []iso18626.Version{iso18626.V1_2, iso18626.V2021} {
			t.Run(name+"/"+v.String(), func(t *testing.T) {
				t.Parallel()
				enc, err := Encode(m, v, ISIL{})
				if err != nil {
					t.Fatalf("Encode: %v", err)
				}
				got, err := Decode(emit(t, enc), ISIL{})
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if diff := cmp.Diff(carried(m, v), got); diff != "" {
					t.Errorf("round trip mismatch (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestRoundTripWire checks, for a few messages, where the conventions put
// things on the wire.
func TestRoundTripWire(t *testing.T) {
	t.Parallel()
	ms := richMessages()
	enc := func(name string, v iso18626.Version) *iso18626.Message {
		t.Helper()
		out, err := Encode(ms[name], v, ISIL{})
		if err != nil {
			t.Fatalf("Encode(%s, %s): %v", name, v, err)
		}
		return emit(t, out)
	}
	tests := []struct {
		name string
		v    iso18626.Version
		got  func(m *iso18626.Message) any
		want any
	}{
		{"sam/CopyCompleted-URL", iso18626.V1_2, func(m *iso18626.Message) any { return m.SupplyingAgencyMessage.MessageInfo.Note },
			"Copy made under section 108.\nURL: https://files.example.org/d/abc123?t=1&x=2"},
		{"sam/CopyCompleted-URL", iso18626.V1_2, func(m *iso18626.Message) any { return m.SupplyingAgencyMessage.DeliveryInfo.DeliveryMethod.Value }, "URL"},
		{"sam/CopyCompleted-URL", iso18626.V2021, func(m *iso18626.Message) any { return m.SupplyingAgencyMessage.DeliveryInfo.URL },
			"https://files.example.org/d/abc123?t=1&x=2"},
		{"sam/offer-conditions-and-cost", iso18626.V1_2, func(m *iso18626.Message) any { return m.SupplyingAgencyMessage.MessageInfo.Note },
			"#ReShareAddLoanCondition# Fragile."},
		{"sam/offer-conditions-and-cost", iso18626.V1_2, func(m *iso18626.Message) any { return m.SupplyingAgencyMessage.RetryInfo.OfferedCosts },
			[]iso18626.Costs{{CurrencyCode: iso18626.C("USD"), MonetaryValue: "15.00"}}},
		{"sam/offer-conditions-and-cost", iso18626.V1_2, func(m *iso18626.Message) any { return string(m.SupplyingAgencyMessage.StatusInfo.Status) }, "WillSupply"},
		{"sam/offer-conditions-and-cost", iso18626.V2021, func(m *iso18626.Message) any {
			s := m.SupplyingAgencyMessage
			return []string{string(s.StatusInfo.Status), s.MessageInfo.ReasonRetry.Value, s.RetryInfo.LoanCondition[0].Value}
		}, []string{"RetryPossible", "MustMeetLoanCondition", "LibraryUseOnly"}},
		{"sam/offer-cost-only-EUR", iso18626.V2021, func(m *iso18626.Message) any { return m.SupplyingAgencyMessage.MessageInfo.ReasonRetry.Value },
			"CostExceedsMaxCost"},
		{"sam/offer-two-conditions-JPY", iso18626.V1_2, func(m *iso18626.Message) any { return m.SupplyingAgencyMessage.MessageInfo.Note },
			"#ReShareAddLoanCondition# Condition: SignatureRequired"},
		{"sam/offer-two-conditions-JPY", iso18626.V1_2, func(m *iso18626.Message) any {
			return string(m.SupplyingAgencyMessage.RetryInfo.OfferedCosts[0].MonetaryValue)
		}, "3000"},
		{"sam/offer-on-RetryPossible-BHD", iso18626.V2021, func(m *iso18626.Message) any {
			return string(m.SupplyingAgencyMessage.RetryInfo.OfferedCosts[0].MonetaryValue)
		}, "12.500"},
		{"sam/HoldReturn", iso18626.V1_2, func(m *iso18626.Message) any {
			s := m.SupplyingAgencyMessage
			return []string{string(s.MessageInfo.ReasonForMessage), string(s.StatusInfo.Status), s.MessageInfo.Note}
		}, []string{"Notification", "Loaned", "#Interlend:HoldReturn# Closed for renovation."}},
		{"sam/ReleaseHoldReturn", iso18626.V1_2, func(m *iso18626.Message) any { return m.SupplyingAgencyMessage.MessageInfo.Note }, "#Interlend:ReleaseHoldReturn#"},
		{"sam/Loaned", iso18626.V1_2, func(m *iso18626.Message) any { return m.SupplyingAgencyMessage.MessageInfo.Note },
			"Handle with care.\nItem: 39012004567892\nCourier: UPS\nTracking: 1Z999AA10123456784\nCondition: NoReproduction"},
		{"ram/Lost", iso18626.V1_2, func(m *iso18626.Message) any {
			return []string{string(m.RequestingAgencyMessage.Action), m.RequestingAgencyMessage.Note}
		}, []string{"Notification", "#Interlend:Lost#"}},
		{"ram/HoldReturn", iso18626.V2021, func(m *iso18626.Message) any { return string(m.RequestingAgencyMessage.Action) }, "HoldReturn"},
		{"ram/agree", iso18626.V1_2, func(m *iso18626.Message) any { return m.RequestingAgencyMessage.Note }, "#ReShareLoanConditionAgreeResponse# Agreed."},
		{"ram/agree", iso18626.V2021, func(m *iso18626.Message) any { return m.RequestingAgencyMessage.Note }, "Agreed."},
		{"ram/ShippedReturn", iso18626.V2021, func(m *iso18626.Message) any { return m.RequestingAgencyMessage.Note },
			"Returned today.\nCourier: USPS Media Mail\nTracking: 9400 1000 0000"},
		{"request/retry-accepting-conditions", iso18626.V1_2, func(m *iso18626.Message) any { return m.Request.ServiceInfo.Note },
			"We accept the fee.\nCondition: LibraryUseOnly\nCondition: NoReproduction"},
		{"request/retry-accepting-conditions", iso18626.V2021, func(m *iso18626.Message) any { return values(m.Request.ServiceInfo.LoanCondition) },
			[]string{"LibraryUseOnly", "NoReproduction"}},
		{"request/article-copy-EUR", iso18626.V2021, func(m *iso18626.Message) any {
			b := m.Request.BibliographicInfo
			return []string{b.Title, b.TitleOfComponent, b.Author, b.AuthorOfComponent}
		}, []string{"Journal of ILL", "Turnaround times", "", "Okafor, Adaeze"}},
		{"request/article-copy-EUR", iso18626.V1_2, func(m *iso18626.Message) any { return m.Request.PatronInfo.PatronType.IsZero() }, true},
		{"request/book-loan", iso18626.V1_2, func(m *iso18626.Message) any { return m.Request.BibliographicInfo.Author },
			"Carson, Rachel; Darling, Lois; Darling, Louis"},
		{"request/book-loan", iso18626.V2021, func(m *iso18626.Message) any {
			return []string{m.Request.RequestedDeliveryInfo[0].Address.PhysicalAddress.Line1, m.Request.RequestedDeliveryInfo[0].DeliveryMethod.Value,
				m.Request.RequestedDeliveryInfo[1].Address.ElectronicAddress.ElectronicAddressData}
		}, []string{"Example State University Library", "Mail", "ill@example.edu"}},
		{"request/chapter-JPY", iso18626.V2021, func(m *iso18626.Message) any { return string(m.Request.BillingInfo.MaximumCosts.MonetaryValue) }, "1500"},
		{"request/thesis-BHD", iso18626.V1_2, func(m *iso18626.Message) any { return string(m.Request.BillingInfo.MaximumCosts.MonetaryValue) }, "1.234"},
	}
	for _, tt := range tests {
		got := tt.got(enc(tt.name, tt.v))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s in %s (-want +got):\n%s", tt.name, tt.v, diff)
		}
	}
}
