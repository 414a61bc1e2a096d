package app

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Partner pages: how the conversation with each partner library goes,
// seen from one of our agencies. Staff see the last message each way, the
// share of messages that went wrong, the messages held for want of an
// endpoint and those refused or given up, and re-drive them in order.

// PartnerWindow counts the messages exchanged with a partner in a period.
// An outgoing message counts as failed when the partner refused it (an
// ERROR confirmation) or its delivery was given up; an incoming one when
// we refused it. Attempts counts delivery attempts made in the period and
// FailedAttempts those that failed (to be retried, or given up).
type PartnerWindow struct {
	Days           int `json:"days"`
	Out            int `json:"out"`
	OutFailed      int `json:"outFailed"`
	In             int `json:"in"`
	InRejected     int `json:"inRejected"`
	Attempts       int `json:"attempts"`
	FailedAttempts int `json:"failedAttempts"`
}

// OutErrorRate is the share of outgoing messages that failed, in percent
// (0 with no messages).
func (w PartnerWindow) OutErrorRate() float64 { return partnerPercent(w.OutFailed, w.Out) }

// InErrorRate is the share of incoming messages we refused, in percent.
func (w PartnerWindow) InErrorRate() float64 { return partnerPercent(w.InRejected, w.In) }

// AttemptErrorRate is the share of delivery attempts that failed, in percent.
func (w PartnerWindow) AttemptErrorRate() float64 {
	return partnerPercent(w.FailedAttempts, w.Attempts)
}

func partnerPercent(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) * 100 / float64(of)
}

// PartnerSummary is a partner library as the partner list shows it.
type PartnerSummary struct {
	ID          ill.AgencyID `json:"id"`
	Name        string       `json:"name"`
	InDirectory bool         `json:"inDirectory"`
	Hosted      bool         `json:"hosted"`
	Status      string       `json:"status,omitempty"`
	// Endpoint is the partner's ISO 18626 URL ("" when it has none:
	// messages to it are held). Hosted partners are reached in-process.
	Endpoint string        `json:"endpoint,omitempty"`
	Version  string        `json:"version,omitempty"`
	LastOut  time.Time     `json:"lastOut,omitzero"`
	LastIn   time.Time     `json:"lastIn,omitzero"`
	Week     PartnerWindow `json:"week"`
	Month    PartnerWindow `json:"month"`
	Held     int           `json:"held"`
	Dead     int           `json:"dead"` // refused or given up
}

// Reachable reports whether messages to the partner can leave: it is
// hosted here or has an endpoint.
func (s PartnerSummary) Reachable() bool { return s.Hosted || s.Endpoint != "" }

// StateCount counts a partner's messages in one direction and state.
type StateCount struct {
	Direction string `json:"direction"`
	State     string `json:"state"`
	Count     int    `json:"count"`
}

// PartnerRequest is an open request with a partner that a StatusRequest
// can be sent about.
type PartnerRequest struct {
	ID    string    `json:"id"`
	Title string    `json:"title"`
	State ill.State `json:"state"`
}

// PartnerOverview is a partner's page.
type PartnerOverview struct {
	PartnerSummary
	// States counts the messages of the last 30 days by state.
	States []StateCount `json:"states"`
	// Held are the messages waiting for an endpoint; Dead the refused and
	// given-up ones, oldest first, each with how many of its request's
	// messages wait behind it.
	Held []MessageView `json:"held"`
	Dead []MessageView `json:"dead"`
	// StatusRequests are the open borrowing requests with the partner a
	// test StatusRequest may be sent about (by this actor).
	StatusRequests []PartnerRequest `json:"statusRequests"`
	// CanRedrive: the actor may re-drive and release messages.
	CanRedrive bool `json:"canRedrive"`
}

// PartnerQuery pages the partner list.
type PartnerQuery struct {
	Text   string
	Offset int
	Limit  int
}

// PartnerList is a page of partners, with the ones that have held or dead
// messages (for the agency) listed first on their own.
type PartnerList struct {
	Attention []PartnerSummary `json:"attention"`
	Items     []PartnerSummary `json:"items"`
	Total     int              `json:"total"`
	Offset    int              `json:"offset"`
	Limit     int              `json:"limit"`
}

// maxProblemJobs bounds the held and dead messages a partner page loads.
const maxProblemJobs = 500

// Partners lists the directory's libraries (but the actor's own) with
// how messages with each of them go. Returns Forbidden.
func (a *App) Partners(ctx context.Context, actor ill.Actor, q PartnerQuery) (PartnerList, error) {
	if err := requireStaffView(actor); err != nil {
		return PartnerList{}, err
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	q.Offset = max(q.Offset, 0)
	out := PartnerList{Offset: q.Offset, Limit: q.Limit, Items: []PartnerSummary{}, Attention: []PartnerSummary{}}
	err := a.read(ctx, func(tx *store.Tx) error {
		f := store.DirectoryFilter{Text: q.Text, Limit: q.Limit + 1, Offset: q.Offset}
		entries, err := tx.Network().DirectoryEntries(f)
		if err != nil {
			return err
		}
		if out.Total, err = tx.Network().CountDirectoryEntries(store.DirectoryFilter{Text: q.Text}); err != nil {
			return err
		}
		entries = slices.DeleteFunc(entries, func(e directory.Entry) bool { return e.ID == actor.Agency })
		if len(entries) > q.Limit {
			entries = entries[:q.Limit]
		}
		if q.Offset == 0 {
			// Libraries hosted here without a directory entry are
			// partners too (reached in-process): listed first.
			hosted, err := hostedOutsideDirectory(tx, actor.Agency, q.Text)
			if err != nil {
				return err
			}
			entries = append(hosted, entries...)
			out.Total += len(hosted)
		}
		problems, err := a.partnerProblems(tx, actor.Agency)
		if err != nil {
			return err
		}
		sums, err := a.partnerSummaries(tx, actor.Agency, entries, problems)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, sums...)
		// Partners with held or dead messages, wherever they are in the
		// directory's order.
		looked, seen := map[ill.AgencyID]bool{}, map[ill.AgencyID]bool{}
		var troubled []directory.Entry
		for _, v := range problems {
			if looked[v.Partner] {
				continue
			}
			looked[v.Partner] = true
			e, err := partnerEntry(tx, v.Partner)
			if err != nil {
				return err
			}
			if !seen[e.ID] {
				seen[e.ID] = true
				troubled = append(troubled, e)
			}
		}
		if len(troubled) > 0 {
			at, err := a.partnerSummaries(tx, actor.Agency, troubled, problems)
			if err != nil {
				return err
			}
			out.Attention = append(out.Attention, at...)
		}
		return nil
	})
	return out, err
}

// Partner is one partner's page, for any library in the directory or any
// agency messages were exchanged with. Returns NotFound or Forbidden.
func (a *App) Partner(ctx context.Context, actor ill.Actor, id ill.AgencyID) (PartnerOverview, error) {
	if err := requireStaffView(actor); err != nil {
		return PartnerOverview{}, err
	}
	var out PartnerOverview
	err := a.read(ctx, func(tx *store.Tx) error {
		e, err := partnerEntry(tx, id)
		if err != nil {
			return err
		}
		ids := partnerIDs(e)
		if !e.Hosted && e.UpdatedAt.IsZero() {
			// Not in the directory: only if we ever exchanged messages.
			lastOut, err := tx.Agency().LastMessage(actor.Agency, ids, store.Outbound)
			if err != nil {
				return err
			}
			lastIn, err := tx.Agency().LastMessage(actor.Agency, ids, store.Inbound)
			if err != nil {
				return err
			}
			if lastOut.IsZero() && lastIn.IsZero() {
				return ill.Errorf(ill.NotFound, "%s is not in the directory and never exchanged messages with %s", id, actor.Agency)
			}
		}
		problems, err := a.partnerProblems(tx, actor.Agency)
		if err != nil {
			return err
		}
		sums, err := a.partnerSummaries(tx, actor.Agency, []directory.Entry{e}, problems)
		if err != nil {
			return err
		}
		out.PartnerSummary = sums[0]
		now := a.Clock.Now()
		at, err := tx.Agency().PartnerAttempts(actor.Agency, ids, now.AddDate(0, 0, -7), now.AddDate(0, 0, -30))
		if err != nil {
			return err
		}
		out.Week.Attempts, out.Week.FailedAttempts = at[0].Total, at[0].Failed
		out.Month.Attempts, out.Month.FailedAttempts = at[1].Total, at[1].Failed
		if out.States, err = a.partnerStateCounts(tx, actor.Agency, ids); err != nil {
			return err
		}
		out.Held, out.Dead = []MessageView{}, []MessageView{}
		for _, v := range problems {
			if !slices.Contains(ids, v.Partner) {
				continue
			}
			if v.State == MsgHeld {
				out.Held = append(out.Held, v)
			} else {
				out.Dead = append(out.Dead, v)
			}
		}
		out.StatusRequests, err = statusRequestsWith(tx, actor, ids)
		out.CanRedrive = mayRedriveMsgs(actor, ill.Borrowing) || mayRedriveMsgs(actor, ill.Lending)
		return err
	})
	return out, err
}

// hostedOutsideDirectory lists the agencies hosted here (but one) that
// have no directory entry, whose name or id contains text.
func hostedOutsideDirectory(tx *store.Tx, except ill.AgencyID, text string) ([]directory.Entry, error) {
	ags, err := tx.System().Agencies()
	if err != nil {
		return nil, err
	}
	text = strings.ToLower(strings.TrimSpace(text))
	var out []directory.Entry
	for _, ag := range ags {
		if ag.ID == except || text != "" && !strings.Contains(strings.ToLower(string(ag.ID)+" "+ag.Name), text) {
			continue
		}
		if _, err := tx.Network().LookupLibrary(string(ag.ID)); err == nil {
			continue
		} else if !ill.Is(err, ill.NotFound) {
			return nil, err
		}
		out = append(out, directory.Entry{ID: ag.ID, Name: ag.Name, Hosted: true})
	}
	return out, nil
}

// partnerEntry finds a partner in the directory by any of its ids; one
// that is not there gets an entry of its id alone (UpdatedAt zero).
func partnerEntry(tx *store.Tx, id ill.AgencyID) (directory.Entry, error) {
	e, err := tx.Network().LookupLibrary(string(id))
	if ill.Is(err, ill.NotFound) {
		e = directory.Entry{ID: id, Name: string(id)}
		ag, err := tx.System().GetAgency(id)
		if err == nil {
			e.Name, e.Hosted = ag.Name, true
		} else if !ill.Is(err, ill.NotFound) {
			return directory.Entry{}, err
		}
		return e, nil
	}
	if err != nil {
		return directory.Entry{}, err
	}
	e.Credentials = nil // never leaves the app from here
	return e, nil
}

// partnerIDs are the ids messages name a library by: its id and the
// value of each of its symbols.
func partnerIDs(e directory.Entry) []ill.AgencyID {
	ids := []ill.AgencyID{e.ID}
	for _, s := range e.Symbols {
		if v := ill.AgencyID(s.Value); !slices.Contains(ids, v) {
			ids = append(ids, v)
		}
	}
	return ids
}

// partnerSummaries computes the partner list's line of each entry.
func (a *App) partnerSummaries(tx *store.Tx, agency ill.AgencyID, entries []directory.Entry, problems []MessageView) ([]PartnerSummary, error) {
	owner := map[ill.AgencyID]int{}
	var all []ill.AgencyID
	out := make([]PartnerSummary, len(entries))
	for i, e := range entries {
		out[i] = PartnerSummary{ID: e.ID, Name: e.Name, InDirectory: e.Hosted || !e.UpdatedAt.IsZero(), Hosted: e.Hosted,
			Status: string(e.Status), Endpoint: e.Endpoint.URL, Version: e.Endpoint.Version,
			Week: PartnerWindow{Days: 7}, Month: PartnerWindow{Days: 30}}
		if e.Hosted {
			out[i].Endpoint = ""
		}
		for _, id := range partnerIDs(e) {
			if _, dup := owner[id]; !dup {
				owner[id] = i
				all = append(all, id)
			}
		}
	}
	now := a.Clock.Now()
	tr, err := tx.Agency().PartnerTraffic(agency, all, now.AddDate(0, 0, -30), now.AddDate(0, 0, -7))
	if err != nil {
		return nil, err
	}
	for _, c := range tr {
		s := &out[owner[c.Partner]]
		v := trafficView(c)
		failed := v.State == MsgRefused || v.State == MsgFailed || v.State == MsgRejected
		for _, w := range []struct {
			win *PartnerWindow
			n   int
		}{{&s.Week, c.Recent}, {&s.Month, c.Since}} {
			switch {
			case c.Direction == store.Inbound:
				w.win.In += w.n
				if failed {
					w.win.InRejected += w.n
				}
			case v.State != MsgRecorded:
				w.win.Out += w.n
				if failed {
					w.win.OutFailed += w.n
				}
			}
		}
	}
	for i, e := range entries {
		var err error
		if out[i].LastOut, err = tx.Agency().LastMessage(agency, partnerIDs(e), store.Outbound); err != nil {
			return nil, err
		}
		if out[i].LastIn, err = tx.Agency().LastMessage(agency, partnerIDs(e), store.Inbound); err != nil {
			return nil, err
		}
	}
	for _, v := range problems {
		i, ok := owner[v.Partner]
		if !ok {
			continue
		}
		if v.State == MsgHeld {
			out[i].Held++
		} else {
			out[i].Dead++
		}
	}
	return out, nil
}

// trafficView is the state of the messages a traffic count counts.
func trafficView(c store.TrafficCount) MessageView {
	d := store.MessageDelivery{StoredMessage: store.StoredMessage{Direction: c.Direction, Delivery: c.Delivery}, JobState: c.JobState}
	if c.Retrying {
		d.JobAttempts, d.LastError = 1, "failed"
	}
	return msgViewOf(d)
}

// partnerStateCounts counts a partner's messages of the last 30 days by
// direction and state.
func (a *App) partnerStateCounts(tx *store.Tx, agency ill.AgencyID, ids []ill.AgencyID) ([]StateCount, error) {
	since := a.Clock.Now().AddDate(0, 0, -30)
	tr, err := tx.Agency().PartnerTraffic(agency, ids, since, since)
	if err != nil {
		return nil, err
	}
	counts := map[[2]string]int{}
	for _, c := range tr {
		v := trafficView(c)
		counts[[2]string{c.Direction, v.State}] += c.Since
	}
	out := []StateCount{}
	for k, n := range counts {
		out = append(out, StateCount{Direction: k[0], State: k[1], Count: n})
	}
	rank := func(s string) int { return slices.Index(msgStateOrder, s) }
	sort.Slice(out, func(i, j int) bool {
		if out[i].Direction != out[j].Direction {
			return out[i].Direction > out[j].Direction // out before in
		}
		return rank(out[i].State) < rank(out[j].State)
	})
	return out, nil
}

// msgStateOrder is the order states are listed in.
var msgStateOrder = []string{MsgSent, MsgDelivered, MsgQueued, MsgWaiting, MsgSending, MsgRetrying, MsgHeld, MsgRefused, MsgFailed,
	MsgCancelled, MsgRecorded, MsgApplied, MsgRejected}

// partnerProblems are an agency's outgoing messages whose delivery job is
// dead or held, as the first stuck message of their request (the ones
// behind them are counted, not listed), oldest first.
func (a *App) partnerProblems(tx *store.Tx, agency ill.AgencyID) ([]MessageView, error) {
	js, err := tx.System().ListJobs(store.JobFilter{Agency: agency, Kind: KindSend, States: []store.JobState{store.JobDead, store.JobHeld}, Limit: maxProblemJobs})
	if err != nil || len(js) == 0 {
		return nil, err
	}
	var ids []int64
	for _, j := range js {
		var p sendPayload
		if json.Unmarshal(j.Payload, &p) == nil && p.Message != 0 {
			ids = append(ids, p.Message)
		}
	}
	var requests []int64
	for chunk := range slices.Chunk(ids, 500) {
		ds, err := tx.Agency().MessageDeliveries(agency, store.MessageQuery{IDs: chunk})
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if d.RequestID != 0 && !slices.Contains(requests, d.RequestID) {
				requests = append(requests, d.RequestID)
			}
		}
	}
	var out []MessageView
	for chunk := range slices.Chunk(requests, 500) {
		vs, err := requestMsgViews(tx, agency, chunk)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if v.Direction == store.Outbound && v.stuck() && !v.blocked {
				out = append(out, v)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// statusRequestsWith lists the open borrowing requests with the partner
// the actor may send a StatusRequest about.
func statusRequestsWith(tx *store.Tx, actor ill.Actor, ids []ill.AgencyID) ([]PartnerRequest, error) {
	out := []PartnerRequest{}
	for _, id := range ids {
		rs, _, err := tx.Agency().ListRequests(actor.Agency, store.RequestFilter{Side: ill.Borrowing, Partner: id, Open: true, Sort: "updated", Limit: 100})
		if err != nil {
			return nil, err
		}
		var askable []*ill.Request
		for _, r := range rs {
			if slices.ContainsFunc(availableFor(actor, r), func(d ill.ActionDef) bool { return d.Name == ill.ActStatusRequest }) {
				askable = append(askable, r)
			}
		}
		if len(askable) == 0 {
			continue
		}
		// Requests the partner has written to us about come first: it
		// knows them, so the test's answer says something about the
		// connection (an imported or hand-entered request the partner
		// never saw is only refused as unknown).
		ids := make([]int64, len(askable))
		for i, r := range askable {
			ids[i] = r.ID
		}
		known, err := tx.Agency().RequestsHeardFrom(actor.Agency, id, ids)
		if err != nil {
			return nil, err
		}
		slices.SortStableFunc(askable, func(x, y *ill.Request) int {
			switch {
			case known[x.ID] == known[y.ID]:
				return 0
			case known[x.ID]:
				return -1
			}
			return 1
		})
		for _, r := range askable {
			out = append(out, PartnerRequest{ID: r.PublicID, Title: r.Citation.DisplayTitle(), State: r.State})
		}
	}
	return out, nil
}

// mayRedriveMsgs reports whether the actor may re-drive messages of requests
// of a side: the jobs permission, or the side's desk permission.
func mayRedriveMsgs(actor ill.Actor, side ill.Side) bool {
	if actor.Can(ill.PermJobs) {
		return true
	}
	if side == ill.Lending {
		return actor.Can(ill.PermLendAct)
	}
	return actor.Can(ill.PermBorrowAct)
}
