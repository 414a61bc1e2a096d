// Package ncip speaks NCIP 2.0/2.02 (ANSI/NISO Z39.83-1) to a library's own
// circulation system (ILS) from the initiator's side: the message types an
// ILL system sends (LookupUser, LookupItem, AcceptItem, RequestItem,
// CancelRequestItem, CheckOutItem, CheckInItem, DeleteItem, RenewItem) and
// their responses, their XML form, and an HTTP Client.
//
// What the package emits validates against both ncip_v2_02.xsd and
// ncip_v2_0.xsd; what it parses is read leniently (unqualified version and
// Scheme attributes, any namespace prefix, dates with or without a zone).
//
// Errors come in three families, told apart with errors.As:
//   - *Problem: the ILS answered with an NCIP Problem (Unknown User, User
//     Blocked, ...). Show it to staff; errors.Is(err, UnknownUser) matches
//     by problem type.
//   - *TransportError: no usable answer (refused, timeout, HTTP 5xx, a body
//     that is not NCIP). Usually worth retrying; see Retryable.
//   - ErrInvalidRequest: the caller built a message the schema forbids
//     (or misconfigured the Client); nothing was sent.
package ncip
