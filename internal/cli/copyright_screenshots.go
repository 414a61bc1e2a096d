package cli

// Screenshots of the copyright pages (the demo's US-EXCOL has requests
// held for clearance, a royalty paid, flagged titles and imported counts).
func init() {
	addScreenshot(
		screenshot{Name: "copyright-clearance", As: "manager@excol.example", Path: "/copyright"},
		screenshot{Name: "copyright-report", As: "manager@excol.example", Path: "/copyright/report"},
		screenshot{Name: "copyright-titles", As: "manager@exsup.example", Path: "/copyright/titles"},
	)
}
