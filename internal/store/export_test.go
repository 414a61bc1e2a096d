package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"interlend/internal/ill"
)

// ExecForTest runs raw SQL in a transaction (tests only).
func ExecForTest(t *Tx, q string, args ...any) error {
	_, err := t.exec(q, args...)
	return err
}

// SnapshotAgency serialises every row of every table with an agency column
// that belongs to the agency (the isolation test compares snapshots).
func SnapshotAgency(ctx context.Context, db *DB, agency string) (string, error) {
	var b strings.Builder
	err := db.Read(ctx, func(t *Tx) error {
		names, err := db.tableNames(ctx, t.tx)
		if err != nil {
			return err
		}
		for _, name := range names {
			rows, err := t.query(`SELECT * FROM ` + name + ` WHERE 1 = 0`)
			if err != nil {
				return err
			}
			cols, _ := rows.Columns()
			rows.Close()
			if !contains(cols, "agency") {
				continue
			}
			var body strings.Builder
			td, err := writeRows(ctx, t.tx, t.db.engine, name+` WHERE agency = '`+agency+`' ORDER BY 1`, &body)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "%s %d\n%s", name, td.Rows, body.String())
		}
		return nil
	})
	return b.String(), err
}

// RequestColumnsAsStored compares a request row's columns with what its
// document says they should be; it returns the differences (tests only).
func RequestColumnsAsStored(t *Tx, agency, publicID string) ([]string, error) {
	r, err := t.Agency().GetRequest(ill.AgencyID(agency), publicID)
	if err != nil {
		return nil, err
	}
	want := colsOf(r).list()
	var diffs []string
	for _, col := range want {
		var got any
		if err := t.queryRow(`SELECT `+col.name+` FROM requests WHERE id = $1`, r.ID).Scan(&got); err != nil {
			return nil, err
		}
		if norm(got) != norm(col.value) {
			diffs = append(diffs, fmt.Sprintf("%s: stored %v, document says %v", col.name, got, col.value))
		}
	}
	return diffs, nil
}

// norm makes a column value from the driver comparable with the one
// written (integers, booleans, strings, NULL).
func norm(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case sql.NullInt64:
		if !x.Valid {
			return "NULL"
		}
		return fmt.Sprint(x.Int64)
	case bool:
		if x {
			return "1"
		}
		return "0"
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}
