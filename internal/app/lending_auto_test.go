package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/calendar"
	"interlend/internal/catalog"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/marc"
	"interlend/internal/peer/wire"
	"interlend/internal/peertest"
	"interlend/internal/settings"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// lendingCatalog puts titles in a lender's imported catalog.
func lendingCatalog(t *testing.T, w *world, holder ill.AgencyID, hs ...marc.Holding) {
	t.Helper()
	var recs []catalog.Record
	for _, h := range hs {
		h.Format = marc.FormatBook
		recs = append(recs, catalog.Record{Holder: holder, Holding: h, Source: catalog.FormatMARC21, Counts: catalog.CountItems(h.Items), Hash: catalog.ContentHash(&h, catalog.FormatMARC21)})
	}
	err := w.app.DB.Transact(w.ctx, func(tx *store.Tx) error {
		_, err := tx.Network().PutCatalogBatch(holder, recs, 1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// askFor sends a loan request for a citation from libA to lender.
func askFor(t *testing.T, w *world, lender ill.AgencyID, c ill.Citation, service ill.ServiceType) (*ill.Request, *ill.Request) {
	t.Helper()
	b, err := w.app.CreateRequest(w.ctx, staff(libA), app.NewRequest{Citation: c, ServiceType: service,
		Lenders: []app.RotaChoice{{Lender: lender, Reason: "test"}}, Send: true})
	if err != nil {
		t.Fatal(err)
	}
	w.settle()
	return b, w.lendingFor(lender, b)
}

// sentBy lists the ISO 18626 messages a lending request sent, oldest first.
func sentBy(t *testing.T, w *world, ag ill.AgencyID, id string) []ill.Message {
	t.Helper()
	_, msgs, err := w.app.Timeline(w.ctx, sys(ag), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []ill.Message
	for _, m := range msgs {
		if m.Direction == store.Outbound {
			out = append(out, m.Body)
		}
	}
	return out
}

func autoOn(t *testing.T, w *world, ag ill.AgencyID, edit func(*app.LendingAutoSettings)) {
	t.Helper()
	s, err := app.LendingAutoSetting.Get(w.ctx, w.app.DB, ag)
	if err != nil {
		t.Fatal(err)
	}
	s.Enabled = true
	if edit != nil {
		edit(&s)
	}
	if err := w.app.PutSetting(w.ctx, staff(ag), ag, "lending.auto", s); err != nil {
		t.Fatal(err)
	}
}

// Every auto-answer rule sends the exact ISO 18626 status and reason it
// stands for, and every message sent validates against both XSDs.
func TestLendingAutoAnswerRules(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			autoOn(t, w, libB, func(s *app.LendingAutoSettings) {
				s.Conditions = []app.ConditionRule{{Location: "Special Collections", Condition: "LibraryUseOnly"}}
			})
			lendingCatalog(t, w, libB,
				marc.Holding{ID: "avail", Title: "Silent spring", Author: "Carson, Rachel", ISBNs: []string{"9780618249060"},
					Items: []marc.Item{{Barcode: "39001", Lendable: true, CallNumber: "QH545 .P4 C38", Location: "Stacks", Branch: "Main", Status: "available"}}},
				marc.Holding{ID: "ref", Title: "Oxford English Dictionary", ISBNs: []string{"9780198611868"},
					Items: []marc.Item{{Barcode: "39002", Lendable: false, CallNumber: "PE1625 .O87", Location: "Reference", Status: "Reference; not for loan"}}},
				marc.Holding{ID: "loan", Title: "Dune", Author: "Herbert, Frank", ISBNs: []string{"9780441172719"},
					Items: []marc.Item{{Barcode: "39003", Lendable: true, OnLoan: true, CallNumber: "PS3558 .E63 D8", Location: "Stacks", Status: "on loan until 2026-03-20"}}},
				marc.Holding{ID: "bind", Title: "Nature", ISBNs: []string{"9780000000002"},
					Items: []marc.Item{{Barcode: "39004", Lendable: false, CallNumber: "Q1 .N2", Location: "Stacks", Status: "At bindery"}}},
				marc.Holding{ID: "spec", Title: "Leaves of grass", Author: "Whitman, Walt", ISBNs: []string{"9780140421996"},
					Items: []marc.Item{{Barcode: "39005", Lendable: true, CallNumber: "PS3201 1855", Location: "Special Collections", Status: "available"}}},
				marc.Holding{ID: "rose", Title: "The name of the rose", Author: "Eco, Umberto", Edition: "1st ed.", Year: 1983, ISBNs: []string{"9780151446476"},
					Items: []marc.Item{{Barcode: "39006", Lendable: true, CallNumber: "PQ4865 .C6 N613", Location: "Stacks", Status: "available"}}},
				marc.Holding{ID: "set", Title: "The history of the decline and fall of the Roman Empire", Author: "Gibbon, Edward", ISBNs: []string{"9780140437645"},
					Items: []marc.Item{{Barcode: "39007", Lendable: true, CallNumber: "DG311 .G5 v.1", Location: "Stacks"}, {Barcode: "39008", Lendable: true, CallNumber: "DG311 .G5 v.2", Location: "Stacks"}}},
			)
			due := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
			cases := []struct {
				name       string
				cite       ill.Citation
				state      ill.State
				status     string
				unfilled   string
				retry      string
				retryAfter time.Time
				conditions []string
				noteHas    string
				rule       string
			}{
				{"held and available", ill.Citation{Title: "Silent spring", ISBN: "9780618249060"}, ill.LAwaitingSlip, ill.StatusExpectToSupply, "", "", time.Time{}, nil, "", app.RuleHeldAvailable},
				{"not held", ill.Citation{Title: "A book nobody has", ISBN: "9780000000019"}, ill.LUnfilled, ill.StatusUnfilled, "NotHeld", "", time.Time{}, nil, "", app.RuleNotHeld},
				{"non-circulating", ill.Citation{Title: "Oxford English Dictionary", ISBN: "9780198611868"}, ill.LUnfilled, ill.StatusUnfilled, "NonCirculating", "", time.Time{}, nil, "", app.RuleNonCirculating},
				{"on loan", ill.Citation{Title: "Dune", ISBN: "9780441172719"}, ill.LRetryOffered, ill.StatusRetryPossible, "", "OnLoan", due, nil, "", app.RuleOnLoan},
				{"at bindery", ill.Citation{Title: "Nature", ISBN: "9780000000002"}, ill.LRetryOffered, ill.StatusRetryPossible, "", "AtBindery", time.Time{}, nil, "", app.RuleAtBindery},
				{"condition by location", ill.Citation{Title: "Leaves of grass", ISBN: "9780140421996"}, ill.LConditional, ill.StatusRequestReceived, "", "", time.Time{}, []string{"LibraryUseOnly"}, "", app.RuleConditions},
				{"not found as cited", ill.Citation{Title: "The name of the rose", Author: "Eco, Umberto", ISBN: "9780099466031"}, ill.LRetryOffered, ill.StatusRetryPossible, "", "NotFoundAsCited", time.Time{}, nil, "1st ed.", app.RuleNotFoundAsCited},
				{"which volume", ill.Citation{Title: "The history of the decline and fall of the Roman Empire", ISBN: "9780140437645"}, ill.LRetryOffered, ill.StatusRetryPossible, "", "MultiVolAvail", time.Time{}, nil, "v.1, v.2", app.RuleMultiVolume},
			}
			var sent []ill.Message
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					_, l := askFor(t, w, libB, c.cite, ill.Loan)
					w.wantState(libB, l.PublicID, c.state)
					msgs := sentBy(t, w, libB, l.PublicID)
					if len(msgs) != 1 {
						t.Fatalf("sent %d messages, want 1: %+v", len(msgs), msgs)
					}
					m := msgs[0]
					sent = append(sent, m)
					if m.Kind != ill.MsgSAM || m.Status != c.status || m.Reason != ill.ReasonRequestResponse {
						t.Errorf("sent %s %s/%s, want SAM %s/RequestResponse", m.Kind, m.Status, m.Reason, c.status)
					}
					if m.ReasonUnfilled != c.unfilled || m.ReasonRetry != c.retry {
						t.Errorf("reasons unfilled %q retry %q, want %q %q", m.ReasonUnfilled, m.ReasonRetry, c.unfilled, c.retry)
					}
					if !m.RetryAfter.Equal(c.retryAfter) {
						t.Errorf("retryAfter %v, want %v", m.RetryAfter, c.retryAfter)
					}
					if !slices.Equal(m.Conditions, c.conditions) {
						t.Errorf("conditions %v, want %v", m.Conditions, c.conditions)
					}
					if !strings.Contains(m.Note, c.noteHas) {
						t.Errorf("note %q, want it to name %q", m.Note, c.noteHas)
					}
					v, err := w.app.LendingDetail(w.ctx, staff(libB), l.PublicID)
					if err != nil {
						t.Fatal(err)
					}
					if v.AutoRule != c.rule {
						t.Errorf("desk records rule %q, want %q", v.AutoRule, c.rule)
					}
				})
			}

			// WillSupply only once the pull slip is marked found.
			t.Run("will supply after found", func(t *testing.T) {
				_, l := askFor(t, w, libB, ill.Citation{Title: "Silent spring", ISBN: "9780618249060"}, ill.Loan)
				w.do(staff(libB), l.PublicID, ill.ActPrintSlip, nil)
				if n := len(sentBy(t, w, libB, l.PublicID)); n != 1 {
					t.Fatalf("printing the slip sent a message (%d in all)", n)
				}
				w.do(staff(libB), l.PublicID, ill.ActFound, nil)
				w.wantState(libB, l.PublicID, ill.LAwaitingShip)
				msgs := sentBy(t, w, libB, l.PublicID)
				if last := msgs[len(msgs)-1]; len(msgs) != 2 || last.Status != ill.StatusWillSupply {
					t.Fatalf("after found: %d messages, last %s, want WillSupply", len(msgs), last.Status)
				}
				sent = append(sent, msgs...)
			})

			// No renewals: a note follows the ExpectToSupply.
			t.Run("no renewals note", func(t *testing.T) {
				autoOn(t, w, libB, func(s *app.LendingAutoSettings) { s.NoRenewals = true })
				_, l := askFor(t, w, libB, ill.Citation{Title: "Silent spring", ISBN: "9780618249060"}, ill.Loan)
				msgs := sentBy(t, w, libB, l.PublicID)
				if len(msgs) != 2 || msgs[0].Status != ill.StatusExpectToSupply || msgs[1].Reason != ill.ReasonNotification || !strings.Contains(msgs[1].Note, "No renewals") {
					t.Fatalf("messages %+v, want ExpectToSupply then a Notification saying no renewals", msgs)
				}
				sent = append(sent, msgs...)
				autoOn(t, w, libB, func(s *app.LendingAutoSettings) { s.NoRenewals = false })
			})

			// A rule switched off leaves the request to staff.
			t.Run("rule off", func(t *testing.T) {
				autoOn(t, w, libB, func(s *app.LendingAutoSettings) { s.NotHeld = false })
				_, l := askFor(t, w, libB, ill.Citation{Title: "Another book nobody has", ISBN: "9780000000026"}, ill.Loan)
				w.wantState(libB, l.PublicID, ill.LNew)
				if n := len(sentBy(t, w, libB, l.PublicID)); n != 0 {
					t.Errorf("sent %d messages with the rule off", n)
				}
				v, err := w.app.LendingDetail(w.ctx, staff(libB), l.PublicID)
				if err != nil {
					t.Fatal(err)
				}
				if v.Suggestion.Action != ill.ActAnswerUnfilled || v.Suggestion.Params["reason"] != "NotHeld" {
					t.Errorf("suggestion %+v, want Unfilled NotHeld", v.Suggestion)
				}
			})

			// Library closed: RetryPossible with retryAfter = the reopening.
			t.Run("library closed", func(t *testing.T) {
				autoOn(t, w, libC, nil)
				cal, err := settings.CalendarSetting.Get(w.ctx, w.app.DB, libC)
				if err != nil {
					t.Fatal(err)
				}
				cal.Closures = append(cal.Closures, calendar.Closure{From: calendar.DateOf(t0), To: calendar.DateOf(t0).AddDays(2), Name: "Inventory"})
				if err := w.app.PutSetting(w.ctx, staff(libC), libC, "calendar", cal); err != nil {
					t.Fatal(err)
				}
				sch, err := calendar.New(cal)
				if err != nil {
					t.Fatal(err)
				}
				want := sch.NextReopening(t0)
				if !want.After(t0.Add(48 * time.Hour)) {
					t.Fatalf("reopening %v is not after the closure", want)
				}
				_, l := askFor(t, w, libC, ill.Citation{Title: "Silent spring", ISBN: "9780618249060"}, ill.Loan)
				w.wantState(libC, l.PublicID, ill.LRetryOffered)
				msgs := sentBy(t, w, libC, l.PublicID)
				if len(msgs) != 1 || msgs[0].Status != ill.StatusRetryPossible || msgs[0].ReasonRetry != "NotCurrentAvailableForILL" || !msgs[0].RetryAfter.Equal(want.Truncate(time.Second)) {
					t.Fatalf("messages %+v, want RetryPossible NotCurrentAvailableForILL retryAfter %v", msgs, want)
				}
				sent = append(sent, msgs...)
			})

			var docs [2][][]byte
			for i, v := range []iso18626.Version{iso18626.V1_2, iso18626.V2021} {
				for _, m := range sent {
					im, err := wire.Encode(m, v, wire.ISIL{})
					if err != nil {
						t.Fatalf("encode %s as %s: %v", m.Status, v, err)
					}
					b, err := iso18626.Marshal(im)
					if err != nil {
						t.Fatal(err)
					}
					docs[i] = append(docs[i], b)
				}
				if n := peertest.ValidateAll(t, v, docs[i]); n == 0 {
					t.Errorf("no %s documents checked", v)
				}
			}
		})
	}
}
