package iso18626

import "fmt"

// Marshal writes m as an ISO 18626 document of m.Version: XML declaration,
// ISO18626Message with the namespace as default and as prefix ill,
// qualified ill:version and ill:scheme attributes, elements in the version's
// order under their version's names, dates as YYYY-MM-DDThh:mm:ssZ in UTC.
// Optional elements are left out when empty; mandatory ones are always
// written (the v1.2 header's multipleItemRequestId as an empty element).
//
// Marshal refuses a message that Validate finds problems with, returning
// those Problems as the error: what we send must validate against the XSD.
func Marshal(m *Message) ([]byte, error) {
	if m == nil {
		return nil, fmt.Errorf("iso18626: marshal: nil message")
	}
	if ps := Validate(m); len(ps) > 0 {
		return nil, fmt.Errorf("iso18626: marshal %s: %w", m.Kind(), ps)
	}
	return encode(m), nil
}
