package ncip

import "strings"

// ItemOptionalFields is what an ILS tells about an item (or what AcceptItem
// tells the ILS about a temporary one).
type ItemOptionalFields struct {
	BibliographicDescription *BibliographicDescription `xml:"BibliographicDescription,omitempty"`
	ItemUseRestrictionType   []SchemeValuePair         `xml:"ItemUseRestrictionType,omitempty"`
	CirculationStatus        SchemeValuePair           `xml:"CirculationStatus"`
	HoldQueueLength          *int                      `xml:"HoldQueueLength,omitempty"`
	ItemDescription          *ItemDescription          `xml:"ItemDescription,omitempty"`
	Location                 []Location                `xml:"Location,omitempty"`
	// DateDue exists in NCIP 2.02 only; the Client refuses to send it in a
	// 2.0 message.
	DateDue DateTime `xml:"DateDue"`
}

// BibliographicDescription describes the title an item belongs to.
type BibliographicDescription struct {
	Author                     string                  `xml:"Author,omitempty"`
	AuthorOfComponent          string                  `xml:"AuthorOfComponent,omitempty"`
	BibliographicItemID        *BibliographicItemID    `xml:"BibliographicItemId,omitempty"`
	BibliographicRecordID      []BibliographicRecordID `xml:"BibliographicRecordId,omitempty"`
	Edition                    string                  `xml:"Edition,omitempty"`
	Pagination                 string                  `xml:"Pagination,omitempty"`
	PlaceOfPublication         string                  `xml:"PlaceOfPublication,omitempty"`
	PublicationDate            string                  `xml:"PublicationDate,omitempty"`
	PublicationDateOfComponent string                  `xml:"PublicationDateOfComponent,omitempty"`
	Publisher                  string                  `xml:"Publisher,omitempty"`
	SeriesTitleNumber          string                  `xml:"SeriesTitleNumber,omitempty"`
	Title                      string                  `xml:"Title,omitempty"`
	TitleOfComponent           string                  `xml:"TitleOfComponent,omitempty"`
	BibliographicLevel         SchemeValuePair         `xml:"BibliographicLevel"`
	SponsoringBody             string                  `xml:"SponsoringBody,omitempty"`
	ElectronicDataFormatType   SchemeValuePair         `xml:"ElectronicDataFormatType"`
	Language                   SchemeValuePair         `xml:"Language"`
	MediumType                 SchemeValuePair         `xml:"MediumType"`
}

// ItemDescription describes the copy itself.
type ItemDescription struct {
	CallNumber           string          `xml:"CallNumber,omitempty"`
	CopyNumber           string          `xml:"CopyNumber,omitempty"`
	ItemDescriptionLevel SchemeValuePair `xml:"ItemDescriptionLevel"`
	NumberOfPieces       int             `xml:"NumberOfPieces,omitempty"`
}

// Location is where an item is (LocationType: Permanent Location, Current
// Location, ...), as a hierarchy of names from level 1 (broadest) down.
type Location struct {
	LocationType  SchemeValuePair `xml:"LocationType"`
	LocationName  LocationName    `xml:"LocationName"`
	ValidFromDate DateTime        `xml:"ValidFromDate"`
	ValidToDate   DateTime        `xml:"ValidToDate"`
}

// LocationName is a location's names, one per level.
type LocationName struct {
	Instances []LocationNameInstance `xml:"LocationNameInstance"`
}

// LocationNameInstance is one level of a location name.
type LocationNameInstance struct {
	Level int    `xml:"LocationNameLevel"`
	Value string `xml:"LocationNameValue"`
}

// NewLocation is a Location of the given type with the names given from the
// broadest level down (e.g. "Main Library", "Stacks").
func NewLocation(locationType string, names ...string) Location {
	l := Location{LocationType: Value(locationType)}
	for i, n := range names {
		l.LocationName.Instances = append(l.LocationName.Instances, LocationNameInstance{Level: i + 1, Value: n})
	}
	return l
}

// String joins the names from the broadest level down with " / ".
func (l Location) String() string {
	parts := make([]string, 0, len(l.LocationName.Instances))
	for _, n := range l.LocationName.Instances {
		parts = append(parts, n.Value)
	}
	return strings.Join(parts, " / ")
}

// ItemTransaction names the patron holding an item and those waiting for it.
type ItemTransaction struct {
	CurrentBorrower  *CurrentUser  `xml:"CurrentBorrower,omitempty"`
	CurrentRequester []CurrentUser `xml:"CurrentRequester,omitempty"`
}

// CurrentUser is a CurrentBorrower or CurrentRequester.
type CurrentUser struct {
	UserID UserID `xml:"UserId"`
}

// Title is the title, or "".
func (f *ItemOptionalFields) Title() string {
	if f == nil || f.BibliographicDescription == nil {
		return ""
	}
	return f.BibliographicDescription.Title
}

// Status is the circulation status value, or "".
func (f *ItemOptionalFields) Status() string {
	if f == nil {
		return ""
	}
	return f.CirculationStatus.Value
}

// CallNumber is the call number, or "".
func (f *ItemOptionalFields) CallNumber() string {
	if f == nil || f.ItemDescription == nil {
		return ""
	}
	return f.ItemDescription.CallNumber
}

// LocationString is the first location as text, or "".
func (f *ItemOptionalFields) LocationString() string {
	if f == nil || len(f.Location) == 0 {
		return ""
	}
	return f.Location[0].String()
}

func (f *ItemOptionalFields) validate(v Version) error {
	if f == nil {
		return nil
	}
	if v.Is20() && !f.DateDue.IsZero() {
		return invalid("ItemOptionalFields/DateDue needs NCIP 2.02")
	}
	for _, l := range f.Location {
		if l.LocationType.Value == "" || len(l.LocationName.Instances) == 0 {
			return invalid("Location needs LocationType and a LocationNameInstance")
		}
	}
	if b := f.BibliographicDescription; b != nil && b.BibliographicItemID != nil && b.BibliographicItemID.Identifier == "" {
		return invalid("BibliographicItemId needs an identifier")
	}
	return nil
}
