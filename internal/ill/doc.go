// Package ill is the domain of Interlend: what a request is, its citation,
// the state tables of the borrowing and lending sides, the error vocabulary,
// roles, and the clock. It imports nothing else from Interlend and does no I/O.
package ill
