package store

import (
	"context"
	"fmt"
	"strings"
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
