// Package ils is Interlend's side of the conversation with a library's
// own circulation system (the ILS: Alma, Koha, FOLIO, Sierra, ...). A
// Driver offers the borrowing steps (LookupUser at intake, AcceptItem when
// a loan arrives, CheckOutItem, CheckInItem, DeleteItem, RenewItem) and
// the lending steps (LookupItem, RequestItem for a pull slip, CheckOutItem
// to the borrowing library's account, CheckInItem, CancelRequestItem) with
// typed inputs and outputs.
//
// Two drivers exist. None is for a library whose ILS Interlend does not
// talk to: Interlend circulates ILL items itself, LookupUser checks the
// local patron records, and the circulation steps succeed without doing
// anything. NCIP speaks NCIP 2.02 (or 2.0) over HTTP with per-agency
// Settings (endpoint, agency ids, authentication, enabled services,
// locations, request types).
//
// Every method's error is an *Error of one Class, so that a job calling a
// step knows what to do:
//   - Refused: the ILS answered no (Unknown User, User Blocked, Unknown
//     Item, ...). Show StaffMessage to staff; retrying will not help.
//   - Unavailable: no usable answer (down, slow, HTTP 5xx). Retry later.
//   - Misconfigured: the call cannot work until someone changes the
//     settings, the credentials or the data sent (HTTP 401, Unknown
//     Agency, a required id missing). Show it; do not retry.
//   - NotConfigured: the service is switched off for this agency (or the
//     driver has none). Skip the step.
//
// The steps are safe to retry. AcceptItem and RequestItem carry the ILL
// request's id as the NCIP RequestId, so an ILS that already processed
// them recognises the retry; a second CheckInItem (Item Not Checked Out), a
// second DeleteItem (Unknown Item) and a second CancelRequestItem (Request
// Already Processed) are reported as successes with a flag saying the
// work was already done.
//
// Patron data (names, emails, the ILS's problem details) is personal:
// Error.Error leaves it out, so errors may be logged.
package ils
