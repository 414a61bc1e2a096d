package pdf

import "reflect"

// Labels are the captions printed on the documents. The caller fills them
// from its message catalog; any field left empty prints in English (see
// [DefaultLabels]).
type Labels struct {
	Request     string // request id caption
	Item        string // item barcode caption
	CallNumber  string
	Location    string
	Branch      string
	Title       string
	Author      string
	Volume      string
	Pages       string
	Borrower    string // the borrowing library
	Lender      string // the lending library
	NeedBy      string // last useful date for the borrower
	Service     string // loan, copy, ...
	ShipTo      string
	ReturnTo    string
	Due         string
	Conditions  string
	DoNotRemove string // on book bands
	Patron      string
	PickupAt    string
	PickupBy    string
	Invoice     string // invoice document title
	InvoiceNo   string
	Period      string
	From        string
	To          string
	Date        string
	Description string
	Amount      string
	Currency    string
	Total       string
	Page        string // "Page" in "Page 2 / 5"
	Continued   string // after a repeated table header
	DecimalMark string // in amounts: "." or ","
}

// DefaultLabels returns the English captions.
func DefaultLabels() Labels {
	return Labels{
		Request:     "Request",
		Item:        "Item",
		CallNumber:  "Call number",
		Location:    "Location",
		Branch:      "Branch",
		Title:       "Title",
		Author:      "Author",
		Volume:      "Volume",
		Pages:       "Pages",
		Borrower:    "Borrowing library",
		Lender:      "Lending library",
		NeedBy:      "Need by",
		Service:     "Service",
		ShipTo:      "Ship to",
		ReturnTo:    "Return to",
		Due:         "Due",
		Conditions:  "Conditions",
		DoNotRemove: "Please do not remove this band",
		Patron:      "Patron",
		PickupAt:    "Pick up at",
		PickupBy:    "Pick up by",
		Invoice:     "Invoice",
		InvoiceNo:   "Invoice number",
		Period:      "Period",
		From:        "From",
		To:          "To",
		Date:        "Date",
		Description: "Description",
		Amount:      "Amount",
		Currency:    "Currency",
		Total:       "Total",
		Page:        "Page",
		Continued:   "continued",
		DecimalMark: ".",
	}
}

// withDefaults fills every empty caption from the English defaults.
func (l Labels) withDefaults() Labels {
	def := reflect.ValueOf(DefaultLabels())
	v := reflect.ValueOf(&l).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.String && f.String() == "" {
			f.SetString(def.Field(i).String())
		}
	}
	return l
}
