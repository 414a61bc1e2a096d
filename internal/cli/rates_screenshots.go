package cli

// The exchange rates page (the demo's GBP, EUR, AUD and CAD rates), seen
// by the demo's consortium administrator.
func init() {
	addScreenshot(screenshot{Name: "directory-rates", As: "admin@demo.example", Path: "/directory/rates"})
}
