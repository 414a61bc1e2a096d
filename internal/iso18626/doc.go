// Package iso18626 reads, writes, checks and converts ISO 18626 interlibrary
// loan messages, in both schema versions in use: v1.2 (ISO 18626:2017) and
// 2021-2 (ISO 18626:2021). It is a pure format package: no HTTP, no
// database, no state; the peer package moves the bytes and the domain
// decides what a message means.
//
// # Model
//
// A Message holds one of the six message types (Request,
// RequestConfirmation, SupplyingAgencyMessage, its confirmation,
// RequestingAgencyMessage, its confirmation) and a Version. The types are the
// union of both schemas: a field only one version has is documented so, and
// elements that were renamed share one field under the 2021 name
// (deliveryMethod was sentVia, itemFormat was preferredFormat and
// deliveredFormat). v1.2's retry data (messageInfo offeredCosts, retryAfter,
// retryBefore) lives in SupplyingAgencyMessage.RetryInfo as in 2021.
// Repeatable 2021 elements are slices; v1.2 allows one.
//
// Open codes are Code{Value, Scheme} (scheme on the wire: ill:scheme);
// closed codes are string types with constants (Status, Action,
// ReasonForMessage, ServiceType, RequestType, RequestSubType,
// PreferredEdition, MessageStatus, ErrorType, YesNo) and a Valid(Version)
// method. Dates are DateTime: UTC, whole seconds, zero when not given.
// AgencyID prints and parses the "ISIL:US-EXREQ" symbol form.
//
// # Reading
//
// Parse / ParseWith check well-formedness (no DTD, so no entity expansion),
// namespace, root and the ill:version attribute, and that every element is
// known at its place; they detect the version from the attribute and the
// structure (ParseWith documents the rules) unless ParseOptions.Version
// forces it. Failures are *ParseError values carrying the errorType and
// errorValue to answer with, plus the part of the message that was read.
// Tolerance (per partner) accepts what real partners send: empty status,
// unqualified version and scheme attributes, empty or zero dates, unknown
// reasonForMessage, non-standard codes, no namespace, unknown elements.
// Every such acceptance comes back as a Warning.
//
// # Checking and writing
//
// Validate (or Tolerance.Validate for incoming messages) reports missing
// mandatory elements, closed codes outside the version's list and data the
// version cannot carry, as Problems in errorData form (XSD spelling of
// errorType, Annex B form of errorValue: `action - Value = "Foo"`).
// CheckOpenCodes optionally checks open codes against the Annex B lists.
// Marshal validates and writes strictly: XML declaration, the namespace as
// default and as prefix ill, qualified attributes, the version's element
// order and names, dates as YYYY-MM-DDThh:mm:ssZ. Every example of
// standards/iso18626 survives Parse and Marshal unchanged (compared in
// canonical form) and the output validates against its XSD.
//
// # Answering and converting
//
// Confirm builds the confirmation of an incoming request, SAM or RAM (OK, or
// ERROR with errorData) in the incoming version; ConfirmProblems and
// ConfirmParseError start from Validate's problems or a ParseError.
// Convert moves a message between versions and lists what was lost. The
// ReShare v1.2 note conventions for loan conditions are recognised and built
// by LoanConditionOfferOf, AddReShareLoanCondition,
// ReShareConditionAgreement and AgreeReShareLoanConditions.
//
// # Implementation
//
// Both XSDs are described once, as tables of fields per element (schema*.go)
// with the versions each element exists in, is mandatory in and may repeat
// in. The reader (decode.go), the writer (encode.go) and the checker
// (validate.go) walk the same tables.
package iso18626
