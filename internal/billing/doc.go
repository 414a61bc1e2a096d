// Package billing is the arithmetic of the charges ledger (docs/billing.md):
// what a lender's directory policy charges a borrower (per service and
// currency, domestic or international), which ledger lines count, the
// invoice periods (2026, 2026-Q3, 2026-11), per-partner invoices with
// totals per currency and converted at the exchange rate in force on each
// line's date, spend against a fiscal-year budget, matching a received
// invoice against the ledger, the OCLC IFM reconciliation file and the
// steps of a patron's overdue escalation.
//
// It is pure: no database, no clock. The app reads the ledger and the
// rates and hands them over; every conversion goes through Convert.
package billing
