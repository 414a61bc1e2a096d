package iso18626

import "encoding/xml"

// Tables of the supplying and requesting agency messages, the
// confirmations and the root.

var samTable = table[SupplyingAgencyMessage]{fields: []field[SupplyingAgencyMessage]{
	fStruct("header", both, both, &samHeaderTable, func(s *SupplyingAgencyMessage) *Header { return &s.Header }),
	messageInfoField(),
	fStruct("statusInfo", both, both, &statusInfoTable, func(s *SupplyingAgencyMessage) *StatusInfo { return &s.StatusInfo }),
	retryInfoField(),
	fPtr("deliveryInfo", both, none, &deliveryInfoTable,
		func(s *SupplyingAgencyMessage) **DeliveryInfo { return &s.DeliveryInfo }),
	fPtr("shippingInfo", only21, none, &shippingInfoTable,
		func(s *SupplyingAgencyMessage) **ShippingInfo { return &s.ShippingInfo }),
	fPtr("returnInfo", both, none, &returnInfoTable, func(s *SupplyingAgencyMessage) **ReturnInfo { return &s.ReturnInfo }),
}}

// messageInfoField reads messageInfo into the whole SAM, because its v1.2
// retry elements belong to SupplyingAgencyMessage.RetryInfo in the model.
func messageInfoField() field[SupplyingAgencyMessage] {
	return field[SupplyingAgencyMessage]{name: "messageInfo", in: both, req: both,
		read: func(d *decoder, se xml.StartElement, s *SupplyingAgencyMessage) error {
			return readTable(d, se, &messageInfoTable, s)
		},
		write: func(w *writer, name string, s *SupplyingAgencyMessage, _ bool) {
			w.open(name)
			writeTable(w, &messageInfoTable, s)
			w.close(name)
		},
		count: func(*SupplyingAgencyMessage) int { return 1 },
		check: func(c *checker, _ string, s *SupplyingAgencyMessage) { checkTable(c, &messageInfoTable, s) },
	}
}

func retryOf(s *SupplyingAgencyMessage) *RetryInfo {
	if s.RetryInfo == nil {
		s.RetryInfo = new(RetryInfo)
	}
	return s.RetryInfo
}

var messageInfoTable = table[SupplyingAgencyMessage]{fields: []field[SupplyingAgencyMessage]{
	fEnum("reasonForMessage", both, both, ErrUnsupportedReasonForMessageType,
		func(s *SupplyingAgencyMessage) *ReasonForMessage { return &s.MessageInfo.ReasonForMessage }),
	fEnum("answerYesNo", both, none, ErrUnrecognisedDataValue,
		func(s *SupplyingAgencyMessage) *YesNo { return &s.MessageInfo.AnswerYesNo }),
	fText("note", both, none, func(s *SupplyingAgencyMessage) *string { return &s.MessageInfo.Note }),
	fCode("reasonUnfilled", both, none, func(s *SupplyingAgencyMessage) *Code { return &s.MessageInfo.ReasonUnfilled }),
	fCode("reasonRetry", both, none, func(s *SupplyingAgencyMessage) *Code { return &s.MessageInfo.ReasonRetry }),
	v12Retry("offeredCosts", func(d *decoder, se xml.StartElement, s *SupplyingAgencyMessage) error {
		r := retryOf(s)
		r.OfferedCosts = append(r.OfferedCosts, Costs{})
		return readTable(d, se, &costsTable, &r.OfferedCosts[len(r.OfferedCosts)-1])
	}, func(w *writer, name string, r *RetryInfo) {
		for i := range r.OfferedCosts {
			w.open(name)
			writeTable(w, &costsTable, &r.OfferedCosts[i])
			w.close(name)
		}
	}),
	v12RetryDate("retryAfter", func(r *RetryInfo) *DateTime { return &r.RetryAfter }),
	v12RetryDate("retryBefore", func(r *RetryInfo) *DateTime { return &r.RetryBefore }),
}}

// v12Retry is a v1.2 messageInfo retry element: read into and written from
// RetryInfo, and checked there (its count here is 0).
func v12Retry(name string, read func(d *decoder, se xml.StartElement, s *SupplyingAgencyMessage) error,
	write func(w *writer, name string, r *RetryInfo)) field[SupplyingAgencyMessage] {
	return field[SupplyingAgencyMessage]{name: name, in: only12, read: read,
		write: func(w *writer, name string, s *SupplyingAgencyMessage, _ bool) {
			if s.RetryInfo != nil {
				write(w, name, s.RetryInfo)
			}
		},
		count: func(*SupplyingAgencyMessage) int { return 0 },
	}
}

func v12RetryDate(name string, get func(*RetryInfo) *DateTime) field[SupplyingAgencyMessage] {
	return v12Retry(name, func(d *decoder, se xml.StartElement, s *SupplyingAgencyMessage) error {
		v, err := d.date(se)
		if err == nil && !v.IsZero() { // a tolerated empty date must not create a RetryInfo
			*get(retryOf(s)) = v
		}
		return err
	}, func(w *writer, name string, r *RetryInfo) {
		if v := *get(r); !v.IsZero() {
			w.date(name, v)
		}
	})
}

// retryInfoField is the 2021 retryInfo element. In v1.2 the same data (only
// offeredCosts, retryAfter, retryBefore) is written inside messageInfo.
func retryInfoField() field[SupplyingAgencyMessage] {
	get := func(s *SupplyingAgencyMessage) **RetryInfo { return &s.RetryInfo }
	f := fPtr("retryInfo", both, none, &retryInfoTable, get)
	f.evid = only21
	f.read = func(d *decoder, se xml.StartElement, s *SupplyingAgencyMessage) error {
		return readTable(d, se, &retryInfoTable, retryOf(s))
	}
	write := f.write
	f.write = func(w *writer, name string, s *SupplyingAgencyMessage, req bool) {
		if w.v == V2021 {
			write(w, name, s, req)
		}
	}
	f.check = func(c *checker, name string, s *SupplyingAgencyMessage) {
		r, before := s.RetryInfo, len(c.out)
		checkTable(c, &retryInfoTable, r)
		if c.v == V1_2 && len(c.out) == before && len(r.OfferedCosts) == 0 && r.RetryAfter.IsZero() && r.RetryBefore.IsZero() {
			c.add(ErrUnrecognisedDataElement, name) // an empty retryInfo element has no v1.2 form
		}
	}
	return f
}

var retryInfoTable = table[RetryInfo]{fields: []field[RetryInfo]{
	fCodes("loanCondition", only21, func(r *RetryInfo) *[]Code { return &r.LoanCondition }),
	fTexts("edition", only21, func(r *RetryInfo) *[]string { return &r.Edition }),
	fCodes("itemFormat", only21, func(r *RetryInfo) *[]Code { return &r.ItemFormat }),
	fTexts("volume", only21, func(r *RetryInfo) *[]string { return &r.Volume }),
	fEnum("serviceType", only21, none, ErrUnrecognisedDataValue, func(r *RetryInfo) *ServiceType { return &r.ServiceType }),
	fCodes("serviceLevel", only21, func(r *RetryInfo) *[]Code { return &r.ServiceLevel }),
	fCodes("deliveryMethod", only21, func(r *RetryInfo) *[]Code { return &r.DeliveryMethod }),
	fCodes("courierName", only21, func(r *RetryInfo) *[]Code { return &r.CourierName }),
	fSlice("offeredCosts", both, &costsTable, func(r *RetryInfo) *[]Costs { return &r.OfferedCosts }).max(1),
	fCodes("paymentMethod", only21, func(r *RetryInfo) *[]Code { return &r.PaymentMethod }),
	fDate("retryBefore", both, none, func(r *RetryInfo) *DateTime { return &r.RetryBefore }),
	fDate("retryAfter", both, none, func(r *RetryInfo) *DateTime { return &r.RetryAfter }),
}}

var statusInfoTable = table[StatusInfo]{fields: []field[StatusInfo]{
	fEnum("status", both, both, ErrUnrecognisedDataValue, func(s *StatusInfo) *Status { return &s.Status }).emptyTolerable(),
	fDate("expectedDeliveryDate", both, none, func(s *StatusInfo) *DateTime { return &s.ExpectedDeliveryDate }),
	fDate("dueDate", both, none, func(s *StatusInfo) *DateTime { return &s.DueDate }),
	fDate("lastChange", both, both, func(s *StatusInfo) *DateTime { return &s.LastChange }),
}}

var deliveryInfoTable = table[DeliveryInfo]{fields: []field[DeliveryInfo]{
	fDate("dateSent", both, both, func(d *DeliveryInfo) *DateTime { return &d.DateSent }).zeroTolerable(),
	fTexts("itemId", both, func(d *DeliveryInfo) *[]string { return &d.ItemID }).max(1),
	fText("URL", only21, none, func(d *DeliveryInfo) *string { return &d.URL }),
	fCode("deliveryMethod", both, none, func(d *DeliveryInfo) *Code { return &d.DeliveryMethod }).as12("sentVia"),
	fPtr("address", only21, none, &addressTable, func(d *DeliveryInfo) **Address { return &d.Address }),
	fBool("sentToPatron", both, func(d *DeliveryInfo) **bool { return &d.SentToPatron }),
	fCodes("loanCondition", both, func(d *DeliveryInfo) *[]Code { return &d.LoanCondition }).max(1),
	fCode("itemFormat", both, none, func(d *DeliveryInfo) *Code { return &d.ItemFormat }).as12("deliveredFormat"),
	fEnum("serviceType", only21, none, ErrUnrecognisedDataValue, func(d *DeliveryInfo) *ServiceType { return &d.ServiceType }),
	fSlice("deliveryCosts", both, &costsTable, func(d *DeliveryInfo) *[]Costs { return &d.DeliveryCosts }).max(1),
	fCode("paymentMethod", only21, none, func(d *DeliveryInfo) *Code { return &d.PaymentMethod }),
}}

var shippingInfoTable = table[ShippingInfo]{fields: []field[ShippingInfo]{
	fCode("courierName", both, none, func(s *ShippingInfo) *Code { return &s.CourierName }),
	fTexts("trackingId", both, func(s *ShippingInfo) *[]string { return &s.TrackingID }),
	fEnum("insurance", both, none, ErrUnrecognisedDataValue, func(s *ShippingInfo) *YesNo { return &s.Insurance }),
	fEnum("insuranceThirdParty", both, none, ErrUnrecognisedDataValue,
		func(s *ShippingInfo) *YesNo { return &s.InsuranceThirdParty }),
	fText("thirdPartyName", both, none, func(s *ShippingInfo) *string { return &s.ThirdPartyName }),
	fSlice("insuranceCosts", both, &costsTable, func(s *ShippingInfo) *[]Costs { return &s.InsuranceCosts }),
}}

var returnInfoTable = table[ReturnInfo]{fields: []field[ReturnInfo]{
	fAgency("returnAgencyId", both, none, func(r *ReturnInfo) *AgencyID { return &r.ReturnAgencyID }),
	fText("name", both, none, func(r *ReturnInfo) *string { return &r.Name }),
	fPtr("physicalAddress", both, none, &physicalAddressTable, func(r *ReturnInfo) **PhysicalAddress { return &r.PhysicalAddress }),
}}

var ramTable = table[RequestingAgencyMessage]{fields: []field[RequestingAgencyMessage]{
	fStruct("header", both, both, &ramHeaderTable, func(r *RequestingAgencyMessage) *Header { return &r.Header }),
	fEnum("action", both, both, ErrUnsupportedActionType, func(r *RequestingAgencyMessage) *Action { return &r.Action }),
	fText("note", both, none, func(r *RequestingAgencyMessage) *string { return &r.Note }),
}}

var requestConfirmationTable = table[RequestConfirmation]{fields: []field[RequestConfirmation]{
	fStruct("confirmationHeader", both, both, &confirmationHeaderTable,
		func(r *RequestConfirmation) *ConfirmationHeader { return &r.Header }),
	fSlice("errorData", both, &errorDataTable, func(r *RequestConfirmation) *[]ErrorData { return &r.ErrorData }).max(1),
}}

var samConfirmationTable = table[SupplyingAgencyMessageConfirmation]{fields: []field[SupplyingAgencyMessageConfirmation]{
	fStruct("confirmationHeader", both, both, &confirmationHeaderTable,
		func(r *SupplyingAgencyMessageConfirmation) *ConfirmationHeader { return &r.Header }),
	fEnum("reasonForMessage", both, none, ErrUnrecognisedDataValue,
		func(r *SupplyingAgencyMessageConfirmation) *ReasonForMessage { return &r.ReasonForMessage }),
	fSlice("errorData", both, &errorDataTable,
		func(r *SupplyingAgencyMessageConfirmation) *[]ErrorData { return &r.ErrorData }).max(1),
}}

var ramConfirmationTable = table[RequestingAgencyMessageConfirmation]{fields: []field[RequestingAgencyMessageConfirmation]{
	fStruct("confirmationHeader", both, both, &confirmationHeaderTable,
		func(r *RequestingAgencyMessageConfirmation) *ConfirmationHeader { return &r.Header }),
	fEnum("action", both, none, ErrUnrecognisedDataValue,
		func(r *RequestingAgencyMessageConfirmation) *Action { return &r.Action }),
	fSlice("errorData", both, &errorDataTable,
		func(r *RequestingAgencyMessageConfirmation) *[]ErrorData { return &r.ErrorData }).max(1),
}}

// rootTable is the content of ISO18626Message: one of six messages.
var rootTable = table[Message]{fields: []field[Message]{
	fPtr("request", both, none, &requestTable, func(m *Message) **Request { return &m.Request }),
	fPtr("requestConfirmation", both, none, &requestConfirmationTable,
		func(m *Message) **RequestConfirmation { return &m.RequestConfirmation }),
	fPtr("supplyingAgencyMessage", both, none, &samTable,
		func(m *Message) **SupplyingAgencyMessage { return &m.SupplyingAgencyMessage }),
	fPtr("supplyingAgencyMessageConfirmation", both, none, &samConfirmationTable,
		func(m *Message) **SupplyingAgencyMessageConfirmation { return &m.SupplyingAgencyMessageConfirmation }),
	fPtr("requestingAgencyMessage", both, none, &ramTable,
		func(m *Message) **RequestingAgencyMessage { return &m.RequestingAgencyMessage }),
	fPtr("requestingAgencyMessageConfirmation", both, none, &ramConfirmationTable,
		func(m *Message) **RequestingAgencyMessageConfirmation { return &m.RequestingAgencyMessageConfirmation }),
}}
