// Package sim is a network simulator for routing: a world of libraries
// (heterogeneous lenders per service type, time zones, holidays and
// breaks, daily caps, charges in several currencies, one lender that
// degrades mid-run) and a workload of requests, run on a simulated clock
// through the real routing code (routing.Build, with lender scores from
// stats.LenderScores over the simulated history) and, for comparison,
// through a baseline lender string (routing.Baseline: five holders,
// preferred tier first, then alphabetical).
//
// Both strategies see the same world, the same requests and the same
// lender decisions (drawn from the request, the lender and the seed, not
// from the order of events), so the difference in the results is the
// routing's. A run reports, per strategy and seed, the fill rate, the
// turnaround percentiles (submitted to shipped or delivered) and the
// busiest lender's share of the requests sent against its fair share (the
// share it would get if every request went to one of its eligible holders
// at random); Report summarises the seeds with their spread.
//
// The world and the workload are a JSON configuration (world.json, built
// in; `interlend sim --config FILE` runs another). docs/routing.md quotes
// the default run.
package sim
