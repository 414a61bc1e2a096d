package ill

import (
	"slices"
	"strings"
	"testing"
)

// predecessors maps each state to the states a transition can come from
// (used to resolve Previous).
func predecessors(w *Workflow) map[State][]State {
	pred := map[State][]State{}
	add := func(from, to State) {
		if to != from && !slices.Contains(pred[to], from) {
			pred[to] = append(pred[to], from)
		}
	}
	for _, a := range w.Actions {
		for _, f := range a.From {
			for _, t := range a.Targets(f, "") {
				if t != "" {
					add(f, t)
				}
			}
		}
	}
	for _, r := range w.Incoming {
		from := r.From
		if len(from) == 0 {
			from = w.nonTerminal()
		}
		for _, f := range from {
			switch {
			case r.Outcome != Transition:
			case len(r.Next) > 0:
				for _, t := range r.Next {
					add(f, t)
				}
			case r.To != Stay && r.To != Previous:
				add(f, r.To)
			}
		}
	}
	return pred
}

// edges lists every (from, to) a workflow allows, resolving Previous to
// every state the "question" state can be entered from.
func edges(w *Workflow) map[State][]State {
	pred := predecessors(w)
	out := map[State][]State{}
	add := func(f, t State) {
		if t != "" && !slices.Contains(out[f], t) {
			out[f] = append(out[f], t)
		}
	}
	resolve := func(f State, to State, next []State) {
		switch {
		case len(next) > 0:
			for _, t := range next {
				add(f, t)
			}
		case to == Stay:
			add(f, f)
		case to == Previous:
			for _, p := range pred[f] {
				add(f, p)
			}
		default:
			add(f, to)
		}
	}
	for _, a := range w.Actions {
		for _, f := range a.From {
			resolve(f, a.To, a.Next)
		}
	}
	for _, r := range w.Incoming {
		if r.Outcome != Transition {
			continue
		}
		from := r.From
		if len(from) == 0 {
			for _, d := range w.States {
				from = append(from, d.Name)
			}
		}
		for _, f := range from {
			resolve(f, r.To, r.Next)
		}
	}
	return out
}

func TestEveryStateReachable(t *testing.T) {
	for _, w := range Workflows() {
		e := edges(w)
		seen := map[State]bool{}
		queue := append([]State{}, w.Initial...)
		for _, s := range queue {
			seen[s] = true
		}
		for len(queue) > 0 {
			s := queue[0]
			queue = queue[1:]
			for _, t := range e[s] {
				if !seen[t] {
					seen[t] = true
					queue = append(queue, t)
				}
			}
		}
		for _, d := range w.States {
			if !seen[d.Name] {
				t.Errorf("%s: state %s is unreachable from %v", w.Side, d.Name, w.Initial)
			}
		}
	}
}

func TestOnlyTerminalStatesHaveNoExit(t *testing.T) {
	for _, w := range Workflows() {
		e := edges(w)
		for _, d := range w.States {
			exits := slices.DeleteFunc(slices.Clone(e[d.Name]), func(s State) bool { return s == d.Name })
			if d.Terminal && len(exits) > 0 {
				t.Errorf("%s: terminal state %s has exits %v", w.Side, d.Name, exits)
			}
			if !d.Terminal && len(exits) == 0 {
				t.Errorf("%s: state %s is a dead end but not terminal", w.Side, d.Name)
			}
		}
	}
}

func TestEveryIncomingPairClassifiedOnce(t *testing.T) {
	for _, w := range Workflows() {
		for _, ev := range w.Events {
			fallbacks := 0
			for _, r := range w.Incoming {
				if r.Event == ev && len(r.From) == 0 {
					fallbacks++
				}
			}
			if fallbacks != 1 {
				t.Errorf("%s: event %s has %d fallback rules, want exactly 1", w.Side, ev, fallbacks)
			}
			for _, d := range w.States {
				matches := 0
				for _, r := range w.Incoming {
					if r.Event == ev && slices.Contains(r.From, d.Name) {
						matches++
					}
				}
				if matches > 1 {
					t.Errorf("%s: (%s, %s) matched by %d rules", w.Side, d.Name, ev, matches)
				}
				r, err := w.Classify(d.Name, ev)
				if err != nil {
					t.Error(err)
					continue
				}
				switch r.Outcome {
				case Transition, AcceptFlag:
				case Reject:
					if r.ErrorType == "" {
						t.Errorf("%s: (%s, %s) rejects without an errorType", w.Side, d.Name, ev)
					}
				default:
					t.Errorf("%s: (%s, %s) has outcome %q", w.Side, d.Name, ev, r.Outcome)
				}
			}
		}
		for _, r := range w.Incoming {
			if !slices.Contains(w.Events, r.Event) {
				t.Errorf("%s: rule for unlisted event %s", w.Side, r.Event)
			}
		}
	}
}

func TestTablesNameEveryStatusActionAndRequestType(t *testing.T) {
	for _, s := range ISOStatuses {
		if !slices.Contains(BorrowingWorkflow.Events, IncomingEvent("status:"+s)) {
			t.Errorf("borrowing side has no event for status %s", s)
		}
		sent := false
		for _, a := range LendingWorkflow.Actions {
			sent = sent || a.Sends.Status == s
		}
		for _, d := range LendingWorkflow.States {
			sent = sent || d.ISO == s
		}
		if !sent {
			t.Errorf("lending side never reports status %s", s)
		}
	}
	for _, act := range ISOActions {
		if !slices.Contains(LendingWorkflow.Events, IncomingEvent("action:"+act)) {
			t.Errorf("lending side has no event for action %s", act)
		}
		sent := false
		for _, a := range BorrowingWorkflow.Actions {
			sent = sent || a.Sends.Action == act
		}
		if !sent {
			t.Errorf("borrowing side never sends action %s", act)
		}
	}
	for _, rt := range []string{RequestNew, RequestRetry, RequestReminder} {
		sent := false
		for _, a := range BorrowingWorkflow.Actions {
			sent = sent || a.Sends.RequestType == rt
		}
		if !sent && rt != RequestNew {
			t.Errorf("borrowing side never sends request type %s", rt)
		}
	}
}

func TestTablesAreWellFormed(t *testing.T) {
	for _, w := range Workflows() {
		states := map[State]bool{}
		for _, d := range w.States {
			if states[d.Name] {
				t.Errorf("%s: state %s defined twice", w.Side, d.Name)
			}
			states[d.Name] = true
			if d.Side != w.Side {
				t.Errorf("%s: state %s has side %s", w.Side, d.Name, d.Side)
			}
		}
		check := func(where string, ss ...State) {
			for _, s := range ss {
				if s != Stay && s != Previous && !states[s] {
					t.Errorf("%s: %s names unknown state %q", w.Side, where, s)
				}
			}
		}
		names := map[ActionName]bool{}
		for _, a := range w.Actions {
			if names[a.Name] {
				t.Errorf("%s: action %s defined twice", w.Side, a.Name)
			}
			names[a.Name] = true
			if len(a.From) == 0 {
				t.Errorf("%s: action %s is never available", w.Side, a.Name)
			}
			if len(a.Actors) == 0 {
				t.Errorf("%s: action %s has no actor", w.Side, a.Name)
			}
			if slices.Contains(a.Actors, ActorStaff) && a.Perm == "" {
				t.Errorf("%s: staff action %s needs a permission", w.Side, a.Name)
			}
			check("action "+string(a.Name), append(append([]State{a.To}, a.From...), a.Next...)...)
			if !slices.Contains(EventTypes, a.EventType()) {
				t.Errorf("%s: action %s records %q, not in the event vocabulary", w.Side, a.Name, a.EventType())
			}
		}
		for _, r := range w.Incoming {
			check("rule "+string(r.Event), append(append([]State{r.To}, r.From...), r.Next...)...)
			if r.Record != "" && !slices.Contains(EventTypes, r.Record) {
				t.Errorf("%s: rule %s records %q, not in the event vocabulary", w.Side, r.Event, r.Record)
			}
		}
		for _, s := range w.Initial {
			check("initial", s)
		}
	}
}

func TestAvailableFiltersByActorAndService(t *testing.T) {
	names := func(ds []ActionDef) string {
		var out []string
		for _, d := range ds {
			out = append(out, string(d.Name))
		}
		return strings.Join(out, ",")
	}
	got := names(BorrowingWorkflow.Available(BShipped, ActorStaff, Copy))
	if strings.Contains(got, "receive") || !strings.Contains(got, "complete_copy") {
		t.Errorf("shipped copy: staff actions %s; want complete_copy and no loan receipt", got)
	}
	got = names(BorrowingWorkflow.Available(BCheckedOut, ActorPatron, Loan))
	if got != "renew" {
		t.Errorf("checked out, patron: %s, want renew", got)
	}
	if got := names(LendingWorkflow.Available(LNew, ActorPatron, Loan)); got != "" {
		t.Errorf("patrons act on lending requests: %s", got)
	}
}
