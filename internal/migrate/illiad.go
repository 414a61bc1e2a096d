package migrate

import (
	"strings"

	"interlend/internal/ill"
)

// Presets are the built-in mappings, by name.
var Presets = map[string]func() *Mapping{"illiad": ILLiad}

// ILLiad is the preset for exports of ILLiad's Transactions, Users and
// LenderAddresses tables (column names as Atlas Systems documents them;
// docs/migration.md lists them). ILLiad keeps one TransactionStatus per
// transaction; a site may add its own "Awaiting ... Processing" queues,
// which a mapping file (--mapping) names.
func ILLiad() *Mapping {
	return &Mapping{
		Name:   "illiad",
		System: "ILLiad",
		Columns: map[Kind]map[string]string{
			Transactions: {
				"number": "TransactionNumber", "side": "ProcessType", "service": "RequestType", "status": "TransactionStatus",
				"created": "CreationDate", "updated": "TransactionDate", "external_number": "ILLNumber", "due": "DueDate",
				"patron": "Username", "partner": "LendingLibrary", "partner_address": "LenderAddressNumber",
				"title": "LoanTitle", "author": "LoanAuthor", "publisher": "LoanPublisher", "pub_place": "LoanPlace",
				"edition": "LoanEdition", "journal_title": "PhotoJournalTitle", "article_title": "PhotoArticleTitle",
				"article_author": "PhotoArticleAuthor", "volume": "PhotoJournalVolume", "issue": "PhotoJournalIssue",
				"month": "PhotoJournalMonth", "pub_date": "PhotoJournalYear", "pages": "PhotoJournalInclusivePages",
				"issn": "ISSN", "oclc": "ESPNumber", "doi": "DOI", "cited_in": "CitedIn",
				"copyright_paid": "CopyrightAlreadyPaid", "copyright_compliance": "CopyrightComp", "call_number": "CallNumber",
				"cancel_reason": "ReasonForCancellation", "note": "SpecIns", "need_before": "NotWantedAfter", "max_cost": "MaxCost",
				"loan_date": "LoanDate",
			},
			Users: {
				"username": "Username", "barcode": "SSN", "first_name": "FirstName", "last_name": "LastName",
				"email": "EMailAddress", "category": "Status", "department": "Department", "site": "NVTGC",
				"expiry_date": "ExpirationDate", "cleared": "Cleared", "notes": "UserInfo1",
			},
			Lenders: {
				"symbol": "LenderString", "address_number": "AddressNumber", "name": "LibraryName",
				"line1": "Address1", "line2": "Address2", "line3": "Address3", "line4": "Address4",
				"email": "EMailAddress", "phone": "Phone", "fax": "Fax", "delivery_email": "ElectronicDeliveryAddress",
			},
		},
		Sides:    map[string]string{"Borrowing": "borrowing", "Lending": "lending", "Doc Del": ""},
		Services: map[string]string{"Loan": "Loan", "Article": "Copy"},
		Skip: map[string]string{
			"Doc Del": "Doc Del is delivery from your own collection, not interlibrary loan: not imported",
		},
		Statuses: map[ill.Side]map[string]ill.State{
			ill.Borrowing: illiadBorrowing,
			ill.Lending:   illiadLending,
		},
	}
}

// illiadBorrowing maps ILLiad's borrowing statuses to our states.
var illiadBorrowing = map[string]ill.State{
	"Awaiting Request Processing":                ill.BReview,
	"Awaiting Duplicate Checking":                ill.BReview,
	"Awaiting Account Clearance":                 ill.BReview,
	"Awaiting RAPID Request Sending":             ill.BReview,
	"Awaiting Copyright Clearance":               ill.BAwaitingCopyr,
	"Awaiting Customer Contact":                  ill.BAwaitingPatron,
	"Awaiting Unfilled Processing":               ill.BEndOfRota,
	"Request Sent":                               ill.BSent,
	"Request Conditionalized":                    ill.BConditional,
	"Awaiting Conditional Processing":            ill.BConditional,
	"Awaiting Post Receipt Processing":           ill.BReceived,
	"In Electronic Delivery Processing":          ill.BReceived,
	"Customer Notified via E-Mail":               ill.BAwaitingPickup,
	"Customer Notified via Mail":                 ill.BAwaitingPickup,
	"Checked Out to Customer":                    ill.BCheckedOut,
	"Renewed by Customer":                        ill.BCheckedOut,
	"Awaiting Renewal OK Processing":             ill.BRenewRequested,
	"Renewal Requested":                          ill.BRenewRequested,
	"Overdue":                                    ill.BOverdue,
	"Awaiting Recalled Processing":               ill.BRecalled,
	"Recalled by Lender":                         ill.BRecalled,
	"Awaiting Return Label Printing":             ill.BReturned,
	"Checked In from Customer":                   ill.BReturned,
	"Lost by Customer":                           ill.BProblem,
	"Delivered to Web":                           ill.BCompleted,
	"Request Finished":                           ill.BCompleted,
	"Cancelled by ILL Staff":                     ill.BCancelled,
	"Cancelled by Customer":                      ill.BCancelled,
	"Awaiting Unfilled Notification Sending":     ill.BUnfilled,
	"Awaiting Cancellation Notification Sending": ill.BCancelled,
}

// illiadLending maps ILLiad's lending statuses to our states.
var illiadLending = map[string]ill.State{
	"Awaiting Lending Request Processing":      ill.LNew,
	"Awaiting Stacks Searching":                ill.LAwaitingSlip,
	"In Stacks Searching":                      ill.LPulled,
	"Awaiting Update Stacks Searching":         ill.LPulled,
	"Not on Shelf":                             ill.LNotOnShelf,
	"Awaiting Conditional Processing":          ill.LConditional,
	"Request Conditionalized":                  ill.LConditional,
	"In Electronic Delivery Processing":        ill.LAwaitingScan,
	"Awaiting Odyssey Processing":              ill.LAwaitingScan,
	"Awaiting Lending Label Printing":          ill.LAwaitingShip,
	"Awaiting Shipping":                        ill.LAwaitingShip,
	"Item Shipped":                             ill.LShipped,
	"Awaiting Renewal Processing":              ill.LRenewRequested,
	"Item Overdue":                             ill.LOverdue,
	"Item Recalled":                            ill.LRecalled,
	"Awaiting Lending Returns Processing":      ill.LReturnReceived,
	"Awaiting Lending Cancellation Processing": ill.LCancelRequested,
	"Item Lost":                                ill.LProblem,
	"Request Finished":                         ill.LCompleted,
	"Delivered to Web":                         ill.LCompleted,
	"Cancelled by ILL Staff":                   ill.LUnfilled,
	"Cancelled by Customer":                    ill.LCancelled,
}

// closeReason is why a request imported in a terminal state ended, from
// the state and the source status.
func closeReason(side ill.Side, st ill.State, status string) ill.CloseReason {
	s := strings.ToLower(status)
	switch st {
	case ill.BCompleted: // also ill.LCompleted
		if strings.Contains(s, "lost") {
			return ill.ClosedLost
		}
		return ill.ClosedFilled
	case ill.BUnfilled: // also ill.LUnfilled
		return ill.ClosedUnfilled
	case ill.LRetryOffered:
		return ill.ClosedRetryOffered
	case ill.BCancelled: // also ill.LCancelled
		if side == ill.Lending {
			return ill.ClosedCancelled
		}
		if strings.Contains(s, "customer") {
			return ill.ClosedPatronCancelled
		}
		return ill.ClosedStaffCancelled
	}
	return ""
}
