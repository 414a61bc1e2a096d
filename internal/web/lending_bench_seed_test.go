package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"interlend/internal/apptest"
	"interlend/internal/bibid"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// benchSeed is one request of the lending desk benchmark, with its desk
// record when it is the lender's.
type benchSeed struct {
	agency ill.AgencyID
	r      *ill.Request
	mark   bool
}

// seedBenchRequests stores the benchmark's requests. On SQLite (in the
// process) the store's own CreateRequest and PutLendingMark are fast
// enough; on PostgreSQL one statement per row is 300,000 round trips, so
// the same rows are written as multi-row INSERTs (1,000 rows a
// statement) in one transaction, and the id sequence is moved past them.
// The columns are those CreateRequest and PutLendingMark write.
func seedBenchRequests(b *testing.B, w *apptest.World, seeds []benchSeed) {
	ctx := context.Background()
	if w.App.DB.Engine() != store.Postgres {
		const batch = 5_000
		for from := 0; from < len(seeds); from += batch {
			err := w.App.DB.Transact(ctx, func(tx *store.Tx) error {
				for _, s := range seeds[from:min(from+batch, len(seeds))] {
					if err := tx.Agency().CreateRequest(s.agency, s.r); err != nil {
						return err
					}
					if s.mark {
						if err := tx.Agency().PutLendingMark(s.agency, store.LendingMark{RequestID: s.r.ID, ServiceRank: store.ServiceRank(s.r.ServiceLevel), Unread: s.r.UnreadMessages}); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	db := w.App.DB.SQL()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	var next int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM requests`).Scan(&next); err != nil {
		b.Fatal(err)
	}
	now := w.Clock.Now()
	const rowsPer = 1_000
	for from := 0; from < len(seeds); from += rowsPer {
		part := seeds[from:min(from+rowsPer, len(seeds))]
		var q, m strings.Builder
		var args, margs []any
		q.WriteString(`INSERT INTO requests (id, public_id, agency, side, state, version, partner, partner_request_id, service_type,
			title, title_key, author_key, isbn, issn, oclc, doi, pmid, patron_id, need_before, attention, close_reason, data, created_at, updated_at, closed_at, owner_user_id) VALUES `)
		m.WriteString(`INSERT INTO lending_desk (request_id, agency, service_rank, unread, slip_printed_at, search_again_at, auto_rule, auto_detail, by_hand, updated_at) VALUES `)
		for i, s := range part {
			r := s.r
			r.ID, r.PublicID, r.Agency, r.Version = next, store.PublicID(r.Side, next), s.agency, 1
			r.CreatedAt, r.UpdatedAt = now, now
			next++
			data, err := json.Marshal(r)
			if err != nil {
				b.Fatal(err)
			}
			if i > 0 {
				q.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d, 1, $%d, $%d, $%d, $%d, $%d, $%d, '', '', '', '', '', NULL, $%d, $%d, $%d, $%d, $%d, $%d, $%d, NULL)",
				n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10, n+11, n+12, n+13, n+14, n+15, n+16, n+17, n+18)
			needBefore := sql.NullInt64{Int64: r.NeedBefore.UTC().UnixMicro(), Valid: !r.NeedBefore.IsZero()}
			closed := sql.NullInt64{Int64: r.ClosedAt.UTC().UnixMicro(), Valid: !r.ClosedAt.IsZero()}
			args = append(args, r.ID, r.PublicID, string(s.agency), string(r.Side), string(r.State), string(r.Partner), r.PartnerRequestID, string(r.ServiceType),
				r.Citation.DisplayTitle(), bibid.NormaliseTitle(r.Citation.Title), bibid.NormaliseAuthor(r.Citation.Author),
				needBefore, r.Attention, string(r.CloseReason), string(data), now.UTC().UnixMicro(), now.UTC().UnixMicro(), closed)
			if s.mark {
				if len(margs) > 0 {
					m.WriteString(", ")
				}
				k := len(margs)
				fmt.Fprintf(&m, "($%d, $%d, $%d, $%d, NULL, NULL, '', '', FALSE, $%d)", k+1, k+2, k+3, k+4, k+5)
				margs = append(margs, r.ID, string(s.agency), store.ServiceRank(r.ServiceLevel), r.UnreadMessages, now.UTC().UnixMicro())
			}
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			b.Fatal(err)
		}
		if len(margs) > 0 {
			if _, err := tx.ExecContext(ctx, m.String(), margs...); err != nil {
				b.Fatal(err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('requests', 'id'), $1)`, next-1); err != nil {
		b.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `ANALYZE requests`); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `ANALYZE lending_desk`); err != nil {
		b.Fatal(err)
	}
}
