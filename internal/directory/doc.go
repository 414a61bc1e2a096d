// Package directory describes the libraries of the network: who they are
// (a library id and several agency symbols such as ISIL:US-EXSUP and
// OCLC:EXS), where to ship, bill and return, whom to call, how to reach
// their ISO 18626 endpoint (version, authentication, the deviations we
// tolerate from them), which hosts may deliver files for them, what they
// lend and copy, on which terms (loan period, renewals, charges,
// reciprocal groups and consortia, a daily cap, how many business days
// they take to answer) and when they are open (a business calendar).
//
// An Entry is the stored and exchanged form. Normalise and Validate make
// one safe to keep; JSON and CSV codecs read and write directory files
// (the formats are in docs/directory.md). Secrets live in Credentials:
// what a partner must present to us is kept as a hash; what we present to
// a partner is kept in clear, because we must send it. Public exports
// leave credentials out.
//
// The package is pure: no I/O besides the readers and writers it is given.
package directory
