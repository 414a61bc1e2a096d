package wire

import (
	"strings"
)

// Markers Interlend puts at the start of a v1.2 note for the 2021 actions
// and statuses v1.2 lacks. The message itself becomes a Notification (RAM
// action Notification; SAM reasonForMessage Notification with status
// Loaned), which a partner that does not know the marker reads as a note
// about the loan, so nothing is silently dropped; Decode reads the marker
// back as the 2021 action or status. A marker is followed by a space and
// the note, or by nothing, as ReShare's markers are.
const (
	MarkerHoldReturn        = "#Interlend:HoldReturn#"        // RAM action HoldReturn, or SAM status HoldReturn
	MarkerReleaseHoldReturn = "#Interlend:ReleaseHoldReturn#" // SAM status ReleaseHoldReturn
	MarkerLost              = "#Interlend:Lost#"              // RAM action Lost
)

var markers = []string{MarkerHoldReturn, MarkerReleaseHoldReturn, MarkerLost}

func withMarker(marker, note string) string {
	if note == "" {
		return marker
	}
	return marker + " " + note
}

// cutMarker splits an Interlend marker from the start of a note.
func cutMarker(note string) (marker, rest string) {
	trimmed := strings.TrimLeft(note, " \t\r\n")
	for _, mk := range markers {
		if r, ok := strings.CutPrefix(trimmed, mk); ok {
			return mk, strings.TrimPrefix(r, " ")
		}
	}
	return "", note
}

// Data lines carry, at the end of a note, values the message has no
// element for in the version used: one "Key: value" line each, after the
// free text (separated from it by a newline). Decode takes such lines off
// the end of any note it reads.
const (
	lineURL       = "URL"       // v1.2 deliveryInfo has no URL element
	lineItem      = "Item"      // v1.2 carries one itemId: the second and later barcodes
	lineCondition = "Condition" // v1.2 carries one loanCondition (SAM) and none in a request
	lineCourier   = "Courier"   // v1.2 has no shippingInfo; a RAM has none in either version
	lineTracking  = "Tracking"  // likewise
)

type dataLine struct{ key, value string }

// lines collects data lines, skipping empty values.
type lines []dataLine

func (ls *lines) add(key string, values ...string) {
	for _, v := range values {
		v = strings.Join(strings.Fields(v), " ") // one line, whatever the value held
		if v != "" {
			*ls = append(*ls, dataLine{key, v})
		}
	}
}

// appendTo returns note followed by the data lines.
func (ls lines) appendTo(note string) string {
	if len(ls) == 0 {
		return note
	}
	var b strings.Builder
	b.WriteString(note)
	for i, l := range ls {
		if i > 0 || note != "" {
			b.WriteByte('\n')
		}
		b.WriteString(l.key + ": " + l.value)
	}
	return b.String()
}

// values returns the values of the lines with key, in order.
func (ls lines) values(key string) []string {
	var out []string
	for _, l := range ls {
		if l.key == key {
			out = append(out, l.value)
		}
	}
	return out
}

// cutLines takes the data lines with the given keys off the end of a note
// and returns the free text before them. Each message reads only the keys
// it may carry, so that a partner's note ending in, say, "Condition: worn"
// is not read as a loan condition where none is expected.
func cutLines(note string, keys ...string) (string, lines) {
	all := strings.Split(note, "\n")
	i := len(all)
	for i > 0 {
		if _, ok := parseLine(all[i-1], keys); !ok {
			break
		}
		i--
	}
	if i == len(all) {
		return note, nil
	}
	var ls lines
	for _, s := range all[i:] {
		l, _ := parseLine(s, keys)
		ls = append(ls, l)
	}
	// The newline between the free text and the first line is not part of
	// either: Join leaves it out.
	return strings.Join(all[:i], "\n"), ls
}

func parseLine(s string, keys []string) (dataLine, bool) {
	key, value, ok := strings.Cut(strings.TrimRight(s, "\r"), ": ")
	value = strings.TrimSpace(value)
	if !ok || value == "" {
		return dataLine{}, false
	}
	for _, k := range keys {
		if key == k {
			if k == lineURL && !isWebURL(value) {
				return dataLine{}, false
			}
			return dataLine{k, value}, true
		}
	}
	return dataLine{}, false
}

// isWebURL reports whether s is an http or https URL.
func isWebURL(s string) bool {
	l := strings.ToLower(s)
	return (strings.HasPrefix(l, "https://") && len(l) > 8) || (strings.HasPrefix(l, "http://") && len(l) > 7)
}
