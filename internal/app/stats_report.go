package app

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/mail"
	"interlend/internal/stats"
	"interlend/internal/store"
)

// KindStatsMonthlyReport mails each library's figures of the month that
// ended to its managers (and the report's other recipients), on the first
// of the month, then schedules itself for the next month.
const KindStatsMonthlyReport = "stats.monthly_report"

// MonthlyReportNotice is the monthly report's mail.
const MonthlyReportNotice = "stats.monthly"

// MonthlyReportData is the monthly report mail's data: texts already
// formatted for the reader.
type MonthlyReportData struct {
	Agency string
	Month  string // "March 2026"
	Link   string // the dashboard for that month
	Lines  []MonthlyReportLine
}

// MonthlyReportLine is one figure with the month before.
type MonthlyReportLine struct {
	Label, Value, Previous string
}

const monthlySubject = `{{t "stats.mail.subject" .Month .Agency}}`

const monthlyText = `{{t "stats.mail.intro" .Month .Agency}}

{{range .Lines}}{{.Label}}: {{.Value}} ({{t "stats.mail.previous" .Previous}})
{{end}}
{{t "stats.mail.link"}}
{{.Link}}

-- 
{{t "mail.footer.automatic"}}
`

const monthlyHTML = `<p>{{t "stats.mail.intro" .Month .Agency}}</p>
<table style="border-collapse:collapse">
<thead><tr><th style="text-align:left;padding:4px 12px 4px 0">{{t "stats.mail.figure"}}</th><th style="text-align:right;padding:4px 12px">{{.Month}}</th><th style="text-align:right;padding:4px 0 4px 12px">{{t "stats.mail.before"}}</th></tr></thead>
<tbody>{{range .Lines}}<tr><td style="padding:4px 12px 4px 0">{{.Label}}</td><td style="text-align:right;padding:4px 12px">{{.Value}}</td><td style="text-align:right;padding:4px 0 4px 12px;color:#555">{{.Previous}}</td></tr>{{end}}</tbody>
</table>
<p><a href="{{.Link}}">{{t "stats.mail.open"}}</a></p>
<hr>
<p style="color:#555;font-size:14px">{{t "mail.footer.automatic"}}</p>`

func init() {
	mail.Register(mail.Notice{Key: MonthlyReportNotice, Description: "the month's statistics, mailed to managers on the first of the month",
		Default: mail.Template{Subject: monthlySubject, Text: monthlyText, HTML: monthlyHTML},
		Sample: MonthlyReportData{Agency: "Example University Library", Month: "March 2026", Link: "https://ill.example.edu/stats?period=lastmonth",
			Lines: []MonthlyReportLine{{Label: "Borrowing requests", Value: "412", Previous: "388"}}}})
	addJobs(func(a *App) {
		a.Jobs.Register(jobs.Kind{Name: KindStatsMonthlyReport, Timeout: 10 * time.Minute, Handler: func(ctx context.Context, run *jobs.Run) error {
			if _, err := a.SendMonthlyReports(ctx); err != nil {
				return err
			}
			return run.Complete(ctx, func(tx *store.Tx) error { return scheduleMonthlyReport(tx, tx.Now().Add(time.Hour)) })
		}})
	})
}

// scheduleMonthlyReport enqueues the next monthly report: 06:00 UTC on
// the first of the month after at (or of at's month, before 06:00 on the
// first). The key names the month, so it is scheduled once.
func scheduleMonthlyReport(tx *store.Tx, at time.Time) error {
	at = at.UTC()
	next := time.Date(at.Year(), at.Month(), 1, 6, 0, 0, 0, time.UTC)
	if !next.After(at) {
		next = next.AddDate(0, 1, 0)
	}
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindStatsMonthlyReport, RunAt: next,
		IdempotencyKey: KindStatsMonthlyReport + ":" + next.Format("2006-01")})
	return err
}

// SendMonthlyReports queues the report of the month that ended (in each
// library's zone) for every library that wants it, to each active manager
// and each extra recipient; a message is queued once per library, month
// and address. Returns how many messages were queued.
func (a *App) SendMonthlyReports(ctx context.Context) (int, error) {
	ags, err := a.Agencies(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ag := range ags {
		k, err := a.sendMonthlyReport(ctx, ag)
		if err != nil {
			return n, fmt.Errorf("monthly report of %s: %w", ag.ID, err)
		}
		n += k
	}
	return n, nil
}

func (a *App) sendMonthlyReport(ctx context.Context, ag store.Agency) (int, error) {
	set, err := StatsSetting.Get(ctx, a.DB, ag.ID)
	if err != nil || !set.MonthlyReport {
		return 0, err
	}
	actor := ill.SystemActor()
	actor.Agency = ag.ID
	d, err := a.StatsDashboard(ctx, actor, StatsQuery{Agency: ag.ID, Preset: stats.LastMonth})
	if err != nil {
		return 0, err
	}
	var recipients []store.User
	err = a.read(ctx, func(tx *store.Tx) (err error) { recipients, err = tx.System().StaffUsers(ag.ID); return })
	if err != nil {
		return 0, err
	}
	to := map[string]string{}
	var order []string
	for _, u := range recipients {
		if u.Disabled || !slicesHasRole(u.Grants, ag.ID, ill.RoleManager) {
			continue
		}
		if _, ok := to[u.Email]; !ok {
			order = append(order, u.Email)
		}
		to[u.Email] = u.Name
	}
	for _, r := range set.ReportRecipients {
		r = strings.TrimSpace(r)
		if _, ok := to[r]; !ok && r != "" {
			order = append(order, r)
			to[r] = ""
		}
	}
	if len(order) == 0 {
		return 0, nil
	}
	data := monthlyReportData(d, ag.Name, a.Cfg.BaseURL)
	month := d.Period.From.In(d.Location).Format("2006-01")
	err = a.write(ctx, func(tx *store.Tx) error {
		for _, email := range order {
			if err := a.QueueNotice(tx, Notice{Agency: ag.ID, To: email, ToName: to[email], Key: MonthlyReportNotice, Data: data,
				IdempotencyKey: KindStatsMonthlyReport + ":" + string(ag.ID) + ":" + month + ":" + email}); err != nil {
				return err
			}
		}
		return nil
	})
	return len(order), err
}

func slicesHasRole(gs ill.Grants, ag ill.AgencyID, r ill.Role) bool {
	for _, g := range gs {
		if g.Agency == ag && g.Role == r {
			return true
		}
	}
	return false
}

// monthlyReportData formats the headline figures of a month and the month
// before for the mail (English).
func monthlyReportData(d *StatsDashboard, name, base string) MonthlyReportData {
	cat, f := i18n.Load(), i18n.NewFormatter(i18n.Default)
	t := func(k string, args ...any) string { return cat.Text(i18n.Default, k, args...) }
	cur, pre := d.Current, d.Prior
	count := func(n int) string { return f.Number(int64(n)) }
	rate := func(r stats.Rate) string {
		if math.IsNaN(r.Value) {
			return t("stats.none")
		}
		return t("stats.percent", f.Decimal(100*r.Value, 1))
	}
	wait := func(m stats.SideMeasures, s stats.Stage) string {
		sum, ok := m.Turnaround[s]
		if !ok {
			return t("stats.none")
		}
		return t("stats.days", f.Decimal(sum.Median.Hours()/24, 1))
	}
	money := func(as []stats.Amount) string {
		for _, x := range as {
			if x.Currency == d.Settings.Currency {
				return f.Money(x.Minor, x.Currency)
			}
		}
		return f.Money(0, d.Settings.Currency)
	}
	lines := []MonthlyReportLine{
		{t("stats.head.borrowing"), count(cur.Borrowing.Received), count(pre.Borrowing.Received)},
		{t("stats.head.lending"), count(cur.Lending.Received), count(pre.Lending.Received)},
		{t("stats.head.bfill"), rate(cur.Borrowing.Rate), rate(pre.Borrowing.Rate)},
		{t("stats.head.lfill"), rate(cur.Lending.Rate), rate(pre.Lending.Rate)},
		{t("stats.head.wait"), wait(cur.Borrowing, stats.SubmittedToFilled), wait(pre.Borrowing, stats.SubmittedToFilled)},
		{t("stats.head.supply"), wait(cur.Lending, stats.LenderShip), wait(pre.Lending, stats.LenderShip)},
		{t("stats.head.spend"), money(cur.Money.Spend), money(pre.Money.Spend)},
		{t("stats.head.cost"), money(cur.Money.CostPerFilled), money(pre.Money.CostPerFilled)},
		{t("stats.head.open"), count(cur.Borrowing.OpenAtEnd + cur.Lending.OpenAtEnd), count(pre.Borrowing.OpenAtEnd + pre.Lending.OpenAtEnd)},
	}
	link := strings.TrimRight(base, "/") + "/stats?" + url.Values{"period": {string(stats.LastMonth)}}.Encode()
	return MonthlyReportData{Agency: name, Month: d.Period.From.In(d.Location).Format("January 2006"), Link: link, Lines: lines}
}
