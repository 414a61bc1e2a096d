// Package catalog is where Interlend learns who holds what. Holdings come
// from interchangeable sources behind one interface, Source: the imported
// catalog (our own libraries' and partners' records, kept in the
// database and searched by identifier and by keyword), a partner's live
// SRU service, and, later, a shared index. Routing asks a Source (usually
// a Union of them) for the holders of a citation and gets, per library,
// the matching records with a score, their items, call numbers, lendable
// status and serial coverage.
//
// Import reads catalog files (MARC 21 in ISO 2709, MARC-8 or UTF-8;
// MARCXML; CSV) as a stream, in constant memory: records are converted
// into Records and handed to a Writer in batches, each batch one
// transaction, while the next batch is read. Bad records are reported
// with their position and skipped; re-importing a record (same holder and
// local id) updates it, or leaves it alone when nothing changed.
package catalog
