package store

// ExecForTest runs raw SQL in a transaction (tests only).
func ExecForTest(t *Tx, q string, args ...any) error {
	_, err := t.exec(q, args...)
	return err
}
