package store

import "context"

// RecordDiagEffect writes the effect of a diagnostic job.
func (s SystemData) RecordDiagEffect(jobID int64, node string) error {
	_, err := s.t.exec(`INSERT INTO diag_effects (job_id, node, at) VALUES ($1, $2, $3)`, jobID, node, micros(s.t.now))
	return err
}

// DiagEffectCounts returns, per job id, how many effects were written.
func (s SystemData) DiagEffectCounts() (map[int64]int, error) {
	rows, err := s.t.query(`SELECT job_id, count(*) FROM diag_effects GROUP BY job_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// ExecRaw runs one statement outside the store's vocabulary: for tests and
// diagnostics that must set up unusual states (never application code).
func ExecRaw(ctx context.Context, db *DB, q string, args ...any) error {
	_, err := db.write.ExecContext(ctx, q, args...)
	return err
}
