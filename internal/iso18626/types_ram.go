package iso18626

// RequestingAgencyMessage (RAM) is an action of the requester on an
// existing request.
type RequestingAgencyMessage struct {
	Header Header
	Action Action
	Note   string
}
