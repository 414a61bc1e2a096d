package web

import "interlend/internal/ill"

// The lending desk's links to its scanner pages (routes_lending_scan.go,
// routes_lending_copies.go): pull slips, the scan box in its found and
// ship modes, copies to deliver, returns and renewals. Each has a
// one-key shortcut on the desk (Shift and the letter), shown only to
// staff who may use the page.
func init() {
	for _, t := range []lendingTool{
		{Key: "lending.tools.slips", Href: "/lending/slips", Shortcut: "P", Perm: ill.PermScan},
		{Key: "lending.tools.found", Href: "/lending/scan?mode=found", Shortcut: "F", Perm: ill.PermScan},
		{Key: "lending.tools.ship", Href: "/lending/scan?mode=ship", Shortcut: "S", Perm: ill.PermScan},
		{Key: "lending.tools.copies", Href: "/lending/copies", Shortcut: "C", Perm: ill.PermScan},
		{Key: "lending.tools.returns", Href: "/lending/returns", Shortcut: "R", Perm: ill.PermRequestView},
	} {
		addLendingTool(t)
	}
}
