// Package peertest runs separate Interlend processes that talk ISO 18626
// to each other, for end-to-end tests and benchmarks of the protocol: the
// real binary (testenv.Binary), each process with its own database, real
// HTTP on 127.0.0.1.
//
// A Network is set up the way an operator would: `interlend agency add`,
// `interlend user add` and `interlend directory import` (every other
// process's libraries, with bearer credentials both ways and the schema
// version chosen) before `interlend serve` starts. Staff work through the
// JSON API (/api/v1) with a web session, as the desk's scripts would.
//
// Every message between processes passes through a Tap: a small recording
// relay in front of each process's /iso18626. It keeps each exchange (the
// message as posted, the confirmation as answered, wire times), lets a
// test wait for a message, hold messages back (a slow network), and
// spreads messages over several `serve` processes sharing one database.
// The relay changes nothing in the bytes it forwards.
package peertest
