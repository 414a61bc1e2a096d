// Package wire converts between Interlend's domain messages (ill.Message:
// request, SAM, RAM) and ISO 18626 messages (iso18626.Message) in both
// schema versions, v1.2 and 2021-2. It holds no state and does no I/O: the
// peer transport parses and marshals with package iso18626 and calls
// Encode, Decode, Confirm and ReadConfirmation.
//
// Everything Encode returns passes iso18626.Validate, so iso18626.Marshal
// writes it and it validates against the version's XSD. Decode is tolerant
// of what partners send and fails only with errors a confirmation can carry
// (*DataError).
//
// # Agencies
//
// Agency ids go through an Agencies mapping; the default, ISIL, reads and
// writes ISIL-typed ids (and reads OCLC-typed ones as "OCLC-<symbol>").
// An id the mapping does not know is a *DataError with errorType
// UnrecognisedDataValue and errorValue `supplyingAgencyId - Value = "X"`.
//
// # Requests
//
// The citation goes to bibliographicInfo and publicationInfo. For a part
// (an article or chapter: Citation.IsCopy, or a Chapter given) title is the
// container (the journal title, else the book title), titleOfComponent the
// article title (else Chapter) and authorOfComponent the author; for a
// whole work, title and author. Several authors share the one element,
// separated by "; ". ISBN, ISSN, the electronic ISSN (a second ISSN) and
// DOI are bibliographicItemIds; OCLC, LCCN and PMID bibliographicRecordIds.
// PreferredFormat is serviceInfo/itemFormat (v1.2 preferredFormat),
// PreferredEdition is 2021 preferredEdition or v1.2 anyEdition (Y for
// AnyEdition, N for ThisEdition). The patron is only patronId (the
// pseudonymous PatronRef) and patronType when the category is a value of
// the PatronTypeList. The delivery address is a physical address and, when
// it has an e-mail, an electronic one, in their own requestedDeliveryInfo
// entries, the one the delivery method uses first; 2021 adds deliveryMethod.
// Costs are decimal amounts with the currency's ISO 4217 digits (Costs,
// Money).
//
// # Loan conditions
//
// A SAM offers conditions when it carries Conditions or an OfferedCost on
// a status before shipping (RequestReceived, ExpectToSupply, WillSupply, or
// none) or RetryPossible.
//
//   - v1.2 follows ReShare: the note starts with #ReShareAddLoanCondition#,
//     the (first) condition is deliveryInfo/loanCondition (with dateSent,
//     which the XSD requires), the status is kept, and the cost is
//     messageInfo/offeredCosts, v1.2's place for what a retry would cost.
//     The requester agrees with a RAM Notification whose note starts with
//     #ReShareLoanConditionAgreeResponse# (AcceptConditions).
//   - 2021 follows the standard: status RetryPossible, reasonRetry
//     MustMeetLoanCondition (CostExceedsMaxCost when only a cost is asked),
//     retryInfo/loanCondition and retryInfo/offeredCosts. The requester
//     agrees with a Retry request carrying serviceInfo/loanCondition, which
//     Decode reads as Conditions with AcceptConditions. A 2021 RAM
//     Notification with AcceptConditions carries only its note: the app must
//     send the Retry.
//
// Decode reads both conventions (iso18626.LoanConditionOfferOf) to the same
// Conditions and OfferedCost: Conditions are every retryInfo/loanCondition
// and deliveryInfo/loanCondition, which also covers the conditions of a
// shipped item, any RetryPossible, and v1.2 partners that answer
// RetryPossible / MustMeetLoanCondition with the condition in deliveryInfo.
// The conditions of a Loaned or CopyCompleted SAM are deliveryInfo/
// loanCondition in both versions.
//
// # What v1.2 cannot say
//
// Actions and statuses v1.2 lacks become Notifications whose note starts
// with an Interlend marker, which Decode reads back:
//
//	RAM action HoldReturn           → action Notification, note "#Interlend:HoldReturn# …"
//	RAM action Lost                 → action Notification, note "#Interlend:Lost# …"
//	SAM status HoldReturn           → reason Notification, status Loaned, note "#Interlend:HoldReturn# …"
//	SAM status ReleaseHoldReturn    → reason Notification, status Loaned, note "#Interlend:ReleaseHoldReturn# …"
//
// (Decode gives such a SAM reason StatusChange.) Values without an element
// travel as data lines at the end of the note, one "Key: value" line each,
// after the free text:
//
//	URL: <url>         v1.2 SAM: the delivery URL (deliveryInfo has no URL; sentVia is URL)
//	Item: <barcode>    v1.2 SAM: barcodes after the first (one itemId)
//	Condition: <code>  v1.2 SAM: conditions after the first (one loanCondition);
//	                   v1.2 request: the accepted conditions (no serviceInfo/loanCondition)
//	Courier: <name>    v1.2 SAM (no shippingInfo) and RAM in both versions (no element)
//	Tracking: <id>     likewise
//
// Decode takes only the keys a message may carry off the end of its note
// (Condition lines only where conditions are expected), and also reads an
// http(s) itemId as the delivery URL.
//
// # What neither version carries
//
// Citation.Language, Chapter when an article title is also given, an
// address's Name, an Item's Volume and Note, a PatronCategory outside the
// PatronTypeList, sub-second times, a SAM's Conditions on a status that
// neither offers them nor ships, a RAM's Conditions, OfferedCost and
// shipping insurance. In
// v1.2 also the request's DeliveryMethod, PreferredEdition
// MostRecentEdition, DeliveredService (Decode infers it from the status)
// and shipping insurance; in 2021 the request header's SupplierRequestID,
// and the status under a conditions offer (it becomes RetryPossible).
// Decode ignores what the domain has no field for: names and addresses of
// the patron, requestingAgencyInfo, supplierInfo, returnInfo, deliveryCosts,
// dateSent, the ISNI ids, scheme attributes.
package wire
