// Package openurl reads the OpenURL links that discovery systems, citation
// databases and reference managers send to an ILL request form, and turns
// them into an ill.Citation with a suggested service type.
//
// Both OpenURL 0.1 (sid=, id=doi:..., genre=, title=) and OpenURL 1.0 KEV
// (Z39.88-2004: url_ver=, rft_val_fmt=, rft.atitle=, rft_id=info:doi/...)
// are read, and so are the hybrids most vendors send; when a hybrid carries
// both forms of a field the 1.0 key wins. The rules and the key tables are in
// standards/openurl.md.
//
// The parser is tolerant: it has its own KEV splitter (values may contain
// ';', which net/url rejects; "&amp;" separators copied out of HTML are
// accepted), keeps malformed percent escapes literally, decodes
// ctx_enc=info:ofi/enc:ISO-8859-1 and stray non-UTF-8 bytes as Windows-1252
// (the WHATWG reading of Latin-1), and reports what it could not use as
// Warnings rather than failing. It never logs: the requester (req_id) is
// personal data and is kept in a Requester value whose String, Format,
// LogValue and MarshalJSON methods redact it.
//
// Limits, so that hostile input costs little (see the constants): the input
// is at most MaxInputBytes (larger input is an error wrapping ErrTooLarge),
// at most MaxPairs key=value pairs are read (the rest are ignored with a
// warning), keys longer than MaxKeyBytes are dropped, values are cut to
// MaxValueBytes, and at most MaxWarnings warnings are kept.
package openurl

// Limits applied by Parse and ParseRequest.
const (
	// MaxInputBytes is the largest query string or body accepted.
	// Real OpenURLs are under 8 KiB; author lists of large collaborations
	// can reach tens of KiB.
	MaxInputBytes = 256 << 10
	// MaxPairs is the number of non-empty key=value pairs read.
	MaxPairs = 1000
	// MaxKeyBytes is the longest key kept; longer keys are malformed.
	MaxKeyBytes = 64
	// MaxValueBytes is the longest value kept (cut at a character boundary).
	MaxValueBytes = 4096
	// MaxWarnings is the number of warnings kept in a Result.
	MaxWarnings = 50
)
