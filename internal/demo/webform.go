package demo

import (
	"context"

	"interlend/internal/app"
)

func init() {
	register(Step{Order: 96, Name: "lending web form on", Run: seedWebForm})
}

// DemoWebFormCode is the partner code of the demo's lending web form:
// US-EXSUP takes requests at /lend/US-EXSUP from US-NOSYS, a library with
// no ILL system, which uses this code.
const DemoWebFormCode = "nosys-demo-code"

func seedWebForm(ctx context.Context, a *app.App, w *World) error {
	return a.PutSetting(ctx, manager("US-EXSUP"), "US-EXSUP", string(app.WebFormSetting), app.WebFormSettings{
		Enabled: true, Codes: []string{"US-NOSYS " + DemoWebFormCode},
		Intro: "We lend books for four weeks and scan articles within two working days."})
}
