// Package bibid normalises and validates the identifiers that interlibrary
// loan traffic carries (ISBN, ISSN, OCLC number, LCCN, DOI, PMID) and folds
// titles and author names into keys for fuzzy matching.
//
// Every Normalise function accepts the messy forms found in catalogs,
// OpenURLs and patron forms ("0-618-24906-0 (pbk.)", "(OCoLC)ocm01234567",
// "https://doi.org/10.1038/171737A0") and returns the canonical form plus
// whether the input held a valid identifier. The package is pure: no I/O,
// no global state.
package bibid
