package statsfixture

import (
	"time"

	"interlend/internal/ill"
	"interlend/internal/stats"
)

// The figures below were worked out by hand from the timestamps in
// fixture.go (the working is in the comments); they are not computed by
// the code under test.

func h(n int) time.Duration { return time.Duration(n) * time.Hour }

// hm is n/d hours, as time.Duration arithmetic gives it (truncated to the
// nanosecond): the means.
func hm(n, d int) time.Duration { return time.Duration(n) * time.Hour / time.Duration(d) }

func sum(n, median, p90, mean time.Duration) stats.Summary {
	return stats.Summary{N: int(n), Median: median, P90: p90, Mean: mean}
}

// WantMarch is every figure of March 2026.
func WantMarch() stats.Measures {
	return stats.Measures{
		Period: March,
		// Borrowing. Submitted in March: A1-10, B1-6, C1-4, D1-6, E1-4 = 30
		// (F4 was submitted in February, F5 in January).
		Borrowing: stats.SideMeasures{
			Side:     ill.Borrowing,
			Received: 30,
			// Loans: A 10, C 4, D1-D5 5, E 4 = 23; copies: B 6, D6 = 7.
			ByService: []stats.Count{{Key: "Loan", N: 23}, {Key: "Copy", N: 7}},
			ByLevel:   []stats.Count{{Key: "(none)", N: 14}, {Key: "Normal", N: 10}, {Key: "Rush", N: 6}},
			// faculty: A 10, C 4, D5, D6; student: B 6, D1-D4; staff: E 4.
			ByCategory:   []stats.Count{{Key: "faculty", N: 16}, {Key: "student", N: 10}, {Key: "staff", N: 4}},
			ByDepartment: []stats.Count{{Key: "History", N: 16}, {Key: "Biology", N: 10}, {Key: "(none)", N: 4}},
			// Each request's last lender: L1 A 10 + E1; L2 B 6 + D4, D5, E2;
			// L3 C 4 + E4; none D1-D3, D6, E3.
			ByPartner: []stats.Count{{Key: "US-L1", N: 11}, {Key: "US-L2", N: 9}, {Key: "(none)", N: 5}, {Key: "US-L3", N: 5}},
			// Decided in March: filled A 10 (shipped 4th), B 6 (delivered
			// 17th-24th), D4 (10th), E2 (31st), E4 (26th), F4 (3rd) = 20;
			// unfilled C 4, D5 (staff), D6 (copyright) = 6; excluded D1-D3;
			// undecided at the end: E1, E3. Rate 20 / 26.
			Rate: stats.Rate{Filled: 20, Unfilled: 6, Excluded: 3, Open: 2, Value: 20.0 / 26.0},
			// Not closed on 1 April: E1-E4.
			OpenAtEnd: 4,
			Excluded:  []stats.Count{{Key: "duplicate", N: 1}, {Key: "filled_locally", N: 1}, {Key: "patron_cancelled", N: 1}},
			Unfilled:  []stats.Count{{Key: "unfilled:NotHeld", N: 2}, {Key: "unfilled:NotOnShelf", N: 2}, {Key: "copyright_denied", N: 1}, {Key: "staff_cancelled", N: 1}},
			// By the last lender: L1 A 10 + F4; L2 B 6, D4, E2 / D5; L3 E4 / C 4;
			// none: D6.
			Outcomes: []stats.PartnerOutcome{{Partner: L1, Filled: 11}, {Partner: L2, Filled: 8, Unfilled: 1}, {Partner: L3, Filled: 1, Unfilled: 4}, {Partner: "", Unfilled: 1}},
			Turnaround: map[stats.Stage]stats.Summary{
				// A: k hours (k = 1..10); B, C, D4, D5, E1, E2, E4: 1 h. Sorted:
				// 16 × 1, then 2..10. Median the 13th (1 h), p90 the 23rd (8 h),
				// mean (16 + 54) / 25.
				stats.SubmittedToSent: sum(25, h(1), h(8), hm(70, 25)),
				// A: 49-k h (48..39); D4 119 (Thu 5 11:00 → Tue 10 10:00); E2 95;
				// E4 23; F4 143 (Wed 25 Feb 11:00 → Tue 3 Mar 10:00). Sorted 23,
				// 39..48, 95, 119, 143: median (44 + 45) / 2, p90 the 13th.
				stats.SentToShipped: sum(14, hm(89, 2), h(119), hm(815, 14)),
				// A 48 × 10, F4 48, E4 119 (Thu 26 10:00 → Tue 31 09:00).
				stats.ShippedToReceived: sum(12, h(48), h(48), hm(647, 12)),
				// A 72 (Fri 6 11:00 → Mon 9 11:00), F4 4. E4 is picked up in April.
				stats.ReceivedToPickedUp: sum(11, h(72), h(72), hm(724, 11)),
				// A 97, E4 143, F4 192 (Wed 25 Feb 10:00 → Thu 5 Mar 10:00).
				stats.SubmittedToFilled: sum(12, h(97), h(143), hm(1305, 12)),
				// B: Mon 16 09:00 → 10:00 on the 17th, 18th, 19th, 20th, 23rd,
				// 24th: 25, 49, 73, 97, 169, 193.
				stats.SubmittedToDeliver: sum(6, h(85), h(193), h(101)),
				// A 72 (Mon 23 15:00 → Thu 26 15:00), F4 96 (Fri 20 → Tue 24).
				stats.ReturnTransit: sum(11, h(72), h(72), hm(816, 11)),
			},
			Business: map[stats.Stage]stats.Summary{
				// A1-A7: k h; A8-A10 sent after 17:00: 7 h; the others 1 h.
				stats.SubmittedToSent: sum(25, h(1), h(7), hm(64, 25)),
				// A: Mon (7-k, or 0) + Tue 8 + Wed 2 = 17-k for k ≤ 7, else 10;
				// D4: Thu 6 + Fri 8 + Mon 8 + Tue 1 = 23 (the weekend counts
				// nothing); E2: 6 + 8 + 1 = 15; E4: 6 + 1 = 7; F4: 6 + 8 + 8 +
				// 8 + 1 = 31. Sorted 7, 10 × 4, 11..15, 15, 16, 23, 31.
				stats.SentToShipped: sum(14, hm(25, 2), h(23), hm(197, 14)),
				// A, F4: 6 + 8 + 2 = 16 (7 + 8 + 1); E4: 7 + 8 + 8 + 0 = 23.
				stats.ShippedToReceived: sum(12, h(16), h(16), hm(199, 12)),
				// A: Fri 11:00-17:00 6 + Mon 09:00-11:00 2 = 8; F4 4.
				stats.ReceivedToPickedUp: sum(11, h(8), h(8), hm(84, 11)),
				// A: 7 + 8 + 8 + 8 + 2 = 33; E4: 7 + 8 + 8 + 8 + 0 = 31; F4: 48.
				stats.SubmittedToFilled: sum(12, h(33), h(33), hm(409, 12)),
				// B: Mon 8 + the holiday 0 + 1 = 9 for Wednesday; 8, 9, 17, 25,
				// 33, 41.
				stats.SubmittedToDeliver: sum(6, h(21), h(41), hm(133, 6)),
				// A: 2 + 8 + 8 + 6 = 24; F4: 7 + 8 + 1 = 16.
				stats.ReturnTransit: sum(11, h(24), h(24), hm(256, 11)),
			},
			Renewals: 2, // A1, A2 on the 16th
			Overdue:  1, // F4 on the 19th
			Lost:     1, // F5 on the 12th
			// Patron's wait (calendar): 97 × 10, 73, 97 → 3-5 days; 143 →
			// 5-7; 192, 169, 193 → 7-10; 25 → 1-2; 49 → 2-3.
			Wait: []int{0, 1, 1, 12, 1, 3, 0, 0, 0},
		},
		// Lending. Received in March: L-A 8, L-B 4, L-C 4, L-D 2, L-E 2.
		Lending: stats.SideMeasures{
			Side:         ill.Lending,
			Received:     20,
			ByService:    []stats.Count{{Key: "Loan", N: 16}, {Key: "Copy", N: 4}},
			ByLevel:      []stats.Count{{Key: "(none)", N: 20}},
			ByCategory:   []stats.Count{{Key: "(none)", N: 20}},
			ByDepartment: []stats.Count{{Key: "(none)", N: 20}},
			ByPartner:    []stats.Count{{Key: "US-P1", N: 12}, {Key: "US-P2", N: 8}},
			// Filled L-A 8, L-B 4; not filled L-C 4 (three Unfilled, one
			// RetryPossible), L-D 2 (cancelled); undecided L-E 2.
			Rate:      stats.Rate{Filled: 12, Unfilled: 6, Open: 2, Value: 12.0 / 18.0},
			OpenAtEnd: 6, // L-A5-8 on loan, L-E1-2
			Excluded:  []stats.Count{},
			Unfilled:  []stats.Count{{Key: "cancelled", N: 2}, {Key: "unfilled:NotOnShelf", N: 2}, {Key: "retry_offered:OnLoan", N: 1}, {Key: "unfilled:NotHeld", N: 1}},
			Outcomes:  []stats.PartnerOutcome{{Partner: P1, Filled: 8, Unfilled: 4}, {Partner: P2, Filled: 4, Unfilled: 2}},
			Turnaround: map[stats.Stage]stats.Summary{
				// L-A k h; L-B 1 × 4; L-C 2, 2, 4, 24; L-D 5, 5. Sorted: 1 × 5,
				// 2 × 3, 3, 4, 4, 5 × 3, 6, 7, 8, 24.
				stats.LenderAnswer: sum(18, hm(7, 2), h(8), hm(82, 18)),
				// L-A 91 (Thu 12 15:00 → Mon 16 10:00); L-B 2, 4, 26, 48.
				stats.LenderShip:    sum(12, h(91), h(91), hm(808, 12)),
				stats.ReturnTransit: sum(4, h(72), h(72), h(72)), // L-A1-4: Fri 27 → Mon 30
			},
			Business: map[stats.Stage]stats.Summary{
				// L-A: min(k, 2) (closing at 17:00); L-B 1; L-C 2, 2, 4, 7 + 1;
				// L-D 5. Sorted 1 × 5, 2 × 9, 4, 5, 5, 8.
				stats.LenderAnswer: sum(18, h(2), h(5), hm(45, 18)),
				// L-A: Thu 2 + Fri 8 + Mon 1 = 11; L-B 2, 4, 8 + 2, 8 + 8.
				stats.LenderShip:    sum(12, h(11), h(11), h(10)),
				stats.ReturnTransit: sum(4, h(8), h(8), h(8)), // Fri 7 + Mon 1
			},
			Renewals: 1, // L-A5
			Wait:     []int{2, 1, 1, 8, 0, 0, 0, 0, 0},
		},
		// Tries sent in March, by lender and service (E1's is pending).
		Scores: []stats.LenderScore{
			// A 10 filled, C 4 unfilled. Sent → shipped 48..39; sent → answer:
			// A 23..14, C 24 × 4.
			{Lender: L1, Service: ill.Loan, Tries: 14, Filled: 10, FillRate: 10.0 / 14.0,
				Turnaround: sum(10, hm(87, 2), h(47), hm(435, 10)), Answer: sum(14, hm(41, 2), h(24), hm(281, 14))},
			// B: sent Mon 16 10:00, delivered 24, 48, 72, 96, 168, 192 h later.
			{Lender: L2, Service: ill.Copy, Tries: 6, Filled: 6, FillRate: 1,
				Turnaround: sum(6, h(84), h(192), h(100)), Answer: sum(6, h(2), h(2), h(2))},
			// D4 119 h (answer 23), D5 cancelled unanswered, E2 95 h (answer 70).
			{Lender: L2, Service: ill.Loan, Tries: 3, Filled: 2, FillRate: 2.0 / 3.0,
				Turnaround: sum(2, h(107), h(119), h(107)), Answer: sum(2, hm(93, 2), h(70), hm(93, 2))},
			// C 4 unfilled (answer 24), E4 filled in 23 (answer 4).
			{Lender: L3, Service: ill.Loan, Tries: 5, Filled: 1, FillRate: 0.2,
				Turnaround: sum(1, h(23), h(23), h(23)), Answer: sum(5, h(24), h(24), h(20))},
		},
		// Filled in March: for us L1 11, L2 8, L3 1; by us for P1 8, P2 4.
		Balance: []stats.PartnerBalance{{Partner: L1, Borrowed: 11}, {Partner: L2, Borrowed: 8}, {Partner: P1, Lent: 8}, {Partner: P2, Lent: 4}, {Partner: L3, Borrowed: 1}},
		// Spend 15.00 + 5.50; income 10.00; 20.50 / 20 filled = 1.025 → 1.03.
		Money: stats.MoneyMeasures{
			Spend:  []stats.Amount{{Currency: "USD", Minor: 2050}},
			Income: []stats.Amount{{Currency: "USD", Minor: 1000}},
			ByType: []stats.TypedAmount{{Type: "lender_charge", Spend: true, Amount: stats.Amount{Currency: "USD", Minor: 1500}},
				{Type: "shipping", Spend: true, Amount: stats.Amount{Currency: "USD", Minor: 550}},
				{Type: "lender_charge", Amount: stats.Amount{Currency: "USD", Minor: 1000}}},
			CostPerFilled: []stats.Amount{{Currency: "USD", Minor: 103}},
		},
	}
}

// WantFebruary holds the figures of February the trend compares with.
type WantFebruary struct {
	BorrowingReceived int
	BorrowingRate     stats.Rate
	BorrowingOpenEnd  int
	LendingReceived   int
	LendingFilled     int
	Spend             []stats.Amount
	CostPerFilled     []stats.Amount
}

// February: F1-F4 and L-F1 submitted; F1, F2 filled (4th), F3 unfilled
// (12th), F4 undecided at the end; F4 and F5 (closed 13 March) still open
// on 1 March; 12.00 spent over 2 filled.
func WantFeb() WantFebruary {
	return WantFebruary{
		BorrowingReceived: 4,
		BorrowingRate:     stats.Rate{Filled: 2, Unfilled: 1, Open: 1, Value: 2.0 / 3.0},
		BorrowingOpenEnd:  2,
		LendingReceived:   1,
		LendingFilled:     1,
		Spend:             []stats.Amount{{Currency: "USD", Minor: 1200}},
		CostPerFilled:     []stats.Amount{{Currency: "USD", Minor: 600}},
	}
}

// WantCollection is the collection report of March (MinRequests 3, a book
// 60.00, handling 15.00 a request, recent: since 2021).
func WantCollection() stats.Collection {
	silent := stats.TitleDemand{Key: "isbn:9780618249060", ISBN: "9780618249060", Title: "Silent spring", Author: "Carson, Rachel", PubYear: 2002, Subject: "QH",
		Requests: 7, Filled: 4, Departments: []stats.Count{{Key: "History", N: 6}, {Key: "(none)", N: 1}}, Cost: 550} // A1-4, C1-2, E3; A1's shipping
	middle := stats.TitleDemand{Key: "isbn:9780141439549", ISBN: "9780141439549", Title: "Middlemarch", Author: "Eliot, George", PubYear: 2003, Subject: "PR",
		Requests: 5, Filled: 3, Departments: []stats.Count{{Key: "History", N: 3}, {Key: "Biology", N: 2}}} // A8-10, D1, D2
	nat := stats.TitleDemand{Key: "issn:0028-0836", ISSN: "0028-0836", Title: "Nature", PubYear: 1953, Subject: "Q", Copies: true,
		Requests: 5, Filled: 4, Departments: []stats.Count{{Key: "Biology", N: 4}, {Key: "History", N: 1}}} // B1-4, D6
	kuhnD := stats.TitleDemand{Key: "isbn:9780226458120", ISBN: "9780226458120", Title: "The structure of scientific revolutions", Author: "Kuhn, Thomas S.", PubYear: 2012, Subject: "Q",
		Requests: 4, Filled: 4, Departments: []stats.Count{{Key: "History", N: 3}, {Key: "(none)", N: 1}}} // A5-7, E4
	data := stats.TitleDemand{Key: "isbn:9780262044004", ISBN: "9780262044004", Title: "Data feminism", Author: "D'Ignazio, Catherine", PubYear: 2023, Subject: "HM",
		Requests: 4, Filled: 2, Departments: []stats.Count{{Key: "(none)", N: 2}, {Key: "Biology", N: 1}, {Key: "History", N: 1}}, Cost: 1500} // D4, D5, E1, E2; D4's charge
	return stats.Collection{
		Period:      March,
		Requests:    30,
		Titles:      []stats.TitleDemand{silent, middle, nat, kuhnD, data},
		Subjects:    []stats.Count{{Key: "Q", N: 9}, {Key: "QH", N: 7}, {Key: "PR", N: 5}, {Key: "HM", N: 4}, {Key: "QA", N: 2}, {Key: "Z", N: 2}, {Key: "(none)", N: 1}},
		Departments: []stats.Count{{Key: "History", N: 16}, {Key: "Biology", N: 10}, {Key: "(none)", N: 4}},
		Matrix: []stats.SubjectCell{{Subject: "(none)", Department: "Biology", N: 1}, {Subject: "HM", Department: "(none)", N: 2}, {Subject: "HM", Department: "Biology", N: 1}, {Subject: "HM", Department: "History", N: 1},
			{Subject: "PR", Department: "Biology", N: 2}, {Subject: "PR", Department: "History", N: 3}, {Subject: "Q", Department: "(none)", N: 1}, {Subject: "Q", Department: "Biology", N: 4}, {Subject: "Q", Department: "History", N: 4},
			{Subject: "QA", Department: "History", N: 2}, {Subject: "QH", Department: "(none)", N: 1}, {Subject: "QH", Department: "History", N: 6}, {Subject: "Z", Department: "Biology", N: 2}},
		// ILL cost = ledger + 15.00 a request: Silent spring 5.50 + 105.00,
		// Middlemarch 75.00, Data feminism 15.00 + 60.00 (recent), Kuhn
		// 60.00; GEB (2 requests, 30.00) and the local history (1) are not.
		Candidates: []stats.BuyCandidate{
			{TitleDemand: silent, ILLCost: 11050, Price: 6000, Saving: 5050, Because: []string{"repeat", "cost"}},
			{TitleDemand: middle, ILLCost: 7500, Price: 6000, Saving: 1500, Because: []string{"repeat", "cost"}},
			{TitleDemand: data, ILLCost: 7500, Price: 6000, Saving: 1500, Recent: true, Because: []string{"repeat", "cost"}},
			{TitleDemand: kuhnD, ILLCost: 6000, Price: 6000, Saving: 0, Because: []string{"repeat", "cost"}},
		},
	}
}

// WantSurvey is fiscal year 2025-26. Lending filled: L-A 8 loans, L-B 4
// copies, L-F1 1 loan. Borrowing filled: A 10, B 6 copies, D4, E2, F1,
// F2, F4 loans (21), and E4, F5 from L3, a branch of the same
// institution (left out).
func WantSurvey() map[string]int {
	return map[string]int{
		"arl.lent": 13, "arl.lent.returnables": 9, "arl.lent.nonreturnables": 4,
		"arl.borrowed": 21, "arl.borrowed.returnables": 15, "arl.borrowed.nonreturnables": 6,
		"ipeds.provided": 13, "ipeds.received": 21,
		"internal.lent": 0, "internal.borrowed": 2,
	}
}
