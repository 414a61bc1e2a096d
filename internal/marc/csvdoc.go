package marc

// CSVFormatDoc documents the CSV catalog format in Markdown, for the user
// documentation.
const CSVFormatDoc = "# CSV catalog format\n" + `
Libraries that cannot export MARC can load their catalog into Interlend as a
CSV file (comma-, semicolon- or tab-separated; UTF-8, a byte-order mark is
allowed). The first line names the columns; their order does not matter and
names are matched without regard to case, with spaces or hyphens read as
underscores ("Call Number" is call_number). Columns Interlend does not know
are ignored and listed in the import report.

One row describes one title, or one copy of a title: rows that follow each
other with the same id are merged into one title with several items.

| column | required | meaning |
| --- | --- | --- |
| id | yes | the library's own record id (the ILS bibliographic number) |
| title | yes | title as catalogued ("Silent spring") |
| isbn | no | ISBN-10 or ISBN-13, hyphens allowed; several separated by "\|" or ";" |
| issn | no | ISSN, "1072-303X" or "1072303X"; several separated by "\|" or ";" |
| oclc | no | OCLC number: "49593382", "ocm49593382" or "(OCoLC)49593382"; several allowed |
| lccn | no | Library of Congress control number ("2002023456", "n78-890351") |
| author | no | main author, "Carson, Rachel" or "Rachel Carson" |
| edition | no | edition statement ("40th anniversary ed.") |
| publisher | no | publisher |
| place | no | place of publication |
| year | no | year of publication; text around the year is allowed ("c2002") |
| language | no | MARC or ISO 639-2 language code ("eng") |
| format | no | book, serial, article, thesis, manuscript, map, score, audio, music-recording, video, image, computer-file, kit, mixed, object; when empty: serial if there is a holdings statement or an ISSN without ISBN, else book |
| call_number | no | shelf mark ("QH545.P4 C38 2002") |
| location | no | shelving location ("Stacks", "Reference") |
| branch | no | library or branch that holds it ("MAIN") |
| barcode | no | item barcode; several copies separated by "\|" or ";" (or one row per copy) |
| lendable | no | yes/no (also y/n, true/false, 1/0); empty means yes |
| status | no | circulation status as the ILS words it ("Available", "Checked out", "Missing"); statuses such as missing, lost, reference or not for loan make the copy not lendable |
| holdings | no | for serials, the holdings statement: "v.1(1990)-v.16(2005)", "1990-2005", "v.10-", "1995-"; several runs separated by "," or ";" |

A row with no id or title, a year that is not a year, a lendable value that
is not yes or no, an unknown format, or a different number of fields than
the header is reported with its line number and skipped; the rest of the
file is imported. An identifier that fails its check digit is dropped from
the title and reported. A file whose header lacks id or title is refused
before any row is read.

Example:

` + "```" + `
id,isbn,title,author,year,call_number,location,branch,barcode,lendable,holdings
b1001,0618249060,Silent spring,"Carson, Rachel",2002,QH545.P4 C38 2002,Stacks,MAIN,39012004567891,yes,
b1002,,Journal of interlibrary loan,,1990,Z713,Periodicals,MAIN,,no,v.1(1990)-v.16(2005)
` + "```" + `
`
