// Package pdf prints Interlend's paper: pull slips, shipping labels, book
// bands, hold-shelf slips, invoices, report tables and copyright notices,
// and assembles scanned pages into PDFs for electronic delivery.
//
// Every document is a pure function from a plain input struct to PDF bytes.
// Text is set in the Go fonts (Latin, Greek, Cyrillic) with a per-character
// fallback to Droid Sans Fallback for Chinese, Japanese and Korean, so a
// title mixing scripts prints as written; a character no embedded font has
// prints as a visible replacement mark instead of failing. Barcodes (Code128
// and QR) are drawn as images sized to scan from a 300 dpi print.
//
// Captions ("Need by", "Return to", ...) come from the caller in a [Labels]
// value so they can be translated; empty fields fall back to English.
// Dates and other locale-dependent values are passed already formatted.
//
// The package depends on no other Interlend package.
package pdf
