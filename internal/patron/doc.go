// Package patron is the domain of patron records: the categories an
// agency sorts its patrons into and the request limits of each (Policy),
// the check made before a patron may place a request (Policy.Check), and
// the streaming reader of patron files (Reader: CSV, one patron a line,
// bad lines reported by number). It does no database or network I/O.
//
// Patron data is personal: nothing in this package logs, and the errors it
// returns name lines and columns, not people.
package patron
