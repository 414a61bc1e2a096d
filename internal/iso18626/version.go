package iso18626

import "strings"

// Namespace is the XML namespace of every ISO 18626 message, in both schema
// versions (the 2021 revision kept the 2013 namespace).
const Namespace = "http://illtransactions.org/2013/iso18626"

// Prefix is the namespace prefix Marshal uses for qualified attributes
// (ill:version, ill:scheme), as in the published examples.
const Prefix = "ill"

// Schema locations of the two published XSDs, for xsi:schemaLocation.
const (
	SchemaLocationV1_2  = Namespace + " http://illtransactions.org/schemas/ISO-18626-v1_2.xsd"
	SchemaLocationV2021 = Namespace + " http://illtransactions.org/schemas/ISO-18626-2021-2.xsd"
)

// Version is the schema version of a message. The zero value means "not
// decided" (ParseOptions: detect it).
type Version int

// The two schema versions in use.
const (
	V1_2  Version = 1 // ISO 18626:2017, XSD v1.2
	V2021 Version = 2 // ISO 18626:2021, XSD 2021-2
)

// String is "1.2" or "2021-2".
func (v Version) String() string {
	switch v {
	case V1_2:
		return "1.2"
	case V2021:
		return "2021-2"
	}
	return "unknown"
}

// Attr is the ill:version attribute value Marshal emits for v when the
// message does not carry one of its own.
func (v Version) Attr() string { return v.String() }

// SchemaLocation is the xsi:schemaLocation value for v.
func (v Version) SchemaLocation() string {
	if v == V2021 {
		return SchemaLocationV2021
	}
	return SchemaLocationV1_2
}

func (v Version) valid() bool { return v == V1_2 || v == V2021 }

// VersionFromAttr maps an ill:version attribute value to a schema version.
// The attribute is a free string in both XSDs; ok is false when the value
// names neither version, and the caller must decide by structure.
func VersionFromAttr(s string) (v Version, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "v")
	switch s {
	case "1.0", "1.1", "1.2", "1_2", "1_1", "1_0", "2017":
		return V1_2, true
	case "1.3", "2021", "2021-1", "2021-2", "2021.1", "2021.2", "2021_1", "2021_2":
		return V2021, true
	}
	return 0, false
}

// Kind says which of the six message types a message is.
type Kind int

// The six ISO 18626 message types.
const (
	KindRequest Kind = iota + 1
	KindRequestConfirmation
	KindSupplyingAgencyMessage
	KindSupplyingAgencyMessageConfirmation
	KindRequestingAgencyMessage
	KindRequestingAgencyMessageConfirmation
)

var kindNames = [...]string{
	KindRequest:                             "request",
	KindRequestConfirmation:                 "requestConfirmation",
	KindSupplyingAgencyMessage:              "supplyingAgencyMessage",
	KindSupplyingAgencyMessageConfirmation:  "supplyingAgencyMessageConfirmation",
	KindRequestingAgencyMessage:             "requestingAgencyMessage",
	KindRequestingAgencyMessageConfirmation: "requestingAgencyMessageConfirmation",
}

// String is the element name of the message type.
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// IsConfirmation reports whether k is one of the three confirmation types.
func (k Kind) IsConfirmation() bool {
	return k == KindRequestConfirmation || k == KindSupplyingAgencyMessageConfirmation ||
		k == KindRequestingAgencyMessageConfirmation
}
