package iso18626

// Header is the header of a request, supplying agency message or requesting
// agency message. v1.2 has one header type for all three; 2021 has three,
// which differ in which elements they allow:
//
//	element                         v1.2            2021 request  2021 SAM  2021 RAM
//	supplyingAgencyId               mandatory       optional      mandatory mandatory
//	requestingAgencyId              mandatory       mandatory     mandatory mandatory
//	consortialId                    -               optional      -         optional
//	multipleItemRequestId           mandatory(*)    optional      -         -
//	timestamp                       mandatory       mandatory     mandatory mandatory
//	requestingAgencyRequestId       mandatory       mandatory     mandatory mandatory
//	supplyingAgencyRequestId        optional        -             optional  optional
//	requestingAgencyAuthentication  optional        optional      -         optional
//
// (*) may be empty; Marshal always writes it in v1.2.
type Header struct {
	SupplyingAgencyID              AgencyID
	RequestingAgencyID             AgencyID
	ConsortialID                   AgencyID // 2021 only
	MultipleItemRequestID          string
	Timestamp                      DateTime
	RequestingAgencyRequestID      string
	SupplyingAgencyRequestID       string
	RequestingAgencyAuthentication *Authentication
}

// Authentication is requestingAgencyAuthentication.
type Authentication struct {
	AccountID    string
	SecurityCode string
}

// ConfirmationHeader is the header of the three confirmation types.
type ConfirmationHeader struct {
	SupplyingAgencyID         AgencyID // optional
	RequestingAgencyID        AgencyID // optional
	Timestamp                 DateTime // when the confirmation was made
	RequestingAgencyRequestID string   // optional
	MultipleItemRequestID     string   // v1.2 only, optional
	TimestampReceived         DateTime // the timestamp of the message confirmed
	MessageStatus             MessageStatus
}
