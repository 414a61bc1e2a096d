package nciptest

import (
	"slices"

	"interlend/internal/ncip"
)

// FaultKind is a scripted misbehaviour of the responder.
type FaultKind int

// The faults a test can script.
const (
	// FaultProblem answers with an NCIP Problem of Fault.Problem instead of
	// doing the work (Unknown User, User Blocked, Unknown Item, Item Does
	// Not Circulate, ...).
	FaultProblem FaultKind = iota + 1
	// FaultUnavailable answers HTTP 503, as an ILS that is down for
	// maintenance or a proxy in front of it does.
	FaultUnavailable
	// FaultCloseConnection closes the connection without answering.
	FaultCloseConnection
	// FaultSlow holds the answer until Fault.Release is closed, the
	// request's context ends (the client gave up) or the Responder is
	// closed; then it answers normally if the client is still there.
	FaultSlow
	// FaultGarbage answers 200 with a body that is not XML.
	FaultGarbage
)

// String names the fault.
func (k FaultKind) String() string {
	switch k {
	case 0:
		return "none"
	case FaultProblem:
		return "problem"
	case FaultUnavailable:
		return "unavailable"
	case FaultCloseConnection:
		return "close connection"
	case FaultSlow:
		return "slow"
	case FaultGarbage:
		return "garbage"
	}
	return "unknown fault"
}

// Fault is a scripted misbehaviour; build it with the constructors below.
type Fault struct {
	Kind    FaultKind
	Problem ncip.ProblemType // for FaultProblem
	// Release ends a FaultSlow wait when closed (nil: wait for the client
	// to give up or the Responder to close).
	Release <-chan struct{}
	// Entered, if set, receives the call when a FaultSlow handler starts
	// waiting, so a test knows the request arrived without polling. The
	// send is abandoned when the wait ends first.
	Entered chan<- Call
	// Count is how many matching calls the fault applies to; 0 means
	// every call until ClearFaults.
	Count int
}

// ProblemFault answers with an NCIP Problem of type t.
func ProblemFault(t ncip.ProblemType) Fault { return Fault{Kind: FaultProblem, Problem: t} }

// Unavailable answers HTTP 503.
func Unavailable() Fault { return Fault{Kind: FaultUnavailable} }

// CloseConnection drops the connection without an answer.
func CloseConnection() Fault { return Fault{Kind: FaultCloseConnection} }

// Slow holds the answer until release is closed (or the client gives up).
func Slow(release <-chan struct{}) Fault { return Fault{Kind: FaultSlow, Release: release} }

// Garbage answers 200 with a body that is not XML.
func Garbage() Fault { return Fault{Kind: FaultGarbage} }

// Once limits the fault to the next matching call.
func (f Fault) Once() Fault { f.Count = 1; return f }

// Times limits the fault to the next n matching calls.
func (f Fault) Times(n int) Fault { f.Count = n; return f }

type scripted struct {
	service string // "" matches every service
	fault   Fault
	left    int // remaining uses; <0 means unlimited
}

// Fail scripts f for calls of service (an initiation element name such as
// "AcceptItem"; "" for every service). Faults apply in the order scripted;
// the first that matches is used.
func (r *Responder) Fail(service string, f Fault) {
	r.mu.Lock()
	defer r.mu.Unlock()
	left := f.Count
	if left <= 0 {
		left = -1
	}
	r.faults = append(r.faults, &scripted{service: service, fault: f, left: left})
}

// ClearFaults removes every scripted fault.
func (r *Responder) ClearFaults() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.faults = nil
}

// takeFault returns the fault for a call of service and uses it up.
func (r *Responder) takeFault(service string) (Fault, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, s := range r.faults {
		if s.service != "" && s.service != service {
			continue
		}
		if s.left > 0 {
			s.left--
			if s.left == 0 {
				r.faults = slices.Delete(r.faults, i, i+1)
			}
		}
		return s.fault, true
	}
	return Fault{}, false
}
