package marc

import "strings"

// Format is the kind of material a record describes, as ILL needs it.
type Format string

// Formats derived from leader/06 (type of record) and leader/07
// (bibliographic level).
const (
	FormatUnknown    Format = ""
	FormatBook       Format = "book"
	FormatSerial     Format = "serial"
	FormatArticle    Format = "article" // component part (leader/07 a or b)
	FormatThesis     Format = "thesis"
	FormatManuscript Format = "manuscript"
	FormatMap        Format = "map"
	FormatScore      Format = "score"
	FormatAudio      Format = "audio"           // non-musical sound recording
	FormatMusic      Format = "music-recording" // musical sound recording
	FormatVideo      Format = "video"
	FormatImage      Format = "image"
	FormatComputer   Format = "computer-file"
	FormatKit        Format = "kit"
	FormatMixed      Format = "mixed"
	FormatObject     Format = "object"
)

// FormatOf classifies a bibliographic record. Language material is a serial
// when leader/07 is s or i, a component part when it is a or b, a thesis
// when a 502 dissertation note is present or 008/24-27 (nature of
// contents) holds "m", else a book (a manuscript for leader/06 t).
func FormatOf(r *Record) Format {
	switch r.LeaderByte(6) {
	case 'a', 't':
		switch r.LeaderByte(7) {
		case 's', 'i':
			return FormatSerial
		case 'a', 'b':
			return FormatArticle
		}
		if isThesis(r) {
			return FormatThesis
		}
		if r.LeaderByte(6) == 't' {
			return FormatManuscript
		}
		return FormatBook
	case 'e', 'f':
		return FormatMap
	case 'c', 'd':
		return FormatScore
	case 'i':
		return FormatAudio
	case 'j':
		return FormatMusic
	case 'g':
		return FormatVideo
	case 'k':
		return FormatImage
	case 'm':
		return FormatComputer
	case 'o':
		return FormatKit
	case 'p':
		return FormatMixed
	case 'r':
		return FormatObject
	}
	return FormatUnknown
}

func isThesis(r *Record) bool {
	if r.Field("502") != nil {
		return true
	}
	f008 := r.Control("008")
	return len(f008) >= 28 && strings.IndexByte(f008[24:28], 'm') >= 0
}
