// Package sru is a client for SRU (Search/Retrieve via URL) 1.2 and 2.0
// catalog servers, used to look up a title in a partner library's catalog
// by ISBN, ISSN, OCLC number, LCCN, record id or title and author, and to
// read the MARCXML records and diagnostics the server returns.
//
// Client.Search builds a CQL query from a Query, sends a searchRetrieve GET
// request asking for MARCXML, and parses the response with ParseResponse.
// A response that carries diagnostics and no records is returned as a
// *DiagnosticError; timeouts wrap ErrTimeout; anything that is not an SRU
// response (an HTML error page, garbage, a wrong status) wraps
// ErrBadResponse.
package sru
