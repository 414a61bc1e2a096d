// Package marc reads and writes MARC 21 records and maps them to the
// holdings view that interlibrary loan needs.
//
// Formats: ISO 2709 (NewReader, NewWriter), MARCXML in the namespace
// http://www.loc.gov/MARC21/slim (NewXMLReader, NewXMLWriter) and a plain
// CSV catalog for libraries without MARC exports (NewCSVReader). Records in
// MARC-8 (leader/09 blank) are converted to Unicode on reading, using the
// Library of Congress code tables in marc8.tsv; characters that cannot be
// decoded become U+FFFD and are reported as warnings, the rest of the record
// is kept.
//
// ToHolding maps a bibliographic record with embedded holdings (852, 866,
// 853/863, 876, Koha 952, local 949) to a Holding: identifiers, a cleaned
// title and author, imprint, call number, items with their lendable status,
// and serial coverage that answers whether a given year and volume are held.
package marc
