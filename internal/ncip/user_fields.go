package ncip

import (
	"strings"
	"time"
)

// UserOptionalFields is what an ILS tells about a patron, as far as the
// initiator asked for it with UserElementType. It holds personal data:
// never log it.
type UserOptionalFields struct {
	NameInformation        *NameInformation         `xml:"NameInformation,omitempty"`
	UserAddressInformation []UserAddressInformation `xml:"UserAddressInformation,omitempty"`
	UserLanguage           []SchemeValuePair        `xml:"UserLanguage,omitempty"`
	UserPrivilege          []UserPrivilege          `xml:"UserPrivilege,omitempty"`
	BlockOrTrap            []BlockOrTrap            `xml:"BlockOrTrap,omitempty"`
	UserID                 []UserID                 `xml:"UserId,omitempty"`
}

// NameInformation is a person's or an organisation's name.
type NameInformation struct {
	PersonalNameInformation     *PersonalNameInformation      `xml:"PersonalNameInformation,omitempty"`
	OrganizationNameInformation []OrganizationNameInformation `xml:"OrganizationNameInformation,omitempty"`
}

// PersonalNameInformation holds a structured name, an unstructured one, or
// both.
type PersonalNameInformation struct {
	StructuredPersonalUserName   *StructuredPersonalUserName `xml:"StructuredPersonalUserName,omitempty"`
	UnstructuredPersonalUserName string                      `xml:"UnstructuredPersonalUserName,omitempty"`
}

// StructuredPersonalUserName is a name in parts; Surname is required.
type StructuredPersonalUserName struct {
	Prefix    string `xml:"Prefix,omitempty"`
	GivenName string `xml:"GivenName,omitempty"`
	Initials  string `xml:"Initials,omitempty"`
	Surname   string `xml:"Surname"`
	Suffix    string `xml:"Suffix,omitempty"`
}

// OrganizationNameInformation is one name of an organisation.
type OrganizationNameInformation struct {
	OrganizationNameType SchemeValuePair `xml:"OrganizationNameType"`
	OrganizationName     string          `xml:"OrganizationName"`
}

// UserAddressInformation is one postal or electronic address with its role
// (Home, Work, Notice, ...).
type UserAddressInformation struct {
	UserAddressRoleType SchemeValuePair    `xml:"UserAddressRoleType"`
	ValidFromDate       DateTime           `xml:"ValidFromDate"`
	ValidToDate         DateTime           `xml:"ValidToDate"`
	PhysicalAddress     *PhysicalAddress   `xml:"PhysicalAddress,omitempty"`
	ElectronicAddress   *ElectronicAddress `xml:"ElectronicAddress,omitempty"`
}

// ElectronicAddress is an address with an IANA URI scheme as its type
// (mailto, tel, https, ...).
type ElectronicAddress struct {
	Type SchemeValuePair `xml:"ElectronicAddressType"`
	Data string          `xml:"ElectronicAddressData"`
}

// PhysicalAddress is a postal address, structured or not.
type PhysicalAddress struct {
	StructuredAddress   *StructuredAddress   `xml:"StructuredAddress,omitempty"`
	UnstructuredAddress *UnstructuredAddress `xml:"UnstructuredAddress,omitempty"`
	Type                SchemeValuePair      `xml:"PhysicalAddressType"`
}

// StructuredAddress is a postal address in parts. The schema allows either
// street-style parts (Street, PostOfficeBox, District) or Line1/Line2.
type StructuredAddress struct {
	LocationWithinBuilding string `xml:"LocationWithinBuilding,omitempty"`
	HouseName              string `xml:"HouseName,omitempty"`
	Street                 string `xml:"Street,omitempty"`
	PostOfficeBox          string `xml:"PostOfficeBox,omitempty"`
	District               string `xml:"District,omitempty"`
	Line1                  string `xml:"Line1,omitempty"`
	Line2                  string `xml:"Line2,omitempty"`
	Locality               string `xml:"Locality,omitempty"`
	Region                 string `xml:"Region,omitempty"`
	Country                string `xml:"Country,omitempty"`
	PostalCode             string `xml:"PostalCode,omitempty"`
	CareOf                 string `xml:"CareOf,omitempty"`
}

// UnstructuredAddress is an address as one string.
type UnstructuredAddress struct {
	Type SchemeValuePair `xml:"UnstructuredAddressType"`
	Data string          `xml:"UnstructuredAddressData"`
}

// UserPrivilege is a patron's privilege at an agency: the patron group
// (AgencyUserPrivilegeType), its validity and status.
type UserPrivilege struct {
	AgencyID                 SchemeValuePair      `xml:"AgencyId"`
	AgencyUserPrivilegeType  SchemeValuePair      `xml:"AgencyUserPrivilegeType"`
	ValidFromDate            DateTime             `xml:"ValidFromDate"`
	ValidToDate              DateTime             `xml:"ValidToDate"`
	UserPrivilegeStatus      *UserPrivilegeStatus `xml:"UserPrivilegeStatus,omitempty"`
	UserPrivilegeDescription string               `xml:"UserPrivilegeDescription,omitempty"`
}

// UserPrivilegeStatus is the status of a privilege (Active, Expired, ...).
type UserPrivilegeStatus struct {
	Type SchemeValuePair `xml:"UserPrivilegeStatusType"`
	Date DateTime        `xml:"DateOfUserPrivilegeStatus"`
}

// BlockOrTrap is a block on the patron's account at an agency.
type BlockOrTrap struct {
	AgencyID      SchemeValuePair `xml:"AgencyId"`
	Type          SchemeValuePair `xml:"BlockOrTrapType"`
	ValidFromDate DateTime        `xml:"ValidFromDate"`
	ValidToDate   DateTime        `xml:"ValidToDate"`
}

// Name is the patron's display name ("Given Surname", or the unstructured
// or organisation name), or "" when the ILS sent none.
func (f *UserOptionalFields) Name() string {
	if f == nil || f.NameInformation == nil {
		return ""
	}
	n := f.NameInformation
	if p := n.PersonalNameInformation; p != nil {
		if s := p.StructuredPersonalUserName; s != nil {
			return strings.Join(strings.Fields(strings.Join([]string{s.Prefix, s.GivenName, s.Initials, s.Surname, s.Suffix}, " ")), " ")
		}
		return strings.TrimSpace(p.UnstructuredPersonalUserName)
	}
	if len(n.OrganizationNameInformation) > 0 {
		return strings.TrimSpace(n.OrganizationNameInformation[0].OrganizationName)
	}
	return ""
}

// Email is the first mailto address (without "mailto:"), or "".
func (f *UserOptionalFields) Email() string {
	if f == nil {
		return ""
	}
	for _, a := range f.UserAddressInformation {
		if e := a.ElectronicAddress; e != nil && (e.Type.Is("mailto") || e.Type.Is("email")) {
			return strings.TrimPrefix(strings.TrimSpace(e.Data), "mailto:")
		}
	}
	return ""
}

// PatronGroup is the first privilege type (the patron category), or "".
func (f *UserOptionalFields) PatronGroup() string {
	if f == nil || len(f.UserPrivilege) == 0 {
		return ""
	}
	return f.UserPrivilege[0].AgencyUserPrivilegeType.Value
}

// Blocks lists the block types in force at now (a block without dates is
// always in force).
func (f *UserOptionalFields) Blocks(now time.Time) []string {
	if f == nil {
		return nil
	}
	var out []string
	for _, b := range f.BlockOrTrap {
		if !b.ValidFromDate.IsZero() && now.Before(b.ValidFromDate.Time) {
			continue
		}
		if !b.ValidToDate.IsZero() && now.After(b.ValidToDate.Time) {
			continue
		}
		out = append(out, b.Type.Value)
	}
	return out
}
