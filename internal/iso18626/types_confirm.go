package iso18626

// RequestConfirmation acknowledges a request (receipt only, not an answer).
type RequestConfirmation struct {
	Header    ConfirmationHeader
	ErrorData []ErrorData // at most one in v1.2
}

// SupplyingAgencyMessageConfirmation acknowledges a SAM.
type SupplyingAgencyMessageConfirmation struct {
	Header           ConfirmationHeader
	ReasonForMessage ReasonForMessage // echo of the SAM's reason; optional
	ErrorData        []ErrorData      // at most one in v1.2
}

// RequestingAgencyMessageConfirmation acknowledges a RAM.
type RequestingAgencyMessageConfirmation struct {
	Header    ConfirmationHeader
	Action    Action      // echo of the RAM's action; optional
	ErrorData []ErrorData // at most one in v1.2
}

// ErrorData says why a message was not processed.
type ErrorData struct {
	ErrorType  ErrorType
	ErrorValue string
}
