package wire

import (
	"cmp"
	"slices"
	"strings"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
)

// Decode reads an incoming request, SAM or RAM as a domain message. It
// expects what Parse accepted (and, for a partner's message,
// Tolerance.Validate passed) and is tolerant of what partners send: an
// empty status stays "" (no change), ReShare and Interlend markers and data
// lines are taken off notes, dates come back in UTC.
//
// It fails with a *DataError (answer with its errorData) for an agency id
// ids does not know and for costs that are not an amount of their currency;
// with an ill.Invalid error for a message that is not a request, SAM or
// RAM.
func Decode(im *iso18626.Message, ids Agencies) (ill.Message, error) {
	switch {
	case im == nil:
	case im.Request != nil:
		return decodeRequest(im.Request, ids)
	case im.SupplyingAgencyMessage != nil:
		return decodeSAM(im.SupplyingAgencyMessage, ids)
	case im.RequestingAgencyMessage != nil:
		return decodeRAM(im.RequestingAgencyMessage, ids)
	}
	return ill.Message{}, ill.E(ill.Invalid, ill.Op("wire.Decode"), "only a request, SAM or RAM decodes to a domain message")
}

func decodeHeader(kind ill.MessageKind, h iso18626.Header, ids Agencies) (ill.Message, error) {
	m := ill.Message{Kind: kind, RequesterRequestID: h.RequestingAgencyRequestID,
		SupplierRequestID: h.SupplyingAgencyRequestID, Timestamp: when(h.Timestamp)}
	var err error
	if m.Supplier, err = agency(ids, "supplyingAgencyId", h.SupplyingAgencyID); err != nil {
		return ill.Message{}, err
	}
	if m.Requester, err = agency(ids, "requestingAgencyId", h.RequestingAgencyID); err != nil {
		return ill.Message{}, err
	}
	return m, nil
}

func decodeRequest(r *iso18626.Request, ids Agencies) (ill.Message, error) {
	m, err := decodeHeader(ill.MsgRequest, r.Header, ids)
	if err != nil {
		return m, err
	}
	c := citation(r.BibliographicInfo, r.PublicationInfo)
	if si := r.ServiceInfo; si != nil {
		m.RequestType = string(si.RequestType)
		m.PreviousRequestID = si.RequestingAgencyPreviousRequestID
		m.ServiceType = ill.ServiceType(si.ServiceType)
		m.ServiceLevel = si.ServiceLevel.Value
		m.NeedBefore = when(si.NeedBeforeDate)
		m.Copyright = si.CopyrightCompliance.Value
		c.PreferredFormat = si.ItemFormat.Value
		c.PreferredEdition = edition(si)
		var ls lines
		m.Note, ls = cutLines(si.Note, lineCondition)
		m.Conditions = append(values(si.LoanCondition), ls.values(lineCondition)...)
	}
	m.Citation = &c
	// Conditions in a Retry are the ones the requester accepted (the 2021
	// answer to RetryPossible / MustMeetLoanCondition).
	m.AcceptConditions = m.RequestType == ill.RequestRetry && len(m.Conditions) > 0
	readDelivery(&m, r.RequestedDeliveryInfo)
	if p := r.PatronInfo; p != nil {
		m.PatronRef, m.PatronCategory = p.PatronID, p.PatronType.Value
	}
	if b := r.BillingInfo; b != nil {
		m.PaymentMethod, m.BillingMethod = b.PaymentMethod.Value, b.BillingMethod.Value
		if b.MaximumCosts != nil {
			if m.MaxCost, err = Money(*b.MaximumCosts); err != nil {
				return ill.Message{}, err
			}
		}
	}
	return m, nil
}

// citation reads bibliographicInfo and publicationInfo. The component
// (article, chapter) title and author are the citation's own; title is
// also the journal title of an article or journal.
func citation(b iso18626.BibliographicInfo, p *iso18626.PublicationInfo) ill.Citation {
	c := ill.Citation{Title: b.Title, Edition: b.Edition, Series: b.SeriesTitle, ArticleTitle: b.TitleOfComponent,
		Volume: strings.Join(b.Volume, "; "), Issue: b.Issue, Pages: b.PagesRequested, Sponsor: b.Sponsor,
		Source: b.InformationSource}
	switch {
	case b.Subtitle == "":
	case c.Title == "":
		c.Title = b.Subtitle
	default:
		c.Title += ": " + b.Subtitle // the domain has no subtitle
	}
	if a := strings.TrimSpace(first(b.AuthorOfComponent, b.Author)); a != "" {
		authors := strings.Split(a, authorSep)
		c.Author = authors[0]
		if len(authors) > 1 {
			c.Authors = authors
		}
	}
	if p != nil {
		c.Publisher, c.PubDate, c.PlaceOfPub = p.Publisher, p.PublicationDate, p.PlaceOfPublication
		c.PublicationType = ill.PublicationType(p.PublicationType.Value)
	}
	if c.PublicationType == ill.PubArticle || c.PublicationType == ill.PubJournal {
		c.JournalTitle = c.Title
	}
	for _, id := range b.BibliographicItemID {
		v := strings.TrimSpace(id.Identifier)
		switch strings.ToUpper(id.Code.Value) {
		case "ISBN":
			c.ISBN = first(c.ISBN, v)
		case "ISSN":
			if c.ISSN == "" {
				c.ISSN = v
			} else if c.EISSN == "" {
				c.EISSN = v
			}
		case "DOI":
			c.DOI = first(c.DOI, v)
		}
	}
	for _, id := range b.BibliographicRecordID {
		v := strings.TrimSpace(id.Identifier)
		switch strings.ToUpper(id.Code.Value) {
		case "OCLC":
			c.OCLCNumber = first(c.OCLCNumber, v)
		case "LCCN":
			c.LCCN = first(c.LCCN, v)
		case "PMID":
			c.PMID = first(c.PMID, v)
		}
	}
	return c
}

func edition(si *iso18626.ServiceInfo) string {
	switch {
	case si.PreferredEdition != "":
		return string(si.PreferredEdition)
	case si.AnyEdition == iso18626.Yes:
		return string(iso18626.EditionAny)
	case si.AnyEdition == iso18626.No:
		return string(iso18626.EditionThis)
	}
	return ""
}

// readDelivery reads the delivery entries in sortOrder: the first
// postal address, the first e-mail address and the first delivery method.
func readDelivery(m *ill.Message, entries []iso18626.RequestedDeliveryInfo) {
	sorted := slices.Clone(entries)
	slices.SortStableFunc(sorted, func(a, b iso18626.RequestedDeliveryInfo) int { return cmp.Compare(sortKey(a), sortKey(b)) })
	for _, e := range sorted {
		m.DeliveryMethod = first(m.DeliveryMethod, e.DeliveryMethod.Value)
		if e.Address == nil {
			continue
		}
		if pa := e.Address.PhysicalAddress; pa != nil && !hasPostal(m.DeliveryAddress) {
			m.DeliveryAddress.Line1, m.DeliveryAddress.Line2 = pa.Line1, pa.Line2
			m.DeliveryAddress.Locality, m.DeliveryAddress.PostalCode = pa.Locality, pa.PostalCode
			m.DeliveryAddress.Region, m.DeliveryAddress.Country = pa.Region.Value, pa.Country.Value
		}
		if ea := e.Address.ElectronicAddress; ea != nil && strings.EqualFold(ea.ElectronicAddressType.Value, "Email") {
			m.DeliveryAddress.Email = first(m.DeliveryAddress.Email, ea.ElectronicAddressData)
		}
	}
}

func sortKey(e iso18626.RequestedDeliveryInfo) int {
	if e.SortOrder == nil {
		return int(^uint(0) >> 1)
	}
	return *e.SortOrder
}

func hasPostal(a ill.Address) bool {
	return a.Line1 != "" || a.Line2 != "" || a.Locality != "" || a.Region != "" || a.PostalCode != "" || a.Country != ""
}

func values(cs []iso18626.Code) []string {
	var out []string
	for _, c := range cs {
		if c.Value != "" {
			out = append(out, c.Value)
		}
	}
	return out
}
