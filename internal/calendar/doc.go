// Package calendar is a library's business calendar: its time zone, its
// opening hours for each weekday and its closures (holidays, breaks). It
// answers the questions timers and routing ask: is the library open now or
// on a date, when does it reopen, what is the deadline n business days
// from now, how many business days or business hours lie between two
// instants, and which closures fall in a window.
//
// A Calendar is the setting as stored (and as JSON); New checks it and
// compiles it into a Schedule, an immutable value that answers in constant
// or logarithmic time whatever the span (weekly arithmetic plus binary
// search over the closures), safe for concurrent use.
//
// Days and hours are counted in the library's zone, on the wall clock:
// opening hours "09:00-17:00" mean 09:00 to 17:00 local time on every
// date, including the dates clocks change. Business durations are real
// elapsed time, so a day whose opening hours contain a clock change
// counts an hour more or less (found for transitions from 1970 to 2100).
// Local times that do not exist (skipped by a clock change) are moved
// forward by the gap; local times that occur twice mean the earlier one.
package calendar

import _ "time/tzdata" // zone data for time.LoadLocation in minimal containers
