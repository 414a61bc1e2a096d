// Package routing builds a borrowing request's rota: which libraries to
// ask, in which order, and why. It is pure: the caller gathers what
// routing needs (the holdings of the title, the directory entries of the
// holders, their measured performance from the stats package, today's
// load, exchange rates, the clock) into an Input, and Build returns a Plan
// of ranked lenders, each with the reasons it is in the rota and in that
// place, and the candidates left out, each with the reason.
//
// Build works in three steps (docs/routing.md has the details and the
// figures):
//
//  1. Candidates: every library holding a matching record (an identifier
//     match first, else a title and author similarity of at least
//     catalog.MinTitleScore), except the borrower; for a copy of a serial,
//     only holders whose holdings do not rule out the year and volume.
//  2. Filters: the library is active and reachable, offers the service and
//     the format, its charge (converted at the dated exchange rate) is
//     within the request's maximum, it is inside the borrower's chosen
//     groups, it is not closed now and a closure does not stretch its
//     response window beyond the limit (in its own time zone and business
//     calendar). A library at its daily cap goes after the others.
//  3. Score: expected fills per day of waiting, from the lender's fill
//     rate and turnaround for the service type with a prior for new
//     lenders (the network median weighted as 10 requests), times factors
//     for the match, serial coverage, cost, consortium tier and today's
//     load. Highest first; the rota keeps Config.MaxLenders.
//
// Reasons are codes with arguments, rendered through the message catalog
// (keys "routing.why.<code>") so staff read them in their language.
package routing
