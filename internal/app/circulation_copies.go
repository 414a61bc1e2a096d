package app

import (
	"interlend/internal/catalog"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// maxCopies bounds how many copies LookupItem asks the ILS about.
const maxCopies = 5

// localCopies are the copies of a requested title in the lending
// library's imported catalog: LookupItem needs a copy's barcode, which
// only the catalog knows.
type localCopies struct {
	barcodes []string // lendable copies first
	bibID    string   // the library's own record id (MARC 001), for RequestItem
}

// findCopies looks the citation up in the agency's imported catalog.
func findCopies(tx *store.Tx, agency ill.AgencyID, c ill.Citation) (localCopies, error) {
	var out localCopies
	recs, err := tx.Network().CatalogByIdentifiers(catalog.CitationIdentifiers(c), 50)
	if err != nil {
		return out, err
	}
	mine := recs[:0]
	for _, rec := range recs {
		if rec.Holder == agency {
			mine = append(mine, rec)
		}
	}
	if err := tx.Network().LoadCatalogItems(mine); err != nil {
		return out, err
	}
	var later []string
	for _, rec := range mine {
		if out.bibID == "" {
			out.bibID = rec.ID
		}
		for _, it := range rec.Items {
			switch {
			case it.Barcode == "":
			case it.Lendable && !it.OnLoan:
				out.barcodes = append(out.barcodes, it.Barcode)
			default:
				later = append(later, it.Barcode) // the catalog may be out of date: ask the ILS too
			}
		}
	}
	out.barcodes = append(out.barcodes, later...)
	if len(out.barcodes) > maxCopies {
		out.barcodes = out.barcodes[:maxCopies]
	}
	return out, nil
}
