// Package copyright holds Interlend's copyright and licence rules for copy
// requests, as pure functions with no I/O: the US rule of five (17 U.S.C.
// §108 and the CONTU guidelines), the UK and Canadian library exceptions in
// brief, the lender's checks on incoming copy requests, e-resource licence
// terms (KBART holdings plus a licence-terms CSV), the copyright ledger's
// counting and retention rules, and imports of counts kept elsewhere.
//
// The specification is standards/copyright.md; rule names in comments (R1 to
// R14, L1 to L4) refer to it. Storage is the caller's: Assess reads counts
// through the Counter interface and the caller records the Entry it returns.
//
// Patron privacy: nothing here takes a patron's name. Rules that look at one
// person's requests (§108(d) one article per issue, the UK's one copy per
// person) use an opaque pseudonymous key chosen by the caller, and the ledger
// Entry carries no patron data at all.
package copyright
