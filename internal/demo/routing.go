package demo

import (
	"context"
	"fmt"

	"interlend/internal/app"
	"interlend/internal/calendar"
	"interlend/internal/ill"
	"interlend/internal/routing"
)

// The exchange rates routing converts the demo partners' charges with
// (GB-EXLON charges in pounds, AU-EXSYD in Australian dollars): dated
// from the start of the demo year, as an administrator would enter them
// with `interlend rates import`.
func init() {
	register(Step{Order: 16, Name: "exchange rates", Run: seedRates})
}

// demoRates are rates into US dollars (routing uses the inverse for the
// other way, and goes through US dollars between two others).
var demoRates = []routing.Rate{
	{From: "GBP", To: "USD", Value: "1.27"},
	{From: "EUR", To: "USD", Value: "1.08"},
	{From: "AUD", To: "USD", Value: "0.66"},
	{From: "CAD", To: "USD", Value: "0.73"},
}

func seedRates(ctx context.Context, a *app.App, w *World) error {
	on := calendar.Date{Year: 2026, Month: 1, Day: 2}
	for _, r := range demoRates {
		r.On, r.Source = on, "demo"
		if err := a.PutExchangeRate(ctx, ill.SystemActor(), r); err != nil {
			return fmt.Errorf("exchange rate %s→%s: %w", r.From, r.To, err)
		}
	}
	return nil
}
