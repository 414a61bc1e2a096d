package iso18626

import "bytes"

// maxAttributes bounds the attributes (namespace declarations included) of
// one element. ISO 18626 elements carry at most a handful; encoding/xml
// spends some hundred bytes per attribute, so millions of them in one tag
// would cost gigabytes before the decoder returns the start element.
const maxAttributes = 64

// tooManyAttributes reports whether some tag of data has more than
// maxAttributes attributes. It counts '=' outside quoted values between '<'
// and '>', skipping comments, CDATA sections, processing instructions and
// declarations (which start with "<!" or "<?"). Well-formed content holds
// no raw '<' elsewhere, so this sees every tag.
func tooManyAttributes(data []byte) bool {
	for {
		i := bytes.IndexByte(data, '<')
		if i < 0 || i+1 >= len(data) {
			return false
		}
		data = data[i+1:]
		if data[0] == '!' || data[0] == '?' {
			continue
		}
		n, end := 0, -1
		var quote byte
		for j := 0; j < len(data) && end < 0; j++ {
			switch c := data[j]; {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '=':
				if n++; n > maxAttributes {
					return true
				}
			case c == '>':
				end = j
			}
		}
		if end < 0 {
			return false
		}
		data = data[end+1:]
	}
}
