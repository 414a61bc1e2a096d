package wire

import (
	"reflect"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
)

func encodeRequest(m ill.Message, v iso18626.Version, ids Agencies) (*iso18626.Request, error) {
	r := &iso18626.Request{Header: header(m, ids)}
	if v == iso18626.V2021 {
		r.Header.SupplyingAgencyRequestID = "" // not in the 2021 request header
	}
	var c ill.Citation
	if m.Citation != nil {
		c = *m.Citation
	}
	r.BibliographicInfo = bibliographicInfo(c)
	r.PublicationInfo = publicationInfo(c)
	r.ServiceInfo = serviceInfo(m, c, v)
	r.RequestedDeliveryInfo = requestedDelivery(m, v)
	if p := patronInfo(m); p != nil {
		r.PatronInfo = p
	}
	if err := setBilling(r, m); err != nil {
		return nil, err
	}
	return r, nil
}

// isPart reports whether the citation is a part of a work (article,
// chapter): its own title and author go to titleOfComponent and
// authorOfComponent, the container's title to title.
func isPart(c ill.Citation) bool { return c.IsCopy() || c.Chapter != "" }

func bibliographicInfo(c ill.Citation) iso18626.BibliographicInfo {
	b := iso18626.BibliographicInfo{
		SeriesTitle:       c.Series,
		Edition:           c.Edition,
		Issue:             c.Issue,
		PagesRequested:    c.Pages,
		Sponsor:           c.Sponsor,
		InformationSource: c.Source,
	}
	if isPart(c) {
		b.Title = first(c.JournalTitle, c.Title)
		b.TitleOfComponent = first(c.ArticleTitle, c.Chapter)
		b.AuthorOfComponent = authorText(c)
	} else {
		b.Title = first(c.Title, c.JournalTitle)
		b.Author = authorText(c)
	}
	if c.Volume != "" {
		b.Volume = []string{c.Volume}
	}
	item := func(code, id string) {
		if id != "" {
			b.BibliographicItemID = append(b.BibliographicItemID, iso18626.BibliographicItemID{Identifier: id, Code: iso18626.C(code)})
		}
	}
	item("ISBN", c.ISBN)
	item("ISSN", c.ISSN)
	item("ISSN", c.EISSN) // the second ISSN is read back as the electronic one
	item("DOI", c.DOI)
	record := func(code, id string) {
		if id != "" {
			b.BibliographicRecordID = append(b.BibliographicRecordID, iso18626.BibliographicRecordID{Code: iso18626.C(code), Identifier: id})
		}
	}
	record("OCLC", c.OCLCNumber)
	record("LCCN", c.LCCN)
	record("PMID", c.PMID)
	return b
}

// authorSep joins several authors in the one author element.
const authorSep = "; "

// authorText is the first author followed by the other authors given.
func authorText(c ill.Citation) string {
	s := first(c.Author, firstOf(c.Authors))
	if len(c.Authors) > 1 && c.Authors[0] == s {
		for _, a := range c.Authors[1:] {
			s += authorSep + a
		}
	}
	return s
}

func firstOf(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return ss[0]
}

func publicationInfo(c ill.Citation) *iso18626.PublicationInfo {
	if c.Publisher == "" && c.PublicationType == "" && c.PubDate == "" && c.PlaceOfPub == "" {
		return nil
	}
	return &iso18626.PublicationInfo{Publisher: c.Publisher, PublicationType: code(string(c.PublicationType)),
		PublicationDate: c.PubDate, PlaceOfPublication: c.PlaceOfPub}
}

func serviceInfo(m ill.Message, c ill.Citation, v iso18626.Version) *iso18626.ServiceInfo {
	s := &iso18626.ServiceInfo{
		RequestType:                       iso18626.RequestType(m.RequestType),
		RequestingAgencyPreviousRequestID: m.PreviousRequestID,
		ServiceType:                       iso18626.ServiceType(m.ServiceType),
		ServiceLevel:                      code(m.ServiceLevel),
		ItemFormat:                        code(c.PreferredFormat),
		NeedBeforeDate:                    iso18626.At(m.NeedBefore),
		CopyrightCompliance:               code(m.Copyright),
		Note:                              m.Note,
	}
	edition := iso18626.PreferredEdition(c.PreferredEdition)
	if v == iso18626.V2021 {
		if edition.Valid(v) {
			s.PreferredEdition = edition
		}
		s.LoanCondition = codes(m.Conditions)
		return s
	}
	switch edition {
	case iso18626.EditionAny:
		s.AnyEdition = iso18626.Yes
	case iso18626.EditionThis:
		s.AnyEdition = iso18626.No
	}
	var ls lines
	ls.add(lineCondition, m.Conditions...)
	s.Note = ls.appendTo(s.Note)
	if reflect.ValueOf(*s).IsZero() {
		return nil // optional in v1.2
	}
	return s
}

// requestedDelivery lists the delivery address: the postal address and the
// e-mail address, each its own entry, the one the delivery method uses
// first. 2021 adds the delivery method to the first entry.
func requestedDelivery(m ill.Message, v iso18626.Version) []iso18626.RequestedDeliveryInfo {
	a := m.DeliveryAddress
	var out []iso18626.RequestedDeliveryInfo
	if hasPostal(a) {
		out = append(out, iso18626.RequestedDeliveryInfo{Address: &iso18626.Address{PhysicalAddress: &iso18626.PhysicalAddress{
			Line1: a.Line1, Line2: a.Line2, Locality: a.Locality, PostalCode: a.PostalCode,
			Region: code(a.Region), Country: code(a.Country)}}})
	}
	if a.Email != "" {
		e := iso18626.RequestedDeliveryInfo{Address: &iso18626.Address{ElectronicAddress: &iso18626.ElectronicAddress{
			ElectronicAddressType: iso18626.C("Email"), ElectronicAddressData: a.Email}}}
		if electronicMethod(m.DeliveryMethod) {
			out = append([]iso18626.RequestedDeliveryInfo{e}, out...)
		} else {
			out = append(out, e)
		}
	}
	if v == iso18626.V2021 && m.DeliveryMethod != "" {
		if len(out) == 0 {
			out = append(out, iso18626.RequestedDeliveryInfo{})
		}
		out[0].DeliveryMethod = code(m.DeliveryMethod)
	}
	for i := range out {
		out[i].SortOrder = new(i + 1)
	}
	return out
}

func electronicMethod(method string) bool {
	switch method {
	case "Email", "FTP", "URL", "ArticleExchange", "Odyssey":
		return true
	}
	return false
}

// patronInfo sends the pseudonymous patron reference and the category,
// the latter only when it is a value of the PatronTypeList (a local
// category means nothing to the partner). Names and addresses are never
// sent.
func patronInfo(m ill.Message) *iso18626.PatronInfo {
	p := &iso18626.PatronInfo{PatronID: m.PatronRef}
	if t := code(m.PatronCategory); iso18626.OpenLists["patronType"].Has(t) {
		p.PatronType = t
	}
	if p.PatronID == "" && p.PatronType.IsZero() {
		return nil
	}
	return p
}

// setBilling writes billingInfo when there is anything to bill.
func setBilling(r *iso18626.Request, m ill.Message) error {
	b := &iso18626.BillingInfo{PaymentMethod: code(m.PaymentMethod), BillingMethod: code(m.BillingMethod)}
	if !m.MaxCost.IsZero() {
		c, err := Costs(m.MaxCost)
		if err != nil {
			return err
		}
		b.MaximumCosts = &c
	}
	if !b.PaymentMethod.IsZero() || !b.BillingMethod.IsZero() || b.MaximumCosts != nil {
		r.BillingInfo = b
	}
	return nil
}
