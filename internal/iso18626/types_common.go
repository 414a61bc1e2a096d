package iso18626

// Decimal is an xs:decimal kept as its text ("25.00"), so that amounts
// round-trip exactly and no float is involved.
type Decimal string

// Valid reports whether d is an xs:decimal: optional sign, digits, optional
// fraction, at least one digit.
func (d Decimal) Valid() bool {
	s := string(d)
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// Costs is an amount of money (XSD type_costs).
type Costs struct {
	CurrencyCode  Code // ISO 4217, e.g. USD
	MonetaryValue Decimal
}

// Address is one address: electronic or physical (an XSD choice: exactly
// one of the two is set in a valid message).
type Address struct {
	ElectronicAddress *ElectronicAddress
	PhysicalAddress   *PhysicalAddress
}

// ElectronicAddress is an e-mail address, FTP site and so on.
type ElectronicAddress struct {
	ElectronicAddressType Code // Email, FTP, Chat, Skype
	ElectronicAddressData string
}

// PhysicalAddress is a postal address.
type PhysicalAddress struct {
	Line1      string
	Line2      string
	Locality   string
	PostalCode string
	// Region is a scheme/value pair in v1.2 (ISO 3166-2 suggested) and a
	// plain string in 2021, where Region.Scheme must stay empty.
	Region  Code
	Country Code // ISO 3166-1 alpha-2
}
