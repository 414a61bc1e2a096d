package iso18626

import "encoding/xml"

// Tables of the request message.

var requestTable = table[Request]{fields: []field[Request]{
	fStruct("header", both, both, &requestHeaderTable, func(r *Request) *Header { return &r.Header }),
	fStruct("bibliographicInfo", both, both, &bibliographicInfoTable,
		func(r *Request) *BibliographicInfo { return &r.BibliographicInfo }).
		mustAppear(),
	fPtr("publicationInfo", both, none, &publicationInfoTable, func(r *Request) **PublicationInfo { return &r.PublicationInfo }),
	fPtr("serviceInfo", both, only21, &serviceInfoTable, func(r *Request) **ServiceInfo { return &r.ServiceInfo }),
	fSlice("supplierInfo", both, &supplierInfoTable, func(r *Request) *[]SupplierInfo { return &r.SupplierInfo }),
	fSlice("requestedDeliveryInfo", both, &requestedDeliveryInfoTable,
		func(r *Request) *[]RequestedDeliveryInfo { return &r.RequestedDeliveryInfo }),
	fPtr("requestingAgencyInfo", both, none, &requestingAgencyInfoTable,
		func(r *Request) **RequestingAgencyInfo { return &r.RequestingAgencyInfo }),
	fPtr("patronInfo", both, none, &patronInfoTable, func(r *Request) **PatronInfo { return &r.PatronInfo }),
	fPtr("billingInfo", both, none, &billingInfoTable, func(r *Request) **BillingInfo { return &r.BillingInfo }),
}}

var bibliographicInfoTable = table[BibliographicInfo]{fields: []field[BibliographicInfo]{
	fText("supplierUniqueRecordId", both, none, func(b *BibliographicInfo) *string { return &b.SupplierUniqueRecordID }),
	fText("title", both, none, func(b *BibliographicInfo) *string { return &b.Title }),
	fText("author", both, none, func(b *BibliographicInfo) *string { return &b.Author }),
	fText("authorId", only21, none, func(b *BibliographicInfo) *string { return &b.AuthorID }),
	fText("subtitle", both, none, func(b *BibliographicInfo) *string { return &b.Subtitle }),
	fText("seriesTitle", both, none, func(b *BibliographicInfo) *string { return &b.SeriesTitle }),
	fText("edition", both, none, func(b *BibliographicInfo) *string { return &b.Edition }),
	fText("titleOfComponent", both, none, func(b *BibliographicInfo) *string { return &b.TitleOfComponent }),
	fText("authorOfComponent", both, none, func(b *BibliographicInfo) *string { return &b.AuthorOfComponent }),
	fTexts("volume", both, func(b *BibliographicInfo) *[]string { return &b.Volume }).max(1),
	fText("issue", both, none, func(b *BibliographicInfo) *string { return &b.Issue }),
	fText("pagesRequested", both, none, func(b *BibliographicInfo) *string { return &b.PagesRequested }),
	fText("estimatedNoPages", both, none, func(b *BibliographicInfo) *string { return &b.EstimatedNoPages }),
	bibliographicItemIDField(),
	fText("sponsor", both, none, func(b *BibliographicInfo) *string { return &b.Sponsor }),
	fText("informationSource", both, none, func(b *BibliographicInfo) *string { return &b.InformationSource }),
	fSlice("bibliographicRecordId", both, &bibliographicRecordIDTable,
		func(b *BibliographicInfo) *[]BibliographicRecordID { return &b.BibliographicRecordID }),
}}

// bibliographicItemIdTable serves the checks; reading and writing are by
// hand because the two children swap places between the versions.
var bibliographicItemIDTable = table[BibliographicItemID]{fields: []field[BibliographicItemID]{
	fText("bibliographicItemIdentifier", both, both, func(b *BibliographicItemID) *string { return &b.Identifier }),
	fCode("bibliographicItemIdentifierCode", both, both, func(b *BibliographicItemID) *Code { return &b.Code }),
}}

func bibliographicItemIDField() field[BibliographicInfo] {
	get := func(b *BibliographicInfo) *[]BibliographicItemID { return &b.BibliographicItemID }
	f := fSlice("bibliographicItemId", both, &bibliographicItemIDTable, get)
	f.read = func(d *decoder, se xml.StartElement, b *BibliographicInfo) error {
		b.BibliographicItemID = append(b.BibliographicItemID, BibliographicItemID{})
		return readBibliographicItemID(d, se, &b.BibliographicItemID[len(b.BibliographicItemID)-1])
	}
	f.write = func(w *writer, name string, b *BibliographicInfo, _ bool) {
		for _, id := range b.BibliographicItemID {
			w.open(name)
			if w.v == V2021 {
				w.code("bibliographicItemIdentifierCode", id.Code)
				w.text("bibliographicItemIdentifier", id.Identifier)
			} else {
				w.text("bibliographicItemIdentifier", id.Identifier)
				w.code("bibliographicItemIdentifierCode", id.Code)
			}
			w.close(name)
		}
	}
	return f
}

// readBibliographicItemID reads the two children in either order; the order
// is evidence of the version (v1.2: identifier first; 2021: code first).
func readBibliographicItemID(d *decoder, se xml.StartElement, id *BibliographicItemID) error {
	if len(se.Attr) > 0 {
		if _, err := d.attrs(se, false); err != nil {
			return err
		}
	}
	var haveID, haveCode bool
	for {
		c, ok, err := d.next()
		if err != nil || !ok {
			return err
		}
		switch c.Name.Local {
		case "bibliographicItemIdentifier":
			if haveID {
				err = d.duplicate(c)
				break
			}
			if haveCode {
				d.vote(only21, "bibliographicItemId order")
			}
			haveID = true
			d.push(c.Name.Local)
			id.Identifier, err = d.text(c, false)
			d.pop()
		case "bibliographicItemIdentifierCode":
			if haveCode {
				err = d.duplicate(c)
				break
			}
			if haveID {
				d.vote(only12, "bibliographicItemId order")
			}
			haveCode = true
			d.push(c.Name.Local)
			id.Code, err = d.code(c)
			d.pop()
		default:
			err = d.unknown(c)
		}
		if err != nil {
			return err
		}
	}
}

var bibliographicRecordIDTable = table[BibliographicRecordID]{fields: []field[BibliographicRecordID]{
	fCode("bibliographicRecordIdentifierCode", both, both, func(b *BibliographicRecordID) *Code { return &b.Code }),
	fText("bibliographicRecordIdentifier", both, both, func(b *BibliographicRecordID) *string { return &b.Identifier }),
}}

var publicationInfoTable = table[PublicationInfo]{fields: []field[PublicationInfo]{
	fText("publisher", both, none, func(p *PublicationInfo) *string { return &p.Publisher }),
	fText("publisherId", only21, none, func(p *PublicationInfo) *string { return &p.PublisherID }),
	fCode("publicationType", both, none, func(p *PublicationInfo) *Code { return &p.PublicationType }),
	fText("publicationDate", both, none, func(p *PublicationInfo) *string { return &p.PublicationDate }),
	fText("placeOfPublication", both, none, func(p *PublicationInfo) *string { return &p.PlaceOfPublication }),
}}

var serviceInfoTable = table[ServiceInfo]{fields: []field[ServiceInfo]{
	fEnum("requestType", both, none, ErrUnrecognisedDataValue, func(s *ServiceInfo) *RequestType { return &s.RequestType }),
	fEnums("requestSubType", both, func(s *ServiceInfo) *[]RequestSubType { return &s.RequestSubType }).max(3),
	fText("requestingAgencyPreviousRequestId", both, none,
		func(s *ServiceInfo) *string { return &s.RequestingAgencyPreviousRequestID }),
	fEnum("serviceType", both, both, ErrUnrecognisedDataValue, func(s *ServiceInfo) *ServiceType { return &s.ServiceType }),
	fCode("serviceLevel", both, none, func(s *ServiceInfo) *Code { return &s.ServiceLevel }),
	fCode("itemFormat", both, none, func(s *ServiceInfo) *Code { return &s.ItemFormat }).as12("preferredFormat"),
	fDate("needBeforeDate", both, none, func(s *ServiceInfo) *DateTime { return &s.NeedBeforeDate }),
	fCode("copyrightCompliance", both, none, func(s *ServiceInfo) *Code { return &s.CopyrightCompliance }),
	fEnum("anyEdition", both, none, ErrUnrecognisedDataValue, func(s *ServiceInfo) *YesNo { return &s.AnyEdition }),
	fEnum("preferredEdition", only21, none, ErrUnrecognisedDataValue,
		func(s *ServiceInfo) *PreferredEdition { return &s.PreferredEdition }),
	fCodes("loanCondition", only21, func(s *ServiceInfo) *[]Code { return &s.LoanCondition }),
	fDate("startDate", both, none, func(s *ServiceInfo) *DateTime { return &s.StartDate }),
	fDate("endDate", both, none, func(s *ServiceInfo) *DateTime { return &s.EndDate }),
	fText("note", both, none, func(s *ServiceInfo) *string { return &s.Note }),
}}

var supplierInfoTable = table[SupplierInfo]{fields: []field[SupplierInfo]{
	fInt("sortOrder", both, func(s *SupplierInfo) **int { return &s.SortOrder }),
	fAgency("supplierCode", both, none, func(s *SupplierInfo) *AgencyID { return &s.SupplierCode }),
	fText("supplierDescription", both, none, func(s *SupplierInfo) *string { return &s.SupplierDescription }),
	fPtr("bibliographicRecordId", both, none, &bibliographicRecordIDTable,
		func(s *SupplierInfo) **BibliographicRecordID { return &s.BibliographicRecordID }),
	fText("callNumber", both, none, func(s *SupplierInfo) *string { return &s.CallNumber }),
	fText("summaryHoldings", both, none, func(s *SupplierInfo) *string { return &s.SummaryHoldings }),
	fText("availabilityNote", both, none, func(s *SupplierInfo) *string { return &s.AvailabilityNote }),
}}

var requestedDeliveryInfoTable = table[RequestedDeliveryInfo]{fields: []field[RequestedDeliveryInfo]{
	fInt("sortOrder", both, func(r *RequestedDeliveryInfo) **int { return &r.SortOrder }),
	fPtr("address", both, none, &addressTable, func(r *RequestedDeliveryInfo) **Address { return &r.Address }),
	fCode("deliveryMethod", only21, none, func(r *RequestedDeliveryInfo) *Code { return &r.DeliveryMethod }),
	fCode("courierName", only21, none, func(r *RequestedDeliveryInfo) *Code { return &r.CourierName }),
}}

var requestingAgencyInfoTable = table[RequestingAgencyInfo]{fields: []field[RequestingAgencyInfo]{
	fText("name", both, none, func(r *RequestingAgencyInfo) *string { return &r.Name }),
	fText("contactName", both, none, func(r *RequestingAgencyInfo) *string { return &r.ContactName }),
	fSlice("address", both, &addressTable, func(r *RequestingAgencyInfo) *[]Address { return &r.Address }),
}}

var patronInfoTable = table[PatronInfo]{fields: []field[PatronInfo]{
	fText("patronId", both, none, func(p *PatronInfo) *string { return &p.PatronID }),
	fText("surname", both, none, func(p *PatronInfo) *string { return &p.Surname }),
	fText("givenName", both, none, func(p *PatronInfo) *string { return &p.GivenName }),
	fCode("patronType", both, none, func(p *PatronInfo) *Code { return &p.PatronType }),
	fEnum("sendToPatron", both, none, ErrUnrecognisedDataValue, func(p *PatronInfo) *YesNo { return &p.SendToPatron }),
	fSlice("address", both, &addressTable, func(p *PatronInfo) *[]Address { return &p.Address }),
}}

var billingInfoTable = table[BillingInfo]{fields: []field[BillingInfo]{
	fCode("paymentMethod", both, none, func(b *BillingInfo) *Code { return &b.PaymentMethod }),
	fPtr("maximumCosts", both, none, &costsTable, func(b *BillingInfo) **Costs { return &b.MaximumCosts }),
	fCode("billingMethod", both, none, func(b *BillingInfo) *Code { return &b.BillingMethod }),
	fText("billingName", both, none, func(b *BillingInfo) *string { return &b.BillingName }),
	fPtr("address", both, none, &addressTable, func(b *BillingInfo) **Address { return &b.Address }),
}}
