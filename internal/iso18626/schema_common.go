package iso18626

// Tables of the types shared by several messages.

var agencyTable = table[AgencyID]{fields: []field[AgencyID]{
	fCode("agencyIdType", both, both, func(a *AgencyID) *Code { return &a.Type }),
	fText("agencyIdValue", both, both, func(a *AgencyID) *string { return &a.Value }),
}}

var costsTable = table[Costs]{fields: []field[Costs]{
	fCode("currencyCode", both, both, func(c *Costs) *Code { return &c.CurrencyCode }),
	fDecimal("monetaryValue", func(c *Costs) *Decimal { return &c.MonetaryValue }),
}}

var authTable = table[Authentication]{fields: []field[Authentication]{
	fText("accountId", both, none, func(a *Authentication) *string { return &a.AccountID }),
	fText("securityCode", both, none, func(a *Authentication) *string { return &a.SecurityCode }),
}}

var electronicAddressTable = table[ElectronicAddress]{fields: []field[ElectronicAddress]{
	fCode("electronicAddressType", both, both, func(e *ElectronicAddress) *Code { return &e.ElectronicAddressType }),
	fText("electronicAddressData", both, both, func(e *ElectronicAddress) *string { return &e.ElectronicAddressData }),
}}

var physicalAddressTable = table[PhysicalAddress]{fields: []field[PhysicalAddress]{
	fText("line1", both, none, func(p *PhysicalAddress) *string { return &p.Line1 }),
	fText("line2", both, none, func(p *PhysicalAddress) *string { return &p.Line2 }),
	fText("locality", both, none, func(p *PhysicalAddress) *string { return &p.Locality }),
	fText("postalCode", both, none, func(p *PhysicalAddress) *string { return &p.PostalCode }),
	regionField(),
	fCode("country", both, none, func(p *PhysicalAddress) *Code { return &p.Country }),
}}

// regionField is a scheme/value pair in v1.2 and a plain string in 2021.
func regionField() field[PhysicalAddress] {
	f := fCode("region", both, none, func(p *PhysicalAddress) *Code { return &p.Region })
	f.write = func(w *writer, name string, p *PhysicalAddress, _ bool) {
		switch {
		case p.Region.IsZero():
		case w.v == V2021:
			w.text(name, p.Region.Value)
		default:
			w.code(name, p.Region)
		}
	}
	f.check = func(c *checker, name string, p *PhysicalAddress) {
		if c.v == V2021 && p.Region.Scheme != "" {
			c.add(ErrBadlyFormedMessage, name+" is a plain string in 2021 and has no scheme")
		}
	}
	return f
}

var addressTable = table[Address]{
	fields: []field[Address]{
		fPtr("electronicAddress", both, none, &electronicAddressTable,
			func(a *Address) **ElectronicAddress { return &a.ElectronicAddress }),
		fPtr("physicalAddress", both, none, &physicalAddressTable,
			func(a *Address) **PhysicalAddress { return &a.PhysicalAddress }),
	},
	check: func(c *checker, a *Address) {
		if !c.shapeOnly && (a.ElectronicAddress == nil) == (a.PhysicalAddress == nil) {
			c.add(ErrBadlyFormedMessage, "address must hold exactly one of electronicAddress and physicalAddress")
		}
	},
}

var errorDataTable = table[ErrorData]{fields: []field[ErrorData]{
	fEnum("errorType", both, both, ErrUnrecognisedDataValue, func(e *ErrorData) *ErrorType { return &e.ErrorType }),
	fText("errorValue", both, none, func(e *ErrorData) *string { return &e.ErrorValue }),
}}

// Header tables: one per message type, since 2021 has three header types.

func headerFields(consortial, multi, suppReqID, auth, suppReq vmask) []field[Header] {
	return []field[Header]{
		fAgency("supplyingAgencyId", both, suppReq, func(h *Header) *AgencyID { return &h.SupplyingAgencyID }),
		fAgency("requestingAgencyId", both, both, func(h *Header) *AgencyID { return &h.RequestingAgencyID }),
		fAgency("consortialId", consortial, none, func(h *Header) *AgencyID { return &h.ConsortialID }),
		fText("multipleItemRequestId", multi, only12, func(h *Header) *string { return &h.MultipleItemRequestID }).mayBeEmpty(),
		fDate("timestamp", both, both, func(h *Header) *DateTime { return &h.Timestamp }),
		fText("requestingAgencyRequestId", both, both, func(h *Header) *string { return &h.RequestingAgencyRequestID }),
		fText("supplyingAgencyRequestId", suppReqID, none, func(h *Header) *string { return &h.SupplyingAgencyRequestID }),
		fPtr("requestingAgencyAuthentication", auth, none, &authTable,
			func(h *Header) **Authentication { return &h.RequestingAgencyAuthentication }),
	}
}

var (
	//                                          consortialId multipleItem suppReqId auth  suppAgency mandatory
	requestHeaderTable = table[Header]{fields: headerFields(only21, both, only12, both, only12)}
	samHeaderTable     = table[Header]{fields: headerFields(none, only12, both, only12, both)}
	ramHeaderTable     = table[Header]{fields: headerFields(only21, only12, both, both, both)}
)

var confirmationHeaderTable = table[ConfirmationHeader]{fields: []field[ConfirmationHeader]{
	fAgency("supplyingAgencyId", both, none, func(h *ConfirmationHeader) *AgencyID { return &h.SupplyingAgencyID }),
	fAgency("requestingAgencyId", both, none, func(h *ConfirmationHeader) *AgencyID { return &h.RequestingAgencyID }),
	fDate("timestamp", both, both, func(h *ConfirmationHeader) *DateTime { return &h.Timestamp }),
	fText("requestingAgencyRequestId", both, none, func(h *ConfirmationHeader) *string { return &h.RequestingAgencyRequestID }),
	fText("multipleItemRequestId", only12, none, func(h *ConfirmationHeader) *string { return &h.MultipleItemRequestID }),
	fDate("timestampReceived", both, both, func(h *ConfirmationHeader) *DateTime { return &h.TimestampReceived }),
	fEnum("messageStatus", both, both, ErrUnrecognisedDataValue,
		func(h *ConfirmationHeader) *MessageStatus { return &h.MessageStatus }),
}}
