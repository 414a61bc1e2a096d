package cli

// Screenshots of the lending desk (issue 8): the queues, the new queue by
// service level, a request's lending panel (the request entered by hand,
// reached by scanning the borrower's number), the hand-entry form and the
// automatic answers' settings.
func init() {
	addScreenshot(
		screenshot{Name: "lending-desk", As: "lending@exsup.example", Path: "/lending"},
		screenshot{Name: "lending-desk-new", As: "lending@exsup.example", Path: "/lending?queue=new&sort=service"},
		screenshot{Name: "lending-desk-messages", As: "lending@exsup.example", Path: "/lending?queue=messages"},
		screenshot{Name: "lending-desk-request", As: "lending@exsup.example", Path: "/scan?q=EMAIL-2291"},
		screenshot{Name: "lending-desk-enter-by-hand", As: "lending@exsup.example", Path: "/lending/new"},
		screenshot{Name: "lending-desk-auto-settings", As: "manager@exsup.example", Path: "/admin/settings/lending.auto"},
	)
}
